"""Stage 1, load: read a notebook, upgrade it, validate it, or refuse it in one clear line."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from grader.errors import UngradableInput


def load_notebook(path: Path, max_mb: float = 20.0) -> NotebookNode:
    """Read `path` as a version-4 notebook with unique cell ids; raise `UngradableInput` if not."""
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
    try:
        nb = nbformat.reads(json.dumps(data), as_version=4)  # upgrades v3 notebooks in memory
        _refuse_other_languages(nb, name)
        _normalise_cell_ids(nb)
        nbformat.validate(nb)
    except UngradableInput:
        raise
    except Exception as err:  # nbformat raises several unrelated types for a broken notebook
        raise UngradableInput(f"{name} is a damaged notebook and cannot be read: {_first_line(err)}") from None
    return nb


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


def _first_line(err: Exception) -> str:
    text = str(err).strip().splitlines()
    return text[0] if text else type(err).__name__
