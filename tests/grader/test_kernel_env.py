"""What a graded notebook's kernel inherits from the learner's environment."""

from __future__ import annotations

from pathlib import Path

from grader.engine import grade_notebook
from grader.exercise import load_exercise
from grader.result import Outcome
from tests.conftest import write_nb

NO_PROVIDER = '''
@points(1)
def test_no_provider(nb):
    """the kernel sees no real model provider"""
    assert nb.value("seen") == [None, None, "kept"], "the kernel should not see COURSE_LLM_*"
'''


def test_when_a_real_provider_is_configured_then_grading_does_not_hand_it_to_the_kernel(
    exercise, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("COURSE_LLM_BASE_URL", "https://api.example.com/v1")
    monkeypatch.setenv("COURSE_LLM_API_KEY", "sk-learner-secret")
    monkeypatch.setenv("COURSE_OTHER_SETTING", "kept")
    folder = exercise(NO_PROVIDER)
    notebook = write_nb(
        [
            "import os\nseen = [os.environ.get('COURSE_LLM_BASE_URL'), "
            "os.environ.get('COURSE_LLM_API_KEY'), os.environ.get('COURSE_OTHER_SETTING')]"
        ],
        tmp_path / "learner" / "demo.ipynb",
    )
    result = grade_notebook(notebook, load_exercise(folder))
    assert [c.outcome for c in result.checks] == [Outcome.PASSED], result.checks
