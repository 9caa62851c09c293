"""One small notebook per behaviour, graded in a real kernel; each asserts what the learner sees."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from grader.engine import grade_notebook
from grader.exercise import load_exercise
from grader.result import Outcome, Status
from tests.conftest import write_nb

VALUE_IS_42 = '''
@points(1)
def test_value(nb):
    """value is 42"""
    assert nb.value("value") == 42, "value should be 42"
'''

GREET = '''
@points(1)
def test_greet(nb):
    """greet says hello"""
    assert nb.function("greet")("Ada") == "Hello, Ada!", "greet should say hello"
'''


def grade(folder: Path, cells: list[str], tmp_path: Path):
    notebook = write_nb(cells, tmp_path / "learner" / "demo.ipynb")
    return grade_notebook(notebook, load_exercise(folder))


def only_check(result):
    assert len(result.checks) == 1
    return result.checks[0]


@pytest.mark.portable
def test_when_answer_is_right_then_passed(exercise, tmp_path):
    result = grade(exercise(VALUE_IS_42), ["value = 6 * 7"], tmp_path)
    assert result.status is Status.PASSED and result.score == 1 and result.exit_code == 0


def test_when_answer_is_wrong_then_failed_with_expected_and_got(exercise, tmp_path):
    check = only_check(grade(exercise(VALUE_IS_42), ["value = 41"], tmp_path))
    assert check.outcome is Outcome.FAILED
    assert check.message == "value should be 42"
    assert (check.expected, check.got) == ("42", "41")


@pytest.mark.portable
def test_when_placeholder_left_then_not_attempted(exercise, tmp_path):
    result = grade(exercise(VALUE_IS_42), ["value = ..."], tmp_path)
    assert result.status is Status.NOT_ATTEMPTED
    assert only_check(result).message == "Not attempted yet: `value` is still `...`."


def test_when_function_body_is_placeholder_then_not_attempted(exercise, tmp_path):
    cells = ['def greet(name):\n    """Say hello."""\n    # YOUR CODE HERE\n    ...']
    assert only_check(grade(exercise(GREET), cells, tmp_path)).outcome is Outcome.NOT_ATTEMPTED


def test_when_function_raises_not_implemented_then_not_attempted(exercise, tmp_path):
    cells = ["def greet(name):\n    x = 1\n    raise NotImplementedError('write greet')"]
    assert only_check(grade(exercise(GREET), cells, tmp_path)).outcome is Outcome.NOT_ATTEMPTED


def test_when_learner_function_raises_then_failed_with_its_line(exercise, tmp_path):
    cells = ["def greet(name):\n    return 'Hello, ' + nme"]
    check = only_check(grade(exercise(GREET), cells, tmp_path))
    assert check.outcome is Outcome.FAILED
    assert check.message == (
        "greet('Ada') raised NameError at the line `return 'Hello, ' + nme`: name 'nme' is not defined"
    )


def test_when_check_expects_an_exception_then_pytest_raises_sees_the_learners(exercise, tmp_path):
    checks = """
import pytest
def test_rejects(nb):
    with pytest.raises(ValueError, match="not a price"):
        nb.function("parse")("abc")
