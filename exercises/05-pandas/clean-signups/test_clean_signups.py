"""Checks for the exercise "clean-signups": clean(df) turns a messy export into a tidy table."""

from __future__ import annotations

import io

import pandas as pd
import pandas.testing as pdt

from grader import points
from grader.tables import kind_of, table_problem

EXACT_TYPES = {  # column: (dtype names accepted, the words a learner reads)
    "user_id": ({"int64"}, "whole numbers (int64)"),
    "signup_date": (None, "dates (datetime64)"),
    "country": (None, "text"),
    "plan": (None, "text"),
    "monthly_spend": ({"float64"}, "decimal numbers (float64)"),
    "is_trial": ({"bool"}, "True/False values (bool)"),
}


def reference_clean(raw: pd.DataFrame) -> pd.DataFrame:
    """The rules of the notebook, step by step."""
    df = raw.dropna(subset=["user_id"]).copy()
    df["user_id"] = df["user_id"].astype("int64")
    df = df.drop_duplicates(subset="user_id", keep="first")
    df["signup_date"] = pd.to_datetime(df["signup_date"])
    df["country"] = df["country"].fillna("Unknown").str.strip().str.title()
    money = df["monthly_spend"].str.replace("$", "", regex=False).str.replace(",", "", regex=False)
    df["monthly_spend"] = money.astype(float).fillna(0.0)
    df["is_trial"] = df["is_trial"].map({"yes": True, "no": False}).astype(bool)
    return df.reset_index(drop=True)


def read(text: str) -> pd.DataFrame:
    """A tiny export, read exactly as read_csv reads signups_raw.csv."""
    return pd.read_csv(io.StringIO(text.strip()))


HEADER = "user_id,signup_date,country,plan,monthly_spend,is_trial\n"


def cleaned_small(clean, raw: pd.DataFrame) -> pd.DataFrame:
    """clean(raw) on a tiny export without repeats or blank ids: the same number of rows comes back."""
    got = clean(raw)
    assert isinstance(got, pd.DataFrame), (
        f"clean(df) should return a table (a DataFrame), but it returned {type(got).__name__}")
    assert len(got) == len(raw), (
        f"on a small table of {len(raw)} rows, all with different ids, clean(df) should return "
        f"{len(raw)} rows, but it returned {len(got)}: does clean work on the table df it is given?")
    return got


def wrong_types(table: pd.DataFrame) -> list[str]:
    problems = []
    for column, (names, words) in EXACT_TYPES.items():
        if column not in table.columns:
            problems.append(f"the column '{column}' is missing")
            continue
        dtype = table[column].dtype
        if names is not None:
            ok = str(dtype) in names
        elif column == "signup_date":
            ok = pd.api.types.is_datetime64_any_dtype(dtype)
        else:
            ok = kind_of(table[column]) == "text"
        if not ok:
            problems.append(f"'{column}' should hold {words} but holds {dtype}")
    return problems


@points(2, hint="Drop the rows without a user_id, then keep only the first row of each user_id.")
def test_keeps_one_row_per_user_with_an_id(nb):
    """on signups_raw.csv, keeps exactly one row per user who has an id"""
    clean = nb.function("clean")
    raw = pd.read_csv(nb.exercise_dir / "signups_raw.csv")
    got = clean(raw)
    assert isinstance(got, pd.DataFrame), (
        f"clean(df) should return a table (a DataFrame), but it returned {type(got).__name__}")
    expected = len(reference_clean(raw))
    assert len(got) == expected, (
        f"the cleaned signups_raw.csv should have {expected} rows (one per user with an id), "
        f"but it has {len(got)}")


@points(2, hint="Check signups.dtypes: every column should say int64, datetime64, str, float64 "
                "or bool as the rules ask.")
