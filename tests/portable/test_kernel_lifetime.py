"""Without prctl and process groups, a kernel and what it started still end with the grader."""

from __future__ import annotations

import os
import subprocess
import sys

import psutil

from tests.conftest import REPO
from tests.portable.test_portable_grade import PORTABLE_ENV

# A grader that starts a kernel, has it start a process of its own, says both pids, then waits.
START_A_KERNEL = """
import asyncio, sys, time
from pathlib import Path
from grader.exercise import load_exercise
from grader.kernel import start_kernel

SPAWN = ("import subprocess, sys\\n"
         "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)'])\\n"
         "with open('child.pid', 'w') as file:\n"
         "    file.write(str(child.pid))")  # a statement: the cell shows nothing on the grader's stdout

async def main():
    folder = Path(sys.argv[1])
    kernel = await start_kernel(folder, load_exercise(Path(sys.argv[2])))
    client = kernel.manager.client()
    client.start_channels()
    await client.wait_for_ready(timeout=60)
    await client.execute_interactive(SPAWN, timeout=60)
    print(kernel.pid, (folder / "child.pid").read_text(), flush=True)
    time.sleep(120)

asyncio.run(main())
"""


def test_when_the_grader_is_killed_then_its_kernel_and_what_it_started_end_without_prctl(exercise, tmp_path):
    folder = exercise("def test_nothing(nb):\n    pass\n")
    grader = subprocess.Popen(
        [sys.executable, "-c", START_A_KERNEL, str(tmp_path), str(folder)],
        cwd=REPO,
        env={**os.environ, **PORTABLE_ENV},
        stdout=subprocess.PIPE,
        text=True,
    )
    with grader:
        assert grader.stdout is not None
        pids = [int(pid) for pid in grader.stdout.readline().split()]
        processes = [psutil.Process(pid) for pid in pids]
        grader.kill()  # as kill -9 would: no clean-up of its own
    _, alive = psutil.wait_procs(processes, timeout=30)
    assert alive == [], "these outlived the grader that started them"
