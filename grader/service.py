"""`grade`'s background grading service: the same grading, with the imports already done.

A learner grades an exercise many times, and each `grade` used to pay again for Python starting,
the grader's and the checks' imports (pandas, scikit-learn), and a kernel importing the same
libraries. The first `grade` starts this service; later ones hand it their grading, and it ends
after `IDLE_SECONDS` without one. It keeps a kernel zygote that has imported the exercise's
libraries, so each grading is still a brand-new kernel forked for it alone, in its own folder, with
its limits and its sandbox, while the checks are read afresh each time: a course update is seen at
once, and an update of the grader itself ends the service (`grade` then grades by itself and the
next one starts a new service).

Only the learner's own `grade` reaches it: its socket lives in a folder only they can open, and a
request must carry the token kept there, which a sandboxed kernel cannot read (Landlock lets it
read only the Python environment and its own folder). `grade` uses it on Linux only (kernels are
forked), in a plain environment only (no GRADER_* setting, no hidden checks), and grades by itself
whenever anything about the service fails.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import secrets
import select
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

from grader import platform_support
from grader.errors import GraderBroken, GraderError, UngradableInput
from grader.exercise import Exercise
from grader.result import GradeResult, result_from_dict
from grader.slow_cells import SlowCellLine

IDLE_SECONDS = 600.0
DIR_VAR = "GRADER_SERVICE_DIR"
OFF_VAR = "GRADER_NO_SERVICE"
_SOCKET, _TOKEN, _LOCK = "grade.sock", "token", "lock"  # the lock file holds the service's pid
_LINE_LIMIT = 1 << 24


# -- the learner's side: `grade` ------------------------------------------------------------------
def grade_via_service(
    notebook: Path, exercise: Exercise, hints_shown: int, slow_line: SlowCellLine | None
) -> GradeResult | None:
    """The grading, done by the service; None when `grade` should grade by itself (and the service
    was started for next time, if it was not running)."""
    folder = _usable_folder()
    if folder is None:
        return None
    try:
        token = (folder / _TOKEN).read_text(encoding="utf-8")
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        conn.connect(str(folder / _SOCKET))
    except OSError:
        _start_service(folder)
        return None
    request = {
        "token": token,
        "code": code_fingerprint(),
        "notebook": str(notebook.resolve()),
        "exercise": str(exercise.folder),
        "hints_shown": hints_shown,
        "live": slow_line is not None,
        "cwd": os.getcwd(),
        "env": dict(os.environ),
    }
    with conn, conn.makefile("rb") as replies:
        try:
            conn.sendall(json.dumps(request).encode() + b"\n")
            for line in iter(lambda: replies.readline(_LINE_LIMIT), b""):
                message = json.loads(line)
                if "slow" in message and slow_line is not None:
                    slow_line.running(*message["slow"])
                elif "finished" in message and slow_line is not None:
                    slow_line.finished()
                elif "result" in message:
                    return result_from_dict(message["result"])
                elif "error" in message:
                    raise (UngradableInput if message["ungradable"] else GraderBroken)(message["error"])
                elif "restart" in message:
                    return None  # the grader was updated: the old service has ended
        except (OSError, ValueError, KeyError, TypeError):
            return None  # the service failed; grade by itself
    return None


def _usable_folder() -> Path | None:
    """The service's folder, when the service may be used here and now; else None."""
    if os.environ.get(OFF_VAR) or not platform_support.fork() or not hasattr(socket, "AF_UNIX"):
        return None
    if any(name.startswith("GRADER_") and name != DIR_VAR for name in os.environ):
        return None  # a setting for one grading (tests, the portable mode): not for a shared service
    folder = Path(os.environ.get(DIR_VAR) or Path(tempfile.gettempdir()) / f"course-grader-{os.getuid()}")
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        status = folder.lstat()
    except OSError:
        return None
    if status.st_uid != os.getuid() or status.st_mode & 0o077 or not folder.is_dir() or folder.is_symlink():
        return None  # someone else's folder, or one others can open: never trust it
    return folder


