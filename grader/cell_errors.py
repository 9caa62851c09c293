"""Cell errors for people: which cell, which of the learner's lines, and what it usually means."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_CELL_FRAME = re.compile(r"Cell In\[(\d+)\], line (\d+)")
# Where IPython compiled a cell, as SyntaxError appends it: "invalid syntax (1786062046.py, line 1)".
_COMPILED_AT = re.compile(r"\s*\((?:\d+\.py|<ipython-input-[^>]*>|<string>|<unknown>), line \d+\)")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$")

# pandas' own words are right but say nothing to a beginner who wrote `and` between two columns.
AMBIGUOUS_TABLE = (
    "`and`, `or`, `not` and `if` need a single True or False, but a pandas column holds one per row. "
    "To combine conditions on columns use `&` (and), `|` (or) and `~` (not), with each condition in "
    'its own brackets: df[(df["price"] > 10) & (df["country"] == "FR")].'
)

# What a beginner most often needs to hear about each error, in plain words.
EXPLANATIONS = {
    "NameError": "Python does not know this name. Check its spelling, and that the cell "
    "defining it ran above this one (Run All runs every cell from the top).",
    "SyntaxError": "Python could not read this line. Look for a missing bracket, quote, colon "
    "or comma, just here or on the line before.",
    "IndentationError": "The spaces at the start of this line do not line up. The lines inside a "
    "def, if or for need the same indent (4 spaces).",
    "TypeError": "A value of the wrong kind was used here, such as adding text to a number, or "
    "calling a function with the wrong number of arguments.",
    "KeyError": "A dictionary was asked for a key it does not have. Check the key's spelling "
    "and case, or use .get(key, default).",
    "IndexError": "A list was asked for a position past its end. Positions start at 0, so the "
    "last item of a list of 3 is at position 2.",
    "AttributeError": "This value has no such method or attribute. Check the spelling, and "
    "what kind of value it is (print(type(x))).",
    "ValueError": "The value has the right kind but a wrong content, such as int('abc').",
    "ZeroDivisionError": "Something was divided by zero. Check the divisor before dividing.",
    "ModuleNotFoundError": "This module is not installed here. Check the spelling; the course "
    "only needs the libraries it installs.",
    "FileNotFoundError": "There is no file at this path. Use the path relative to the notebook's "
    "folder, and check the name.",
    "PermissionError": "While it is graded, a notebook may only use the files in its own folder (the "
    "exercise's data included) and its temporary files, not the rest of the computer: put the file "
    "next to the notebook and open it by its name.",
    "MemoryError": "The notebook used more memory than it may. Look for a list or string that "
    "grows without end, or a very large number of repetitions.",
    "StdinNotImplementedError": "The notebook asks for typed input with input(). The grader "
    "cannot type for you: set the value in the code instead.",
    "SystemExit": "The notebook called exit() or sys.exit(). Remove it: a notebook should run to its end.",
    "KeyboardInterrupt": "The cell was interrupted.",
    "RecursionError": "A function calls itself without stopping. Check the case that should end the recursion.",
    "NotImplementedError": "This part of the exercise is not written yet.",
}


@dataclass(frozen=True)
class CellError:
    """An error raised while a cell ran, located in the learner's own code."""

    cell: int  # 1-based position of the cell in the notebook, as the learner counts them
    ename: str
    evalue: str
    line: str  # the learner's own line that raised, when it could be found
    line_number: int | None
    timed_out: bool = False
    line_cell: int | None = None  # the cell holding that line: another cell when a function raised

    where: str = ""  # the cell as the learner sees it: its first line and the heading above it
    line_where: str = ""  # the same for line_cell

    def __post_init__(self) -> None:  # whoever builds it (grade, check()), no "(1786062046.py, line 1)"
        object.__setattr__(self, "evalue", clean_message(self.evalue))

    @property
    def explanation(self) -> str:
        return explain(self.ename, self.evalue)

    def to_dict(self) -> dict[str, object]:
        return {
            "cell": self.cell,
            "ename": self.ename,
            "evalue": self.evalue,
            "line": self.line,
            "line_number": self.line_number,
            "line_cell": self.line_cell,
            "timed_out": self.timed_out,
            "where": self.where,
            "line_where": self.line_where,
            "explanation": self.explanation,
        }


def explain(ename: str, evalue: str) -> str:
    """What an error usually means, in plain words; "" when there is nothing useful to add."""
    if "truth value of a" in evalue and "is ambiguous" in evalue:
        return AMBIGUOUS_TABLE
    return EXPLANATIONS.get(ename, "")


def clean_message(evalue: str) -> str:
    """An error's message without the name of the file IPython compiled the cell into."""
    return _COMPILED_AT.sub("", evalue)


def cell_label(cells: list[Any], position: int) -> str:
    """Name the code cell at `position` (1-based) as the learner sees it in Jupyter, which shows no
    cell numbers: its first line, and the heading above it: the cell `x = 1` under "Step 2: ...".
    """
    if not 0 < position <= len(cells):
        return f"cell {position}"
    first = next((line.strip() for line in _source(cells[position - 1]).splitlines() if line.strip()), "")
    shown = f"the cell `{_shorten(first, 60)}`" if first else "an empty cell"
    for cell in reversed(cells[: position - 1]):
        if cell.get("cell_type") != "markdown":
            continue
        headings = [m.group(1) for line in _source(cell).splitlines() if (m := _HEADING.match(line))]
        if headings:
            return f'{shown} under "{_shorten(headings[-1].strip("*_ "), 60)}"'
    return shown


def _source(cell: Any) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def strip_ansi(text: str) -> str:
    return _ANSI.sub("", text)


def locate_learner_line(
    traceback_lines: list[str], cells_by_count: dict[int, tuple[int, str]], own: tuple[int, str]
) -> tuple[str, int | None, int]:
    """The learner's line named by the innermost `Cell In[n], line m` frame of an IPython traceback.

    Returns the line, its number, and the position of the cell that holds it: when a function
    defined in cell 3 raises while cell 5 calls it, the line is in cell 3.
    """
    matches = _CELL_FRAME.findall(strip_ansi("\n".join(traceback_lines)))
    if not matches:
        return "", None, own[0]
    count, line_number = int(matches[-1][0]), int(matches[-1][1])
    position, source = cells_by_count.get(count, own)
    lines = source.splitlines()
    line = lines[line_number - 1].strip() if 0 < line_number <= len(lines) else ""
    return line, line_number, position
