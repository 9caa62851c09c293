"""Make the small, made-up data sets of module 05 (pandas).

Run it from the repository root:  .venv/bin/python docs/modules/05-pandas/data/make_data.py

Everything is generated from fixed seeds, so running it again writes exactly the same files.
It writes the lesson data beside this script and the data of the graded exercises in
exercises/05-pandas/. The data describe "Quillo", an imaginary start-up selling an AI writing
assistant; no real person or company is in them.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[3]
EXERCISES = ROOT / "exercises" / "05-pandas"

PRODUCTS = {"Starter plan": 9.0, "Pro plan": 29.0, "Team plan": 99.0, "API credits": 4.5}
COUNTRIES = ["France", "Germany", "India", "Brazil", "Canada", "Kenya", "Japan"]
FIRST = ["Ada", "Ben", "Chloe", "Dev", "Emma", "Femi", "Gita", "Hugo", "Ines", "Jon", "Kai",
         "Lena", "Mo", "Nia", "Omar", "Pia", "Quinn", "Rosa", "Sam", "Tara"]
LAST = ["Ahmed", "Brown", "Costa", "Dubois", "Eze", "Fischer", "Gupta", "Hall", "Ito", "Jones"]


def write_csv(path: Path, header: list[str], rows: list[list[object]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def make_orders(seed: int, months: list[str], n: int, first_id: int) -> list[list[object]]:
    """Orders of a few plans: date, customer, product, quantity, unit price, status."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        month = months[rng.integers(len(months))]
        day = int(rng.integers(1, 29))
        product = list(PRODUCTS)[rng.choice(4, p=[0.4, 0.3, 0.1, 0.2])]
        quantity = int(rng.integers(1, 11)) if product == "API credits" else int(rng.integers(1, 4))
        status = str(rng.choice(["completed", "cancelled", "refunded"], p=[0.85, 0.1, 0.05]))
        rows.append([first_id + i, f"{month}-{day:02d}", int(rng.integers(1, 61)), product,
                     quantity, PRODUCTS[product], status])
    rows.sort(key=lambda r: (r[1], r[0]))
    return rows


def make_customers(seed: int) -> list[list[object]]:
    rng = np.random.default_rng(seed)
    rows = []
    for cid in range(1, 61):
        name = f"{FIRST[rng.integers(len(FIRST))]} {LAST[rng.integers(len(LAST))]}"
        month = int(rng.integers(1, 13))
        rows.append([cid, name, str(rng.choice(COUNTRIES)), f"2023-{month:02d}-{int(rng.integers(1, 29)):02d}",
                     str(rng.choice(["free", "pro", "team"], p=[0.5, 0.35, 0.15]))])
    return rows


