"""The real `grade` command: exit codes, one-line errors for bad input, machine formats."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import nbformat
import pytest

from tests.conftest import REPO, run_grade, write_exercise, write_nb

EXAMPLE = REPO / "exercises" / "00-start-here" / "greeting"
SOLUTION = REPO / "solutions" / "00-start-here" / "greeting" / "greeting.ipynb"

CHECK = '''
@points(1)
def test_value(nb):
    """value is 42"""
    assert nb.value("value") == 42, "value should be 42"
'''


def test_when_the_example_solution_is_graded_then_exit_0_and_full_marks():
    done = run_grade(str(SOLUTION))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "All checks passed, 4/4. Well done!" in done.stdout


def test_when_the_example_starter_is_graded_by_id_then_exit_1_not_attempted():
    done = run_grade("greeting")
    assert done.returncode == 1
    assert "Not attempted yet (0/4)" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


def test_when_run_inside_an_exercise_folder_then_its_notebook_is_graded():
    done = run_grade(cwd=EXAMPLE)
    assert done.returncode == 1 and "Say hello" in done.stdout


def test_when_an_exercise_id_is_misspelt_then_exit_2_with_a_suggestion():
    done = run_grade("greting")
    assert done.returncode == 2
    assert done.stderr.strip() == "grade: There is no exercise 'greting'. Did you mean 'greeting'?"


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    return write_exercise(tmp_path / "exercises" / "00-test" / "demo", CHECK)


BAD_NOTEBOOKS = {
    "not JSON": (b"{ this is not json", "is not a notebook: it is not valid JSON (line 1)"),
    "empty": (b"", "is empty. Save the notebook from Jupyter and grade again."),
    "JSON but not a notebook": (b'{"hello": "world"}', "is JSON, but not a Jupyter notebook"),
    "R notebook": (
        json.dumps(
            {
                "cells": [],
                "metadata": {"kernelspec": {"name": "ir", "language": "R"}},
                "nbformat": 4,
                "nbformat_minor": 5,
            }
        ).encode(),
        "is written in R; the course's exercises are in Python",
    ),
}


@pytest.mark.parametrize("name", BAD_NOTEBOOKS)
def test_when_the_notebook_is_bad_then_exit_2_with_one_line(demo: Path, name: str):
    content, message = BAD_NOTEBOOKS[name]
    (demo / "demo.ipynb").write_bytes(content)
    done = run_grade(str(demo / "demo.ipynb"))
    assert done.returncode == 2
    assert message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


def test_when_the_notebook_is_over_the_size_cap_then_exit_2(demo: Path):
    toml = demo / "exercise.toml"
    toml.write_text(toml.read_text() + "[limits]\nmax_notebook_mb = 0.001\n")
    write_nb(["value = 42", "# " + "x" * 5000], demo / "demo.ipynb")
    done = run_grade(str(demo / "demo.ipynb"))
    assert done.returncode == 2 and "over the 0 MB a notebook may be" in done.stderr


def test_when_the_path_does_not_exist_then_exit_2():
    done = run_grade("no/such/notebook.ipynb")
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "grade: There is no file no/such/notebook.ipynb. Check the name and the folder you are in."
    )


def test_when_the_exercise_has_no_checks_then_exit_2(demo: Path):
    (demo / "test_demo.py").unlink()
    done = run_grade(str(demo))
    assert done.returncode == 2 and "has no checks (test_*.py)" in done.stderr


def test_when_exercise_toml_is_broken_then_exit_2(demo: Path):
    (demo / "exercise.toml").write_text('id = "demo\n')
    done = run_grade(str(demo))
    assert done.returncode == 2 and "exercise.toml is broken and cannot be read" in done.stderr


def test_when_the_notebook_is_version_3_then_it_is_upgraded_and_graded(demo: Path):
    v3 = {
        "nbformat": 3,
        "nbformat_minor": 0,
        "metadata": {},
        "worksheets": [
            {
                "cells": [
                    {"cell_type": "code", "input": "value = 42", "language": "python", "outputs": [], "metadata": {}}
                ]
            }
        ],
    }
    (demo / "demo.ipynb").write_text(json.dumps(v3))
    assert run_grade(str(demo / "demo.ipynb")).returncode == 0


def test_when_cells_lack_ids_or_share_them_then_they_are_normalised_and_graded(demo: Path):
    nb = nbformat.read(write_nb(["x = 1", "value = 42"], demo / "demo.ipynb"), as_version=4)
    raw = json.loads(nbformat.writes(nb))
    raw["cells"][0]["id"] = raw["cells"][1]["id"] = "same"
    (demo / "demo.ipynb").write_text(json.dumps(raw))
    assert run_grade(str(demo / "demo.ipynb")).returncode == 0
    del raw["cells"][0]["id"]
    raw["nbformat_minor"] = 4
    (demo / "demo.ipynb").write_text(json.dumps(raw))
    assert run_grade(str(demo / "demo.ipynb")).returncode == 0


def test_when_the_kernel_cannot_start_then_exit_3_not_a_zero(demo: Path):
    done = run_grade(str(demo), env={"GRADER_PYTHON": "/nonexistent/python"})
    assert done.returncode == 3
    assert done.stderr.startswith("grade: The grader could not start Python to run your notebook")


def test_when_machine_formats_are_asked_then_json_junit_and_gradescope_are_written(tmp_path: Path):
    out = {kind: tmp_path / f"result.{kind}" for kind in ("json", "xml", "gs.json")}
    done = run_grade(
        str(SOLUTION), "--json", str(out["json"]), "--junit", str(out["xml"]), "--gradescope", str(out["gs.json"])
    )
    assert done.returncode == 0
    result = json.loads(out["json"].read_text())
    assert (result["schema_version"], result["status"], result["score"], result["max_score"]) == (1, "passed", 4, 4)
    assert [c["outcome"] for c in result["checks"]] == ["passed"] * 4
    suite = ET.parse(out["xml"]).getroot().find("testsuite")
    assert suite is not None and suite.get("tests") == "4" and suite.get("failures") == "0"
    gradescope = json.loads(out["gs.json"].read_text())
    assert gradescope["score"] == 4 and {t["max_score"] for t in gradescope["tests"]} == {1}


def test_when_the_notebook_cannot_be_graded_then_the_machine_formats_still_say_why(demo: Path, tmp_path: Path):
    (demo / "demo.ipynb").write_bytes(b"{ this is not json")
    out = {kind: tmp_path / f"result.{kind}" for kind in ("json", "xml", "gs.json")}
    done = run_grade(
        str(demo / "demo.ipynb"),
        "--json",
        str(out["json"]),
        "--junit",
        str(out["xml"]),
        "--gradescope",
        str(out["gs.json"]),
    )
    assert done.returncode == 2 and "not valid JSON" in done.stderr
    result = json.loads(out["json"].read_text())
    assert (result["status"], result["score"], result["checks"]) == ("ungradable", 0, [])
    assert "is not a notebook: it is not valid JSON" in result["problem"] and result["max_score"] == 1
    error = ET.parse(out["xml"]).getroot().find("testsuite/testcase/error")
    assert error is not None and "not valid JSON" in error.get("message", "")
    gradescope = json.loads(out["gs.json"].read_text())
    assert gradescope["score"] == 0 and "not valid JSON" in gradescope["output"]


def test_when_json_goes_to_stdout_then_stdout_is_only_json():
    done = run_grade("greeting", "--json", "-")
    assert done.returncode == 1
    assert json.loads(done.stdout)["status"] == "not attempted"


def test_when_extra_checks_are_given_then_they_are_reported_only_as_hidden(demo: Path, tmp_path: Path):
    hidden = tmp_path / "hidden"
    hidden.mkdir()
    (hidden / "test_secret.py").write_text(
        'def test_secret_edge_case(nb):\n    assert nb.value("value") == 43, "secret"\n'
    )
    write_nb(["value = 42"], demo / "demo.ipynb")
    done = run_grade(str(demo), "--extra-checks", str(hidden), "--json", "-")
    checks = json.loads(done.stdout)["checks"]
    assert done.returncode == 1
    assert [(c["description"], c["outcome"], c["message"]) for c in checks] == [
        ("value is 42", "passed", ""),
        ("hidden check 1", "failed", ""),
    ]
