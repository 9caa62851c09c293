"""The gradebook in the CSV forms two LMSs import as they are: Canvas's and Moodle's.

Canvas (Grades > Import) reads its own gradebook export: Student, ID, SIS User ID, SIS Login ID,
Section, then one column per assignment titled "Name (ID)", and an optional "Points Possible" row.
It matches learners on ID, SIS User ID or SIS Login ID; we know only the learner's id from the
submissions, so it goes in SIS User ID. Moodle (Grades > Import > CSV file) maps one identifier
column (username, email or ID number) to its users and each other column to a grade item.

A grader error and a missing notebook are left blank: both LMSs leave a blank grade unchanged,
and an error is never a learner's 0.
"""

from __future__ import annotations

import csv
import io

from grader.batch.gradebook import Gradebook
from grader.batch.jobs import ERROR

CANVAS_FILE = "canvas-grades.csv"
MOODLE_FILE = "moodle-grades.csv"
CANVAS_IDENTITY = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
POINTS_POSSIBLE = "    Points Possible"  # as Canvas writes it in its own export


def assignment_title(book: Gradebook, exercise: str) -> str:
    """The exercise's title as its records have it, else its id."""
    titles = (r.get("title") for (_, key), r in book.records.items() if key == exercise)
    return next((t for t in titles if t), exercise)


def to_canvas_csv(book: Gradebook) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*CANVAS_IDENTITY, *(f"{assignment_title(book, e)} ({e})" for e in book.exercises)])
    writer.writerow([POINTS_POSSIBLE, "", "", "", "", *(_number(book.max_score(e)) for e in book.exercises)])
    for learner in book.learners:
        writer.writerow([learner, "", learner, "", "", *(_grade(book, learner, e) for e in book.exercises)])
    return out.getvalue()


def to_moodle_csv(book: Gradebook) -> str:
    """Identified by email when every learner id is one (Gradescope exports), else by username; a
    grade item is named by its exercise's title, with its id when two exercises share a title."""
    identifier = "Email address" if book.learners and all("@" in who for who in book.learners) else "Username"
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    titles = [assignment_title(book, e) for e in book.exercises]
    named = [t if titles.count(t) == 1 else f"{t} ({e})" for t, e in zip(titles, book.exercises, strict=True)]
    writer.writerow([identifier, *named])
    for learner in book.learners:
        writer.writerow([learner, *(_grade(book, learner, e) for e in book.exercises)])
    return out.getvalue()


def _grade(book: Gradebook, learner: str, exercise: str) -> str:
    record = book.records.get((learner, exercise))
    if record is None or record["status"] == ERROR:
        return ""
    return _number(record["score"])


def _number(value: float) -> str:
    return f"{float(value):g}"
