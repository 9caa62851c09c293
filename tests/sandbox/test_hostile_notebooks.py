"""Each hostile notebook, graded by the real `grade` and by `course grade-batch --extra-checks`,
fails inside the sandbox; the honest learner beside it grades as alone; nothing of the
instructor's changes."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from click.testing import CliRunner

from grader.course_cli import main as course
from grader.sandbox import UNSANDBOXED, sandbox_status
from tests.batch.conftest import greeting
from tests.conftest import run_grade
from tests.sandbox.conftest import ATTACKS, BATCH_ATTACKS, HIDDEN_CHECK, Scene, attack_cell_error

pytestmark = pytest.mark.skipif(sandbox_status() == UNSANDBOXED, reason="this machine cannot sandbox kernels")


@pytest.fixture(scope="module")
def graded(scene: Scene, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Every attack through `grade` (two at a time) and all of them in one batch, with the honest one."""
    scene.hidden.mkdir(exist_ok=True)
    (scene.hidden / "test_hidden.py").write_text(HIDDEN_CHECK)
    before = scene.fingerprint()
    tmp = tmp_path_factory.mktemp("attacks")
    hidden_file = scene.hidden / "test_hidden.py"

    def grade_one(name: str) -> dict[str, Any]:
        notebook = greeting(tmp / "learners" / name / "greeting.ipynb", extra_cells=[scene.attack(name, hidden_file)])
        done = run_grade(
            str(notebook),
            "--json",
            "-",
            "--extra-checks",
            str(scene.hidden),
            env={"COURSE_ROOT": str(scene.root)},
            cwd=notebook.parent,
        )
        assert done.returncode in (0, 1), done.stderr
        return json.loads(done.stdout)

    with ThreadPoolExecutor(2) as pool:
        alone = dict(zip(ATTACKS, pool.map(grade_one, ATTACKS), strict=True))
    submissions = scene.honest.parent.parent
    for name in [*ATTACKS, *BATCH_ATTACKS]:
        greeting(submissions / name / "greeting.ipynb", extra_cells=[scene.attack(name, hidden_file)])
    done = CliRunner().invoke(
        course,
        [
            "grade-batch",
            str(submissions),
            "--out",
            str(scene.out),
            "--workers",
            "2",
            "--extra-checks",
            str(scene.hidden),
        ],
        env={"COURSE_ROOT": str(scene.root)},
    )
    assert done.exit_code == 0, done.output
    batch = {
        name: json.loads((scene.out / "results" / name / "greeting.json").read_text())
        for name in [*ATTACKS, *BATCH_ATTACKS, "honest"]
    }
    return {"alone": alone, "batch": batch, "before": before, "after": scene.fingerprint()}


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_when_a_notebook_attacks_then_grade_stops_it_in_the_sandbox(graded: dict[str, Any], attack: str):
    record = graded["alone"][attack]
    attack_cell_error(record, attack)
    assert record["sandbox"].startswith("landlock-")
    assert record["score"] == 5 and record["max_score"] == 5, "the honest part still counts, the attack adds nothing"


@pytest.mark.parametrize("attack", [*ATTACKS, *BATCH_ATTACKS])
def test_when_a_notebook_attacks_then_grade_batch_stops_it_in_the_sandbox(graded: dict[str, Any], attack: str):
    record = graded["batch"][attack]
    attack_cell_error(record, attack)
    assert record["sandbox"].startswith("landlock-")
    assert [c["outcome"] for c in record["checks"]][-1] == "passed", "its own hidden check ran, from the real file"


def test_when_attacks_are_graded_then_the_honest_learner_grades_as_alone(graded: dict[str, Any], scene: Scene):
    honest = graded["batch"]["honest"]
    assert (honest["status"], honest["score"], honest["cell_errors"]) == ("passed", 5, [])
    assert [(c["name"], c["outcome"]) for c in honest["checks"]] == [
        (c["name"], c["outcome"]) for c in graded["batch"]["rewrite_checks"]["checks"]
    ]


def test_when_attacks_are_graded_then_the_instructors_files_are_untouched(graded: dict[str, Any], scene: Scene):
    changed = {
        p for p in graded["before"].keys() | graded["after"].keys() if graded["before"].get(p) != graded["after"].get(p)
    }
    assert changed == set()
    assert not (scene.outside / "planted.txt").exists()
    assert not (scene.out / "results" / "planted.json").exists()
    assert scene.accepted_nothing(), "a kernel reached the test's TCP listener"