"""
    cells = ["def parse(s):\n    raise ValueError('not a price: ' + s)"]
    assert only_check(grade(exercise(checks), cells, tmp_path)).outcome is Outcome.PASSED


def test_when_a_cell_raises_then_the_report_names_cell_line_and_later_cells_still_run(exercise, tmp_path):
    result = grade(exercise(VALUE_IS_42), ["#md intro", "x = 1 / 0", "value = 42"], tmp_path)
    assert result.status is Status.PASSED  # the cell after the error still ran
    [error] = result.cell_errors
    assert (error.cell, error.ename, error.line, error.line_number) == (2, "ZeroDivisionError", "x = 1 / 0", 1)
    assert "divided by zero" in error.explanation


@pytest.mark.portable
def test_when_a_cell_loops_forever_then_it_times_out_and_the_rest_is_graded(exercise, tmp_path):
    folder = exercise(VALUE_IS_42, "[limits]\ncell_timeout = 2\n")
    started = time.monotonic()
    result = grade(folder, ["while True:\n    pass", "value = 42"], tmp_path)
    assert time.monotonic() - started < 60  # stopped by its 2 s limit, not the 300 s total (a busy machine is slow)
    assert result.status is Status.PASSED
    [error] = result.cell_errors
    assert error.timed_out and error.cell == 1


@pytest.mark.portable
def test_when_a_check_calls_a_function_that_never_returns_then_timed_out(exercise, tmp_path):
    folder = exercise(GREET, "[limits]\ncell_timeout = 2\n")
    check = only_check(grade(folder, ["def greet(name):\n    while True:\n        pass"], tmp_path))
    assert check.outcome is Outcome.TIMED_OUT
    assert "did not finish within 2 seconds" in check.message


def test_when_a_cell_asks_for_input_then_the_learner_is_told_to_set_the_value(exercise, tmp_path):
    result = grade(exercise(VALUE_IS_42), ["name = input('Your name? ')", "value = 42"], tmp_path)
    [error] = result.cell_errors
    assert error.ename == "StdinNotImplementedError"
    assert "cannot type for you" in error.explanation
    assert result.status is Status.PASSED


@pytest.mark.portable
@pytest.mark.parametrize(
    "code, reason",
    [
        ("import os\nos._exit(3)", "exit code 3"),
        ("import ctypes\nctypes.string_at(0)", "crashed"),
    ],
)
def test_when_the_notebook_stops_python_then_checks_fail_saying_which_cell(exercise, tmp_path, code, reason):
    result = grade(exercise(VALUE_IS_42), ["value = 42", code, "print('never')"], tmp_path)
    assert result.stopped_at == 2 and reason in result.stop_reason
    check = only_check(result)
    assert check.outcome is Outcome.FAILED
    assert check.message.startswith("Your notebook stopped Python in the cell `" + code.splitlines()[0] + "`")


def test_when_a_cell_allocates_too_much_memory_then_memory_error_names_the_limit(exercise, tmp_path):
    folder = exercise(VALUE_IS_42, "[limits]\nmemory_mb = 600\n")
    result = grade(folder, ["hog = bytearray(2 * 1024 ** 3)", "value = 42"], tmp_path)
    [error] = result.cell_errors
    assert error.ename == "MemoryError"
    assert error.evalue == "the notebook used more than 600 MB of memory"
    assert result.status is Status.PASSED


def test_when_a_check_file_changes_between_gradings_in_one_process_then_the_new_checks_judge(exercise, tmp_path):
    # course check, grade-batch and grade watch grade many notebooks in one process
    folder = exercise(VALUE_IS_42)
    assert only_check(grade(folder, ["value = 42"], tmp_path)).outcome is Outcome.PASSED
    checks = next(folder.glob("test_*.py"))
    checks.write_text(checks.read_text().replace("== 42", "== 43").replace("value is 42", "value is 43"))
    check = only_check(grade(folder, ["value = 42"], tmp_path))
    assert (check.outcome, check.description) == (Outcome.FAILED, "value is 43")


BUSY = "import time\nend = time.process_time() + 0.8\nwhile time.process_time() < end:\n    pass"


def test_when_the_notebook_runs_out_of_its_total_time_then_the_last_cells_do_not_run(exercise, tmp_path):
    folder = exercise(VALUE_IS_42, "[limits]\ncell_timeout = 30\ntotal_timeout = 2\n")
    result = grade(folder, [BUSY, BUSY, BUSY, BUSY, "value = 42"], tmp_path)
    assert result.out_of_time
    assert only_check(result).outcome is not Outcome.PASSED  # value = 42 never ran
    [error] = result.cell_errors  # the cell during which the 2 seconds ran out, named as such
    assert error.timed_out and error.cell in (2, 3)  # the kernel's own start counts too
    assert error.evalue == "the notebook ran out of its 2 seconds in all during this cell"


PRINTED_IS_CUT = '''
from grader import points


@points(1)
def test_printed_is_cut(nb):
    """the flood (1.3 MB) was cut at the 16 KB limit"""
    assert 8 * 1024 < len(nb.printed) <= 16 * 1024, len(nb.printed)
    assert nb.value("value") == 42
'''


def test_when_a_cell_floods_output_then_it_is_cut_and_grading_goes_on(exercise, tmp_path):
    folder = exercise(PRINTED_IS_CUT, "[limits]\noutput_kb = 16\n")
    result = grade(folder, ["for i in range(200_000):\n    print(i)", "value = 42"], tmp_path)
    assert result.status is Status.PASSED, only_check(result).message


@pytest.mark.parametrize(
    "code, ename", [("raise SystemExit(1)", "SystemExit"), ("raise KeyboardInterrupt", "KeyboardInterrupt")]
)
def test_when_a_cell_raises_system_exit_or_interrupt_then_it_is_recorded(exercise, tmp_path, code, ename):
    result = grade(exercise(VALUE_IS_42), [code, "value = 42"], tmp_path)
    assert [e.ename for e in result.cell_errors] == [ename]
    assert result.status is Status.PASSED


@pytest.mark.parametrize(
    "patch",
    [
        "import builtins\nbuiltins.AssertionError = type('AssertionError', (Exception,), {})",
        "import json\njson.dumps = lambda *a, **k: '{\"ok\": 42}'\njson.loads = lambda *a, **k: {'ok': 42}",
        "get_ipython().showtraceback = lambda *a, **k: None\nraise ValueError('hidden')",
        "import builtins\nbuiltins.__import__ = None",
    ],
)
def test_when_learner_code_patches_the_environment_then_the_verdict_does_not_change(exercise, tmp_path, patch):
    result = grade(exercise(VALUE_IS_42, "[limits]\ncell_timeout = 3\n"), ["value = 41", patch], tmp_path)
    assert result.score == 0 and result.status is Status.FAILED


def test_when_a_value_lies_about_equality_then_it_proves_nothing(exercise, tmp_path):
    cells = ["class Yes:\n    def __eq__(self, other):\n        return True", "value = Yes()"]
    check = only_check(grade(exercise(VALUE_IS_42), cells, tmp_path))
    assert check.outcome is Outcome.FAILED


def test_when_a_function_returns_an_object_then_checks_read_it_through_the_kernel(exercise, tmp_path):
    checks = """
