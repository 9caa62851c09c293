"""What a batch writes beside its gradebook for the instructor: LMS exports and report.html.

Everything here is computed from the batch's records and the notebooks it was given, so a batch
graded on a cluster or resumed after a kill writes the same files as one graded in one go.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Mapping
from pathlib import Path

from grader.batch.exports import CANVAS_FILE, MOODLE_FILE, to_canvas_csv, to_moodle_csv
from grader.batch.gradebook import Gradebook
from grader.batch.jobs import ERROR, UNGRADABLE
from grader.batch.report_html import render_report
from grader.batch.similarity import SimilarPair, notebook_code, similar_pairs
from grader.files import write_atomically

REPORT_FILE = "report.html"

# (learner, key) -> a way to read that learner's notebook; exercise id -> a way to read its starter
Notebooks = Mapping[tuple[str, str], Callable[[], bytes]]
Starters = Mapping[str, Callable[[], bytes]]


def write_cohort_files(book: Gradebook, out: Path, notebooks: Notebooks, starters: Starters) -> None:
    write_atomically(out / CANVAS_FILE, to_canvas_csv(book))
    write_atomically(out / MOODLE_FILE, to_moodle_csv(book))
    write_atomically(out / REPORT_FILE, render_report(book, cohort_pairs(book, notebooks, starters)))


def cohort_pairs(book: Gradebook, notebooks: Notebooks, starters: Starters) -> list[SimilarPair] | None:
    """Every exercise's alike pairs among the notebooks that were graded, most alike first;
    None without copydetect (the report says how to add it: the grades matter more)."""
    if importlib.util.find_spec("copydetect") is None:
        return None
    pairs: list[SimilarPair] = []
    for exercise in book.exercises:
        codes = {
            learner: _code(notebooks[learner, key])
            for (learner, key), record in book.records.items()
            if key == exercise and record["status"] not in (ERROR, UNGRADABLE) and (learner, key) in notebooks
        }
        starter = _code(starters[exercise]) if exercise in starters else ""
        pairs += similar_pairs(exercise, codes, starter)
    return sorted(pairs, key=lambda p: -p.similarity)


def _code(read: Callable[[], bytes]) -> str:
    """A notebook's code; one moved or deleted since it was graded has none to compare."""
    try:
        return notebook_code(read())
    except OSError:
        return ""
