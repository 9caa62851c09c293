"""Course integrity: every exercise is sound before the course ships.

An exercise is sound when its solution scores full marks, its starter scores zero and is "not
attempted", the proofs kept beside its solution hold (`proofs`: alternatives score full marks,
known-wrong submissions lose the checks meant to catch them, with their message), its starter is
in sync with the solution and carries no output or solution marker, its metadata is complete, and
its module has the front matter the site needs. The gradings run in
parallel worker processes (one kernel each), two per core.
"""

from __future__ import annotations

import json
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from grader.course_model import read_exercise_meta, read_front_matter, read_module_meta
from grader.errors import CourseError, GraderError
from grader.exercise import EXERCISE_FILE, Exercise, load_exercise
from grader.instructor.proofs import CheckSeen, Proof, ProofsError, broken_promises, read_proofs, too_few_proofs
from grader.kernel import default_parallel_gradings
from grader.result import Status
from grader.starter import MARKERS, starter_text
from grader.zygote import zygote_of_this_process

FRONT_MATTER_KEYS = ("title", "objectives", "prerequisites", "hours")
MIN_HINTS = 3


@dataclass
class ExerciseReport:
    """What `course check` found for one exercise."""

    exercise: str
    module: str
    points: float = 0.0
    solution: str = "-"
    starter: str = "-"
    proofs_kept: int | None = None  # None: proofs not graded (--no-proofs)
    proofs_held: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def proofs(self) -> str:
        """The table's column: proofs that held, of those kept beside the solution."""
        if self.proofs_kept is None:
            return "skipped"
        return f"{self.proofs_held}/{self.proofs_kept}" if self.proofs_kept else "none"


@dataclass(frozen=True)
class Graded:
    """What a worker sends back about one grading: small, so it crosses processes cheaply."""

    status: str
    score: float = 0.0
    max_score: float = 0.0
    detail: str = ""  # the error, or the first failing checks
    checks: tuple[CheckSeen, ...] = ()


def _grade_quietly(notebook: str, folder: str) -> Graded:
    """Worker process: grade one notebook."""
    from grader.engine import grade_notebook

    try:
        zygote = zygote_of_this_process().ensure_running()
        result = grade_notebook(Path(notebook), load_exercise(Path(folder)), zygote=zygote)
    except GraderError as error:
        return Graded("error", detail=str(error))
    failing = [c.description for c in result.checks if c.outcome != "passed"]
    checks = tuple(
        CheckSeen(c.name, c.outcome == "passed", " ".join(filter(None, (c.message, c.expected, c.got, c.explanation))))
        for c in result.checks
    )
    return Graded(str(result.status), result.score, result.max_score, "; ".join(failing[:3]), checks)


def module_problems(course_root: Path) -> dict[str, list[str]]:
    """Front matter the site needs, missing from or wrong in each module's index.md."""
    problems: dict[str, list[str]] = {}
    for index in sorted(course_root.glob("docs/modules/*/index.md")):
        try:
            read_module_meta(index)  # the site's own reader: what it would refuse
            meta = read_front_matter(index)
        except CourseError as error:
            problems[index.parent.name] = [str(error)]
            continue
        missing = [k for k in FRONT_MATTER_KEYS if k not in meta]
        if missing:
            problems[index.parent.name] = [f"front matter lacks {', '.join(missing)}"]
    return problems