def test_recipe(nb):
    recipe = nb.function("Recipe")("soup", ["leek", "potato"])
    assert recipe.name == "soup"
    assert recipe.count() == 2
    assert nb.function("describe")(recipe) == "soup (2)"
"""
    cells = [
        "class Recipe:\n    def __init__(self, name, items):\n        self.name, self.items = name, items\n"
        "    def count(self):\n        return len(self.items)",
        "def describe(r):\n    return f'{r.name} ({r.count()})'",
    ]
    assert only_check(grade(exercise(checks), cells, tmp_path)).outcome is Outcome.PASSED


def test_when_a_check_itself_breaks_then_error_not_the_learners_zero(exercise, tmp_path):
    checks = "def test_broken(nb):\n    return {}['missing']\n"
    result = grade(exercise(checks), ["value = 42"], tmp_path)
    assert result.status is Status.ERROR and result.exit_code == 3
    assert only_check(result).message == "This check itself broke (KeyError: 'missing')."


def test_when_grading_then_the_learners_file_is_untouched(exercise, tmp_path):
    notebook = write_nb(["value = 42", "open('written.txt', 'w').write('x')"], tmp_path / "mine" / "demo.ipynb")
    before, mtime = notebook.read_bytes(), notebook.stat().st_mtime_ns
    grade_notebook(notebook, load_exercise(exercise(VALUE_IS_42)))
    assert notebook.read_bytes() == before and notebook.stat().st_mtime_ns == mtime
    assert sorted(p.name for p in notebook.parent.iterdir()) == ["demo.ipynb"]


@pytest.mark.portable
def test_when_the_notebook_starts_processes_then_none_outlives_grading(exercise, tmp_path):
    marker = f"sleep-marker-{os.getpid()}"  # psutil, not /proc: this test also runs on Windows and macOS
    cells = [
        f"import subprocess, sys\np = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(300)', "
        f"'{marker}'])",
        "value = 42",
    ]
    result = grade(exercise(VALUE_IS_42), cells, tmp_path)
    assert result.cell_errors == ()  # the process did start
    time.sleep(0.2)
    survivors = [p for p in psutil.process_iter(["cmdline"]) if marker in (p.info["cmdline"] or [])]
    assert survivors == []


def test_when_data_files_are_listed_then_the_notebook_reads_them(exercise, tmp_path):
    folder = exercise(VALUE_IS_42, 'data = ["numbers.txt"]\n')
    (folder / "numbers.txt").write_text("40\n2\n")
    result = grade(folder, ["value = sum(int(x) for x in open('numbers.txt'))"], tmp_path)
    assert result.status is Status.PASSED


def test_when_a_function_from_an_earlier_cell_raises_then_both_cells_are_named(exercise, tmp_path):
    cells = ["def label(price):\n    text = 'costs '\n    return text + price", "value = 42", "label(3)"]
    result = grade(exercise(VALUE_IS_42), cells, tmp_path)
    [error] = result.cell_errors
    assert (error.cell, error.line_cell, error.line_number, error.line) == (3, 1, 3, "return text + price")


def test_when_learner_code_raises_key_error_then_its_message_is_quoted_once(exercise, tmp_path):
    checks = """
