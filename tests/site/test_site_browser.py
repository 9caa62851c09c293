"""The fixture course's site in Debian's chromium, served on 127.0.0.1.

Every page is loaded with a route that records (and blocks) any request for another host,
and each test ends by asserting there was none. SCREENSHOTS=1 saves screenshots of the home,
roadmap and exercise pages, light and dark, to screenshots/ (ignored by git).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect, sync_playwright

from tests.site.coursekit import REPO, SEARCH_WORD, SOLUTION_MARK

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
EXERCISE = "modules/00-first-steps/exercises/hello/index.html"
LESSON = "modules/00-first-steps/01-counting.html"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's chromium, never a downloaded one. Per module, not per session: while playwright runs,
    its event loop is the thread's running loop, and a later test on the same pytest-xdist worker
    that grades (asyncio.run) would fail."""
    if not Path(CHROMIUM).exists():  # .ci/run installs it; a missing browser is a failure, not a skip
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def elsewhere() -> list[str]:
    """Requests that tried to leave 127.0.0.1 during the test."""
    return []


def _context(browser: Browser, elsewhere: list[str], scheme: str = "light") -> BrowserContext:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)  # type: ignore[arg-type]

    def guard(route: Route) -> None:
        url = urlsplit(route.request.url)
        if url.scheme in ("http", "https", "ws", "wss") and url.hostname != "127.0.0.1":
            elsewhere.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    context.route("**/*", guard)
    return context


@pytest.fixture
def page(browser: Browser, elsewhere: list[str]) -> Iterator[Page]:
    """A fresh page (empty localStorage); the test fails if anything left 127.0.0.1."""
    context = _context(browser, elsewhere)
    yield context.new_page()
    context.close()
    assert elsewhere == [], f"requests left 127.0.0.1: {elsewhere}"


def test_when_home_opens_then_it_renders_the_course(page: Page, site_url: str) -> None:
    page.goto(f"{site_url}/index.html")
    expect(page).to_have_title(re.compile("From non-coder to AI engineer"))
    expect(page.locator("h1")).to_contain_text("From non-coder to AI engineer")
    expect(page.locator(".md-tabs")).to_contain_text("Roadmap")


def test_when_modules_tab_is_followed_then_a_module_and_its_lesson_open(
    page: Page,
    site_url: str,
) -> None:
    page.goto(f"{site_url}/index.html")
    page.locator(".md-tabs__link", has_text="Modules").click()
    expect(page).to_have_url(f"{site_url}/modules/00-first-steps/index.html")
    expect(page.locator("article h1")).to_contain_text("First steps")
    page.locator(".md-sidebar--primary").get_by_role("link", name="Counting quokkas").click()
    expect(page.locator("article")).to_contain_text("quokkas counted: 4")


def _search(page: Page, word: str) -> None:
    field = page.locator("input.md-search__input")
    field.click()
    field.press_sequentially(word, delay=20)  # typed: the search reacts to key presses


def test_when_searching_a_word_from_one_lesson_then_only_that_lesson_is_found(
    page: Page,
    site_url: str,
) -> None:
    page.goto(f"{site_url}/index.html")
    _search(page, SEARCH_WORD)
    expect(page.locator(".md-search-result__meta")).to_have_text("1 matching document")
    links = page.locator(".md-search-result__item a")
    hrefs = [links.nth(i).get_attribute("href") or "" for i in range(links.count())]
    assert hrefs and all(urlsplit(h).path.endswith(LESSON) for h in hrefs), hrefs


def test_when_opened_from_disk_then_search_still_works(
    page: Page,
    fixture_site: Path,
) -> None:
    page.goto((fixture_site / "index.html").as_uri())
    _search(page, SEARCH_WORD)
    expect(page.locator(".md-search-result__meta")).to_have_text("1 matching document")


def test_when_dark_mode_is_toggled_then_the_page_turns_dark_and_stays(
    page: Page,
    site_url: str,
) -> None:
    page.goto(f"{site_url}/index.html")
    body = page.locator("body")
    for _ in range(3):  # automatic -> light -> dark
        if body.get_attribute("data-md-color-scheme") == "slate":
            break
        page.locator("form[data-md-component='palette'] label:visible").first.click()
    expect(body).to_have_attribute("data-md-color-scheme", "slate")
    page.reload()
    expect(body).to_have_attribute("data-md-color-scheme", "slate")


