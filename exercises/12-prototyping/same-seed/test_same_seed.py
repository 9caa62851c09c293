"""Checks for same-seed: a seeded split and a seeded model, the same for the same seed.

The checks call the learner's split and train with several seeds, compare the rows each split picks
(by customer_id) and the probabilities each model gives on the same test rows, and compare with a
reference pipeline built here, in the grader's process, from the exercise's customers.csv.
"""

from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline

from grader import LearnerError, points

FEATURES = ["tenure_months", "monthly_spend", "support_tickets", "days_since_login"]
TARGET = "churned"


@cache
def customers():
    return pd.read_csv(Path(__file__).parent / "customers.csv")


@cache
def reference_split(seed):
    return train_test_split(customers(), test_size=0.25, random_state=seed, stratify=customers()[TARGET])


def call(nb, name, *args):
    function = nb.function(name)
    try:
        return function(*args)
    except LearnerError as error:
        where = f" at the line `{error.line}`" if error.line else ""
        shown = ", ".join("customers" if isinstance(a, pd.DataFrame) else repr(a) for a in args)
        pytest.fail(f"{name}({shown}) raised {type(error).__name__}{where}: {error}")


_first_answers = {}  # the first answer for each call, reused by later checks to keep grading quick


def learner_split(nb, seed, again=False):
    """The learner's split(customers, seed), checked to be two tables (the first answer, unless again)."""
    if not again and ("split", seed) in _first_answers:
        return _first_answers[("split", seed)]
    result = call(nb, "split", customers(), seed)
    assert isinstance(result, tuple | list) and len(result) == 2, (
        f"split should return two tables, (train_df, test_df); it returned {type(result).__name__}"
    )
    train_df, test_df = result
    assert isinstance(train_df, pd.DataFrame) and isinstance(test_df, pd.DataFrame), (
        "split should return two DataFrames, (train_df, test_df)"
    )
    assert "customer_id" in test_df.columns, "the tables split returns should keep every column of df"
    _first_answers.setdefault(("split", seed), (train_df, test_df))
    return train_df, test_df


def probabilities(nb, seed, train_df, test_df, again=False):
    """The churn probabilities that the learner's train(train_df, seed) gives on test_df (the
    reference split for that seed; the first answer, unless again)."""
    if not again and ("train", seed) in _first_answers:
        return _first_answers[("train", seed)]
    model = call(nb, "train", train_df, seed)
    try:
        answer = np.asarray(model.predict_proba(test_df[FEATURES]))[:, 1]
        _first_answers.setdefault(("train", seed), answer)
        return answer
    except LearnerError as error:
        pytest.fail(f"train should return a fitted model; calling its predict_proba raised "
                    f"{type(error).__name__}: {error}")
    except AttributeError:
        pytest.fail("train should return the fitted Pipeline (a model with predict_proba); "
                    f"it returned {model!r:.80}")


@points(1, hint="Pass random_state=seed to train_test_split.")
def test_split_is_the_same_for_the_same_seed(nb):
    """split with the same seed picks the same test rows every time"""
    _, first = learner_split(nb, 3)
    _, second = learner_split(nb, 3, again=True)
    same_rows = list(first["customer_id"]) == list(second["customer_id"])
    assert same_rows, (
        "calling split(customers, 3) twice should pick exactly the same test rows, in the same order; "
        "it picked different ones (is random_state set to the seed?)"
    )


@points(2, hint="train_test_split(df, test_size=0.25, random_state=seed, stratify=df['churned'])")
def test_split_keeps_a_quarter_and_the_share_of_churners(nb):
    """split keeps 25% of the rows for testing, uses every row once, and keeps the share of churners"""
    train_df, test_df = learner_split(nb, 3)
    assert (len(train_df), len(test_df)) == (750, 250), (
        f"with 1000 customers and test_size=0.25, split should give 750 training and 250 test rows; "
        f"it gave {len(train_df)} and {len(test_df)}"
    )
    train_ids, test_ids = set(train_df["customer_id"]), set(test_df["customer_id"])
    assert not train_ids & test_ids, (
        f"{len(train_ids & test_ids)} customers are in both tables; each row belongs to one side only"
    )
    assert len(train_ids | test_ids) == 1000, "together, the two tables should hold all 1000 customers"
    _, expected_test = reference_split(3)
    same_rows = set(expected_test["customer_id"]) == test_ids
    churners, expected_churners = int(test_df[TARGET].sum()), int(expected_test[TARGET].sum())
    if abs(churners - expected_churners) > 1:  # a stratified split is off by one at most
        why = (f"its test rows hold {churners} churners instead of about {expected_churners}: is "
               "stratify set to the churned column?")
    else:
        why = ("is random_state set to the seed it is given (here 3), and stratify to the churned "
               "column?")
    assert same_rows, (
        "split(customers, 3) should pick the same test rows as train_test_split(df, test_size=0.25, "
        f"random_state=3, stratify=df['churned']); {why}"
    )


@points(1, hint="Use the seed argument, not a fixed number such as 42.")
def test_split_depends_on_the_seed(nb):
    """a different seed picks different test rows"""
    _, with_3 = learner_split(nb, 3)
    _, with_4 = learner_split(nb, 4)
    assert set(with_3["customer_id"]) != set(with_4["customer_id"]), (
        "split(customers, 3) and split(customers, 4) picked the same test rows: the seed should "
        "decide the split (random_state=seed), not a number of your own"
    )


@points(2, hint="Pass random_state=seed to RandomForestClassifier.")
def test_train_gives_the_same_model_for_the_same_seed(nb):
    """train with the same seed, on the same rows, gives a model with the same predictions"""
    train_df, test_df = reference_split(5)
    first = probabilities(nb, 5, train_df, test_df)
    second = probabilities(nb, 5, train_df, test_df, again=True)
    assert np.array_equal(first, second), (
        "two models trained with seed 5 on the same rows should give exactly the same probabilities; "
        f"{int(np.sum(first != second))} of the 250 test customers got different ones "
        "(is the forest's random_state set to the seed?)"
    )


@points(1, hint="Use the seed argument, not a fixed number such as 42.")
def test_train_depends_on_the_seed(nb):
    """a different seed grows a different forest"""
    train_df, test_df = reference_split(5)
    with_5 = probabilities(nb, 5, train_df, test_df)
    with_6 = probabilities(nb, 6, train_df, test_df)
    assert not np.array_equal(with_5, with_6), (
        "models trained with seeds 5 and 6 gave exactly the same probabilities: the seed should "
        "decide the forest (random_state=seed), not a number of your own"
    )


@points(1, hint="Two steps: ('impute', SimpleImputer(strategy='median')), then the forest with n_estimators=50.")
def test_train_follows_the_recipe(nb):
    """train builds the model asked for: a median imputer, then 50 trees, on the FEATURES columns"""
    train_df, test_df = reference_split(5)
    reference = Pipeline([("impute", SimpleImputer(strategy="median")),
                          ("forest", RandomForestClassifier(n_estimators=50, random_state=5))])
    reference.fit(train_df[FEATURES], train_df[TARGET])
    expected = reference.predict_proba(test_df[FEATURES])[:, 1]
    got = probabilities(nb, 5, train_df, test_df)
    assert np.allclose(got, expected), (
        "with seed 5, train should give the same model as Pipeline([SimpleImputer(strategy='median'), "
        "RandomForestClassifier(n_estimators=50, random_state=5)]) fitted on the FEATURES columns; "
        f"its probabilities differ for {int(np.sum(~np.isclose(got, expected)))} of 250 test customers"
    )
