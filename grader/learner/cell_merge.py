"""A cell-by-cell three-way merge of a notebook the learner changed with its new starter.

Offered by `grade update` only when it is safe: the old starter, the learner's notebook and the new
starter have the same cells in the same order (by kind), and no cell was changed by both the
learner and the instructor. Then each cell is the learner's where they changed it, else the
instructor's new one. Otherwise there is no merge, and the learner compares the two notebooks.
"""

from __future__ import annotations

import json
from typing import Any


def _source(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def merge_notebooks(old: bytes, mine: bytes, new: bytes) -> str | None:
    """The merged notebook's text, or None when a merge is not safe or changes nothing of the learner's."""
    try:
        before, ours, theirs = (json.loads(data) for data in (old, mine, new))
        cells = [list(nb["cells"]) for nb in (before, ours, theirs)]
    except (ValueError, KeyError, TypeError):
        return None
    if not len(cells[0]) == len(cells[1]) == len(cells[2]):
        return None  # cells added or removed: matching them up is guesswork
    merged, taken = [], 0
    for was, learner, instructor in zip(*cells, strict=True):
        if not was.get("cell_type") == learner.get("cell_type") == instructor.get("cell_type"):
            return None
        if _source(learner) == _source(was):
            merged.append(instructor)
            taken += _source(instructor) != _source(was)
        elif _source(instructor) == _source(was):
            merged.append(learner)
        else:
            return None  # both changed this cell: only the learner can decide
    if not taken:
        return None
    return json.dumps({**ours, "cells": merged}, indent=1, ensure_ascii=False) + "\n"
