"""A warm spare kernel for `grade watch`, so that a re-grade costs little more than the cells.

A spare is started ahead of time *in its own empty working folder*, with the exercise's memory
limit and environment, exactly as the engine would start one: when the learner saves, the notebook
and data are copied into that folder and the already-booted kernel runs them. A spare is used for
one grading only and then killed, so no state ever leaks from one grading to the next.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from nbformat import NotebookNode

from grader.exercise import Exercise
from grader.kernel import RunningKernel, start_kernel
from grader.libraries import libraries_of
from grader.prepare import fill_working_folder

_START_TIMEOUT = 60.0


def _profile(exercise: Exercise) -> tuple[int, tuple[tuple[str, str], ...], str]:
    """What a kernel is started with that depends on the exercise (fixed for the kernel's life)."""
    return exercise.limits.memory_mb, tuple(sorted(exercise.env.items())), exercise.network  # network: its sandbox


@dataclass
class SpareKernel:
    """A kernel already started in an empty working folder, waiting for one grading."""

    kernel: RunningKernel
    folder: Path
    profile: tuple[int, tuple[tuple[str, str], ...], str]

    def fits(self, exercise: Exercise) -> bool:
        return self.profile == _profile(exercise) and self.kernel.alive()

    @contextmanager
    def working_folder(self, nb: NotebookNode, exercise: Exercise) -> Iterator[Path]:
        """The spare's folder filled for this grading; removed with the kernel afterwards."""
        try:
            fill_working_folder(self.folder, nb, exercise)
            yield self.folder
        finally:
            self.discard()

    def discard(self) -> None:
        """Kill the kernel (if still running) and remove its folder."""
        if self.kernel.alive():
            self.kernel.kill()
        shutil.rmtree(self.folder, ignore_errors=True)


async def start_spare(exercise: Exercise) -> SpareKernel:
    folder = Path(tempfile.mkdtemp(prefix="grade-"))
    try:
        kernel = await start_kernel(folder, exercise)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    await _import_libraries(kernel, libraries_of(exercise.starter))
    return SpareKernel(kernel, folder, _profile(exercise))


async def _import_libraries(kernel: RunningKernel, names: str) -> None:
    """While the learner edits, the spare imports the exercise's libraries (grader.libraries), as the
    zygote does for forked kernels: binding no name, recording no history. If it cannot, the
    learner's notebook imports them itself, as ever."""
    if not names:
        return
    client = kernel.manager.client()
    client.start_channels()
    try:
        await client.wait_for_ready(timeout=_START_TIMEOUT)
        code = f"[__import__('importlib').import_module(m) for m in {names.split(',')!r}]"
        msg_id = client.execute(code, silent=True, store_history=False)
        while (await client.get_shell_msg(timeout=_START_TIMEOUT))["parent_header"].get("msg_id") != msg_id:
            pass
    except Exception:
        pass
    finally:
        client.stop_channels()


class KernelPool:
    """Keeps one spare kernel booting in the background while the learner edits.

    Kernels are started from one long-lived worker thread: on Linux each kernel asks to be killed
    when the thread that started it ends (PR_SET_PDEATHSIG), so that thread must outlive its
    kernels; elsewhere a kernel watches the grader's process (grader.kernel_main.die_with_parent).
    """

    def __init__(self) -> None:
        self._starter = ThreadPoolExecutor(1, thread_name_prefix="spare-kernel")
        self._next: Future[SpareKernel] | None = None

    def prepare(self, exercise: Exercise) -> None:
        """Start booting a spare for `exercise`, unless one is already on its way."""
        if self._next is None:
            self._next = self._starter.submit(lambda: asyncio.run(start_spare(exercise)))

    def take(self, exercise: Exercise) -> SpareKernel | None:
        """The spare, if it suits `exercise`; None means: start a kernel the usual way."""
        pending = self._next
        if pending is None:
            return None
        try:
            spare = pending.result(timeout=_START_TIMEOUT)
        except Exception:  # the usual start will fail too, and report it properly
            self._next = None
            return None
        self._next = None  # only now: if Ctrl-C came while waiting, close() still ends this spare
        if spare.fits(exercise):
            return spare
        spare.discard()
        return None

    def close(self) -> None:
        """Kill the spare and stop the worker thread: no kernel outlives the pool."""
        pending, self._next = self._next, None
        if pending is not None:
            try:
                pending.result(timeout=_START_TIMEOUT).discard()
            except Exception:
                pass
        self._starter.shutdown(wait=True, cancel_futures=True)
