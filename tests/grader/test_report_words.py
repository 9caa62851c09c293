"""The words a learner reads after the mistakes beginners really make (issue 14, items 4-12).

Each test grades a tiny real notebook with the real `grade` command and asserts the exact lines of
its report: these are the lines that must let a non-coder go on without reading the grader's code.
"""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import pytest

from tests.conftest import GRADE, run_grade, write_exercise, write_nb

TOTAL = '''
@points(1)
def test_total(nb):
    """total adds the prices"""
    assert nb.function("total")([1.5, 2.25, 3]) == 6.75, "total([1.5, 2.25, 3]) should be 6.75"
'''

GREET = '''
@points(1)
def test_greet(nb):
    """greet says hello"""
    assert nb.function("greet")("Ada") == "Hello, Ada!", "greet('Ada') should return 'Hello, Ada!'"
'''


def grade_cells(
    tmp_path: Path, checks: str, cells: list[str], toml_extra: str = "", *args: str
) -> subprocess.CompletedProcess[str]:
    """Grade a notebook of `cells` (Markdown when they start with '#md ') against `checks`."""
    folder = write_exercise(tmp_path / "exercises" / "00-test" / "demo", checks, toml_extra)
    write_nb(cells, folder / "demo.ipynb")
    return run_grade(str(folder / "demo.ipynb"), *args, cwd=tmp_path)


def lines(done: subprocess.CompletedProcess[str]) -> list[str]:
    return [line.rstrip() for line in done.stdout.splitlines()]


# -- 4. what a beginner cannot see ---------------------------------------------------------------


def test_when_a_function_returns_text_instead_of_a_number_then_the_report_says_so(tmp_path):
    done = grade_cells(tmp_path, TOTAL, ["def total(prices):\n    return f'{sum(prices):.2f}'"])
    assert done.returncode == 1
    assert lines(done)[2:6] == [
        "     total([1.5, 2.25, 3]) should be 6.75",
        "     expected: 6.75",
        "     got:      '6.75'",
        "     `total` returned text, not a number. The quotes around '6.75' show it is text: give back the "
        "number itself, without str() or an f-string around it.",
    ]


def test_when_a_name_holds_text_instead_of_a_number_then_the_report_says_so_whichever_side_it_is_on(tmp_path):
    checks = '''
def test_price(nb):
    """price is a number"""
    assert 34.65 == nb.value("price"), "price should be 34.65"


def test_total(nb):
    """total is a number"""
    assert nb.value("total") == 69.3, "total should be 69.3"
'''
    done = grade_cells(tmp_path, checks, ["price = '34.65'\ntotal = str(2 * 34.65)"])
    assert lines(done)[2:6] == [
        "     price should be 34.65",
        "     expected: 34.65",
        "     got:      '34.65'",
        "     `price` holds text, not a number. The quotes around '34.65' show it is text: use the number itself, "
        "without str() or an f-string around it.",
    ]
    assert (
        "     `total` holds text, not a number. The quotes around '69.3' show it is text: use the number "
        "itself, without str() or an f-string around it." in lines(done)
    )


def test_when_a_function_prints_instead_of_returning_then_the_report_asks_about_return(tmp_path):
    done = grade_cells(tmp_path, GREET, ["def greet(name):\n    print('Hello, ' + name + '!')"])
    assert "     got:      None" in lines(done)
    assert (
        "     `greet` returned nothing (None): is it missing `return`, or does it print the answer "
        "instead of returning it?"
    ) in lines(done)


def test_when_return_is_indented_inside_the_loop_then_the_report_explains_it(tmp_path):
    cells = [
        "def total(prices):\n    result = 0\n    for price in prices:\n        result = result + price\n"
        "        return result"
    ]
    done = grade_cells(tmp_path, TOTAL, cells)
    assert "     got:      1.5" in lines(done)
    assert (
        "     In `total`, `return` is indented inside the `for` loop, so the function stops during the "
        "first round, after the first item. Move `return` to the left, in line with `for`, so it runs "
        "once the loop has finished."
    ) in lines(done)


# -- 5. the cell the learner sees ----------------------------------------------------------------


