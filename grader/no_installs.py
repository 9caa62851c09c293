"""Package installs in a notebook (`%pip install ...`) are skipped while grading, and said so.

The grading kernel runs on the learner's own Python: `%pip install` there would change the
learner's environment behind their back (and, offline, only hang). Each such line is replaced by
`pass` with the same indent, so the cell keeps its line numbers and everything else in it runs.
"""

from __future__ import annotations

import re
from typing import Any

from grader.cell_errors import cell_label

# %pip install, !pip install, !python -m pip install, !{sys.executable} -m pip install, %conda install...
_INSTALL = re.compile(
    r"^(\s*)(?:%{1,2}|!)\s*(?:\S+\s+-m\s+)?(?:pip3?|conda|mamba|micromamba|uv\s+pip)"
    r"\s+(?:install|uninstall)\b.*$",
    re.MULTILINE,
)


def without_installs(source: str) -> str:
    """`source` with each package-install line replaced by `pass` (same indent, same line numbers)."""
    return _INSTALL.sub(lambda m: f"{m.group(1)}pass", source)


def install_note(cells: list[Any], position: int, source: str) -> str:
    """The report's note for the cell at `position` (1-based), whose `source` installs packages."""
    line = next(m.group(0).strip() for m in _INSTALL.finditer(source))
    return (
        f"Grading skipped the line `{line}` in {cell_label(cells, position)}: grading never installs "
        "packages into your Python. The course's own libraries are already installed; if you need "
        "another one, install it once in a terminal with the course's environment active, and "
        "delete this line from the notebook."
    )
