"""Grading on a Dask cluster: the same job function as on this machine, run by Dask workers.

Jobs are submitted a few at a time, so the scheduler never holds the whole cohort's notebooks,
and Ctrl-C leaves little to cancel. Workers need the course installed (`pip install -e .`).
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from grader.batch.jobs import GradingJob, JobOutcome, crashed, grade_on_this_worker
from grader.errors import GraderBroken, UngradableInput

_WAIT_FOR_WORKERS_SECONDS = 60


def run_on_cluster(
    jobs: Iterable[GradingJob], address: str, on_done: Callable[[JobOutcome], None], say: Callable[[str], None]
) -> None:
    """Grade every job on the Dask cluster whose scheduler is at `address`."""
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise UngradableInput("--scheduler needs Dask: pip install -e '.[cluster]'.") from None
    try:
        client = Client(address, timeout="20s", set_as_default=False)
    except (OSError, TimeoutError) as err:
        raise UngradableInput(f"Could not reach a Dask scheduler at {address} ({err}).") from None
    try:
        threads = _ready_workers(client, address, say)
        pending = iter(jobs)
        running: dict[Any, GradingJob] = {}  # future key -> its job
        finished: Any = as_completed(loop=client.loop)

        def submit(job: GradingJob) -> None:
            key = f"grade-{job.learner}-{job.key}-{uuid.uuid4().hex[:8]}"
            future = client.submit(grade_on_this_worker, job, key=key, pure=False, retries=0)
            running[future.key] = job
            finished.add(future)

        for job in itertools.islice(pending, 2 * threads):  # enough to keep every worker busy
            submit(job)
        for future in finished:
            job = running.pop(future.key)
            try:
                outcome = future.result()
            except Exception as err:  # the worker died or could not run the grader
                outcome = crashed(
                    job, f"The Dask worker failed while grading this notebook ({type(err).__name__}: {err})."
                )
            on_done(outcome)
            if (following := next(pending, None)) is not None:
                submit(following)
    finally:
        client.close()


def _ready_workers(client: Any, address: str, say: Callable[[str], None]) -> int:
    """Wait for workers, check they can grade, and return how many notebooks they grade at once."""
    try:
        client.wait_for_workers(1, timeout=_WAIT_FOR_WORKERS_SECONDS)
    except TimeoutError:
        raise GraderBroken(
            f"The scheduler at {address} has no workers: start some with `dask worker {address}`."
        ) from None
    try:
        reports = client.run(worker_report)
    except Exception as err:  # the function cannot even be loaded there: no grader installed
        raise GraderBroken(
            f"The workers cannot run the grader ({type(err).__name__}: {err}). "
            "Install the course on every worker (pip install -e .)."
        ) from None
    missing = sorted(w for w, report in reports.items() if not report["course"])
    if missing:
        raise GraderBroken(
            f"These workers have no course installed: {', '.join(missing)}. "
            "Install it there (pip install -e .) and start them from the course folder."
        )
    if any(n > 1 for n in client.nthreads().values()):
        say("Each worker grades one notebook at a time: start workers with --nthreads 1 and more --nworkers.")
    return max(1, len(reports))


def worker_report() -> dict[str, Any]:
    """Run on each worker: can it find the course and the grader?"""
    from grader import __version__
    from grader.exercise import find_course_root

    root = find_course_root()
    return {"course": str(root) if root else "", "grader": __version__}
