"""One submission's grading as a self-contained job: the same function runs in a local worker
process and on a Dask worker on another machine, so a job carries the notebook's bytes, not a path.
"""

from __future__ import annotations

import socket
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from grader.errors import GraderError, UngradableInput
from grader.formats import format_named
from grader.result import GradeResult, Status

if TYPE_CHECKING:
    from grader.exercise import Exercise
    from grader.zygote import KernelZygote

UNGRADABLE = Status.UNGRADABLE  # the learner's file cannot be graded: counts as 0
ERROR = Status.ERROR  # the grader or the course failed: never a learner's 0, tried again on the next run

# pytest runs the checks inside this process and is not thread-safe: a Dask worker with
# several threads still grades one notebook at a time.
_ONE_GRADING_AT_A_TIME = threading.Lock()


@dataclass(frozen=True)
class GradingJob:
    """Everything a worker needs to grade one submission, on this machine or another."""

    learner: str
    key: str  # results/<learner>/<key>.json
    source: str
    exercise_id: str
    max_score: float
    course_root: str
    exercise_fingerprint: str
    content_hash: str
    notebook_name: str
    notebook: bytes
    extra_checks: tuple[tuple[str, str], ...] = ()
    gradescope: bool = False
    time_limit: float = 600.0  # a whole grading, far beyond the exercise's own limits
    unsandboxed: bool = False  # the instructor allows grading where kernels cannot be sandboxed


@dataclass(frozen=True)
class JobOutcome:
    """A job's record (the result file's content) and, if asked, its Gradescope results.json."""

    learner: str
    key: str
    record: dict[str, Any]
    gradescope: str | None = None


def grade_job(job: GradingJob, zygote: KernelZygote | None = None) -> JobOutcome:
    """Grade one submission; every problem becomes its recorded result, never an exception.

    `zygote`: the kernel zygote of this process to fork the kernel from.
    """
    started = time.perf_counter()
    with _ONE_GRADING_AT_A_TIME:
        try:
            record, gradescope = _grade(job, zygote.ensure_running() if zygote else None)
        except UngradableInput as err:
            record, gradescope = not_graded_record(job.exercise_id, job.source, UNGRADABLE, str(err), job.max_score)
        except GraderError as err:
            record, gradescope = not_graded_record(job.exercise_id, job.source, ERROR, str(err), job.max_score)
        except Exception as err:  # a bug must cost one submission, not the batch
            message = f"The grader failed on this notebook ({type(err).__name__}: {err})."
            record, gradescope = not_graded_record(job.exercise_id, job.source, ERROR, message, job.max_score)
        if zygote and not zygote.alive:  # the notebook killed it, and with it its own kernel: not the learner's 0
            message = stopped_unexpectedly(zygote.exit_code)
            record, gradescope = not_graded_record(job.exercise_id, job.source, ERROR, message, job.max_score)
    return finish(job, record, gradescope if job.gradescope else None, time.perf_counter() - started)


def grade_on_this_worker(job: GradingJob) -> JobOutcome:
    """`grade_job` as a Dask worker runs it, with the worker process's own kernel zygote."""
    from grader.zygote import zygote_of_this_process

    return grade_job(job, zygote_of_this_process())


def stopped_unexpectedly(exit_code: int | None) -> str:
    return f"The grading process stopped unexpectedly (exit code {exit_code}) while grading this notebook."


def _grade(job: GradingJob, zygote: str | None) -> tuple[dict[str, Any], str]:
    from grader.engine import grade_notebook

    _refuse_unsandboxed(job)
    exercise = _exercise_here(job)
    with tempfile.TemporaryDirectory(prefix="grade-batch-") as tmp:
        notebook = Path(tmp) / Path(job.notebook_name).name
        notebook.write_bytes(job.notebook)
        extra = None
        if job.extra_checks:
            extra = Path(tmp) / "extra-checks"
            extra.mkdir()
            for name, text in job.extra_checks:
                (extra / name).write_text(text, encoding="utf-8")
        result = grade_notebook(notebook, exercise, extra_checks=extra, zygote=zygote)
    return _records(result, job.source)


def _refuse_unsandboxed(job: GradingJob) -> None:
    """On a machine (a Dask worker too) that cannot sandbox kernels, grade only if the instructor said so."""
    from grader.sandbox import UNSANDBOXED, sandbox_status

    if sandbox_status() == UNSANDBOXED and not job.unsandboxed:
        raise GraderError(
            f"{socket.gethostname()} cannot sandbox the notebooks it grades; "
            "grade there with --unsandboxed, or on Linux with Landlock."
        )


def _exercise_here(job: GradingJob) -> Exercise:
    """The job's exercise as this machine has it; refuse if its checks differ from the instructor's."""
    from grader.batch.matching import exercise_fingerprint
    from grader.exercise import find_course_root, find_exercise_by_id

    root = Path(job.course_root)
    if not (root / "exercises").is_dir():
        root = find_course_root() or root
    exercise = find_exercise_by_id(job.exercise_id, root)
    if exercise_fingerprint(exercise) != job.exercise_fingerprint:
        raise GraderError(
            f"The course on {socket.gethostname()} has other checks or data for '{job.exercise_id}' "
            "than the instructor's copy: install the same version of the course there."
        )
    return exercise


def not_graded_record(
    exercise_id: str | None, source: str, status: Status, message: str, max_score: float
) -> tuple[dict[str, Any], str]:
    """The records of a submission that could not be graded, made as a graded one's are."""
    return _records(GradeResult.not_graded(exercise_id, source, message, status, max_score), source)


def _records(result: GradeResult, source: str) -> tuple[dict[str, Any], str]:
    """The result file's content (named by the submission's source) and its Gradescope results.json."""
    record = result.to_dict()
    record["notebook"] = source
    return record, format_named("gradescope").render(result)


def finish(job: GradingJob, record: dict[str, Any], gradescope: str | None, seconds: float) -> JobOutcome:
    """Stamp a record with what the batch needs to resume: the content hash it was graded from."""
    stamp(record, job.learner, job.source, job.content_hash, seconds)
    return JobOutcome(job.learner, job.key, record, gradescope)


def stamp(record: dict[str, Any], learner: str, source: str, content_hash: str, seconds: float = 0.0) -> None:
    record["batch"] = {
        "learner": learner,
        "source": source,
        "content_hash": content_hash,
        "host": socket.gethostname(),
        "seconds": round(seconds, 3),
    }


def crashed(job: GradingJob, message: str, seconds: float = 0.0) -> JobOutcome:
    """The outcome of a job whose worker died or was stopped: the grader's failure, not the learner's."""
    record, gradescope = not_graded_record(job.exercise_id, job.source, ERROR, message, job.max_score)
    return finish(job, record, gradescope if job.gradescope else None, seconds)
