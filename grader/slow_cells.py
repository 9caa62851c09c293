"""The live line `grade` shows while one of the learner's cells runs for more than a few seconds.

Without it a long cell looks like a frozen grader. On a terminal one line is redrawn every second
(which cell, how long so far, its time limit) and wiped when the cell ends; in a log or a pipe,
where a redrawn line would pile up, each slow cell gets one line.
"""

from __future__ import annotations

import shutil
import sys
from typing import TextIO

SLOW_AFTER = 3.0  # seconds a cell runs before the learner is told about it


class SlowCellLine:
    """Says which cell is running and how long it may still take; `execute_notebook` drives it."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.redraw = self.stream.isatty()
        self._shown = False

    def running(self, where: str, seconds: float, limit: float) -> None:
        """The cell `where` has run `seconds` of its `limit`; called about once a second."""
        if not self.redraw:
            if not self._shown:
                self._write(f"Still running {where}: it may take up to {limit:g} seconds (its time limit).\n")
            self._shown = True
            return
        left = max(0.0, limit - seconds)
        line = (
            f"Still running {where}: {seconds:.0f} s so far, at most {left:.0f} s more (its time limit is {limit:g} s)"
        )
        width = shutil.get_terminal_size().columns - 1  # a wrapped line could not be redrawn in place
        self._write("\r\x1b[K" + (line if len(line) <= width else line[: width - 1] + "…"))
        self._shown = True

    def finished(self) -> None:
        """The cell ended (or grading stopped): wipe the redrawn line, ready for the next slow cell."""
        if self._shown and self.redraw:
            self._write("\r\x1b[K")
        self._shown = False

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # a closed pipe must not stop grading
            pass
