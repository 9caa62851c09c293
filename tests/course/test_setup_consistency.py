"""Start here and the setup lesson give a non-coder the same commands, on every system."""

from __future__ import annotations

import nbformat

from tests.conftest import REPO

START_HERE = REPO / "docs" / "start-here.md"
SETUP_LESSON = REPO / "docs" / "modules" / "00-start-here" / "02-set-up-your-computer.ipynb"
API_LESSON = REPO / "docs" / "modules" / "04-data-and-apis" / "03-calling-an-api.ipynb"

# the commands both pages must give, in the same words
SHARED_COMMANDS = [
    "jupyter notebook",  # one way to open Jupyter (grade next --open uses it too)
    "py --version",  # Windows: the launcher python.org installs
    "python3 --version",
    "py -m venv .venv",
    "python3 -m venv .venv",
    ".venv\\Scripts\\Activate.ps1",  # Windows PowerShell
    "source .venv/bin/activate",
    "python -m pip install -e .",
    "Set-ExecutionPolicy -Scope CurrentUser RemoteSigned",
]


def _lesson_text(path) -> str:
    return "\n".join(cell.source for cell in nbformat.read(path, as_version=4).cells)


def test_start_here_and_the_setup_lesson_give_the_same_commands():
    pages = {
        "docs/start-here.md": START_HERE.read_text(encoding="utf-8"),
        "lesson 00-start-here/02": _lesson_text(SETUP_LESSON),
    }
    missing = [
        f"{name} lacks {command!r}"
        for name, text in pages.items()
        for command in SHARED_COMMANDS
        if command not in text
    ]
    assert not missing, "\n".join(missing)
    for name, text in pages.items():
        assert "jupyter lab" not in text.lower(), (
            f"{name} opens Jupyter with 'jupyter lab'; the course uses 'jupyter notebook'"
        )
        assert "Scripts\\activate" not in text, f"{name} still gives the cmd-style activate line"


def test_the_api_lesson_says_setx_reaches_only_new_terminals():
    text = " ".join(_lesson_text(API_LESSON).split())
    for needed in ("setx", "$env:", "set OPENAI_API_KEY=", "only terminals opened afterwards"):
        assert needed in text, f"lesson 04-03 should say {needed!r} about environment variables on Windows"
