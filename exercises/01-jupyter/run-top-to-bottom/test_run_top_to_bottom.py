"""Checks for "Make it run from top to bottom": Sam's revenue notebook, repaired."""

import math
import re

from grader import LearnerError, points

SEATS = 12 + 30 + 7 + 51 + 3 + 18  # 121
MONTHLY_REVENUE = SEATS * 49  # 5929
DISCOUNTED_REVENUE = MONTHLY_REVENUE * (1 - 0.15)  # 5039.65


def _settings(nb):
    """The two settings of step 1 (a `...` left there makes the check "not attempted")."""
    return nb.value("price_per_seat"), nb.value("annual_discount")


@points(2, hint="Restart the kernel, run all cells, and read the last line of the first error.")
def test_runs_from_top_to_bottom_without_errors(nb):
    """the notebook runs from top to bottom in a fresh kernel without an error"""
    _settings(nb)
    first = nb.errors[0] if nb.errors else None
    assert first is None, (
        f"in a fresh kernel, cell {first.cell} stopped with {first.ename}: {first.evalue}. "
        "Every name must be defined by a cell above the one that uses it"
        if first else ""
    )


@points(1, hint="Sam's note gives both numbers; 15 % written as a fraction is 0.15.")
def test_rebuilds_the_two_settings(nb):
    """price_per_seat is 49 and annual_discount is 0.15, as in Sam's note"""
    price_per_seat, annual_discount = _settings(nb)
    assert price_per_seat == 49, "price_per_seat should be 49 (euros per seat per month)"
    assert annual_discount == 0.15, (
        "annual_discount should be 0.15: 15 % written as a fraction, not 15"
    )


@points(1, hint="Step 3 must not overwrite monthly_revenue: store its result under a new name.")
def test_leaves_monthly_revenue_unchanged(nb):
    """monthly_revenue keeps the revenue before the discount"""
    _settings(nb)
    assert nb.value("monthly_revenue") == MONTHLY_REVENUE, (
        f"monthly_revenue should stay {MONTHLY_REVENUE} (121 seats at 49 euros): "
        "the discount belongs in discounted_revenue"
    )


@points(1, hint="discounted_revenue = monthly_revenue * (1 - annual_discount)")
def test_computes_the_discounted_revenue(nb):
    """discounted_revenue is the revenue with 15 % off"""
    _settings(nb)
    got = nb.value("discounted_revenue")
    assert isinstance(got, int | float) and math.isclose(got, DISCOUNTED_REVENUE), (
        f"discounted_revenue should be {DISCOUNTED_REVENUE:.2f}: "
        f"{MONTHLY_REVENUE} euros with 15 % taken off once"
    )
    # step 3 again with another discount: the answer must follow it, not be a number typed in
    step_3 = [c.source for c in nb.cells if c.cell_type == "code"
              and re.search(r"\bdiscounted_revenue\s*=(?!=)", c.source)
              and not re.search(r"\bannual_discount\s*=(?!=)", c.source)]  # not a cell that sets it back
    try:
        nb.run(f"annual_discount = 0.25; monthly_revenue = {MONTHLY_REVENUE!r}")
        for source in step_3:
            nb.run(source)
        with_a_quarter_off = nb.value("discounted_revenue")
    except LearnerError as error:
        raise AssertionError(
            f"with annual_discount set to 0.25, step 3 stopped with {type(error).__name__}: {error}"
        ) from None
    finally:  # put the notebook's own numbers back for the next checks
        nb.run(f"annual_discount = 0.15; monthly_revenue = {MONTHLY_REVENUE!r}; discounted_revenue = {got!r}")
    assert isinstance(with_a_quarter_off, int | float) and math.isclose(with_a_quarter_off, MONTHLY_REVENUE * 0.75), (
        f"with annual_discount set to 0.25, discounted_revenue should become {MONTHLY_REVENUE * 0.75:.2f}, "
        f"but it is {with_a_quarter_off!r}: compute it from monthly_revenue and annual_discount "
        "instead of typing the number in"
    )


@points(1, hint="A cell that reads and overwrites the same name changes its answer every run.")
def test_gives_the_same_answers_when_run_twice(nb):
    """running every cell a second time gives the same numbers"""
    _settings(nb)
    code_cells = [cell.source for cell in nb.cells if cell.cell_type == "code"]
    for source in code_cells:  # what "Run All Cells" a second time does
        try:
            nb.run(source)
        except LearnerError as error:  # the learner's cell raised on its second run
            raise AssertionError(
                f"running the cells a second time stopped with {type(error).__name__}: {error}"
            ) from None
    again = (nb.value("monthly_revenue"), nb.value("discounted_revenue"))
    assert again[0] == MONTHLY_REVENUE and math.isclose(again[1], DISCOUNTED_REVENUE), (
        "after running every cell a second time, monthly_revenue should still be "
        f"{MONTHLY_REVENUE} and discounted_revenue {DISCOUNTED_REVENUE:.2f}; "
        f"they became {again[0]} and {again[1]}"
    )