def test_when_a_cell_cannot_be_read_then_it_is_named_by_its_heading_and_first_line_and_comes_first(tmp_path):
    cells = [
        "#md # Greetings\n\nRead this first.",
        "#md ## Step 1: a function that greets",
        "def greet(name):\n    return 'Hello, ' + name +",
        "#md ## Step 2: try it",
        "print(greet('Ada'))",
    ]
    done = grade_cells(tmp_path, GREET, cells)
    assert lines(done)[:8] == [
        "Demo  (demo)",
        "",
        ' The cell `def greet(name):` under "Step 1: a function that greets" raised SyntaxError: invalid syntax',
        "     at the line: return 'Hello, ' + name +",
        "     Python could not read this line. Look for a missing bracket, quote, colon or comma, just here or "
        "on the line before.",
        "     Other cells that raised an error: the cell `print(greet('Ada'))` under \"Step 2: try it\". "
        "Fix the first one first.",
        "     The check below marked ✗ failed because of this error: fix it first.",
        "",
    ]
    assert lines(done)[8:10] == [
        " ✗ greet says hello  failed  0/1",
        '     Your notebook does not define `greet`, because the cell `def greet(name):` under "Step 1: a '
        'function that greets", which defines it, raised SyntaxError.',
    ]
    assert " Score 0/1. Fix the error in your notebook first (above), save, and grade again." in lines(done)
    assert ".py, line" not in done.stdout and "Cell 3" not in done.stdout


def test_when_every_check_passes_beside_a_cell_error_then_the_report_says_why_it_does_not_matter(tmp_path):
    done = grade_cells(
        tmp_path, GREET, ["def greet(name):\n    return f'Hello, {name}!'", "#md ## Scratch", "greet(3) + 1"]
    )
    assert done.returncode == 0
    verdict = lines(done).index(" All checks passed, 1/1. Well done!")
    assert lines(done)[verdict + 1 : verdict + 2] == [
        ' The error in the cell `greet(3) + 1` under "Scratch" did not keep any check from passing (grading '
        "runs every cell, even after an error), but Run All in Jupyter stops there: fix or delete that cell.",
    ]


# -- 6. the right hint ---------------------------------------------------------------------------


def test_when_a_step_has_passed_then_the_hint_belongs_to_the_first_failing_check(tmp_path):
    checks = '''
@points(1, hint="name needs quotes")
def test_name(nb):
    """name is text"""
    assert isinstance(nb.value("name"), str), "name should be text"


@points(1, hint="greet needs return")
def test_greet(nb):
    """greet says hello"""
    assert nb.function("greet")("Ada") == "Hello, Ada!", "greet should say hello"
'''
    done = grade_cells(tmp_path, checks, ["name = 'Ada'", "def greet(name):\n    return 'Hi'"])
    assert lines(done)[-1] == " Hint: greet needs return"


# -- 7. what the notebook printed ----------------------------------------------------------------


def test_when_the_last_cell_printed_something_else_then_the_report_shows_what_it_printed(tmp_path):
    checks = '''
def test_prints(nb):
    """the last cell prints the greeting"""
    assert "Hello, Ada!" in nb.printed, "the notebook should print the greeting"
'''
    done = grade_cells(tmp_path, checks, ["print('Hello Ada')"])
    assert lines(done)[2:5] == [
        "     the notebook should print the greeting",
        "     Your notebook printed:",
        "       Hello Ada",
    ]


# -- 8. pandas, tables, repeats ------------------------------------------------------------------


def test_when_columns_are_combined_with_and_then_the_report_explains_ampersand(tmp_path):
    checks = '''
def test_cheap_french(nb):
    """cheap_french keeps cheap French products"""
    import pandas as pd
    df = pd.DataFrame({"price": [5, 20, 8], "country": ["FR", "FR", "DE"]})
    assert len(nb.function("cheap_french")(df)) == 1
'''
    cells = ["def cheap_french(df):\n    return df[(df['price'] < 10) and (df['country'] == 'FR')]"]
    done = grade_cells(tmp_path, checks, cells)
    assert lines(done)[2] == (
        "     cheap_french(a table of 3 rows and 2 columns) raised ValueError at the line "
        "`return df[(df['price'] < 10) and (df['country'] == 'FR')]`: The truth value of a "
        "Series is ambiguous. Use a.empty, a.item(), a.any() or a.all()."
    )
    assert lines(done)[3] == (
        "     `and`, `or`, `not` and `if` need a single True or False, but a pandas column holds one per row. "
        "To combine conditions on columns use `&` (and), `|` (or) and `~` (not), with each condition in its "
        'own brackets: df[(df["price"] > 10) & (df["country"] == "FR")].'
    )


