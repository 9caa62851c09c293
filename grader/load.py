"""Stage 1, load: read a notebook, upgrade it, validate it, or refuse it in one clear line."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nbformat
import nbformat.v4
import nbformat.validator
from nbformat import NotebookNode

from grader.errors import UngradableInput


def load_notebook(path: Path, max_mb: float = 20.0) -> NotebookNode:
    """Read `path` as a version-4 notebook with unique cell ids; raise `UngradableInput` if not."""
    return read_notebook(path, max_mb)[0]


def read_notebook(path: Path, max_mb: float = 20.0) -> tuple[NotebookNode, bool]:
    """The notebook, and whether it had to be repaired in memory (the file itself is never written).

    Other editors and old Jupyters write small departures from the format (a cell without
    `metadata`, an `execution_count` on a Markdown cell): those are rebuilt with nbformat's own cell
    constructors and graded. Only a notebook that is still invalid after that is refused.
    """
    name = path.name
    data = _read_json(path, max_mb)
    try:
        return _as_notebook(data, name), False
    except UngradableInput:
        raise
    except Exception:  # nbformat raises several unrelated types for a broken notebook
        pass
    try:
        return _as_notebook(_repaired(data), name), True
    except UngradableInput:
        raise
    except Exception:
        raise UngradableInput(
            f"{name} cannot be read as a notebook: {_plain_reason(data)}. "
            "Open it in Jupyter and save it again, or download the exercise again "
            "and copy your code into it."
        ) from None


def repair_note(path: Path) -> str | None:
    """One line for the report when `path` was graded after a repair in memory; None otherwise."""
    try:
        _, repaired = read_notebook(path)
    except UngradableInput:
        return None
    if not repaired:
        return None
    return (
        f"{path.name} was saved in a slightly different format (by another editor or an older Jupyter); "
        "it was tidied in memory to be graded, and your file was not changed."
    )


def _read_json(path: Path, max_mb: float) -> dict[str, Any]:
    name = path.name
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise UngradableInput(f"There is no file {path}. Check the name and the folder you are in.") from None
    if size > max_mb * 1024 * 1024:
        raise UngradableInput(
            f"{name} is {size / 1024 / 1024:.0f} MB, over the {max_mb:.0f} MB a notebook may be. "
            "Clear its outputs (Edit > Clear All Outputs), save, and grade again."
        )
    raw = path.read_bytes()
    if not raw.strip():
        raise UngradableInput(f"{name} is empty. Save the notebook from Jupyter and grade again.")
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as err:
        where = f" (line {err.lineno})" if isinstance(err, json.JSONDecodeError) else ""
        raise UngradableInput(
            f"{name} is not a notebook: it is not valid JSON{where}. "
            "Was it saved by Jupyter? Try downloading the exercise again."
        ) from None
    if not isinstance(data, dict) or not ("cells" in data or "worksheets" in data):
        raise UngradableInput(f"{name} is JSON, but not a Jupyter notebook (it has no cells).")
    return data


def _as_notebook(data: dict[str, Any], name: str) -> NotebookNode:
    nb = nbformat.reads(json.dumps(data), as_version=4)  # upgrades v3 notebooks in memory
    _refuse_other_languages(nb, name)
    _normalise_cell_ids(nb)
    nbformat.validate(nb)
    return nb


_CELL_MAKERS: dict[str, Callable[..., NotebookNode]] = {
    "code": nbformat.v4.new_code_cell,
    "markdown": nbformat.v4.new_markdown_cell,
    "raw": nbformat.v4.new_raw_cell,
}
_CELL_KEYS = {
    "code": ("source", "metadata", "outputs", "execution_count"),
    "markdown": ("source", "metadata", "attachments"),
    "raw": ("source", "metadata", "attachments"),
}


def _repaired(data: dict[str, Any]) -> dict[str, Any]:
    """A copy of a version-4 notebook whose cells are rebuilt with only the keys their type has."""
    if data.get("nbformat") != 4 or not isinstance(data.get("cells"), list):
        raise ValueError("not a version-4 notebook")  # older formats are upgraded, not repaired
    cells = []
    for cell in data["cells"]:
        kind = cell.get("cell_type") if isinstance(cell, dict) else None
        if kind not in _CELL_MAKERS:
            raise ValueError("a cell of no known type")
        kept = {k: cell[k] for k in _CELL_KEYS[kind] if cell.get(k) is not None}
        cells.append(_CELL_MAKERS[kind](**kept))
    fixed = {**data, "cells": cells, "metadata": data.get("metadata") or {}}
    _, fixed = nbformat.validator.normalize(fixed, strip_invalid_metadata=True)
    return dict(fixed)


def _plain_reason(data: dict[str, Any]) -> str:
    """Where the notebook breaks the format, without the schema's vocabulary."""
    if not isinstance(data.get("cells", []), list):
        return "its list of cells is damaged"
    try:
        first = next(iter(nbformat.validator.iter_validate(data)), None)
    except Exception:  # an unknown nbformat version, say: no place to point at
        first = None
    path = list(first.absolute_path) if first is not None else []
    if len(path) >= 2 and path[0] == "cells" and isinstance(path[1], int):
        return f"cell {path[1] + 1} is not written the way Jupyter writes cells"
    return "it is not written the way Jupyter writes notebooks"


def _normalise_cell_ids(nb: NotebookNode) -> None:
    """Give every cell a unique id: old notebooks have none, copied cells may share one."""
    nb.nbformat_minor = max(nb.nbformat_minor, 5)
    seen: set[str] = set()
    for cell in nb.cells:
        cell_id = cell.get("id")
        if not cell_id or cell_id in seen:
            cell["id"] = uuid.uuid4().hex[:8]
        seen.add(cell["id"])


def _refuse_other_languages(nb: NotebookNode, name: str) -> None:
    spec = nb.metadata.get("kernelspec", {}) or {}
    language = str(spec.get("language") or nb.metadata.get("language_info", {}).get("name") or "python")
    if language.lower() != "python":
        raise UngradableInput(
            f"{name} is written in {language}; the course's exercises are in Python. "
            "Open the exercise's own notebook and work in that one."
        )
