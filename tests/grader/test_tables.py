"""The plain-words table comparison that pandas exercises' checks share."""

from __future__ import annotations

import pandas as pd

from grader.tables import table_problem

EXPECTED = pd.DataFrame({"month": ["2026-01", "2026-02"], "revenue": [10.0, 12.5]})


def test_when_tables_match_then_there_is_no_problem():
    assert table_problem(EXPECTED.copy(), EXPECTED, "your table") is None


def test_when_a_column_became_the_index_then_reset_index_is_suggested():
    problem = table_problem(EXPECTED.set_index("month"), EXPECTED, "your table")
    assert problem == (
        "your table should have the column 'month', but 'month' is its index (the row labels); "
        ".reset_index() turns it back into a column"
    )


def test_when_one_cell_differs_then_the_row_and_both_values_are_named():
    wrong = EXPECTED.assign(revenue=[10.0, 13.0])
    assert table_problem(wrong, EXPECTED, "your table") == (
        "the column 'revenue' differs in row 1 (month '2026-02'): expected 12.5, got 13.0"
    )


def test_when_it_is_not_a_table_then_that_is_said_first():
    assert table_problem([1, 2], EXPECTED, "your table") == (
        "your table should be a pandas DataFrame (a table), but it is list"
    )
