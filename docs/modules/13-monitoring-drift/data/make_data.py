"""Make the data of module 13 (monitoring and drift). Every number is invented.

Run it with `python make_data.py` from this folder. The seeds are fixed, so the files are the
same every time. It writes the lesson data here and the exercises' own copies beside their checks:

- delivery_log.jsonl       lesson 1: 600 logged predictions of a delivery-time model
- delivery_reference.csv   lessons 2-3: what the delivery model saw when it was trained
- delivery_weekly.csv      lessons 2-3: eight weeks of live inputs, predictions and actual minutes;
                           the rainy season starts in week 6
- llm_calls.csv            lesson 4: two weeks of calls to a language model behind a support bot
- ../../../../exercises/13-monitoring-drift/psi/{reference,last_week}.csv
- ../../../../exercises/13-monitoring-drift/alert-rules/{reference,baseline_week,this_week}.csv
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from courselib.ticket_logs import ticket_day, ticket_features

HERE = Path(__file__).resolve().parent
EXERCISES = HERE.parents[3] / "exercises" / "13-monitoring-drift"


# ---------------------------------------------------------------- the delivery model (lessons)
def delivery_rows(rng: np.random.Generator, rows: int, rainy: bool = False) -> pd.DataFrame:
    """Orders of a food-delivery app and the minutes the model predicted for each."""
    distance = np.round(rng.gamma(4.0, 0.8 if not rainy else 1.2, rows), 1)  # km
    items = rng.poisson(3 if not rainy else 5, rows) + 1
    hour = rng.choice(np.arange(11, 23), rows)
    minutes = np.round(12 + 4.5 * distance + 0.8 * items + rng.normal(0, 3, rows), 1)
    return pd.DataFrame({"distance_km": distance, "basket_items": items, "hour": hour,
                         "predicted_minutes": minutes})


def make_delivery(seed: int = 11) -> None:
    rng = np.random.default_rng(seed)
    delivery_rows(rng, 3000).to_csv(HERE / "delivery_reference.csv", index=False)
    weeks = []
    for week in range(1, 9):
        rainy = week >= 6                                   # the rainy season starts in week 6
        frame = delivery_rows(rng, 400, rainy=rainy)
        frame.insert(0, "week", week)
        # What really happened: in the rain every kilometre takes longer, which the model never saw.
        slower = 1.5 * frame["distance_km"] if rainy else 0.0
        frame["actual_minutes"] = np.round(frame["predicted_minutes"] + slower + rng.normal(0, 4, len(frame)), 1)
        weeks.append(frame)
    pd.concat(weeks).to_csv(HERE / "delivery_weekly.csv", index=False)

    log = delivery_rows(rng, 600)
    start = pd.Timestamp("2024-03-04 11:00")
    seconds = np.sort(rng.integers(0, 7 * 24 * 3600, len(log)))
    with open(HERE / "delivery_log.jsonl", "w", encoding="utf-8") as out:
        for i, (row, second) in enumerate(zip(log.itertuples(index=False), seconds, strict=True)):
            record = {
                "time": (start + pd.Timedelta(seconds=int(second))).isoformat(),
                "request_id": f"r{i + 1:05d}",
                "model_version": "eta-1.3" if second < 4 * 24 * 3600 else "eta-1.4",
                "inputs": {"distance_km": float(row.distance_km), "basket_items": int(row.basket_items)},
                "predicted_minutes": float(row.predicted_minutes),
                "latency_ms": int(rng.gamma(2.0, 15.0) + 5),
            }
            out.write(json.dumps(record) + "\n")


# ---------------------------------------------------------------- LLM calls (lesson 4)
def make_llm_calls(seed: int = 12) -> None:
    rng = np.random.default_rng(seed)
    rows = []
    start = pd.Timestamp("2024-05-06")
    for day in range(14):
        calls = int(rng.integers(180, 220)) if day != 10 else 420   # day 11: a retry loop doubles the traffic
        for _ in range(calls):
            model = "small" if rng.random() < 0.8 else "large"
            prompt = int(rng.normal(900 if day < 8 else 1900, 150))  # day 9: a longer prompt ships
            completion = int(rng.gamma(4.0, 40.0))
            latency = int(rng.gamma(3.0, 250.0 if model == "small" else 600.0))
            status = "error" if rng.random() < (0.01 if day != 12 else 0.08) else "ok"
            second = int(rng.integers(0, 24 * 3600))
            rows.append({"time": start + pd.Timedelta(days=day, seconds=second), "model": model,
                         "prompt_tokens": max(prompt, 50), "completion_tokens": completion,
                         "latency_ms": latency, "status": status})
    frame = pd.DataFrame(rows).sort_values("time")
    frame["time"] = frame["time"].dt.strftime("%Y-%m-%d %H:%M:%S")
    frame.to_csv(HERE / "llm_calls.csv", index=False)


# ---------------------------------------------------------------- the churn model (exercises)
def churn_rows(rng: np.random.Generator, rows: int, *, young: bool = False,
               spend_bug: bool = False, busy: bool = False) -> pd.DataFrame:
    """Customers of a subscription app, as the churn model sees them, and the model's score."""
    age = np.clip(rng.normal(26 if young else 39, 5 if young else 11, rows), 18, 80).round().astype(int)
    spend = np.round(rng.lognormal(np.log(24), 0.45, rows) * (1.8 if spend_bug else 1.0), 2)
    sessions = rng.poisson(5.6 if busy else 5.0, rows)
    tenure = np.round(rng.exponential(3 if young else 20, rows)).astype(int)
    logit = -0.6 - 0.06 * tenure - 0.25 * (sessions - 5) + 0.02 * (spend - 24) - 0.01 * (age - 39)
    score = np.round(1 / (1 + np.exp(-(logit + rng.normal(0, 0.4, rows)))), 3)
    return pd.DataFrame({"age": age, "monthly_spend": spend, "sessions_per_week": sessions,
                         "tenure_months": tenure, "churn_score": score})


