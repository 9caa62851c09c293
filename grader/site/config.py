"""Options of the `course` mkdocs plugin (paths are relative to the folder of mkdocs.yml)."""

from __future__ import annotations

from mkdocs.config import config_options as opt
from mkdocs.config.base import Config


class CourseConfig(Config):
    """`plugins: - course: {...}` in mkdocs.yml."""

    enabled = opt.Type(bool, default=True)
    # where the course folders are; docs/modules is `modules_dir` inside docs_dir
    modules_dir = opt.Type(str, default="modules")
    exercises_dir = opt.Type(str, default="exercises")
    solutions_dir = opt.Type(str, default="solutions")
    # publish the reference solutions (an instructor may switch them off during a cohort)
    solutions = opt.Type(bool, default=True)
    # rendered exercise and solution notebooks are cached here, keyed by content
    cache_dir = opt.Type(str, default=".cache/course-site")
    # lessons executed in parallel before the build (0 = one per CPU; 1 = leave it to
    # mkdocs-jupyter, one after another)
    workers = opt.Type(int, default=0)
    # the installable course as one zip, linked from "Start here"; never holds solutions
    course_zip = opt.Type(bool, default=True)
    course_zip_name = opt.Type(str, default="ai-engineer-course")
    course_zip_include = opt.Type(
        list,
        default=["README.md", "LICENSE", "pyproject.toml", "grader", "courselib", "exercises", "docs/modules"],
    )
