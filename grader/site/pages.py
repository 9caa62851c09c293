"""Markdown for the pages the plugin writes: exercises, solutions, and module overviews.

Links are written as relative paths to source files, so mkdocs checks and rewrites them like
any author's link. The rendered notebook is added later, where `NOTEBOOK_SLOT` stands.
"""

from __future__ import annotations

import posixpath
import textwrap

from grader.site.course import Course, Exercise, Module, Solution

NOTEBOOK_SLOT = "<!-- course:notebook -->"
GRADING_PAGE = "grading.md"


def link(from_uri: str, to_uri: str) -> str:
    """A relative Markdown link target from one source file to another."""
    return posixpath.relpath(to_uri, posixpath.dirname(from_uri) or ".")


def _points(points: float) -> str:
    value = int(points) if float(points).is_integer() else points
    return f"{value} point" + ("" if value == 1 else "s")


def _indented(text: str) -> str:
    return textwrap.indent(text.strip(), "    ")


def _download_buttons(ex: Exercise) -> str:
    nb, zipname = ex.notebook.name, posixpath.basename(ex.zip_uri)
    buttons = [
        f"[:material-folder-download: Download the exercise folder (.zip)]({zipname})"
        f'{{ .md-button download="{zipname}" }}'
    ]
    if ex.notebook.is_file():  # a starter not generated yet is reported by the plugin
        buttons.insert(
            0, f'[:material-download: Download the notebook]({nb}){{ .md-button .md-button--primary download="{nb}" }}'
        )
    return "\n".join(buttons)


def exercise_markdown(ex: Exercise, module: Module, has_grading_page: bool) -> str:
    """The page of one exercise: what it is, downloads, how to grade it, hints, the starter."""
    here = ex.page_uri
    nb = ex.notebook.name
    grading = (
        f" [How grading works]({link(here, GRADING_PAGE)}) explains each result and what to do next."
        if has_grading_page
        else ""
    )
    parts = [
        f"# {ex.title}",
        f"**{_points(ex.points)}** · exercise id `{ex.id}` · part of "
        + (f"[{module.label}]({link(here, module.index_uri)})" if module.index else module.label)
        + "\n{: .course-facts }",
        "Download the notebook, work in it in Jupyter, then let the grader check it. "
        "The zip holds the whole exercise folder: the notebook, the checks the grader runs, "
        "and any data the exercise needs.",
        _download_buttons(ex),
        "## How to grade it",
        "Open a terminal in the course folder, with the course's environment active, and type:",
        f"```bash\ngrade {ex.id}\n```",
        "If your notebook is somewhere else (for example, you unzipped the folder in Downloads), "
        "give its path instead:",
        f"```bash\ngrade path/to/{nb}\n```",
        "The grader runs your notebook from top to bottom in a fresh Python, then says which "
        f"checks passed and gives a hint for those that did not.{grading}",
    ]
    if ex.data:
        files = ", ".join(f"`{d}`" for d in ex.data)
        parts.append(f"This exercise reads {files}: keep it beside the notebook (the zip does).")
    if ex.hints:
        parts += [
            "## Hints",
            "Try on your own first. Stuck? Open one hint at a time: each says a little more than the one before.",
        ]
        parts += [f'??? tip "Hint {i}"\n{_indented(h)}' for i, h in enumerate(ex.hints, 1)]
    if ex.notebook.is_file():
        parts += [
            "## The notebook",
            "This is the notebook you download above, shown so you can read it before you start.",
            NOTEBOOK_SLOT,
        ]
    return "\n\n".join(parts) + "\n"


def solution_markdown(sol: Solution, exercise: Exercise | None) -> str:
    """A reference solution's page, opening with a note to try the exercise first."""
    here = sol.page_uri
    try_it = f"[the exercise]({link(here, exercise.page_uri)})" if exercise else "the exercise"
    parts = [
        f"# Solution: {sol.title}",
        '!!! warning "Try it yourself first"\n'
        + _indented(
            f"You learn far more from twenty minutes of trying than from reading an answer. "
            f"Have you worked on {try_it} and opened its hints? If you are still stuck, reading "
            "this is fine: afterwards, close it and write your own version from memory."
        ),
    ]
    if exercise and exercise.explanation:
        parts += ["## Why it works", exercise.explanation.strip()]
    parts += [
        "## The reference notebook",
        f"[:material-download: Download the solution notebook]({sol.notebook.name}){{ .md-button "
        f'download="{sol.notebook.name}" }}',
        NOTEBOOK_SLOT,
    ]
    return "\n\n".join(parts) + "\n"


def solutions_index_markdown(course: Course) -> str:
    """The landing page of the Solutions section."""
    here = "solutions/index.md"
    parts = [
        "# Solutions",
        '!!! warning "Try first, then compare"\n'
        + _indented(
            "These are the reference solutions, one per exercise. Open one only after you have "
            "tried the exercise and its hints: a solution read too early feels clear and is "
            "soon forgotten. There is often more than one good answer; yours does not need to "
            "look like these to pass."
        ),
    ]
    for module in course.modules:
        if module.solutions:
            parts.append(f"## {module.label}")
            parts.append("\n".join(f"- [{s.title}]({link(here, s.page_uri)})" for s in module.solutions))
    return "\n\n".join(parts) + "\n"


def module_glance_markdown(module: Module, course: Course) -> str:
    """A box under the module's title: hours, prerequisites and objectives."""
    facts = []
    if module.hours is not None:
        hours = int(module.hours) if module.hours.is_integer() else module.hours
        facts.append(f"**About {hours} hour{'' if hours == 1 else 's'}**")
    needs = []
    for pid in module.prerequisites:
        other = course.module(pid)
        needs.append(
            f"[{other.label}]({link(module.index_uri, other.index_uri)})" if other and other.index else f"`{pid}`"
        )
    facts.append("Before this: " + (", ".join(needs) if needs else "nothing, start here"))
    body = " · ".join(facts)
    if module.objectives:
        body += "\n\nAfterwards you can:\n\n" + "\n".join(f"- {o}" for o in module.objectives)
    return '!!! abstract "This step at a glance"\n' + _indented(body) + "\n"


def module_contents_markdown(module: Module) -> str:
    """A list of the module's lessons and exercises, each with its done mark."""
    here = module.index_uri
    if not module.lessons and not module.exercises:
        return "## In this step\n\nLessons and exercises for this step are coming soon.\n"
    lines: list[str] = []
    for lesson in module.lessons:
        lines.append(
            f'- <span class="course-check" data-course-check="{lesson.progress_id}"></span>'
            f"Lesson: [{lesson.title}]({link(here, lesson.src_uri)})"
        )
    for ex in module.exercises:
        lines.append(
            f'- <span class="course-check" data-course-check="{ex.progress_id}"></span>'
            f"Exercise: [{ex.title}]({link(here, ex.page_uri)}) ({_points(ex.points)})"
        )
    items = "\n".join(lines)
    return f'## In this step\n\n<div class="course-contents" markdown>\n\n{items}\n\n</div>\n'


def insert_after_title(markdown: str, block: str) -> str:
    """Put a block right under the page's `# Title` line (or at the top when there is none)."""
    lines = markdown.splitlines(keepends=True)
    for i, line in enumerate(lines):
        if line.strip():
            if line.startswith("# "):
                return "".join(lines[: i + 1]) + "\n" + block + "\n" + "".join(lines[i + 1 :])
            break
    return block + "\n" + markdown
