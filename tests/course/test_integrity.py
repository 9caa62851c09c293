"""The whole course is sound: the same proof `course check` gives an instructor, run in CI."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import REPO


@pytest.mark.slow
def test_every_exercise_of_the_course_is_sound():
    done = subprocess.run(
        [sys.executable, "-m", "grader.course_cli", "check"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=1200,
        env={**os.environ, "COLUMNS": "200", "NO_COLOR": "1"},
    )
    assert done.returncode == 0, done.stdout[-5000:] + done.stderr[-2000:]
    assert "exercises are sound" in done.stdout
