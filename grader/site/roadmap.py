"""The roadmap: every module as a station on one path, drawn with plain HTML and CSS.

Each station carries the ids of its lessons and exercises (`data-course-items`); the site's
progress script counts how many are marked done in this browser and fills the station in.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from grader.site.course import Course, Module

ROADMAP_SLOT = "<!-- course:roadmap -->"

# Maps a source path ("modules/00-x/index.md") to a URL relative to the roadmap page.
UrlFor = Callable[[str], str | None]


def _hours(value: float) -> str:
    shown = int(value) if float(value).is_integer() else value
    return f"about {shown} hour{'' if shown == 1 else 's'}"


def _a(url: str | None, text: str) -> str:
    return f'<a href="{escape(url)}">{escape(text)}</a>' if url else escape(text)


def _item(url_for: UrlFor, uri: str, text: str, progress_id: str) -> str:
    return (
        f'<li><span class="course-check" data-course-check="{escape(progress_id)}"></span>{_a(url_for(uri), text)}</li>'
    )


def _station(module: Module, course: Course, url_for: UrlFor) -> str:
    facts = []
    if module.hours is not None:
        facts.append(_hours(module.hours))
    needs = [
        _a(url_for(other.index_uri) if other.index else None, other.label)
        if (other := course.module(pid))
        else escape(pid)
        for pid in module.prerequisites
    ]
    facts.append("before this: " + (", ".join(needs) if needs else "nothing"))
    lessons = "".join(_item(url_for, x.src_uri, x.title, x.progress_id) for x in module.lessons)
    exercises = "".join(_item(url_for, x.page_uri, x.title, x.progress_id) for x in module.exercises)
    total = len(module.progress_ids)
    columns = []
    if lessons:
        columns.append(f'<div><p class="course-step__label">Lessons</p><ul>{lessons}</ul></div>')
    if exercises:
        columns.append(f'<div><p class="course-step__label">Exercises</p><ul>{exercises}</ul></div>')
    if not columns:
        columns.append('<p class="course-step__soon">Lessons and exercises are coming soon.</p>')
    progress = (
        f'<p class="course-step__progress"><progress max="{total}" value="0"></progress> '
        f"<span data-course-count>0 of {total} done</span></p>"
        if total
        else ""
    )
    title_url = url_for(module.index_uri) if module.index else None
    return (
        f'<li class="course-step" id="step-{escape(module.id)}" '
        f'data-course-items="{escape(" ".join(module.progress_ids))}">'
        f'<span class="course-step__marker" aria-hidden="true">{escape(module.number)}</span>'
        f'<div class="course-step__card">'
        f'<h2 class="course-step__title">{_a(title_url, module.title)}</h2>'
        f'<p class="course-step__facts">{" · ".join(facts)}</p>'
        f"{progress}"
        f'<div class="course-step__lists">{"".join(columns)}</div>'
        f"</div></li>"
    )


def roadmap_html(course: Course, url_for: UrlFor) -> str:
    """The whole path, with a summary line on top."""
    if not course.modules:
        return '<p class="course-roadmap__empty">No modules yet.</p>'
    hours = sum(m.hours or 0 for m in course.modules)
    items = sum(len(m.progress_ids) for m in course.modules)
    summary = (
        f'<p class="course-roadmap__summary">{len(course.modules)} steps · '
        f"{_hours(hours)} in all · "
        f'<span data-course-total="{items}">0 of {items}</span> lessons and exercises done</p>'
    )
    stations = "".join(_station(m, course, url_for) for m in course.modules)
    return f'<div class="course-roadmap">{summary}<ol class="course-path">{stations}</ol></div>'
