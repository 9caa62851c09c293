"""Where kernels cannot be sandboxed (here: GRADER_NO_SANDBOX, as on macOS or an old Linux),
`grade` works and says so in one line; `grade-batch` refuses unless --unsandboxed, and the
gradebook says which notebooks were graded that way."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from grader.sandbox import sandbox_status
from tests.batch.conftest import greeting, make_course
from tests.conftest import run_grade

OFF = {"GRADER_NO_SANDBOX": "1"}


@pytest.fixture
def course_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_course(tmp_path / "course")
    monkeypatch.setenv("COURSE_ROOT", str(root))
    return root


def test_when_the_sandbox_is_unavailable_then_grade_works_and_says_so_once(course_root: Path, tmp_path: Path):
    notebook = greeting(tmp_path / "learner" / "greeting.ipynb")
    done = run_grade(str(notebook), env={**OFF, "COURSE_ROOT": str(course_root)}, cwd=notebook.parent)
    assert done.returncode == 0, done.stdout + done.stderr
    said = [line for line in done.stdout.splitlines() if "sandbox" in line]
    assert said == [
        " Note: The sandbox is switched off here (GRADER_NO_SANDBOX), so the notebook runs with your "
        "own permissions while it is graded; grading works as usual."
    ]


def test_when_the_sandbox_is_available_then_grade_says_nothing_of_it(course_root: Path, tmp_path: Path):
    notebook = greeting(tmp_path / "learner" / "greeting.ipynb")
    done = run_grade(str(notebook), "--json", "-", env={"COURSE_ROOT": str(course_root)}, cwd=notebook.parent)
    assert json.loads(done.stdout)["sandbox"] == sandbox_status() != "unsandboxed"


def test_when_the_sandbox_is_unavailable_then_grade_batch_refuses_without_unsandboxed(
    course_root: Path, tmp_path: Path
):
    greeting(tmp_path / "subs" / "ada" / "greeting.ipynb")
    batch = [
        sys.executable,
        "-m",
        "grader.course_cli",
        "grade-batch",
        str(tmp_path / "subs"),
        "--out",
        str(tmp_path / "out"),
        "--workers",
        "1",
    ]
    env = {**os.environ, **OFF}  # a batch of its own: its workers start with this environment
    refused = subprocess.run(batch, capture_output=True, text=True, env=env, timeout=300)
    assert refused.returncode == 2
    assert "this machine cannot sandbox the notebooks it grades" in refused.stderr
    assert not (tmp_path / "out").exists()
    done = subprocess.run([*batch, "--unsandboxed"], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "out" / "gradebook.csv").read_text().splitlines() == [
        "learner,greeting,total,out_of,graded_unsandboxed",
        "ada,4,4,4,greeting",
    ]
    book = json.loads((tmp_path / "out" / "gradebook.json").read_text())
    assert book["learners"][0]["scores"]["greeting"]["sandbox"] == "unsandboxed"
