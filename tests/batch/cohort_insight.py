"""A small cohort for the report, the similarity and the exports: graded once per test module."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from tests.batch.conftest import STARTER, greeting, loop_notebook, make_course, run
from tests.batch.test_similarity import ADA, INDEPENDENT, RENAMED, STATS_STARTER
from tests.conftest import write_exercise, write_nb

STATS_CHECKS = '''
@points(1)
def test_average(nb):
    """average gives the mean"""
    assert nb.function("average")([1, 2, 3, 6]) == 3, "average([1, 2, 3, 6]) should be 3"


@points(1)
def test_warm_days(nb):
    """warm_days counts the values above the limit"""
    assert nb.function("warm_days")([1, 5, 9], 4) == 2, "warm_days([1, 5, 9], 4) should be 2"
'''


def add_stats_exercise(root: Path) -> None:
    folder = write_exercise(
        root / "exercises" / "00-test" / "stats",
        STATS_CHECKS,
        'notebook = "stats.ipynb"\n',
        exercise_id="stats",
        cells=STATS_STARTER,
    )
    (folder / "demo.ipynb").rename(folder / "stats.ipynb")


def make_cohort(tmp: Path) -> tuple[Path, Path]:
    """ada solves both; cy hands in ada's stats renamed; bo writes his own; eve is stuck everywhere;
    fay has not started; gus's loop runs too long."""
    root = make_course(tmp / "course")
    add_stats_exercise(root)
    subs = tmp / "submissions"
    greeting(subs / "ada" / "greeting.ipynb")
    write_nb(ADA, subs / "ada" / "stats.ipynb")
    greeting(subs / "bo" / "greeting.ipynb", edit={'f"Hello, {name}!"': 'f"Hi, {name}"'})
    write_nb(INDEPENDENT["bo"], subs / "bo" / "stats.ipynb")
    greeting(subs / "cy" / "greeting.ipynb", edit={'f"Hello, {name}!"': 'f"Hi, {name}"'})
    write_nb(RENAMED, subs / "cy" / "stats.ipynb")
    greeting(subs / "eve" / "greeting.ipynb", edit={'my_name = "Ada"': "my_name = Ada", "{name}!": "{nam}!"})
    (subs / "fay").mkdir(parents=True)
    shutil.copy(STARTER, subs / "fay" / "greeting.ipynb")
    write_nb(
        [
            STATS_STARTER[0],
            "def average(values):\n    return total / len(values)",
            "def warm_days(values, limit):\n    return 0",
        ],
        subs / "eve" / "stats.ipynb",
    )
    loop_notebook(subs / "gus" / "demo.ipynb")
    return root, subs


def graded_cohort(tmp: Path, **options: Any) -> dict[str, Any]:
    root, subs = make_cohort(tmp)
    out = tmp / "out"
    report, printed = run(subs, out, root, **options)
    return {"root": root, "subs": subs, "out": out, "report": report, "printed": printed}
