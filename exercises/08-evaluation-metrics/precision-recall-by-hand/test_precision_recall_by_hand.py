"""Checks for precision-recall-by-hand: confusion_counts, precision and recall, without sklearn."""

import numpy as np
import pytest
from sklearn.metrics import precision_score, recall_score

from grader import points

EXAMPLE_TRUE = [1, 1, 0, 0, 1, 0]
EXAMPLE_PRED = [1, 0, 1, 0, 1, 0]


def random_cases():
    """Seeded cases of different sizes and shares of positives, as plain lists of 0 and 1."""
    rng = np.random.default_rng(8)
    for size, share in [(10, 0.5), (37, 0.2), (100, 0.1), (250, 0.35), (500, 0.05)]:
        y_true = (rng.random(size) < share).astype(int)
        y_pred = np.where(rng.random(size) < 0.7, y_true, 1 - y_true)  # right 70% of the time
        yield [int(v) for v in y_true], [int(v) for v in y_pred]


def as_number(value, what):
    assert isinstance(value, (int, float)) and not isinstance(value, bool), (
        f"{what} should return a number, not {type(value).__name__}"
    )
    return float(value)


@points(2, hint="Loop over zip(y_true, y_pred) and add 1 to the right box for each pair.")
def test_counts_the_four_boxes(nb):
    """counts true and false positives and negatives"""
    confusion_counts = nb.function("confusion_counts")
    got = confusion_counts(EXAMPLE_TRUE, EXAMPLE_PRED)
    assert got == {"tp": 2, "fp": 1, "fn": 1, "tn": 2}, (
        f"for y_true={EXAMPLE_TRUE} and y_pred={EXAMPLE_PRED}, expected 2 caught (tp), 1 false "
        "alarm (fp), 1 miss (fn) and 2 correctly left alone (tn)"
    )
    got = confusion_counts([1, 1, 1], [0, 0, 0])
    assert got == {"tp": 0, "fp": 0, "fn": 3, "tn": 0}, (
        "a model that flags nobody, on three real positives, has 3 misses and nothing else"
    )


@points(1, hint="precision = TP / (TP + FP): of the rows the model flagged, how many are real.")
def test_precision_equals_scikit_learn(nb):
    """precision equals scikit-learn's precision_score"""
    precision = nb.function("precision")
    for y_true, y_pred in random_cases():
        expected = float(precision_score(y_true, y_pred, zero_division=0))
        got = as_number(precision(y_true, y_pred), "precision")
        assert got == pytest.approx(expected, abs=1e-12), (
            f"on {len(y_true)} rows, precision should be {expected:.4f} like scikit-learn's"
            + (" (that is the recall: did you swap FP and FN?)"
               if got == pytest.approx(recall_score(y_true, y_pred, zero_division=0)) else "")
        )


@points(1, hint="recall = TP / (TP + FN): of the real positives, how many the model flagged.")
def test_recall_equals_scikit_learn(nb):
    """recall equals scikit-learn's recall_score"""
    recall = nb.function("recall")
    for y_true, y_pred in random_cases():
        expected = float(recall_score(y_true, y_pred, zero_division=0))
        got = as_number(recall(y_true, y_pred), "recall")
        assert got == pytest.approx(expected, abs=1e-12), (
            f"on {len(y_true)} rows, recall should be {expected:.4f} like scikit-learn's"
            + (" (that is the precision: did you swap FP and FN?)"
               if got == pytest.approx(precision_score(y_true, y_pred, zero_division=0)) else "")
        )


@points(1, hint="Before dividing, check whether the bottom of the fraction is 0; if so, return 0.0.")
def test_gives_zero_instead_of_dividing_by_zero(nb):
    """returns 0.0 when nothing is flagged or nothing is positive"""
    precision, recall = nb.function("precision"), nb.function("recall")
    try:
        flagged_nobody = precision([1, 0, 1, 0], [0, 0, 0, 0])
        no_positives = recall([0, 0, 0, 0], [1, 0, 0, 0])
    except ZeroDivisionError:
        pytest.fail("your function divided by zero: when the model flags nobody (precision) or "
                    "there are no real positives (recall), return 0.0 as scikit-learn does")
    assert flagged_nobody == 0.0, "precision should be 0.0 when the model flags nobody"
    assert no_positives == 0.0, "recall should be 0.0 when there are no real positives"


@points(1, hint="Compare with == 1 and == 0 (True == 1 in Python), and do not assume a list.")
def test_accepts_booleans_and_arrays(nb):
    """accepts True/False answers and numpy arrays as well as lists"""
    confusion_counts = nb.function("confusion_counts")
    booleans = confusion_counts([True, True, False, False], [True, False, True, False])
    assert booleans == {"tp": 1, "fp": 1, "fn": 1, "tn": 1}, (
        "with True/False answers, True counts as 1 and False as 0: expected one of each box"
    )
    arrays = confusion_counts(np.array(EXAMPLE_TRUE), np.array(EXAMPLE_PRED))
    assert arrays == {"tp": 2, "fp": 1, "fn": 1, "tn": 2}, (
        "numpy arrays should give the same counts as lists"
    )


@points(1, hint="zip() silently stops at the shorter input: compare len(y_true) and len(y_pred) first.")
def test_refuses_inputs_of_different_lengths(nb):
    """refuses answers and predictions of different lengths with a ValueError"""
    confusion_counts = nb.function("confusion_counts")
    with pytest.raises(ValueError):
        result = confusion_counts([1, 0, 1], [1, 0])
        pytest.fail(f"confusion_counts([1, 0, 1], [1, 0]) should raise ValueError, but it "
                    f"returned {result!r}: one real answer was silently ignored")


@points(1, hint="Count the boxes yourself inside your functions; use scikit-learn only to compare.")
def test_computes_by_counting_not_with_scikit_learn(nb):
    """computes the numbers itself, without calling scikit-learn"""
    nb.function("precision")(EXAMPLE_TRUE, EXAMPLE_PRED)  # "not attempted" while still `...`
    nb.function("recall")(EXAMPLE_TRUE, EXAMPLE_PRED)
    for name in ["confusion_counts", "precision", "recall"]:
        modules = nb.eval(
            f"[getattr({name}.__globals__.get(n), '__module__', '') or '' "
            f"for n in {name}.__code__.co_names]"
        )
        names = nb.eval(f"list({name}.__code__.co_names)")  # catches `import sklearn` inside too
        borrowed = [m for m in [*modules, *names] if "sklearn" in str(m)]
        assert not borrowed, (
            f"`{name}` calls scikit-learn ({borrowed[0]}); write the counting yourself and keep "
            "scikit-learn for checking your answers"
        )
