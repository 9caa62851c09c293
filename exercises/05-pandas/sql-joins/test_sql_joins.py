"""Checks for the exercise "sql-joins": three questions answered with SQL on databases the learner
has not seen.

Each check builds a fresh, small shop database inside the learner's Python (in memory, so the
sandbox allows it), calls the learner's function on it, and compares the answer with a reference
computed here with pandas. When the answer equals the one a classic mistake gives (NULL dropped by
`!=`, an INNER JOIN, COUNT(*) after a LEFT JOIN, a join that repeats orders), the message names it.
"""

from __future__ import annotations

import math
from numbers import Number

import numpy as np
import pandas as pd

from grader import points
from grader.tables import table_problem

CUSTOMERS = ["customer_id", "name", "country"]
ORDERS = ["order_id", "customer_id", "order_date", "amount", "coupon"]
REFUNDS = ["refund_id", "order_id", "amount"]
SCHEMA = {
    "customers": "customer_id INTEGER, name TEXT, country TEXT",
    "orders": "order_id INTEGER, customer_id INTEGER, order_date TEXT, amount REAL, coupon TEXT",
    "refunds": "refund_id INTEGER, order_id INTEGER, amount REAL",
}


def _literal(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "NULL"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return repr(float(value)) if isinstance(value, float) else str(int(value))


def shop(nb, customers: pd.DataFrame, orders: pd.DataFrame, refunds: pd.DataFrame):
    """A connection, in the learner's Python, to a new in-memory database holding the three tables."""
    script = []
    for name, table in (("customers", customers), ("orders", orders), ("refunds", refunds)):
        script.append(f"CREATE TABLE {name} ({SCHEMA[name]});")
        for row in table.itertuples(index=False):
            script.append(f"INSERT INTO {name} VALUES ({', '.join(_literal(v) for v in row)});")
    return nb.eval(f"(lambda c: c.executescript({chr(10).join(script)!r}) and c)"
                   f"(__import__('sqlite3').connect(':memory:'))")


def small_shop() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Eight customers in four countries (nobody in Peru ever ordered), coupons often blank, and
    order 7 refunded in three parts."""
    customers = pd.DataFrame([
        (1, "Ana", "Chile"), (2, "Bo", "Norway"), (3, "Cy", "Chile"), (4, "Di", "Ghana"),
        (5, "Ed", "Peru"), (6, "Fa", "Norway"), (7, "Gu", "Ghana"), (8, "Hu", "Chile"),
    ], columns=CUSTOMERS)
    orders = pd.DataFrame([
        (1, 1, "2024-05-01", 40.0, "SUMMER"), (2, 1, "2024-05-02", 10.0, None),
        (3, 2, "2024-05-02", 25.0, None), (4, 3, "2024-05-03", 60.0, "BLACKFRIDAY"),
        (5, 4, "2024-05-04", 15.0, None), (6, 6, "2024-05-05", 30.0, "SUMMER"),
        (7, 6, "2024-05-06", 90.0, "SUMMER"), (8, 7, "2024-05-06", 20.0, None),
        (9, 8, "2024-05-07", 5.0, None), (10, 3, "2024-05-08", 50.0, "SUMMER"),
        (11, 2, "2024-05-09", 45.0, None),
    ], columns=ORDERS)
    refunds = pd.DataFrame([
        (1, 7, 10.0), (2, 7, 10.0), (3, 7, 10.0), (4, 1, 8.0), (5, 4, 60.0), (6, 9, 5.0),
    ], columns=REFUNDS)
    return customers, orders, refunds


def random_shop(seed: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """A larger random shop: 40 customers in six countries (one without orders), 150 orders."""
    rng = np.random.default_rng(seed)
    countries = ["Chile", "Norway", "Ghana", "Vietnam", "Poland"]
    customers = pd.DataFrame({"customer_id": range(1, 41),
                              "name": [f"Customer {i}" for i in range(1, 41)],
                              "country": [str(rng.choice(countries)) for _ in range(38)] + ["Peru", "Peru"]})
    buyers = customers["customer_id"][customers["country"] != "Peru"].to_numpy()
    coupons = [None, "SUMMER", "WINTER", "BLACKFRIDAY"]
    orders = pd.DataFrame({
        "order_id": range(1, 151),
        "customer_id": [int(rng.choice(buyers)) for _ in range(150)],
        "order_date": [f"2024-06-{int(d):02d}" for d in rng.integers(1, 29, 150)],
        "amount": [float(rng.choice([12.5, 19.0, 49.0, 99.0, 249.0])) for _ in range(150)],
        "coupon": [coupons[int(rng.choice(4, p=[0.55, 0.2, 0.15, 0.1]))] for _ in range(150)],
    })
    refunded = rng.choice(orders["order_id"].to_numpy(), 25, replace=False)
    rows = []
    for order_id in refunded:
        for _ in range(int(rng.choice([1, 2, 3], p=[0.5, 0.3, 0.2]))):
            rows.append((len(rows) + 1, int(order_id), float(rng.choice([5.0, 7.5, 10.0]))))
    return customers, orders, pd.DataFrame(rows, columns=REFUNDS)


# -- the references, computed with pandas ----------------------------------------------------------
def reference_without_coupon(orders: pd.DataFrame, coupon: str) -> int:
    return int((orders["coupon"] != coupon).sum())  # pandas: None != "X" is True, as the question wants


def reference_by_country(customers: pd.DataFrame, orders: pd.DataFrame) -> pd.DataFrame:
    joined = customers.merge(orders, on="customer_id", how="left")
    table = joined.groupby("country", as_index=False).agg(orders=("order_id", "count"),
                                                          revenue=("amount", "sum"))
    table["revenue"] = table["revenue"].astype(float)
    return table.sort_values(["revenue", "country"], ascending=[False, True]).reset_index(drop=True)


def reference_rate(orders: pd.DataFrame, refunds: pd.DataFrame, coupon: str) -> float:
    used = orders[orders["coupon"] == coupon]
    refunded = refunds[refunds["order_id"].isin(used["order_id"])]["amount"].sum()
    return float(refunded / used["amount"].sum())


def _number(got: object, call: str, whole: bool) -> float:
    """`got` as a plain Python number, after saying in plain words why it is not one."""
    kind = "a whole number" if whole else "a number"
    assert isinstance(got, Number) and not isinstance(got, bool), (
        f"{call} should return {kind}, but it returned {type(got).__name__}. pd.read_sql always "
        f"returns a table; take the number out of it, for example table.iloc[0, 0]")
    assert not (isinstance(got, float) and math.isnan(got)), (
        f"{call} returned a blank (NaN): a SUM over no rows is NULL in SQL; COALESCE(SUM(...), 0) "
        f"turns it into 0")
    return got.item() if isinstance(got, np.generic) else got  # np.int64(7) shown as 7


# -- the checks --------------------------------------------------------------------------------------
@points(2, hint="`coupon != ?` is neither true nor false when coupon is NULL, so WHERE drops those "
                "orders: write `WHERE coupon IS NULL OR coupon != ?`.")
def test_orders_without_coupon_counts_orders_with_no_coupon(nb):
    """orders_without_coupon counts the orders with no coupon at all (NULL), on a database you have not seen"""
    orders_without_coupon = nb.function("orders_without_coupon")
    customers, orders, refunds = small_shop()
    conn = shop(nb, customers, orders, refunds)
    call = 'orders_without_coupon(conn, "SUMMER")'
    got = _number(orders_without_coupon(conn, "SUMMER"), call, whole=True)
    expected = reference_without_coupon(orders, "SUMMER")
    blanks = int(orders["coupon"].isna().sum())
    if got == expected - blanks:
        raise AssertionError(
            f"{call} should be {expected}, but it is {int(got)}: the {blanks} orders with no coupon at "
            f"all (NULL) were left out. In SQL, `coupon != 'SUMMER'` is unknown, not true, when coupon "
            f"is NULL, and WHERE drops those rows; add `OR coupon IS NULL`")
    if got == len(orders) - expected:
        raise AssertionError(f"{call} should be {expected}, but it is {int(got)}, the number of orders "
                             f"that DID use SUMMER: count the others")
    assert got == expected, (
        f"this database has {len(orders)} orders, {len(orders) - expected} of them with the coupon "
        f"SUMMER and {blanks} with no coupon, so {call} should be {expected}, but it is {got:g}")


@points(1, hint="Put a `?` in the query where the coupon goes and pass it with "
                "`pd.read_sql(query, conn, params=(coupon,))`; never paste it into the text.")
def test_orders_without_coupon_takes_the_coupon_as_a_parameter(nb):
    """orders_without_coupon works with any coupon code, even one with an apostrophe: O'NEILL10"""
    orders_without_coupon = nb.function("orders_without_coupon")
    customers, orders, refunds = small_shop()
    orders.loc[[0, 5], "coupon"] = "O'NEILL10"
    conn = shop(nb, customers, orders, refunds)
    call = "orders_without_coupon(conn, \"O'NEILL10\")"
    try:
        got = orders_without_coupon(conn, "O'NEILL10")
    except Exception as err:  # the learner's query broke: say why
        raise AssertionError(
            f"{call} stopped with {type(err).__name__}: {err}. The apostrophe in O'NEILL10 ended the "
            f"text of your SQL early: pasting a value into the query breaks it (and lets a crafted "
            f"value rewrite the query: SQL injection). Use a ? placeholder and params=(coupon,)") from None
    got = _number(got, call, whole=True)
    expected = reference_without_coupon(orders, "O'NEILL10")
    assert got == expected, (f"2 of the {len(orders)} orders used O'NEILL10, so {call} should be "
                             f"{expected}, but it is {got:g}")


@points(2, hint="Start FROM customers and LEFT JOIN orders, so a country without orders stays; count "
                "with COUNT(o.order_id) and add up with COALESCE(SUM(o.amount), 0).")
def test_revenue_by_country_keeps_a_country_without_orders(nb):
    """revenue_by_country keeps Peru, where nobody ordered, with 0 orders and 0 revenue"""
    revenue_by_country = nb.function("revenue_by_country")
    customers, orders, refunds = small_shop()
    got = revenue_by_country(shop(nb, customers, orders, refunds))
    assert isinstance(got, pd.DataFrame), (
        f"revenue_by_country should return a table (a DataFrame), but it returned {type(got).__name__}")
    assert "country" in got.columns, (
        f"the table should have a column 'country', but its columns are {list(got.columns)}")
    peru = got[got["country"] == "Peru"]
    if peru.empty:
        raise AssertionError(
            "the customer in Peru never ordered, so Peru should be in the table with 0 orders and 0 "
            "revenue, but it is missing. An INNER JOIN (plain JOIN) keeps only customers with orders: "
            "start FROM customers and use LEFT JOIN orders")
    if len(peru) > 1:
        raise AssertionError(f"Peru should be in the table once, but it is there {len(peru)} times: "
                             f"GROUP BY country")
    if "orders" in got.columns:
        count = peru["orders"].iloc[0]
        count = count.item() if isinstance(count, np.generic) else count
        if count == 1:
            raise AssertionError(
                "Peru has no orders, so its orders should be 0, but it is 1. After a LEFT JOIN Peru's "
                "customer sits on one row with blank order columns, and COUNT(*) counts that row; "
                "COUNT(o.order_id) counts only real orders")
        assert count == 0, f"Peru has no orders, so its orders should be 0, but it is {count}"
    if "revenue" in got.columns:
        revenue = peru["revenue"].iloc[0]
        revenue = revenue.item() if isinstance(revenue, np.generic) else revenue
        if revenue is None or pd.isna(revenue):
            raise AssertionError(
                "Peru's revenue should be 0, but it is blank (None or NaN): the SUM of no orders is "
                "NULL in SQL. COALESCE(SUM(o.amount), 0) turns it into 0")
        assert revenue == 0, f"Peru has no orders, so its revenue should be 0, but it is {revenue}"


@points(2, hint="One row per country: GROUP BY c.country, ORDER BY revenue DESC, c.country, and the "
                "columns named country, orders, revenue (AS orders, AS revenue).")
def test_revenue_by_country_matches_the_reference(nb):
    """on a larger database you have not seen, revenue_by_country equals the reference row by row"""
    revenue_by_country = nb.function("revenue_by_country")
    customers, orders, refunds = random_shop(16)
    got = revenue_by_country(shop(nb, customers, orders, refunds))
    expected = reference_by_country(customers, orders)
    with_orders = expected.loc[expected["orders"] > 0, "country"].tolist()
    if isinstance(got, pd.DataFrame) and "country" in got.columns and got["country"].tolist() == with_orders:
        raise AssertionError(
            "Peru, where no customer ordered, is missing: an INNER JOIN keeps only customers with "
            "orders; start FROM customers and LEFT JOIN orders")
    problem = table_problem(got, expected, "the revenue per country of this database")
    assert problem is None, problem


@points(2, hint="Joining orders to refunds repeats an order once per partial refund, so its amount "
                "counts several times. Add up refunds per order first (GROUP BY order_id in a WITH "
                "or a subquery), then LEFT JOIN that to the orders.")
def test_refund_rate_counts_each_order_once(nb):
    """refund_rate counts an order refunded in three parts once, on a database you have not seen"""
    refund_rate = nb.function("refund_rate")
    customers, orders, refunds = small_shop()
    conn = shop(nb, customers, orders, refunds)
    call = 'refund_rate(conn, "SUMMER")'
    got = _number(refund_rate(conn, "SUMMER"), call, whole=False)
    expected = reference_rate(orders, refunds, "SUMMER")  # 38 refunded of 210 revenue
    if math.isclose(got, expected, rel_tol=1e-9):
        return
    used = orders[orders["coupon"] == "SUMMER"].merge(refunds, on="order_id", how="left",
                                                      suffixes=("", "_refund"))
    revenue, inflated = orders.loc[orders["coupon"] == "SUMMER", "amount"].sum(), used["amount"].sum()
    refunded = used["amount_refund"].sum()
    only_refunded = used.dropna(subset=["amount_refund"])
    if math.isclose(got, refunded / inflated, rel_tol=1e-9):
        raise AssertionError(
            f"{call} should be {expected:.4f} ({refunded:g} refunded of {revenue:g} revenue), but it is "
            f"{got:.4f}: the revenue under it came to {inflated:g}. The join to refunds repeats order 7 "
            f"($90) once per refund, 3 times, so its amount counted 3 times; add up refunds per order "
            f"first (GROUP BY order_id), then join")
    if math.isclose(got, refunded / only_refunded["amount"].sum(), rel_tol=1e-9) or math.isclose(
            got, refunded / only_refunded.drop_duplicates("order_id")["amount"].sum(), rel_tol=1e-9):
        raise AssertionError(
            f"{call} should be {expected:.4f}, but it is {got:.4f}: only the orders that were refunded "
            f"counted in the revenue. An INNER JOIN drops the coupon's orders without a refund; use a "
            f"LEFT JOIN from orders, and add up refunds per order first")
    for digits in range(1, 5):
        if math.isclose(got, round(expected, digits), rel_tol=1e-9):
            raise AssertionError(f"{call} should be {expected!r}, but it is {got!r}: do not round it")
    raise AssertionError(f"SUMMER orders brought in {revenue:g} and {refunded:g} of it was refunded, so "
                         f"{call} should be {expected:.4f}, but it is {got:.4f}")


@points(1, hint="When no order of the coupon was refunded, the SUM of the refunds is NULL (None in "
                "Python): COALESCE(SUM(...), 0) makes it 0, and the rate 0.0.")
def test_refund_rate_is_zero_without_refunds(nb):
    """refund_rate is 0.0 for a coupon none of whose orders was refunded, and right on a larger database"""
    refund_rate = nb.function("refund_rate")
    customers, orders, refunds = small_shop()
    refunds = refunds[refunds["order_id"] != 4]  # the only BLACKFRIDAY order is no longer refunded
    conn = shop(nb, customers, orders, refunds)
    call = 'refund_rate(conn, "BLACKFRIDAY")'
    expected = reference_rate(orders, refunds, "BLACKFRIDAY")  # 0.0
    try:
        got = refund_rate(conn, "BLACKFRIDAY")
    except Exception as err:  # a None from SUM usually breaks the division
        raise AssertionError(
            f"{call} stopped with {type(err).__name__}: {err}. No BLACKFRIDAY order was refunded, so "
            f"the SUM of their refunds is NULL (None in Python); COALESCE(SUM(...), 0) makes it 0 and "
            f"the rate 0.0") from None
    got = _number(got, call, whole=False)
    assert got == expected, f"no BLACKFRIDAY order was refunded, so {call} should be 0.0, but it is {got}"
    customers, orders, refunds = random_shop(17)
    conn = shop(nb, customers, orders, refunds)
    for coupon in ("WINTER", "BLACKFRIDAY"):
        call = f'refund_rate(conn, "{coupon}")'
        got = _number(refund_rate(conn, coupon), call, whole=False)
        expected = reference_rate(orders, refunds, coupon)
        assert math.isclose(got, expected, rel_tol=1e-9), (
            f"on a database of {len(orders)} orders and {len(refunds)} refunds, {call} should be "
            f"{expected:.4f}, but it is {got:.4f}")
