"""Checks for the exercise "two-proportion-test": a two-sided pooled z-test that matches scipy."""

from __future__ import annotations

import math

import pandas as pd
from scipy import stats

from grader import points

KEYS = ["rate_a", "rate_b", "difference", "z", "p_value"]
COUNT_NAMES = ["conversions_a", "users_a", "conversions_b", "users_b"]


def scipy_test(x_a: int, n_a: int, x_b: int, n_b: int) -> tuple[float, float]:
    """scipy's chi-square test on buyers / non-buyers: (z squared, p-value)."""
    chi2, p_value, _, _ = stats.chi2_contingency([[x_a, n_a - x_a], [x_b, n_b - x_b]],
                                                 correction=False)
    return float(chi2), float(p_value)


def answer(nb, *counts: int) -> dict:
    """Call the learner's function and check the shape of what comes back."""
    result = nb.function("two_proportion_test")(*counts)
    assert isinstance(result, dict), (
        f"two_proportion_test should return a dict, but it returned {type(result).__name__}")
    assert sorted(result) == sorted(KEYS), (
        f"the dict should have exactly the keys {KEYS}, but it has {list(result)}")
    return result


def close(a: float, b: float) -> bool:
    return math.isclose(float(a), float(b), rel_tol=1e-6, abs_tol=1e-12)


@points(3, hint="Pool the two groups for the standard error, divide the difference by it, and "
                "use 2 * stats.norm.sf(abs(z)) for a two-sided p-value.")
def test_p_value_matches_scipy(nb):
    """gives the same p-value as scipy's chi2_contingency(correction=False) on four tests"""
    for counts in [(406, 3988, 480, 4012), (30, 1000, 45, 1000), (120, 5000, 95, 4800),
                   (7, 60, 2, 45)]:
        result = answer(nb, *counts)
        chi2, p_value = scipy_test(*counts)
        a, n_a, b, n_b = counts
        where = f"for {a}/{n_a} conversions in A against {b}/{n_b} in B"
        assert close(result["p_value"], p_value), (
            f"{where}, the p-value should be {p_value:.6f} (as scipy computes it), "
            f"but yours is {float(result['p_value']):.6f}")
        assert close(float(result["z"]) ** 2, chi2), (
            f"{where}, z should be {math.copysign(math.sqrt(chi2), b / n_b - a / n_a):.4f}, "
            f"but yours is {float(result['z']):.4f}")


@points(1, hint="rate = conversions / users; difference = rate_b - rate_a (B minus A).")
def test_rates_and_difference(nb):
    """reports each group's rate and the difference B minus A"""
    result = answer(nb, 30, 1000, 45, 1000)
    got = {k: round(float(result[k]), 6) for k in ("rate_a", "rate_b", "difference")}
    expected = {"rate_a": 0.03, "rate_b": 0.045, "difference": 0.015}
    assert got == expected, (
        "for 30/1000 in A and 45/1000 in B, the rates should be 0.03 and 0.045 and the "
        "difference (B minus A) 0.015")


@points(1, hint="Compute z from rate_b - rate_a, not the other way round, and take abs(z) only "
                "inside the p-value.")
def test_z_is_positive_when_b_is_better(nb):
    """z is positive when B converts better, negative when worse, with the same p-value"""
    better = answer(nb, 30, 1000, 45, 1000)
    worse = answer(nb, 45, 1000, 30, 1000)
    assert float(better["z"]) > 0 > float(worse["z"]), (
        "z should be positive when B converts better (45/1000 against 30/1000) and negative "
        f"when it converts worse, but it is {float(better['z']):.3f} and "
        f"{float(worse['z']):.3f}")
    assert close(better["p_value"], worse["p_value"]), (
        "the test is two-sided, so swapping A and B should give the same p-value")


@points(1, hint="When both groups convert at the same rate, the difference is 0, so z is 0.")
def test_no_difference_gives_z_zero_and_p_one(nb):
    """equal rates in both groups give z = 0 and a p-value of 1"""
    result = answer(nb, 50, 1000, 100, 2000)
    got = (round(float(result["z"]), 9), round(float(result["p_value"]), 9))
    assert got == (0.0, 1.0), (
        f"for 50/1000 against 100/2000 (both 5%), z should be 0 and the p-value 1, but they "
        f"are {got[0]} and {got[1]}")


