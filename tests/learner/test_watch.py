"""`grade watch` driven as a learner would: a real process, real saves, Ctrl-C at the end."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import threading
import time
from pathlib import Path

import psutil
import pytest

from grader.progress import load_progress
from tests.conftest import GRADE, write_nb

WAIT = 90  # seconds for a report to appear; generous, as a loaded CI machine grades slowly


class WatchProcess:
    """`grade watch ...` in a subprocess, its output read line by line in a thread."""

    def __init__(self, args: list[str], cwd: Path) -> None:
        env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
        self.process = subprocess.Popen(
            [*GRADE, "watch", *args], cwd=cwd, env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def report(self) -> list[str]:
        """The lines of the next report, up to its footer."""
        report: list[str] = []
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                continue
            self.seen.append(line)
            report.append(line)
            if line.startswith("Graded at "):
                return report
        raise AssertionError("no report within the time limit; output so far:\n" + "\n".join(self.seen))

    def stop(self) -> str:
        """Ctrl-C, then everything it printed after."""
        self.process.send_signal(signal.SIGINT)
        self.process.wait(timeout=30)
        self.reader.join(timeout=10)  # it ends with the output: everything printed is queued
        rest = []
        while not self.lines.empty():
            rest.append(self.lines.get())
        return "\n".join(rest)

    def end(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.reader.join(timeout=10)
        assert self.process.stdout is not None
        self.process.stdout.close()


def save_by_rename(cells: list[str], notebook: Path) -> None:
    """Save as Jupyter does: write a temporary file beside the notebook, then rename it over it."""
    temporary = write_nb(cells, notebook.with_name(f".~{notebook.name}"))
    os.replace(temporary, notebook)


@pytest.fixture
def watched(course: Path):
    processes: list[WatchProcess] = []

    def start(*args: str) -> WatchProcess:
        processes.append(WatchProcess(list(args), course))
        return processes[-1]

    yield start
    for process in processes:
        process.end()


@pytest.mark.portable
def test_when_saved_twice_then_each_save_is_graded_and_ctrl_c_leaves_no_kernel(course: Path, watched):
    notebook = course / "exercises" / "00-test" / "demo" / "demo.ipynb"
    watch = watched("demo")
    first = watch.report()
    assert any("· value is 42  not attempted  0/1" in line for line in first)

    save_by_rename(["value = 41"], notebook)
    second = watch.report()
    assert any("✗ value is 42" in line for line in second) and any("Score 1/2." in line for line in second)
    # the spare kernel ran the notebook in the grading's own working folder
    assert any("✓ the notebook runs in the folder it was copied to" in line for line in second)

    save_by_rename(["value = 42"], notebook)
    third = watch.report()
    assert any("All checks passed, 2/2. Well done!" in line for line in third)
    assert any("Why it works: Forty-two is the answer." in line for line in third)

    deadline = time.monotonic() + 20  # the next spare starts right after a grading, not before it
    while not (kernels := psutil.Process(watch.process.pid).children(recursive=True)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert kernels, "a spare kernel should be waiting for the next save"
    rest = watch.stop()
    assert watch.process.returncode == 0 and "Stopped watching. Your progress is saved." in rest
    _, alive = psutil.wait_procs(kernels, timeout=10)
    assert not alive, f"kernels left running: {alive}"
    entry = load_progress(course).of("demo")
    assert entry.best is not None and entry.best.status == "passed"


def test_when_polling_then_a_plain_write_is_graded(course: Path, watched):
    notebook = course / "exercises" / "00-test" / "demo" / "demo.ipynb"
    watch = watched("demo", "--poll")
    watch.report()
    later = notebook.stat().st_mtime + 2  # a newer time than the last one seen, whatever the clock's resolution
    write_nb(["value = 42"], notebook)
    os.utime(notebook, (later, later))
    assert any("All checks passed, 2/2." in line for line in watch.report())
    watch.stop()
    assert watch.process.returncode == 0


def test_when_a_check_fails_then_watch_shows_expected_and_got_as_grade_does(course: Path, watched):
    write_nb(["value = 41"], course / "exercises" / "00-test" / "demo" / "demo.ipynb")
    report = watched("demo").report()
    failed = report.index(" ✗ value is 42  failed  0/1")
    assert report[failed + 1 : failed + 4] == ["     value should be 42", "     expected: 42", "     got:      41"]
