"""Grading a cohort: `course grade-batch`, in parallel on one machine or on a Dask cluster.

The public API is imported lazily, so that `course` starts fast for its other verbs.
"""

from __future__ import annotations

from typing import Any

__all__ = ["BatchOptions", "BatchReport", "grade_batch"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from grader.batch import run

        return getattr(run, name)
    raise AttributeError(f"module 'grader.batch' has no attribute {name!r}")
