"""Stage 6, report: the terminal report, written for someone who has never programmed.

Colour and symbols on a terminal; plain text when piped or when NO_COLOR is set (rich decides).
"""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.text import Text

from grader.result import CheckResult, GradeResult, Outcome, Status

_MARKS = {
    Outcome.PASSED: ("✓", "green"),
    Outcome.FAILED: ("✗", "red"),
    Outcome.ERROR: ("!", "magenta"),
    Outcome.NOT_ATTEMPTED: ("·", "yellow"),
    Outcome.TIMED_OUT: ("⏱", "red"),
}


def _points(value: float) -> str:
    return f"{value:g}"


def print_report(result: GradeResult, console: Console | None = None, compact: bool = False) -> None:
    """Print what passed, what did not and why, and what to try next."""
    console = console or Console(highlight=False, emoji=False, soft_wrap=True)
    console.print(Text.assemble((result.title, "bold"), f"  ({result.exercise_id})"))
    for check in result.checks:
        _print_check(console, check, compact)
    _print_notebook_problems(console, result)
    console.print()
    _print_verdict(console, result)


def _print_check(console: Console, check: CheckResult, compact: bool) -> None:
    mark, colour = _MARKS[check.outcome]
    label = "" if check.outcome is Outcome.PASSED else f"  [{colour}]{check.outcome}[/]"
    console.print(f" [{colour}]{mark}[/] {escape(check.description)}{label}"
                  f"  [dim]{_points(check.points)}/{_points(check.max_points)}[/]")
    if check.outcome is Outcome.PASSED or (compact and check.outcome is Outcome.NOT_ATTEMPTED):
        return
    if check.message:
        console.print(f"     {escape(check.message)}")
    if check.expected is not None and not compact:
        console.print(f"     [dim]expected:[/] {escape(check.expected)}")
        console.print(f"     [dim]got:     [/] {escape(str(check.got))}")


def _print_notebook_problems(console: Console, result: GradeResult) -> None:
    if result.stopped_at:
        console.print(f"\n [red]Your notebook stopped Python at cell {result.stopped_at}[/]: "
                      f"{escape(result.stop_reason)}. The cells after it did not run.")
    if result.out_of_time:
        console.print("\n [red]The notebook ran out of time[/] before its last cells; look for a slow loop.")
    errors = [e for e in result.cell_errors if e.ename != "NotImplementedError"]
    if not errors or result.status is Status.NOT_ATTEMPTED:  # errors of untouched placeholders only scare
        return
    first = errors[0]
    elsewhere = first.line_cell is not None and first.line_cell != first.cell
    where = f", line {first.line_number}" if first.line_number and not elsewhere else ""
    if first.timed_out:
        console.print(f"\n [red]Cell {first.cell} ran too long and was stopped[/]: look for a loop that never ends.")
    else:
        console.print(f"\n [red]Cell {first.cell}{where} raised {escape(first.ename)}[/]: {escape(first.evalue)}")
    if first.line:
        inside = f"in cell {first.line_cell}, line {first.line_number}: " if elsewhere else ""
        console.print(f"     {inside}{escape(first.line)}")
    if first.explanation:
        console.print(f"     [dim]{escape(first.explanation)}[/]")
    if len(errors) > 1:
        others = ", ".join(str(e.cell) for e in errors[1:])
        console.print(f"     [dim]Other cells that raised: {others}. Fix the first one first.[/]")


def _print_verdict(console: Console, result: GradeResult) -> None:
    score = f"{_points(result.score)}/{_points(result.max_score)}"
    status = result.status
    if status is Status.PASSED:
        console.print(f" [bold green]All checks passed, {score}. Well done![/]")
        return
    if status is Status.NOT_ATTEMPTED:
        console.print(f" [yellow]Not attempted yet ({score}).[/] Replace each `...` in the notebook with "
                      "your code, save, and grade again.")
    elif status is Status.ERROR:
        console.print(f" [magenta]Score {score}. Some checks could not run because of a problem in the "
                      "course itself, not in your work.[/] Please tell your instructor.")
    else:
        console.print(f" [bold]Score {score}.[/] Fix the first check marked ✗, save, and grade again.")
    if result.next_hint:
        console.print(f" [cyan]Hint:[/] {escape(result.next_hint)}")
