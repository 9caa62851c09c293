"""The `grade update` command: what it says before, while and after updating (see `update`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from grader.cli_errors import one_line_errors
from grader.errors import UngradableInput

if TYPE_CHECKING:
    from grader.learner.update import Plan


@click.command("update")
@click.argument("source", required=False)
@click.option("--check", "check_only", is_flag=True, help="Only say whether a newer version exists.")
def update_command(source: str | None, check_only: bool) -> None:
    """Bring your course to the newest version; your notebooks, progress and backups are kept.

    SOURCE is the course zip you downloaded, or the course site's address (without SOURCE: the site
    this course came from).
    """
    from grader.course_map import require_course_root
    from grader.learner import update

    with one_line_errors("grade"):
        root = require_course_root()
        finished = update.finish_interrupted(root)
        if finished is not None:
            click.echo(f"An earlier update to version {finished.target} had stopped halfway: it is finished now.")
        current = update.current_manifest(root)
        if current is None and (root / ".git").exists():
            raise UngradableInput("This course folder is a git clone: update it with git pull instead.")
        source = source or update.default_source(current)
        have = current.release.version if current else "not recorded"
        if check_only:
            newest = update.newest_release(source)
            if update.check_release(current, newest):
                click.echo(
                    f"A newer version of the course is available: {newest.version} (you have {have}). "
                    "Run grade update to get it; your work is kept."
                )
            else:
                click.echo(f"Your course is up to date (version {have}).")
            return
        archive, new = update.fetch_archive(source)
        if not update.check_release(current, new.release):
            click.echo(f"Your course is up to date (version {have})." + ("" if finished else " Nothing was changed."))
            return
        plan = update.prepare(root, archive, new, current)
        _say_plan(plan)
        update.swap(root, plan)
    click.echo(f"Done: your course is now version {plan.target}. Your progress, backups and your own files were kept.")
    if "pyproject.toml" in plan.updated:
        click.echo("The course's list of packages changed: run  python -m pip install -e .  once more, in this folder.")


def _say_plan(plan: Plan) -> None:
    since = f" from version {plan.current}" if plan.current != "unknown" else ""
    click.echo(f"Updating the course{since} to version {plan.target}.")
    if plan.news:
        click.echo("What changed:")
        for date, entry in plan.news:
            click.echo(f"  - {date}: {entry}")
    click.echo(f"{len(plan.updated)} file(s) updated, {len(plan.added)} added, {len(plan.removed)} removed.")
    starters = [
        name for name in plan.updated if name.startswith("exercises/") and name.endswith(".ipynb") and "/." not in name
    ]
    for name in starters:
        click.echo(f"  Starter updated (you had not changed it): {name}")
    for name, beside in plan.beside:
        click.echo(f"  Kept your notebook {name} (you changed it); the new version is beside it: {beside}")
    for name, merged in plan.merged:
        click.echo(
            f"  A safe merge is ready too: {merged} holds your cells of {name} and the new starter's "
            "changes to the cells you had not changed. Look at it; if it suits you, work there."
        )
    for name, backup in plan.backed_up:
        click.echo(f"  You had changed {name}: your version is kept as {backup}")
