"""A kernel's own view of the machine, through unprivileged user namespaces (Linux only).

After `isolate`, the process:
- holds no capability outside its new user namespace (even when the grader runs as root);
- sees its own empty, size-capped temporary folder in place of the machine's, with only its own
  working and runtime folders put back: other gradings' folders, the kernel zygote's socket and a
  batch's hidden checks are not there to find;
- with `network`, has a network of its own with nothing in it, not even a loopback.
It must be called while the process has a single thread (Linux refuses a user namespace otherwise).
"""

from __future__ import annotations

import ctypes
import os
import platform
import struct
from pathlib import Path

_CLONE_NEWNS, _CLONE_NEWUSER, _CLONE_NEWNET = 0x00020000, 0x10000000, 0x40000000
_MS_NOSUID, _MS_NODEV, _MS_BIND, _MS_REC, _MS_PRIVATE = 2, 4, 0x1000, 0x4000, 1 << 18
_NOBODY = 65534
_PR_SET_KEEPCAPS, _PR_CAP_AMBIENT, _PR_CAP_AMBIENT_RAISE = 8, 47, 2
_SYS_CAPSET, _CAPABILITY_VERSION_3 = 126 if platform.machine() == "x86_64" else 91, 0x20080522
_KEPT_CAPABILITIES = (0, 1, 2, 3)  # CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER
TMP_SIZE = "64m"  # the private temporary folder lives in memory: capped


def namespaces_allowed() -> bool:
    """Whether this system lets an ordinary process make user namespaces it can use (read from its
    settings: Debian's switch, a zero maximum, Ubuntu's AppArmor restriction); `GRADER_NO_NAMESPACES`
    says no, for Landlock alone."""
    if os.environ.get("GRADER_NO_NAMESPACES"):
        return False
    settings = {
        "/proc/sys/kernel/unprivileged_userns_clone": "0",
        "/proc/sys/user/max_user_namespaces": "0",
        "/proc/sys/kernel/apparmor_restrict_unprivileged_userns": "1",
    }
    for path, refusing in settings.items():
        try:
            if Path(path).read_text().strip() == refusing:
                return os.geteuid() == 0 and not path.endswith("max_user_namespaces")  # root is exempt
        except OSError:
            continue
    return os.path.exists("/proc/self/ns/user")


class NamespacesUnavailable(OSError):
    """This system does not let an ordinary process make user namespaces: nothing was changed."""


def isolate(hidden: Path, keep: list[Path], network: bool) -> None:
    """Enter new user, mount (and, if `network`, network) namespaces; cover `hidden` with an empty
    private folder where each of `keep` that lies beneath it is put back in place.

    `network`: take a network of its own, empty. Raises OSError.
    """
    uid, gid = os.getuid(), os.getgid()
    under = [p for p in keep if p.is_relative_to(hidden) and p != hidden]
    libc = ctypes.CDLL(None, use_errno=True)
    # Root maps `nobody` too, which only a process left outside the namespace may write.
    nobody = f"\n{_NOBODY} {_NOBODY} 1" if uid == 0 else ""
    maps = {
        "setgroups": "deny",
        "uid_map": f"{uid} {uid} 1{nobody}",
        "gid_map": f"{gid} {gid} 1{nobody if gid == 0 else ''}",
    }
    helper = _map_writer(maps) if nobody else None
    if libc.unshare(_CLONE_NEWUSER | _CLONE_NEWNS | (_CLONE_NEWNET if network else 0)) != 0:
        errno = ctypes.get_errno()
        if helper:
            _finish_helper(helper, go=False)
        raise NamespacesUnavailable(errno, "no user namespaces here")
    # From here on a failure is fatal (the caller must not go on half isolated).
    if helper:
        _finish_helper(helper, go=True)
    else:
        for name, text in maps.items():
            Path(f"/proc/self/{name}").write_text(text)
    fds = [os.open(p, os.O_PATH | os.O_CLOEXEC) for p in under]  # in the new namespace: bindable, and
    try:  # still reachable once covered
        _check(libc.mount(None, b"/", None, _MS_REC | _MS_PRIVATE, None))  # nothing leaks back out
        _check(
            libc.mount(b"tmpfs", bytes(hidden), b"tmpfs", _MS_NOSUID | _MS_NODEV, f"size={TMP_SIZE},mode=1777".encode())
        )
        for path, fd in zip(under, fds, strict=True):
            if os.path.isdir(f"/proc/self/fd/{fd}"):
                path.mkdir(parents=True, exist_ok=True)
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.touch()
            _check(libc.mount(f"/proc/self/fd/{fd}".encode(), bytes(path), None, _MS_BIND | _MS_REC, None))
    finally:
        for fd in fds:
            os.close(fd)
    if uid == 0:
        _leave_root(libc)


# Run by the helper: wait for the word, then write the maps in one write() each, as Linux requires.
_MAP_SCRIPT = (
    'read go && [ "$go" = y ] && echo deny > "/proc/$1/setgroups" '
    '&& printf "%b" "$2" > "/proc/$1/uid_map" && printf "%b" "$3" > "/proc/$1/gid_map"'
)


def _map_writer(maps: dict[str, str]) -> tuple[int, int]:
    """A tiny shell that, once told, writes this process's id maps from outside its new namespace
    (spawned, not forked: it costs the same whatever the size of the kernel)."""
    read_end, write_end = os.pipe()
    try:
        escaped = [maps[name].replace("\n", "\\n") for name in ("uid_map", "gid_map")]  # for printf %b
        pid = os.posix_spawn(
            "/bin/sh",
            ["sh", "-c", _MAP_SCRIPT, "sh", str(os.getpid()), *escaped],
            {},
            file_actions=[(os.POSIX_SPAWN_DUP2, read_end, 0)],
        )
    finally:
        os.close(read_end)
    return pid, write_end


def _finish_helper(helper: tuple[int, int], go: bool) -> None:
    pid, write_end = helper
    os.write(write_end, b"y\n" if go else b"n\n")
    os.close(write_end)
    _, status = os.waitpid(pid, 0)
    if go and os.waitstatus_to_exitcode(status) != 0:
        raise OSError(1, "the user namespace's id maps could not be written")


def _leave_root(libc: ctypes.CDLL) -> None:
    """Become `nobody`, keeping only the right to open root's files (its working folders are root's):
    Linux exempts root from the process limit, so a fork bomb would otherwise go unchecked. The
    rights count only in this user namespace, and are kept across exec for what the learner runs."""
    _check(libc.prctl(_PR_SET_KEEPCAPS, 1, 0, 0, 0))
    os.setresgid(_NOBODY, _NOBODY, _NOBODY)
    os.setresuid(_NOBODY, _NOBODY, _NOBODY)
    kept = sum(1 << cap for cap in _KEPT_CAPABILITIES)
    header = struct.pack("Ii", _CAPABILITY_VERSION_3, 0)
    data = struct.pack("6I", kept, kept, kept, 0, 0, 0)  # effective, permitted, inheritable (low, then high words)
    _check(libc.syscall(_SYS_CAPSET, ctypes.c_char_p(header), ctypes.c_char_p(data)))
    for cap in _KEPT_CAPABILITIES:
        _check(libc.prctl(_PR_CAP_AMBIENT, _PR_CAP_AMBIENT_RAISE, cap, 0, 0))


def _check(result: int) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, os.strerror(errno))
