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

from grader import kernel_main, libraries
from grader.sandbox import peers

_REQUEST_LIMIT = 1 << 20


class Zygote:
    """The listening socket, the kernels forked so far (pid -> its grading's connection), and a
    wake-up pipe that SIGCHLD writes to, all watched by one selector loop."""

    def __init__(self, address: str) -> None:
        self.kernels: dict[int, socket.socket] = {}
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(address)
        self.listener.listen(64)
        self.wake_read, self.wake_write = os.pipe()
        os.set_blocking(self.wake_write, False)
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.listener, selectors.EVENT_READ)
        self.selector.register(self.wake_read, selectors.EVENT_READ)
        signal.set_wakeup_fd(self.wake_write)
        signal.signal(signal.SIGCHLD, lambda *_: None)  # the wake-up fd does the work
        signal.signal(signal.SIGTERM, lambda *_: self.kill_all_and_exit())

    def serve(self) -> None:
        while True:
            for key, _ in self.selector.select():
                if key.fileobj is self.listener:
                    self.spawn()
                elif key.fileobj == self.wake_read:
                    os.read(self.wake_read, 4096)
                    self.reap()
                else:
                    self.hang_up(key.fileobj)  # type: ignore[arg-type]

    def spawn(self) -> None:
        conn, _ = self.listener.accept()
        if not peers.is_process(conn, os.getppid()):  # a kernel (or what it started) asking for an unsandboxed one
            conn.close()
            return
        try:
            conn.settimeout(10)
            with conn.makefile("rb") as lines:
                request = json.loads(lines.readline(_REQUEST_LIMIT))
        except (OSError, ValueError):
            conn.close()
            return
        libraries.preload(request["env"].pop(libraries.ENV, ""))  # once here, then in every kernel forked
        pid = os.fork()
        if pid == 0:
            self.become_kernel(conn, request)
        self.kernels[pid] = conn
        self.selector.register(conn, selectors.EVENT_READ)

    def become_kernel(self, conn: socket.socket, request: dict) -> None:
        """In the child: a process of its own, in the grading's folder and environment, then the kernel."""
        try:
            os.setsid()  # its own process group, which the grader kills as a whole
            kernel_main.name_process(kernel_main.KERNEL_NAME)
            signal.set_wakeup_fd(-1)
            for signum in (signal.SIGCHLD, signal.SIGTERM):
                signal.signal(signum, signal.SIG_DFL)
            conn.sendall(f"{os.getpid()}\n".encode())  # only now: killpg(pid) reaches this group
            conn.close()
            self.close_inherited()  # nothing of the zygote's: no socket the learner's code could write to
            os.chdir(request["cwd"])
            os.environ.clear()
            os.environ.update(request["env"])
            libraries.reseed_after_fork()
            null = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(null, fd)
            os.close(null)
            sys.argv = ["grader.kernel_main", *request["argv"]]
            kernel_main.main(request["argv"])
        finally:
            os._exit(0)

    def close_inherited(self) -> None:
        self.selector.close()
        self.listener.close()
        for other in self.kernels.values():
            other.close()
        os.close(self.wake_read)
        os.close(self.wake_write)

    def reap(self) -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            conn = self.kernels.pop(pid, None)
            if conn is not None:
                try:
                    conn.sendall(f"exit {os.waitstatus_to_exitcode(status)}\n".encode())
                except OSError:
                    pass
                if conn.fileno() in self.selector.get_map():
                    self.selector.unregister(conn)
                conn.close()

    def hang_up(self, conn: socket.socket) -> None:
        """The grading closed its connection: it is done, or it died. Its kernel ends now."""
        try:
            if conn.recv(4096):
                return  # a grader sends nothing more; ignore it
        except OSError:
            pass
        self.selector.unregister(conn)  # closed when the kernel is reaped
        for pid, owner in self.kernels.items():
            if owner is conn:
                _kill_group(pid)

    def kill_all_and_exit(self) -> None:
        for pid in self.kernels:
            _kill_group(pid)
        os._exit(0)


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def main() -> None:
    libraries.make_single_threaded()
    if sys.path and sys.path[0] in ("", os.getcwd()):
        del sys.path[0]  # `python -m` put the grader's folder first: the zygote imports only installed libraries
    kernel_main.die_with_parent(os.getppid())  # dies with the grader that started it; its kernels with it
    kernel_main.preload(everything=True)
    kernel_main.warm_up()
    gc.freeze()  # the collector leaves the preloaded objects alone, so forked kernels share their pages
    zygote = Zygote(sys.argv[1])
    print("ready", flush=True)  # the grader waits for this line
    zygote.serve()


if __name__ == "__main__":
    main()
