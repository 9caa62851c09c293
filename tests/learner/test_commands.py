"""The learner's commands as a learner runs them: grade (recording progress), list, next, hint, reset."""

from __future__ import annotations

import json
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from grader.progress import PROGRESS_FILE, Progress, load_progress
from grader.result import CheckResult, GradeResult, Outcome
from tests.conftest import REPO, run_grade, write_nb


def _passed(exercise_id: str) -> GradeResult:
    check = CheckResult("test_value", "value is 42", Outcome.PASSED, 1.0, 1.0)
    return GradeResult(exercise_id, exercise_id, f"{exercise_id}.ipynb", (check,), graded_at="2025-01-01")


@pytest.mark.portable
def test_when_the_state_file_is_corrupt_then_grade_still_grades_and_records(course: Path):
    (course / PROGRESS_FILE).write_text("{ this is not json")
    write_nb(["value = 42"], course / "exercises" / "00-test" / "demo" / "demo.ipynb")
    done = run_grade("demo", cwd=course)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "could not be read, so it was started afresh" in done.stderr
    assert "Why it works: Forty-two is the answer." in done.stdout
    assert "Compare with the reference solution: solutions/00-test/demo/demo.ipynb" in done.stdout
    entry = load_progress(course).of("demo")
    assert entry.best is not None and entry.best.status == "passed" and entry.best.score == 2


