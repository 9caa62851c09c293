"""The batch's progress bar: done / total, submissions per second, time left."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text


class _RateColumn(ProgressColumn):
    """Submissions graded per second, over the last half minute."""

    def render(self, task: Task) -> Text:
        speed = task.speed
        return Text("  ?/s" if speed is None else f"{speed:5.2f}/s", style="progress.data.speed")


@contextmanager
def progress_bar(total: int, console: Console) -> Iterator[Callable[[], None]]:
    """Show a bar for `total` submissions; yield the function that marks one as done."""
    columns = (
        TextColumn("grading"),
        BarColumn(),
        MofNCompleteColumn(),
        _RateColumn(),
        TimeElapsedColumn(),
        TextColumn("left"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, speed_estimate_period=30) as progress:
        task = progress.add_task("grading", total=total)
        yield lambda: progress.advance(task)
