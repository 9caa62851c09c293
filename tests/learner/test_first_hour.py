"""The learner's first hour, on a course folder unzipped from the site's own zip (issue 14).

Each test drives the real `grade` in a subprocess, from inside the unzipped course, with
COURSE_ROOT unset: finding the exercise, extra notebooks Jupyter makes, resetting, the
`python -m grader` fallback, misspelt commands, notebooks written by other editors.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest

from grader.site.downloads import exercise_zip
from tests.conftest import REPO, write_nb
from tests.learner.conftest import grade_here

GREETING = Path("exercises/00-start-here/greeting")


def _solved(starter: Path) -> nbformat.NotebookNode:
    """The greeting starter with the reference solution's cells (its metadata kept)."""
    nb = nbformat.read(starter, as_version=4)
    nb.cells = nbformat.read(
        REPO / "solutions" / GREETING.relative_to("exercises") / "greeting.ipynb", as_version=4
    ).cells
    return nb


def _save_later(nb: nbformat.NotebookNode, path: Path, than: Path) -> Path:
    """Write `nb` at `path` with a modification time after `than`'s, as a later save would."""
    nbformat.write(nb, path)
    later = than.stat().st_mtime + 5
    os.utime(path, (later, later))
    return path


# -- 1. several notebooks in one exercise folder ------------------------------------------------


def test_when_the_learner_worked_in_a_copy_then_grade_id_says_which_it_graded_and_how_to_grade_the_copy(
    zip_course: Path,
):
    folder = zip_course / GREETING
    write_nb([""], folder / "Untitled.ipynb")  # File > New: empty, never worth mentioning
    _save_later(_solved(folder / "greeting.ipynb"), folder / "greeting-Copy1.ipynb", than=folder / "greeting.ipynb")

    by_id = grade_here("greeting", cwd=zip_course / "exercises")
    assert by_id.returncode == 1, by_id.stderr
    assert "Not attempted yet" in by_id.stdout
    command = "grade 00-start-here/greeting/greeting-Copy1.ipynb"  # relative to where grade was run
    assert (
        "Note: This graded greeting.ipynb, the exercise's own notebook. greeting-Copy1.ipynb, in the same "
        f"folder, was saved after it: if you worked there, grade it with: {command}"
    ) in by_id.stdout
    assert "Untitled" not in by_id.stdout

    copy = grade_here(*command.split()[1:], cwd=zip_course / "exercises")  # the exact command the note gave
    assert copy.returncode == 0, copy.stdout + copy.stderr
    assert "4/4" in copy.stdout and "Note:" not in copy.stdout


def _listed(cwd: Path) -> list[str]:
    listed = grade_here("list", "--json", cwd=cwd)
    return [e["id"] for m in json.loads(listed.stdout)["modules"] for e in m["exercises"]]


def test_when_jupyter_added_notebooks_then_list_hint_and_grading_by_path_still_work(zip_course: Path):
    folder = zip_course / GREETING
    before = _listed(folder)
    write_nb(["x = 1"], folder / "Untitled.ipynb")
    nbformat.write(nbformat.read(folder / "greeting.ipynb", as_version=4), folder / "greeting-Copy1.ipynb")

    assert "greeting" in before and _listed(folder) == before
    hint = grade_here("hint", cwd=folder)  # no id: the exercise of the folder the learner is in
    assert hint.returncode == 0 and "Hint 1 of 3:" in hint.stdout, hint.stderr
    by_path = grade_here("Untitled.ipynb", cwd=folder)
    assert by_path.returncode == 1 and "Say hello  (greeting)" in by_path.stdout, by_path.stderr


def test_when_hint_has_no_id_outside_an_exercise_folder_then_it_asks_which_in_one_line(zip_course: Path):
    done = grade_here("hint", cwd=zip_course / "exercises")
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "grade: Which exercise? Name it (grade hint greeting), or run grade hint "
        "inside the exercise's folder. `grade list` shows every exercise."
    )


# -- 2. reset, from every way a learner gets the course -------------------------------------------


def test_when_reset_in_the_course_zip_then_the_starter_is_back_and_the_work_kept(zip_course: Path):
    folder = zip_course / GREETING
    assert not (zip_course / "solutions").exists() and not (zip_course / ".git").exists()
    pristine = (folder / "greeting.ipynb").read_bytes()
    nbformat.write(_solved(folder / "greeting.ipynb"), folder / "greeting.ipynb")
    mine = (folder / "greeting.ipynb").read_bytes()

    done = grade_here("reset", cwd=folder)

    assert done.returncode == 0, done.stderr
    [backup] = folder.glob("greeting.bak-*.ipynb")
    assert backup.read_bytes() == mine and (folder / "greeting.ipynb").read_bytes() == pristine
    assert f"Your notebook was saved as {backup.name}" in done.stdout


