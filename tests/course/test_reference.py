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


def test_both_commands_start_without_jsonschemas_costly_optional_import():
    # rfc3987_syntax builds a grammar on import (1-5 s here); grader._fast_imports keeps it out
    import subprocess
    import sys

    for module in ("grader.cli", "grader.course_cli"):
        code = f"import sys, {module}; print(sys.modules.get('rfc3987_syntax', 'absent'))"
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        assert done.stdout.strip() in ("None", "absent"), f"{module} imported rfc3987_syntax"
