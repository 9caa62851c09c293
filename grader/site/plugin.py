"""The `course` mkdocs plugin: pages, navigation, downloads and roadmap, derived from folders.

Hooks, in build order:
  on_config        read the course folders; fill the nav slots (see `navigation`)
  on_files         add exercise and solution pages, their downloads, the course zip;
                   run pending lesson notebooks in parallel into mkdocs-jupyter's cache
  on_page_markdown add the "at a glance" box and contents list to module overviews
  on_page_content  put rendered notebooks, the roadmap and "mark as done" in place;
                   move notebook CSS into shared files, drop CDN loader scripts
  on_post_build    write those shared CSS files
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from grader.course_archive import LATEST_NAME, site_archive
from grader.errors import CourseError
from grader.site import downloads, notebooks, pages, prewarm
from grader.site.config import CourseConfig
from grader.site.course import Course, Exercise, Lesson, Module, discover_course
from grader.site.navigation import expand_nav
from grader.site.roadmap import ROADMAP_SLOT, roadmap_html

# jsonschema (imported by nbformat, so by mkdocs-jupyter) compiles ~40 grammars of the optional
# `rfc3987_syntax` package when imported, seconds on a small machine, only to check "iri"
# formats that notebook schemas never use. This plugin is listed before mkdocs-jupyter in
# mkdocs.yml, so it is imported first; marking the package absent makes jsonschema skip it.
if "jsonschema" not in sys.modules:
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

log = logging.getLogger("mkdocs.plugins.course")
NOTEBOOK_CSS_DIR = "assets/notebook"
COURSE_ZIP_DIR = "downloads"


class CoursePlugin(BasePlugin[CourseConfig]):
    """Publishes the course found in docs/modules, exercises/ and solutions/."""

    def __init__(self) -> None:
        self.course = Course()
        self.root = Path.cwd()
        self._styles: dict[str, str] = {}

    # -- reading the course -------------------------------------------------------------

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        """Read the course folders and fill the navigation slots."""
        if not self.config.enabled:
            return None
        self.root = Path(config.config_file_path or "mkdocs.yml").resolve().parent
        try:
            self.course = discover_course(
                Path(config.docs_dir) / self.config.modules_dir,
                self.root / self.config.exercises_dir,
                self.root / self.config.solutions_dir,
            )
        except CourseError as err:
            raise PluginError(str(err)) from None
        if config.nav:
            config.nav = expand_nav(config.nav, self.course, self.config.solutions)
        if self.config.course_zip:  # the footer links the course archive this build makes
            config.extra["course_zip_url"] = f"{COURSE_ZIP_DIR}/{self.config.course_zip_name}.zip"
        self._styles = {}
        return config

    def on_serve(self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Any) -> None:
        """Rebuild when an exercise or a solution changes, as for a page in docs/."""
        if not self.config.enabled:
            return
        for name in (self.config.exercises_dir, self.config.solutions_dir):
            if (self.root / name).is_dir():
                server.watch(str(self.root / name))

    # -- generated files ----------------------------------------------------------------

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files | None:
        """Add the generated pages and downloads; run pending lessons ahead, in parallel."""
        if not self.config.enabled:
            return None
        self._warn_about_problems()
        generated: list[File] = []
        for module in self.course.modules:
            for ex in module.exercises:
                generated += self._exercise_files(ex, module, config, files)
        if self.config.solutions and self.course.solutions:
            generated += self._solution_files(config)
        if self.config.course_zip:
            generated += self._course_zip_files(config)
        for file in generated:
            if files.get_file_from_path(file.src_uri):
                raise PluginError(f"course: {file.src_uri} exists in docs/ and is also generated")
            files.append(file)
        self._run_lessons_ahead(config)
        return files

    def _warn_about_problems(self) -> None:
        for module in self.course.modules:
            if module.index is None:
                log.warning(
                    "course: module %s has no docs/%s/%s/index.md", module.id, self.config.modules_dir, module.id
                )
            for pid in module.prerequisites:
                if self.course.module(pid) is None:
                    log.warning("course: module %s lists a prerequisite %r that is not a module", module.id, pid)
            for ex in module.exercises:
                for problem in ex.problems:
                    log.warning("course: %s", problem)

    def _exercise_files(self, ex: Exercise, module: Module, config: MkDocsConfig, files: Files) -> list[File]:
        has_grading = files.get_file_from_path(pages.GRADING_PAGE) is not None
        out = [
            File.generated(config, ex.page_uri, content=pages.exercise_markdown(ex, module, has_grading)),
            File.generated(config, ex.zip_uri, content=downloads.exercise_zip(ex.folder)),
        ]
        if ex.notebook.is_file():
            out.append(File.generated(config, ex.notebook_uri, content=ex.notebook.read_bytes()))
        return out

    def _solution_files(self, config: MkDocsConfig) -> list[File]:
        by_folder = {(ex.module_id, ex.slug): ex for ex in self.course.exercises}
        out = [File.generated(config, "solutions/index.md", content=pages.solutions_index_markdown(self.course))]
        for sol in self.course.solutions:
            exercise = by_folder.get((sol.module_id, sol.slug))
            out.append(File.generated(config, sol.page_uri, content=pages.solution_markdown(sol, exercise)))
            out.append(File.generated(config, sol.notebook_uri, content=sol.notebook.read_bytes()))
        return out

    def _course_zip_files(self, config: MkDocsConfig) -> list[File]:
        """The course archive (with its manifest, see `course_archive`) and latest.json beside the site."""
        name = self.config.course_zip_name
        # whatever the option says, solutions never go into the learner's download
        include = [p for p in self.config.course_zip_include if Path(p).parts[:1] != (self.config.solutions_dir,)]
        content, latest = site_archive(self.root, include, name)
        return [
            File.generated(config, f"{COURSE_ZIP_DIR}/{name}.zip", content=content),
            File.generated(config, LATEST_NAME, content=latest),
        ]

    def _run_lessons_ahead(self, config: MkDocsConfig) -> None:
        jupyter = config.plugins.get("mkdocs-jupyter")
        workers = self.config.workers or os.cpu_count() or 1
        if jupyter is None or workers < 2:
            return
        lessons = [str(x.path) for m in self.course.modules for x in m.lessons if x.path.suffix == ".ipynb"]
        jobs = prewarm.pending_notebooks(jupyter, lessons)
        if len(jobs) > 1:  # one notebook gains nothing from a pool
            done = prewarm.execute_into_cache(jupyter, jobs, min(workers, len(jobs)))
            log.info("course: ran %d of %d lesson notebooks ahead, %d at a time", done, len(jobs), workers)

    # -- pages --------------------------------------------------------------------------

    def on_page_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        """Module overviews get their hours, prerequisites, objectives and contents."""
        module = self._module_of_index(page)
        if module is None:
            return None
        glance = pages.module_glance_markdown(module, self.course)
        return pages.insert_after_title(markdown, glance) + "\n" + pages.module_contents_markdown(module)

    @event_priority(-50)  # after other plugins have shaped the page's HTML
    def on_page_content(self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        """Fill the slots, and make notebook HTML offline-clean and light."""
        if not self.config.enabled:
            return None
        uri = page.file.src_uri
        notebook = self._notebook_for(uri)
        if notebook is not None and pages.NOTEBOOK_SLOT in html:
            rendered = notebooks.render_notebook(notebook, self.root / self.config.cache_dir)
            html = html.replace(pages.NOTEBOOK_SLOT, rendered)
        if "jupyter-wrapper" in html:
            html = self._tidy_notebook_html(html, page)
        if ROADMAP_SLOT in html:
            html = html.replace(ROADMAP_SLOT, roadmap_html(self.course, self._url_for(page, files)))
        lesson = self._lesson_at(uri)
        if lesson is not None:
            html = _after_title(html, self._lesson_download(lesson, config))
            html += _done_control(lesson.progress_id)
        exercise = self._exercise_at(uri)
        if exercise is not None:
            html += _done_control(exercise.progress_id)
        return html

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Write the notebook stylesheets the pages link to."""
        if not self._styles:
            return
        folder = Path(config.site_dir) / NOTEBOOK_CSS_DIR
        folder.mkdir(parents=True, exist_ok=True)
        for name, css in self._styles.items():
            (folder / name).write_text(css, encoding="utf-8")

    # -- helpers ------------------------------------------------------------------------

    def _tidy_notebook_html(self, html: str, page: Page) -> str:
        html, styles = notebooks.extract_styles(notebooks.strip_remote_loaders(html))
        links = []
        for css in styles:
            name = notebooks.css_name(css)
            self._styles[name] = css
            href = get_relative_url(f"{NOTEBOOK_CSS_DIR}/{name}", page.url)
            links.append(f'<link rel="stylesheet" href="{href}">')
        return "".join(links) + html

    def _url_for(self, page: Page, files: Files) -> Any:
        def url_for(src_uri: str) -> str | None:
            target = files.get_file_from_path(src_uri)
            return get_relative_url(target.url, page.url) if target else None

        return url_for

    def _lesson_download(self, lesson: Lesson, config: MkDocsConfig) -> str:
        jupyter = config.plugins.get("mkdocs-jupyter")
        if lesson.path.suffix != ".ipynb" or not (jupyter and jupyter.config["include_source"]):
            return ""
        # mkdocs-jupyter copies the notebook beside the page's HTML file
        name = lesson.path.name
        return (
            f'<p class="course-lesson-download"><a class="md-button" href="{name}" '
            f'download="{name}">Download this lesson as a notebook</a></p>'
        )

    def _module_of_index(self, page: Page) -> Module | None:
        return next((m for m in self.course.modules if m.index and m.index_uri == page.file.src_uri), None)

    def _lesson_at(self, uri: str) -> Lesson | None:
        return next((x for m in self.course.modules for x in m.lessons if x.src_uri == uri), None)

    def _exercise_at(self, uri: str) -> Exercise | None:
        return next((x for x in self.course.exercises if x.page_uri == uri), None)

    def _notebook_for(self, uri: str) -> Path | None:
        exercise = self._exercise_at(uri)
        if exercise is not None:
            return exercise.notebook if exercise.notebook.is_file() else None
        return next((s.notebook for s in self.course.solutions if s.page_uri == uri), None)


def _after_title(html: str, block: str) -> str:
    """Insert a block right after the page's first heading (or at the top)."""
    end = html.find("</h1>")
    return html[: end + 5] + block + html[end + 5 :] if end >= 0 else block + html


def _done_control(progress_id: str) -> str:
    """The "mark as done" button; the site's progress script keeps its state in this browser."""
    return (
        f'<div class="course-done" data-course-done="{progress_id}">'
        '<button type="button" class="md-button course-done__button" aria-pressed="false">'
        '<span class="course-done__todo">Mark as done</span>'
        '<span class="course-done__yes">Done! (click to undo)</span></button>'
        '<span class="course-done__note">Your progress is kept in this browser only.</span>'
        "</div>"
    )
