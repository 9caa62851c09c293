"""Landlock (Linux 5.13+), through its three system calls: what a process may open, bind, connect to
and signal from now on, for itself and every process it starts. Linux only; imported only there.

Rules name folders; everything beneath a folder gets the folder's rights. What no rule names is
refused (EACCES), even to root. The kernel's documentation: Documentation/userspace-api/landlock.rst.
"""

from __future__ import annotations

import ctypes
import os
import platform
import struct
from collections.abc import Iterable
from pathlib import Path

# System call numbers: the same on every architecture that has the generic table (x86-64, arm64).
_CREATE_RULESET, _ADD_RULE, _RESTRICT_SELF = 444, 445, 446
_CREATE_RULESET_VERSION = 1
_RULE_PATH_BENEATH, _RULE_NET_PORT = 1, 2
_PR_SET_NO_NEW_PRIVS = 38

# Filesystem rights (ABI 1 unless said), from include/uapi/linux/landlock.h.
EXECUTE, WRITE_FILE, READ_FILE, READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
_MAKE_AND_REMOVE = sum(1 << bit for bit in range(4, 13))  # remove dir/file, make char/dir/reg/sock/fifo/block/sym
REFER, TRUNCATE, IOCTL_DEV = 1 << 13, 1 << 14, 1 << 15  # ABI 2, 3, 5
NET_BIND_TCP, NET_CONNECT_TCP = 1 << 0, 1 << 1  # ABI 4
SCOPE_ABSTRACT_UNIX_SOCKET, SCOPE_SIGNAL = 1 << 0, 1 << 1  # ABI 6

READ = EXECUTE | READ_FILE | READ_DIR
_ALL_FS_BY_ABI = {1: READ | WRITE_FILE | _MAKE_AND_REMOVE, 2: REFER, 3: TRUNCATE, 5: IOCTL_DEV}
_ARCHITECTURES = {"x86_64", "aarch64", "arm64", "riscv64", "ppc64le", "s390x"}


def abi_version() -> int:
    """The Landlock ABI this kernel offers; 0 when there is none (or it is switched off)."""
    if platform.machine() not in _ARCHITECTURES:
        return 0
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return 0
    version = libc.syscall(_CREATE_RULESET, None, ctypes.c_size_t(0), ctypes.c_uint32(_CREATE_RULESET_VERSION))
    return max(0, int(version))


def all_fs_rights(abi: int) -> int:
    return sum(rights for since, rights in _ALL_FS_BY_ABI.items() if abi >= since)


class LandlockError(OSError):
    """A Landlock system call failed: the sandbox could not be set up."""


class Ruleset:
    """A ruleset being filled; `enforce` applies it to this process and its future children."""

    def __init__(self, abi: int, tcp: bool) -> None:
        """`tcp`: whether TCP bind and connect are restricted too (ABI 4)."""
        self.abi = abi
        self._libc = ctypes.CDLL(None, use_errno=True)
        self.handled_fs = all_fs_rights(abi)
        handled_net = NET_BIND_TCP | NET_CONNECT_TCP if tcp and abi >= 4 else 0
        scoped = SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL if abi >= 6 else 0
        attr = struct.pack("QQQ", self.handled_fs, handled_net, scoped)
        size = 24 if abi >= 6 else 16 if abi >= 4 else 8
        self.fd = self._call(_CREATE_RULESET, ctypes.c_char_p(attr[:size]), ctypes.c_size_t(size), ctypes.c_uint32(0))

    def allow(self, paths: Iterable[str | Path], rights: int) -> None:
        """Allow `rights` beneath each path that exists (others are skipped: nothing to reach)."""
        for path in paths:
            try:
                fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            except OSError:
                continue
            try:
                granted = rights & self.handled_fs
                if not os.path.isdir(path):  # a file takes only the rights that apply to files
                    granted &= EXECUTE | READ_FILE | WRITE_FILE | TRUNCATE | IOCTL_DEV
                attr = struct.pack("=Qi", granted, fd)  # packed, as the kernel's struct is
                self._call(
                    _ADD_RULE,
                    ctypes.c_int(self.fd),
                    ctypes.c_int(_RULE_PATH_BENEATH),
                    ctypes.c_char_p(attr),
                    ctypes.c_uint32(0),
                )
            finally:
                os.close(fd)

    def allow_tcp(self, ports: Iterable[int], rights: int) -> None:
        for port in ports:
            attr = struct.pack("QQ", rights, port)
            self._call(
                _ADD_RULE,
                ctypes.c_int(self.fd),
                ctypes.c_int(_RULE_NET_PORT),
                ctypes.c_char_p(attr),
                ctypes.c_uint32(0),
            )

    def enforce(self) -> None:
        """From now on, this thread and every process it starts is held to the rules."""
        self._call_prctl(_PR_SET_NO_NEW_PRIVS, 1)  # required: no setuid program may regain rights
        try:
            self._call(_RESTRICT_SELF, ctypes.c_int(self.fd), ctypes.c_uint32(0))
        finally:
            os.close(self.fd)

    def _call(self, number: int, *args: object) -> int:
        result = int(self._libc.syscall(number, *args))
        if result < 0:
            errno = ctypes.get_errno()
            raise LandlockError(errno, f"Landlock system call {number}: {os.strerror(errno)}")
        return result

    def _call_prctl(self, option: int, value: int) -> None:
        if self._libc.prctl(option, ctypes.c_ulong(value), 0, 0, 0) != 0:
            errno = ctypes.get_errno()
            raise LandlockError(errno, f"prctl({option}): {os.strerror(errno)}")
