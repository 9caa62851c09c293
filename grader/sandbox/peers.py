"""Who is at the other end of a Unix socket: the kernel zygote serves only the grading that started it."""

from __future__ import annotations

import socket
import struct


def is_process(conn: socket.socket, pid: int) -> bool:
    """Whether the process that connected `conn` is `pid` (Linux's SO_PEERCRED). Elsewhere, True:
    the zygote, which needs fork, runs only on Linux and macOS, and macOS cannot say."""
    option = getattr(socket, "SO_PEERCRED", None)
    if option is None:
        return True
    peer_pid, _uid, _gid = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, option, struct.calcsize("3i")))
    return bool(peer_pid == pid)
