"""How long `grade` takes on the example exercise, against the floor and against nbmake.

floor   a fresh Python that starts and stops one kernel with jupyter_client: no grader can beat it
grade   `grade` on the example's solution: execute the notebook and judge it with 4 checks
nbmake  `pytest --nbmake` on the same notebook: it only executes, it judges nothing

Runs are interleaved so that a busy machine slows all three alike. Run: `make bench`
or `.venv/bin/python benchmarks/bench_grade.py [--runs 7]`.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NOTEBOOK = REPO / "solutions" / "00-start-here" / "greeting" / "greeting.ipynb"
BIN = Path(sys.executable).parent

FLOOR = (
    "from jupyter_client.manager import start_new_kernel\n"
    "km, kc = start_new_kernel(kernel_name='python3')\n"
    "kc.stop_channels()\nkm.shutdown_kernel(now=True)\n"
)

COMMANDS = {
    "floor": [sys.executable, "-c", FLOOR],
    "grade": [str(BIN / "grade"), str(NOTEBOOK), "--quiet"],
    "nbmake": [str(BIN / "pytest"), "--nbmake", "-q", "-p", "no:cacheprovider", str(NOTEBOOK)],
}


def timed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=REPO, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    for command in COMMANDS.values():  # warm the disk cache once, untimed
        timed(command)
    samples: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(runs):
        for name, command in COMMANDS.items():
            samples[name].append(timed(command))
    median = {name: statistics.median(values) for name, values in samples.items()}
    print(f"median of {runs} runs, example exercise (greeting, 4 checks)")
    for name in COMMANDS:
        print(f"  {name:<7} {median[name]:6.2f} s")
    print(f"  grade / nbmake = {median['grade'] / median['nbmake']:.2f}x   (target <= 0.60x)")
    print(f"  grade / floor  = {median['grade'] / median['floor']:.2f}x")


if __name__ == "__main__":
    main()