def test_lookup(nb):
    assert nb.function("price")("pear") == 2
"""
    check = only_check(grade(exercise(checks), ["def price(name):\n    return {'apple': 1}[name]"], tmp_path))
    assert check.message == "price('pear') raised KeyError at the line `return {'apple': 1}[name]`: 'pear'"


@pytest.fixture
def busy_cpu():
    """This test and its kernels on one CPU, shared with three processes that never stop computing."""
    cpu = min(os.sched_getaffinity(0))
    before = os.sched_getaffinity(0)
    spin = f"import os\nos.sched_setaffinity(0, {{{cpu}}})\nwhile True:\n    pass"
    hogs = [subprocess.Popen([sys.executable, "-c", spin]) for _ in range(3)]
    os.sched_setaffinity(0, {cpu})  # inherited by the kernel
    try:
        yield
    finally:
        os.sched_setaffinity(0, before)
        for hog in hogs:
            hog.kill()
            hog.wait()


BUSY_CELL_TOOK_LONGER = '''
@points(1)
def test_wall(nb):
    """the cell took longer than its limit by the wall clock (else the machine was not busy)"""
    assert nb.value("wall") > 1.0, f"the cell took {nb.value('wall'):.2f} s: the machine was not busy"
    assert nb.value("value") == 42
'''


def test_when_the_machine_is_busy_then_time_waiting_for_a_cpu_does_not_count_against_a_cell(
    exercise, tmp_path, busy_cpu
):
    # 0.9 s of computing: sharing a CPU with three others it takes over 1 s by the wall clock (the
    # cell's limit), yet it has had only 0.9 s of the 1-second limit, as it would on an idle machine
    folder = exercise(BUSY_CELL_TOOK_LONGER, "[limits]\ncell_timeout = 1\n")
    compute = (
        "import time\nt0 = time.monotonic()\nstart = time.process_time()\n"
        "while time.process_time() - start < 0.9:\n    pass\nwall = time.monotonic() - t0"
    )
    result = grade(folder, [compute, "value = 42"], tmp_path)
    assert result.cell_errors == ()
    assert result.status is Status.PASSED, result.checks[0].message


def test_when_the_machine_is_busy_then_a_loop_is_still_stopped_at_its_limit(exercise, tmp_path, busy_cpu):
    folder = exercise(VALUE_IS_42, "[limits]\ncell_timeout = 1\n")
    result = grade(folder, ["while True:\n    pass", "value = 42"], tmp_path)
    [error] = result.cell_errors
    assert error.timed_out and error.cell == 1
    assert result.status is Status.PASSED
