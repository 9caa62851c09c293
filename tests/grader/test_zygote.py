"""Kernels forked from the zygote: the same kernel as a launched one, and never outliving its grading."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from grader.engine import grade_notebook
from grader.exercise import load_exercise
from grader.result import Status
from grader.sandbox import sandbox_status
from grader.zygote import ForkedKernel, KernelZygote
from tests.conftest import write_nb

SAME_AS_LAUNCHED = '''
import resource


@points(1)
def test_kernel(nb):
    """the kernel is set up as a launched one"""
    assert nb.eval("os.getcwd()") == str(nb.workdir.resolve())
    assert nb.eval("[f for f in os.listdir('.') if 'kernel' in f or 'connection' in f]") == []
    assert nb.eval("os.environ.get('COURSE_GREETING')") == "hello"
    assert nb.eval("'GRADER_MEMORY_MB' in os.environ") is False
    assert nb.eval("resource.getrlimit(resource.RLIMIT_DATA)[0]") == 300 * 1024 * 1024
    assert nb.eval("os.getpgid(0) == os.getpid()") is True
    assert nb.eval("get_ipython().history_manager.enabled") is False
    assert nb.eval("sys.flags.hash_randomization") == 0
'''


@pytest.fixture(scope="module")
def zygote():
    with KernelZygote() as running:
        yield running


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"


def gone_soon(pid: int, seconds: float = 5) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not alive(pid):
            return True
        time.sleep(0.05)
    return False


def test_a_forked_kernel_has_the_gradings_folder_environment_and_limits(exercise, tmp_path, zygote):
    folder = exercise(SAME_AS_LAUNCHED, '[limits]\nmemory_mb = 300\n[env]\nCOURSE_GREETING = "hello"\n')
    notebook = write_nb(["import os, sys, resource"], tmp_path / "learner" / "demo.ipynb")
    result = grade_notebook(notebook, load_exercise(folder), zygote=zygote.address)
    assert result.status is Status.PASSED, result.checks[0].message


PRELOADED = '''
import os


@points(1)
def test_preloaded(nb):
    """pandas was imported before the first cell; numpy's generator is this kernel's own"""
    assert nb.value("had_pandas") is True
    os.environ["GRADER_TEST_DRAWS"] = os.environ.get("GRADER_TEST_DRAWS", "") + f"{nb.value('draw')},"
'''


def test_a_forked_kernel_starts_with_its_exercises_libraries_and_the_zygote_stays_one_thread(
    exercise, tmp_path, zygote, monkeypatch
):
    monkeypatch.setenv("GRADER_TEST_DRAWS", "")
    folder = exercise(PRELOADED, cells=("import pandas as pd\nvalue = ...",))  # the starter names pandas
    cells = ["import sys\nhad_pandas = 'pandas' in sys.modules\nimport numpy\ndraw = float(numpy.random.random())"]
    for run in ("a", "b"):
        notebook = write_nb(cells, tmp_path / run / "demo.ipynb")
        result = grade_notebook(notebook, load_exercise(folder), zygote=zygote.address)
        assert result.status is Status.PASSED, result.checks[0].message
    first, second = os.environ["GRADER_TEST_DRAWS"].rstrip(",").split(",")
    assert first != second  # each fork reseeded numpy: no two gradings draw the same numbers
    assert len(os.listdir(f"/proc/{zygote._process.pid}/task")) == 1  # no pool's thread to copy into a fork


def test_the_zygote_reports_how_a_kernel_ended(tmp_path, zygote):
    kernel = ForkedKernel(zygote.address, ["--version"], str(tmp_path), {})
    assert kernel.wait(timeout=30) == 0  # `--version` prints and ends
    kernel = ForkedKernel(zygote.address, ["-f", str(tmp_path / "c.json")], str(tmp_path), {})
    assert kernel.poll() is None
    kernel.kill()
    assert kernel.wait(timeout=10) == -signal.SIGKILL


def test_when_the_grading_process_is_killed_then_its_kernel_ends(tmp_path):
    # A zygote serves only the grading process that started it (grader.sandbox.peers).
    grading = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import sys, time\nfrom grader.zygote import ForkedKernel, KernelZygote\n"
                "zygote = KernelZygote().__enter__()\n"
                f"kernel = ForkedKernel(zygote.address, ['-f', {str(tmp_path / 'c.json')!r}], "
                f"{str(tmp_path)!r}, {{}})\n"
                "print(kernel.pid, flush=True)\ntime.sleep(60)"
            ),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    with grading:
        pid = int(grading.stdout.readline())
        assert alive(pid)
        grading.kill()
    assert gone_soon(pid)


def test_when_the_zygote_stops_then_every_kernel_it_forked_ends(tmp_path):
    with KernelZygote() as running:
        kernels = [
            ForkedKernel(running.address, ["-f", str(tmp_path / f"{n}.json")], str(tmp_path), {}) for n in range(2)
        ]
    assert all(gone_soon(k.pid) for k in kernels)
    assert [k.wait(timeout=5) for k in kernels] == [-signal.SIGKILL] * 2


def test_when_a_notebook_kills_the_zygote_then_it_is_started_again(exercise, tmp_path, monkeypatch):
    # The sandbox refuses this signal (tests/sandbox); where there is none, the zygote recovers.
    monkeypatch.setenv("GRADER_NO_SANDBOX", "1")
    sandbox_status.cache_clear()
    try:
        folder = exercise("@points(1)\ndef test_value(nb):\n    assert nb.value('value') == 42\n")
        killer = write_nb(["import os, signal\nos.kill(os.getppid(), signal.SIGKILL)"], tmp_path / "a" / "demo.ipynb")
        fine = write_nb(["value = 42"], tmp_path / "b" / "demo.ipynb")
        with KernelZygote() as running:
            grade_notebook(killer, load_exercise(folder), zygote=running.address)
            assert not running.alive and running.exit_code == -signal.SIGKILL
            result = grade_notebook(fine, load_exercise(folder), zygote=running.ensure_running())
    finally:
        monkeypatch.delenv("GRADER_NO_SANDBOX")
        sandbox_status.cache_clear()
    assert result.status is Status.PASSED


SPARE_IMPORTED = '''
@points(1)
def test_preloaded(nb):
    """numpy was imported by the spare kernel before the notebook's first cell, binding no name"""
    assert nb.value("had_numpy") is True
    assert nb.value("bound") is False
'''


def test_a_spare_kernel_for_watch_imports_its_exercises_libraries_while_the_learner_edits(exercise, tmp_path):
    from grader.kernel_pool import KernelPool

    folder = exercise(SPARE_IMPORTED, cells=("import numpy as np\nvalue = ...",))  # the starter names numpy
    notebook = write_nb(
        ["import sys\nhad_numpy = 'numpy' in sys.modules\nbound = 'numpy' in globals() or 'm' in globals()"],
        tmp_path / "learner" / "demo.ipynb",
    )
    pool = KernelPool()
    try:
        pool.prepare(load_exercise(folder))
        spare = pool.take(load_exercise(folder))
        assert spare is not None
        result = grade_notebook(notebook, load_exercise(folder), spare=spare)
    finally:
        pool.close()
    assert result.status is Status.PASSED, result.checks[0].message
