"""Stage 4b, check: run the exercise's pytest checks in the grader's process, against `nb`.

Each check becomes a `CheckResult`. How a check ended decides its outcome: an untouched
placeholder is "not attempted", a wrong answer or an exception from the learner's code is
"failed", a slow answer "timed out", and a check that breaks by itself is an "error" (the course's
fault, never counted against the learner).
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from grader.cell_errors import CellError, clean_message, explain
from grader.probe import (
    Answer,
    CheckTimedOut,
    KernelStopped,
    LearnerException,
    NotAttempted,
    NotDefined,
    NotebookHandle,
)
from grader.result import CheckResult, Outcome
from grader.shown_values import summarise
from grader.why_failed import difference, kind_of, printed_instead, return_in_loop

# pytest's own plugins that checks never need; leaving them out makes a run ~7x cheaper (0.25 -> 0.04 s CPU).
_UNUSED_PLUGINS = [
    arg
    for name in (
        "cacheprovider",
        "terminal",
        "stepwise",
        "doctest",
        "junitxml",
        "pastebin",
        "debugging",
        "legacypath",
        "setuponly",
        "setupplan",
        "python_path",
        "faulthandler",
        "unittest",
        "unraisableexception",
        "threadexception",
        "logging",
    )
    for arg in ("-p", f"no:{name}")
]


class _Verdict(NamedTuple):
    outcome: Outcome
    message: str
    expected: str | None = None
    got: str | None = None
    explanation: str = ""  # what the learner cannot see in expected and got
    because_of_cell: int | None = None  # the cell error that kept the check from passing


def points(value: float, hint: str | None = None) -> pytest.MarkDecorator:
    """Mark a check as worth `value` points, with an optional hint shown when it fails."""
    return pytest.mark.points(value, hint=hint)


class _GradingPlugin:
    """Gives checks the `nb` fixture and turns each check's ending into a CheckResult."""

    def __init__(self, handle: NotebookHandle, hidden_files: set[Path]) -> None:
        self.handle = handle
        self.hidden_files = hidden_files
        self.results: list[CheckResult] = []
        self.broken_files: list[str] = []
        self._comparison: tuple[str, Any, Any] | None = None
        self._hidden_count = 0

    @pytest.fixture
    def nb(self) -> NotebookHandle:
        return self.handle

    def pytest_configure(self, config: pytest.Config) -> None:
        config.addinivalue_line("markers", "points(value, hint=None): what a check is worth")

    def pytest_assertrepr_compare(self, op: str, left: Any, right: Any) -> None:
        self._comparison = (op, left, right)  # `assert got == expected`: remember both sides

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.broken_files.append(f"{report.nodeid}: {str(report.longrepr).strip().splitlines()[-1]}")

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[Any]:
        report = yield
        if call.when == "call" or (call.when == "setup" and call.excinfo is not None):
            self.results.append(self._result(item, call))
        return report

    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        self._comparison = None
        self.handle.begin_check()

    def _result(self, item: pytest.Item, call: pytest.CallInfo[None]) -> CheckResult:
        mark = item.get_closest_marker("points")
        max_points = float(mark.args[0]) if mark and mark.args else 1.0
        hint = mark.kwargs.get("hint") if mark else None
        hidden = Path(str(item.path)) in self.hidden_files
        verdict = self._judge(call)
        description = _describe(item)
        if hidden:  # the learner learns only that a hidden check passed or failed
            self._hidden_count += 1
            description, hint = f"hidden check {self._hidden_count}", None
            verdict = _Verdict(verdict.outcome, "")
        return CheckResult(
            name=item.name,
            description=description,
            outcome=verdict.outcome,
            points=max_points if verdict.outcome is Outcome.PASSED else 0.0,
            max_points=max_points,
            message=verdict.message,
            expected=verdict.expected,
            got=verdict.got,
            hint=hint,
            hidden=hidden,
            seconds=round(call.duration, 4),
            explanation=verdict.explanation,
            because_of_cell=verdict.because_of_cell,
        )

    def _judge(self, call: pytest.CallInfo[None]) -> _Verdict:
        if call.excinfo is None:
            return _Verdict(Outcome.PASSED, "")
        error = call.excinfo.value
        if isinstance(error, NotAttempted):
            return _Verdict(Outcome.NOT_ATTEMPTED, f"Not attempted yet: {error}.")
        if isinstance(error, CheckTimedOut):
            return _Verdict(Outcome.TIMED_OUT, str(error))
        if isinstance(error, KernelStopped):
            return _Verdict(Outcome.FAILED, str(error), because_of_cell=self.handle._execution.stopped_at)
        if isinstance(error, NotDefined):
            return self._not_defined(error)
        if isinstance(error, LearnerException):
            where = f" at the line `{error.line}`" if error.line else ""
            ename, evalue = type(error).__name__, clean_message(str(error))
            same = next(
                (
                    e
                    for e in self.handle.errors
                    if (e.ename, e.evalue) == (ename, evalue) and (e.line == error.line or not error.line)
                ),
                None,
            )
            return _Verdict(
                Outcome.FAILED,
                f"{error.call} raised {ename}{where}: {evalue}",
                explanation=explain(ename, evalue),
                because_of_cell=same.cell if same else None,
            )
        if isinstance(error, AssertionError | pytest.fail.Exception):
            return self._wrong_answer(error)
        table = self._table_compared(error)
        if table is not None:
            return _Verdict(
                Outcome.FAILED,
                f"`{table.name}` is a table here, where this check expects a single value.",
                "a single value, not a table",
                summarise(table.value),
            )
        return _Verdict(Outcome.ERROR, f"This check itself broke ({type(error).__name__}: {error}).")

    def _table_compared(self, error: BaseException) -> Answer | None:
        """The learner's table, when comparing it with a single value raised pandas' "truth value of a
        DataFrame is ambiguous" inside the check: the learner's mistake, not a broken check."""
        if not (isinstance(error, ValueError) and "is ambiguous" in str(error)):
            return None
        return next((a for a in self.handle.answers if kind_of(a.value).startswith(("a table", "a column"))), None)

    def _not_defined(self, error: NotDefined) -> _Verdict:
        """A name the check needs is missing: because the cell that defines it raised, if one did."""
        name = re.escape(error.name)
        defines = re.compile(
            rf"^\s*(?:(?:async\s+)?def|class)\s+{name}\b|^\s*{name}\s*(?::[^=\n]*)?=(?!=)", re.MULTILINE
        )
        cells = {c.index: c.source for c in self.handle.cells}
        culprit: CellError | None = next(
            (e for e in self.handle.errors if error.name and defines.search(cells.get(e.cell, ""))), None
        )
        if culprit is None:
            return _Verdict(Outcome.FAILED, str(error))
        what = "ran out of time" if culprit.timed_out else f"raised {culprit.ename}"
        return _Verdict(
            Outcome.FAILED,
            f"Your notebook does not define `{error.name}`, because "
            f"{culprit.where or f'cell {culprit.cell}'}, which defines it, {what}.",
            because_of_cell=culprit.cell,
        )

    def _wrong_answer(self, error: BaseException) -> _Verdict:
        message = str(error).split("\nassert ")[0].strip()
        if message.startswith("assert "):
            message = "The result was not what this check expects."
        expected = got = None
        explanation = ""
        op, left, right = self._comparison or ("", None, None)
        if op == "==":
            answered = {id(a.value) for a in self.handle.answers}
            if id(right) in answered and id(left) not in answered:
                left, right = right, left  # `assert expected == got`: the answer is on the right
            got, expected = summarise(left), summarise(right)
            explanation = difference(left, right, self.handle.answers)
        called = [a.name for a in self.handle.answers if a.kind == "call"]
        in_loop = return_in_loop((c.source for c in self.handle.cells if c.cell_type == "code"), called)
        if in_loop:
            explanation = in_loop
        elif self.handle.read_printed and op != "not in" and not explanation:
            explanation = printed_instead(self.handle.printed)
            errors = self.handle.errors
            if errors:  # a cell that raised printed nothing after its error, nor did the cells it broke
                return _Verdict(Outcome.FAILED, message, expected, got, explanation, errors[0].cell)
        return _Verdict(Outcome.FAILED, message, expected, got, explanation)


