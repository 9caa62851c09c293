"""Killing a batch (kill -9, Ctrl-C) leaves no kernel, no worker and no half-written result."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from tests.batch.conftest import greeting, loop_notebook, run
from tests.conftest import REPO


def processes_with(marker: str) -> list[str]:
    """The names and command lines of live processes whose environment carries `marker` (this test's only)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if marker.encode() in (entry / "environ").read_bytes():
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                found.append(f"{(entry / 'comm').read_text().strip()}: {command}")
        except OSError:  # gone meanwhile, or not ours
            pass
    return found


def wait_for(condition, seconds: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def start_batch(course_root: Path, tmp_path: Path, learners: int) -> tuple[subprocess.Popen[str], str, Path, Path]:
    subs, out = tmp_path / "submissions", tmp_path / "out"
    for n in range(learners):
        loop_notebook(subs / f"learner{n}" / "demo.ipynb")
    marker = f"BATCH_TEST_{uuid.uuid4().hex}"
    env = {**os.environ, "COURSE_ROOT": str(course_root), marker: "1"}
    batch = subprocess.Popen(
        [sys.executable, "-m", "grader.course_cli", "grade-batch", str(subs), "--out", str(out), "--workers", "2"],
        cwd=REPO,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    kernels = lambda: [c for c in processes_with(marker) if c.startswith("grader-kernel:")]  # noqa: E731
    assert wait_for(kernels, 60), "no kernel started"
    return batch, marker, subs, out


def assert_nothing_left(marker: str, out: Path) -> None:
    assert wait_for(lambda: not processes_with(marker), 10), processes_with(marker)
    for path in (out / "results").rglob("*"):
        assert not path.name.startswith("."), f"a half-written file was left: {path}"
        if path.is_file():
            assert json.loads(path.read_text())["status"] == "failed"


def test_when_the_batch_is_killed_then_no_kernel_lives_on_and_a_rerun_grades_the_rest(
    course_root: Path, tmp_path: Path
):
    batch, marker, subs, out = start_batch(course_root, tmp_path, learners=2)
    batch.kill()
    batch.communicate(timeout=10)
    assert_nothing_left(marker, out)
    done_before = len(list((out / "results").rglob("*.json")))
    report, _ = run(subs, out, course_root, workers=2)
    assert (report.graded, report.kept) == (2 - done_before, done_before)


def test_when_ctrl_c_is_pressed_then_the_batch_stops_cleanly(course_root: Path, tmp_path: Path):
    batch, marker, _, out = start_batch(course_root, tmp_path, learners=2)
    batch.send_signal(signal.SIGINT)
    _, stderr = batch.communicate(timeout=30)
    assert batch.returncode == 130
    assert "course: stopped. Every result written so far is kept" in stderr
    assert "Traceback" not in stderr
    assert_nothing_left(marker, out)


def test_when_the_batch_ends_then_nothing_is_left_in_the_temporary_folder(course_root: Path, tmp_path: Path):
    subs = tmp_path / "submissions"
    for learner in ("ada", "bo", "cy"):
        greeting(subs / learner / "greeting.ipynb")
    with tempfile.TemporaryDirectory(prefix="batch-tmp-") as tmp:  # short: it holds Unix sockets
        env = {**os.environ, "COURSE_ROOT": str(course_root), "TMPDIR": tmp}
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "grader.course_cli",
                "grade-batch",
                str(subs),
                "--out",
                str(tmp_path / "out"),
                "--workers",
                "2",
            ],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
        assert os.listdir(tmp) == []  # kernels' folders, zygotes' sockets, gradings' copies: all removed
