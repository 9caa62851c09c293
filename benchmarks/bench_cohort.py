"""A cohort of 200 submissions with `course grade-batch`, side by side with nbgrader and otter-grader.

The cohort is generated from the example exercise (greeting) with the mix of bench_batch.py: in
every 20 submissions, 9 correct, 4 partly wrong, 3 not attempted (the starter), 2 not JSON, 1 that
kills its own kernel and 1 that loops until the 10-second cell limit stops it (the exercise's own
limit; the other graders get the same 10 s per cell). The whole cohort is graded by
`course grade-batch` (its default workers, two per core) from an empty results folder, and again
without its looping submissions, which cost their 10 s each in every tool.

The first K submissions (--peer-subset, 20 by default: one whole period of the mix) are also graded
the way an instructor runs the other tools without Docker, each installed from PyPI in its own
virtual environment under ~/.cache/course-bench (created on first use, then reused):

nbgrader  a course folder (nbgrader_config.py, source/ps1/greeting.ipynb with nbgrader cell metadata
          and four 1-point autograder test cells equivalent to test_greeting.py), `nbgrader
          generate_assignment ps1` (not timed), the same submissions put into the released notebook
          (their three code cells in its three answer cells) under submitted/LEARNER/ps1/, then
          the timed `nbgrader autograde ps1 --create` (one command, one notebook at a time).
otter     an autograder zip (otter_config.json and four 1-point OK-format tests equivalent to
          test_greeting.py) and the timed `otter run -a autograder.zip SUBMISSION` for each
          submission, one after the other and then two at a time (otter run takes one submission).

nbgrader also grades the subset without its looping submission. Each tool's submissions/s is
measured on the subset only and compared with ours on the whole cohort (or the whole cohort without
loops) and on the same subset. Run:

    .venv/bin/python benchmarks/bench_cohort.py [--submissions 200] [--peer-subset 20] [--workers N] [--skip-peers]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import nbformat
from bench_batch import MIX, write_cohort  # same folder: the same generated submissions

from grader.kernel import default_parallel_gradings

REPO = Path(__file__).resolve().parent.parent
SOLUTION = REPO / "solutions" / "00-start-here" / "greeting" / "greeting.ipynb"
COURSE = [str(Path(sys.executable).parent / "course")]
CACHE = Path.home() / ".cache" / "course-bench"
CELL_TIMEOUT = 10  # the greeting exercise's [limits] cell_timeout
PEER_SAFETY_TIMEOUT = 600  # a peer command that runs longer than this is killed and reported
# `otter run` has no time limit at all (only `otter grade`, in Docker, has --timeout): a looping
# notebook runs forever, so each otter run is killed after the cell limit plus otter's own time
OTTER_LIMIT = CELL_TIMEOUT + 10

# (points, nbgrader test cell / otter doctest); the fourth is weaker than ours: the peers' tests
# cannot read what the notebook printed, so they check what its last cell prints
TESTS = [
    'assert isinstance(my_name, str) and my_name.strip(), "my_name should be non-empty text"',
    'assert greet("Grace") == "Hello, Grace!", "greet should return \'Hello, \' + the name + \'!\'"',
    'for name in ("Ada", "Linus", "María José"):\n    assert greet(name) == f"Hello, {name}!"',
    'assert greet(my_name) == f"Hello, {my_name}!", "the last cell should print the greeting"',
]


def load() -> str:
    return os.popen("uptime").read().strip().split("load average:")[-1].strip()


def run(
    command: list[str], env: dict | None = None, cwd: Path | None = None, limit: float = PEER_SAFETY_TIMEOUT
) -> tuple[float, int, str]:
    """Run a command; past `limit` seconds kill it and every process it started (its kernels)."""
    started = time.perf_counter()
    with subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True
    ) as process:
        try:
            output, _ = process.communicate(timeout=limit)
            code = process.returncode
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            output, _ = process.communicate()
            code = -9
            output += f"\nkilled after {limit} s"
    return time.perf_counter() - started, code, output


# --- ours ------------------------------------------------------------------------------------------


def grade_ours(cohort: Path, out: Path, workers: int | None) -> tuple[float, dict[str, float]]:
    shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()
    subprocess.run(
        [*COURSE, "grade-batch", str(cohort), "--out", str(out), *(["--workers", str(workers)] if workers else [])],
        cwd=REPO,
        check=True,
        capture_output=True,
    )
    seconds = time.perf_counter() - started
    data = json.loads((out / "gradebook.json").read_text())
    scores = {}
    for learner in data["learners"]:
        name = learner.get("learner") or learner.get("id") or learner.get("name")
        scores[str(name)] = learner.get("total")
    return seconds, scores


# --- virtual environments ----------------------------------------------------------------------------


def venv(name: str, *packages: str) -> Path:
    """A venv under the cache with `packages` installed from PyPI; reused once installed."""
    folder = CACHE / f"{name}-venv"
    marker = folder / ".bench-installed"
    if not marker.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        if not (folder / "bin" / "python").exists():
            subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
        print(f"  installing {' '.join(packages)} into {folder} (once) ...", flush=True)
        subprocess.run([str(folder / "bin" / "pip"), "install", "-q", *packages], check=True)
        marker.write_text(" ".join(packages) + "\n")
    return folder


def venv_env(folder: Path, home: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "JUPYTER_PATH")}
    env["PATH"] = f"{folder / 'bin'}:{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(folder)
    env["JUPYTER_CONFIG_DIR"] = str(home / "jupyter-config")  # no user config leaks in
    env["JUPYTER_DATA_DIR"] = str(home / "jupyter-data")  # the venv's own python3 kernel is used
    env["IPYTHONDIR"] = str(home / "ipython")
    for key in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "IPYTHONDIR"):
        Path(env[key]).mkdir(parents=True, exist_ok=True)
    return env


def version(folder: Path, module: str) -> str:
    done = subprocess.run(
        [str(folder / "bin" / "python"), "-c", f"import importlib.metadata as m; print(m.version({module!r}))"],
        capture_output=True,
        text=True,
    )
    return done.stdout.strip() or "?"


def code_sources(submission: Path) -> list[str] | None:
    """The sources of the submission's code cells, or None when it is not a notebook."""
    try:
        nb = nbformat.read(submission, as_version=4)
    except Exception:  # "not JSON" submissions are the point
        return None
    return [cell.source for cell in nb.cells if cell.cell_type == "code"]


