"""Make customers.csv: 1,000 made-up subscription customers and whether they cancelled.

Run it with `python make_customers.py`. The seed is fixed, so the file is the same every time.
Every number is invented; no real person or company is behind any row.
"""

from pathlib import Path

import numpy as np
import pandas as pd

SEED = 7
ROWS = 1000


def make_customers(rows: int = ROWS, seed: int = SEED) -> pd.DataFrame:
    """Return a table of invented customers with a `churned` column (1 = cancelled)."""
    rng = np.random.default_rng(seed)
    plan = rng.choice(["basic", "pro", "team"], size=rows, p=[0.5, 0.35, 0.15])
    region = rng.choice(["north", "south", "east", "west"], size=rows)
    tenure = rng.integers(1, 73, size=rows)
    base_spend = pd.Series(plan).map({"basic": 12.0, "pro": 35.0, "team": 90.0}).to_numpy()
    spend = np.round(base_spend * rng.lognormal(0.0, 0.25, size=rows), 2)
    tickets = rng.poisson(1.2, size=rows)
    last_login = rng.exponential(8.0, size=rows).round().astype(float)

    # The hidden rule the models have to discover: new customers, unhappy customers
    # (many support tickets) and customers who stopped logging in tend to leave.
    logit = (
        -0.6
        - 0.05 * tenure
        + 0.55 * tickets
        + 0.12 * last_login
        + np.where(plan == "basic", 0.6, 0.0)
        - np.where(plan == "team", 0.8, 0.0)
    )
    churned = (rng.random(rows) < 1 / (1 + np.exp(-logit))).astype(int)

    # Real exports have gaps: a few spends and last-login values were never recorded.
    spend[rng.random(rows) < 0.05] = np.nan
    last_login[rng.random(rows) < 0.04] = np.nan

    return pd.DataFrame(
        {
            "customer_id": [f"C{i:04d}" for i in range(1, rows + 1)],
            "plan": plan,
            "region": region,
            "tenure_months": tenure,
            "monthly_spend": spend,
            "support_tickets": tickets,
            "days_since_login": last_login,
            "churned": churned,
        }
    )


if __name__ == "__main__":
    out = Path(__file__).with_name("customers.csv")
    make_customers().to_csv(out, index=False)
    print(f"wrote {out}")
