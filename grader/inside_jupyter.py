"""`check()` and `hint()` for a learner's running notebook: `from grader import check, hint`.

`check()` runs the exercise's checks against the live kernel, for a quick answer while working;
`grade` runs the notebook afresh in an isolated kernel and remains the result that counts, which
the display says in one line. Each returns an object that Jupyter shows as HTML (plain text
elsewhere). The exercise is found without being told: from the id the starter stores in the
notebook's metadata, else from the exercise folder the notebook runs in.
"""

from __future__ import annotations

import html
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from grader.errors import GraderError, UngradableInput
from grader.exercise import (
    EXERCISE_FILE,
    Exercise,
    exercise_for_notebook,
    exercise_id_in,
    find_course_root,
    find_exercise_by_id,
    load_exercise,
)
from grader.files import is_backup
from grader.result import CheckResult, GradeResult, Outcome, Status

_MARKS = {
    Outcome.PASSED: ("✓", "#1a7f37"),
    Outcome.FAILED: ("✗", "#cf222e"),
    Outcome.ERROR: ("!", "#8250df"),
    Outcome.NOT_ATTEMPTED: ("·", "#9a6700"),
    Outcome.TIMED_OUT: ("⏱", "#cf222e"),
}


def check(exercise: str | None = None) -> CheckReport | Message:
    """Run this exercise's checks against the notebook's live variables and show the result."""
    try:
        found, notebook = find_exercise(exercise)
        return _run_live_checks(found, notebook)
    except GraderError as error:
        return Message(str(error), problem=True)


def hint(exercise: str | None = None) -> Message:
    """Show the next hint for this exercise (one more each time), and remember it was shown."""
    from grader.hints import reveal_hints

    try:
        found, _ = find_exercise(exercise)
    except GraderError as error:
        return Message(str(error), problem=True)
    hints, warning = reveal_hints(found)
    if not hints:
        return Message(f"{found.title} has no hints; the checks' messages say what is expected.")
    shown = hints[0]
    more = "That is the last hint." if shown.is_last else "Run hint() again for the next one."
    note = f"{more} {warning}" if warning else more
    return Message(f"Hint {shown.number} of {shown.total}: {shown.text}", note=note)


# -- finding the exercise --------------------------------------------------------------------


def find_exercise(exercise_id: str | None = None) -> tuple[Exercise, Path | None]:
    """The exercise this notebook belongs to, and the notebook's file when it can be found."""
    cwd = Path.cwd()
    notebook = _notebook_path(cwd)
    if exercise_id:
        return find_exercise_by_id(exercise_id, find_course_root(cwd)), notebook
    if notebook is not None:
        stored = _stored_id(notebook)
        if stored:
            return find_exercise_by_id(stored, find_course_root(notebook.parent)), notebook
        try:
            return exercise_for_notebook(notebook, find_course_root(notebook.parent)), notebook
        except GraderError:
            pass
    if (cwd / EXERCISE_FILE).is_file():
        return load_exercise(cwd), notebook
    raise UngradableInput(
        "I could not tell which exercise this notebook is. Open it from its exercise "
        'folder, or name the exercise: check("greeting").'
    )


def _notebook_path(cwd: Path) -> Path | None:
    """This notebook's file: Jupyter tells the kernel (JPY_SESSION_NAME); else the only one here."""
    session = _session_name()
    if session:
        path = Path(session) if Path(session).is_absolute() else cwd / session
        for candidate in (path, cwd / path.name):
            if candidate.suffix == ".ipynb" and candidate.is_file():
                return candidate
    here = [p for p in cwd.glob("*.ipynb") if not is_backup(p)]
    if len(here) > 1:  # a notebook renamed since its kernel started: the one holding this very cell
        here = [p for p in here if _holds_current_cell(p)]
    return here[0] if len(here) == 1 else None


def _holds_current_cell(notebook: Path) -> bool:
    shell = _shell()
    if shell is None:
        return False
    current = shell.history_manager.input_hist_raw[-1].strip()
    try:
        cells = json.loads(notebook.read_bytes()).get("cells", [])
        return any("".join(c.get("source", "")).strip() == current for c in cells if isinstance(c, dict))
    except (OSError, ValueError, AttributeError):
        return False


def _session_name() -> str | None:
    shell = _shell()
    name = shell.user_ns.get("__session__") if shell is not None else None
    return str(name) if name else os.environ.get("JPY_SESSION_NAME")


def _stored_id(notebook: Path) -> str | None:
    try:
        return exercise_id_in(notebook.read_bytes())
    except OSError:
        return None


# -- running the checks ------------------------------------------------------------------------


def _run_live_checks(exercise: Exercise, notebook: Path | None) -> CheckReport:
    from grader.checks import run_checks
    from grader.course_map import progress_root
    from grader.hints import next_hint
    from grader.live_probe import live_execution, live_handle
    from grader.progress import load_progress

    handle = live_handle(
        live_execution(notebook, _history()), Path.cwd(), exercise.folder, exercise.limits.cell_timeout
    )
    with tempfile.TemporaryDirectory(prefix="check-") as tmp:
        ini = Path(tmp) / "pytest.ini"
        ini.write_text("[pytest]\n")
        try:
            checks, broken = run_checks(exercise.check_files, handle, exercise.folder, ini)
        finally:
            handle.close()
    if broken:
        raise UngradableInput(f"The checks of {exercise.id} could not be loaded: {broken[0]}")
    shown = load_progress(progress_root(exercise)).of(exercise.id).hints_shown
    result = GradeResult(
        exercise_id=exercise.id,
        title=exercise.title,
        notebook=str(notebook or ""),
        checks=tuple(checks),
        next_hint=next_hint(exercise, checks, shown),
    )
    return CheckReport(
        result,
        exercise.explanation if result.status is Status.PASSED else "",
        notebook is not None,
        unsaved=notebook is not None and ran_unsaved_code(notebook),
    )


