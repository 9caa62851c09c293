"""The libraries an exercise imports, for kernels forked with them already imported.

A grading of a scikit-learn exercise spends more CPU importing scikit-learn, scipy and pandas
(about 2 s here) than running the learner's cells. The zygote (`grader.zygote_main`) imports what
an exercise's starter imports, once, before forking its kernels; each kernel is still a fresh
process that shares nothing with the next. Only well-known libraries of the course are imported
that way, read from the course's own starter notebook (never the learner's), and the zygote makes
their thread pools single-threaded first, so forking never copies a pool's threads or locks.
"""

from __future__ import annotations

import ast
import importlib
import json
import os
from functools import cache
from pathlib import Path

ENV = "GRADER_PRELOAD"  # the kernel's request carries the names to the zygote, which removes it
PRELOADABLE = frozenset(
    {
        "numpy",
        "pandas",
        "scipy",
        "sklearn",
        "matplotlib",
        "openai",
        "pydantic",
        "httpx",
        "fastapi",
        "requests",
        "streamlit",
        "courselib",
    }
)
IMPORTED_LATER = {"courselib": ("openai",)}  # what these import only when first used
SINGLE_THREADED = {  # set before the first import: pools that never start have nothing to copy
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "JE_ARROW_MALLOC_CONF": "background_thread:false",  # pyarrow's allocator thread (pandas' strings)
    "MPLBACKEND": "agg",
}


def libraries_of(notebook: Path) -> str:
    """The preloadable modules `notebook` imports, comma-separated ("" when none or unreadable)."""
    try:
        return _libraries(notebook, notebook.stat().st_mtime_ns)
    except OSError:
        return ""


@cache
def _libraries(notebook: Path, _mtime: int) -> str:
    try:
        cells = json.loads(notebook.read_bytes()).get("cells", [])
    except (OSError, ValueError, AttributeError):
        return ""
    found: dict[str, None] = {}
    for cell in cells:
        if cell.get("cell_type") != "code":
            continue
        try:
            tree = ast.parse("".join(cell.get("source", "")))
        except (SyntaxError, ValueError):
            continue  # a cell with a `%magic` or a placeholder; the others still count
        for node in ast.walk(tree):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module]
                if isinstance(node, ast.ImportFrom) and node.module and not node.level
                else []
            )
            for name in (n for n in names if n.split(".")[0] in PRELOADABLE):
                found.update(dict.fromkeys((name, *IMPORTED_LATER.get(name.split(".")[0], ()))))
    return ",".join(found)


def make_single_threaded() -> None:
    """In the zygote, before any library loads."""
    os.environ.update(SINGLE_THREADED)


def preload(names: str) -> None:
    """Import each named module of a preloadable library (the zygote does, before it forks)."""
    for name in filter(None, names.split(",")):
        if name.split(".")[0] in PRELOADABLE:
            try:
                importlib.import_module(name)
            except Exception:
                pass


def reseed_after_fork() -> None:
    """In each forked kernel: numpy's global generator must not start where its siblings' did."""
    import sys

    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed()
