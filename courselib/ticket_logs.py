"""Made-up prediction logs of a support-ticket router, for module 13 (monitoring and alert rules).

One generator for the module's data files (docs/modules/13-monitoring-drift/data/make_data.py) and
for the alert-rules checks, which build weeks the learner has not seen: the two stay the same.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

TICKET_LABELS = ["billing", "technical", "account", "unknown"]


def ticket_features(rng: np.random.Generator, rows: int) -> tuple[np.ndarray, np.ndarray]:
    """The inputs of a support-ticket router: the ticket's length in words and the account's age."""
    words = np.round(rng.lognormal(np.log(60), 0.5, rows)).astype(int) + 1
    account_age_days = np.round(rng.exponential(400, rows)).astype(int)
    return words, account_age_days


def ticket_day(
    rng: np.random.Generator,
    day: str,
    rows: int,
    *,
    slow: float = 1.0,
    longer: float = 1.0,
    error_rate: float = 0.02,
    unknown: float = 0.05,
    from_hour: int = 0,
    to_hour: int = 24,
    slow_from_hour: int = 0,
) -> pd.DataFrame:
    """One day of the router's prediction log: one row per ticket, in time order."""
    words, account_age_days = ticket_features(rng, rows)
    words = np.round(words * longer).astype(int)
    shares = [*(np.array([0.40, 0.35, 0.25]) * (1 - unknown)), unknown]
    prediction = rng.choice(TICKET_LABELS, rows, p=shares)
    seconds = np.sort(rng.integers(from_hour * 3600, to_hour * 3600, rows))
    latency = rng.gamma(4.0, 120.0, rows) + 2.0 * words
    latency = np.round(np.where(seconds >= slow_from_hour * 3600, latency * slow, latency)).astype(int)
    error = (rng.random(rows) < error_rate).astype(int)
    cost = np.round(0.0015 + 0.00002 * words, 5)  # a language-model call: longer tickets cost more
    stamps = (pd.Timestamp(day) + pd.to_timedelta(seconds, unit="s")).strftime("%Y-%m-%d %H:%M:%S")
    return pd.DataFrame(
        {
            "timestamp": stamps,
            "words": words,
            "account_age_days": account_age_days,
            "prediction": prediction,
            "latency_ms": latency,
            "error": error,
            "cost_usd": cost,
        }
    )
