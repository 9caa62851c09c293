"""The kernel zygote: a process that imports the kernel once, then forks a fresh kernel per grading.

Run as `python -m grader.zygote_main SOCKET` by `grader.zygote.KernelZygote`, never by a learner.
Starting a kernel is mostly imports (ipykernel, IPython, zmq: about 0.4 s of CPU); a forked child
starts with them already loaded, so a grading pays only for its own kernel's set-up. Each child is
a brand-new process: nothing of one grading can reach the next.

Protocol, one connection per kernel: the grader sends one JSON line {"argv", "cwd", "env"}; the
child answers "PID\\n" once it leads its own process group; when the kernel ends, the zygote sends
"exit CODE\\n". If the grader closes the connection first (it is done, or it died), the kernel's
process group is killed: a kernel never outlives the grading that asked for it.
"""

from __future__ import annotations

import gc
import json
import os
import selectors
import signal
import socket
import sys

from grader import kernel_main

_REQUEST_LIMIT = 1 << 20


def main() -> None:
    kernel_main.die_with_parent(os.getppid())  # dies with the grader that started it; its kernels with it
    kernel_main.preload(everything=True)
    gc.freeze()  # the collector leaves the preloaded objects alone, so forked kernels share their pages
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(sys.argv[1])
    listener.listen(64)
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_write, False)
    signal.set_wakeup_fd(wake_write)  # SIGCHLD wakes the loop below
    signal.signal(signal.SIGCHLD, lambda *_: None)
    signal.signal(signal.SIGTERM, lambda *_: _kill_all_and_exit(kernels))
    kernels: dict[int, socket.socket] = {}  # pid -> the connection of the grading that asked for it
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ)
    selector.register(wake_read, selectors.EVENT_READ)
    print("ready", flush=True)  # the grader waits for this line
    while True:
        for key, _ in selector.select():
            if key.fileobj is listener:
                _spawn(listener, selector, kernels)
            elif key.fileobj == wake_read:
                os.read(wake_read, 4096)
                _reap(selector, kernels)
            else:
                _hang_up(key.fileobj, selector, kernels)  # type: ignore[arg-type]


def _spawn(listener: socket.socket, selector: selectors.BaseSelector, kernels: dict[int, socket.socket]) -> None:
    conn, _ = listener.accept()
    try:
        conn.settimeout(10)
        request = json.loads(conn.makefile("rb").readline(_REQUEST_LIMIT))
    except (OSError, ValueError):
        conn.close()
        return
    pid = os.fork()
    if pid == 0:
        _become_kernel(conn, request)
    kernels[pid] = conn
    selector.register(conn, selectors.EVENT_READ)


def _become_kernel(conn: socket.socket, request: dict) -> None:
    """In the child: a process of its own, in the grading's folder and environment, then the kernel."""
    try:
        os.setsid()  # its own process group, which the grader kills as a whole
        kernel_main.name_process(kernel_main.KERNEL_NAME)
        signal.set_wakeup_fd(-1)
        for signum in (signal.SIGCHLD, signal.SIGTERM):
            signal.signal(signum, signal.SIG_DFL)
        conn.sendall(f"{os.getpid()}\n".encode())  # only now: killpg(pid) reaches this group
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        os.closerange(3, os.sysconf("SC_OPEN_MAX"))  # nothing of the zygote's: no socket the learner could write to
        sys.argv = ["grader.kernel_main", *request["argv"]]
        kernel_main.main(request["argv"])
    finally:
        os._exit(0)


def _reap(selector: selectors.BaseSelector, kernels: dict[int, socket.socket]) -> None:
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        conn = kernels.pop(pid, None)
        if conn is not None:
            try:
                conn.sendall(f"exit {os.waitstatus_to_exitcode(status)}\n".encode())
            except OSError:
                pass
            if conn.fileno() in selector.get_map():
                selector.unregister(conn)
            conn.close()


def _hang_up(conn: socket.socket, selector: selectors.BaseSelector, kernels: dict[int, socket.socket]) -> None:
    """The grading closed its connection: it is done, or it died. Its kernel ends now."""
    try:
        if conn.recv(4096):
            return  # a grader sends nothing more; ignore it
    except OSError:
        pass
    selector.unregister(conn)  # closed when the kernel is reaped
    for pid, owner in kernels.items():
        if owner is conn:
            _kill_group(pid)


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _kill_all_and_exit(kernels: dict[int, socket.socket]) -> None:
    for pid in kernels:
        _kill_group(pid)
    os._exit(0)


if __name__ == "__main__":
    main()
