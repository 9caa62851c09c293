"""Checks for the honest-split exercise: split_features_target(table, target, test_size, seed)."""

import numpy as np
import pandas as pd
import pytest

from grader import points

TARGET = "churned"  # not "target": the function must use the name it is given


def customers(rows: int = 200, churners: int = 20) -> pd.DataFrame:
    """A small table with a lopsided target; the churners sit at the top, so order matters."""
    rng = np.random.default_rng(42)
    return pd.DataFrame({
        "customer_id": [f"C{i:03d}" for i in range(rows)],
        "tenure_months": rng.integers(1, 60, size=rows),
        "plan": rng.choice(["basic", "pro"], size=rows),
        TARGET: [1] * churners + [0] * (rows - churners),
    })


def split(nb, table, **kwargs):
    split_features_target = nb.function("split_features_target")
    try:
        result = split_features_target(table, TARGET, **kwargs)
    except KeyError:
        # Almost always a fixed column name such as "target"; pandas' own message is cryptic.
        pytest.fail(
            f"split_features_target(table, '{TARGET}') raised KeyError: it looked for a column "
            f"that is not in the table. Here the target column is called '{TARGET}'; use the "
            "`target` argument instead of a fixed name."
        )
    assert isinstance(result, (tuple, list)) and len(result) == 4, (
        "split_features_target should return four things: X_train, X_test, y_train, y_test "
        f"(got {type(result).__name__})"
    )
    return result


def labels(pile) -> list[int]:
    """The answers of a pile as a plain list of whole numbers (whatever shape they came in)."""
    return [int(v) for v in np.asarray(pile).reshape(-1)]


@points(1, hint="test_size is a share of the rows: 0.25 of 200 rows is 50 test rows.")
def test_piles_have_the_requested_sizes(nb):
    """puts the requested share of rows in the test pile"""
    table = customers()
    for test_size, expected_test in [(0.25, 50), (0.2, 40)]:
        X_train, X_test, y_train, y_test = split(nb, table, test_size=test_size, seed=0)
        sizes = (len(X_train), len(X_test), len(y_train), len(y_test))
        expected = (200 - expected_test, expected_test, 200 - expected_test, expected_test)
        assert sizes == expected, (
            f"with 200 rows and test_size={test_size}, the four piles should have "
            f"{expected} rows (X_train, X_test, y_train, y_test)"
        )


@points(2, hint="Drop the target from the features with table.drop(columns=[target]); "
                "take the answers with table[target] (single brackets).")
def test_answer_is_not_among_the_features(nb):
    """keeps the target out of the features, and only the target in y"""
    X_train, X_test, y_train, y_test = split(nb, customers(), seed=0)
    for name, pile in [("X_train", X_train), ("X_test", X_test)]:
        assert isinstance(pile, pd.DataFrame), f"{name} should be a table (a DataFrame)"
        assert TARGET not in pile.columns, (
            f"{name} still contains the target column '{TARGET}': the model would read the answer. "
            "Use the column name passed as `target`, not a fixed name."
        )
        assert sorted(pile.columns) == ["customer_id", "plan", "tenure_months"], (
            f"{name} should keep every column except the target"
        )
    for name, pile in [("y_train", y_train), ("y_test", y_test)]:
        assert isinstance(pile, pd.Series), (
            f"{name} should be one column of answers (a Series, from table[target] with single "
            f"brackets), not a {type(pile).__name__}"
        )


@points(2, hint="Pass stratify=y to train_test_split.")
def test_split_is_stratified(nb):
    """keeps the same share of churners in both piles, whatever the seed"""
    table = customers()  # 10% churners
    for seed in range(5):
        _, _, y_train, y_test = split(nb, table, test_size=0.25, seed=seed)
        churners = (sum(labels(y_train)), sum(labels(y_test)))
        assert churners == (15, 5), (
            f"with seed={seed}, 10% of each pile should be churners: 15 of 150 training rows and "
            f"5 of 50 test rows (got {churners[0]} and {churners[1]})"
        )


@points(1, hint="Pass the seed on: random_state=seed, not a fixed number.")
def test_seed_makes_the_split_repeatable(nb):
    """gives the same split for the same seed, and a different one for another seed"""
    table = customers()
    first = list(split(nb, table, seed=3)[1]["customer_id"])
    again = list(split(nb, table, seed=3)[1]["customer_id"])
    other = list(split(nb, table, seed=4)[1]["customer_id"])
    assert first == again, "calling it twice with seed=3 should give exactly the same test rows"
    assert first != other, (
        "seed=3 and seed=4 gave the same test rows: the seed should decide the shuffle"
    )


@points(1, hint="Let one train_test_split call cut the whole table, so nothing is lost or copied.")
def test_every_row_lands_in_exactly_one_pile(nb):
    """puts every row in exactly one pile, none in both"""
    table = customers()
    X_train, X_test, _, _ = split(nb, table, seed=0)
    train_ids, test_ids = set(X_train["customer_id"]), set(X_test["customer_id"])
    both = sorted(train_ids & test_ids)
    assert not both, f"these rows are in both piles, so the test is not unseen: {both[:5]}"
    missing = sorted(set(table["customer_id"]) - train_ids - test_ids)
    assert not missing, f"these rows are in no pile: {missing[:5]}"


@points(1, hint="Split X and y in the same train_test_split call: train_test_split(X, y, ...).")
def test_each_answer_stays_with_its_row(nb):
    """keeps each answer next to its own row"""
    table = customers()
    answers = table.set_index("customer_id")[TARGET]
    X_train, X_test, y_train, y_test = split(nb, table, seed=1)
    for X, y, name in [(X_train, y_train, "train"), (X_test, y_test, "test")]:
        truth = labels(answers.loc[list(X["customer_id"])])
        assert labels(y) == truth, (
            f"in the {name} pile, the answers are not in the same order as the rows they belong "
            "to: split X and y together, in one call"
        )
