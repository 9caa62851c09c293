"""Make production_log.csv: one made-up week of Lumen & Co's ticket assistant, for lessons 3 and 4.

Run from this folder: `python make_data.py`. The seed is fixed, so the file is the same on every
computer. Every ticket is invented; the categories are deliberately unbalanced (few "other"
tickets), as real traffic is, so that lesson 3 can show why a review sample is stratified.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

SEED = 2026
ROWS = 400
SHARES = {"billing": 0.35, "delivery": 0.30, "account": 0.20, "returns": 0.12, "other": 0.03}
TICKETS = {
    "billing": ["I was charged twice for order {n}.", "Can I have a VAT invoice for order {n}?",
                "My refund for order {n} has not arrived.", "Why was I billed for delivery on order {n}?"],
    "delivery": ["Where is my parcel? Order {n} is late.", "Tracking for order {n} has not moved for days.",
                 "The courier left order {n} at the wrong house.", "Can order {n} arrive before Friday?"],
    "account": ["I cannot sign in to my account.", "The password reset email never arrives.",
                "How do I change the email on my account?", "My account is locked."],
    "returns": ["The vase in order {n} arrived broken.", "I want to return order {n}, it is unused.",
                "My kettle from order {n} stopped working.", "Please cancel order {n}."],
    "other": ["Do you sell gift cards?", "Are your candles vegan?", "Do you have a shop in Leeds?"],
}
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def make_log(seed: int = SEED, rows: int = ROWS) -> list[dict[str, object]]:
    """The log's rows: one per request, with what a real assistant's log would record."""
    rng = np.random.default_rng(seed)
    categories = rng.choice(list(SHARES), size=rows, p=list(SHARES.values()))
    log = []
    for number, category in enumerate(categories, start=1):
        template = TICKETS[category][rng.integers(len(TICKETS[category]))]
        text = template.format(n=rng.integers(10000, 99999))
        latency = rng.lognormal(mean=np.log(700), sigma=0.3)
        if rng.random() < 0.04:  # a few slow calls: the long tail that p95 is there to show
            latency *= rng.uniform(3, 6)
        log.append({
            "request_id": f"R{number:04d}",
            "day": DAYS[(number - 1) * len(DAYS) // rows],
            "category": category,
            "ticket": text,
            "prompt_tokens": 210 + len(text.split()) + int(rng.integers(0, 15)),
            "completion_tokens": int(rng.integers(40, 160)),
            "latency_ms": round(float(latency)),
        })
    return log


def main() -> None:
    log = make_log()
    path = Path(__file__).with_name("production_log.csv")
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=list(log[0]))
        writer.writeheader()
        writer.writerows(log)
    print(f"wrote {len(log)} rows to {path.name}")


if __name__ == "__main__":
    main()
