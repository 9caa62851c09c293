"""`course grade-batch`: grade a cohort's notebooks, here in parallel or on a Dask cluster."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from grader.instructor.common import course_root, one_line_errors

EXIT_INTERRUPTED = 130


@click.command("grade-batch")
@click.argument("submissions", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the results, the gradebook and the summary.",
)
@click.option("--workers", type=click.IntRange(min=1), help="Notebooks graded at once here (default: two per core).")
@click.option("--scheduler", metavar="ADDRESS", help="Grade on the Dask cluster at this address (tcp://host:8786).")
@click.option(
    "--extra-checks",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Hidden checks: FOLDER/EXERCISE-ID/test_*.py, or FOLDER/test_*.py for every exercise.",
)
@click.option("--gradescope", is_flag=True, help="Also write a Gradescope results.json per notebook.")
@click.option(
    "--unsandboxed",
    is_flag=True,
    help="Grade even where notebooks cannot be sandboxed (they run with your permissions).",
)
def grade_batch(
    submissions: Path,
    out: Path,
    workers: int | None,
    scheduler: str | None,
    extra_checks: Path | None,
    gradescope: bool,
    unsandboxed: bool,
) -> None:
    """Grade every notebook in SUBMISSIONS: a folder of learner folders, a zip, or a Gradescope export.

    Rerunning the same command grades only what is new or changed.
    """
    from rich.console import Console

    from grader.batch.run import BatchOptions
    from grader.batch.run import grade_batch as run_batch
    from grader.kernel import default_parallel_gradings
    from grader.platform_support import require_linux

    if workers and scheduler:
        raise click.UsageError("--workers is for this machine; with --scheduler the cluster's workers grade.")
    with one_line_errors():
        require_linux("course grade-batch")  # first: away from Linux, --unsandboxed would not help
    _refuse_unsandboxed(unsandboxed or bool(scheduler))  # a cluster's workers each decide for themselves
    console = Console(stderr=True, highlight=False)
    with one_line_errors():
        try:
            options = BatchOptions(
                submissions=submissions,
                out=out,
                course_root=course_root(),
                workers=workers or default_parallel_gradings(),
                scheduler=scheduler,
                extra_checks=extra_checks,
                gradescope=gradescope,
                unsandboxed=unsandboxed,
            )
            report = run_batch(options, console)
        except KeyboardInterrupt:  # before the generic handler: results already written are kept
            click.echo(
                "\ncourse: stopped. Every result written so far is kept: run the same command again to grade the rest.",
                err=True,
            )
            sys.exit(EXIT_INTERRUPTED)
    click.echo(
        f"Graded {report.graded}, kept {report.kept} from earlier runs. "
        f"Gradebook: {out / 'gradebook.csv'}; summary: {out / 'summary.md'}."
    )
    click.echo(
        f"Open {out / 'report.html'} to see what to reteach, who to help and which submissions are alike; "
        "for your LMS: canvas-grades.csv, moodle-grades.csv."
    )
    if report.errors:
        click.secho(f"{report.errors} notebooks hit a grader error; rerun to try them again.", fg="red", err=True)
        sys.exit(3)


def _refuse_unsandboxed(allowed: bool) -> None:
    from grader.sandbox import UNSANDBOXED, sandbox_status

    if sandbox_status() == UNSANDBOXED and not allowed:
        raise click.UsageError(
            "this machine cannot sandbox the notebooks it grades, so a submission could "
            "read or change your files; pass --unsandboxed to grade anyway."
        )
