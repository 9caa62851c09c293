"""Checks for fairness-gaps: selection rates, the demographic parity gap and the equal opportunity gap."""

import numpy as np
import pandas as pd
import pytest

from grader import points


def rates(y_pred, group):
    y_pred, group = np.asarray(y_pred), np.asarray(group)
    return {g: float(np.mean(y_pred[group == g] == 1)) for g in np.unique(group)}


def dp(y_pred, group):
    r = rates(y_pred, group)
    return max(r.values()) - min(r.values())


def eo(y_true, y_pred, group):
    y_true, y_pred, group = np.asarray(y_true), np.asarray(y_pred), np.asarray(group)
    return dp(y_pred[y_true == 1], group[y_true == 1])


def number(got, name):
    assert isinstance(got, (int, float, np.integer, np.floating)) and not isinstance(got, bool), (
        f"{name} should return one number, not {type(got).__name__}"
    )
    return float(got)


def decisions(nb):
    return pd.read_csv(nb.exercise_dir / "loan_decisions.csv")


@points(1, hint="For each group g, take the decisions of its members (y_pred[group == g]) and average y_pred == 1.")
def test_selection_rate_of_each_group(nb):
    """selection_rates gives each group's share of positive decisions"""
    got = nb.function("selection_rates")([1, 1, 0, 0, 1, 0, 0, 0], ["a", "a", "a", "a", "b", "b", "b", "b"])
    assert isinstance(got, dict), (
        f"selection_rates should return a dict such as {{'a': 0.5, 'b': 0.25}}, not {type(got).__name__}"
    )
    assert got == pytest.approx({"a": 0.5, "b": 0.25}), (
        "group a has 2 approvals out of 4 (0.5) and group b 1 out of 4 (0.25). This check passes plain "
        "Python lists, where y_pred[group == g] does not pick the group's rows: turn both into arrays "
        "first with np.asarray"
    )


@points(1, hint="Use max(rates.values()) - min(rates.values()): it works for any number of groups and is never "
                "negative.")
def test_parity_gap_is_highest_minus_lowest(nb):
    """the demographic parity gap is the highest selection rate minus the lowest, for three groups too"""
    gap = nb.function("demographic_parity_gap")
    y_pred = [1, 0, 0, 0, 1, 1, 1, 0, 1, 1, 0, 0]
    group = ["x", "x", "x", "x", "y", "y", "y", "y", "z", "z", "z", "z"]
    got = number(gap(y_pred, group), "demographic_parity_gap")
    assert got == pytest.approx(0.5), (
        "the selection rates are x: 0.25, y: 0.75, z: 0.5, so the gap is 0.75 - 0.25 = 0.5 "
        "(highest minus lowest, whatever the order of the groups)"
    )
    assert number(gap([0, 1], ["a", "b"]), "demographic_parity_gap") == pytest.approx(1.0), (
        "the gap should not be negative: with rates a: 0 and b: 1 it is 1.0"
    )


@points(2, hint="Keep only the rows with y_true == 1 before computing the rates: the true positive rate is the "
                "share approved among the people who deserve a yes.")
def test_opportunity_gap_counts_only_the_deserving(nb):
    """the equal opportunity gap compares approvals only among the people with y_true == 1"""
    y_true = [1, 1, 0, 0, 1, 1, 0, 0]
    y_pred = [1, 1, 0, 0, 1, 0, 1, 0]
    group = ["a", "a", "a", "a", "b", "b", "b", "b"]
    got = number(nb.function("equal_opportunity_gap")(y_true, y_pred, group), "equal_opportunity_gap")
    assert got == pytest.approx(0.5), (
        "both groups are approved 2 times out of 4 (no parity gap), but group a approves both of its "
        "people with y_true 1 (rate 1.0) and group b only one of its two (0.5): the gap is 0.5"
    )


@points(1, hint="A group with no y_true == 1 has no true positive rate; filter the rows with y_true == 1 first, "
                "and that group simply disappears.")
def test_group_without_positives_is_left_out(nb):
    """a group with nobody whose y_true is 1 is left out of the equal opportunity gap"""
    y_true = [1, 1, 0, 1, 1, 0, 0, 0]
    y_pred = [1, 0, 0, 1, 0, 1, 1, 0]
    group = ["a", "a", "a", "b", "b", "b", "c", "c"]
    try:
        got = nb.function("equal_opportunity_gap")(y_true, y_pred, group)
    except ZeroDivisionError:
        pytest.fail("equal_opportunity_gap divided by zero for group c, which has nobody with y_true 1: "
                    "leave such a group out instead")
    got = number(got, "equal_opportunity_gap")
    assert not np.isnan(got), (
        "equal_opportunity_gap returned nan: group c has nobody with y_true 1, so leave it out"
    )
    assert got == pytest.approx(0.0), (
        "a and b both approve 1 of their 2 people with y_true 1 (rate 0.5), so the gap is 0; "
        "group c has nobody with y_true 1 and must be left out, not counted as 0"
    )


@points(1, hint="Compare with == 1 (which also works for True) and turn every input into an array with np.asarray.")
def test_accepts_true_false_and_number_groups(nb):
    """the functions accept True/False decisions, numbers as group names, and pandas columns"""
    y_true = pd.Series([True, True, True, False, True, True], index=[10, 11, 12, 13, 14, 15])
    y_pred = pd.Series([True, False, True, True, True, True], index=[10, 11, 12, 13, 14, 15])
    group = pd.Series([1, 1, 1, 2, 2, 2], index=[10, 11, 12, 13, 14, 15])
    got = number(nb.function("demographic_parity_gap")(y_pred, group), "demographic_parity_gap")
    assert got == pytest.approx(1 / 3), "with True/False decisions, group 1 has rate 2/3 and group 2 rate 1: gap 1/3"
    got = number(nb.function("equal_opportunity_gap")(y_true, y_pred, group), "equal_opportunity_gap")
    assert got == pytest.approx(1 / 3), "among y_true True, group 1 has rate 2/3 and group 2 rate 1: gap 1/3"


@points(2, hint="dp_gap = demographic_parity_gap(decisions['approved'], decisions['age_band']); eo_gap uses "
                "decisions['repaid'] as y_true.")
def test_gaps_of_the_loan_decisions(nb):
    """dp_gap and eo_gap are the two gaps of the bank's loan decisions"""
    table = decisions(nb)
    expected_dp = dp(table["approved"], table["age_band"])
    expected_eo = eo(table["repaid"], table["approved"], table["age_band"])
    assert number(nb.value("dp_gap"), "dp_gap") == pytest.approx(expected_dp, abs=1e-9), (
        f"dp_gap should be the demographic parity gap of the loan decisions by age band, {expected_dp:.4f}"
    )
    assert number(nb.value("eo_gap"), "eo_gap") == pytest.approx(expected_eo, abs=1e-9), (
        f"eo_gap should be the equal opportunity gap (repaid as y_true, approved as y_pred), {expected_eo:.4f}"
    )
    got = number(nb.function("equal_opportunity_gap")(table["repaid"], table["approved"], table["age_band"]),
                 "equal_opportunity_gap")
    assert got == pytest.approx(expected_eo, abs=1e-9), (
        f"equal_opportunity_gap on the loan decisions should give {expected_eo:.4f}"
    )
