"""One reader of the course: the grader, `course check`, the site and the book agree on what is wrong."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from grader.course_model import read_exercise_meta, read_module_meta
from grader.errors import CourseError
from grader.exercise import load_exercise
from grader.instructor.integrity import check_course
from grader.site.course import discover_course
from tests.conftest import REPO

GREETING = "exercises/00-start-here/greeting"

BAD_EXERCISE_TOML = {
    # the example of the issue: a text where a list belongs gave the grader 18 one-letter hints
    "hints as one text": (
        ("points = 4", 'points = 4\nhints = "Look at the lesson"'),
        "`hints` should be a list of texts",
    ),
    "points as text": (("points = 4", 'points = "four"'), "`points` should be a number, not 'four'"),
    "a misspelt field": (("points = 4", "points = 4\nhint = 'x'"), "`hint` is not a field of exercise.toml"),
    "an unknown limit": (("cell_timeout = 10", "cell_timout = 10"), "`limits.cell_timout` is not a limit"),
    "a negative limit": (
        ("cell_timeout = 10", "cell_timeout = -1"),
        "`limits.cell_timeout` should be a positive number",
    ),
    "an unknown network": (
        ("points = 4", 'points = 4\nnetwork = "internet"'),
        '`network` should be "none" or "loopback"',
    ),
    "no id": (('id = "greeting"', ""), "`id` is missing"),
}

BAD_FRONT_MATTER = {
    "hours as text": (("hours:", "hours: many\nold_hours:"), "`hours` should be a number, not 'many'"),
    "objectives as one text": (
        ("objectives:", "objectives: learn things\nold_objectives:"),
        "`objectives` should be a list of texts",
    ),
    "broken YAML": (("title:", "title: [unclosed\nold_title:"), "the front matter is not valid YAML"),
}


@pytest.fixture
def course(tmp_path: Path) -> Path:
    for part in (GREETING, "solutions/00-start-here/greeting"):
        shutil.copytree(REPO / part, tmp_path / part)
    (tmp_path / "docs/modules/00-start-here").mkdir(parents=True)
    shutil.copy(REPO / "docs/modules/00-start-here/index.md", tmp_path / "docs/modules/00-start-here/index.md")
    return tmp_path


def site(course: Path):
    return discover_course(course / "docs/modules", course / "exercises", course / "solutions")


@pytest.mark.parametrize("name", BAD_EXERCISE_TOML)
def test_a_wrong_exercise_toml_is_refused_alike_by_grader_check_and_site(course: Path, name: str):
    (old, new), said = BAD_EXERCISE_TOML[name]
    toml = course / GREETING / "exercise.toml"
    text = toml.read_text(encoding="utf-8").replace(old, new, 1)
    if name == "hints as one text":  # the list the text replaces goes
        text = text[: text.index("hints = [")] + text[text.index("]\n", text.index("hints = [")) + 2 :]
    toml.write_text(text, encoding="utf-8")
    messages = []
    for read in (lambda: load_exercise(course / GREETING), lambda: site(course)):
        with pytest.raises(CourseError) as raised:
            read()
        messages.append(str(raised.value))
    reports, _ = check_course(course)
    messages.append(reports[0].problems[0])
    assert messages[0] == messages[1] == messages[2], messages
    assert messages[0].startswith(str(toml)) and said in messages[0], messages[0]


@pytest.mark.parametrize("name", BAD_FRONT_MATTER)
def test_a_wrong_front_matter_is_refused_alike_by_check_and_site(course: Path, name: str):
    (old, new), said = BAD_FRONT_MATTER[name]
    index = course / "docs/modules/00-start-here/index.md"
    index.write_text(index.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    with pytest.raises(CourseError) as raised:
        site(course)
    _, modules = check_course(course, only="nothing-is-graded")
    assert modules["00-start-here"] == [str(raised.value)]
    assert str(raised.value).startswith(str(index)) and said in str(raised.value)


def test_the_whole_course_reads_without_a_complaint():
    for toml in sorted(REPO.glob("exercises/*/*/exercise.toml")):
        meta = read_exercise_meta(toml.parent)
        assert meta.notebook and meta.hints, toml
    for index in sorted(REPO.glob("docs/modules/*/index.md")):
        meta = read_module_meta(index)
        assert meta.title and meta.objectives and meta.hours, index


def test_exercises_come_in_the_order_the_module_page_names_them(course: Path):
    # grade next, grade list, the site and the book: as the page lists them, not by folder name
    from grader.course_map import course_modules
    from grader.exercise import all_exercises

    module = course / "exercises/00-start-here"
    for name in ("alpha", "zeta"):
        shutil.copytree(module / "greeting", module / name)
        toml = module / name / "exercise.toml"
        toml.write_text(toml.read_text(encoding="utf-8").replace('id = "greeting"', f'id = "{name}"'))
    index = course / "docs/modules/00-start-here/index.md"
    front_matter = index.read_text(encoding="utf-8").split("---")[1]
    index.write_text(f"---{front_matter}---\n\n# Start here\n\n- **zeta**: first\n1. **greeting**: then\n")
    expected = ["zeta", "greeting", "alpha"]  # named ones in the page's order, then the others by folder
    assert [e.id for e in course_modules(course)[0].exercises] == expected
    assert [e.id for e in all_exercises(course)] == expected
    assert [e.id for e in site(course).modules[0].exercises] == expected
