"""A batch from start to end: find and match the notebooks, keep what is already graded from the
same content, grade the rest (here or on a cluster), then write the gradebook and the summary.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console

from grader.batch.cohort_files import write_cohort_files
from grader.batch.gradebook import Gradebook
from grader.batch.jobs import ERROR, UNGRADABLE, GradingJob, JobOutcome, not_graded_record, stamp
from grader.batch.matching import CourseIndex, Match, checks_fingerprint, exercise_fingerprint
from grader.batch.progress import progress_bar
from grader.batch.store import ResultsStore
from grader.batch.submissions import Submission, find_submissions
from grader.batch.summary import print_summary, to_markdown
from grader.files import write_atomically
from grader.kernel import default_parallel_gradings


@dataclass(frozen=True)
class BatchOptions:
    """What `course grade-batch` was asked to do."""

    submissions: Path
    out: Path
    course_root: Path
    workers: int = field(default_factory=default_parallel_gradings)
    scheduler: str | None = None
    extra_checks: Path | None = None
    gradescope: bool = False
    unsandboxed: bool = False  # grade even where kernels cannot be sandboxed (the records say so)


@dataclass
class BatchReport:
    """How the batch went: what it graded now, what it kept from before, the gradebook."""

    graded: int = 0
    kept: int = 0
    errors: int = 0
    gradebook: Gradebook | None = None


@dataclass(frozen=True)
class _Planned:
    submission: Submission
    match: Match
    content_hash: str  # of the notebook, the exercise and any hidden checks: a change means regrade
    exercise_fingerprint: str


def grade_batch(options: BatchOptions, console: Console) -> BatchReport:
    """Grade every submission not already graded from the same content; write the gradebook."""
    index = CourseIndex(options.course_root)
    discovery = find_submissions(options.submissions)
    for note in discovery.notes:
        console.print(note, highlight=False)
    store = ResultsStore(options.out)
    extra = _ExtraChecks(options.extra_checks)
    with store.locked():
        store.sweep()
        planned = _plan(discovery.submissions, index, extra, console)
        records, todo = _split(planned, store, options.gradescope)
        report = BatchReport(kept=len(records))
        learners = sorted({learner for learner, _ in planned})
        console.print(
            f"{len(planned)} notebooks from {len(learners)} learners: {len(todo)} to grade, "
            f"{report.kept} already graded.",
            highlight=False,
        )
        with progress_bar(len(todo), console) as advance:

            def done(outcome: JobOutcome) -> None:
                store.save(outcome)
                records[outcome.learner, outcome.key] = outcome.record
                report.graded += 1
                advance()

            _grade(todo, options, index, extra, done, console)
        report.gradebook = Gradebook(
            [e for e in index.order() if any(key == e for _, key in records)], learners, records
        )
        _publish(report.gradebook, options.out)
        write_cohort_files(
            report.gradebook,
            options.out,
            {k: p.submission.read for k, p in planned.items()},
            {
                p.match.exercise.id: p.match.exercise.starter.read_bytes
                for p in planned.values()
                if p.match.exercise is not None
            },
        )
    report.errors = sum(r["status"] == ERROR for r in records.values())
    print_summary(report.gradebook, console)
    return report


def _split(
    planned: dict[tuple[str, str], _Planned], store: ResultsStore, gradescope: bool
) -> tuple[dict[tuple[str, str], dict[str, Any]], list[_Planned]]:
    """The records an earlier run made from the same content, and what is left to grade."""
    kept: dict[tuple[str, str], dict[str, Any]] = {}
    todo: list[_Planned] = []
    for (learner, key), item in planned.items():
        record = store.current(learner, key, item.content_hash)
        if record is not None and (not gradescope or store.gradescope_path(learner, key).exists()):
            kept[learner, key] = record
        else:
            todo.append(item)
    return kept, todo


def _grade(
    todo: list[_Planned],
    options: BatchOptions,
    index: CourseIndex,
    extra: _ExtraChecks,
    done: Callable[[JobOutcome], None],
    console: Console,
) -> None:
    """Record the unmatched notebooks, then grade the others here or on the cluster."""
    for item in todo:
        if item.match.exercise is None:  # nothing to run: no worker needed
            done(_unmatched(item, options.gradescope))
    gradable = [item for item in todo if item.match.exercise is not None]
    if not gradable:
        return
    jobs = _jobs(gradable, index, extra, options.gradescope, options.unsandboxed)
    if options.scheduler:
        from grader.batch.cluster import run_on_cluster

        run_on_cluster(jobs, options.scheduler, done, lambda text: console.print(text, highlight=False))
    else:
        from grader.batch.local import run_locally

        run_locally(jobs, min(options.workers, len(gradable)), done)


def _publish(book: Gradebook, out: Path) -> None:
    write_atomically(out / "gradebook.csv", book.to_csv())
    write_atomically(out / "gradebook.json", book.to_json())
    write_atomically(out / "summary.md", to_markdown(book))


def _plan(
    submissions: list[Submission], index: CourseIndex, extra: _ExtraChecks, console: Console
) -> dict[tuple[str, str], _Planned]:
    """Match each notebook and hash what its grade depends on; one notebook per learner and exercise."""
    planned: dict[tuple[str, str], _Planned] = {}
    fingerprints: dict[str, str] = {}
    for submission in submissions:
        data = submission.read()
        match = index.match(submission.name, data)
        digest = hashlib.sha256(data)
        fingerprint = ""
        if match.exercise is not None:
            exercise = match.exercise
            if exercise.id not in fingerprints:
                fingerprints[exercise.id] = exercise_fingerprint(exercise)
            fingerprint = fingerprints[exercise.id]
            digest.update(f"{fingerprint}{checks_fingerprint(extra.files(exercise.id))}".encode())
        item = _Planned(submission, match, digest.hexdigest(), fingerprint)
        earlier = planned.get((submission.learner, match.key))
        if earlier is not None:
            item = _preferred(earlier, item)
            dropped = submission.source if item is earlier else earlier.submission.source
            console.print(
                f"{submission.learner} has several notebooks for {match.key}: grading "
                f"{item.submission.source}, ignoring {dropped}",
                highlight=False,
            )
        planned[submission.learner, match.key] = item
    return planned


def _preferred(earlier: _Planned, later: _Planned) -> _Planned:
    """The notebook named exactly like the exercise's wins over a copy; else the later one."""
    exercise = later.match.exercise
    if exercise is not None and earlier.submission.name == exercise.notebook_name != later.submission.name:
        return earlier
    return later


