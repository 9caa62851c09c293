"""Stage 6, report: the terminal report, written for someone who has never programmed.

Colour and symbols on a terminal; plain text when piped or when NO_COLOR is set (rich decides).
Cells are named as Jupyter shows them (their first line and the heading above), never by number.
An error in a cell that kept checks from passing comes first, since fixing it is the first step.
"""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from grader.cell_errors import CellError
from grader.markup import escape
from grader.result import CheckResult, GradeResult, Outcome, Status

_MARKS = {
    Outcome.PASSED: ("✓", "green"),
    Outcome.FAILED: ("✗", "red"),
    Outcome.ERROR: ("!", "magenta"),
    Outcome.NOT_ATTEMPTED: ("·", "yellow"),
    Outcome.TIMED_OUT: ("⏱", "red"),
}
_INDENT = "     "
_PLACEHOLDER_TRACES = ("ellipsis", "NoneType")  # what `...` and an unwritten function leave behind
_UNREADABLE = ("SyntaxError", "IndentationError", "TabError")


def _points(value: float) -> str:
    return f"{value:g}"


def print_report(result: GradeResult, console: Console | None = None, compact: bool = False) -> None:
    """Print what passed, what did not and why, and what to try next."""
    console = console or Console(highlight=False, emoji=False, soft_wrap=True)
    console.print(Text.assemble((result.title, "bold"), f"  ({result.exercise_id})"))
    errors = errors_to_show(result)
    problems_first = result.status is not Status.PASSED and bool(errors or result.stopped_at or result.out_of_time)
    said: set[str] = set()  # what the report has said already: never twice
    if problems_first:
        _print_notebook_problems(console, result, errors, said)
        console.print()
    for check in result.checks:
        _print_check(console, check, compact, said, result.stopped_at)
    if not problems_first:
        _print_notebook_problems(console, result, errors, said)
    for note in result.notes:
        console.print(f"\n [yellow]Note:[/] {escape(note)}")
    console.print()
    _print_verdict(console, result, errors)


def errors_to_show(result: GradeResult) -> list[CellError]:
    """The cell errors worth the learner's attention: never NotImplementedError, and while nothing
    is attempted, not the errors that untouched `...` placeholders cause further down."""
    errors = [e for e in result.cell_errors if e.ename != "NotImplementedError"]
    if result.status is Status.NOT_ATTEMPTED:
        errors = [e for e in errors if e.timed_out or not any(t in e.evalue for t in _PLACEHOLDER_TRACES)]
    return errors


def _print_check(console: Console, check: CheckResult, compact: bool, said: set[str], stopped_at: int | None) -> None:
    mark, colour = _MARKS[check.outcome]
    label = "" if check.outcome is Outcome.PASSED else f"  [{colour}]{check.outcome}[/]"
    console.print(
        f" [{colour}]{mark}[/] {escape(check.description)}{label}"
        f"  [dim]{_points(check.points)}/{_points(check.max_points)}[/]"
    )
    if check.outcome is Outcome.PASSED or (compact and check.outcome is Outcome.NOT_ATTEMPTED):
        return
    message = check.message
    if stopped_at is not None and check.because_of_cell == stopped_at:
        message = "Not checked: Python had stopped (see above)."
    if message in said:  # the same failure in several checks is said once
        console.print(f"{_INDENT}The same problem as above.")
        return
    if message:
        said.add(message)
        _say(console, message)
    if check.expected is not None:
        _say(console, check.expected, "[dim]expected:[/] ")
        _say(console, str(check.got), "[dim]got:     [/] ")
    if check.explanation and check.explanation not in said:
        said.add(check.explanation)
        _say(console, check.explanation, style="cyan")


def _say(console: Console, text: str, label: str = "", style: str = "") -> None:
    """Print `text` indented under its check; a second line (a table's rows) lines up with the first."""
    first, *rest = text.splitlines() or [""]
    shown = escape(first) if not style else f"[{style}]{escape(first)}[/]"
    console.print(f"{_INDENT}{label}{shown}")
    pad = _INDENT + " " * len(Text.from_markup(label).plain)
    for line in rest:
        console.print(f"{pad}{escape(line)}")