def make_signups_raw(seed: int, n: int) -> list[list[object]]:
    """Sign-ups typed in by hand: spaces, mixed case, money as text, blanks and repeats."""
    rng = np.random.default_rng(seed)
    spellings = {"France": ["France", "france", " France", "FRANCE "],
                 "India": ["India", "india ", "INDIA"],
                 "Brazil": ["Brazil", " brazil"],
                 "Kenya": ["Kenya", "kenya"],
                 "Canada": ["Canada", "CANADA", "canada "]}
    rows: list[list[object]] = []
    for i in range(n):
        user_id: object = 1001 + i
        country = str(rng.choice(list(spellings)))
        country_text: object = str(rng.choice(spellings[country]))
        plan = str(rng.choice(["free", "pro", "team"], p=[0.5, 0.35, 0.15]))
        spend = {"free": 0.0, "pro": 29.0, "team": float(rng.choice([99.0, 1250.0, 2400.5]))}[plan]
        spend_text: object = "" if plan == "free" and rng.random() < 0.6 else f"${spend:,.2f}"
        if rng.random() < 0.07:
            country_text = ""
        if rng.random() < 0.06:
            user_id = ""
        date = f"2024-{int(rng.integers(1, 7)):02d}-{int(rng.integers(1, 29)):02d}"
        trial = str(rng.choice(["yes", "no"], p=[0.3, 0.7]))
        rows.append([user_id, date, country_text, plan, spend_text, trial])
    # the same sign-up sent twice by a flaky web form: repeat a few rows further down
    for j in rng.choice(n, size=max(3, n // 12), replace=False):
        original = rows[int(j)]
        if original[0] != "":
            rows.insert(int(rng.integers(int(j) + 1, len(rows) + 1)), list(original))
    return rows


def make_usage_wide(seed: int, accounts: list[str], months: list[str]) -> list[list[object]]:
    """API calls per account per month, one column per month; blank = not a customer yet."""
    rng = np.random.default_rng(seed)
    rows = []
    for account in accounts:
        start = int(rng.integers(0, len(months)))
        base = int(rng.integers(200, 5000))
        cells: list[object] = []
        for k, _ in enumerate(months):
            cells.append("" if k < start else int(base * (1 + 0.15 * (k - start)) + rng.integers(0, 100)))
        rows.append([account, *cells])
    return rows


def make_shop(seed: int) -> tuple[list[list[object]], list[list[object]], list[list[object]]]:
    """A small shop database: customers, orders (a coupon or blank) and partial refunds.

    The customers in Japan never ordered; most orders have no coupon (blank, NULL in SQL); a few
    orders were refunded in two or three parts, so refunds repeat an order_id.
    """
    rng = np.random.default_rng(seed)
    customers = []
    for cid in range(1, 31):
        name = f"{FIRST[rng.integers(len(FIRST))]} {LAST[rng.integers(len(LAST))]}"
        country = "Japan" if cid in (9, 23) else str(rng.choice(COUNTRIES[:-1]))
        customers.append([cid, name, country])
    buyers = [c[0] for c in customers if c[2] != "Japan"]
    orders = []
    for i in range(90):
        day = int(rng.integers(1, 29))
        month = int(rng.integers(3, 6))
        coupon = str(rng.choice(["", "SPRING", "WELCOME"], p=[0.7, 0.2, 0.1]))
        amount = float(rng.choice([9.0, 29.0, 49.0, 99.0, 149.0]))
        orders.append([1001 + i, int(rng.choice(buyers)), f"2024-{month:02d}-{day:02d}", amount, coupon])
    orders.sort(key=lambda r: (r[2], r[0]))
    refunds = []
    refunded = rng.choice(len(orders), size=14, replace=False)
    for k, index in enumerate(sorted(int(i) for i in refunded)):
        order_id, amount = orders[index][0], float(orders[index][3])
        parts = 3 if k == 2 else 2 if k % 3 == 0 else 1
        for _ in range(parts):
            part = round(amount * float(rng.choice([0.2, 0.25, 0.3])), 2)
            refunds.append([0, order_id, part])
    for number, row in enumerate(refunds, start=1):
        row[0] = 501 + number - 1
    return customers, orders, refunds


def main() -> None:
    # lesson data
    write_csv(HERE / "orders.csv",
              ["order_id", "order_date", "customer_id", "product", "quantity", "unit_price", "status"],
              make_orders(5, [f"2024-{m:02d}" for m in range(1, 7)], 240, 1))
    write_csv(HERE / "customers.csv", ["customer_id", "name", "country", "signup_date", "plan"],
              make_customers(6))
    write_csv(HERE / "signups_raw.csv",
              ["user_id", "signup_date", "country", "plan", "monthly_spend", "is_trial"],
              make_signups_raw(7, 16))

    # exercise data
    write_csv(EXERCISES / "monthly-revenue" / "orders.csv",
              ["order_id", "order_date", "customer_id", "product", "quantity", "unit_price", "status"],
              make_orders(51, ["2023-11", "2023-12", "2024-01", "2024-02", "2024-03"], 300, 5001))
    write_csv(EXERCISES / "clean-signups" / "signups_raw.csv",
              ["user_id", "signup_date", "country", "plan", "monthly_spend", "is_trial"],
              make_signups_raw(52, 60))
    months = ["2024-01", "2024-02", "2024-03", "2024-04"]
    usage_accounts = [f"A{n:03d}" for n in (101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112)]
    write_csv(EXERCISES / "tidy-join" / "usage_wide.csv", ["account_id", *months],
              make_usage_wide(53, usage_accounts, months))
    rng = np.random.default_rng(54)
    # the CRM export: A112 is missing (a new account not yet in the CRM), A113 never used the API
    crm_accounts = [a for a in usage_accounts if a != "A112"] + ["A113"]
    companies = ["Brightdesk", "Calyx Health", "Dunmore Legal", "Everpine", "Fieldnote", "Gridwise",
                 "Harbor & Co", "Inkwell", "Juniper Labs", "Kestrel Foods", "Lumen Retail", "Moss Bank"]
    write_csv(EXERCISES / "tidy-join" / "accounts.csv", ["account_id", "company", "plan"],
              [[a, companies[i], str(rng.choice(["pro", "team", "enterprise"]))]
               for i, a in enumerate(crm_accounts)])
    shop_customers, shop_orders, shop_refunds = make_shop(55)
    write_csv(EXERCISES / "sql-joins" / "customers.csv", ["customer_id", "name", "country"], shop_customers)
    write_csv(EXERCISES / "sql-joins" / "orders.csv",
              ["order_id", "customer_id", "order_date", "amount", "coupon"], shop_orders)
    write_csv(EXERCISES / "sql-joins" / "refunds.csv", ["refund_id", "order_id", "amount"], shop_refunds)


if __name__ == "__main__":
    main()
