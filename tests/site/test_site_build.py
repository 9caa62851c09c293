"""The built site: pages derived from the course folders, downloads, offline HTML."""

from __future__ import annotations

import io
import json
import re
import shutil
import tomllib
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

from grader.site.prewarm import _render_to_cache
from tests.site.coursekit import (
    REPO,
    SEARCH_WORD,
    SOLUTION_MARK,
    build,
    write,
    write_nb,
)

EXERCISE_PAGE = "modules/00-first-steps/exercises/hello/index.html"


def read(site: Path, page: str) -> str:
    return (site / page).read_text(encoding="utf-8")


def text_of(html: str) -> str:
    """The visible words of some HTML, with tags and extra spaces removed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# the attribute that makes each tag fetch something
FETCHING = {
    "script": "src",
    "img": "src",
    "iframe": "src",
    "source": "src",
    "audio": "src",
    "video": "src",
    "embed": "src",
    "object": "data",
    "link": "href",
}
# <link> tags that fetch (a "canonical" or "alternate" link is only a reference)
FETCHING_RELS = {"stylesheet", "icon", "preload", "modulepreload", "manifest", "prefetch"}
CSS_URL = re.compile(r"url\(['\"]?([^'\")]+)")


class _ResourceLinks(HTMLParser):
    """Collects every URL a page would fetch: scripts, styles, images, frames, media."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        fetches = tag != "link" or bool(FETCHING_RELS & set(values.get("rel", "").split()))
        if tag in FETCHING and fetches and values.get(FETCHING[tag]):
            self.urls.append(values[FETCHING[tag]])
        if values.get("srcset"):
            self.urls += [part.split()[0] for part in values["srcset"].split(",") if part]
        self.urls += CSS_URL.findall(values.get("style", ""))
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.urls += CSS_URL.findall(data)
        self.urls += re.findall(r"import\(\s*['\"](https?://[^'\"]+)", data)


def remote_resources(site: Path) -> dict[str, list[str]]:
    """Pages (and stylesheets) that would load anything from another host."""
    found: dict[str, list[str]] = {}
    for page in site.rglob("*.html"):
        parser = _ResourceLinks()
        parser.feed(page.read_text(encoding="utf-8"))
        remote = [u for u in parser.urls if re.match(r"(https?:)?//", u)]
        if remote:
            found[str(page.relative_to(site))] = remote
    for sheet in site.rglob("*.css"):
        remote = [u for u in CSS_URL.findall(sheet.read_text("utf-8")) if re.match(r"(https?:)?//", u)]
        if remote:
            found[str(sheet.relative_to(site))] = remote
    return found


# -- the fixture course ---------------------------------------------------------------------


def test_when_built_then_exercise_page_shows_title_points_grading_and_folded_hints(
    fixture_site: Path,
) -> None:
    html = read(fixture_site, EXERCISE_PAGE)
    words = text_of(html)
    assert "Say hello" in words
    assert "3 points" in words
    assert "grade hello" in words and "grade path/to/hello.ipynb" in words
    assert 'href="../../../../grading.html"' in html  # "How grading works"
    hints = re.findall(r'<details class="tip">\s*<summary>Hint (\d)</summary>', html)
    assert hints == ["1", "2", "3"]
    assert 'data-course-done="exercise:hello"' in html


def test_when_built_then_exercise_page_renders_the_starter_never_the_solution(
    fixture_site: Path,
) -> None:
    html = read(fixture_site, EXERCISE_PAGE)
    assert "jupyter-wrapper" in html and "YOUR CODE HERE" in html
    assert SOLUTION_MARK not in html


def test_when_built_then_notebook_download_is_the_starter(fixture_site: Path) -> None:
    folder = fixture_site / "modules/00-first-steps/exercises/hello"
    nb = nbformat.reads((folder / "hello.ipynb").read_text("utf-8"), as_version=4)
    nbformat.validate(nb)
    assert SOLUTION_MARK not in json.dumps(nb)
    assert 'href="hello.ipynb"' in read(fixture_site, EXERCISE_PAGE)


def test_when_built_then_exercise_zip_holds_the_whole_folder(fixture_site: Path) -> None:
    data = (fixture_site / "modules/00-first-steps/exercises/hello/hello.zip").read_bytes()
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert sorted(names) == [
        "hello/.original/hello.ipynb",
        "hello/exercise.toml",
        "hello/hello.ipynb",
        "hello/names.csv",
        "hello/test_hello.py",
    ]