def _print_notebook_problems(console: Console, result: GradeResult, errors: list[CellError], said: set[str]) -> None:
    if result.stopped_at:
        where = result.stopped_where or f"cell {result.stopped_at}"
        console.print(
            f"\n [red]Your notebook stopped Python in {escape(where)}[/]: "
            f"{escape(result.stop_reason)}. The cells after it did not run."
        )
        _print_blocked(console, result, result.stopped_at)
    if result.out_of_time:
        console.print("\n [red]The notebook ran out of time[/] before its last cells; look for a slow loop.")
    if not errors:
        return
    first = errors[0]
    where = _capital(first.where or f"cell {first.cell}")
    if first.timed_out:
        console.print(
            f"\n [red]{escape(where)} ran out of time[/]: {escape(first.evalue)}. Look for a loop that never ends."
        )
    else:
        console.print(f"\n [red]{escape(where)} raised {escape(first.ename)}[/]: {escape(first.evalue)}")
    if first.line:
        elsewhere = first.line_cell is not None and first.line_cell != first.cell and first.line_where
        inside = f" in {first.line_where}" if elsewhere else ""
        console.print(f"{_INDENT}at the line{escape(inside)}: {escape(first.line)}")
    if first.explanation:
        said.add(first.explanation)
        console.print(f"{_INDENT}[dim]{escape(first.explanation)}[/]")
    if result.status is Status.NOT_ATTEMPTED and not first.timed_out and first.ename not in _UNREADABLE:
        console.print(f"{_INDENT}[dim]This may only be because parts of the exercise are not written yet.[/]")
    if len(errors) > 1:
        others = "; ".join(e.where or f"cell {e.cell}" for e in errors[1:])
        console.print(f"{_INDENT}[dim]Other cells that raised an error: {escape(others)}. Fix the first one first.[/]")
    _print_blocked(console, result, first.cell)


def _print_blocked(console: Console, result: GradeResult, cell: int) -> None:
    """Say how many of the checks below failed because of this cell's error."""
    failed = [c for c in result.checks if c.outcome is not Outcome.PASSED]
    blocked = [c for c in failed if c.because_of_cell == cell]
    if not blocked:
        return
    which = (
        "The checks below marked ✗"
        if len(blocked) == len(failed)
        else (f"{len(blocked)} of the checks below" if len(blocked) > 1 else "One of the checks below")
    )
    if len(blocked) == 1 and len(failed) == 1:
        which = "The check below marked ✗"
    console.print(f"{_INDENT}[bold]{which} failed because of this error: fix it first.[/]")


def _print_verdict(console: Console, result: GradeResult, errors: list[CellError]) -> None:
    score = f"{_points(result.score)}/{_points(result.max_score)}"
    status = result.status
    if status is Status.PASSED:
        console.print(f" [bold green]All checks passed, {score}. Well done![/]")
        if errors:
            where = errors[0].where or f"cell {errors[0].cell}"
            what = f"{where}, which ran out of time," if errors[0].timed_out else f"the error in {where}"
            console.print(
                f" {escape(_capital(what))} did not keep any check from passing (grading runs every "
                "cell, even after an error), but Run All in Jupyter stops there: fix or delete that cell."
            )
        return
    if status is Status.NOT_ATTEMPTED:
        console.print(
            f" [yellow]Not attempted yet ({score}).[/] Replace each `...` in the notebook with "
            "your code, save, and grade again."
        )
    elif status is Status.ERROR:
        console.print(
            f" [magenta]Score {score}. Some checks could not run because of a problem in the "
            "course itself, not in your work.[/] Please tell your instructor."
        )
    elif any(c.because_of_cell is not None for c in result.checks if c.outcome is not Outcome.PASSED):
        console.print(f" [bold]Score {score}.[/] Fix the error in your notebook first (above), save, and grade again.")
    elif next(c for c in result.checks if c.outcome is not Outcome.PASSED).outcome is Outcome.NOT_ATTEMPTED:
        console.print(
            f" [bold]Score {score}.[/] Next, write the part the first check marked · needs (it still "
            "holds `...`), save, and grade again."
        )
    else:
        console.print(f" [bold]Score {score}.[/] Fix the first check marked ✗, save, and grade again.")
    if result.next_hint:
        console.print(f" [cyan]Hint:[/] {escape(result.next_hint)}")


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