def make_churn(seed: int = 111) -> None:
    rng = np.random.default_rng(seed)
    reference = churn_rows(rng, 2000)
    weeks = []
    for week in range(1, 14):
        frame = churn_rows(
            rng, 40 if week == 13 else 500,          # week 13 has only just started
            young=week in (9, 10, 11),               # a campaign in a student app brings young, new customers
            spend_bug=week == 5,                     # a currency bug shows prices 1.8 times too high
            busy=week == 7,                          # a small, harmless rise in usage
        )
        frame.insert(0, "week", f"2024-W{week:02d}")
        weeks.append(frame)
    weekly = pd.concat(weeks, ignore_index=True)

    (EXERCISES / "psi").mkdir(parents=True, exist_ok=True)
    reference.to_csv(EXERCISES / "psi" / "reference.csv", index=False)
    weekly[weekly["week"] == "2024-W10"].drop(columns="week").to_csv(
        EXERCISES / "psi" / "last_week.csv", index=False)


# ---------------------------------------------------------------- the ticket router (exercise alert-rules)
# The check of alert-rules (test_alert_rules.py) makes its unseen weeks with a copy of these two functions.
def make_alert_rules(seed: int = 113) -> None:
    rng = np.random.default_rng(seed)
    words, account_age_days = ticket_features(rng, 2000)
    reference = pd.DataFrame({"words": words, "account_age_days": account_age_days})
    baseline = pd.concat([ticket_day(rng, day, rows) for day, rows in zip(
        pd.date_range("2024-06-03", periods=7).strftime("%Y-%m-%d"), [420, 440, 410, 430, 400, 260, 240], strict=True)])
    this_week = pd.concat([
        ticket_day(rng, "2024-06-10", 430),
        ticket_day(rng, "2024-06-11", 450, error_rate=0.03),                 # a little noisier: no alert
        ticket_day(rng, "2024-06-12", 420, slow=3.0, slow_from_hour=14),     # a release slows every answer from 14:00
        ticket_day(rng, "2024-06-13", 410),
        ticket_day(rng, "2024-06-14", 440, unknown=0.25),                    # a new product: the router is unsure
        ticket_day(rng, "2024-06-15", 250),
        ticket_day(rng, "2024-06-16", 6, error_rate=0.5, to_hour=1),         # logging broke just after midnight
    ])
    folder = EXERCISES / "alert-rules"
    folder.mkdir(parents=True, exist_ok=True)
    reference.to_csv(folder / "reference.csv", index=False)
    baseline.to_csv(folder / "baseline_week.csv", index=False)
    this_week.to_csv(folder / "this_week.csv", index=False)


if __name__ == "__main__":
    make_delivery()
    make_llm_calls()
    make_churn()
    make_alert_rules()