# --- nbgrader ----------------------------------------------------------------------------------------


def nbgrader_source() -> nbformat.NotebookNode:
    nb = nbformat.read(SOLUTION, as_version=4)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    code[0].source = '### BEGIN SOLUTION\nmy_name = "Ada"\n### END SOLUTION'
    code[1].source = (
        code[1].source.replace("# BEGIN SOLUTION", "### BEGIN SOLUTION").replace("# END SOLUTION", "### END SOLUTION")
    )
    for cell, grade_id, solution in ((code[0], "my_name", True), (code[1], "greet", True), (code[2], "try_it", False)):
        cell.metadata["nbgrader"] = {
            "grade": False,
            "solution": solution,
            "locked": not solution,
            "grade_id": grade_id,
            "schema_version": 3,
        }
    for n, test in enumerate(TESTS, 1):
        cell = nbformat.v4.new_code_cell(test)
        cell.metadata["nbgrader"] = {
            "grade": True,
            "solution": False,
            "locked": True,
            "points": 1,
            "grade_id": f"test_{n}",
            "schema_version": 3,
        }
        nb.cells.append(cell)
    return nb


def nbgrader_bench(submissions: list[Path], work: Path, name: str = "nbgrader") -> dict:
    folder = venv("nbgrader", "nbgrader")
    work = work / name
    course = work / "nbgrader-course"
    env = venv_env(folder, work / "nbgrader-home")
    (course / "source" / "ps1").mkdir(parents=True)
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        "c.CourseDirectory.course_id = 'bench'\n"
        f"c.CourseDirectory.root = {str(course)!r}\n"
        f"c.ExecutePreprocessor.timeout = {CELL_TIMEOUT}\n"
        "c.Exchange.root = " + repr(str(work / "nbgrader-exchange")) + "\n"
    )
    nbformat.write(nbgrader_source(), course / "source" / "ps1" / "greeting.ipynb")
    nbgrader = str(folder / "bin" / "nbgrader")
    seconds, code, output = run([nbgrader, "generate_assignment", "ps1", "--force"], env, course)
    if code:
        raise RuntimeError(f"nbgrader generate_assignment failed:\n{output[-3000:]}")
    release = nbformat.read(course / "release" / "ps1" / "greeting.ipynb", as_version=4)
    for n, submission in enumerate(submissions):
        target = course / "submitted" / f"learner{n:04d}" / "ps1" / "greeting.ipynb"
        target.parent.mkdir(parents=True)
        sources = code_sources(submission)
        if sources is None:
            shutil.copy(submission, target)
            continue
        nb = nbformat.from_dict(json.loads(json.dumps(release)))
        answers = [cell for cell in nb.cells if cell.cell_type == "code"][:3]
        for cell, source in zip(answers, sources, strict=False):
            cell.source = source
        nbformat.write(nb, target)
    seconds, code, output = run([nbgrader, "autograde", "ps1", "--create"], env, course)
    graded = len(list((course / "autograded").glob("*/ps1/greeting.ipynb")))
    scores = {}
    done = subprocess.run(
        [
            str(folder / "bin" / "python"),
            "-c",
            "from nbgrader.api import Gradebook\n"
            f"gb = Gradebook('sqlite:///{course / 'gradebook.db'}')\n"
            "for s in gb.students:\n"
            "    try: print(s.id, gb.find_submission('ps1', s.id).score)\n"
            "    except Exception: print(s.id, 'none')\n",
        ],
        env=env,
        cwd=course,
        capture_output=True,
        text=True,
    )
    for line in done.stdout.splitlines():
        learner, score = line.split()
        scores[learner] = score
    return {
        "tool": f"nbgrader {version(folder, 'nbgrader')} autograde",
        "seconds": seconds,
        "exit": code,
        "graded": graded,
        "scores": scores,
        "tail": output[-1500:],
    }