def test_every_column_has_the_right_type(nb):
    """every column holds the right kind of values: whole numbers, dates, text, decimals, True/False"""
    clean = nb.function("clean")
    got = clean(pd.read_csv(nb.exercise_dir / "signups_raw.csv"))
    assert isinstance(got, pd.DataFrame), (
        f"clean(df) should return a table (a DataFrame), but it returned {type(got).__name__}")
    problems = wrong_types(got)
    assert not problems, "some columns have the wrong type: " + "; ".join(problems)


@points(2, hint="Go through the seven rules one at a time and compare your table with them.")
def test_whole_table_matches_the_reference(nb):
    """on signups_raw.csv, every value is the same as in the reference cleaning"""
    clean = nb.function("clean")
    raw = pd.read_csv(nb.exercise_dir / "signups_raw.csv")
    problem = table_problem(clean(raw), reference_clean(raw), "the cleaned signups_raw.csv")
    assert problem is None, problem


@points(1, hint="Remove \"$\" and \",\" with .str.replace(..., regex=False) before converting to "
                "float, then fill the blanks with 0.0.")
def test_money_text_becomes_numbers(nb):
    """turns "$1,250.00" into 1250.0, "$29.00" into 29.0 and a blank spend into 0.0"""
    clean = nb.function("clean")
    raw = read(HEADER + """
1,2024-01-03,France,team,"$1,250.00",no
2,2024-01-04,France,pro,$29.00,no
3,2024-01-05,France,free,,no
""")
    got = cleaned_small(clean, raw)
    spend = [float(v) for v in got["monthly_spend"]]
    assert spend == [1250.0, 29.0, 0.0], (
        f"monthly_spend should be [1250.0, 29.0, 0.0] for \"$1,250.00\", \"$29.00\" and a blank, "
        f"but it is {spend}")


@points(1, hint="astype(bool) turns every non-empty text into True, \"no\" included; use "
                ".map({\"yes\": True, \"no\": False}).")
def test_no_means_false(nb):
    """reads is_trial "yes" as True and "no" as False"""
    clean = nb.function("clean")
    raw = read(HEADER + """
1,2024-01-03,Kenya,pro,$29.00,yes
2,2024-01-04,Kenya,pro,$29.00,no
3,2024-01-05,Kenya,pro,$29.00,no
""")
    trial = list(cleaned_small(clean, raw)["is_trial"])
    assert trial == [True, False, False], (
        f"is_trial should be [True, False, False] for \"yes\", \"no\", \"no\", but it is {trial}")


@points(1, hint="drop_duplicates(subset=\"user_id\", keep=\"first\") keeps the first row of each "
                "id even when the copies are spelled differently.")
def test_a_repeated_user_keeps_its_first_row(nb):
    """a user sent twice, spelled differently, keeps only the first row, cleaned"""
    clean = nb.function("clean")
    raw = read(HEADER + """
7,2024-02-01, brazil,pro,$29.00,no
8,2024-02-02,,free,,yes
7,2024-02-01,BRAZIL ,pro,$29.00,no
""")
    got = clean(raw)
    expected = pd.DataFrame({"user_id": [7, 8], "country": ["Brazil", "Unknown"]})
    problem = table_problem(got[["user_id", "country"]].reset_index(drop=True), expected,
                            "the user_id and country columns of the cleaned table")
    assert problem is None, problem


@points(1, hint="Start clean with df = df.copy(), and avoid inplace=True on the table you were "
                "given.")
def test_leaves_the_table_it_was_given_unchanged(nb):
    """cleaning raw does not change raw itself (the notebook can be run again)"""
    nb.function("clean")(read(HEADER + "1,2024-01-03,France,pro,$29.00,no"))
    original = pd.read_csv(nb.exercise_dir / "signups_raw.csv")
    after = nb.value("raw")
    try:
        pdt.assert_frame_equal(after, original)
        change = ""
    except AssertionError:
        change = (f"it now has {len(after)} rows instead of {len(original)}"
                  if len(after) != len(original) else "some of its values changed")
    assert not change, (
        "after signups = clean(raw), the table raw should still be exactly what read_csv gave, "
        f"but clean changed it: {change}")
