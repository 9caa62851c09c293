"""`grade` with the POSIX-only pieces taken away, as on Windows: the example exercise graded right.

Each grading runs the real `grade` command with GRADER_PORTABLE=1 and `posix_removed/` on
PYTHONPATH (see its sitecustomize), so the grader and its kernel take every portable way and a
top-level import of `resource` or `fcntl`, or a call of `os.killpg`, fails the run.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell

from tests.conftest import REPO, run_grade

POSIX_REMOVED = Path(__file__).parent / "posix_removed"
PORTABLE_ENV = {
    "GRADER_PORTABLE": "1",
    "GRADER_NO_SANDBOX": "1",  # the sandbox needs Linux, as on Windows
    "PYTHONPATH": os.pathsep.join(filter(None, [str(POSIX_REMOVED), os.environ.get("PYTHONPATH")])),
}
GREETING = REPO / "exercises" / "00-start-here" / "greeting"
SOLUTION = REPO / "solutions" / "00-start-here" / "greeting" / "greeting.ipynb"


def grade_portably(notebook: Path, tmp_path: Path) -> tuple[subprocess.CompletedProcess[str], dict]:
    report = tmp_path / "report.json"
    done = run_grade(str(notebook), "--json", str(report), cwd=tmp_path, env=PORTABLE_ENV)
    assert "Traceback" not in done.stdout + done.stderr, done.stdout + done.stderr
    return done, json.loads(report.read_text())


def greeting_copy(tmp_path: Path, extra_cells: list[str], cell_timeout: int | None = None) -> Path:
    """The example exercise in a folder of its own, its notebook the solution plus `extra_cells`."""
    folder = tmp_path / "exercises" / "00-start-here" / "greeting"
    shutil.copytree(GREETING, folder)
    if cell_timeout is not None:  # the exercise's own 10 s limit, shortened to keep the test short
        toml = folder / "exercise.toml"
        toml.write_text(toml.read_text().replace("cell_timeout = 10", f"cell_timeout = {cell_timeout}"))
    nb = nbformat.read(SOLUTION, as_version=4)
    nb.cells[1:1] = [new_code_cell(source) for source in extra_cells]  # after `my_name`, before `greet`
    nbformat.write(nb, folder / "greeting.ipynb")
    return folder / "greeting.ipynb"


def test_when_posix_is_taken_away_then_the_solution_still_gets_full_marks(tmp_path):
    done, report = grade_portably(SOLUTION, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (report["status"], report["score"], report["max_score"]) == ("passed", 4, 4)
    assert "All checks passed, 4/4" in done.stdout


def test_when_posix_is_taken_away_then_the_starter_is_not_attempted(tmp_path):
    done, report = grade_portably(GREETING / "greeting.ipynb", tmp_path)
    assert done.returncode == 1
    assert report["status"] == "not attempted"


def test_when_posix_is_taken_away_then_a_loop_is_stopped_by_its_time_limit(tmp_path):
    notebook = greeting_copy(tmp_path, ["while True:\n    pass"], cell_timeout=2)
    done, report = grade_portably(notebook, tmp_path)
    [error] = report["cell_errors"]
    assert (error["cell"], error["ename"]) == (2, "TimeoutError")
    assert report["status"] == "passed"  # the cells after the loop still ran
    assert "ran longer than 2 seconds" in done.stdout


def test_when_posix_is_taken_away_then_a_crash_is_reported_with_its_cell(tmp_path):
    notebook = greeting_copy(tmp_path, ["import os\nos._exit(3)"])
    done, report = grade_portably(notebook, tmp_path)
    assert done.returncode == 1
    assert report["stopped_at_cell"] == 2 and "exit code 3" in report["stop_reason"]
    assert "Your notebook stopped Python" in done.stdout


def test_when_posix_is_taken_away_then_memory_over_the_limit_stops_the_notebook(tmp_path):
    notebook = greeting_copy(
        tmp_path, ["import time\nhog = []\nwhile True:\n    hog.append(b'x' * 5_000_000)\n    time.sleep(0.02)"]
    )
    toml = notebook.parent / "exercise.toml"
    toml.write_text(toml.read_text() + "memory_mb = 300\n")
    done, report = grade_portably(notebook, tmp_path)
    assert report["stopped_at_cell"] == 2 and "ran out of memory" in report["stop_reason"]
    assert "Your notebook stopped Python" in done.stdout


def test_when_posix_is_taken_away_then_the_grader_cannot_import_it_but_its_learner_path_loads():
    code = (
        "import os, pathlib, grader\n"
        "assert not hasattr(os, 'killpg') and not hasattr(os, 'fork')\n"
        "inside = {'__file__': str(pathlib.Path(grader.__file__).parent / 'any.py')}\n"
        "for statement in ('import resource', 'import fcntl', 'from signal import SIGKILL'):\n"
        "    try:\n        exec(statement, dict(inside))\n    except ImportError:\n        pass\n"
        "    else:\n        raise SystemExit(statement + ' worked in the grader')\n"
        "exec('import signal\\nassert not hasattr(signal, \"SIGKILL\")', dict(inside))\n"
        "import grader.cli, grader.engine, grader.kernel, grader.kernel_main, grader.learner.watch\n"
        "import grader.inside_jupyter, grader.learner.commands, grader.zygote\n"
        "from grader import platform_support as p\n"
        "assert not (p.memory_rlimit() or p.process_groups() or p.unix_sockets() or p.fork()\n"
        "            or p.schedstat() or p.parent_death_signal()) and p.lock_kind() == 'lockfile'\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, **PORTABLE_ENV},
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr


def test_when_posix_is_taken_away_then_instructor_commands_needing_linux_say_so_in_one_line(tmp_path):
    for command in (["check"], ["grade-batch", str(tmp_path), "--out", str(tmp_path / "out")]):
        done = subprocess.run(
            [sys.executable, "-m", "grader.course_cli", *command],
            env={**os.environ, **PORTABLE_ENV},
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 2
        assert done.stderr.startswith(f"course: `course {command[0]}` needs Linux"), done.stderr
        assert len(done.stderr.strip().splitlines()) == 1


def test_when_posix_is_taken_away_then_no_grader_module_needs_it_at_import():
    # The sandbox is Linux's alone: grader.sandbox imports its Linux pieces only once it runs there.
    code = (
        "import importlib, pkgutil, grader\n"
        "for module in pkgutil.walk_packages(grader.__path__, 'grader.'):\n"
        "    if module.name.startswith('grader.sandbox.') or module.name.endswith('__main__'):\n"
        "        continue\n"
        "    try:\n        importlib.import_module(module.name)\n"
        "    except ImportError as err:\n"
        "        if err.name in ('resource', 'fcntl', 'termios') or 'SIGKILL' in str(err):\n"
        "            raise SystemExit(f'{module.name}: {err}')\n"  # else an optional extra (the site's, the book's)
        "    except AttributeError as err:\n        raise SystemExit(f'{module.name}: {err}')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, **PORTABLE_ENV},
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