# --- otter-grader ------------------------------------------------------------------------------------


def otter_zip(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("otter_config.json", json.dumps({"lang": "python"}))
        archive.writestr("requirements.txt", "")
        for n, test in enumerate(TESTS, 1):
            doctest = ">>> " + "\n... ".join(test.splitlines())
            if "\n" in test:
                doctest += "\n... "
            spec = {
                "name": f"q{n}",
                "points": 1,
                "suites": [
                    {
                        "cases": [{"code": doctest, "hidden": False, "locked": False}],
                        "scored": True,
                        "setup": "",
                        "teardown": "",
                        "type": "doctest",
                    }
                ],
            }
            archive.writestr(f"tests/q{n}.py", "OK_FORMAT = True\n\ntest = " + repr(spec) + "\n")


def otter_one(otter: str, autograder: Path, submission: Path, out: Path, env: dict) -> tuple[int, str]:
    out.mkdir(parents=True)
    _seconds, code, output = run(
        [otter, "run", "-a", str(autograder), "-o", str(out), str(submission)], env, out, limit=OTTER_LIMIT
    )
    return code, output


def otter_bench(submissions: list[Path], work: Path, jobs: int) -> dict:
    folder = venv("otter", "otter-grader", "ipykernel")  # otter run needs a kernel
    env = venv_env(folder, work / "otter-home")
    autograder = work / "otter-autograder.zip"
    if not autograder.exists():
        otter_zip(autograder)
    otter = str(folder / "bin" / "otter")
    outs = work / f"otter-out-{jobs}"
    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        results = list(
            pool.map(
                lambda item: otter_one(otter, autograder, item[1], outs / f"learner{item[0]:04d}", env),
                enumerate(submissions),
            )
        )
    seconds = time.perf_counter() - started
    scores = {}
    for n in range(len(submissions)):
        result = outs / f"learner{n:04d}" / "results.json"
        try:
            data = json.loads(result.read_text())
            scores[f"learner{n:04d}"] = sum(t.get("score", 0) or 0 for t in data.get("tests", []))
        except (OSError, ValueError):
            scores[f"learner{n:04d}"] = "none"
    failures = [output[-600:] for code, output in results if code]
    return {
        "tool": f"otter-grader {version(folder, 'otter-grader')} run, {jobs} at a time",
        "seconds": seconds,
        "exit": len(failures),
        "graded": sum(1 for s in scores.values() if s != "none"),
        "scores": scores,
        "tail": failures[0] if failures else "",
    }


# --- main ----------------------------------------------------------------------------------------------


def copy_learners(cohort: Path, target: Path, numbers: list[int]) -> Path:
    target.mkdir()
    for n in numbers:
        shutil.copytree(cohort / f"learner{n:04d}", target / f"learner{n:04d}")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=200)
    parser.add_argument("--peer-subset", type=int, default=20)
    parser.add_argument("--workers", type=int, help="grade-batch --workers (default: its own, two per core)")
    parser.add_argument("--skip-peers", action="store_true")
    args = parser.parse_args()
    kinds = [MIX[n % len(MIX)][0] for n in range(args.submissions)]
    workers = args.workers or default_parallel_gradings()
    cores = len(os.sched_getaffinity(0))
    ours_label = f"course grade-batch --workers {args.workers or f'(default {workers})'}"
    print(f"machine: {os.cpu_count()} cores, load average at start {load()}", flush=True)
    print("cohort: " + ", ".join(f"{kinds.count(k)} {k}" for k in dict.fromkeys(kinds)), flush=True)
    rows: list[tuple[str, str, int, float]] = []  # (tool, which notebooks, how many, seconds)

    def ours(folder: Path, which: str, count: int) -> dict[str, float]:
        seconds, scores = grade_ours(folder, work / f"out-{which}", args.workers)
        rows.append((ours_label, which, count, seconds))
        print(f"  ours, {which}: {seconds:.1f} s (load now {load()})", flush=True)
        return scores

    with tempfile.TemporaryDirectory(prefix="bench-cohort-") as tmp:
        work = Path(tmp)
        cohort = work / "cohort"
        write_cohort(cohort, args.submissions)
        ending = [n for n in range(args.submissions) if kinds[n] != "loops"]
        subset = list(range(args.peer_subset))
        ours(cohort, "all", args.submissions)
        ours(copy_learners(cohort, work / "cohort-ending", ending), "no loops", len(ending))
        if not args.skip_peers:
            ours_subset = ours(copy_learners(cohort, work / "subset", subset), "subset", len(subset))
            files = [cohort / f"learner{n:04d}" / "greeting.ipynb" for n in subset]
            ending_files = [f for n, f in zip(subset, files, strict=True) if kinds[n] != "loops"]
            peers = []
            for which, bench in (
                ("subset", lambda: nbgrader_bench(files, work)),
                ("subset, no loops", lambda: nbgrader_bench(ending_files, work, "nbgrader-ending")),
                ("subset", lambda: otter_bench(files, work, 1)),
                ("subset", lambda: otter_bench(files, work, 2)),
            ):
                try:
                    result = bench()
                except Exception as error:  # report what blocked the tool, keep ours
                    print(f"  {which}: could not run: {error}", flush=True)
                    continue
                count = len(ending_files) if "no loops" in which else len(files)
                rows.append((result["tool"], which, count, result["seconds"]))
                print(
                    f"  {result['tool']}, {which}: {result['seconds']:.1f} s, exit {result['exit']}, "
                    f"{result['graded']}/{count} graded (load now {load()})",
                    flush=True,
                )
                if result["exit"]:
                    print("    " + result["tail"].replace("\n", "\n    "), flush=True)
                if which == "subset":
                    peers.append(result)
            print("\nscores on the subset (ours / " + " / ".join(p["tool"].split()[0] for p in peers) + "):")
            for n in subset:
                name = f"learner{n:04d}"
                cells = [str(ours_subset.get(name, "?"))] + [str(p["scores"].get(name, "?")) for p in peers]
                print(f"  {name} {kinds[n]:14} " + " / ".join(cells))
    print(f"\nload average at end {load()}")
    print(f"{'':50} {'notebooks':>18} {'seconds':>8} {'subm/s':>7}")
    for tool, which, count, seconds in rows:
        print(f"{tool:50} {f'{count} ({which})':>18} {seconds:8.1f} {count / seconds:7.2f}")
    rate = {(tool == ours_label, which): count / seconds for tool, which, count, seconds in rows}
    for tool, which, count, seconds in rows:
        if tool != ours_label:
            mine = rate[(True, "no loops" if "no loops" in which else "all")]
            same = rate.get((True, "subset"))
            line = f"ours / {tool} ({which}): {mine / (count / seconds):.1f}x"
            if same and "no loops" not in which:
                line += f", {same / (count / seconds):.1f}x on the same {count} notebooks"
            print(line)
    if not (loops := kinds.count("loops")):
        return
    floor = loops * CELL_TIMEOUT / min(workers, cores)
    print(
        f"\nthe {loops} looping notebooks alone need {loops} x {CELL_TIMEOUT} s of a core: at best "
        f"{floor:.0f} s on {cores} cores, {args.submissions / floor:.2f} subm/s however "
        "fast the rest is graded"
    )


if __name__ == "__main__":
    main()
