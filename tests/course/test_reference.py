"""Docs kept true by a test: the command reference page is what --help says today."""

from __future__ import annotations

from grader.instructor.reference import PAGE, reference_text
from tests.conftest import REPO


def test_the_command_reference_page_matches_every_commands_help():
    committed = (REPO / PAGE).read_text(encoding="utf-8")
    assert committed == reference_text(), "run `course reference --write` and commit docs/instructors/cli-reference.md"


def test_every_course_command_is_documented_on_the_instructors_page():
    from grader.course_cli import main

    page = (REPO / "docs" / "instructors" / "index.md").read_text(encoding="utf-8")
    missing = [name for name in main.commands if f"course {name}" not in page]
    assert missing == [], f"the For instructors page does not mention: {missing}"