def test_when_reset_in_an_exercise_zip_then_that_folder_is_reset_not_the_installed_course(
    zip_course: Path, tmp_path: Path
):
    elsewhere = tmp_path / "downloads"
    zipfile.ZipFile(io.BytesIO(exercise_zip(REPO / GREETING))).extractall(elsewhere)
    folder = elsewhere / "greeting"
    nbformat.write(_solved(folder / "greeting.ipynb"), folder / "greeting.ipynb")

    done = grade_here("reset", "greeting", cwd=folder)

    assert done.returncode == 0, done.stderr
    assert len(list(folder.glob("greeting.bak-*.ipynb"))) == 1
    assert (folder / "greeting.ipynb").read_bytes() == (REPO / GREETING / "greeting.ipynb").read_bytes()


def test_when_reset_in_a_git_clone_without_solutions_then_git_gives_the_starter(zip_course: Path):
    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=zip_course, check=True, capture_output=True)

    git("init", "-q")
    git("add", "exercises")
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "course")
    for original in zip_course.glob("exercises/*/*/.original"):  # a clone has no download's copy
        for file in original.iterdir():
            file.unlink()
        original.rmdir()
    folder = zip_course / GREETING
    pristine = (folder / "greeting.ipynb").read_bytes()
    (folder / "greeting.ipynb").write_text("{}")

    done = grade_here("reset", "greeting", cwd=zip_course / "exercises")

    assert done.returncode == 0, done.stderr
    assert (folder / "greeting.ipynb").read_bytes() == pristine
    assert [b.read_text() for b in folder.glob("greeting.bak-*.ipynb")] == ["{}"]


# -- 3 and 12. the fallback command, misspelt commands, the zip itself -----------------------------


@pytest.mark.portable
def test_when_python_m_grader_is_run_then_it_answers_as_grade_does(zip_course: Path):
    env = {**os.environ, "COURSE_ROOT": "", "NO_COLOR": "1", "COLUMNS": "200"}
    # from the course folder, `python -m grader` runs the course's own copy of the grader
    module = subprocess.run(
        [sys.executable, "-m", "grader", "list"], cwd=zip_course, env=env, capture_output=True, text=True, timeout=120
    )
    assert module.returncode == 0, module.stderr
    assert module.stdout == grade_here("list", cwd=zip_course / "exercises").stdout
    helped = subprocess.run(
        [sys.executable, "-m", "grader", "--help"], cwd=zip_course, env=env, capture_output=True, text=True, timeout=120
    )
    assert helped.returncode == 0 and "Usage: python -m grader" in helped.stdout


def test_when_a_command_is_misspelt_then_the_command_is_suggested_not_an_exercise(zip_course: Path):
    done = grade_here("lsit", cwd=zip_course / "exercises")
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "grade: There is no command or exercise 'lsit'. Did you mean the command `grade list`?"
    )
    near_both = grade_here("resipe", cwd=zip_course / "exercises")  # close to `reset`, closer to recipe
    assert near_both.returncode == 2 and "Did you mean 'recipe'" in near_both.stderr


def test_when_the_course_zip_is_extracted_then_it_is_one_folder_with_what_pip_and_reset_need(course_zip_bytes: bytes):
    names = zipfile.ZipFile(io.BytesIO(course_zip_bytes)).namelist()
    # no top folder inside: Extract All already makes one named after the zip
    assert {"pyproject.toml", "README.md", "LICENSE"} <= set(names)
    assert not [n for n in names if n.startswith("solutions/") or "/solutions/" in n]
    starters = {n for n in names if n.startswith("exercises/") and n.count("/") == 3 and n.endswith(".ipynb")}
    originals = {n.replace("/.original/", "/") for n in names if "/.original/" in n}
    assert "exercises/00-start-here/greeting/greeting.ipynb" in starters and starters == originals
    assert "MIT License" in (REPO / "LICENSE").read_text()


# -- 13. notebooks written by other editors --------------------------------------------------------


def test_when_another_editor_wrote_the_notebook_then_it_is_repaired_graded_and_said_in_one_line(zip_course: Path):
    folder = zip_course / GREETING
    data = json.loads(nbformat.writes(_solved(folder / "greeting.ipynb")))
    for cell in data["cells"]:
        if cell["cell_type"] == "markdown":
            cell["execution_count"] = None  # as some editors write it
        else:
            del cell["metadata"]
    (folder / "greeting.ipynb").write_text(json.dumps(data))

    done = grade_here("greeting", cwd=folder)

    assert done.returncode == 0, done.stdout + done.stderr
    assert (
        "Note: greeting.ipynb was saved in a slightly different format (by another editor or an older "
        "Jupyter); it was tidied in memory to be graded, and your file was not changed."
    ) in done.stdout
    assert json.loads((folder / "greeting.ipynb").read_text()) == data
    as_json = json.loads(grade_here("greeting", "--json", "-", cwd=folder).stdout)  # and in the record
    assert any(note.startswith("greeting.ipynb was saved in a slightly different format") for note in as_json["notes"])