def test_when_built_then_solution_page_opens_with_try_first(fixture_site: Path) -> None:
    html = read(fixture_site, "solutions/00-first-steps/hello/index.html")
    content = html[html.index("md-content") :]
    first_block = re.search(
        r'<div class="admonition (\w+)">\s*<p class="admonition-title">'
        r"([^<]+)",
        content,
    )
    assert first_block and first_block.group(2) == "Try it yourself first"
    assert SOLUTION_MARK in html
    assert "Returning lets the checks see the value." in html  # the explanation


def test_when_built_then_roadmap_shows_every_module_with_hours_prerequisites_and_items(
    fixture_site: Path,
) -> None:
    html = read(fixture_site, "roadmap.html")
    steps = re.findall(r'<li class="course-step" id="step-([\w-]+)" data-course-items="([^"]*)"', html)
    assert steps == [
        ("00-first-steps", "lesson:00-first-steps/01-counting exercise:hello"),
        ("01-next-step", "lesson:01-next-step/01-tables"),
    ]
    words = text_of(html)
    assert "about 2 hours" in words and "about 3 hours" in words
    assert "before this: 0. First steps" in words
    assert "Counting quokkas" in words and "Say hello" in words and "Reading tables" in words


def test_when_built_then_navigation_has_modules_lessons_exercises_and_solutions(
    fixture_site: Path,
) -> None:
    html = read(fixture_site, "index.html")
    tabs = re.findall(r'class="md-tabs__link">\s*([^<]+?)\s*</a>', html)
    assert tabs[:5] == ["Home", "Start here", "Roadmap", "Modules", "Solutions"]
    page = read(fixture_site, "modules/00-first-steps/index.html")
    nav = text_of(page[page.index("md-nav--primary") : page.index("md-content")])
    for label in ("0. First steps", "Counting quokkas", "Exercise: Say hello", "1. The next step", "Reading tables"):
        assert label in nav


def test_when_module_has_no_exercises_then_its_page_still_lists_its_lessons(
    fixture_site: Path,
) -> None:
    words = text_of(read(fixture_site, "modules/01-next-step/index.html"))
    assert "This step at a glance" in words
    assert "Lesson: Reading tables" in words
    assert "Before this: 0. First steps" in words


def test_when_lesson_runs_at_build_then_its_output_and_plot_are_on_the_page(
    fixture_site: Path,
) -> None:
    html = read(fixture_site, "modules/00-first-steps/01-counting.html")
    assert "quokkas counted: 4" in html
    assert re.search(r'<img[^>]+src="data:image/png;base64,', html)
    assert SEARCH_WORD in html
    assert 'href="01-counting.ipynb"' in html  # the lesson's own download
    assert (fixture_site / "modules/00-first-steps/01-counting.ipynb").is_file()


def test_when_built_then_notebook_styles_are_shared_files_not_inlined(fixture_site: Path) -> None:
    html = read(fixture_site, "modules/00-first-steps/01-counting.html")
    assert len(html) < 200_000
    sheets = re.findall(r'<link rel="stylesheet" href="\.\./\.\./(assets/notebook/\w+\.css)">', html)
    assert sheets and all((fixture_site / s).is_file() for s in sheets)


def test_when_built_then_no_page_loads_anything_from_another_host(fixture_site: Path) -> None:
    assert remote_resources(fixture_site) == {}
    for page in fixture_site.rglob("*.html"):
        assert "cdnjs.cloudflare.com" not in page.read_text("utf-8"), page


def test_when_built_then_search_index_is_inlined_for_file_urls(fixture_site: Path) -> None:
    index = (fixture_site / "search/search_index.js").read_text("utf-8")
    assert index.startswith("var __index =") and SEARCH_WORD in index


def test_when_built_then_course_zip_holds_no_solutions(fixture_site: Path) -> None:
    names = zipfile.ZipFile(fixture_site / "downloads/ai-engineer-course.zip").namelist()
    assert "exercises/00-first-steps/hello/hello.ipynb" in names  # no top folder: see course_zip
    assert "exercises/00-first-steps/hello/.original/hello.ipynb" in names  # what grade reset reads
    assert "docs/modules/00-first-steps/01-counting.ipynb" in names
    assert not [n for n in names if "/solutions/" in n]


# -- variations of the fixture course -------------------------------------------------------


