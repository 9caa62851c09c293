"""Grading on this machine: worker processes, each grading one submission at a time in its own kernel.

Each worker forks its kernels from a kernel zygote of its own (`grader.zygote`) that imported the
kernel once, so a submission costs its own cells and checks, not the kernel's imports; and a
notebook that kills the process its kernel came from harms only its own grading.

A worker that dies, or hangs far past the exercise's limits, costs only the submission it held:
it is recorded as the grader's failure and a fresh worker takes its place. Workers die with the
batch (even after kill -9), and their kernels die with them.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from types import FrameType

from grader.batch.jobs import GradingJob, JobOutcome, crashed, grade_job, stopped_unexpectedly
from grader.errors import GraderBroken
from grader.kernel_main import die_with_parent
from grader.zygote import zygote_of_this_process

_POLL_SECONDS = 0.5
_GRACE_SECONDS = 5.0
# Workers are forked from a server process that imported the grader once: a new worker costs no
# imports (seconds each). Not a plain fork of the batch: it has threads (the progress bar).
_FORKSERVER = multiprocessing.get_context("forkserver")
_PRELOAD = ["grader.batch.local", "grader.engine", "grader.checks", "grader.probe"]


@dataclass
class _Worker:
    process: BaseProcess
    conn: Connection
    job: GradingJob | None = None
    started: float = 0.0


def run_locally(jobs: Iterable[GradingJob], workers: int, on_done: Callable[[JobOutcome], None]) -> None:
    """Grade every job with `workers` processes; call `on_done` (in this thread) as each ends."""
    pending = iter(jobs)
    pool: list[_Worker] = []
    _FORKSERVER.set_forkserver_preload(_PRELOAD)
    try:
        for _ in range(workers):
            pool.append(_start_worker())
        _dispatch(pending, pool, on_done)
    finally:
        _stop(pool)


def _dispatch(pending: Iterator[GradingJob], pool: list[_Worker], on_done: Callable[[JobOutcome], None]) -> None:
    """Keep every worker busy until no job is left; replace a worker that dies."""
    while True:
        for index, worker in enumerate(pool):
            if worker.job is None and (job := next(pending, None)) is not None:
                pool[index] = _assign(worker, job)
        busy = [w for w in pool if w.job is not None]
        if not busy:
            return
        wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout=_POLL_SECONDS)
        for index, worker in enumerate(pool):
            outcome, dead = _collect(worker) if worker.job is not None else (None, False)
            if dead:
                pool[index] = _start_worker()
            if outcome is not None:
                on_done(outcome)


def _start_worker() -> _Worker:
    ours, theirs = _FORKSERVER.Pipe()
    process = _FORKSERVER.Process(target=_serve, args=(theirs,), name="grade-batch-worker", daemon=True)
    process.start()
    theirs.close()
    return _Worker(process, ours)


def _assign(worker: _Worker, job: GradingJob) -> _Worker:
    """Hand `job` to `worker`, or to a fresh one if that worker has died meanwhile."""
    for _attempt in range(2):
        try:
            worker.conn.send(job)
        except OSError:
            _stop([worker])
            worker = _start_worker()
            continue
        worker.job, worker.started = job, time.monotonic()
        return worker
    raise GraderBroken("The grader could not start its worker processes on this machine.")


def _collect(worker: _Worker) -> tuple[JobOutcome | None, bool]:
    """The worker's finished outcome if any, and whether the worker is gone and must be replaced."""
    job = worker.job
    assert job is not None
    if worker.conn.poll():
        try:
            outcome: JobOutcome = worker.conn.recv()
        except (EOFError, OSError):
            pass  # it died before answering: handled below
        else:
            worker.job = None
            return outcome, False
    elapsed = time.monotonic() - worker.started
    if not worker.process.is_alive():
        _stop([worker])
        return crashed(job, stopped_unexpectedly(worker.process.exitcode), elapsed), True
    if elapsed > job.time_limit:
        _stop([worker])
        message = f"Grading took over {job.time_limit:.0f} seconds, far past the exercise's limits, and was stopped."
        return crashed(job, message, elapsed), True
    return None, False


def _stop(pool: list[_Worker]) -> None:
    """Stop every worker: SIGTERM lets it kill its kernel and remove its folder; SIGKILL if it lingers."""
    for worker in pool:
        worker.conn.close()
        if worker.process.is_alive():
            worker.process.terminate()
    deadline = time.monotonic() + _GRACE_SECONDS
    for worker in pool:
        worker.process.join(max(0.0, deadline - time.monotonic()))
        if worker.process.is_alive():
            worker.process.kill()
            worker.process.join()


def _serve(conn: Connection) -> None:
    """A worker's life: grade each job the batch sends, until the batch closes the pipe."""
    die_with_parent(os.getppid())  # the fork server, which dies with the batch (even by kill -9)
    os.setpgrp()  # Ctrl-C in the terminal reaches only the batch, which then stops the workers in order
    signal.signal(signal.SIGTERM, _exit_now)
    import grader.checks
    import grader.engine  # noqa: F401

    zygote = zygote_of_this_process()  # started by this (main) thread, so it lives as long as the worker
    while True:
        try:
            job = conn.recv()
        except EOFError:  # the batch is done; its SIGTERM must not cut the clean-up short
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            return
        conn.send(grade_job(job, zygote))


def _exit_now(signum: int, _frame: FrameType | None) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # once is enough: a second would cut the clean-up short
    raise SystemExit(128 + signum)  # unwinds grading: the kernel is killed, the temporary folder removed
