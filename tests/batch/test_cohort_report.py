"""What a batch writes beside the gradebook: Canvas's and Moodle's CSV, and report.html, opened
in Debian's chromium; the same after a resumed batch and on a Dask cluster."""

from __future__ import annotations

import csv
import io
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from playwright.sync_api import Browser, Page, Request, expect

from grader.batch.exports import to_canvas_csv, to_moodle_csv
from grader.batch.gradebook import Gradebook
from grader.batch.report_html import PAIRS_SHOWN, render_report
from grader.batch.similarity import SimilarPair
from grader.course_cli import main as course
from tests.batch.cohort_insight import graded_cohort, make_cohort
from tests.batch.conftest import run
from tests.batch.test_interrupt import start_batch
from tests.site.test_site_browser import browser  # noqa: F401  (the project's chromium, shared)


@pytest.fixture(scope="module")
def cohort(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return graded_cohort(tmp_path_factory.mktemp("insight"), workers=2)


def rows(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_when_a_batch_ends_then_canvas_gets_its_own_gradebook_format(cohort: dict[str, Any]):
    canvas = rows(cohort["out"] / "canvas-grades.csv")
    assert canvas[0] == [
        "Student",
        "ID",
        "SIS User ID",
        "SIS Login ID",
        "Section",
        "Say hello (greeting)",
        "Demo (loop)",
        "Demo (stats)",
    ]
    assert all(re.fullmatch(r".+ \([\w-]+\)", title) for title in canvas[0][5:])
    assert canvas[1] == ["    Points Possible", "", "", "", "", "4", "1", "2"]
    by_learner = {row[2]: row[5:] for row in canvas[2:]}
    assert by_learner == {
        "ada": ["4", "", "2"],
        "bo": ["1", "", "2"],
        "cy": ["1", "", "2"],
        "eve": ["0", "", "0"],
        "fay": ["0", "", ""],
        "gus": ["", "0", ""],
    }


def test_when_a_batch_ends_then_moodle_gets_an_identifier_and_a_column_per_grade_item(cohort: dict[str, Any]):
    moodle = rows(cohort["out"] / "moodle-grades.csv")
    assert moodle[0] == ["Username", "Say hello", "Demo (loop)", "Demo (stats)"]  # two "Demo": told apart
    assert moodle[1:] == [
        ["ada", "4", "", "2"],
        ["bo", "1", "", "2"],
        ["cy", "1", "", "2"],
        ["eve", "0", "", "0"],
        ["fay", "0", "", ""],
        ["gus", "", "0", ""],
    ]


def test_when_the_grader_failed_then_the_exports_leave_the_grade_blank_never_zero():
    records = {
        ("ann@example.org", "greeting"): {"status": "error", "score": 0.0, "max_score": 4, "title": "Say hi"},
        ("ben@example.org", "greeting"): {"status": "passed", "score": 4.0, "max_score": 4, "title": "Say hi"},
    }
    book = Gradebook(["greeting"], ["ann@example.org", "ben@example.org"], records)
    assert list(csv.reader(io.StringIO(to_moodle_csv(book)))) == [
        ["Email address", "Say hi"],
        ["ann@example.org", ""],
        ["ben@example.org", "4"],
    ]
    assert list(csv.reader(io.StringIO(to_canvas_csv(book))))[2:] == [
        ["ann@example.org", "", "ann@example.org", "", "", ""],
        ["ben@example.org", "", "ben@example.org", "", "", "4"],
    ]


@pytest.fixture
def report_page(browser: Browser, cohort: dict[str, Any]) -> Iterator[Page]:  # noqa: F811
    """report.html opened from disk; the test fails if it asked for anything but itself and data: URLs."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    requests: list[str] = []

    def seen(request: Request) -> None:
        if not request.url.startswith(("data:", (cohort["out"] / "report.html").as_uri())):
            requests.append(request.url)

    context.on("request", seen)
    page = context.new_page()
    page.goto((cohort["out"] / "report.html").as_uri())
    yield page
    context.close()
    assert requests == [], f"report.html loaded something from elsewhere: {requests}"


@pytest.mark.browser
def test_when_the_report_is_opened_then_the_instructor_sees_what_to_reteach_and_who_to_help(report_page: Page):
    page = report_page
    expect(page.locator("h1")).to_have_text("Batch report")
    expect(page.locator("body")).to_contain_text("6 learners, 10 notebooks, 3 exercises.")
    hardest = page.locator("table.rates tr").nth(1)  # the lowest pass rate first
    expect(hardest).to_contain_text("value is 42")
    expect(hardest).to_contain_text("0 / 1")
    greet = page.locator("table.failures tr", has_text="greet should return 'Hello, ' + the name + '!'")
    expect(greet.locator("td").first).to_have_text("2")
    expect(greet.locator("td").last).to_have_text("bo, cy")
    stuck = page.locator("table.stuck")
    expect(stuck.locator("tr", has_text="eve")).to_contain_text("scored 0 on greeting, stats")
    expect(stuck.locator("tr", has_text="eve")).to_contain_text("cell 3 stopped with NameError")
    expect(stuck.locator("tr", has_text="fay")).to_contain_text("greeting: not attempted")
    expect(stuck.locator("tr", has_text="gus")).to_contain_text("loop: cell 1 ran too long")
    expect(stuck.locator("tr", has_text="ada")).to_have_count(0)
    images = page.locator("img")
    expect(images).to_have_count(5)  # pass rates, a score plot per exercise, grading times
    assert all(w > 100 for w in images.evaluate_all("imgs => imgs.map(i => i.naturalWidth)"))
    slowest = page.locator("table.slowest tr")
    expect(slowest).to_have_count(11)  # the heading and the 10 slowest of 10 notebooks
    seconds = [float(s) for s in slowest.locator("td:last-child").all_inner_texts()]
    assert seconds == sorted(seconds, reverse=True)


@pytest.mark.browser
def test_when_two_learners_share_code_then_the_report_shows_the_pair_side_by_side(report_page: Page):
    page = report_page
    pairs = page.locator("details.similar")
    expect(pairs).to_have_count(1)  # bo's own answer and the short greeting are not flagged
    expect(pairs.locator("summary")).to_contain_text("stats: ada and cy")
    sides = pairs.locator(".pair > div")
    expect(sides.nth(0).locator("h4")).to_have_text("ada")
    expect(sides.nth(1).locator("h4")).to_have_text("cy")
    expect(sides.nth(1).locator("mark").first).to_be_visible()
    assert "for item in values" in " ".join(sides.nth(1).locator("mark").all_inner_texts())
    left, right = (box for box in (sides.nth(0).bounding_box(), sides.nth(1).bounding_box()) if box)
    assert left["x"] + left["width"] <= right["x"]  # side by side, not stacked


def test_when_a_killed_batch_is_resumed_then_it_writes_the_same_exports_and_report(
    cohort: dict[str, Any], tmp_path: Path
):
    subs, out = tmp_path / "submissions", tmp_path / "out"
    shutil.copytree(cohort["subs"], subs)
    shutil.copytree(cohort["out"], out)
    for made_at_the_end in ("canvas-grades.csv", "moodle-grades.csv", "report.html", "gradebook.csv"):
        (out / made_at_the_end).unlink()
    for never_saved in ("ada/stats.json", "eve/greeting.json"):  # killed before these were written
        (out / "results" / never_saved).unlink()
    report, _ = run(subs, out, cohort["root"], workers=2)
    assert (report.graded, report.kept) == (2, 8)
    for export in ("canvas-grades.csv", "moodle-grades.csv"):
        assert (out / export).read_text() == (cohort["out"] / export).read_text()
    page = (out / "report.html").read_text()
    assert "<strong>stats</strong>: ada and cy" in page and page.count('<details class="similar"') == 1
    assert "scored 0 on greeting, stats" in page


def test_when_a_dask_cluster_grades_then_the_report_and_exports_are_written_too(tmp_path: Path):
    distributed = pytest.importorskip("distributed")
    root, subs = make_cohort(tmp_path)
    for learner in ("eve", "fay", "gus"):  # the copy and two others are enough here
        shutil.rmtree(subs / learner)
    out = tmp_path / "out"
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        report, printed = run(subs, out, root, scheduler=cluster.scheduler_address)
    assert (report.graded, report.errors) == (6, 0), printed
    assert rows(out / "canvas-grades.csv")[2:] == [
        ["ada", "", "ada", "", "", "4", "2"],
        ["bo", "", "bo", "", "", "1", "2"],
        ["cy", "", "cy", "", "", "1", "2"],
    ]
    page = (out / "report.html").read_text()
    assert "<strong>stats</strong>: ada and cy" in page and page.count('<details class="similar"') == 1


def test_when_copydetect_is_missing_then_the_report_still_comes_and_says_how_to_compare():
    records = {
        ("ann", "greeting"): {
            "status": "failed",
            "score": 0.0,
            "max_score": 4,
            "notebook": "ann/greeting.ipynb",
            "checks": [{"description": "greets", "outcome": "failed", "message": "say hi"}],
        }
    }
    page = render_report(Gradebook(["greeting"], ["ann"], records), None)
    assert "Comparing submissions needs copydetect: pip install copydetect" in page
    assert "<script" not in page and not re.search(r'(src|href)="(https?:)?//', page)  # nothing to fetch


def test_when_many_pairs_are_alike_then_the_report_shows_the_most_alike_and_counts_the_rest():
    book = Gradebook(["stats"], [], {})
    pairs = [SimilarPair("stats", f"a{n:02d}", f"b{n:02d}", 1 - n / 100, 200, "x", "y") for n in range(PAIRS_SHOWN + 3)]
    page = render_report(book, pairs)
    assert page.count('<details class="similar"') == PAIRS_SHOWN and "a00 and b00" in page
    assert "And 3 more pairs" in page


def test_when_a_batch_killed_by_kill_9_is_run_again_then_the_report_and_exports_cover_everyone(
    course_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    batch, _, subs, out = start_batch(course_root, tmp_path, learners=2)
    batch.kill()
    batch.communicate(timeout=10)
    assert not (out / "report.html").exists()  # killed while grading: nothing written at the end yet
    monkeypatch.setenv("COURSE_ROOT", str(course_root))
    done = CliRunner().invoke(course, ["grade-batch", str(subs), "--out", str(out), "--workers", "2"])
    assert f"Open {out / 'report.html'} to see what to reteach, who to help" in done.output, done.output
    assert rows(out / "canvas-grades.csv")[2:] == [
        ["learner0", "", "learner0", "", "", "0"],
        ["learner1", "", "learner1", "", "", "0"],
    ]
    page = (out / "report.html").read_text()
    assert page.count("loop: cell 1 ran too long") == 2
