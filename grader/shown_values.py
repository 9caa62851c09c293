"""How a value a check got appears in a report: short, and a table summarised, never dumped.

A DataFrame's repr is dozens of lines that push the report off the screen; its shape, columns and
first rows say what a learner needs. pandas is looked up, not imported: a value can only be a
table if the wire already imported pandas to decode it.
"""

from __future__ import annotations

import sys
from typing import Any

from grader.wire import repr_limited

FIRST_ROWS = 3


def summarise(value: Any, limit: int = 300) -> str:
    """`repr` of `value` within `limit` characters; a DataFrame or Series as its shape and first rows."""
    pd = sys.modules.get("pandas")
    if pd is not None and isinstance(value, pd.DataFrame):
        rows, columns = value.shape
        names = ", ".join(map(str, value.columns[:8])) + (", …" if columns > 8 else "")
        return f"a table of {_count(rows, 'row')} and {_count(columns, 'column')} ({names})" + _first_rows(value, rows)
    if pd is not None and isinstance(value, pd.Series):
        named = f" '{value.name}'" if value.name is not None else ""
        return f"a column{named} of {_count(len(value), 'value')}" + _first_rows(value, len(value))
    return repr_limited(value, limit)


def short(value: Any, limit: int = 60) -> str:
    """`value` in a few words, for a line such as `clean(a table of 3 rows and 2 columns) raised ...`."""
    pd = sys.modules.get("pandas")
    if pd is not None and isinstance(value, pd.DataFrame):
        return f"a table of {_count(value.shape[0], 'row')} and {_count(value.shape[1], 'column')}"
    if pd is not None and isinstance(value, pd.Series):
        return f"a column of {_count(len(value), 'value')}"
    return repr_limited(value, limit)


def _first_rows(table: Any, count: int) -> str:
    if count == 0:
        return ""
    shown = "first rows" if count > FIRST_ROWS else ("its row" if count == 1 else "its rows")
    try:
        text = table.head(FIRST_ROWS).to_string(max_colwidth=30)
    except Exception:  # a table holding values that cannot be shown is still summarised
        return ""
    return f", {shown}:\n" + "\n".join(text.splitlines()[: FIRST_ROWS + 2])


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")
