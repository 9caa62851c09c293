"""Plain-words comparison of two tables, for checks of exercises that produce pandas DataFrames.

`table_problem(got, expected, "your table")` says, the way the course's lessons speak, the first
way `got` differs from `expected` (not a table, columns, row count, row numbering, the kind of
values in a column, the first differing cell), or None when they are the same table.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pandas.testing as pdt


def kind_of(column: pd.Series) -> str:
    """The kind of values a column holds, in the words the lessons use."""
    if pd.api.types.is_bool_dtype(column):
        return "True/False values"
    if pd.api.types.is_integer_dtype(column):
        return "whole numbers"
    if pd.api.types.is_float_dtype(column):
        return "decimal numbers"
    if pd.api.types.is_datetime64_any_dtype(column):
        return "dates"
    if isinstance(column.dtype, pd.PeriodDtype):
        return "pandas Period values, not text"
    if pd.api.types.is_string_dtype(column) or column.map(lambda v: isinstance(v, str)).all():
        return "text"
    return f"values of type {column.dtype}"


def table_problem(got: Any, expected: pd.DataFrame, name: str) -> str | None:
    """Say in plain words how `got` differs from `expected`; None when they are the same table."""
    if not isinstance(got, pd.DataFrame):
        return f"{name} should be a pandas DataFrame (a table), but it is {type(got).__name__}"
    if list(got.columns) != list(expected.columns):
        in_index = [c for c in expected.columns if c in (got.index.names or [])]
        if in_index:
            return (
                f"{name} should have the column '{in_index[0]}', but '{in_index[0]}' is its "
                f"index (the row labels); .reset_index() turns it back into a column"
            )
        return f"{name} should have the columns {list(expected.columns)}, in that order, but it has {list(got.columns)}"
    if len(got) != len(expected):
        rows = "row" if len(expected) == 1 else "rows"
        return f"{name} should have {len(expected)} {rows}, but it has {len(got)}"
    labels = got.index.tolist()
    if labels != list(range(len(got))):
        row = next(i for i, label in enumerate(labels) if label != i)
        return (
            f"the rows of {name} should be numbered 0, 1, 2, ... without gaps, but row {row} "
            f"is numbered {labels[row]!r}; .reset_index(drop=True) renumbers them"
        )
    for column in expected.columns:
        want, have = kind_of(expected[column]), kind_of(got[column])
        numbers = {"whole numbers", "decimal numbers"}
        if want != have and not (want == "decimal numbers" and have in numbers):
            return f"the column '{column}' should hold {want}, but it holds {have}"
        mine = got[column].reset_index(drop=True)
        theirs = expected[column].reset_index(drop=True)
        try:
            pdt.assert_series_equal(mine, theirs, check_dtype=False, check_names=False, check_exact=False, rtol=1e-6)
        except AssertionError:
            for row, (a, b) in enumerate(zip(mine.tolist(), theirs.tolist(), strict=True)):
                same = (pd.isna(a) and pd.isna(b)) or (
                    not pd.isna(a) and not pd.isna(b) and (np.isclose(a, b) if want in numbers else a == b)
                )
                if not same:
                    first = expected.columns[0]
                    where = (
                        f"row {row}" if column == first else (f"row {row} ({first} {expected[first].tolist()[row]!r})")
                    )
                    return f"the column '{column}' differs in {where}: expected {b!r}, got {a!r}"
            return f"the column '{column}' differs from the expected values"
    return None
