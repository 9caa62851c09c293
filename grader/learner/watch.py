"""`grade watch`: re-grade a notebook each time it is saved, with a compact report redrawn
(expected and got for each failed check, as `grade` shows them; nothing for parts not started).

File events come from watchdog (or, with `--poll`, from looking at the files every quarter of a
second, for systems where events do not arrive). The folders are watched, not the files, so an
editor that saves by writing a temporary file and renaming it over the notebook (Jupyter does)
is seen like any other save. A spare kernel boots while the learner edits, so a re-grade costs
little more than running the learner's own cells.
"""

from __future__ import annotations

import queue
import time
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from grader.errors import GraderError
from grader.exercise import Exercise
from grader.kernel_pool import KernelPool
from grader.learner.after_grading import hints_already_shown, print_after_pass, record_grading, shown_path
from grader.markup import escape
from grader.result import GradeResult
from grader.slow_cells import SlowCellLine

_SAVE_EVENTS = {"created", "modified", "moved", "closed"}  # not "opened"/"closed_no_write": our own reads
_QUIET = 0.05  # seconds without events before grading: one save can be several events
_MOST_WAIT = 0.5


class _SaveListener(FileSystemEventHandler):
    """Puts the path of each watched notebook that was written on a queue."""

    def __init__(self, notebooks: set[Path], saves: queue.Queue[Path]) -> None:
        self.notebooks, self.saves = notebooks, saves

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in _SAVE_EVENTS or event.is_directory:
            return
        for raw in (getattr(event, "dest_path", ""), event.src_path):
            path = Path(str(raw)) if raw else None
            if path is not None and path in self.notebooks:
                self.saves.put(path)
                return


class Watcher:
    """Grades the watched notebooks at each save until stopped (Ctrl-C)."""

    def __init__(self, targets: dict[Path, Exercise], console: Console, poll: bool = False) -> None:
        self.targets = {path.resolve(): exercise for path, exercise in targets.items()}
        self.console = console
        self.saves: queue.Queue[Path] = queue.Queue()
        self.observer: BaseObserver = PollingObserver(timeout=0.25) if poll else Observer()
        self.pool = KernelPool()

    def run(self, grade_first: Path | None = None, until: Callable[[], bool] = lambda: False) -> None:
        """Watch until Ctrl-C (or `until()` says stop); always ends every kernel it started."""
        listener = _SaveListener(set(self.targets), self.saves)
        for folder in sorted({path.parent for path in self.targets}):
            self.observer.schedule(listener, str(folder), recursive=False)
        self.observer.start()
        try:
            first = grade_first.resolve() if grade_first else next(iter(self.targets))
            self.pool.prepare(self.targets[first])
            if grade_first is not None:
                self.grade(first)
            else:
                self._waiting_banner()
            while not until():
                saved = self._next_save()
                if saved is not None:
                    self.grade(saved)
        finally:
            self.observer.stop()
            self.pool.close()
            self.observer.join(timeout=5)

    def _next_save(self) -> Path | None:
        """The next saved notebook, once the burst of events of one save has settled."""
        try:
            saved = self.saves.get(timeout=0.5)
        except queue.Empty:
            return None
        deadline = time.monotonic() + _MOST_WAIT
        while time.monotonic() < deadline:
            try:
                saved = self.saves.get(timeout=_QUIET)
            except queue.Empty:
                break
        return saved

    def grade(self, notebook: Path) -> GradeResult | None:
        """Grade one notebook with the spare kernel, record it, redraw the report."""
        from grader.engine import grade_notebook
        from grader.report import print_report

        exercise = self.targets[notebook]
        saved_at = time.perf_counter()
        spare = self.pool.take(exercise)
        try:
            result = grade_notebook(
                notebook, exercise, hints_shown=hints_already_shown(exercise), spare=spare, slow_line=SlowCellLine()
            )
        except GraderError as err:  # a half-saved or broken notebook: say so, wait for the next save
            self.pool.prepare(exercise)
            self._redraw(exercise, notebook)
            self.console.print(f" [red]Could not grade it:[/] {escape(str(err))}")
            self._footer(saved_at)
            return None
        finally:
            if spare is not None:
                spare.discard()  # already ended by the grading, unless it stopped before using it
        self.pool.prepare(exercise)  # boots while the learner reads the report and edits
        warning = record_grading(result, exercise, notebook)
        self._redraw(exercise, notebook)
        print_report(result, self.console, compact=True)
        print_after_pass(result, exercise, self.console)
        if warning:
            self.console.print(f" [yellow]{escape(warning)}[/]")
        self._footer(saved_at)
        return result

    def _redraw(self, exercise: Exercise, notebook: Path) -> None:
        if self.console.is_terminal:
            self.console.clear()
        else:  # a log or a pipe: keep the history, separated
            self.console.rule(style="dim")
        self.console.print(f"[dim]Watching {escape(shown_path(notebook))} ({escape(exercise.id)})[/]")

    def _footer(self, saved_at: float) -> None:
        took = time.perf_counter() - saved_at
        self.console.print(
            f"\n[dim]Graded at {time.strftime('%H:%M:%S')} in {took:.2f} s. "
            "Save the notebook to grade it again; Ctrl-C to stop.[/]"
        )
        self.console.file.flush()

    def _waiting_banner(self) -> None:
        count = len(self.targets)
        self.console.print(
            f"Watching {count} exercise notebook{'s' if count != 1 else ''}. Save one to grade it; Ctrl-C to stop."
        )
        self.console.file.flush()
