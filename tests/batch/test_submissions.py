"""Finding and matching a cohort's notebooks, without grading: folders, zips, Gradescope exports."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from grader.batch.matching import CourseIndex
from grader.batch.submissions import find_submissions
from tests.batch.conftest import STARTER, greeting
from tests.conftest import write_nb

GRADESCOPE_METADATA = """\
submission_111:
  :submitters:
  - :name: Ada Lovelace
    :sid: '1001'
    :email: ada@example.org
  :created_at: 2024-03-01 10:00:00.000000000 -08:00
  :score: 0.0
submission_222:
  :submitters:
  - :name: Bo Chen
    :email: bo@example.org
  - :name: Cy Park
    :email: cy@example.org
"""


def found(path: Path) -> list[tuple[str, str, str]]:
    return [(s.learner, s.source, s.name) for s in find_submissions(path).submissions]


def zip_of(folder: Path, archive: Path, under: str = "") -> Path:
    with zipfile.ZipFile(archive, "w") as out:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                out.write(path, under + path.relative_to(folder).as_posix())
    return archive


def test_when_a_folder_holds_learner_folders_then_each_notebook_is_its_learners(tmp_path: Path):
    greeting(tmp_path / "cohort" / "ada" / "greeting.ipynb")
    greeting(tmp_path / "cohort" / "bo" / "week 1" / "greeting.ipynb")
    greeting(tmp_path / "cohort" / "bo" / ".ipynb_checkpoints" / "greeting-checkpoint.ipynb")
    greeting(tmp_path / "cohort" / "stray.ipynb")
    discovery = find_submissions(tmp_path / "cohort")
    assert found(tmp_path / "cohort") == [
        ("ada", "cohort/ada/greeting.ipynb", "greeting.ipynb"),
        ("bo", "cohort/bo/week 1/greeting.ipynb", "greeting.ipynb"),
    ]
    assert discovery.notes == ["skipped cohort/stray.ipynb: it is not inside a learner's folder"]


def test_when_a_zip_holds_the_cohort_folder_itself_then_it_is_unwrapped(tmp_path: Path):
    greeting(tmp_path / "cohort" / "ada" / "greeting.ipynb")
    greeting(tmp_path / "cohort" / "bo" / "greeting.ipynb")
    flat = zip_of(tmp_path / "cohort", tmp_path / "flat.zip")
    wrapped = zip_of(tmp_path / "cohort", tmp_path / "wrapped.zip", under="cohort/")
    assert found(flat) == [
        ("ada", "flat.zip:ada/greeting.ipynb", "greeting.ipynb"),
        ("bo", "flat.zip:bo/greeting.ipynb", "greeting.ipynb"),
    ]
    assert [learner for learner, _, _ in found(wrapped)] == ["ada", "bo"]
    assert find_submissions(wrapped).submissions[0].read() == (tmp_path / "cohort/ada/greeting.ipynb").read_bytes()


def test_when_a_gradescope_export_is_given_then_learners_come_from_its_metadata(tmp_path: Path):
    export = tmp_path / "export"
    (export / "submission_111").mkdir(parents=True)
    (export / "submission_metadata.yml").write_text(GRADESCOPE_METADATA)
    greeting(export / "submission_111" / "greeting.ipynb")
    greeting(export / "submission_222" / "greeting.ipynb")
    greeting(export / "submission_333" / "greeting.ipynb")
    archive = zip_of(export, tmp_path / "assignment_42_export.zip", under="assignment_42_export/")
    assert [learner for learner, _, _ in found(archive)] == [
        "1001",
        "bo@example.org",
        "cy@example.org",
        "submission_333",
    ]


def test_when_a_notebook_carries_its_exercise_id_then_that_decides_over_its_name(course_root: Path, tmp_path: Path):
    index = CourseIndex(course_root)
    renamed = STARTER.read_bytes()
    assert index.match("my homework.ipynb", renamed).key == "greeting"
    assert index.match("greeting-Copy1.ipynb", b"{}").key == "greeting"
    assert index.match("Copy of greeting (2).ipynb", b"{}").key == "greeting"
    assert index.match("demo.ipynb", b"{}").key == "loop"


def test_when_a_notebook_matches_no_exercise_then_the_reason_is_said(course_root: Path, tmp_path: Path):
    index = CourseIndex(course_root)
    unknown = json.dumps({"metadata": {"course": {"exercise": "gretting"}}, "cells": []}).encode()
    nameless = index.match("notes.ipynb", write_nb(["x = 1"], tmp_path / "notes.ipynb").read_bytes())
    assert (nameless.exercise, nameless.key) == (None, "unmatched-notes")
    assert nameless.problem == (
        "I could not tell which exercise notes.ipynb answers: its name matches no exercise and its metadata names none."
    )
    assert "names the exercise 'gretting', which this course does not have" in index.match("x.ipynb", unknown).problem
