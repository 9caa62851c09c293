"""The state file: best and latest per exercise, hints shown, and never a crash when it is broken."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from grader.progress import PROGRESS_FILE, Progress, Standing, load_progress, update_progress
from grader.result import CheckResult, GradeResult, Outcome


def graded(*outcomes: Outcome, when: str = "2025-01-01T00:00:00+00:00") -> GradeResult:
    checks = tuple(
        CheckResult(f"test_{i}", f"check {i}", o, 1.0 if o is Outcome.PASSED else 0.0, 1.0)
        for i, o in enumerate(outcomes)
    )
    return GradeResult("demo", "Demo", "demo.ipynb", checks, graded_at=when)


def test_when_a_worse_grading_follows_then_best_is_kept_and_latest_changes(tmp_path: Path):
    progress = Progress(tmp_path / PROGRESS_FILE)
    progress.record(graded(Outcome.PASSED, Outcome.FAILED))
    progress.record(graded(Outcome.FAILED, Outcome.FAILED, when="later"))
    progress.save()
    entry = load_progress(tmp_path).of("demo")
    assert entry.best is not None and entry.best.score == 1 and entry.standing is Standing.PARTIAL
    assert entry.latest is not None and entry.latest.score == 0 and entry.latest.graded_at == "later"


def test_when_the_course_itself_broke_a_check_then_best_is_not_replaced(tmp_path: Path):
    progress = Progress(tmp_path / PROGRESS_FILE)
    progress.record(graded(Outcome.PASSED, Outcome.FAILED, Outcome.FAILED))
    # a larger share, but one check broke: that grading says nothing about the learner's work
    progress.record(graded(Outcome.PASSED, Outcome.PASSED, Outcome.ERROR, when="later"))
    entry = progress.of("demo")
    assert entry.best is not None and (entry.best.score, entry.best.status) == (1, "partial")
    assert entry.latest is not None and (entry.latest.score, entry.latest.status) == (2, "error")


def test_when_a_pass_follows_then_the_exercise_is_passed(tmp_path: Path):
    progress = Progress(tmp_path / PROGRESS_FILE)
    progress.record(graded(Outcome.FAILED))
    progress.record(graded(Outcome.PASSED))
    assert progress.of("demo").standing is Standing.PASSED
    assert progress.of("never-graded").standing is Standing.NOT_STARTED


@pytest.mark.parametrize(
    "content", ["{ not json", "[]", '{"exercises": 3}', "\x00\x01", '{"exercises": {"demo": {"best": {"score": "x"}}}}']
)
def test_when_the_state_file_is_corrupt_then_it_is_rebuilt(tmp_path: Path, content: str):
    (tmp_path / PROGRESS_FILE).write_text(content)
    count, warning = update_progress(tmp_path, lambda p: len(p.exercises))
    assert count == 0
    assert warning is not None and "started afresh" in warning
    assert json.loads((tmp_path / PROGRESS_FILE).read_text()) == {"schema_version": 1, "exercises": {}}


def test_when_one_entry_is_broken_then_the_others_are_kept(tmp_path: Path):
    good = {"best": None, "latest": None, "hints_shown": 2}
    (tmp_path / PROGRESS_FILE).write_text(json.dumps({"exercises": {"ok": good, "bad": "nonsense"}}))
    progress = load_progress(tmp_path)
    assert progress.rebuilt and progress.of("ok").hints_shown == 2 and "bad" not in progress.exercises


def test_when_saved_then_no_temporary_file_is_left_behind(tmp_path: Path):
    update_progress(tmp_path, lambda p: p.note_hints_shown("demo", 1))
    assert [p.name for p in tmp_path.iterdir()] == [PROGRESS_FILE]