@points(1, hint="If nobody (or everybody) converted, the pooled standard error is 0: return "
                "z = 0.0 and p_value = 1.0 before dividing.")
def test_nobody_converted_is_not_an_error(nb):
    """when nobody or everybody converted, returns z = 0 and p = 1 instead of dividing by zero"""
    for counts in [(0, 500, 0, 400), (500, 500, 400, 400)]:
        try:
            result = answer(nb, *counts)
        except ZeroDivisionError:
            raise AssertionError(
                f"two_proportion_test{counts} divided by zero: when nobody (or everybody) converted, "
                "the pooled standard error is 0, so return z = 0.0 and p_value = 1.0 before "
                "dividing") from None
        got = (float(result["z"]), float(result["p_value"]))
        assert got == (0.0, 1.0), (
            f"for {counts[0]}/{counts[1]} against {counts[2]}/{counts[3]} there is nothing to "
            f"compare: z should be 0.0 and the p-value 1.0, but they are {got}")


@points(1, hint="Check the counts at the start of the function and raise ValueError with a "
                "message saying what is wrong.")
def test_rejects_impossible_counts(nb):
    """raises ValueError for a group with no users, more conversions than users, or a negative count"""
    two_proportion_test = nb.function("two_proportion_test")
    for counts, what in [((0, 0, 5, 100), "a group with 0 users"),
                         ((120, 100, 5, 100), "120 conversions among 100 users"),
                         ((-1, 100, 5, 100), "a negative number of conversions")]:
        try:
            two_proportion_test(*counts)
        except ValueError:
            continue
        except Exception as error:  # the learner reads which error came instead
            raise AssertionError(
                f"two_proportion_test{counts} should raise ValueError for {what}, but it raised "
                f"{type(error).__name__} ({error}): check the counts before dividing") from None
        raise AssertionError(f"two_proportion_test{counts} should raise ValueError for {what}, "
                             "but it returned a result")


@points(2, hint="Count users and conversions per group in experiment.csv: control is A, "
                "treatment is B.")
def test_result_on_the_experiment(nb):
    """counts experiment.csv right (control is A, treatment is B) and result holds its test"""
    nb.function("two_proportion_test")(1, 10, 1, 10)  # not attempted while it is still `...`
    experiment = pd.read_csv(nb.exercise_dir / "experiment.csv")
    per_group = experiment.groupby("group")["converted"].agg(["sum", "count"])
    counts = (int(per_group.loc["control", "sum"]), int(per_group.loc["control", "count"]),
              int(per_group.loc["treatment", "sum"]), int(per_group.loc["treatment", "count"]))
    meanings = ["conversions in control", "users in control", "conversions in treatment",
                "users in treatment"]
    for name, expected, meaning in zip(COUNT_NAMES, counts, meanings, strict=True):
        got = nb.value(name)
        assert got == expected, f"{name} should be {expected}, the number of {meaning}"
    _chi2, p_value = scipy_test(*counts)
    result = nb.value("result")
    assert isinstance(result, dict) and "p_value" in result and "rate_a" in result, (
        "result should be the dict that two_proportion_test returns for the experiment")
    rates = (round(float(result["rate_a"]), 6), round(float(result["rate_b"]), 6))
    expected_rates = (round(counts[0] / counts[1], 6), round(counts[2] / counts[3], 6))
    assert rates == expected_rates, (
        f"the rates should be {expected_rates[0]} for control ({counts[0]} of {counts[1]} users) "
        f"and {expected_rates[1]} for treatment ({counts[2]} of {counts[3]}), "
        f"but result says {rates[0]} and {rates[1]}")
    assert close(result["p_value"], p_value), (
        f"the p-value of the experiment should be {p_value:.6f}, but result says "
        f"{float(result['p_value']):.6f}")
    yours = nb.function("two_proportion_test")(*counts)
    assert isinstance(yours, dict) and close(yours.get("p_value", math.nan), result["p_value"]), (
        "result should be what your function returns for the four counts, "
        "two_proportion_test(conversions_a, users_a, conversions_b, users_b), but it is not: "
        "compute result with the function rather than typing it in")
