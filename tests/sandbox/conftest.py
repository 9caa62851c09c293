"""Hostile notebooks: each is the `greeting` solution with one attack cell (cell 2), aimed at a real
course, real hidden checks, a real results folder and a TCP listener this test runs."""

from __future__ import annotations

import hashlib
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from grader.progress import PROGRESS_FILE
from tests.batch.conftest import greeting, make_course

HIDDEN_CHECK = 'def test_secret(nb):\n    assert nb.value("my_name") == "Ada"\n'
REWRITTEN = "def test_everything(nb):\\n    assert True\\n"

# What each attack does; {placeholders} are the real paths of the instructor's files.
ATTACKS = {
    "rewrite_checks": "open({check!r}, 'w').write('{rewritten}')",
    "course_via_proc_cwd": "import os\nos.listdir(os.readlink(f'/proc/{{os.getppid()}}/cwd'))",
    "hidden_by_path": "open({hidden!r}).read()",
    "hidden_via_proc_fd": (
        "import os\nfor fd in os.listdir(f'/proc/{{os.getppid()}}/fd'):\n"
        "    open(f'/proc/{{os.getppid()}}/fd/{{fd}}', 'rb').read(1)"
    ),
    "hidden_via_proc_root": "import os\nopen(f'/proc/{{os.getppid()}}/root{hidden}').read()",
    "write_outside": "open({outside!r}, 'w').write('planted')",
    "write_results": "open({results!r}, 'w').write('{{}}')",
    "read_home": "import os\nos.listdir({home!r})",
    "read_other_submission": "open({other!r}).read()",
    "signal_ancestors": (  # the kernel's parent (grader or zygote), the batch's worker and main process...
        "import os\ndenied = 0\npid = os.getppid()\nwhile pid > 1:\n"
        "    try:\n        os.kill(pid, 0)\n    except PermissionError:\n        denied += 1\n"
        "    else:\n        raise RuntimeError(f'signalled {{pid}}')\n"
        "    pid = int(open(f'/proc/{{pid}}/stat').read().rsplit(')', 1)[1].split()[1])\n"
        "raise PermissionError(f'no process outside could be signalled ({{denied}} tried)')"
    ),
    "tcp_to_test_listener": "import socket\nsocket.create_connection(('127.0.0.1', {port}), timeout=3)",
    "fork_bomb": (
        "import os, time\nforked = 0\nwhile forked < 5000:\n    if os.fork() == 0:\n"
        "        time.sleep(30)\n        os._exit(0)\n    forked += 1"
    ),
    "fill_disk": "with open('big.bin', 'wb') as f:\n    for _ in range(200):\n        f.write(b'x' * (1 << 20))",
}
# A forked kernel's parent is the zygote, whose command line names its socket: asking it for a
# kernel of the notebook's choosing would be one without a sandbox.
BATCH_ATTACKS = {
    "ask_the_zygote_for_a_kernel": (
        "import os, socket\n"
        "address = open(f'/proc/{{os.getppid()}}/cmdline').read().split(chr(0))[-2]\n"
        "assert address.endswith('zygote.sock'), address\n"
        "client = socket.socket(socket.AF_UNIX)\nclient.connect(address)\n"
        'try:\n    client.sendall(b\'{{"argv": [], "cwd": "/", "env": {{}}}}\\n\')\n'
        "    answer = client.recv(100)\nexcept OSError:\n    answer = b''\n"
        "if answer:\n    raise RuntimeError(f'the zygote forked {{answer}}')\n"
        "raise PermissionError('the zygote refused')"
    ),
}
# How the attack cell must end: the error it raises inside the sandbox. A path can also be missing
# altogether: the kernel's own /tmp hides the instructor's folders there (pytest's tmp_path included).
REFUSED = ("PermissionError", "FileNotFoundError")
EXPECTED = {
    "fork_bomb": ("BlockingIOError",),
    "fill_disk": ("OSError",),
    "tcp_to_test_listener": ("PermissionError", "OSError"),
}


@dataclass
class Scene:
    """The instructor's side: a course, hidden checks, results, an honest learner, a listener."""

    root: Path
    hidden: Path  # the folder given to --extra-checks
    out: Path
    outside: Path
    honest: Path
    listener: socket.socket

    @property
    def check_file(self) -> Path:
        return self.root / "exercises" / "00-start-here" / "greeting" / "test_greeting.py"

    def attack(self, name: str, hidden_file: Path) -> str:
        return {**ATTACKS, **BATCH_ATTACKS}[name].format(
            check=str(self.check_file),
            rewritten=REWRITTEN,
            hidden=str(hidden_file),
            outside=str(self.outside / "planted.txt"),
            results=str(self.out / "results" / "planted.json"),
            home=str(Path.home()),
            other=str(self.honest),
            port=self.listener.getsockname()[1],
        )

    def fingerprint(self) -> dict[str, str]:
        """Every instructor file the attacks aim at, by content (`grade` itself keeps the learner's
        progress in the course folder: that file is the grader's, written outside the sandbox)."""
        files = [
            *sorted(self.root.rglob("*")),
            *sorted(self.hidden.rglob("*")),
            *sorted(self.outside.rglob("*")),
            self.honest,
        ]
        return {
            str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in files if p.is_file() and p.name != PROGRESS_FILE
        }

    def accepted_nothing(self) -> bool:
        self.listener.setblocking(False)
        try:
            self.listener.accept()[0].close()
        except BlockingIOError:
            return True
        return False


@pytest.fixture(scope="package")
def scene(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scene]:
    yield from make_scene(tmp_path_factory.mktemp("scene"))


def make_scene(tmp: Path) -> Iterator[Scene]:
    """The instructor's side in `tmp`, for as long as the generator is not closed."""
    root = make_course(tmp / "course")
    outside = tmp / "outside"
    outside.mkdir()
    (outside / "notes.txt").write_text("the instructor's notes")
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield Scene(
            root,
            tmp / "hidden",
            tmp / "out",
            outside,
            greeting(tmp / "submissions" / "honest" / "greeting.ipynb"),
            listener,
        )


def attack_cell_error(record: dict, name: str) -> dict:  # type: ignore[type-arg]
    """The error the attack cell (cell 2) raised, asserting the attack failed the expected way."""
    errors = [e for e in record["cell_errors"] if e["cell"] == 2]
    assert errors, f"{name}: the attack cell raised nothing: it was not stopped ({record['cell_errors']})"
    assert errors[0]["ename"] in EXPECTED.get(name, REFUSED), (name, errors[0])
    return errors[0]