def _in_process(course: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> str:
    """A quick command run in this process (no Python to start), from the course folder."""
    from grader.cli import main

    monkeypatch.chdir(course)
    done = CliRunner().invoke(main, list(args))
    assert done.exit_code == 0, done.output
    return done.output


def test_when_hints_are_asked_for_then_one_more_each_time_and_remembered(course: Path, monkeypatch: pytest.MonkeyPatch):
    shown = [_in_process(course, monkeypatch, "hint", "demo")]
    assert shown[0].startswith("Hint 1 of 3: a nudge") and "grade hint demo" in shown[0]
    graded = run_grade("demo", cwd=course)
    assert graded.returncode == 1 and "Hint: the concept" in graded.stdout  # the next one not yet seen
    shown += [_in_process(course, monkeypatch, "hint", "demo") for _ in range(3)]
    assert shown[1].startswith("Hint 2 of 3: the concept")
    assert shown[2].startswith("Hint 3 of 3: almost the answer") and "That is the last hint" in shown[2]
    assert shown[3].startswith("Hint 3 of 3")
    assert load_progress(course).of("demo").hints_shown == 3
    every = _in_process(course, monkeypatch, "hint", "second", "--all")
    assert re.findall(r"Hint (\d) of 3", every) == ["1", "2", "3"]
    assert load_progress(course).of("second").hints_shown == 3


def test_when_an_unknown_exercise_is_asked_for_a_hint_then_exit_2_with_one_line(course: Path):
    done = run_grade("hint", "dmeo", cwd=course)
    assert done.returncode == 2 and done.stderr.strip() == "grade: There is no exercise 'dmeo'. Did you mean 'demo'?"


def _record_demo_passed(course: Path) -> None:
    progress = Progress.load(course / PROGRESS_FILE)
    progress.record(_passed("demo"))
    progress.save()


def test_when_listing_then_each_module_shows_its_bar_and_each_exercise_its_status(course: Path):
    _record_demo_passed(course)
    done = run_grade("list", cwd=course)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "First steps (00-test)  ████████████████████  1/1 passed" in lines
    assert "More things (01-more)  ░░░░░░░░░░░░░░░░░░░░  0/1 passed" in lines
    assert any(re.fullmatch(r"\s+✓\s+demo\s+Demo\s+passed", line) for line in lines)
    assert any(re.fullmatch(r"\s+○\s+second\s+Demo\s+not started", line) for line in lines)
    assert "Whole course  ██████████░░░░░░░░░░  1/2 passed" in lines


def test_when_listing_as_json_then_statuses_and_scores_are_there(course: Path):
    progress = Progress.load(course / PROGRESS_FILE)
    partial = GradeResult(
        "second",
        "Demo",
        "x.ipynb",
        (CheckResult("a", "a", Outcome.PASSED, 1.0, 1.0), CheckResult("b", "b", Outcome.FAILED, 0.0, 1.0)),
    )
    progress.record(partial)
    progress.save()
    data = json.loads(run_grade("list", "--json", cwd=course).stdout)
    assert (data["passed"], data["total"]) == (0, 2)
    demo, second = (m["exercises"][0] for m in data["modules"])
    assert demo["status"] == "not started" and demo["best"] is None
    assert second["status"] == "partial" and second["score"] == 1 and second["latest"]["max_score"] == 2
    assert data["modules"][1]["prerequisites"] == ["00-test"]


@pytest.mark.portable
def test_when_the_first_exercise_is_passed_then_next_names_the_second_with_its_prerequisites(course: Path):
    _record_demo_passed(course)
    done = run_grade("next", cwd=course)
    assert done.returncode == 0
    assert done.stdout.splitlines()[:3] == [
        "Next: Demo (second), in More things (01-more)",
        "  This module builds on:",
        "    First steps (00-test): done",
    ]
    assert "Notebook: exercises/01-more/second/demo.ipynb" in done.stdout


def test_when_next_is_asked_to_open_then_it_runs_jupyter_notebook_on_it(course: Path, monkeypatch: pytest.MonkeyPatch):
    from grader.cli import main

    started: list[list[str]] = []
    monkeypatch.chdir(course)
    monkeypatch.setattr("os.execvp", lambda program, argv: started.append(argv))  # no browser in tests
    done = CliRunner().invoke(main, ["next", "--open"])
    assert len(started) == 1 and started[0][1:] == ["notebook", str(course / "exercises/00-test/demo/demo.ipynb")]
    assert Path(started[0][0]).name == "jupyter"
    assert done.exit_code == 3 and "Jupyter could not be started" in done.output  # execvp "returned"


@pytest.mark.portable
def test_when_reset_then_the_learners_notebook_is_kept_and_the_starter_is_back(course: Path):
    notebook = course / "exercises" / "00-test" / "demo" / "demo.ipynb"
    write_nb(["value = 41  # my own attempt"], notebook)
    mine = notebook.read_bytes()
    done = run_grade("reset", "demo", cwd=course)
    assert done.returncode == 0, done.stderr
    backups = list(notebook.parent.glob("demo.bak-*.ipynb"))
    assert len(backups) == 1 and re.fullmatch(r"demo\.bak-\d{8}-\d{6}\.ipynb", backups[0].name)
    assert backups[0].read_bytes() == mine
    assert f"Your notebook was saved as exercises/00-test/demo/{backups[0].name}" in done.stdout
    restored = json.loads(notebook.read_text())
    assert "".join(restored["cells"][0]["source"]) == "value = ..."
    assert restored["metadata"]["course"] == {"exercise": "demo"}
    again = run_grade("reset", "demo", cwd=course)
    assert "nothing to keep" in again.stdout and len(list(notebook.parent.glob("*.bak-*"))) == 1


def test_when_there_is_no_way_to_rebuild_the_starter_then_reset_changes_nothing(course: Path):
    notebook = course / "exercises" / "01-more" / "second" / "demo.ipynb"
    before = notebook.read_bytes()
    done = run_grade("reset", "second", cwd=course)
    assert done.returncode == 2 and "nothing was changed" in done.stderr
    assert notebook.read_bytes() == before and not list(notebook.parent.glob("*.bak-*"))


def test_every_learner_command_and_option_is_documented_for_learners():
    from grader.learner.commands import LEARNER_COMMANDS

    page = (REPO / "docs" / "grading.md").read_text(encoding="utf-8")
    for command in LEARNER_COMMANDS:
        assert f"grade {command.name}" in page, command.name
        options = [o for p in command.params if isinstance(p, click.Option) for o in p.opts if o.startswith("--")]
        for option in options:
            assert f"{command.name} " in page and option in page, f"grade {command.name} {option}"
