"""Checks for the exercise "tidy-join": a wide usage export, tidied and joined to the accounts."""

from __future__ import annotations

import numpy as np
import pandas as pd

from grader import points
from grader.tables import table_problem

COLUMNS = ["account_id", "month", "calls", "company", "plan"]


def reference_usage(usage_wide: pd.DataFrame, accounts: pd.DataFrame) -> pd.DataFrame:
    """The rules of the notebook: melt, drop the blank cells, left join, sort."""
    usage = usage_wide.melt(id_vars="account_id", var_name="month", value_name="calls")
    usage = usage.dropna(subset=["calls"])
    usage["calls"] = usage["calls"].astype("int64")
    table = usage.merge(accounts, on="account_id", how="left")
    return table.sort_values(["account_id", "month"]).reset_index(drop=True)[COLUMNS]


def shipped(nb) -> tuple[pd.DataFrame, pd.DataFrame]:
    return (pd.read_csv(nb.exercise_dir / "usage_wide.csv"),
            pd.read_csv(nb.exercise_dir / "accounts.csv"))


def small_accounts(*rows: tuple) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=["account_id", "company", "plan"])


@points(3, hint="Count the rows after each step: melt, drop the blanks in calls only, then a "
                "left join with the usage table on the left.")
def test_table_matches_the_reference(nb):
    """on the two shipped files, your table is the same as the reference, row by row"""
    tidy_usage = nb.function("tidy_usage")
    usage_wide, accounts = shipped(nb)
    problem = table_problem(tidy_usage(usage_wide, accounts),
                            reference_usage(usage_wide, accounts),
                            "the tidy table for usage_wide.csv and accounts.csv")
    assert problem is None, problem


@points(1, hint="Each non-blank cell of usage_wide.csv is one row of the answer: no more, no less.")
def test_one_row_per_filled_cell(nb):
    """on the shipped files, one row per filled cell of usage_wide.csv: none lost, none invented"""
    tidy_usage = nb.function("tidy_usage")
    usage_wide, accounts = shipped(nb)
    got = tidy_usage(usage_wide, accounts)
    assert isinstance(got, pd.DataFrame), (
        f"tidy_usage should return a table (a DataFrame), but it returned {type(got).__name__}")
    expected = int(usage_wide.drop(columns="account_id").notna().sum().sum())
    assert len(got) == expected, (
        f"usage_wide.csv has {expected} filled cells (account and month with calls), so the "
        f"tidy table should have {expected} rows, but it has {len(got)}")


@points(2, hint="An inner join (the default of merge) drops the accounts missing from the CRM; "
                "use how=\"left\", and drop blanks only in the calls column.")
def test_keeps_an_account_missing_from_the_crm(nb):
    """keeps the usage of an account the accounts table does not know, with a blank company"""
    tidy_usage = nb.function("tidy_usage")
    usage_wide = pd.DataFrame({"account_id": ["X1", "X2"], "2024-05": [10.0, 20.0]})
    accounts = small_accounts(("X1", "Acme", "pro"))
    expected = pd.DataFrame({"account_id": ["X1", "X2"], "month": ["2024-05", "2024-05"],
                             "calls": [10, 20], "company": ["Acme", np.nan],
                             "plan": ["pro", np.nan]})
    problem = table_problem(tidy_usage(usage_wide, accounts), expected,
                            "the tidy table when account X2 is missing from accounts")
    assert problem is None, problem


@points(1, hint="Join usage to accounts (usage on the left), not the other way round, and not "
                "with how=\"outer\".")
def test_leaves_out_an_account_without_usage(nb):
    """an account that never used the API does not appear"""
    tidy_usage = nb.function("tidy_usage")
    usage_wide = pd.DataFrame({"account_id": ["X1"], "2024-05": [10.0], "2024-06": [12.0]})
    accounts = small_accounts(("X1", "Acme", "pro"), ("X3", "Globex", "team"))
    got = tidy_usage(usage_wide, accounts)
    ids = sorted(set(got["account_id"].tolist()))
    assert ids == ["X1"], (
        f"only X1 used the API, so the table should only hold account X1, but it holds {ids}")


@points(1, hint="After melt, dropna(subset=[\"calls\"]), then astype(\"int64\") on calls.")
def test_blank_cells_are_left_out_and_calls_are_whole_numbers(nb):
    """a blank month (not a customer yet) is left out, and calls are whole numbers"""
    tidy_usage = nb.function("tidy_usage")
    usage_wide = pd.DataFrame({"account_id": ["X1", "X2"], "2024-05": [np.nan, 7.0],
                               "2024-06": [30.0, 9.0]})
    accounts = small_accounts(("X1", "Acme", "pro"), ("X2", "Globex", "team"))
    expected = pd.DataFrame({"account_id": ["X1", "X2", "X2"],
                             "month": ["2024-06", "2024-05", "2024-06"], "calls": [30, 7, 9],
                             "company": ["Acme", "Globex", "Globex"],
                             "plan": ["pro", "team", "team"]})
    problem = table_problem(tidy_usage(usage_wide, accounts), expected,
                            "the tidy table when X1 has a blank May")
    assert problem is None, problem
