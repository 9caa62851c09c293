"""`course publish` and `course changelog`: ship a checked, stamped, versioned build of the course."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import click

from grader import __version__
from grader.errors import GraderBroken, UngradableInput
from grader.instructor.common import course_root, one_line_errors
from grader.instructor.integrity import check_course

CHANGELOG = Path("docs") / "changelog.md"


def book_installed() -> bool:
    """Whether the `book` extra (jupyter-book 1.x) is installed beside this Python."""
    return (Path(sys.executable).parent / "jupyter-book").exists()


def _git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
    return done.stdout.strip() if done.returncode == 0 else ""


def release_name(root: Path, today: dt.date) -> str:
    """The published version: the package version, the date and the commit when there is one."""
    commit = _git(root, "rev-parse", "--short", "HEAD")
    return f"{__version__}-{today.isoformat()}" + (f"-{commit}" if commit else "")


def build_site(
    root: Path,
    destination: Path,
    stamp: str,
    book_url: str = "",
    pdf_url: str = "",
    release: dict[str, str] | None = None,
) -> None:
    """`mkdocs build --strict` into `destination`, with the version stamp in every page's footer
    and, when the book was built beside it, links to the book (and its PDF); `release` names the
    course archive's version (COURSE_VERSION, COURSE_PUBLISHED, COURSE_URL: see course_archive)."""
    env = {
        **os.environ,
        "COURSE_STAMP": stamp,
        "COURSE_BOOK_URL": book_url,
        "COURSE_BOOK_PDF_URL": pdf_url,
        "NO_MKDOCS_2_WARNING": "1",
        **(release or {}),
    }
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-d", str(destination)],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["mkdocs failed"])[-1]
        raise GraderBroken(f"The site did not build strictly: {last}")


@click.command("publish")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("dist"),
    show_default=True,
    help="Where versioned builds go.",
)
@click.option("--allow-dirty", is_flag=True, help="Publish even with uncommitted changes.")
@click.option("--pdf", is_flag=True, help="Also the book as a PDF, where TeX is installed.")
@click.option(
    "--url",
    default="",
    help="The site's public address, recorded in the course archive: `grade update` looks there for newer versions.",
)
@click.option(
    "--deploy",
    "target",
    default="",
    help="Then put the site online: a git remote, URL or bare "
    "repository (the site becomes the --branch branch, via ghp-import), or a folder to copy it into.",
)
@click.option("--branch", default="gh-pages", show_default=True, help="The branch --deploy pushes the site to.")
def publish(out: Path, allow_dirty: bool, pdf: bool, url: str, target: str, branch: str) -> None:
    """Check the course, then build the site (and the book, when its extra is installed) into OUT/VERSION."""
    with one_line_errors():
        root = course_root()
        if not allow_dirty and _git(root, "status", "--porcelain", "--untracked-files=no"):
            raise UngradableInput("There are uncommitted changes: commit them, or publish with --allow-dirty.")
        click.echo("Checking every exercise...")
        reports, modules = check_course(root)
        problems = [f"{r.module}/{r.exercise}: {p}" for r in reports for p in r.problems]
        problems += [f"module {m}: {p}" for m, ps in modules.items() for p in ps]
        if problems:
            raise UngradableInput(
                f"The course is not sound, nothing was published: {problems[0]} "
                f"({len(problems)} problem(s); run `course check`)."
            )
        today = dt.date.today()
        version = release_name(root, today)
        destination = (out if out.is_absolute() else root / out) / version
        book_url = pdf_url = ""
        if book_installed():
            click.echo(f"Building the book into {destination / 'book'}...")
            from grader.book.build import build_book

            book = build_book(root, root / "build" / "book", pdf=pdf)
            shutil.copytree(book.html, destination / "book", dirs_exist_ok=True)
            book_url = "../book/index.html"
            if book.pdf:
                shutil.copy(book.pdf, destination / "book" / "course.pdf")
                pdf_url = "../book/course.pdf"
            elif pdf:
                click.secho(book.note, fg="yellow", err=True)
        click.echo(f"Building the site into {destination / 'site'}...")
        build_site(
            root,
            destination / "site",
            f"Version {version}, published {today.isoformat()}.",
            book_url,
            pdf_url,
            release_env(version, url),
        )
        archive = keep_archive_beside(destination)
    click.echo(f"Published {version}: {destination}" + (f" (the course archive: {archive.name})" if archive else ""))
    if target:
        from grader.instructor.deploy import deploy

        with one_line_errors():
            where = deploy(destination / "site", target, root, branch, f"Publish {version}")
        click.echo(f"Deployed the site to {where}.")


def release_env(version: str, url: str) -> dict[str, str]:
    """What the site build needs to stamp the course archive with this release."""
    from grader.course_archive import now_utc

    return {"COURSE_VERSION": version, "COURSE_PUBLISHED": now_utc(), "COURSE_URL": url}


def keep_archive_beside(destination: Path) -> Path | None:
    """A copy of the site's course archive named after its version, beside the site (None when the
    site offers no course zip)."""
    import json

    from grader.course_archive import LATEST_NAME

    if not (destination / "site" / LATEST_NAME).is_file():
        return None
    latest = json.loads((destination / "site" / LATEST_NAME).read_text(encoding="utf-8"))
    archive = destination / f"{latest['course']}-{latest['version']}.zip"
    shutil.copy(destination / "site" / latest["archive"], archive)
    return archive


def add_changelog_entry(root: Path, text: str, today: dt.date) -> None:
    """Add `text` under today's heading of the changelog, newest first."""
    path = root / CHANGELOG
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else ["# Changelog", ""]
    heading = f"## {today.isoformat()}"
    entry = f"- {text.strip()}"
    if heading in lines:
        lines.insert(lines.index(heading) + 2, entry)
    else:
        first = next((i for i, line in enumerate(lines) if line.startswith("## ")), len(lines))
        lines[first:first] = [heading, "", entry, ""]
    path.write_text("\n".join(lines).rstrip() + "\n", encoding="utf-8")


@click.command("changelog")
@click.argument("text")
def changelog(text: str) -> None:
    """Add a dated entry (TEXT) to the changelog that the site shows."""
    with one_line_errors():
        if not text.strip():
            raise UngradableInput('Say what changed: course changelog "Fixed the hint of word-count".')
        root = course_root()
        add_changelog_entry(root, text, dt.date.today())
    click.echo(f"Added to {CHANGELOG}: {text.strip()}")
