"""The background grading service: the same results as grading alone, for the learner's own grade only."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from grader import service
from tests.conftest import GRADE, REPO

SOLUTION = REPO / "solutions/00-start-here/greeting/greeting.ipynb"


@pytest.fixture
def folder() -> Iterator[Path]:
    """A service folder of its own (short: a Unix socket's path is limited), its service ended after."""
    path = Path(tempfile.mkdtemp(prefix="gs-", dir="/tmp"))
    yield path
    pid = service_pid(path)
    if alive(pid):
        os.kill(pid, signal.SIGTERM)
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def greeting(tmp_path: Path) -> Path:
    copy = tmp_path / "greeting"
    shutil.copytree(REPO / "exercises/00-start-here/greeting", copy)
    shutil.copy(SOLUTION, copy / "greeting.ipynb")
    return copy


def service_pid(folder: Path) -> int | None:
    try:
        return int((folder / "lock").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def alive(pid: int | None) -> bool:
    return pid is not None and Path(f"/proc/{pid}").exists() and "(Z" not in Path(f"/proc/{pid}/stat").read_text()


def run_grade(*args: str, folder: Path | None, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`grade` as a learner runs it, with the service in `folder` (None: without any service)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRADER_")}
    env |= {"NO_COLOR": "1", "COLUMNS": "200"}
    env |= {"GRADER_SERVICE_DIR": str(folder)} if folder else {"GRADER_NO_SERVICE": "1"}
    return subprocess.run([*GRADE, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def wait_until(condition, seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def comparable(path: Path) -> dict:
    result = json.loads(path.read_text())
    for key in ("timings", "graded_at"):
        result.pop(key)
    for check in result["checks"]:
        check.pop("seconds")
    return result


def test_the_first_grade_starts_the_service_and_the_next_get_the_same_result_from_it(folder, greeting, tmp_path):
    first = run_grade("greeting.ipynb", "--json", str(tmp_path / "alone.json"), folder=folder, cwd=greeting)
    assert first.returncode == 0, first.stdout + first.stderr
    assert wait_until(lambda: (folder / "token").exists())  # started by that first grade, for the next
    pid = service_pid(folder)
    notebook = greeting / "greeting.ipynb"
    notebook.write_text(notebook.read_text().replace('return f\\"Hello, {name}!\\"', 'return f\\"Hi, {name}!\\"'))
    for name in ("served", "again"):
        done = run_grade("greeting.ipynb", "--json", str(tmp_path / f"{name}.json"), folder=folder, cwd=greeting)
        assert done.returncode == 1 and "greet should return" in done.stdout
    assert service_pid(folder) == pid and alive(pid)
    # and the kernel really was the service's: forked by its zygote, whose parent the service is
    text = json.loads(notebook.read_text())
    whose = "import os\nraise RuntimeError(open(f'/proc/{os.getppid()}/stat').read().split()[3])"
    text["cells"].append({"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": whose})
    (greeting / "whose.ipynb").write_text(json.dumps(text))
    done = run_grade("whose.ipynb", "--json", "-", folder=folder, cwd=greeting)
    assert json.loads(done.stdout)["cell_errors"][0]["evalue"] == str(pid)
    alone = run_grade("greeting.ipynb", "--json", str(tmp_path / "alone.json"), folder=None, cwd=greeting)
    assert alone.returncode == 1
    assert comparable(tmp_path / "served.json") == comparable(tmp_path / "alone.json")


def test_a_request_without_the_token_is_refused_and_a_kernel_cannot_read_it(folder, greeting, tmp_path):
    assert run_grade("greeting.ipynb", folder=folder, cwd=greeting).returncode == 0
    assert wait_until(lambda: (folder / "token").exists())
    import socket

    with socket.socket(socket.AF_UNIX) as conn:  # as a notebook's code would try
        conn.connect(str(folder / "grade.sock"))
        conn.sendall(json.dumps({"token": "guess", "notebook": "x"}).encode() + b"\n")
        assert conn.recv(100) == b""  # hung up on, nothing graded
    notebook = greeting / "greeting.ipynb"
    steal = f"try:\n    stolen = open({str(folder / 'token')!r}).read()\nexcept OSError:\n    stolen = None"
    text = json.loads(notebook.read_text())
    text["cells"].append(
        {
            "cell_type": "code",
            "metadata": {},
            "outputs": [],
            "execution_count": None,
            "source": steal + "\nif stolen:\n    raise RuntimeError('the token was read')",
        }
    )
    notebook.write_text(json.dumps(text))
    done = run_grade("greeting.ipynb", "--json", "-", folder=folder, cwd=greeting)
    result = json.loads(done.stdout)
    assert (result["status"], result["cell_errors"]) == ("passed", [])  # graded by the service, token unread
    assert "landlock" in result["sandbox"]


def test_when_the_grader_is_updated_then_the_old_service_ends_and_grade_still_grades(folder, greeting):
    assert run_grade("greeting.ipynb", folder=folder, cwd=greeting).returncode == 0
    assert wait_until(lambda: (folder / "token").exists())
    pid = service_pid(folder)
    source = Path(service.__file__)
    stat = source.stat()
    os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))  # as a reinstall would
    try:
        done = run_grade("greeting.ipynb", folder=folder, cwd=greeting)
        assert done.returncode == 0, done.stdout + done.stderr
        assert wait_until(lambda: not alive(pid))
    finally:
        os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def test_when_grade_is_stopped_then_the_service_drops_that_grading_and_serves_the_next(folder, greeting):
    assert run_grade("greeting.ipynb", folder=folder, cwd=greeting).returncode == 0
    assert wait_until(lambda: (folder / "token").exists())
    pid = service_pid(folder)
    slow = greeting / "slow.ipynb"
    text = json.loads((greeting / "greeting.ipynb").read_text())
    text["cells"].insert(
        1,
        {
            "cell_type": "code",
            "metadata": {},
            "outputs": [],
            "execution_count": None,
            "source": "import time\ntime.sleep(20)",
        },
    )
    slow.write_text(json.dumps(text))
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRADER_")} | {"GRADER_SERVICE_DIR": str(folder)}
    grading = subprocess.Popen(
        [*GRADE, "slow.ipynb"], cwd=greeting, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    time.sleep(2)
    grading.send_signal(signal.SIGINT)
    _, err = grading.communicate(timeout=30)
    assert grading.returncode == 130 and "you stopped grading" in err
    started = time.monotonic()
    done = run_grade("greeting.ipynb", folder=folder, cwd=greeting)
    assert done.returncode == 0 and time.monotonic() - started < 15  # not queued behind the 20 s sleep
    assert service_pid(folder) == pid and alive(pid)
