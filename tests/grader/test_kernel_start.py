"""A kernel that fails to start is started again before the learner hears of it, and the learner
is told to reinstall only when reinstalling is the fix (issue 14)."""

from __future__ import annotations

import stat
import sys
from pathlib import Path

import pytest

from grader.engine import grade_notebook
from grader.errors import KernelStartError
from grader.exercise import load_exercise
from grader.result import Status
from tests.conftest import write_nb

VALUE_IS_42 = '''
@points(1)
def test_value(nb):
    """value is 42"""
    assert nb.value("value") == 42, "value should be 42"
'''


def kernel_python(tmp_path: Path, script: str) -> str:
    """A stand-in for the kernel's Python: `script` (sh) runs first, then the real interpreter."""
    wrapper = tmp_path / "python"
    wrapper.write_text(f'#!/bin/sh\n{script}\nexec {sys.executable} "$@"\n')
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IEXEC)
    return str(wrapper)


def grade(exercise, tmp_path: Path):
    notebook = write_nb(["value = 42"], tmp_path / "learner" / "demo.ipynb")
    return grade_notebook(notebook, load_exercise(exercise(VALUE_IS_42)))


def test_when_the_kernel_fails_to_start_once_then_it_is_started_again_unseen(exercise, tmp_path, monkeypatch):
    failed = tmp_path / "failed-once"
    monkeypatch.setenv(
        "GRADER_PYTHON",
        kernel_python(
            tmp_path, f'case "$*" in *"-m grader.kernel_main"*) [ -e {failed} ] || {{ touch {failed}; exit 1; }};; esac'
        ),
    )
    result = grade(exercise, tmp_path)
    assert failed.exists()  # the first kernel really did fail
    assert result.status is Status.PASSED


def test_when_the_kernel_keeps_failing_but_python_is_sound_then_reinstalling_is_not_advised(
    exercise, tmp_path, monkeypatch
):
    always_fails = 'case "$*" in *"-m grader.kernel_main"*) exit 1;; esac'
    monkeypatch.setenv("GRADER_PYTHON", kernel_python(tmp_path, always_fails))
    with pytest.raises(KernelStartError) as failure:
        grade(exercise, tmp_path)
    message = str(failure.value)
    assert message.startswith("Python did not start to run your notebook, twice in a row")
    assert "close some programs" in message and "einstall" not in message


def test_when_python_cannot_load_the_kernel_then_reinstalling_is_advised(exercise, tmp_path, monkeypatch):
    monkeypatch.setenv("GRADER_PYTHON", kernel_python(tmp_path, f'exec {sys.executable} -S "$@"'))  # no site-packages
    with pytest.raises(KernelStartError) as failure:
        grade(exercise, tmp_path)
    message = str(failure.value)
    assert "cannot load the grader (ModuleNotFoundError: No module named" in message
    assert message.endswith("Reinstall the course (pip install -e .) and try again.")
