"""The course site: an mkdocs plugin that derives the roadmap, exercise and solution pages,
downloads and navigation from the course folders (registered as the `course` plugin)."""

from grader.site.plugin import CoursePlugin

__all__ = ["CoursePlugin"]
