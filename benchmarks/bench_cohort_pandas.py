"""A cohort of a pandas exercise (monthly-revenue) with `course grade-batch` and with nbgrader, in one run.

    .venv/bin/python benchmarks/bench_cohort_pandas.py [--submissions 40] [--workers N]

The cohort cycles through eight kinds of submission made from the exercise's own proofs: the
reference solution twice, an alternative written with a loop, four known-wrong ones (every status
counted, the unit price summed, grouped by day, the month written 01-2024) and the starter. The
same notebooks are graded by `course grade-batch` (two gradings per core, the sandbox on) and by
`nbgrader autograde` (one notebook at a time, its own venv under ~/.cache/course-bench with
nbgrader and pandas from PyPI), whose source notebook carries five autograder test cells equivalent
to test_monthly_revenue.py (8 points). Printed: each tool's time, submissions per second, the ratio,
and whether the two agree on every learner's score.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from bench_cohort import run, venv, venv_env, version  # same folder: the same venv and process handling

REPO = Path(__file__).resolve().parent.parent
EXERCISE = REPO / "exercises" / "05-pandas" / "monthly-revenue"
SOLUTIONS = REPO / "solutions" / "05-pandas" / "monthly-revenue"
NAME = "monthly-revenue.ipynb"
KINDS = (
    [SOLUTIONS / NAME, SOLUTIONS / NAME]
    + [
        SOLUTIONS / "proofs" / f"{proof}.ipynb"
        for proof in (
            "loop-over-rows",
            "counts-every-status",
            "sums-the-unit-price",
            "groups-by-day",
            "month-name-first",
        )
    ]
    + [EXERCISE / NAME]
)
COURSE = [str(Path(sys.executable).parent / "course")]

REFERENCE = """
import pandas as pd
def _reference(orders):
    done = orders[orders["status"] == "completed"]
    per_order = pd.DataFrame({"month": pd.to_datetime(done["order_date"]).dt.strftime("%Y-%m"),
                              "amount": done["quantity"] * done["unit_price"]})
    return per_order.groupby("month").agg(orders=("amount", "size"), revenue=("amount", "sum")).reset_index()
def _same(got, rows):
    table = rows if isinstance(rows, pd.DataFrame) else _reference(pd.DataFrame(rows, columns=[
        "order_id", "order_date", "customer_id", "product", "quantity", "unit_price", "status"]))
    pd.testing.assert_frame_equal(got.reset_index(drop=True)[["month", "orders", "revenue"]], table,
                                  check_dtype=False)