def static_problems(exercise: Exercise, course_root: Path) -> list[str]:
    """Everything that can be checked without running a kernel."""
    problems = []
    if not read_exercise_meta(exercise.folder).notebook:
        # a learner's folder fills with Untitled.ipynb and NAME-Copy1.ipynb: the grader must not guess
        problems.append(f'exercise.toml does not name its notebook (notebook = "{exercise.notebook_name}")')
    if not exercise.title or exercise.title == exercise.id:
        problems.append("no title in exercise.toml")
    if exercise.points <= 0:
        problems.append("no points in exercise.toml")
    if len(exercise.hints) < MIN_HINTS:
        problems.append(f"{len(exercise.hints)} hints; at least {MIN_HINTS} (nudge, concept, almost-solution)")
    if not (course_root / "docs" / "modules" / exercise.module / "index.md").is_file():
        problems.append(f"no site page: docs/modules/{exercise.module}/index.md is missing")
    if not exercise.solution(course_root).is_file():
        problems.append("no solution notebook")
        return problems
    try:
        if not exercise.starter.is_file() or exercise.starter.read_text(encoding="utf-8") != starter_text(
            exercise, course_root
        ):
            problems.append("starter out of sync with its solution (run `course sync`)")
    except GraderError as error:
        problems.append(str(error))
    if exercise.starter.is_file():
        cells = json.loads(exercise.starter.read_text(encoding="utf-8")).get("cells", [])
        if any(c.get("outputs") for c in cells):
            problems.append("starter carries outputs")
        if any(m in "".join(c.get("source", "")) for c in cells for m in MARKERS):
            problems.append("starter carries a solution marker")
    return problems


def check_course(
    course_root: Path,
    workers: int | None = None,
    only: str | None = None,
    with_proofs: bool = True,
) -> tuple[list[ExerciseReport], dict[str, list[str]]]:
    """Check every exercise (or those whose id or module starts with `only`); reports and module problems.
    `with_proofs=False`: solutions and starters only, the quick check while writing."""
    folders = sorted(p.parent for p in course_root.glob(f"exercises/*/*/{EXERCISE_FILE}"))
    reports: list[ExerciseReport] = []
    jobs: list[tuple[ExerciseReport, str | Proof, Future[Graded]]] = []
    seen: dict[str, str] = {}
    with ProcessPoolExecutor(max_workers=workers or default_parallel_gradings()) as pool:
        for folder in folders:
            try:
                exercise = load_exercise(folder)
            except GraderError as error:
                reports.append(ExerciseReport(folder.name, folder.parent.name, problems=[str(error)]))
                continue
            if only and not (exercise.id.startswith(only) or exercise.module.startswith(only)):
                continue
            report = ExerciseReport(exercise.id, exercise.module, exercise.points)
            if exercise.id in seen:
                report.problems.append(f"id {exercise.id!r} is also used by {seen[exercise.id]}")
            seen[exercise.id] = f"{exercise.module}/{folder.name}"
            report.problems += static_problems(exercise, course_root)
            reports.append(report)
            solution = exercise.solution(course_root)
            try:
                proofs = read_proofs(solution.parent) if with_proofs else []
            except ProofsError as error:
                report.problems.append(str(error))
                proofs = []
            if with_proofs:
                report.proofs_kept = len(proofs)
                report.problems += too_few_proofs(proofs)
            graded: list[tuple[str | Proof, Path]] = [("solution", solution), ("starter", exercise.starter)]
            graded += [(proof, proof.notebook) for proof in proofs]
            for kind, notebook in graded:
                if notebook.is_file():
                    jobs.append((report, kind, pool.submit(_grade_quietly, str(notebook), str(folder))))
        for report, kind, future in jobs:
            outcome = future.result()
            if isinstance(kind, Proof):
                problems = broken_promises(kind, outcome.status, list(outcome.checks))
                report.problems += problems
                report.proofs_held += not problems
            else:
                _judge(report, kind, outcome)
    return reports, module_problems(course_root)


def _judge(report: ExerciseReport, kind: str, outcome: Graded) -> None:
    status, score, max_score = outcome.status, outcome.score, outcome.max_score
    shown = f"{score:g}/{max_score:g}" if status != "error" else "error"
    detail = f": {outcome.detail}" if outcome.detail else ""
    if kind == "solution":
        report.solution = shown
        if status != Status.PASSED:
            report.problems.append(f"solution does not score full marks ({shown}{detail})")
        elif max_score != report.points:
            report.problems.append(f"exercise.toml says {report.points:g} points; the checks add up to {max_score:g}")
    else:
        report.starter = f"{shown} {status}" if status != "error" else shown
        if status != Status.NOT_ATTEMPTED or score:
            report.problems.append(f"starter is not 'not attempted' ({status}, {shown}{detail})")
