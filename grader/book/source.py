"""Write the book's sources from the course folders: config, table of contents, pages.

Modules come in roadmap order, each with its index, its lessons and its exercises (the starter
and the hints, never the solution). Nothing is listed by hand.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import nbformat
import yaml

from grader.book.markup import KATEX_LOADER, to_myst
from grader.course_model import read_module_meta
from grader.exercise import Exercise, all_exercises

TITLE = "From non-coder to AI engineer"


def _strip_front_matter(text: str) -> str:
    return text.split("---", 2)[2].lstrip() if text.startswith("---") else text


def _copy_lesson(source: Path, target: Path) -> None:
    nb = nbformat.read(source, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = to_myst(cell.source)
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, target)


def _exercise_page(exercise: Exercise, course_root: Path) -> str:
    hints = "\n".join(
        f"\n```{{admonition}} Hint {i}\n:class: tip dropdown\n{hint}\n```\n"
        for i, hint in enumerate(exercise.hints, start=1)
    )
    folder = exercise.folder.relative_to(course_root)
    return (
        f"# Exercise: {exercise.title}\n\n"
        f"**{exercise.points:g} points.** The starter notebook is on the next page; work in a copy of "
        f"`{folder / exercise.notebook_name}` from the course folder, then grade it:\n\n"
        f"```bash\ngrade {exercise.id}\n```\n\n"
        "The grader runs your notebook in a fresh Python and tells you which checks passed, which did "
        "not and why. Stuck? Open the hints one at a time.\n" + hints
    )


def write_book_source(course_root: Path, target: Path, cache: Path, math_loader: str, execute: bool = True) -> Path:
    """Write the book's sources into `target`, touching only files that changed, so that Sphinx
    rebuilds only what changed; lessons execute with a cache kept in `cache` (unless not `execute`)."""
    with tempfile.TemporaryDirectory() as staging:
        _write(course_root, Path(staging), cache, math_loader, execute)
        _sync_tree(Path(staging), target)
    return target


def _sync_tree(source: Path, target: Path) -> None:
    """Make `target` hold exactly the files of `source`, copying only those whose bytes differ."""
    wanted = {p.relative_to(source) for p in source.rglob("*") if p.is_file()}
    if target.exists():
        for old in [p for p in target.rglob("*") if p.is_file() and p.relative_to(target) not in wanted]:
            old.unlink()
    for relative in wanted:
        new, old = source / relative, target / relative
        if not old.exists() or old.read_bytes() != new.read_bytes():
            old.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(new, old)


def _write(course_root: Path, out: Path, cache: Path, math_loader: str, execute: bool) -> None:
    exercises: dict[str, list[Exercise]] = {}
    for exercise in all_exercises(course_root):
        exercises.setdefault(exercise.module, []).append(exercise)
    parts = []
    intro = [
        f"# {TITLE}\n",
        "A self-paced course, from your first line of Python to shipping and monitoring an AI "
        "feature. This is the book edition of the course site: the same lessons and exercises, to read "
        "offline or print.\n",
        "## The roadmap\n",
    ]
    for module_dir in sorted(p for p in (course_root / "docs" / "modules").iterdir() if (p / "index.md").is_file()):
        module = module_dir.name
        meta = read_module_meta(module_dir / "index.md")
        title = meta.title or module
        intro.append(f"1. **{title}** ({'?' if meta.hours is None else f'{meta.hours:g}'} h)")
        target = out / "modules" / module
        target.mkdir(parents=True)
        (target / "index.md").write_text(to_myst(_strip_front_matter((module_dir / "index.md").read_text())))
        if (module_dir / "data").is_dir():
            shutil.copytree(module_dir / "data", target / "data")
        sections: list[dict[str, Any]] = []
        for lesson in sorted(module_dir.glob("*.ipynb")):
            _copy_lesson(lesson, target / lesson.name)
            sections.append({"file": f"modules/{module}/{lesson.stem}"})
        for exercise in exercises.get(module, []):
            page = out / "exercises" / module / exercise.id
            page.parent.mkdir(parents=True, exist_ok=True)
            page.with_suffix(".md").write_text(_exercise_page(exercise, course_root))
            shutil.copy(exercise.starter, page.with_name(f"{exercise.id}-starter.ipynb"))
            sections.append(
                {
                    "file": f"exercises/{module}/{exercise.id}",
                    "sections": [{"file": f"exercises/{module}/{exercise.id}-starter"}],
                }
            )
        parts.append(
            {
                "caption": f"{module[:2]} {title}",
                "chapters": [{"file": f"modules/{module}/index", "sections": sections}],
            }
        )
    (out / "intro.md").write_text("\n".join(intro) + "\n")
    toc = {"format": "jb-book", "root": "intro", "parts": parts}
    (out / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False))
    (out / "_config.yml").write_text(yaml.safe_dump(_config(cache, math_loader, execute), sort_keys=False))
    static = out / "_static" / "katex"
    shutil.copytree(course_root / "docs" / "assets" / "vendor" / "katex", static)
    (static / "loader.js").write_text(KATEX_LOADER)


def _config(cache: Path, math_loader: str, execute: bool) -> dict[str, object]:
    return {
        "title": TITLE,
        "author": "The course team",
        "only_build_toc_files": True,
        "execute": {
            "execute_notebooks": "cache" if execute else "off",
            "cache": str(cache),
            "timeout": 120,
            "exclude_patterns": ["*-starter.ipynb"],
        },
        "latex": {"latex_documents": {"targetname": "course.tex"}},
        "launch_buttons": {
            "notebook_interface": "classic",
            "binderhub_url": "",
            "jupyterhub_url": "",
            "thebe": False,
            "colab_url": "",
        },
        "repository": {"url": ""},
        "html": {"use_repository_button": False, "use_issues_button": False, "use_edit_page_button": False},
        "sphinx": {
            "config": {
                # Math is rendered by the KaTeX copy the site vendors, loaded from the book itself.
                "mathjax_path": math_loader,
                "html_static_path": ["_static"],
                "html_theme_options": {"use_download_button": True, "navigation_with_keys": False},
            }
        },
    }
