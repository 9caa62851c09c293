"""Reading the course from its folders, and the navigation and pages derived from it."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from grader.errors import CourseError
from grader.site.course import discover_course
from grader.site.downloads import exercise_zip
from grader.site.navigation import expand_nav
from grader.site.notebooks import extract_styles, strip_remote_loaders
from grader.site.pages import insert_after_title
from tests.site.coursekit import write, write_nb


def _course(root: Path) -> Path:
    write(
        root / "docs/modules/00-a/index.md",
        "---\ntitle: Alpha\nhours: 2\nprerequisites: []\nobjectives: [Do a thing]\n---\n",
    )
    write_nb(["#md # Second lesson"], root / "docs/modules/00-a/02-second.ipynb")
    write_nb(["#md Intro\n\n# First lesson"], root / "docs/modules/00-a/01-first.ipynb")
    write(root / "docs/modules/00-a/data/table.csv", "a\n1\n")
    write(root / "docs/modules/01-b/index.md", "---\ntitle: Beta\nprerequisites: [00-a]\n---\n")
    write(root / "exercises/00-a/ex/exercise.toml", 'id = "ex-one"\ntitle = "One"\npoints = 2\n')
    write_nb(["x = ..."], root / "exercises/00-a/ex/ex.ipynb")
    write_nb(["x = 1"], root / "solutions/00-a/ex/ex.ipynb")
    return root


def _discover(root: Path):  # type: ignore[no-untyped-def]
    return discover_course(root / "docs/modules", root / "exercises", root / "solutions")


def test_when_folders_exist_then_modules_lessons_and_exercises_are_found_in_order(
    tmp_path: Path,
) -> None:
    course = _discover(_course(tmp_path))
    assert [m.id for m in course.modules] == ["00-a", "01-b"]
    alpha, beta = course.modules
    assert (alpha.title, alpha.hours, alpha.number, alpha.label) == ("Alpha", 2.0, "0", "0. Alpha")
    assert [x.title for x in alpha.lessons] == ["First lesson", "Second lesson"]
    assert [(x.id, x.points, x.notebook.name) for x in alpha.exercises] == [("ex-one", 2.0, "ex.ipynb")]
    assert [s.title for s in alpha.solutions] == ["One"]
    assert beta.prerequisites == ("00-a",) and beta.hours is None and beta.exercises == ()


def test_when_exercise_has_no_notebook_then_it_is_reported_not_fatal(tmp_path: Path) -> None:
    write(tmp_path / "exercises/00-a/ex/exercise.toml", 'id = "ex"\ntitle = "T"\n')
    (exercise,) = _discover(tmp_path).exercises
    assert exercise.id == "ex"
    assert exercise.problems == (f"{tmp_path}/exercises/00-a/ex has no single starter notebook (or `notebook = ...`)",)


def test_when_exercise_has_no_id_then_the_error_names_the_file_and_field(tmp_path: Path) -> None:
    write(tmp_path / "exercises/00-a/ex/exercise.toml", 'title = "T"\n')
    with pytest.raises(CourseError, match=r"exercises/00-a/ex/exercise.toml: `id` is missing"):
        _discover(tmp_path)


def test_when_exercise_toml_is_broken_then_the_error_names_the_file(tmp_path: Path) -> None:
    write(tmp_path / "exercises/00-a/bad/exercise.toml", "id = \n")
    with pytest.raises(CourseError, match=r"exercises/00-a/bad/exercise.toml is broken and cannot be read"):
        _discover(tmp_path)


def test_when_hours_is_not_a_number_then_the_error_says_so(tmp_path: Path) -> None:
    write(tmp_path / "docs/modules/00-a/index.md", "---\ntitle: A\nhours: lots\n---\n")
    with pytest.raises(CourseError, match="`hours` should be a number"):
        _discover(tmp_path)


def test_when_nav_has_slots_then_they_are_filled_and_empty_ones_dropped(tmp_path: Path) -> None:
    course = _discover(_course(tmp_path))
    nav = expand_nav(
        [{"Home": "index.md"}, {"Modules": "course:modules"}, {"Solutions": "course:solutions"}],
        course,
        with_solutions=False,
    )
    assert nav == [
        {"Home": "index.md"},
        {
            "Modules": [
                {
                    "0. Alpha": [
                        "modules/00-a/index.md",
                        {"First lesson": "modules/00-a/01-first.ipynb"},
                        {"Second lesson": "modules/00-a/02-second.ipynb"},
                        {"Exercise: One": "modules/00-a/exercises/ex/index.md"},
                    ]
                },
                {"1. Beta": ["modules/01-b/index.md"]},
            ]
        },
    ]


def test_when_a_block_is_inserted_then_it_goes_under_the_title() -> None:
    assert insert_after_title("\n# Title\nText\n", "BOX") == "\n# Title\n\nBOX\nText\n"
    assert insert_after_title("Text\n", "BOX") == "BOX\nText\n"


def test_when_zipped_twice_then_the_exercise_zip_is_identical(tmp_path: Path) -> None:
    folder = _course(tmp_path) / "exercises/00-a/ex"
    write(folder / "__pycache__/x.pyc", "cache")
    write(folder / ".ipynb_checkpoints/ex-checkpoint.ipynb", "{}")
    first = exercise_zip(folder)
    assert first == exercise_zip(folder)
    assert zipfile.ZipFile(io.BytesIO(first)).namelist() == ["ex/.original/ex.ipynb", "ex/ex.ipynb", "ex/exercise.toml"]


NOTEBOOK_HTML = (
    '<script>copy()</script><!-- Load mathjax --><script src="https://cdn/x.js"></script>'
    "<!-- End of mathjax configuration -->"
    '<script type="module">import("https://cdn/mermaid.mjs")</script>'
    '<style type="text/css">.a{}</style><style>.jp{}</style>'
    '<div class="jupyter-wrapper"><table><style scoped>.df{}</style></table>'
    "</div> <!-- jupyter-wrapper --><style>['.a{}']</style>"
)


def test_when_notebook_html_is_tidied_then_cdn_loaders_go_and_styles_move_out() -> None:
    html = strip_remote_loaders(NOTEBOOK_HTML)
    assert "https://" not in html and "<script>copy()</script>" in html
    html, styles = extract_styles(html)
    assert styles == [".a{}", ".jp{}"]
    assert html == (
        '<script>copy()</script><div class="jupyter-wrapper"><table>'
        "<style scoped>.df{}</style></table></div> <!-- jupyter-wrapper -->"
    )