def _describe(item: pytest.Item) -> str:
    doc = getattr(getattr(item, "function", None), "__doc__", None)
    if doc and doc.strip():
        return doc.strip().splitlines()[0]
    return item.name.removeprefix("test_").replace("_", " ")


def _forget_modules(check_files: list[Path]) -> None:
    """Drop the check modules pytest imported, so the next grading reads them afresh."""
    paths = {str(p.resolve()) for p in check_files}
    for name, module in list(sys.modules.items()):
        if getattr(module, "__file__", None) in paths:
            del sys.modules[name]


def run_checks(
    check_files: list[Path],
    handle: NotebookHandle,
    rootdir: Path,
    ini_file: Path,
    hidden_files: Iterable[Path] = (),
) -> tuple[list[CheckResult], list[str]]:
    """Run the checks with pytest in this process; return their results and any broken files."""
    plugin = _GradingPlugin(handle, set(hidden_files))
    args = [
        *map(str, check_files),
        *_UNUSED_PLUGINS,
        "--import-mode=importlib",
        "-c",
        str(ini_file),
        "--rootdir",
        str(rootdir),
        "-W",
        "ignore::DeprecationWarning",
    ]
    saved = os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD")
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # only our plugin: fast and predictable
    try:
        code = pytest.main(args, plugins=[plugin])
    finally:
        _forget_modules(check_files)
        if saved is None:
            os.environ.pop("PYTEST_DISABLE_PLUGIN_AUTOLOAD", None)
        else:
            os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = saved
    if code == pytest.ExitCode.INTERRUPTED:
        raise KeyboardInterrupt  # pytest caught the learner's Ctrl-C; half the checks are no result
    if code in (pytest.ExitCode.INTERNAL_ERROR, pytest.ExitCode.USAGE_ERROR, pytest.ExitCode.NO_TESTS_COLLECTED):
        plugin.broken_files.append(f"pytest ended with {pytest.ExitCode(code).name.lower().replace('_', ' ')}")
    return plugin.results, plugin.broken_files
