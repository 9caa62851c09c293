"""Stage 4b, check: run the exercise's pytest checks in the grader's process, against `nb`.

Each check becomes a `CheckResult`. How a check ended decides its outcome: an untouched
placeholder is "not attempted", a wrong answer or an exception from the learner's code is
"failed", a slow answer "timed out", and a check that breaks by itself is an "error" (the course's
fault, never counted against the learner).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from grader.probe import (
    CheckTimedOut,
    KernelStopped,
    LearnerException,
    NotAttempted,
    NotDefined,
    NotebookHandle,
)
from grader.result import CheckResult, Outcome
from grader.wire import repr_limited

# pytest's own plugins that checks never need; leaving them out makes a run ~7x cheaper (0.25 -> 0.04 s CPU).
_UNUSED_PLUGINS = [arg for name in (
    "cacheprovider", "terminal", "stepwise", "doctest", "junitxml", "pastebin", "debugging", "legacypath",
    "setuponly", "setupplan", "python_path", "faulthandler", "unittest", "unraisableexception",
    "threadexception", "logging",
) for arg in ("-p", f"no:{name}")]


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

    def _result(self, item: pytest.Item, call: pytest.CallInfo[None]) -> CheckResult:
        mark = item.get_closest_marker("points")
        max_points = float(mark.args[0]) if mark and mark.args else 1.0
        hint = mark.kwargs.get("hint") if mark else None
        hidden = Path(str(item.path)) in self.hidden_files
        outcome, message, expected, got = self._judge(call)
        description = _describe(item)
        if hidden:  # the learner learns only that a hidden check passed or failed
            self._hidden_count += 1
            description, message, expected, got, hint = f"hidden check {self._hidden_count}", "", None, None, None
        return CheckResult(
            name=item.name, description=description, outcome=outcome,
            points=max_points if outcome is Outcome.PASSED else 0.0, max_points=max_points,
            message=message, expected=expected, got=got, hint=hint, hidden=hidden,
            seconds=round(call.duration, 4),
        )

    def _judge(self, call: pytest.CallInfo[None]) -> tuple[Outcome, str, str | None, str | None]:
        if call.excinfo is None:
            return Outcome.PASSED, "", None, None
        error = call.excinfo.value
        if isinstance(error, NotAttempted):
            return Outcome.NOT_ATTEMPTED, f"Not attempted yet: {error}.", None, None
        if isinstance(error, CheckTimedOut):
            return Outcome.TIMED_OUT, str(error), None, None
        if isinstance(error, KernelStopped | NotDefined):
            return Outcome.FAILED, str(error), None, None
        if isinstance(error, LearnerException):
            where = f" at the line `{error.line}`" if error.line else ""
            return Outcome.FAILED, f"{error.call} raised {type(error).__name__}{where}: {error}", None, None
        if isinstance(error, AssertionError | pytest.fail.Exception):
            message = str(error).split("\nassert ")[0].strip()
            if message.startswith("assert "):
                message = "The result was not what this check expects."
            expected = got = None
            if self._comparison and self._comparison[0] == "==":
                got, expected = repr_limited(self._comparison[1]), repr_limited(self._comparison[2])
            return Outcome.FAILED, message, expected, got
        return Outcome.ERROR, f"This check itself broke ({type(error).__name__}: {error}).", None, None


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


def run_checks(check_files: list[Path], handle: NotebookHandle, rootdir: Path, ini_file: Path,
               hidden_files: set[Path] = frozenset()) -> tuple[list[CheckResult], list[str]]:  # type: ignore[assignment]
    """Run the checks with pytest in this process; return their results and any broken files."""
    plugin = _GradingPlugin(handle, set(hidden_files))
    args = [*map(str, check_files), *_UNUSED_PLUGINS, "--import-mode=importlib", "-c", str(ini_file),
            "--rootdir", str(rootdir), "-W", "ignore::DeprecationWarning"]
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
    if code in (pytest.ExitCode.INTERNAL_ERROR, pytest.ExitCode.USAGE_ERROR, pytest.ExitCode.NO_TESTS_COLLECTED):
        plugin.broken_files.append(f"pytest ended with {pytest.ExitCode(code).name.lower().replace('_', ' ')}")
    return plugin.results, plugin.broken_files
