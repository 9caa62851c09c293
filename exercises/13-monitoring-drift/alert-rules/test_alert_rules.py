"""Checks for detect-drift: the weekly PSI table and the drifted weeks, on the shipped logs and on new data."""

import numpy as np
import pandas as pd
import pytest

from grader import points

FEATURES = ["age", "monthly_spend", "sessions_per_week", "tenure_months", "churn_score"]
FLOOR = 0.0001


def reference_psi(reference, current, bins=10):
    reference, current = np.asarray(reference, dtype=float), np.asarray(current, dtype=float)
    edges = np.quantile(reference, np.linspace(0, 1, bins + 1))[1:-1]
    ref = np.clip(np.bincount(np.digitize(reference, edges), minlength=bins) / len(reference), FLOOR, None)
    cur = np.clip(np.bincount(np.digitize(current, edges), minlength=bins) / len(current), FLOOR, None)
    return float(np.sum((cur - ref) * np.log(cur / ref)))


def expected_table(reference, logs, features):
    return pd.DataFrame({week: [reference_psi(reference[f], rows[f]) for f in features]
                         for week, rows in logs.groupby("week")}, index=features).T


def expected_drift(reference, logs, features, threshold=0.25, min_rows=100):
    sizes = logs.groupby("week").size()
    drift = {}
    for week, values in expected_table(reference, logs, features).iterrows():
        drifted = [f for f in features if values[f] >= threshold]
        if sizes[week] >= min_rows and drifted:
            drift[week] = drifted
    return drift


def shipped(nb):
    return pd.read_csv(nb.exercise_dir / "reference.csv"), pd.read_csv(nb.exercise_dir / "weekly_logs.csv")


def drift_of(nb, *args, **kwargs):
    got = nb.function("detect_drift")(*args, **kwargs)
    assert isinstance(got, dict), (
        f"detect_drift should return a dict such as {{'2024-W05': ['monthly_spend']}}, not {type(got).__name__}"
    )
    return got


@points(2, hint="Loop over logs.groupby('week'): for each week, compute psi(reference[f], week_rows[f]) for "
                "every feature f, and build a DataFrame with the weeks as the index.")
def test_weekly_psi_table(nb):
    """weekly_psi gives one row per week and one column per feature, with the PSI of each"""
    reference, logs = shipped(nb)
    expected = expected_table(reference, logs, FEATURES)
    got = nb.function("weekly_psi")(reference, logs, FEATURES)
    assert isinstance(got, pd.DataFrame), f"weekly_psi should return a pandas DataFrame, not {type(got).__name__}"
    assert list(got.index) == list(expected.index), (
        f"the table should have one row per week, in order, with the week as the index: {list(expected.index)}"
    )
    assert list(got.columns) == FEATURES, f"the table should have one column per feature, in this order: {FEATURES}"
    for week in expected.index:
        for feature in FEATURES:
            assert got.loc[week, feature] == pytest.approx(expected.loc[week, feature], abs=1e-6), (
                f"the PSI of '{feature}' in {week} should be {expected.loc[week, feature]:.4f}, "
                f"not {got.loc[week, feature]:.4f}"
            )


@points(2, hint="A week drifted when at least one feature's PSI is at least the threshold; skip the weeks with "
                "fewer than min_rows rows.")
def test_flags_exactly_the_drifted_weeks(nb):
    """detect_drift flags exactly the weeks that drifted in the shipped logs"""
    reference, logs = shipped(nb)
    expected = expected_drift(reference, logs, FEATURES)
    got = drift_of(nb, reference, logs, FEATURES)
    missing = sorted(set(expected) - set(got))
    extra = sorted(set(got) - set(expected))
    assert not missing, f"these weeks drifted but are not in your dict: {missing}"
    assert not extra, (
        f"these weeks should not be flagged: {extra} (no feature reached a PSI of 0.25, "
        "or the week has fewer than 100 rows)"
    )


