"""The kernel's side of the sandbox: what a kernel may reach, applied to itself before any of the
learner's code runs (called from `grader.kernel_main.main`, in launched and forked kernels alike).

The kernel may read the Python environment and the few system files Python and its libraries
need; it may write only its working folder (the learner's files and the exercise's data) and its
own runtime folder (its connection file, sockets and a home of its own). Everything else is
refused by Landlock; where user namespaces are available it also gets its own temporary folder,
its own network and no capability on the machine.
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import os
import resource
import sys
import tempfile
from pathlib import Path

from grader.sandbox import landlock, namespaces

ENV = "GRADER_SANDBOX"  # set by the grader: the exercise's network ("none" or "loopback"), "+namespaces"
FILE_SIZE_MB = 64  # no single file larger: a notebook cannot fill the disk with one write
PROCESSES = 256  # threads and processes of the sandbox, where it has a user namespace of its own
_SYSTEM_READ = (
    "/usr",
    "/lib",
    "/lib64",
    "/lib32",
    "/bin",
    "/sbin",
    "/proc",
    "/sys/devices/system/cpu",
    "/sys/fs/cgroup",
    "/etc/ld.so.cache",
    "/etc/ld.so.conf",
    "/etc/ld.so.conf.d",
    "/etc/ssl",
    "/etc/ca-certificates",
    "/etc/pki",
    "/etc/localtime",
    "/etc/timezone",
    "/etc/fonts",
    "/etc/passwd",
    "/etc/group",
    "/etc/hosts",
    "/etc/nsswitch.conf",
    "/etc/host.conf",
    "/etc/gai.conf",
    "/etc/resolv.conf",
    "/etc/mime.types",
    "/etc/locale.alias",
    "/etc/os-release",
    "/etc/matplotlibrc",
    "/etc/alternatives",
    "/dev/urandom",
    "/dev/random",
    "/dev/zero",
)
_DEVICES_WRITE = ("/dev/null", "/dev/full")


class SandboxFailed(RuntimeError):
    """The kernel was asked to sandbox itself and could not: it must not run the learner's code."""


def confine_kernel(argv: list[str]) -> None:
    """Sandbox this kernel process if the grader asked for it (`GRADER_SANDBOX`); else do nothing.
    `argv`: the kernel's command line, which names its connection file."""
    network, _, namespaces = os.environ.pop(ENV, "").partition("+")
    if not network:
        return
    try:
        _confine(Path.cwd(), _connection_file(argv), loopback=network == "loopback", isolate=bool(namespaces))
    except OSError as err:
        raise SandboxFailed(f"the kernel could not enter its sandbox ({err})") from err


def _confine(workdir: Path, connection: Path, loopback: bool, isolate: bool) -> None:
    runtime = connection.parent
    info = json.loads(connection.read_text())
    tcp_ports = [int(v) for k, v in info.items() if k.endswith("_port")] if info.get("transport") == "tcp" else []
    mpl_cache = _matplotlib_cache()
    reads = [*_python_environment(), *([mpl_cache] if mpl_cache else [])]
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_SIZE_MB << 20, FILE_SIZE_MB << 20))
    # No network at all (a network namespace of its own) unless the exercise's checks run a course
    # server on this machine's 127.0.0.1, or the grader reaches the kernel over TCP.
    private_tmp = _isolate([workdir, runtime, *reads], network=not (tcp_ports or loopback)) if isolate else []
    _home_of_its_own(runtime / "home", mpl_cache)
    _landlock(reads, [workdir, runtime, *private_tmp], tcp_ports, loopback)


def _isolate(keep: list[Path], network: bool) -> list[Path]:
    """Namespaces of its own, where the system lets it make them; its private temporary folder."""
    tmp = Path(tempfile.gettempdir()).resolve()
    try:
        namespaces.isolate(tmp, keep, network=network)
    except namespaces.NamespacesUnavailable:  # Landlock alone still holds the files and signals
        return []
    resource.setrlimit(resource.RLIMIT_NPROC, (PROCESSES, PROCESSES))  # counted in its own namespace
    return [tmp]


def _home_of_its_own(scratch: Path, mpl_cache: Path | None) -> None:
    """HOME, TMPDIR and the folders IPython and Jupyter write to, in the kernel's runtime folder."""
    for name in ("tmp", "ipython", "cache"):
        (scratch / name).mkdir(parents=True, exist_ok=True)
    os.environ.update(
        HOME=str(scratch),
        TMPDIR=str(scratch / "tmp"),
        IPYTHONDIR=str(scratch / "ipython"),
        XDG_CACHE_HOME=str(scratch / "cache"),
        JUPYTER_CONFIG_DIR=str(scratch),
        JUPYTER_DATA_DIR=str(scratch),
        **({"MPLCONFIGDIR": str(mpl_cache)} if mpl_cache else {}),
    )
    tempfile.tempdir = None  # computed again from TMPDIR


def _landlock(reads: list[Path], writes: list[Path], tcp_ports: list[int], loopback: bool) -> None:
    abi = landlock.abi_version()
    rules = landlock.Ruleset(abi, tcp=not loopback)
    rules.allow([*_SYSTEM_READ, *reads], landlock.READ | landlock.IOCTL_DEV)
    rules.allow([*_DEVICES_WRITE], landlock.READ_FILE | landlock.WRITE_FILE | landlock.IOCTL_DEV)
    rules.allow(writes, landlock.all_fs_rights(abi))
    rules.allow_tcp(tcp_ports, landlock.NET_BIND_TCP)  # the kernel's own ZeroMQ ports, when over TCP
    rules.enforce()


def _connection_file(argv: list[str]) -> Path:
    for flag, value in itertools.pairwise(argv):
        if flag in ("-f", "--f"):
            return Path(value).resolve()
    for arg in argv:
        if arg.startswith("--f="):
            return Path(arg.removeprefix("--f=")).resolve()
    raise OSError(2, "no connection file on the kernel's command line")


def _python_environment() -> list[Path]:
    """Where Python, its libraries and the course's own packages live (read only)."""
    places = {sys.prefix, sys.exec_prefix, sys.base_prefix, sys.base_exec_prefix}
    places.update(p for p in sys.path if p.endswith(("site-packages", "dist-packages")))
    for package in ("grader", "courselib"):  # an editable install keeps them in the course's folder
        spec = importlib.util.find_spec(package)
        if spec and spec.submodule_search_locations:
            places.update(spec.submodule_search_locations)
    places.add(os.path.dirname(os.path.realpath(sys.executable)))
    return sorted({Path(p).resolve() for p in places if p and os.path.exists(p)})


def _matplotlib_cache() -> Path | None:
    """matplotlib's font cache, read only: without it each kernel would spend seconds rebuilding it."""
    configured = os.environ.get("MPLCONFIGDIR")
    cache = (
        Path(configured)
        if configured
        else Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "matplotlib"
    )
    return cache.resolve() if cache.is_dir() else None
