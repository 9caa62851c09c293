"""Checks for psi: bin_shares, psi and the PSI of last week's customers, against a reference PSI."""

import numpy as np
import pandas as pd
import pytest

from grader import points

FLOOR = 0.0001


def reference_psi(reference, current, bins=10):
    reference, current = np.asarray(reference, dtype=float), np.asarray(current, dtype=float)
    edges = np.quantile(reference, np.linspace(0, 1, bins + 1))[1:-1]
    ref = np.clip(np.bincount(np.digitize(reference, edges), minlength=bins) / len(reference), FLOOR, None)
    cur = np.clip(np.bincount(np.digitize(current, edges), minlength=bins) / len(current), FLOOR, None)
    return float(np.sum((cur - ref) * np.log(cur / ref)))


def customers(nb):
    return pd.read_csv(nb.exercise_dir / "reference.csv"), pd.read_csv(nb.exercise_dir / "last_week.csv")


def psi_of(nb, *args, **kwargs):
    got = nb.function("psi")(*args, **kwargs)
    assert isinstance(got, (int, float, np.floating, np.integer)) and not isinstance(got, bool), (
        f"psi should return one number, not {type(got).__name__}: add up the bins with np.sum "
        "and return float(...)"
    )
    assert np.isfinite(got), (
        f"psi returned {got}: an empty bin gave ln(0). Raise every share to at least FLOOR with "
        "np.clip(shares, FLOOR, None) before the formula"
    )
    return float(got)


@points(1, hint="np.digitize(values, edges) numbers the bins; np.bincount(..., minlength=len(edges) + 1) "
                "counts them; divide by len(values).")
def test_bin_shares_counts_each_bin(nb):
    """bin_shares gives the share of the values in each bin, outer bins included"""
    bin_shares = nb.function("bin_shares")
    got = np.asarray(bin_shares([-5, 1, 1.5, 2, 2, 9, 100, 3], [1, 2, 3]), dtype=float)
    expected = np.array([1, 2, 2, 3]) / 8
    assert got.shape == expected.shape, (
        f"3 cut points make 4 bins, so bin_shares should return 4 shares, not {got.shape[0] if got.ndim else got}"
    )
    assert np.allclose(got, expected), (
        "with cut points [1, 2, 3], the values [-5, 1, 1.5, 2, 2, 9, 100, 3] fall 1, 2, 2 and 3 to a bin "
        "(a value on a cut point goes to the bin above it; -5 to the first bin; 9 and 100 to the last), "
        f"so the shares are {expected.tolist()}"
    )


@points(1, hint="A sample compared with itself has not drifted: every term of the sum is 0.")
def test_no_drift_gives_zero(nb):
    """a sample compared with itself gives a PSI of 0"""
    values = np.random.default_rng(1).normal(50, 10, 500)
    got = psi_of(nb, values, values)
    assert got == pytest.approx(0.0, abs=1e-9), f"the PSI of a sample against itself is 0, not {got:.4f}"


@points(2, hint="Cut the bins from the reference only, with the inner quantiles "
                "np.quantile(reference, np.linspace(0, 1, bins + 1))[1:-1].")
def test_matches_the_reference_psi_on_the_customers(nb):
    """psi gives the reference value for every column of last week's customers"""
    reference, last_week = customers(nb)
    for column in reference.columns:
        expected = reference_psi(reference[column], last_week[column])
        got = psi_of(nb, reference[column], last_week[column])
        assert got == pytest.approx(expected, abs=1e-6), (
            f"the PSI of last week's '{column}' against the reference should be {expected:.4f}, not {got:.4f}"
        )


@points(1, hint="np.clip(shares, FLOOR, None) raises an empty bin's share to FLOOR, so ln() never sees 0.")
def test_an_empty_bin_gives_a_large_finite_psi(nb):
    """a week whose values all fall in one bin gives a large but finite PSI"""
    reference = np.arange(1, 101)
    current = [3, 3, 3, 3]
    expected = reference_psi(reference, current)
    got = psi_of(nb, reference, current)
    assert got == pytest.approx(expected, abs=1e-6), (
        f"when every current value falls in one bin, the 9 other bins are empty: with the FLOOR "
        f"the PSI is {expected:.4f}, not {got:.4f}"
    )


@points(1, hint="Use only the inner cut points, so values below or above the reference land in the "
                "first or last bin (np.histogram with the outer edges would drop them).")
def test_counts_values_beyond_the_reference(nb):
    """values smaller or larger than anything in the reference still count"""
    reference = np.arange(1, 101)
    current = np.concatenate([np.arange(1, 81), np.full(20, 500)])   # a fifth far above the reference
    expected = reference_psi(reference, current)
    got = psi_of(nb, reference, current)
    assert got == pytest.approx(expected, abs=1e-6), (
        f"20 of 100 current values are above anything in the reference; they belong in the last "
        f"bin, which gives a PSI of {expected:.4f}, not {got:.4f}"
    )


@points(1, hint="Use the bins argument in np.linspace(0, 1, bins + 1), not the number 10.")
def test_uses_the_number_of_bins_asked_for(nb):
    """psi cuts as many bins as the bins argument asks for"""
    reference, last_week = customers(nb)
    for bins in (4, 20):
        expected = reference_psi(reference["age"], last_week["age"], bins=bins)
        got = psi_of(nb, reference["age"], last_week["age"], bins=bins)
        assert got == pytest.approx(expected, abs=1e-6), (
            f"with bins={bins}, the PSI of last week's ages should be {expected:.4f}, not {got:.4f}"
        )


@points(1, hint="psi_by_feature = {column: psi(reference[column], last_week[column]) for column in reference.columns}")
def test_reports_the_psi_of_every_column(nb):
    """psi_by_feature gives last week's PSI for every column of the reference"""
    reference, last_week = customers(nb)
    got = nb.value("psi_by_feature")
    assert isinstance(got, dict), f"psi_by_feature should be a dict, not {type(got).__name__}"
    assert sorted(got) == sorted(reference.columns), (
        f"psi_by_feature should have one entry per column of reference.csv: {list(reference.columns)}"
    )
    for column in reference.columns:
        expected = reference_psi(reference[column], last_week[column])
        assert got[column] == pytest.approx(expected, abs=1e-6), (
            f"psi_by_feature['{column}'] should be the PSI of last week against the reference, {expected:.4f}"
        )
