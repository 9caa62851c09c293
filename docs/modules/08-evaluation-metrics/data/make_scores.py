"""Make scored_customers.csv: 600 invented customers, a churn model's score for each, and the truth.

Run it with `python make_scores.py`. The seed is fixed, so the file is the same every time.
The scores stand in for the output of a model like the ones of module 07, measured on customers
it was not trained on (a validation set). Every number is invented.
"""

from pathlib import Path

import numpy as np
import pandas as pd

SEED = 8
ROWS = 600


def make_scores(rows: int = ROWS, seed: int = SEED) -> pd.DataFrame:
    """Return customer ids, a churn score between 0 and 1, and whether each customer churned."""
    rng = np.random.default_rng(seed)
    churned = (rng.random(rows) < 0.2).astype(int)
    # A useful but imperfect model: churners tend to get higher scores, with a wide overlap.
    logit = rng.normal(-1.9 + 2.6 * churned, 1.2)
    score = np.round(1 / (1 + np.exp(-logit)), 3)
    return pd.DataFrame({
        "customer_id": [f"V{i:04d}" for i in range(1, rows + 1)],
        "churn_score": score,
        "churned": churned,
    })


if __name__ == "__main__":
    out = Path(__file__).with_name("scored_customers.csv")
    make_scores().to_csv(out, index=False)
    print(f"wrote {out}")
