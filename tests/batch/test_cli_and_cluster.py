"""`course grade-batch` from the command line on a Gradescope export, and on a real Dask cluster."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader.course_cli import main as course
from tests.batch.conftest import STARTER, greeting, result, run
from tests.batch.test_submissions import GRADESCOPE_METADATA


def test_when_a_gradescope_export_zip_is_graded_then_gradescope_results_are_written(
    course_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("COURSE_ROOT", str(course_root))
    archive = tmp_path / "assignment_42_export.zip"
    with zipfile.ZipFile(archive, "w") as export:
        export.writestr("assignment_42_export/submission_metadata.yml", GRADESCOPE_METADATA)
        export.write(greeting(tmp_path / "ada.ipynb"), "assignment_42_export/submission_111/greeting.ipynb")
        export.writestr("assignment_42_export/submission_222/greeting.ipynb", "not json")
    hidden = tmp_path / "hidden" / "greeting"
    hidden.mkdir(parents=True)
    (hidden / "test_hidden.py").write_text('def test_secret(nb):\n    assert nb.value("my_name") == "Ada"\n')
    out = tmp_path / "out"
    done = CliRunner().invoke(
        course,
        [
            "grade-batch",
            str(archive),
            "--out",
            str(out),
            "--workers",
            "2",
            "--gradescope",
            "--extra-checks",
            str(tmp_path / "hidden"),
        ],
    )
    assert done.exit_code == 0, done.output
    assert "Graded 3, kept 0 from earlier runs." in done.output
    assert (out / "gradebook.csv").read_text().splitlines() == [
        "learner,greeting,total,out_of",
        "1001,5,5,5",
        "bo@example.org,0,0,5",
        "cy@example.org,0,0,5",
    ]
    ada = json.loads((out / "gradescope" / "1001" / "greeting" / "results.json").read_text())
    assert ada["score"] == 5 and ada["tests"][-1]["name"] == "hidden check 1"
    bo = json.loads((out / "gradescope" / "bo@example.org" / "greeting" / "results.json").read_text())
    assert bo["score"] == 0 and "is not a notebook" in bo["output"]
    assert result(out, "1001", "greeting")["notebook"] == (
        "assignment_42_export.zip:assignment_42_export/submission_111/greeting.ipynb"
    )


def test_when_workers_and_a_scheduler_are_both_given_then_it_is_a_usage_error(tmp_path: Path):
    done = CliRunner().invoke(
        course,
        [
            "grade-batch",
            str(tmp_path),
            "--out",
            str(tmp_path / "out"),
            "--workers",
            "2",
            "--scheduler",
            "tcp://127.0.0.1:1",
        ],
    )
    assert done.exit_code == 2
    assert "--workers is for this machine; with --scheduler the cluster's workers grade." in done.output


def test_when_a_scheduler_is_given_then_a_dask_cluster_grades_the_batch(course_root: Path, tmp_path: Path):
    distributed = pytest.importorskip("distributed")
    subs = tmp_path / "submissions"
    greeting(subs / "ada" / "greeting.ipynb")
    (subs / "bo").mkdir()
    shutil.copy(STARTER, subs / "bo" / "greeting.ipynb")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        report, printed = run(subs, tmp_path / "out", course_root, scheduler=cluster.scheduler_address)
    assert (report.graded, report.errors) == (2, 0), printed
    ada, bo = result(tmp_path / "out", "ada", "greeting"), result(tmp_path / "out", "bo", "greeting")
    assert (ada["status"], ada["score"], bo["status"]) == ("passed", 4, "not attempted")
