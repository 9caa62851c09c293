"""Checks for the exercise "monthly-revenue": a monthly revenue table from raw orders."""

from __future__ import annotations

import pandas as pd

from grader import points
from grader.tables import table_problem

COLUMNS = ["order_id", "order_date", "customer_id", "product", "quantity", "unit_price", "status"]


def reference_table(orders: pd.DataFrame) -> pd.DataFrame:
    """The finance team's reference: completed orders only, one row per month."""
    done = orders[orders["status"] == "completed"]
    per_order = pd.DataFrame({
        "month": pd.to_datetime(done["order_date"]).dt.strftime("%Y-%m"),
        "amount": done["quantity"] * done["unit_price"],
    })
    table = per_order.groupby("month").agg(orders=("amount", "size"), revenue=("amount", "sum"))
    return table.reset_index()


def orders_table(*rows: tuple) -> pd.DataFrame:
    """A tiny orders table shaped like orders.csv (dates as text, as read_csv gives them)."""
    return pd.DataFrame(list(rows), columns=COLUMNS)


@points(3, hint="Compare your table with the rules in the notebook one by one: which rows count, "
                "what one order is worth, how the months are written.")
def test_table_matches_the_reference(nb):
    """on the whole orders.csv, your table is the same as the finance team's, month by month"""
    monthly_revenue = nb.function("monthly_revenue")
    orders = pd.read_csv(nb.exercise_dir / "orders.csv")
    problem = table_problem(monthly_revenue(orders), reference_table(orders),
                            "the table for orders.csv")
    assert problem is None, problem


@points(2, hint="Keep only the rows whose status is exactly \"completed\" before you group.")
def test_leaves_out_cancelled_and_refunded_orders(nb):
    """counts only completed orders: cancelled and refunded ones bring in no money"""
    monthly_revenue = nb.function("monthly_revenue")
    orders = orders_table(
        (1, "2024-03-04", 7, "Pro plan", 1, 29.0, "completed"),
        (2, "2024-03-09", 8, "Team plan", 1, 99.0, "cancelled"),
        (3, "2024-03-15", 9, "Team plan", 2, 99.0, "refunded"),
    )
    expected = pd.DataFrame({"month": ["2024-03"], "orders": [1], "revenue": [29.0]})
    problem = table_problem(monthly_revenue(orders), expected,
                            "the table for one completed, one cancelled and one refunded order")
    assert problem is None, problem


@points(1, hint="An order of 3 plans at $29 is worth 3 * 29: multiply quantity by unit_price.")
def test_an_order_is_worth_quantity_times_price(nb):
    """an order of 3 Pro plans at $29 counts as $87 of revenue"""
    monthly_revenue = nb.function("monthly_revenue")
    orders = orders_table(
        (1, "2024-01-10", 7, "Pro plan", 3, 29.0, "completed"),
        (2, "2024-01-20", 8, "API credits", 10, 4.5, "completed"),
    )
    expected = pd.DataFrame({"month": ["2024-01"], "orders": [2], "revenue": [87.0 + 45.0]})
    problem = table_problem(monthly_revenue(orders), expected,
                            "the table for 3 Pro plans and 10 API credits in January")
    assert problem is None, problem


@points(1, hint="Group by a month label such as \"2024-01\" (dt.strftime(\"%Y-%m\")), not by the "
                "full date.")
def test_orders_on_different_days_share_their_month(nb):
    """puts orders from different days of the same month in one row"""
    monthly_revenue = nb.function("monthly_revenue")
    orders = orders_table(
        (1, "2024-02-01", 7, "Starter plan", 1, 9.0, "completed"),
        (2, "2024-02-14", 8, "Starter plan", 1, 9.0, "completed"),
        (3, "2024-02-29", 9, "Starter plan", 2, 9.0, "completed"),
    )
    expected = pd.DataFrame({"month": ["2024-02"], "orders": [3], "revenue": [36.0]})
    problem = table_problem(monthly_revenue(orders), expected,
                            "the table for three orders on three days of February")
    assert problem is None, problem


@points(1, hint="Write months year first (\"2023-12\"), so that sorting the text sorts by time, "
                "and renumber the rows with reset_index.")
def test_months_run_oldest_first_across_new_year(nb):
    """sorts December 2023 before January 2024, whatever the order of the rows"""
    monthly_revenue = nb.function("monthly_revenue")
    orders = orders_table(
        (1, "2024-01-05", 7, "Pro plan", 1, 29.0, "completed"),
        (2, "2023-12-30", 8, "Starter plan", 1, 9.0, "completed"),
        (3, "2024-01-02", 9, "Starter plan", 1, 9.0, "completed"),
    )
    expected = pd.DataFrame({"month": ["2023-12", "2024-01"], "orders": [1, 2],
                             "revenue": [9.0, 38.0]})
    problem = table_problem(monthly_revenue(orders), expected,
                            "the table for orders in December 2023 and January 2024")
    assert problem is None, problem
