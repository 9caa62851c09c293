"""Run lesson notebooks in parallel before the build, into mkdocs-jupyter's own cache.

mkdocs-jupyter executes notebooks one after another while it renders pages. Here the
notebooks it would execute (those not in its cache yet) run first, several at a time, and
their rendering is written to the cache entry mkdocs-jupyter then reads. A notebook that
fails here is simply not cached: mkdocs-jupyter runs it again and reports the error itself,
so a lesson that raises still fails the build with mkdocs-jupyter's message.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import pathlib
from concurrent.futures import ProcessPoolExecutor
from typing import Any

log = logging.getLogger("mkdocs.plugins.course")

_RENDER_OPTIONS = (
    "kernel_name",
    "theme",
    "allow_errors",
    "show_input",
    "no_input",
    "no_prompt",
    "remove_tag_config",
    "highlight_extra_classes",
    "include_requirejs",
    "custom_mathjax_url",
)


def pending_notebooks(jupyter_plugin: Any, paths: list[str]) -> list[tuple[str, str]]:
    """(notebook, cache file) for each notebook mkdocs-jupyter would execute: not yet cached."""
    try:  # private helpers of mkdocs-jupyter 0.26; without them, mkdocs-jupyter does it all
        from mkdocs_jupyter.plugin import _compute_cache_key, _get_cache_path
    except ImportError:
        return []
    cfg = jupyter_plugin.config
    if not (cfg["cache"] and cfg["execute"]):
        return []
    pending = []
    for path in paths:
        if any(pathlib.PurePath(path).match(p) for p in cfg["execute_ignore"] or ()):
            continue
        cache_path = _get_cache_path(cfg["cache_dir"], _compute_cache_key(path, cfg, True))
        if not cache_path.exists():
            pending.append((path, str(cache_path)))
    return pending


def execute_into_cache(jupyter_plugin: Any, jobs: list[tuple[str, str]], workers: int) -> int:
    """Run the jobs `workers` at a time; returns how many were cached."""
    cfg = jupyter_plugin.config
    options = {k: cfg[k] for k in _RENDER_OPTIONS}
    # spawn, not fork: `mkdocs serve` has threads running, and fork would copy their locks
    context = multiprocessing.get_context("spawn")
    done = 0
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = [pool.submit(_render_to_cache, path, cache, options, cfg["toc_depth"]) for path, cache in jobs]
        for (path, _), future in zip(jobs, futures, strict=True):
            error = future.result()
            if error:
                log.info("course: %s did not run ahead of the build (%s)", path, error)
            else:
                done += 1
    return done


def _render_to_cache(path: str, cache: str, options: dict[str, Any], toc_depth: int) -> str:
    """Worker: what mkdocs-jupyter renders on a cache miss, written where it looks first."""
    try:
        from mkdocs_jupyter import convert
        from mkdocs_jupyter.plugin import _get_nb_toc_tokens

        body = convert.nb2html(path, execute=True, **options)
        toc_tokens, title = _get_nb_toc_tokens(path, toc_depth)
    except Exception as err:  # reported again, properly, by mkdocs-jupyter's own run
        lines = [line for line in str(err).splitlines() if line.strip()]
        return f"{type(err).__name__}: {lines[-1] if lines else ''}"  # the error's last line
    target = pathlib.Path(cache)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(f".{os.getpid()}.tmp")
    payload = {"content": body, "toc_tokens": toc_tokens, "title": title}
    tmp.write_text(json.dumps(payload), encoding="utf-8")
    tmp.replace(target)
    return ""