def test_when_a_notebook_truly_cannot_be_read_then_one_plain_line_without_schema_words(zip_course: Path):
    folder = zip_course / GREETING
    data = json.loads((folder / "greeting.ipynb").read_text())
    data["cells"][2]["cell_type"] = "sketch"
    (folder / "greeting.ipynb").write_text(json.dumps(data))

    done = grade_here("greeting", cwd=folder)

    assert done.returncode == 2
    assert done.stderr.strip() == (
        "grade: greeting.ipynb cannot be read as a notebook: cell 3 is not written the way Jupyter writes "
        "cells. Open it in Jupyter and save it again, or download the exercise again and copy your code into it."
    )


# -- check() inside Jupyter, in the unzipped course -------------------------------------------------


def _run_in_kernel(nb: nbformat.NotebookNode, folder: Path) -> str:
    """Execute `nb` in a real kernel whose working folder is `folder`; the last cell's text output."""
    from nbclient import NotebookClient

    NotebookClient(nb, timeout=60, kernel_name="python3", resources={"metadata": {"path": str(folder)}}).execute()
    return "".join(o.get("text", "") or o.get("data", {}).get("text/plain", "") for o in nb.cells[-1].outputs)


@pytest.mark.parametrize("session", ["told", "renamed since"])
def test_when_check_runs_in_a_copy_among_other_notebooks_then_it_judges_that_copy(
    zip_course: Path, monkeypatch: pytest.MonkeyPatch, session: str
):
    folder = zip_course / GREETING
    write_nb(["x = 1"], folder / "Untitled.ipynb")
    nb = _solved(folder / "greeting.ipynb")
    last = nb.cells[-1]  # print(greet(my_name)), as saved after the learner ran it
    last.execution_count, last.outputs = 3, [nbformat.v4.new_output("stream", name="stdout", text="Hello, Ada!\n")]
    nb.cells.append(nbformat.v4.new_code_cell("from grader import check\nprint(repr(check()))"))
    copy = folder / "greeting-Copy1.ipynb"
    nbformat.write(nb, copy)
    # what Jupyter tells a notebook's kernel: its path when the kernel started, stale after a rename
    monkeypatch.setenv("JPY_SESSION_NAME", str(copy if session == "told" else folder / "Untitled1.ipynb"))

    shown = _run_in_kernel(nb, folder)

    assert "✓ the last cell prints your greeting" in shown  # read from the copy's saved outputs
    assert "All checks passed, 4/4. Well done!" in shown
    assert "not found" not in shown and "not saved" not in shown


def test_when_check_runs_with_unsaved_changes_then_it_says_so(zip_course: Path, monkeypatch: pytest.MonkeyPatch):
    folder = zip_course / GREETING
    nb = nbformat.read(folder / "greeting.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("from grader import check\nprint(repr(check()))"))
    nbformat.write(nb, folder / "greeting.ipynb")
    monkeypatch.setenv("JPY_SESSION_NAME", str(folder / "greeting.ipynb"))
    [name_cell] = [c for c in nb.cells if c.source.startswith("my_name = ")]
    name_cell.source = 'my_name = "Ada"'  # typed and run, never saved

    shown = _run_in_kernel(nb, folder)

    assert "✓ my_name holds your name as text" in shown  # the live value was judged
    assert (
        "This notebook has changes that are not saved: code you ran is not in the saved file. check() "
        "judged what you ran, but `grade` grades the saved file"
    ) in shown


def test_when_an_exercise_toml_does_not_name_its_notebook_then_course_check_says_so(zip_course: Path):
    from grader.exercise import load_exercise
    from grader.instructor.integrity import static_problems

    folder = zip_course / GREETING
    toml = folder / "exercise.toml"
    assert not [p for p in static_problems(load_exercise(folder), REPO) if "notebook" in p]
    toml.write_text("\n".join(line for line in toml.read_text().splitlines() if not line.startswith("notebook")))
    write_nb(["x = 1"], folder / "Untitled.ipynb")  # the grader still finds greeting.ipynb meanwhile

    exercise = load_exercise(folder)

    assert exercise.notebook_name == "greeting.ipynb"
    assert 'exercise.toml does not name its notebook (notebook = "greeting.ipynb")' in static_problems(exercise, REPO)


def test_in_the_downloaded_course_exercises_come_in_the_order_their_module_pages_give(zip_course: Path):
    listed = _listed(zip_course)
    for before, after in (("two-proportion-test", "ab-readout"), ("psi", "alert-rules"), ("tidy-join", "sql-joins")):
        assert listed.index(before) < listed.index(after), listed
