"""The instructor's `course` command on a small copy of the course: sync and check catch mistakes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from tests.conftest import REPO

COURSE = [sys.executable, "-m", "grader.course_cli"]


def run_course(*args: str, root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COURSE_ROOT": str(root), "NO_COLOR": "1", "COLUMNS": "200"}
    return subprocess.run([*COURSE, *args], cwd=root, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture
def course(tmp_path: Path) -> Path:
    """A course of one exercise: a copy of the example `greeting`, its solution and its module page."""
    for part in ("exercises/00-start-here/greeting", "solutions/00-start-here/greeting"):
        shutil.copytree(REPO / part, tmp_path / part)
    (tmp_path / "docs/modules/00-start-here").mkdir(parents=True)
    shutil.copy(REPO / "docs/modules/00-start-here/index.md", tmp_path / "docs/modules/00-start-here/index.md")
    return tmp_path


def edit_solution(course: Path, old: str, new: str) -> None:
    path = course / "solutions/00-start-here/greeting/greeting.ipynb"
    path.write_text(path.read_text().replace(old, new))


def test_when_the_course_is_sound_then_check_passes(course: Path):
    done = run_course("check", root=course)
    assert done.returncode == 0, done.stdout
    assert "All 1 exercises are sound" in done.stdout


def test_when_a_solution_is_broken_then_check_fails_and_names_it(course: Path):
    edit_solution(course, 'return f\\"Hello, {name}!\\"', 'return f\\"Hi, {name}!\\"')
    run_course("sync", root=course)
    done = run_course("check", root=course)
    assert done.returncode == 1
    assert "greeting" in done.stdout and "solution does not score full marks (1/4" in done.stdout


def test_when_a_starter_is_edited_by_hand_then_sync_check_fails_and_names_it(course: Path):
    starter = course / "exercises/00-start-here/greeting/greeting.ipynb"
    nb = nbformat.read(starter, as_version=4)
    nb.cells[2].source = "my_name = 'edited by hand'"
    nbformat.write(nb, starter)
    done = run_course("sync", "--check", root=course)
    assert done.returncode == 1
    assert done.stderr.strip() == "out of date: exercises/00-start-here/greeting/greeting.ipynb (run `course sync`)"
    assert "starter out of sync" in run_course("check", root=course).stdout
    assert run_course("sync", "--only", "02-", root=course).stdout.strip() == (
        "Every starter is in sync with its solution."
    )  # another module's starter is left alone
    assert nbformat.read(starter, as_version=4).cells[2].source == "my_name = 'edited by hand'"
    assert run_course("sync", "--only", "greet", root=course).returncode == 0
    assert run_course("sync", "--check", root=course).returncode == 0


def test_when_a_marker_is_left_unclosed_then_sync_names_the_cell_and_line(course: Path):
    edit_solution(course, "    # END SOLUTION", "")
    done = run_course("sync", root=course)
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "course: solutions/00-start-here/greeting/greeting.ipynb, cell 5, line 3: "
        "BEGIN SOLUTION is never closed by END SOLUTION."
    )


def test_when_metadata_is_incomplete_then_check_says_what_is_missing(course: Path):
    toml = course / "exercises/00-start-here/greeting/exercise.toml"
    text = toml.read_text().replace("points = 4", "points = 5")
    toml.write_text(text.replace('    "A function gives back', '    # "A function gives back'))
    done = run_course("check", root=course)
    assert done.returncode == 1
    assert "2 hints; at least 3" in done.stdout
    assert "exercise.toml says 5 points; the checks add up to 4" in done.stdout


def proofs_of(course: Path) -> Path:
    return course / "solutions/00-start-here/greeting/proofs.toml"


def test_when_a_proof_does_not_hold_then_check_names_the_proof_and_the_check(course: Path):
    toml = proofs_of(course)
    # the alternative made wrong, a wrong one that passes, and a message that no longer says why
    alternative = course / "solutions/00-start-here/greeting/proofs/concatenation.ipynb"
    alternative.write_text(alternative.read_text().replace('\\"Hello, \\" + name', '\\"Hi, \\" + name'))
    text = toml.read_text().replace(
        'loses = { test_greets_grace = "should return',
        'loses = { test_my_name_is_text = "x", test_greets_grace = "should return',
        1,
    )
    no_comma = 'loses = { test_greets_grace = "should return", test_greets_any_name = "should return" }'
    toml.write_text(text.replace(no_comma, 'loses = { test_greets_grace = "must give back" }'))
    done = run_course("check", root=course)
    assert done.returncode == 1
    lines = [line for line in done.stdout.splitlines() if line.startswith("00-start-here/greeting:")]
    assert any(
        "alternative concatenation.ipynb (joins the text with + instead of an f-string) is correct but "
        "loses test_greets_grace, test_greets_any_name" in line
        for line in lines
    ), done.stdout
    assert any(
        "wrong prints-instead-of-returning.ipynb (prints the greeting instead of returning it, so greet "
        "gives back None) passes test_my_name_is_text" in line
        for line in lines
    ), done.stdout
    assert any(
        "wrong no-comma.ipynb loses test_greets_grace without saying 'must give back'" in line for line in lines
    ), done.stdout
    assert "| 1/4" in done.stdout.replace("│", "|"), done.stdout  # the table: one proof of four held


def test_when_an_exercise_keeps_too_few_proofs_then_check_says_what_is_missing(course: Path):
    toml = proofs_of(course)
    toml.write_text(toml.read_text().split("[[wrong]]")[0])
    done = run_course("check", root=course)
    assert done.returncode == 1
    assert (
        "proofs.toml keeps 1 alternative and 0 wrong submission(s) beside the solution; at least 1 and 2" in done.stdout
    ), done.stdout
    toml.write_text('[[wrong]]\nnotebook = "proofs/gone.ipynb"\nmistake = "m"\nloses = { a = "b" }\n')
    done = run_course("check", root=course)
    assert "proofs.toml: [[wrong]] number 1: notebook 'proofs/gone.ipynb' is missing" in done.stdout
    quick = run_course("check", "--no-proofs", root=course)  # while writing: solutions and starters only
    assert quick.returncode == 0 and "skipped" in quick.stdout, quick.stdout


def test_when_an_author_scaffolds_an_exercise_then_the_three_next_commands_pass(course: Path):
    done = run_course("new", "00-start-here", "first-answer", root=course)
    assert done.returncode == 0, done.stderr
    assert "course sync" in done.stdout and "course check --only first-answer" in done.stdout
    assert run_course("sync", "--check", root=course).returncode == 0
    solution = course / "solutions/00-start-here/first-answer/first-answer.ipynb"
    graded = subprocess.run(
        [sys.executable, "-m", "grader.cli", str(solution)],
        capture_output=True,
        text=True,
        env={**os.environ, "COURSE_ROOT": str(course)},
        timeout=120,
    )
    assert graded.returncode == 0, graded.stdout
    assert run_course("check", "--only", "first-answer", root=course).returncode == 0
    again = run_course("new", "00-start-here", "first-answer", root=course)
    assert (again.returncode, again.stderr.strip()) == (2, "course: 00-start-here/first-answer exists already.")


def test_when_an_entry_is_added_then_the_changelog_has_it_under_todays_date(course: Path):
    import datetime as dt

    (course / "docs/changelog.md").write_text("# Changelog\n\nNewest first.\n\n## 2020-01-01\n\n- Old news.\n")
    assert run_course("changelog", "Fixed a hint of greeting", root=course).returncode == 0
    assert run_course("changelog", "Added word-count", root=course).returncode == 0
    today = dt.date.today().isoformat()
    assert (course / "docs/changelog.md").read_text() == (
        f"# Changelog\n\nNewest first.\n\n## {today}\n\n- Added word-count\n- Fixed a hint of greeting\n\n"
        "## 2020-01-01\n\n- Old news.\n"
    )


def test_when_the_tree_is_dirty_then_publish_refuses_and_builds_nothing(course: Path):
    subprocess.run(["git", "init", "-q"], cwd=course, check=True)
    subprocess.run(["git", "add", "."], cwd=course, check=True)
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "c"], cwd=course, check=True)
    (course / "exercises/00-start-here/greeting/exercise.toml").write_text("changed")
    done = run_course("publish", root=course)
    assert (done.returncode, done.stderr.strip()) == (
        2,
        "course: There are uncommitted changes: commit them, or publish with --allow-dirty.",
    )
    assert not (course / "dist").exists()


@pytest.mark.slow
def test_when_published_then_a_stamped_site_and_the_book_stand_side_by_side(course: Path):
    """The For-instructors path end to end, on a one-module course: check, book, strict site build."""
    shutil.copy(REPO / "mkdocs.yml", course / "mkdocs.yml")
    shutil.copytree(REPO / "overrides", course / "overrides")
    for item in (REPO / "docs").iterdir():
        if item.name != "modules":
            (shutil.copytree if item.is_dir() else shutil.copy)(item, course / "docs" / item.name)
    shutil.rmtree(course / "docs/modules/00-start-here")
    shutil.copytree(REPO / "docs/modules/00-start-here", course / "docs/modules/00-start-here")
    for stale in (course / "exercises/00-start-here", course / "solutions/00-start-here"):
        shutil.rmtree(stale)
    for part in ("exercises/00-start-here", "solutions/00-start-here"):
        shutil.copytree(REPO / part, course / part)
    done = run_course(
        "publish", "--allow-dirty", "--out", "dist", "--url", "http://127.0.0.1:8000/", "--deploy", "www", root=course
    )
    assert done.returncode == 0, done.stdout + done.stderr
    [release] = (course / "dist").iterdir()
    home = (release / "site" / "index.html").read_text()
    assert f"Version {release.name}, published" in home
    # the course archive, with its manifest, beside the site and announced by latest.json (issue 18)
    import json
    import zipfile

    latest = json.loads((release / "site" / "latest.json").read_text())
    assert (latest["version"], latest["url"], latest["archive"]) == (
        release.name,
        "http://127.0.0.1:8000/",
        "downloads/ai-engineer-course.zip",
    )
    archive = zipfile.ZipFile(release / f"ai-engineer-course-{release.name}.zip")
    assert json.loads(archive.read(".course-manifest.json"))["version"] == release.name
    assert (course / "www" / "latest.json").read_text() == (release / "site" / "latest.json").read_text()
    assert 'href="./../book/index.html"' in home and (release / "book" / "index.html").is_file()
