"""Linux as Windows would have it: the POSIX-only pieces the grader might lean on are taken away.

Put this folder on PYTHONPATH (with GRADER_PORTABLE=1, which makes the grader take its portable
ways): every Python started with it, the grader and each kernel alike, loads this first.

- `os.fork`, `os.forkpty` and `os.killpg` are gone, for everyone.
- In the grader's own modules, `import resource`, `import fcntl`, `import termios` and
  `from signal import SIGKILL` fail, and `signal.SIGKILL` is missing, so a top-level import or a
  stray use of one fails the run instead of working by luck.

Libraries keep the real `signal`, `resource` and `fcntl`: ipykernel, psutil and subprocess choose
their POSIX branch by `sys.platform` and have a Windows branch of their own, which is not ours to prove.
"""

import builtins
import importlib.util
import os
import signal
import types

_BLOCKED = ("resource", "fcntl", "termios")
_spec = importlib.util.find_spec("grader")
_GRADER = os.path.dirname(_spec.origin) + os.sep if _spec and _spec.origin else None

for _name in ("fork", "forkpty", "killpg"):
    if hasattr(os, _name):
        delattr(os, _name)

_signal = types.ModuleType("signal", signal.__doc__)
_signal.__dict__.update({k: v for k, v in vars(signal).items() if k not in ("SIGKILL", "__name__", "__doc__")})
_import = builtins.__import__


def _import_as_on_windows(name, globals=None, locals=None, fromlist=(), level=0):
    importer = (globals or {}).get("__file__") or ""
    if level == 0 and _GRADER and importer.startswith(_GRADER):
        if name in _BLOCKED:
            raise ImportError(f"No module named {name!r} (taken away by tests/portable/posix_removed)", name=name)
        if name == "signal":
            if "SIGKILL" in (fromlist or ()):
                raise ImportError("cannot import name 'SIGKILL' from 'signal' (taken away by tests/portable)")
            return _signal
    return _import(name, globals, locals, fromlist, level)


builtins.__import__ = _import_as_on_windows