def test_when_the_notebook_is_downloaded_then_it_is_the_starter_without_the_solution(
    page: Page,
    site_url: str,
) -> None:
    page.goto(f"{site_url}/{EXERCISE}")
    with page.expect_download() as info:
        page.get_by_role("link", name="Download the notebook").click()
    download = info.value
    assert download.suggested_filename == "hello.ipynb"
    text = Path(download.path()).read_text("utf-8")
    nbformat.validate(nbformat.reads(text, as_version=4))
    assert "YOUR CODE HERE" in text and SOLUTION_MARK not in text


def test_when_marked_done_then_it_survives_a_reload_and_shows_on_the_roadmap(
    page: Page,
    site_url: str,
) -> None:
    page.goto(f"{site_url}/{LESSON}")
    button = page.locator(".course-done__button")
    expect(button).to_have_accessible_name("Mark as done")
    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")
    page.reload()
    expect(button).to_have_attribute("aria-pressed", "true")
    page.goto(f"{site_url}/roadmap.html")
    step = page.locator("#step-00-first-steps")
    expect(step.locator("[data-course-count]")).to_have_text("1 of 2 done")
    expect(step).to_have_class("course-step is-started")
    expect(step.locator('[data-course-check="lesson:00-first-steps/01-counting"]')).to_have_class(
        "course-check is-done"
    )
    stored = page.evaluate("localStorage.getItem('course-progress:v1')")
    assert "lesson:00-first-steps/01-counting" in json.loads(stored)


def test_when_a_lesson_shows_math_callouts_and_answers_then_they_are_styled(
    page: Page,
    site_url: str,
) -> None:
    page.goto(f"{site_url}/{LESSON}")
    expect(page.locator(".jp-RenderedMarkdown .katex").first).to_be_visible()
    title = page.locator(".jp-RenderedMarkdown .admonition.warning .admonition-title")
    colour = title.evaluate("e => getComputedStyle(e).backgroundColor")
    assert colour not in ("rgba(0, 0, 0, 0)", "transparent")
    answer = page.locator(".jp-RenderedMarkdown details.question")
    expect(answer.locator("strong")).not_to_be_visible()
    answer.locator("summary").click()
    expect(answer.locator("strong")).to_be_visible()


def test_when_every_kind_of_page_loads_then_nothing_is_fetched_from_elsewhere(
    page: Page,
    site_url: str,
) -> None:
    for path in (
        "index.html",
        "start-here.html",
        "roadmap.html",
        LESSON,
        EXERCISE,
        "solutions/00-first-steps/hello/index.html",
        "glossary.html",
    ):
        page.goto(f"{site_url}/{path}")
        page.wait_for_load_state("networkidle")
    # the `page` fixture asserts that no request left 127.0.0.1


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshots(browser: Browser, site_url: str, elsewhere: list[str], scheme: str, tmp_path: Path) -> None:
    """Home, roadmap and an exercise page, for a person to look at (kept in screenshots/ with SCREENSHOTS=1)."""
    folder = REPO / "screenshots" if os.environ.get("SCREENSHOTS") == "1" else tmp_path
    folder.mkdir(exist_ok=True)
    context = _context(browser, elsewhere, scheme)
    page = context.new_page()
    page.goto(f"{site_url}/index.html")  # one lesson done, so the roadmap shows progress
    page.evaluate(
        "localStorage.setItem('course-progress:v1', JSON.stringify({'lesson:00-first-steps/01-counting': 'today'}))"
    )
    for name, path in (("home", "index.html"), ("roadmap", "roadmap.html"), ("exercise", EXERCISE), ("lesson", LESSON)):
        page.goto(f"{site_url}/{path}")
        page.wait_for_load_state("networkidle")
        shot = folder / f"{name}-{scheme}.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
    context.close()
    assert elsewhere == []
