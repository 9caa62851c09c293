"""A tiny course of two modules for the learner's commands, built in a temporary folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import write_exercise, write_nb

CHECKS = '''
@points(1)
def test_value(nb):
    """value is 42"""
    assert nb.value("value") == 42, "value should be 42"


@points(1)
def test_runs_in_its_own_working_folder(nb):
    """the notebook runs in the folder it was copied to"""
    from pathlib import Path

    assert Path(nb.eval("__import__('os').getcwd()")).resolve() == nb.workdir.resolve()
'''
EXPLANATION = 'explanation = "Forty-two is the answer."\n'


@pytest.fixture
def course(tmp_path: Path) -> Path:
    """exercises/00-test/demo (with its solution) and exercises/01-more/second, which builds on it."""
    demo = write_exercise(tmp_path / "exercises" / "00-test" / "demo", CHECKS, EXPLANATION)
    write_nb(["value = 42  # SOLUTION"], tmp_path / "solutions" / "00-test" / "demo" / "demo.ipynb")
    write_exercise(tmp_path / "exercises" / "01-more" / "second", CHECKS, exercise_id="second")
    (tmp_path / "docs" / "modules" / "00-test").mkdir(parents=True)
    (tmp_path / "docs" / "modules" / "00-test" / "index.md").write_text(
        "---\ntitle: First steps\nprerequisites: []\n---\n\n# First steps\n"
    )
    (tmp_path / "docs" / "modules" / "01-more").mkdir(parents=True)
    (tmp_path / "docs" / "modules" / "01-more" / "index.md").write_text(
        "---\ntitle: More things\nprerequisites: [00-test]\nhours: 1\n---\n\n# More things\n"
    )
    assert demo.is_dir()
    return tmp_path


# -- the course as a learner gets it: unzipped from the site's own download ------------------------


@pytest.fixture(scope="session")
def course_zip_bytes() -> bytes:
    """The site's course zip, made by the code and the include list the mkdocs plugin uses (once
    per test process: building it reads a few hundred files, no mkdocs build)."""
    from grader.site.config import CourseConfig
    from grader.site.downloads import course_zip
    from tests.conftest import REPO

    config = CourseConfig()
    config.load_dict({})
    config.validate()
    return course_zip(REPO, config.course_zip_include)


@pytest.fixture
def zip_course(course_zip_bytes: bytes, tmp_path: Path) -> Path:
    """A fresh course folder unzipped from the site's zip (each test may change it freely)."""
    import io
    import zipfile

    root = tmp_path / "ai-engineer-course"
    zipfile.ZipFile(io.BytesIO(course_zip_bytes)).extractall(root)
    return root


def grade_here(*args: str, cwd: Path, timeout: float = 120):  # type: ignore[no-untyped-def]
    """The real `grade` run in `cwd` as a learner would, with COURSE_ROOT unset."""
    from tests.conftest import run_grade

    return run_grade(*args, cwd=cwd, env={"COURSE_ROOT": ""}, timeout=timeout)
