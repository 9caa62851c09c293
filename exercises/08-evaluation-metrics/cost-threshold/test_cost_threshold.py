"""Checks for cost-threshold: total_cost, best_threshold, and the notebook's chosen threshold."""

import numpy as np
import pandas as pd
import pytest

from grader import points

GRID = np.round(np.linspace(0, 1, 101), 2)


def reference_cost(y_true, scores, threshold, cost_false_alarm, cost_miss):
    y_true, flagged = np.asarray(y_true), np.asarray(scores) >= threshold
    return (cost_false_alarm * int(np.sum(flagged & (y_true == 0)))
            + cost_miss * int(np.sum(~flagged & (y_true == 1))))


def reference_best(y_true, scores, cost_false_alarm, cost_miss):
    costs = [reference_cost(y_true, scores, t, cost_false_alarm, cost_miss) for t in GRID]
    return float(GRID[int(np.argmin(costs))])


def validation(nb):
    table = pd.read_csv(nb.exercise_dir / "scored_customers.csv")
    return table["churned"].to_numpy(), table["churn_score"].to_numpy()


def cost_of(nb, *args):
    try:
        got = nb.function("total_cost")(*args)
    except TypeError as err:
        pytest.fail(f"total_cost could not handle plain lists ({err}); "
                    "start with y_true = np.asarray(y_true) and the same for scores")
    assert isinstance(got, (int, float, np.integer, np.floating)) and not isinstance(got, bool), (
        f"total_cost should return a number of pounds, not {type(got).__name__}"
    )
    return float(got)


def best_of(nb, *args):
    got = nb.function("best_threshold")(*args)
    assert isinstance(got, (int, float, np.integer, np.floating)) and not isinstance(got, bool), (
        f"best_threshold should return a threshold (a number), not {type(got).__name__}"
    )
    return float(got)


@points(2, hint="Flag with scores >= threshold; a false alarm is flagged and did not churn, a miss "
                "churned and was not flagged.")
def test_total_cost_adds_up_false_alarms_and_misses(nb):
    """adds up £30 per false alarm and £300 per miss"""
    y_true, scores = [1, 0, 1, 0], [0.9, 0.8, 0.3, 0.1]
    for threshold, expected, story in [
        (0.5, 330, "one false alarm (0.8) and one miss (0.3)"),
        (0.2, 30, "one false alarm (0.8) and no miss"),
        (0.95, 600, "nobody flagged, so two misses"),
    ]:
        got = cost_of(nb, y_true, scores, threshold, 30, 300)
        assert got == expected, (
            f"with y_true={y_true}, scores={scores} and threshold {threshold}: {story}, "
            f"so £{expected}"
        )


@points(1, hint="Use >=, not >: a score equal to the threshold is flagged.")
def test_a_score_on_the_threshold_is_flagged(nb):
    """flags a customer whose score equals the threshold"""
    on_line = cost_of(nb, [1], [0.25], 0.25, 30, 300)
    assert on_line == 0, (
        "a churner scored exactly 0.25 should be flagged at threshold 0.25 (score >= threshold), "
        "so it costs £0, not a £300 miss"
    )
    assert cost_of(nb, [0], [0.25], 0.25, 30, 300) == 30, (
        "a stayer scored exactly 0.25 is flagged at threshold 0.25: a £30 false alarm"
    )


@points(2, hint="Compute total_cost for each threshold in THRESHOLDS and keep the position of the "
                "smallest with np.argmin.")
def test_finds_the_cheapest_threshold_for_the_team(nb):
    """finds the cheapest threshold on the validation customers"""
    y_true, scores = validation(nb)
    expected = reference_best(y_true, scores, 30, 300)
    got = best_of(nb, y_true, scores, 30, 300)
    assert got == pytest.approx(expected, abs=1e-9), (
        f"at £30 per false alarm and £300 per miss, the cheapest threshold is {expected:.2f} "
        f"(total £{reference_cost(y_true, scores, expected, 30, 300):,}); yours, {got:.2f}, "
        f"costs £{reference_cost(y_true, scores, got, 30, 300):,}"
    )


@points(1, hint="Use the cost arguments, not the COST_ constants, inside your functions.")
def test_threshold_follows_the_prices(nb):
    """moves the threshold when the prices change"""
    y_true, scores = validation(nb)
    for cost_false_alarm, cost_miss in [(300, 30), (100, 100), (10, 300)]:
        expected = reference_best(y_true, scores, cost_false_alarm, cost_miss)
        got = best_of(nb, y_true, scores, cost_false_alarm, cost_miss)
        assert got == pytest.approx(expected, abs=1e-9), (
            f"at £{cost_false_alarm} per false alarm and £{cost_miss} per miss, the cheapest "
            f"threshold is {expected:.2f}, not {got:.2f}"
        )


@points(1, hint="np.argmin returns the first position of the smallest cost, which is the lowest "
                "threshold because THRESHOLDS goes up.")
def test_picks_the_lowest_threshold_on_a_tie(nb):
    """returns the lowest of several equally cheap thresholds"""
    y_true, scores = [1, 0, 1, 0], [0.9, 0.8, 0.3, 0.1]
    everyone = cost_of(nb, y_true, scores, 0.0, 0, 300)
    assert everyone == 0, (
        "when false alarms cost nothing (cost_false_alarm=0), flagging everyone costs £0, but "
        f"total_cost says £{everyone:,.0f}: use the cost arguments, not the COST_ constants"
    )
    got = best_of(nb, y_true, scores, 0, 300)
    assert got == pytest.approx(0.0, abs=1e-9), (
        "when false alarms cost nothing, flagging everyone is cheapest, and every threshold from "
        f"0.00 to 0.30 costs £0: the lowest of them is 0.00, not {got:.2f}"
    )
    got = best_of(nb, y_true, scores, 30, 0)
    on_line = " (at 0.80 the stayer scored 0.8 is flagged: score >= threshold)" if round(got, 2) == 0.8 else ""
    assert got == pytest.approx(0.81, abs=1e-9), (
        "when misses cost nothing, flagging no stayer is cheapest; thresholds from 0.81 up all "
        f"cost £0, and the lowest of them is 0.81, not {got:.2f}{on_line}"
    )


@points(1, hint="chosen_threshold = best_threshold(churned, churn_score, COST_FALSE_ALARM, COST_MISS); "
                "saving = the cost at 0.5 minus the cost at chosen_threshold.")
def test_reports_the_threshold_and_the_saving(nb):
    """reports the team's threshold and the pounds it saves against 0.5"""
    y_true, scores = validation(nb)
    expected = reference_best(y_true, scores, 30, 300)
    chosen = nb.value("chosen_threshold")
    saving = nb.value("saving")
    assert chosen == pytest.approx(expected, abs=1e-9), (
        f"chosen_threshold should be the cheapest threshold at the team's prices, {expected:.2f}"
    )
    expected_saving = (reference_cost(y_true, scores, 0.5, 30, 300)
                       - reference_cost(y_true, scores, expected, 30, 300))
    assert saving == pytest.approx(expected_saving, abs=1e-6), (
        f"saving should be the cost at 0.5 minus the cost at {expected:.2f}: "
        f"£{expected_saving:,} (a positive number of pounds)"
    )
