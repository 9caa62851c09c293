"""`course check`: prove the course sound and print a table of what was found."""

from __future__ import annotations

import sys
import time

import click
from rich.console import Console
from rich.table import Table

from grader.instructor.common import course_root, one_line_errors
from grader.instructor.integrity import check_course
from grader.markup import escape
from grader.platform_support import require_linux


@click.command("check")
@click.option("--workers", type=int, default=None, help="Parallel gradings (default: two per core).")
@click.option("--only", metavar="PREFIX", help="Only exercises whose id or module starts with PREFIX.")
@click.option("--no-proofs", is_flag=True, help="Solutions and starters only: the quick check while writing.")
def check(workers: int | None, only: str | None, no_proofs: bool) -> None:
    """Prove every exercise sound: solutions pass, starters are untouched, proofs hold, metadata is complete."""
    console = Console(highlight=False, soft_wrap=True)
    started = time.perf_counter()
    with one_line_errors():
        require_linux("course check")
        root = course_root()
        with console.status("Grading every solution and starter..."):
            reports, modules = check_course(root, workers, only, with_proofs=not no_proofs)
    table = Table("module", "exercise", "solution", "starter", "proofs", "result", title="Course check")
    for report in reports:
        verdict = "[green]ok[/]" if report.ok else f"[red]{len(report.problems)} problem(s)[/]"
        table.add_row(report.module, report.exercise, report.solution, report.starter, report.proofs, verdict)
    console.print(table)
    for report in reports:
        for problem in report.problems:  # one plain line each, so they can be read, searched and copied
            console.print(f"[red]{report.module}/{report.exercise}[/]: {escape(problem)}")
    for module, problems in modules.items():
        console.print(f"[red]module {module}: {'; '.join(problems)}[/]")
    failed = sum(not r.ok for r in reports) + len(modules)
    seconds = time.perf_counter() - started
    if failed:
        console.print(f"[red]{failed} problem(s) in {len(reports)} exercises[/] ({seconds:.0f} s).")
        sys.exit(1)
    console.print(f"[green]All {len(reports)} exercises are sound[/] ({seconds:.0f} s).")