def test_when_solutions_are_off_and_a_stamp_is_set_then_no_solution_and_a_stamped_footer(
    fixture_course: Path,
    tmp_path: Path,
) -> None:
    root = tmp_path / "course"
    shutil.copytree(fixture_course, root, ignore=shutil.ignore_patterns("site"))
    config = (root / "mkdocs.yml").read_text("utf-8")
    config = re.sub(r"^  - course\b.*$", "  - course:\n      solutions: false", config, count=1, flags=re.M)
    (root / "mkdocs.yml").write_text(config)
    result = build(root, root / "site", env={"COURSE_STAMP": "Version 1.2-test"})
    assert result.returncode == 0, result.stderr[-3000:]
    assert not (root / "site/solutions").exists()
    home = read(root / "site", "index.html")
    assert ">Solutions<" not in home
    stamp = home[home.index('<div class="course-stamp">') :]
    assert stamp.startswith('<div class="course-stamp">Version 1.2-test')
    assert 'href="./downloads/ai-engineer-course.zip">Download the latest course' in stamp[: stamp.index("</div>")]


def _bare_course(root: Path) -> Path:
    """The smallest course: one module, no theme extras (a quick build)."""
    write(
        root / "mkdocs.yml",
        "site_name: t\nnav:\n  - index.md\n  - Modules: course:modules\n"
        "plugins:\n  - mkdocs-jupyter:\n      include: ['*.ipynb']\n      execute: true\n"
        "      allow_errors: false\n  - course:\n      course_zip: false\n",
    )
    write(root / "docs/index.md", "# Home\n")
    write(root / "docs/modules/00-x/index.md", "---\ntitle: X\nhours: 1\n---\n\n# X\n")
    return root


def test_when_a_lesson_raises_then_the_strict_build_fails(tmp_path: Path) -> None:
    root = _bare_course(tmp_path)
    write_nb(["#md # Broken", "raise ValueError('this lesson is broken')"], root / "docs/modules/00-x/01-broken.ipynb")
    result = build(root, root / "site")
    assert result.returncode != 0
    assert "this lesson is broken" in result.stdout + result.stderr


def test_when_a_lesson_raises_ahead_of_the_build_then_nothing_is_cached(tmp_path: Path) -> None:
    # the parallel pre-run leaves a failing lesson to mkdocs-jupyter, which reports it
    notebook = write_nb(["raise ValueError('broken')"], tmp_path / "broken.ipynb")
    cache = tmp_path / "cache.json"
    options = {
        "kernel_name": "",
        "theme": "",
        "allow_errors": False,
        "show_input": True,
        "no_input": False,
        "no_prompt": False,
        "remove_tag_config": {},
        "highlight_extra_classes": "",
        "include_requirejs": False,
        "custom_mathjax_url": "",
    }
    error = _render_to_cache(str(notebook), str(cache), options, toc_depth=6)
    assert "broken" in error
    assert not cache.exists()


# -- the real course ------------------------------------------------------------------------


@pytest.fixture(scope="session")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's own course, built strictly (lesson cache: the repo's .cache)."""
    site = tmp_path_factory.mktemp("real") / "site"
    result = build(REPO, site)
    assert result.returncode == 0, (result.stdout + result.stderr)[-5000:]
    return site


@pytest.mark.slow
def test_when_the_real_course_is_built_then_every_exercise_has_a_page_and_downloads(
    real_site: Path,
) -> None:
    for toml_path in sorted(REPO.glob("exercises/*/*/exercise.toml")):
        folder = toml_path.parent
        out = real_site / "modules" / folder.parent.name / "exercises" / folder.name
        meta = tomllib.loads(toml_path.read_text("utf-8"))
        assert (out / "index.html").is_file(), folder
        assert meta["title"] in read(out, "index.html")
        names = zipfile.ZipFile(out / f"{folder.name}.zip").namelist()
        assert f"{folder.name}/exercise.toml" in names
        for starter in folder.glob("*.ipynb"):
            assert (out / starter.name).read_bytes() == starter.read_bytes()
    assert remote_resources(real_site) == {}
    # the proofs of the checks (known-wrong and alternative solutions) are never published
    proofs = {p.name for p in REPO.glob("solutions/*/*/proofs/*.ipynb")}
    assert proofs and not [p for p in real_site.rglob("*") if p.name in proofs or p.name == "proofs.toml"]