@points(1, hint="For each drifted week, keep [f for f in features if its PSI >= threshold], in the order of features.")
def test_names_the_drifted_features(nb):
    """each drifted week lists its drifted features, in the order of the features"""
    reference, logs = shipped(nb)
    expected = expected_drift(reference, logs, FEATURES)
    got = drift_of(nb, reference, logs, FEATURES)
    for week, features in expected.items():
        assert list(got.get(week, [])) == features, (
            f"in {week} the features with a PSI of at least 0.25 are {features}"
        )


@points(1, hint="Count the rows of each week with logs.groupby('week').size(); skip a week when its count is "
                "below min_rows (a week with exactly min_rows rows is kept).")
def test_skips_weeks_that_are_too_small(nb):
    """a week with fewer than min_rows rows is skipped, and min_rows can be changed"""
    reference, logs = shipped(nb)
    got = drift_of(nb, reference, logs, FEATURES)
    assert "2024-W13" not in got, (
        "2024-W13 has only 40 rows, fewer than min_rows=100: it is too small to judge and should be skipped"
    )
    got = drift_of(nb, reference, logs, FEATURES, min_rows=40)
    expected = expected_drift(reference, logs, FEATURES, min_rows=40)
    assert got.get("2024-W13") == expected["2024-W13"], (
        "with min_rows=40, 2024-W13 (exactly 40 rows) is judged like any other week, and drifted in "
        f"{expected['2024-W13']}"
    )


@points(1, hint="Compare with the threshold argument, not the number 0.25, and use >=.")
def test_uses_the_threshold_asked_for(nb):
    """detect_drift uses the threshold it is given, and a PSI equal to it counts"""
    reference, logs = shipped(nb)
    on_the_line = expected_table(reference, logs, FEATURES).loc["2024-W07", "sessions_per_week"]
    expected = expected_drift(reference, logs, FEATURES, threshold=on_the_line)
    got = drift_of(nb, reference, logs, FEATURES, threshold=on_the_line)
    assert got.get("2024-W07") == ["sessions_per_week"], (
        f"with threshold={on_the_line:.4f}, exactly the PSI of sessions_per_week in 2024-W07, that week "
        "should be flagged for sessions_per_week (a PSI equal to the threshold counts: use >=)"
    )
    assert sorted(got) == sorted(expected), f"with threshold={on_the_line:.4f} the drifted weeks are {sorted(expected)}"


@points(1, hint="Use the features argument and the 'week' column of logs; do not write week names or column "
                "names into your functions.")
def test_works_on_other_data(nb):
    """detect_drift works on another model's logs, and returns an empty dict when nothing drifted"""
    rng = np.random.default_rng(7)
    reference = pd.DataFrame({"x": rng.normal(0, 1, 1000), "y": rng.normal(10, 2, 1000)})
    weeks = []
    for week, shift in [("a", 0.0), ("b", 1.5), ("c", 0.0)]:
        weeks.append(pd.DataFrame({"week": week, "x": rng.normal(shift, 1, 300), "y": rng.normal(10, 2, 300)}))
    logs = pd.concat(weeks, ignore_index=True)
    got = drift_of(nb, reference, logs, ["x", "y"])
    assert got == {"b": ["x"]}, f"on new logs where only 'x' moved, in week 'b', expected {{'b': ['x']}}, got {got}"
    got = drift_of(nb, reference, logs, ["y"])
    assert got == {}, f"when only 'y' is watched and it never moved, nothing drifted: expected {{}}, got {got}"


@points(1, hint="drift = detect_drift(reference, logs, FEATURES)")
def test_reports_the_drift_of_the_shipped_logs(nb):
    """drift holds the result for the shipped logs"""
    reference, logs = shipped(nb)
    expected = expected_drift(reference, logs, FEATURES)
    got = nb.value("drift")
    assert isinstance(got, dict), f"drift should be the dict detect_drift returns, not {type(got).__name__}"
    assert {week: list(features) for week, features in got.items()} == expected, (
        "drift should be what detect_drift(reference, logs, FEATURES) returns on the shipped logs"
    )