"""
# (points, test cell): the five checks of test_monthly_revenue.py, as nbgrader autograder cells
TESTS = [
    (3, REFERENCE + "_same(monthly_revenue(orders), _reference(orders))"),
    (
        2,
        REFERENCE + "_same(monthly_revenue(pd.DataFrame([(1, '2024-03-04', 7, 'Pro', 1, 29.0, 'completed'), "
        "(2, '2024-03-09', 8, 'Team', 1, 99.0, 'cancelled'), (3, '2024-03-15', 9, 'Team', 2, 99.0, 'refunded')], "
        "columns=['order_id', 'order_date', 'customer_id', 'product', 'quantity', 'unit_price', 'status'])), "
        "[(1, '2024-03-04', 7, 'Pro', 1, 29.0, 'completed')])",
    ),
    (
        1,
        REFERENCE + "_rows = [(1, '2024-01-10', 7, 'Pro', 3, 29.0, 'completed'), "
        "(2, '2024-01-20', 8, 'API', 10, 4.5, 'completed')]\n"
        "_same(monthly_revenue(pd.DataFrame(_rows, columns=['order_id', 'order_date', 'customer_id', 'product', "
        "'quantity', 'unit_price', 'status'])), _rows)",
    ),
    (
        1,
        REFERENCE + "_rows = [(1, '2024-02-01', 7, 'S', 1, 9.0, 'completed'), (2, '2024-02-14', 8, 'S', 1, 9.0, "
        "'completed'), (3, '2024-02-29', 9, 'S', 2, 9.0, 'completed')]\n"
        "_same(monthly_revenue(pd.DataFrame(_rows, columns=['order_id', 'order_date', 'customer_id', 'product', "
        "'quantity', 'unit_price', 'status'])), _rows)",
    ),
    (
        1,
        REFERENCE + "_rows = [(1, '2024-01-05', 7, 'P', 1, 29.0, 'completed'), (2, '2023-12-30', 8, 'S', 1, 9.0, "
        "'completed'), (3, '2024-01-02', 9, 'S', 1, 9.0, 'completed')]\n"
        "_same(monthly_revenue(pd.DataFrame(_rows, columns=['order_id', 'order_date', 'customer_id', 'product', "
        "'quantity', 'unit_price', 'status'])), _rows)",
    ),
]


def code_cells(path: Path) -> list[str]:
    nb = nbformat.read(path, as_version=4)
    return [c.source for c in nb.cells if c.cell_type == "code" and "solution-only" not in c.metadata.get("tags", [])]


def write_cohort(folder: Path, count: int) -> list[Path]:
    submissions = []
    for n in range(count):
        target = folder / f"learner{n:04d}" / NAME
        target.parent.mkdir(parents=True)
        nb = nbformat.read(KINDS[n % len(KINDS)], as_version=4)
        nb.cells = [c for c in nb.cells if "solution-only" not in c.metadata.get("tags", [])]
        nbformat.write(nb, target)
        submissions.append(target)
    return submissions


def grade_ours(cohort: Path, out: Path, workers: int | None) -> tuple[float, dict[str, float]]:
    started = time.perf_counter()
    extra = ["--workers", str(workers)] if workers else []
    seconds, code, output = run([*COURSE, "grade-batch", str(cohort), "--out", str(out), *extra], cwd=REPO)
    if code:
        raise RuntimeError(f"grade-batch failed:\n{output[-3000:]}")
    seconds = time.perf_counter() - started
    book = json.loads((out / "gradebook.json").read_text())
    return seconds, {str(r["learner"]): float(r["total"]) for r in book["learners"]}


def nbgrader_source() -> nbformat.NotebookNode:
    nb = nbformat.read(SOLUTIONS / NAME, as_version=4)
    nb.cells = [c for c in nb.cells if "solution-only" not in c.metadata.get("tags", [])]
    for n, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
        solution = "BEGIN SOLUTION" in cell.source
        cell.source = cell.source.replace("# BEGIN SOLUTION", "### BEGIN SOLUTION").replace(
            "# END SOLUTION", "### END SOLUTION"
        )
        cell.metadata["nbgrader"] = {
            "grade": False,
            "solution": solution,
            "locked": not solution,
            "grade_id": f"cell_{n}",
            "schema_version": 3,
        }
    for n, (points, test) in enumerate(TESTS, 1):
        cell = nbformat.v4.new_code_cell(test)
        cell.metadata["nbgrader"] = {
            "grade": True,
            "solution": False,
            "locked": True,
            "points": points,
            "grade_id": f"test_{n}",
            "schema_version": 3,
        }
        nb.cells.append(cell)
    return nb


def grade_nbgrader(submissions: list[Path], work: Path) -> tuple[float, dict[str, float], str]:
    folder = venv("nbgrader-pandas", "nbgrader", "pandas>=3")
    course = work / "nbgrader-course"
    env = venv_env(folder, work / "nbgrader-home")
    (course / "source" / "ps1").mkdir(parents=True)
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\nc.CourseDirectory.course_id = 'bench'\n"
        f"c.CourseDirectory.root = {str(course)!r}\nc.ExecutePreprocessor.timeout = 30\n"
        f"c.Exchange.root = {str(work / 'nbgrader-exchange')!r}\n"
    )
    nbformat.write(nbgrader_source(), course / "source" / "ps1" / NAME)
    shutil.copy(EXERCISE / "orders.csv", course / "source" / "ps1" / "orders.csv")
    nbgrader = str(folder / "bin" / "nbgrader")
    _, code, output = run([nbgrader, "generate_assignment", "ps1", "--force"], env, course)
    if code:
        raise RuntimeError(f"nbgrader generate_assignment failed:\n{output[-3000:]}")
    release = nbformat.read(course / "release" / "ps1" / NAME, as_version=4)
    for n, submission in enumerate(submissions):
        target = course / "submitted" / f"learner{n:04d}" / "ps1" / NAME
        target.parent.mkdir(parents=True)
        shutil.copy(EXERCISE / "orders.csv", target.parent / "orders.csv")
        nb = nbformat.from_dict(json.loads(json.dumps(release)))
        answers = [c for c in nb.cells if c.cell_type == "code" and not c.metadata["nbgrader"]["grade"]]
        for cell, source in zip(answers, code_cells(submission), strict=False):
            cell.source = source
        nbformat.write(nb, target)
    seconds, code, output = run([nbgrader, "autograde", "ps1", "--create"], env, course)
    done = run(
        [
            str(folder / "bin" / "python"),
            "-c",
            "from nbgrader.api import Gradebook\n"
            f"gb = Gradebook('sqlite:///{course / 'gradebook.db'}')\n"
            "for s in gb.students:\n    print(s.id, gb.find_submission('ps1', s.id).score)\n",
        ],
        env,
        course,
    )
    scores = {line.split()[0]: float(line.split()[1]) for line in done[2].splitlines() if len(line.split()) == 2}
    return seconds, scores, version(folder, "nbgrader")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=40)
    parser.add_argument("--workers", type=int)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-cohort-pandas-") as tmp:
        work = Path(tmp)
        submissions = write_cohort(work / "cohort", args.submissions)
        theirs, their_scores, nbgrader_version = grade_nbgrader(submissions, work)
        ours, our_scores = grade_ours(work / "cohort", work / "results", args.workers)
    n = args.submissions
    print(f"monthly-revenue (pandas), {n} submissions in 8 kinds, one run")
    print(f"  course grade-batch:               {ours:6.1f} s   {n / ours:5.2f} per second")
    print(f"  nbgrader {nbgrader_version} autograde:   {theirs:6.1f} s   {n / theirs:5.2f} per second")
    print(f"  grade-batch is {theirs / ours:.1f}x faster")
    differ = {k: (our_scores.get(k), v) for k, v in their_scores.items() if our_scores.get(k) != v}
    print(f"  scores agree on {n - len(differ)} of {n} learners" + (f"; differ: {differ}" if differ else ""))


if __name__ == "__main__":
    main()
