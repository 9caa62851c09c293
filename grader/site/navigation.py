"""Navigation derived from the course: mkdocs.yml names a slot, the plugin fills it.

```yaml
nav:
  - Home: index.md
  - Modules: course:modules      # one section per module: overview, lessons, exercises
  - Solutions: course:solutions  # dropped when solutions are not published
```
"""

from __future__ import annotations

from typing import Any

from grader.site.course import Course, Module

MODULES_SLOT = "course:modules"
SOLUTIONS_SLOT = "course:solutions"


def module_section(module: Module) -> dict[str, list[Any]]:
    """A module's nav section: its overview page first (the section's index), then the rest."""
    entries: list[Any] = [module.index_uri] if module.index else []
    entries += [{lesson.title: lesson.src_uri} for lesson in module.lessons]
    entries += [{f"Exercise: {ex.title}": ex.page_uri} for ex in module.exercises]
    return {module.label: entries}


def solutions_section(course: Course) -> list[Any]:
    """The Solutions section: its landing page, then one sub-section per module."""
    entries: list[Any] = ["solutions/index.md"]
    for module in course.modules:
        if module.solutions:
            entries.append({module.label: [{s.title: s.page_uri} for s in module.solutions]})
    return entries


def expand_nav(nav: list[Any], course: Course, with_solutions: bool) -> list[Any]:
    """A copy of the nav with the course slots filled in (and empty ones left out)."""
    filled = {
        MODULES_SLOT: [module_section(m) for m in course.modules if _has_pages(m)],
        SOLUTIONS_SLOT: solutions_section(course) if with_solutions and course.solutions else [],
    }
    return _expand(nav, filled)


def _has_pages(module: Module) -> bool:
    return bool(module.index or module.lessons or module.exercises)


def _expand(items: list[Any], filled: dict[str, list[Any]]) -> list[Any]:
    out: list[Any] = []
    for item in items:
        if isinstance(item, str) and item in filled:
            out += filled[item]
        elif isinstance(item, dict):
            ((title, value),) = item.items()
            if isinstance(value, str) and value in filled:
                if filled[value]:
                    out.append({title: filled[value]})
            elif isinstance(value, list):
                out.append({title: _expand(value, filled)})
            else:
                out.append(item)
        else:
            out.append(item)
    return out
