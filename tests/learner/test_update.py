"""`grade update` end to end (issue 18): the instructor publishes version 1, a learner works in it,
the instructor publishes version 2 (a fixed check, an edited starter, a new lesson, a changelog
entry), and the learner's update brings all that in without losing a notebook or their progress.

The archives are built with the code the site build uses (`course_archive.build_archive`), not a
site build; version 2 is served by a real HTTP server on 127.0.0.1.
"""

from __future__ import annotations

import functools
import hashlib
import http.server
import io
import json
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from grader.course_archive import LATEST_NAME, Release, build_archive, latest_json
from grader.progress import PROGRESS_FILE
from tests.conftest import write_exercise, write_nb
from tests.learner.conftest import CHECKS, grade_here

INCLUDE = ["exercises", "docs/modules"]
COURSE_ID = "test-course"
FIX = "Fixed the check of demo: its message says what value is."
DEMO = Path("exercises/00-test/demo")
SECOND = Path("exercises/01-more/second")
THIRD = Path("exercises/01-more/third")
LESSON = Path("docs/modules/01-more/02-new-lesson.md")
UNREACHABLE = "http://127.0.0.1:9/"  # the discard port: nothing answers there


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A static web server on 127.0.0.1 serving tmp_path/site, as the published site would be."""
    folder = tmp_path / "site"
    folder.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *args: None  # type: ignore[attr-defined, method-assign]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", folder
    server.shutdown()
    server.server_close()


def publish(course: Path, version: str, published: str, url: str, site: Path | None = None) -> bytes:
    """The course archive of `version`; with `site`, laid out as `course publish` lays out the site."""
    data, manifest = build_archive(course, INCLUDE, Release(COURSE_ID, version, published, url))
    if site is not None:
        (site / "downloads").mkdir(exist_ok=True)
        (site / "downloads" / f"{COURSE_ID}.zip").write_bytes(data)
        (site / LATEST_NAME).write_text(latest_json(manifest, f"downloads/{COURSE_ID}.zip"))
    return data


def version_one(course: Path, url: str, third: tuple[str, ...] = ("value = ...",)) -> bytes:
    write_exercise(course / THIRD, CHECKS, exercise_id="third", cells=third)
    for folder in (SECOND, THIRD):  # as every exercise of the course says (a folder may hold several)
        with (course / folder / "exercise.toml").open("a") as settings:
            settings.write('notebook = "demo.ipynb"\n')
    (course / "docs" / "changelog.md").write_text("# Changelog\n\n## 2026-12-01\n\n- The first version.\n")
    return publish(course, "1.0", "2026-12-01T10:00:00+00:00", url)


def version_two(course: Path, url: str, site: Path | None = None) -> bytes:
    """The instructor fixes a check, edits two starters, adds a lesson and says so in the changelog."""
    checks = course / DEMO / "test_demo.py"
    checks.write_text(checks.read_text().replace('"value should be 42"', '"value should be the number 42"'))
    for folder in (SECOND, THIRD):
        write_nb(["#md Put the answer in `value`.", "value = ..."], course / folder / "demo.ipynb")
    (course / LESSON).write_text("# A new lesson\n\nNew things.\n")
    (course / "docs" / "changelog.md").write_text(
        f"# Changelog\n\n## 2026-12-02\n\n- {FIX}\n\n## 2026-12-01\n\n- The first version.\n"
    )
    return publish(course, "2.0", "2026-12-02T10:00:00+00:00", url, site)


def unpack(data: bytes, folder: Path) -> Path:
    zipfile.ZipFile(io.BytesIO(data)).extractall(folder)
    return folder


def learner_works(learner: Path) -> None:
    """demo solved and graded; second half done and graded; third untouched."""
    write_nb(["value = 42"], learner / DEMO / "demo.ipynb")
    assert grade_here("demo", cwd=learner).returncode == 0
    write_nb(["value = 41"], learner / SECOND / "demo.ipynb")
    assert grade_here("second", cwd=learner).returncode == 1


def tree(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def assert_updated_and_nothing_lost(learner: Path, course: Path, progress: str, output: str) -> None:
    assert "version 1.0 to version 2.0" in output
    assert f"2026-12-02: {FIX}" in output and "The first version." not in output  # only what is new
    assert "value should be the number 42" in (learner / DEMO / "test_demo.py").read_text()  # the fixed check
    assert (learner / LESSON).read_text() == (course / LESSON).read_text()  # the new lesson
    # the starter the learner never opened is the new one; the two they worked in are theirs
    assert (learner / THIRD / "demo.ipynb").read_bytes() == (course / THIRD / "demo.ipynb").read_bytes()
    assert "value = 42" in (learner / DEMO / "demo.ipynb").read_text()
    assert "value = 41" in (learner / SECOND / "demo.ipynb").read_text()
    # the new starter of the half-done exercise arrives beside it, and grade reset would give it
    new = course / SECOND / "demo.ipynb"
    assert (learner / SECOND / "demo.new.ipynb").read_bytes() == new.read_bytes()
    assert (learner / SECOND / ".original" / "demo.ipynb").read_bytes() == new.read_bytes()
    assert f"Kept your notebook {SECOND.as_posix()}/demo.ipynb" in output
    assert f"Starter updated (you had not changed it): {THIRD.as_posix()}/demo.ipynb" in output
    assert (learner / PROGRESS_FILE).read_text() == progress
    assert not (learner / ".course-update").exists()
    assert json.loads((learner / ".course-manifest.json").read_text())["version"] == "2.0"


def test_when_a_newer_version_is_published_then_update_from_the_site_brings_it_and_keeps_the_learners_work(
    course: Path, tmp_path: Path, site: tuple[str, Path]
):
    url, site_folder = site
    learner = unpack(version_one(course, url), tmp_path / "learner")
    learner_works(learner)
    progress = (learner / PROGRESS_FILE).read_text()
    version_two(course, url, site_folder)

    before = tree(learner)
    check = grade_here("update", "--check", cwd=learner)
    assert (check.returncode, check.stdout.strip()) == (
        0,
        "A newer version of the course is available: 2.0 "
        "(you have 1.0). Run grade update to get it; your work "
        "is kept.",
    )
    assert tree(learner) == before  # --check changed nothing
    done = grade_here("update", cwd=learner)  # no SOURCE: the site recorded in the course
    assert done.returncode == 0, done.stdout + done.stderr
    assert_updated_and_nothing_lost(learner, course, progress, done.stdout)

    graded = grade_here("demo", cwd=learner)  # the solved exercise still passes, under the fixed check
    assert graded.returncode == 0, graded.stdout
    half = grade_here("second", cwd=learner)  # the new starter beside is not taken for the learner's work
    assert half.returncode == 1 and "demo.new.ipynb" not in half.stdout, half.stdout
    again = grade_here("update", cwd=learner)
    assert (again.returncode, again.stdout.strip()) == (
        0,
        "Your course is up to date (version 2.0). Nothing was changed.",
    )


def test_when_offline_then_update_from_a_downloaded_archive_does_the_same(course: Path, tmp_path: Path):
    learner = unpack(version_one(course, UNREACHABLE), tmp_path / "learner")
    learner_works(learner)
    progress = (learner / PROGRESS_FILE).read_text()
    archive = tmp_path / "downloads" / "test-course.zip"
    archive.parent.mkdir()
    archive.write_bytes(version_two(course, UNREACHABLE))

    offline = grade_here("update", cwd=learner)  # the recorded site cannot be reached
    assert offline.returncode == 3 and offline.stderr.startswith("grade: The course site could not be reached")
    assert "PATH-TO-THE-ZIP" in offline.stderr and len(offline.stderr.strip().splitlines()) == 1
    done = grade_here("update", str(archive), cwd=learner)
    assert done.returncode == 0, done.stdout + done.stderr
    assert_updated_and_nothing_lost(learner, course, progress, done.stdout)


def test_when_the_archive_is_older_or_of_another_course_then_update_refuses_and_changes_nothing(
    course: Path, tmp_path: Path
):
    old = tmp_path / "old.zip"
    old.write_bytes(version_one(course, UNREACHABLE))
    learner = unpack(version_two(course, UNREACHABLE), tmp_path / "learner")
    other = tmp_path / "other.zip"
    other.write_bytes(build_archive(course, INCLUDE, Release("another-course", "9.0", "2027-01-01T00:00:00+00:00"))[0])
    before = tree(learner)

    down = grade_here("update", str(old), cwd=learner)
    assert (down.returncode, down.stderr.strip()) == (
        4,
        "grade: This archive is version 1.0, older than yours (2.0): nothing was changed.",
    )
    foreign = grade_here("update", str(other), cwd=learner)
    assert (foreign.returncode, foreign.stderr.strip()) == (
        4,
        "grade: This archive is the course 'another-course', not 'test-course', the one in this folder: "
        "nothing was changed.",
    )
    (tmp_path / "notes.zip").write_text("not a zip")
    junk = grade_here("update", str(tmp_path / "notes.zip"), cwd=learner)
    assert junk.returncode == 2 and "is not a course archive" in junk.stderr
    assert tree(learner) == before


def test_when_the_swap_fails_midway_then_version_one_is_intact_and_running_again_finishes(
    course: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    import os

    from grader.errors import GraderBroken
    from grader.learner import update

    learner = unpack(version_one(course, UNREACHABLE), tmp_path / "learner")
    write_nb(["value = 41"], learner / SECOND / "demo.ipynb")
    archive = tmp_path / "v2.zip"
    archive.write_bytes(version_two(course, UNREACHABLE))
    before = tree(learner)
    real_replace, calls = os.replace, []

    def failing_replace(src: str | Path, dst: str | Path) -> None:
        calls.append(dst)
        if len(calls) == 6:  # a few files already swapped in
            raise OSError("disk full")
        real_replace(src, dst)

    zipped, new = update.fetch_archive(str(archive))
    current = update.current_manifest(learner)
    plan = update.prepare(learner, zipped, new, current)
    monkeypatch.setattr(update.os, "replace", failing_replace)
    with pytest.raises(GraderBroken, match=r"The update stopped \(disk full\); your course is as it was before"):
        update.swap(learner, plan)
    monkeypatch.setattr(update.os, "replace", real_replace)
    # the swap had begun, and was undone
    assert len(calls) > 6 and tree(learner) == before and not (learner / ".course-update").exists()

    done = grade_here("update", str(archive), cwd=learner)
    assert done.returncode == 0, done.stderr
    assert (learner / THIRD / "demo.ipynb").read_bytes() == (course / THIRD / "demo.ipynb").read_bytes()
    assert "value = 41" in (learner / SECOND / "demo.ipynb").read_text()


KILLED_AT = """
import os, sys
from grader.learner import update
real, count = {target}, [0]
def dying(*args, **kwargs):
    count[0] += 1
    if count[0] == {after}:
        os._exit(9)  # as a kill would: no clean-up runs
    return real(*args, **kwargs)
{patch} = dying
from grader.cli import main
main(["update", sys.argv[1]])
"""


@pytest.mark.parametrize(
    ("when", "target", "patch"),
    [
        ("staging", "update.Path.write_bytes", "update.Path.write_bytes"),
        ("swapping", "update.os.replace", "update.os.replace"),
    ],
)
def test_when_the_update_is_killed_then_running_it_again_finishes_the_job(
    course: Path, tmp_path: Path, when: str, target: str, patch: str
):
    learner = unpack(version_one(course, UNREACHABLE), tmp_path / "learner")
    write_nb(["value = 41"], learner / SECOND / "demo.ipynb")
    archive = tmp_path / "v2.zip"
    archive.write_bytes(version_two(course, UNREACHABLE))
    before = tree(learner)

    script = KILLED_AT.format(target=target, patch=patch, after=4)
    killed = subprocess.run(
        [sys.executable, "-c", script, str(archive)],
        cwd=learner,
        capture_output=True,
        text=True,
        timeout=120,
        env={**__import__("os").environ, "COURSE_ROOT": ""},
    )
    assert killed.returncode == 9, killed.stderr
    if when == "staging":  # nothing of the course was touched yet
        assert {k: v for k, v in tree(learner).items() if not k.startswith(".course-update/")} == before
    else:  # until the update is finished, every command says so
        assert (
            "an update of your course was cut short; run `grade update` again" in grade_here("list", cwd=learner).stderr
        )

    done = grade_here("update", str(archive), cwd=learner)
    assert done.returncode == 0, done.stderr
    if when == "swapping":
        assert "An earlier update to version 2.0 had stopped halfway: it is finished now." in done.stdout
    assert (learner / THIRD / "demo.ipynb").read_bytes() == (course / THIRD / "demo.ipynb").read_bytes()
    assert (learner / LESSON).is_file() and "value = 41" in (learner / SECOND / "demo.ipynb").read_text()
    assert json.loads((learner / ".course-manifest.json").read_text())["version"] == "2.0"
    assert not (learner / ".course-update").exists()


def test_when_the_course_was_downloaded_before_manifests_then_update_still_keeps_the_learners_notebook(
    course: Path, tmp_path: Path
):
    from grader.site.downloads import course_zip

    version_one(course, UNREACHABLE)
    learner = unpack(course_zip(course, INCLUDE), tmp_path / "learner")  # the zip as the site made it before
    write_nb(["value = 41"], learner / SECOND / "demo.ipynb")
    archive = tmp_path / "v2.zip"
    archive.write_bytes(version_two(course, UNREACHABLE))

    done = grade_here("update", str(archive), cwd=learner)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Updating the course to version 2.0.\n")
    assert "value = 41" in (learner / SECOND / "demo.ipynb").read_text()
    assert (learner / SECOND / "demo.new.ipynb").read_bytes() == (course / SECOND / "demo.ipynb").read_bytes()
    assert (learner / THIRD / "demo.ipynb").read_bytes() == (course / THIRD / "demo.ipynb").read_bytes()
    assert not (learner / THIRD / "demo.new.ipynb").exists()  # its starter was known untouched: replaced


def _cells(path: Path) -> list[str]:
    return ["".join(c["source"]) for c in json.loads(path.read_text())["cells"]]


def test_when_only_the_instructor_changed_a_cell_then_a_safe_merge_is_offered_beside(course: Path, tmp_path: Path):
    learner = unpack(
        version_one(course, UNREACHABLE, third=("#md Old instructions.", "value = ...")), tmp_path / "learner"
    )
    write_nb(["#md Old instructions.", "value = 41"], learner / THIRD / "demo.ipynb")
    archive = tmp_path / "v2.zip"
    archive.write_bytes(version_two(course, UNREACHABLE))  # THIRD's instructions change; SECOND gains a cell
    # the learner of SECOND added nothing but the instructor added a cell: no safe merge there

    done = grade_here("update", str(archive), cwd=learner)
    assert done.returncode == 0, done.stderr
    merged = learner / THIRD / "demo.merged.ipynb"
    assert f"A safe merge is ready too: {THIRD.as_posix()}/demo.merged.ipynb" in done.stdout
    assert _cells(merged) == ["Put the answer in `value`.", "value = 41"] != _cells(course / THIRD / "demo.ipynb")
    assert _cells(learner / THIRD / "demo.ipynb") == ["Old instructions.", "value = 41"]  # theirs, untouched
    assert not (learner / SECOND / "demo.merged.ipynb").exists()


def test_when_both_changed_the_same_cell_then_no_merge_and_the_learners_cells_win_where_only_theirs_changed():
    from grader.learner.cell_merge import merge_notebooks

    def nb(*sources: str) -> bytes:
        return json.dumps(
            {
                "cells": [{"cell_type": "code", "source": s} for s in sources],
                "metadata": {},
                "nbformat": 4,
                "nbformat_minor": 5,
            }
        ).encode()

    old = nb("# read the data", "answer = ...")
    assert (
        merge_notebooks(old, nb("# read the data", "answer = 3"), nb("# read the data carefully", "answer = ..."))
        == json.dumps(json.loads(nb("# read the data carefully", "answer = 3")), indent=1) + "\n"
    )
    assert merge_notebooks(old, nb("# read the data", "answer = 3"), nb("# read the data", "answer = None")) is None
    assert merge_notebooks(old, nb("# read the data", "answer = 3", "print(1)"), nb("# new", "answer = ...")) is None
    assert merge_notebooks(old, nb("# read the data", "answer = 3"), old) is None  # nothing new to bring


def test_when_the_course_is_a_git_clone_then_update_says_to_use_git_pull(course: Path, tmp_path: Path):
    (course / ".git").mkdir()
    archive = tmp_path / "v1.zip"
    archive.write_bytes(version_one(course, UNREACHABLE))
    done = grade_here("update", str(archive), cwd=course)
    assert (done.returncode, done.stderr.strip()) == (
        2,
        "grade: This course folder is a git clone: update it with git pull instead.",
    )


def test_when_the_packages_list_changed_then_the_learner_is_told_to_install_again(course: Path, tmp_path: Path):
    (course / "pyproject.toml").write_text('[project]\nname = "x"\n')
    include = [*INCLUDE, "pyproject.toml"]
    learner = unpack(
        build_archive(course, include, Release(COURSE_ID, "1.0", "2026-12-01T10:00:00+00:00"))[0], tmp_path / "learner"
    )
    (course / "pyproject.toml").write_text('[project]\nname = "x"\ndependencies = ["numpy"]\n')
    archive = tmp_path / "v2.zip"
    archive.write_bytes(build_archive(course, include, Release(COURSE_ID, "2.0", "2026-12-02T10:00:00+00:00"))[0])
    done = grade_here("update", str(archive), cwd=learner)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("run  python -m pip install -e .  once more, in this folder.")
    assert "numpy" in (learner / "pyproject.toml").read_text()


def test_when_an_archive_names_a_file_outside_the_course_then_update_refuses_and_writes_nothing(
    course: Path, tmp_path: Path
):
    from grader.course_archive import MANIFEST_NAME, Manifest, sha256
    from grader.site.downloads import zip_bytes

    learner = unpack(version_one(course, UNREACHABLE), tmp_path / "learner")
    evil = b"not yours"
    manifest = Manifest(Release(COURSE_ID, "2.0", "2026-12-02T10:00:00+00:00"), {"../outside.txt": sha256(evil)})
    archive = tmp_path / "v2.zip"
    archive.write_bytes(zip_bytes([("../outside.txt", evil), (MANIFEST_NAME, manifest.to_json().encode())]))
    before = tree(learner)

    done = grade_here("update", str(archive), cwd=learner)
    assert (done.returncode, done.stderr.strip()) == (
        2,
        "grade: v2.zip names a file outside the course (../outside.txt): nothing was changed.",
    )
    assert not (tmp_path / "outside.txt").exists() and tree(learner) == before