def _start_service(folder: Path) -> None:
    with contextlib.suppress(OSError):
        subprocess.Popen(
            [sys.executable, "-m", "grader.service", str(folder)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # not ended by the terminal's Ctrl-C meant for one grading
            close_fds=True,
        )


def code_fingerprint() -> str:
    """What the grader's and courselib's code files are now (names, sizes, times): a service running
    older code must not grade."""
    import courselib

    parts = [sys.executable]
    for package in (Path(__file__).parent, Path(courselib.__file__).parent):
        for path in sorted(package.rglob("*.py")):
            stat = path.stat()
            parts.append(f"{path}:{stat.st_size}:{stat.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


# -- the service ------------------------------------------------------------------------------------
class _SlowLineOverSocket(SlowCellLine):
    """Tells the waiting `grade` about a slow cell; it draws the line on its own terminal."""

    def __init__(self, conn: socket.socket) -> None:
        self.conn = conn

    def running(self, where: str, seconds: float, limit: float) -> None:
        _send(self.conn, {"slow": [where, seconds, limit]})

    def finished(self) -> None:
        _send(self.conn, {"finished": True})


def _send(conn: socket.socket, message: dict[str, Any]) -> None:
    with contextlib.suppress(OSError):
        conn.sendall(json.dumps(message).encode() + b"\n")


def serve(folder: Path, idle: float = IDLE_SECONDS) -> None:
    """Listen in `folder` until `idle` seconds pass without a grading; one grading at a time."""
    import fcntl  # here: the learner's side of this module also runs where there is no fcntl

    from grader.zygote import KernelZygote

    with open(folder / _LOCK, "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return  # another service already runs here
        lock.write(f"{os.getpid()}\n")
        lock.flush()
        (folder / _SOCKET).unlink(missing_ok=True)
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(str(folder / _SOCKET))
        listener.listen(8)
        listener.settimeout(idle)
        token = secrets.token_hex(32)
        descriptor = os.open(folder / f"{_TOKEN}.new", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(token)
        os.replace(folder / f"{_TOKEN}.new", folder / _TOKEN)
        fingerprint = code_fingerprint()
        try:
            with KernelZygote() as zygote:
                while True:
                    try:
                        conn, _ = listener.accept()
                        with conn:
                            if not _serve_one(conn, token, fingerprint, zygote):
                                return
                    except TimeoutError:
                        return  # idle
                    except KeyboardInterrupt:
                        continue  # a hang-up noticed just as its grading ended
        finally:
            (folder / _TOKEN).unlink(missing_ok=True)
            (folder / _SOCKET).unlink(missing_ok=True)
            listener.close()


def _serve_one(conn: socket.socket, token: str, fingerprint: str, zygote: Any) -> bool:
    """Grade one request; False when the service must end (its code is out of date)."""
    from grader.engine import grade_notebook
    from grader.exercise import load_exercise

    conn.settimeout(10)
    try:
        with conn.makefile("rb") as lines:
            request = json.loads(lines.readline(_LINE_LIMIT))
        if not hmac.compare_digest(str(request["token"]), token):
            return True
    except (OSError, ValueError, KeyError, TypeError):
        return True
    if request.get("code") != fingerprint:
        _send(conn, {"restart": True})
        return False
    conn.settimeout(None)
    os.environ.clear()  # what `grade` itself would have run with
    os.environ.update(request["env"])
    os.chdir(request["cwd"])
    hang_up = _interrupt_when_gone(conn)
    try:
        exercise = load_exercise(Path(request["exercise"]))
        live = _SlowLineOverSocket(conn) if request["live"] else None
        result = grade_notebook(
            Path(request["notebook"]),
            exercise,
            hints_shown=int(request["hints_shown"]),
            zygote=zygote.ensure_running(),
            slow_line=live,
        )
        reply: dict[str, Any] = {"result": result.to_dict()}
    except GraderError as error:
        reply = {"error": str(error), "ungradable": isinstance(error, UngradableInput)}
    except KeyboardInterrupt:
        return True  # `grade` stopped (Ctrl-C) and hung up: the grading is dropped, the service goes on
    finally:
        hang_up.set()  # before replying: once `grade` has its answer, its hanging up is no interruption
    _send(conn, reply)
    return True


def _interrupt_when_gone(conn: socket.socket) -> threading.Event:
    """Interrupt the grading (as Ctrl-C would) if `grade` hangs up before it ends; set the returned
    event once the grading is over."""
    done = threading.Event()
    main = threading.main_thread().ident

    def watch() -> None:
        while not done.is_set():
            readable, _, _ = select.select([conn], [], [], 0.2)
            if readable and not done.is_set():
                try:
                    gone = conn.recv(1, socket.MSG_PEEK) == b""
                except OSError:
                    gone = True
                if gone:
                    if not done.is_set() and main is not None:
                        signal.pthread_kill(main, signal.SIGINT)
                    return

    threading.Thread(target=watch, daemon=True).start()
    return done


if __name__ == "__main__":
    # SIGINT interrupts a grading whose `grade` hung up; a `grade` started in the background passes it on ignored
    signal.signal(signal.SIGINT, signal.default_int_handler)
    serve(Path(sys.argv[1]), *(float(a) for a in sys.argv[2:3]))