def _jobs(
    items: list[_Planned], index: CourseIndex, extra: _ExtraChecks, gradescope: bool, unsandboxed: bool
) -> Iterator[GradingJob]:
    """The grading jobs, made one at a time so the notebooks are read only when they are sent."""
    for item in items:
        exercise = item.match.exercise
        assert exercise is not None
        limits = exercise.limits
        yield GradingJob(
            learner=item.submission.learner,
            key=item.match.key,
            source=item.submission.source,
            exercise_id=exercise.id,
            max_score=exercise.points,
            course_root=str(index.root),
            exercise_fingerprint=item.exercise_fingerprint,
            content_hash=item.content_hash,
            notebook_name=item.submission.name,
            notebook=item.submission.read(),
            extra_checks=extra.files(exercise.id),
            gradescope=gradescope,
            time_limit=limits.total_timeout + 20 * limits.cell_timeout + 120,
            unsandboxed=unsandboxed,
        )


def _unmatched(item: _Planned, gradescope: bool) -> JobOutcome:
    status = ERROR if item.match.course_fault else UNGRADABLE
    exercise_id = item.match.key if item.match.course_fault else None
    record, gradescope_text = not_graded_record(exercise_id, item.submission.source, status, item.match.problem, 0.0)
    stamp(record, item.submission.learner, item.submission.source, item.content_hash)
    return JobOutcome(item.submission.learner, item.match.key, record, gradescope_text if gradescope else None)


class _ExtraChecks:
    """Hidden checks: FOLDER/<exercise-id>/test_*.py for one exercise, else FOLDER/test_*.py for all."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self._files: dict[str, tuple[tuple[str, str], ...]] = {}

    def files(self, exercise_id: str) -> tuple[tuple[str, str], ...]:
        if self.folder is None:
            return ()
        if exercise_id not in self._files:
            own = self.folder / exercise_id
            chosen = own if own.is_dir() else self.folder
            self._files[exercise_id] = tuple(
                (p.name, p.read_text(encoding="utf-8")) for p in sorted(chosen.glob("test_*.py"))
            )
        return self._files[exercise_id]
