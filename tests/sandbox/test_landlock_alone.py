"""Where user namespaces are not allowed (Ubuntu's AppArmor switch, Debian's sysctl; here
GRADER_NO_NAMESPACES), Landlock alone still stops the attacks: the course folder and the hidden
checks are visible but refused, and the zygote refuses a kernel to anyone but its grading. (Not a
fork bomb: the process limit needs a user namespace of the kernel's own, see sandbox.md.)"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from grader.sandbox import UNSANDBOXED, sandbox_status
from tests.batch.conftest import greeting
from tests.sandbox.conftest import HIDDEN_CHECK, attack_cell_error, make_scene

pytestmark = pytest.mark.skipif(sandbox_status() == UNSANDBOXED, reason="this machine cannot sandbox kernels")
COURSE = [sys.executable, "-m", "grader.course_cli"]
ATTACKS = [
    "rewrite_checks",
    "hidden_by_path",
    "hidden_via_proc_root",
    "write_outside",
    "write_results",
    "read_home",
    "read_other_submission",
    "signal_ancestors",
    "tcp_to_test_listener",
    "ask_the_zygote_for_a_kernel",
]


def test_when_only_landlock_is_available_then_it_alone_stops_the_attacks(tmp_path: Path):
    scenes = make_scene(tmp_path)
    scene = next(scenes)
    try:
        scene.hidden.mkdir()
        (scene.hidden / "test_hidden.py").write_text(HIDDEN_CHECK)
        before = scene.fingerprint()
        submissions = scene.honest.parent.parent
        for name in ATTACKS:
            greeting(
                submissions / name / "greeting.ipynb", extra_cells=[scene.attack(name, scene.hidden / "test_hidden.py")]
            )
        done = subprocess.run(  # a batch of its own: its workers start with this environment
            [
                *COURSE,
                "grade-batch",
                str(submissions),
                "--out",
                str(scene.out),
                "--workers",
                "2",
                "--extra-checks",
                str(scene.hidden),
            ],
            capture_output=True,
            text=True,
            timeout=900,
            env={**os.environ, "COURSE_ROOT": str(scene.root), "GRADER_NO_NAMESPACES": "1"},
        )
        assert done.returncode == 0, done.stdout + done.stderr
        for name in [*ATTACKS, "honest"]:
            record = json.loads((scene.out / "results" / name / "greeting.json").read_text())
            assert record["sandbox"] == sandbox_status().removesuffix("+namespaces")
            assert record["score"] == 5, (name, record["checks"])
            if name != "honest":
                assert attack_cell_error(record, name)["ename"] != "FileNotFoundError", "refused, not hidden"
        assert scene.fingerprint() == before
        assert scene.accepted_nothing()
    finally:
        scenes.close()