def test_when_a_table_is_where_a_value_belongs_then_it_is_summarised_not_dumped(tmp_path):
    checks = '''
def test_count(nb):
    """sales_count is the number of sales"""
    assert nb.value("sales_count") == 50, "sales_count should be the number of sales"
'''
    cells = [
        "import pandas as pd\nsales_count = pd.DataFrame({'month': [f'M{i}' for i in range(50)], 'total': range(50)})"
    ]
    done = grade_cells(tmp_path, checks, cells)
    assert done.returncode == 1  # the learner's mistake, not a broken check
    assert lines(done)[2:10] == [
        "     `sales_count` is a table here, where this check expects a single value.",
        "     expected: a single value, not a table",
        "     got:      a table of 50 rows and 2 columns (month, total), first rows:",
        "                 month  total",
        "               0    M0      0",
        "               1    M1      1",
        "               2    M2      2",
        "",
    ]
    assert "M49" not in done.stdout


def test_when_the_same_failure_repeats_across_checks_then_it_is_said_once(tmp_path):
    checks = GREET + GREET.replace("test_greet", "test_greet_again").replace(
        '"""greet says hello"""', '"""greet says hello again"""'
    )
    done = grade_cells(tmp_path, checks, ["def greet(name):\n    return 'Hello, ' + nme"])
    message = "     greet('Ada') raised NameError at the line `return 'Hello, ' + nme`: name 'nme' is not defined"
    assert lines(done).count(message) == 1
    assert (
        lines(done)[lines(done).index(" ✗ greet says hello again  failed  0/1") + 1]
        == "     The same problem as above."
    )


def test_when_the_notebook_stops_python_then_the_report_says_it_first_and_the_checks_say_it_once(tmp_path):
    checks = GREET + GREET.replace("test_greet", "test_greet_again").replace(
        '"""greet says hello"""', '"""greet says hello again"""'
    )
    cells = ["def greet(name):\n    return f'Hello, {name}!'", "#md ## Step 2: leave", "import os\nos._exit(3)"]
    done = grade_cells(tmp_path, checks, cells)
    assert lines(done) == [
        "Demo  (demo)",
        "",
        ' Your notebook stopped Python in the cell `import os` under "Step 2: leave": the notebook ended Python '
        "itself (exit code 3, as os._exit does). The cells after it did not run.",
        "     The checks below marked ✗ failed because of this error: fix it first.",
        "",
        " ✗ greet says hello  failed  0/1",
        "     Not checked: Python had stopped (see above).",
        " ✗ greet says hello again  failed  0/1",
        "     The same problem as above.",
        "",
        " Score 0/2. Fix the error in your notebook first (above), save, and grade again.",
    ]


# -- 9. long cells, Ctrl-C -----------------------------------------------------------------------


def test_when_a_cell_runs_for_seconds_then_one_line_says_which_and_its_time_limit(tmp_path):
    cells = ["#md ## Step 1: wait", "import time\ntime.sleep(5)\nvalue = 42"]
    done = grade_cells(
        tmp_path, "def test_value(nb):\n    assert nb.value('value') == 42\n", cells, "[limits]\ncell_timeout = 30\n"
    )
    assert done.returncode == 0
    assert (
        done.stderr.splitlines().count(
            'Still running the cell `import time` under "Step 1: wait": it may take up to 30 seconds (its time limit).'
        )
        == 1
    )


def test_when_on_a_terminal_then_the_live_line_is_redrawn_each_second_and_wiped_at_the_end(monkeypatch):
    import io

    from grader.slow_cells import SlowCellLine

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setenv("COLUMNS", "200")
    screen = Terminal()
    line = SlowCellLine(screen)
    line.running("the cell `x = 1`", 4.2, 30)
    line.running("the cell `x = 1`", 5.1, 30)
    line.finished()
    assert screen.getvalue().split("\r\x1b[K") == [
        "",
        "Still running the cell `x = 1`: 4 s so far, at most 26 s more (its time limit is 30 s)",
        "Still running the cell `x = 1`: 5 s so far, at most 25 s more (its time limit is 30 s)",
        "",
    ]


