"""One batch at a time per results folder, with the lock this computer offers: `fcntl` on POSIX,
`msvcrt` on Windows (both go with the process, even after kill -9), else a file naming its owner,
taken over once that process has gone (`grader.platform_support.lock_kind`)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from grader import platform_support


class AlreadyLocked(Exception):
    """Another process holds the lock."""


@contextmanager
def exclusive_lock(path: Path) -> Iterator[None]:
    """Hold the lock at `path` for the `with` block, or raise AlreadyLocked at once."""
    kind = platform_support.lock_kind()
    if kind == "lockfile":
        with _owner_file(path.with_suffix(".pid")):
            yield
        return
    with open(path, "a+") as handle:
        try:
            if kind == "fcntl":
                import fcntl

                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            else:
                import msvcrt

                msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        except OSError:  # BlockingIOError (fcntl), PermissionError (msvcrt)
            raise AlreadyLocked(str(path)) from None
        yield


@contextmanager
def _owner_file(path: Path) -> Iterator[None]:
    for _ in range(2):  # a second try after removing a file whose owner has gone
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            if _owner_alive(path):
                raise AlreadyLocked(str(path)) from None
            path.unlink(missing_ok=True)
            continue
        with os.fdopen(fd, "w") as owner:
            import psutil  # here, not at the top: on Linux it imports `resource`

            owner.write(f"{os.getpid()} {psutil.Process().create_time()}\n")
        try:
            yield
        finally:
            path.unlink(missing_ok=True)
        return
    raise AlreadyLocked(str(path))


def _owner_alive(path: Path) -> bool:
    """Whether the process named in the file still runs (the same one: a reused pid started later)."""
    import psutil

    try:
        pid, started = path.read_text().split()
        return abs(psutil.Process(int(pid)).create_time() - float(started)) < 1
    except (OSError, ValueError, psutil.Error):
        return False
