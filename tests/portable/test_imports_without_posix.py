"""The learner-facing grader loads where POSIX-only modules do not exist at all (as on Windows),
even when a library it imports would reach for one (psutil's Linux backend imports `resource`)."""

from __future__ import annotations

import subprocess
import sys

import pytest

LEARNER_MODULES = (
    "grader.cli",
    "grader.engine",
    "grader.kernel",
    "grader.kernel_main",
    "grader.inside_jupyter",
    "grader.learner.commands",
    "grader.learner.watch",
    "grader.batch.lock",
)


@pytest.mark.parametrize("module", LEARNER_MODULES)
def test_when_resource_fcntl_and_termios_do_not_exist_then_the_learner_modules_still_import(module: str) -> None:
    script = (
        f"import sys\nfor name in ('resource', 'fcntl', 'termios'):\n    sys.modules[name] = None\nimport {module}\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr.strip().splitlines()[-1:]