def test_when_the_learner_presses_ctrl_c_then_grading_stops_with_130_and_nothing_is_recorded(tmp_path):
    folder = write_exercise(
        tmp_path / "exercises" / "00-test" / "demo", "def test_value(nb):\n    assert nb.value('value') == 42\n"
    )
    write_nb(["import time\ntime.sleep(60)", "value = 42"], folder / "demo.ipynb")
    env = {**os.environ, "NO_COLOR": "1"}
    grading = subprocess.Popen(
        [*GRADE, str(folder / "demo.ipynb")],
        cwd=tmp_path,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=_ctrl_c_as_on_a_terminal,
    )
    try:
        assert grading.stderr is not None
        first = grading.stderr.readline()  # the live line: the long cell is running
        assert first.startswith("Still running the cell `import time`")
        grading.send_signal(signal.SIGINT)
        out, err = grading.communicate(timeout=60)
    finally:
        if grading.poll() is None:
            grading.kill()
    assert grading.returncode == 130
    assert err.strip() == (
        "grade: you stopped grading (Ctrl-C). Nothing was recorded, so your progress is "
        "as it was; grade again when you are ready."
    )
    assert out == ""
    assert not (tmp_path / ".course-progress.json").exists()


def _ctrl_c_as_on_a_terminal() -> None:
    """A shell's background job (CI, a test run with &) ignores Ctrl-C; a learner's terminal does not."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


# -- 10. not attempted, but something happened ---------------------------------------------------


def test_when_nothing_is_attempted_but_a_cell_ran_out_of_time_then_the_report_names_it(tmp_path):
    cells = ["value = ...", "#md ## Step 2: count", "while True:\n    pass"]
    done = grade_cells(
        tmp_path, "def test_value(nb):\n    assert nb.value('value') == 42\n", cells, "[limits]\ncell_timeout = 2\n"
    )
    assert (
        ' The cell `while True:` under "Step 2: count" ran out of time: the cell ran longer than 2 seconds. '
        "Look for a loop that never ends." in lines(done)
    )
    assert lines(done)[-2].startswith(" Not attempted yet (0/1).")


# -- 12. %pip install ----------------------------------------------------------------------------


def test_when_a_notebook_runs_pip_install_then_grading_skips_it_and_says_so(tmp_path):
    cells = ["#md ## Set-up", "%pip install no-such-package-for-the-course\nvalue = 42"]
    done = grade_cells(tmp_path, "def test_value(nb):\n    assert nb.value('value') == 42\n", cells)
    assert done.returncode == 0
    assert (
        " Note: Grading skipped the line `%pip install no-such-package-for-the-course` in the cell "
        '`%pip install no-such-package-for-the-course` under "Set-up": grading never installs packages into '
        "your Python. The course's own libraries are already installed; if you need another one, install it "
        "once in a terminal with the course's environment active, and delete this line from the notebook."
    ) in lines(done)
    assert "no-such-package" not in done.stderr


@pytest.mark.parametrize(
    "line",
    [
        "!pip install x",
        "  !python -m pip install x",
        "%conda install x",
        "!{sys.executable} -m pip install x",
        "%pip uninstall -y x",
    ],
)
def test_when_a_line_installs_packages_then_it_is_recognised(line):
    from grader.no_installs import without_installs

    assert without_installs(f"a = 1\n{line}\nb = 2") == f"a = 1\n{line[: len(line) - len(line.lstrip())]}pass\nb = 2"


def test_when_a_line_only_mentions_pip_then_it_runs():
    from grader.no_installs import without_installs

    source = "%pip list\nprint('pip install x')\n# !pip install x"
    assert without_installs(source) == source


REGEX_HINT = r'''
@points(1, hint=r'Find the ids with re.findall(r"\[(\d+)\]", text), then return [int(x) for x in them].')
def test_ids(nb):
    """ids() finds the numbers in brackets"""
    assert nb.function("ids")("a [1] b [22]") == [1, 22], "ids('a [1] b [22]') should be [1, 22]"
'''


def test_when_a_hint_holds_a_regex_with_brackets_then_it_is_printed_exactly(tmp_path):
    done = grade_cells(tmp_path, REGEX_HINT, ["def ids(text):\n    return []"])
    assert done.returncode == 1
    assert r'Find the ids with re.findall(r"\[(\d+)\]", text), then return [int(x) for x in them].' in done.stdout
