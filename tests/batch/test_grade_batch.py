"""A small known cohort graded for real: scores, bad submissions, the gradebook, resuming."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from grader.sandbox import sandbox_status
from tests.batch.conftest import STARTER, greeting, loop_notebook, make_course, result, run
from tests.conftest import write_nb

CRASH = "import os\nos._exit(1)"
MEMORY_BOMB = "hog = bytearray(16 * 1024**3)"


@pytest.fixture(scope="module")
def cohort(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Graded once for the whole module: two workers, every kind of submission."""
    tmp = tmp_path_factory.mktemp("cohort")
    root = make_course(tmp / "course")
    subs = tmp / "submissions"
    greeting(subs / "ada" / "greeting.ipynb")
    write_nb(["print('my notes')"], subs / "ada" / "notes.ipynb")
    (subs / "bo").mkdir(parents=True)
    shutil.copy(STARTER, subs / "bo" / "greeting.ipynb")
    greeting(subs / "cy" / "greeting.ipynb", edit={'f"Hello, {name}!"': 'f"Hi, {name}"'})
    (subs / "dee").mkdir()
    (subs / "dee" / "greeting.ipynb").write_text('{"cells": [')
    greeting(subs / "eve" / "greeting.ipynb", edit={'my_name = "Ada"': CRASH})
    greeting(subs / "fay" / "greeting.ipynb", extra_cells=[MEMORY_BOMB])
    loop_notebook(subs / "gus" / "demo.ipynb")
    out = tmp / "out"
    report, printed = run(subs, out, root, workers=2)
    return {"root": root, "subs": subs, "out": out, "report": report, "printed": printed}


def test_when_a_cohort_is_graded_then_each_learner_gets_the_engines_score(cohort: dict[str, Any]):
    out = cohort["out"]
    scores = {
        who: (result(out, who, key)["status"], result(out, who, key)["score"])
        for who, key in [
            ("ada", "greeting"),
            ("bo", "greeting"),
            ("cy", "greeting"),
            ("fay", "greeting"),
            ("gus", "loop"),
        ]
    }
    assert scores == {
        "ada": ("passed", 4),
        "bo": ("not attempted", 0),
        "cy": ("partial", 1),
        "fay": ("passed", 4),
        "gus": ("failed", 0),
    }
    assert cohort["report"].graded == 8 and cohort["report"].errors == 0


def test_when_submissions_are_bad_then_each_is_its_own_recorded_result(cohort: dict[str, Any]):
    out = cohort["out"]
    malformed = result(out, "dee", "greeting")
    assert (malformed["status"], malformed["score"], malformed["max_score"]) == ("ungradable", 0, 4)
    assert malformed["problem"].startswith("greeting.ipynb is not a notebook: it is not valid JSON")
    crash = result(out, "eve", "greeting")
    assert (crash["status"], crash["score"], crash["stopped_at_cell"]) == ("failed", 0, 3)
    bomb = result(out, "fay", "greeting")
    assert [e["ename"] for e in bomb["cell_errors"]] == ["MemoryError"]
    loop = result(out, "gus", "loop")
    assert [(e["cell"], e["timed_out"]) for e in loop["cell_errors"]] == [(1, True)]
    unmatched = result(out, "ada", "unmatched-notes")
    assert (unmatched["status"], unmatched["exercise"]) == ("ungradable", None)
    assert unmatched["notebook"] == "submissions/ada/notes.ipynb"


def test_when_the_batch_ends_then_the_gradebook_has_a_row_per_learner(cohort: dict[str, Any]):
    out = cohort["out"]
    with open(out / "gradebook.csv", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows == [
        ["learner", "greeting", "loop", "total", "out_of"],
        ["ada", "4", "", "4", "5"],
        ["bo", "0", "", "0", "5"],
        ["cy", "1", "", "1", "5"],
        ["dee", "0", "", "0", "5"],
        ["eve", "0", "", "0", "5"],
        ["fay", "4", "", "4", "5"],
        ["gus", "", "0", "0", "5"],
    ]
    book = json.loads((out / "gradebook.json").read_text())
    assert book["exercises"] == [{"id": "greeting", "max_score": 4}, {"id": "loop", "max_score": 1}]
    ada = book["learners"][0]
    assert ada["scores"]["greeting"] == {
        "score": 4,
        "max_score": 4,
        "status": "passed",
        "result": "results/ada/greeting.json",
        "sandbox": sandbox_status(),
    }
    assert ada["unmatched"] == ["submissions/ada/notes.ipynb"]


def test_when_the_batch_ends_then_statistics_are_printed_and_written(cohort: dict[str, Any]):
    summary = (cohort["out"] / "summary.md").read_text()
    assert "| greeting | 6 | 1.50 / 4 | 0.50 / 4 | 33% | 0 |" in summary
    assert "| loop | 1 | 0.00 / 1 | 0.00 / 1 | 0% | 0 | value is 42 (1) |" in summary
    assert "- **dee** `submissions/dee/greeting.ipynb`: greeting.ipynb is not a notebook" in summary
    assert "Most failed in greeting: " in cohort["printed"]
    assert "8 notebooks from 7 learners: 8 to grade, 0 already graded." in cohort["printed"]


def test_when_rerun_then_only_a_changed_notebook_is_graded_again(cohort: dict[str, Any], tmp_path: Path):
    subs, out = tmp_path / "submissions", tmp_path / "out"
    shutil.copytree(cohort["subs"], subs)
    shutil.copytree(cohort["out"], out)
    again, printed = run(subs, out, cohort["root"], workers=2)
    assert (again.graded, again.kept) == (0, 8)
    assert "8 to grade" not in printed and "0 to grade, 8 already graded" in printed
    greeting(subs / "cy" / "greeting.ipynb")
    before = {p: p.stat().st_mtime_ns for p in (out / "results").rglob("*.json")}
    fixed, _ = run(subs, out, cohort["root"], workers=2)
    assert (fixed.graded, fixed.kept) == (1, 7)
    changed = [p.relative_to(out).as_posix() for p in before if p.stat().st_mtime_ns != before[p]]
    assert changed == ["results/cy/greeting.json"]
    assert result(out, "cy", "greeting")["score"] == 4


def test_when_a_notebook_kills_its_grading_process_then_it_is_a_grader_error_and_the_batch_goes_on(
    course_root: Path, tmp_path: Path
):
    subs, out = tmp_path / "submissions", tmp_path / "out"
    greeting(subs / "hal" / "greeting.ipynb", edit={'my_name = "Ada"': "import os\nos.kill(os.getppid(), 9)"})
    greeting(subs / "ada" / "greeting.ipynb")
    # The sandbox refuses this signal (tests/sandbox); where there is none, only hal's grading is lost.
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "grader.course_cli",
            "grade-batch",
            str(subs),
            "--out",
            str(out),
            "--workers",
            "1",
            "--unsandboxed",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "COURSE_ROOT": str(course_root), "GRADER_NO_SANDBOX": "1"},
    )
    hal = result(out, "hal", "greeting")
    assert (hal["status"], hal["problem"]) == (
        "error",
        "The grading process stopped unexpectedly (exit code -9) while grading this notebook.",
    )
    assert result(out, "ada", "greeting")["score"] == 4
    assert done.returncode == 3 and "1 notebooks hit a grader error" in done.stderr
    assert (out / "gradebook.csv").read_text().splitlines()[1:] == ["ada,4,4,4,greeting", "hal,error,0,4,"]
