"""Checks for the exercise "sample-size": users per group for a minimum detectable effect."""

from __future__ import annotations

import math
import numbers

from scipy import stats

from grader import points

WEEKLY_TRIAL_USERS = 2500


def reference_n(baseline: float, mde: float, alpha: float = 0.05, power: float = 0.80) -> int:
    """The formula of lesson 4, rounded up."""
    p2 = baseline + mde
    z = stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(power)
    return math.ceil(z**2 * (baseline * (1 - baseline) + p2 * (1 - p2)) / mde**2)


def whole(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


@points(2, hint="Write the formula of lesson 4 with stats.norm.ppf(1 - alpha / 2) and "
                "stats.norm.ppf(power), and p2 = baseline + mde.")
def test_matches_the_formula(nb):
    """gives the users per group of the lesson's formula for three different tests"""
    sample_size_per_group = nb.function("sample_size_per_group")
    for baseline, mde in [(0.10, 0.02), (0.04, 0.01), (0.30, 0.05)]:
        expected = reference_n(baseline, mde)
        got = sample_size_per_group(baseline, mde)
        assert got == expected, (
            f"to detect {baseline:.0%} -> {baseline + mde:.0%} with alpha 0.05 and 80% power, "
            f"each group needs {expected} users, but your function says {got}")


@points(1, hint="math.ceil rounds up; round() and int() can round down.")
def test_rounds_up(nb):
    """rounds up: 3838.1 users are not enough, 3839 are"""
    got = nb.function("sample_size_per_group")(0.10, 0.02)
    why = ("a group of 3838 is slightly too small, so round up" if got == 3838
           else "rounded up from the formula's 3838.1")
    assert got == 3839, f"for 10% -> 12% each group needs 3839 users ({why}), but the answer is {got}"


@points(1, hint="Return math.ceil(...), which is an int, rather than the float the formula gives.")
def test_returns_a_whole_number(nb):
    """returns a whole number of users (an int), not a float such as 3839.0"""
    got = nb.function("sample_size_per_group")(0.10, 0.02)
    assert whole(got), (
        f"a number of users is a whole number (an int such as 3839), but the function returned "
        f"{got!r}, a {type(got).__name__}")


@points(1, hint="Use the alpha and power arguments in the two z values, instead of 1.96 and 0.84.")
def test_uses_alpha_and_power(nb):
    """a stricter alpha and a higher power ask for more users, exactly as the formula says"""
    sample_size_per_group = nb.function("sample_size_per_group")
    expected = reference_n(0.10, 0.02, alpha=0.01, power=0.90)
    got = sample_size_per_group(0.10, 0.02, alpha=0.01, power=0.90)
    assert got == expected, (
        f"with alpha = 0.01 and power = 0.90, detecting 10% -> 12% needs {expected} users per "
        f"group, but your function says {got}")


@points(1, hint="Check the arguments first and raise ValueError with a message saying what is "
                "wrong.")
def test_rejects_impossible_plans(nb):
    """raises ValueError for an effect of zero or less, or rates outside 0 to 1"""
    sample_size_per_group = nb.function("sample_size_per_group")
    for args, what in [((0.10, 0.0), "an effect of 0"),
                       ((0.10, -0.02), "a negative effect"),
                       ((0.0, 0.02), "a baseline of 0%"),
                       ((0.95, 0.05), "a target rate of 100%"),
                       ((1.2, 0.02), "a baseline above 100%")]:
        try:
            sample_size_per_group(*args)
        except ValueError:
            continue
        except Exception as error:  # the learner reads which error came instead
            raise AssertionError(
                f"sample_size_per_group{args} should raise ValueError for {what}, but it raised "
                f"{type(error).__name__} ({error}): check the arguments before computing") from None
        raise AssertionError(f"sample_size_per_group{args} should raise ValueError for {what}, "
                             "but it returned a result")


@points(2, hint="users_needed is the function's answer for 4% -> 5%; the test needs two groups "
                "of that size, and weeks are rounded up.")
def test_the_plan_for_the_trial_test(nb):
    """users_needed and weeks_needed answer the plan for 4% -> 5% with 2,500 trial users a week"""
    nb.function("sample_size_per_group")(0.10, 0.02)  # not attempted while it is still `...`
    expected_users = reference_n(0.04, 0.01)
    users = nb.value("users_needed")
    assert users == expected_users, (
        f"users_needed should be {expected_users}, the users per group to detect 4% -> 5%, "
        f"but it is {users}")
    yours = nb.function("sample_size_per_group")(0.04, 0.01)
    assert yours == users, (
        f"users_needed is {users}, but your function says {yours} for 4% -> 5%: compute "
        "users_needed with sample_size_per_group(0.04, 0.01) rather than typing a number in")
    expected_weeks = math.ceil(2 * expected_users / WEEKLY_TRIAL_USERS)
    weeks = nb.value("weeks_needed")
    assert weeks == expected_weeks, (
        f"two groups of {expected_users} users at {WEEKLY_TRIAL_USERS} trial users a week take "
        f"{2 * expected_users / WEEKLY_TRIAL_USERS:.2f} weeks, so weeks_needed should be "
        f"{expected_weeks} (whole weeks, rounded up), but it is {weeks}")
