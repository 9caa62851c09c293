"""Per-exercise statistics of a batch: on the terminal at the end, and in DIR/summary.md."""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass

from rich.console import Console
from rich.table import Table

from grader.batch.gradebook import Gradebook
from grader.batch.jobs import ERROR
from grader.markup import escape

_MOST_FAILED = 3
_FAILED = ("failed", "timed out")  # "not attempted" says nothing about how hard a check is


@dataclass(frozen=True)
class ExerciseStats:
    """How a cohort did on one exercise. Grader errors are left out: they are no one's score."""

    exercise: str
    max_score: float
    submitted: int
    errors: int
    mean: float | None
    median: float | None
    pass_rate: float | None
    most_failed: list[tuple[str, int]]


def exercise_stats(book: Gradebook) -> list[ExerciseStats]:
    stats = []
    for exercise in book.exercises:
        records = [r for (_, key), r in book.records.items() if key == exercise]
        graded = [r for r in records if r["status"] != ERROR]
        scores = [float(r["score"]) for r in graded]
        failed: Counter[str] = Counter(
            c["description"] for r in graded for c in r.get("checks", []) if c["outcome"] in _FAILED
        )
        stats.append(
            ExerciseStats(
                exercise=exercise,
                max_score=book.max_score(exercise),
                submitted=len(records),
                errors=len(records) - len(graded),
                mean=statistics.fmean(scores) if scores else None,
                median=statistics.median(scores) if scores else None,
                pass_rate=sum(r["status"] == "passed" for r in graded) / len(graded) if graded else None,
                most_failed=failed.most_common(_MOST_FAILED),
            )
        )
    return stats


def problems(book: Gradebook) -> list[tuple[str, str, str]]:
    """(learner, notebook, what went wrong) for every submission that has no ordinary grade."""
    return [
        (learner, r["notebook"], r["problem"]) for (learner, _), r in sorted(book.records.items()) if r.get("problem")
    ]


def to_markdown(book: Gradebook) -> str:
    lines = [
        "# Batch grading summary",
        "",
        f"{len(book.learners)} learners, {len(book.records)} notebooks.",
        "",
        "| exercise | submitted | mean | median | pass rate | grader errors | most failed checks |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for s in exercise_stats(book):
        failed = "<br>".join(f"{_cell(d)} ({n})" for d, n in s.most_failed) or "none"
        lines.append(
            f"| {s.exercise} | {s.submitted} | {_score(s.mean, s.max_score)} | "
            f"{_score(s.median, s.max_score)} | {_percent(s.pass_rate)} | {s.errors} | {failed} |"
        )
    found = problems(book)
    if found:
        lines += ["", "## Notebooks without an ordinary grade", ""]
        lines += [f"- **{learner}** `{notebook}`: {problem}" for learner, notebook, problem in found]
    return "\n".join(lines) + "\n"


def print_summary(book: Gradebook, console: Console) -> None:
    table = Table(title="Per exercise", title_justify="left")
    for heading in ("exercise", "submitted", "mean", "median", "pass rate", "grader errors"):
        table.add_column(heading, justify="left" if heading == "exercise" else "right")
    stats = exercise_stats(book)
    for s in stats:
        table.add_row(
            s.exercise,
            str(s.submitted),
            _score(s.mean, s.max_score),
            _score(s.median, s.max_score),
            _percent(s.pass_rate),
            str(s.errors),
        )
    console.print(table)
    for s in (s for s in stats if s.most_failed):
        console.print(f"Most failed in {s.exercise}: " + "; ".join(f"{escape(d)} ({n})" for d, n in s.most_failed))
    for learner, notebook, problem in problems(book):
        console.print(f"[yellow]{escape(learner)}[/] {escape(notebook)}: {escape(problem)}", highlight=False)


def _score(value: float | None, max_score: float) -> str:
    return "-" if value is None else f"{value:.2f} / {max_score:g}"


def _percent(rate: float | None) -> str:
    return "-" if rate is None else f"{rate:.0%}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