def ran_unsaved_code(notebook: Path) -> bool:
    """Whether code this kernel ran since the notebook was last saved is missing from the saved file.

    Saving writes each cell's execution count, so the cells run since the save are those counted
    above the file's highest count; the cell running check() itself does not count.
    """
    shell = _shell()
    try:
        cells = json.loads(notebook.read_bytes()).get("cells", [])
    except (OSError, ValueError, AttributeError):
        return False
    if shell is None or not isinstance(cells, list):
        return False
    code = [c for c in cells if isinstance(c, dict) and c.get("cell_type") == "code"]
    saved = {"".join(c.get("source", "")).strip() for c in code}
    last_saved = max((c.get("execution_count") or 0 for c in code), default=0)
    ran = shell.history_manager.input_hist_raw
    return any(
        ran[count].strip() and ran[count].strip() not in saved
        for count in range(last_saved + 1, min(shell.execution_count, len(ran)))
    )


def _shell():
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


def _history() -> list[str]:
    shell = _shell()
    return list(shell.user_ns.get("In", [])[1:]) if shell is not None else []


# -- what the learner sees ---------------------------------------------------------------------


@dataclass(frozen=True)
class CheckReport:
    """The result of check(): an HTML table in Jupyter, plain text elsewhere."""

    result: GradeResult
    explanation: str = ""
    read_saved_file: bool = True
    unsaved: bool = False  # code was run that the saved notebook does not hold

    @property
    def unsaved_warning(self) -> str:
        if not self.unsaved:
            return ""
        return (
            "This notebook has changes that are not saved: code you ran is not in the saved file. "
            "check() judged what you ran, but `grade` grades the saved file, and what cells printed was "
            "read from it. Save the notebook (Ctrl+S, or Cmd+S on a Mac) and run check() again."
        )

    @property
    def authority(self) -> str:
        found = "" if self.read_saved_file else " (its file was not found, so nothing it printed was seen)"
        return (
            f"This checked the live notebook{found}; the result that counts is "
            f"`grade {self.result.exercise_id}`, which runs it afresh from top to bottom."
        )

    @property
    def verdict(self) -> str:
        score = f"{self.result.score:g}/{self.result.max_score:g}"
        return {
            Status.PASSED: f"All checks passed, {score}. Well done!",
            Status.NOT_ATTEMPTED: f"Not attempted yet ({score}): replace each ... with your code.",
            Status.ERROR: f"Score {score}. Some checks could not run because of a problem in the course "
            "itself, not in your work.",
        }.get(self.result.status, f"Score {score}.")

    def _details(self, check: CheckResult) -> list[str]:
        details = [check.message] if check.message else []
        if check.expected is not None:
            details += [f"expected: {check.expected}", f"got: {check.got}"]
        return details

    def __repr__(self) -> str:
        lines = [f"{self.result.title}  ({self.result.exercise_id})"]
        for item in self.result.checks:
            mark = _MARKS[item.outcome][0]
            label = "" if item.outcome is Outcome.PASSED else f"  [{item.outcome}]"
            lines.append(f" {mark} {item.description}{label}  {item.points:g}/{item.max_points:g}")
            lines += [f"     {d}" for d in self._details(item)]
        lines += ["", self.verdict]
        lines += [self.unsaved_warning] if self.unsaved else []
        lines += [f"Hint: {self.result.next_hint}"] if self.result.next_hint else []
        lines += [f"Why it works: {' '.join(self.explanation.split())}"] if self.explanation else []
        lines += [self.authority]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        rows = []
        for item in self.result.checks:
            mark, colour = _MARKS[item.outcome]
            details = "<br>".join(html.escape(d) for d in self._details(item))
            rows.append(
                f'<tr><td style="color:{colour};font-weight:bold">{mark}</td>'
                f"<td>{html.escape(item.description)}</td><td>{html.escape(str(item.outcome))}</td>"
                f"<td>{item.points:g}/{item.max_points:g}</td><td>{details}</td></tr>"
            )
        extra = f'<p style="color:#9a6700"><b>{html.escape(self.unsaved_warning)}</b></p>' if self.unsaved else ""
        if self.result.next_hint:
            extra += f"<p><b>Hint:</b> {html.escape(self.result.next_hint)}</p>"
        if self.explanation:
            extra += f"<p><b>Why it works:</b> {html.escape(' '.join(self.explanation.split()))}</p>"
        return (
            f"<div><p><b>{html.escape(self.result.title)}</b> ({html.escape(self.result.exercise_id)})</p>"
            "<table><thead><tr><th></th><th>check</th><th>result</th><th>points</th><th>details</th></tr>"
            f"</thead><tbody>{''.join(rows)}</tbody></table><p><b>{html.escape(self.verdict)}</b></p>{extra}"
            f"<p><small>{html.escape(self.authority)}</small></p></div>"
        )


@dataclass(frozen=True)
class Message:
    """A short message (a hint, or why check() could not run) for the notebook."""

    text: str
    note: str = ""
    problem: bool = False

    def __repr__(self) -> str:
        return self.text + (f"\n{self.note}" if self.note else "")

    def _repr_html_(self) -> str:
        colour = "#cf222e" if self.problem else "inherit"
        note = f"<br><small>{html.escape(self.note)}</small>" if self.note else ""
        return f'<p style="color:{colour}">{html.escape(self.text)}{note}</p>'
