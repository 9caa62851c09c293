"""Make the data of module 14 (responsible AI). Every person, number and message is invented.

Run it with `python make_data.py` from this folder. The seeds are fixed, so the files are the
same every time. It writes the lesson data here and the exercises' own copies beside their checks:

- screening.csv      lesson 1: a CV-screening model's decisions for 1,000 applicants, with known gaps
- loans.csv          lesson 2: 2,000 loan applicants and whether they repaid, for explaining a model
- ../../../../exercises/14-responsible-ai/fairness-gaps/loan_decisions.csv
- ../../../../exercises/14-responsible-ai/redact-pii/pii_cases.json
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
EXERCISES = HERE.parents[3] / "exercises" / "14-responsible-ai"


def make_screening(seed: int = 12) -> None:
    """A CV-screening model: qualified applicants of one group are shortlisted less often."""
    rng = np.random.default_rng(seed)
    rows = 1000
    gender = rng.choice(["woman", "man"], rows, p=[0.45, 0.55])
    qualified = (rng.random(rows) < 0.4).astype(int)          # the same share in both groups
    # Shortlist chances: qualified women 70%, qualified men 88%; unqualified 12% and 18%.
    chance = np.where(qualified == 1, np.where(gender == "woman", 0.70, 0.88),
                      np.where(gender == "woman", 0.12, 0.18))
    shortlisted = (rng.random(rows) < chance).astype(int)
    pd.DataFrame({"applicant_id": [f"A{i:04d}" for i in range(1, rows + 1)], "gender": gender,
                  "qualified": qualified, "shortlisted": shortlisted}).to_csv(HERE / "screening.csv", index=False)


def make_loans(seed: int = 120) -> None:
    """Loan applicants: repayment depends on income, debt and late payments; colour is pure noise."""
    rng = np.random.default_rng(seed)
    rows = 2000
    income = np.round(rng.lognormal(np.log(38), 0.4, rows), 1)           # thousands a year
    debt_ratio = np.round(np.clip(rng.beta(2, 5, rows), 0, 1), 3)
    late = rng.poisson(0.8, rows)
    years_at_address = rng.integers(0, 25, rows)
    colour = rng.integers(1, 8, rows)                                    # favourite colour, coded 1-7
    logit = 1.2 + 0.03 * (income - 38) - 4.0 * (debt_ratio - 0.28) - 0.9 * late + 0.02 * years_at_address
    repaid = (rng.random(rows) < 1 / (1 + np.exp(-logit))).astype(int)
    pd.DataFrame({"income_k": income, "debt_ratio": debt_ratio, "late_payments": late,
                  "years_at_address": years_at_address, "favourite_colour": colour,
                  "repaid": repaid}).to_csv(HERE / "loans.csv", index=False)


def make_loan_decisions(seed: int = 1212) -> None:
    """A loan model's decisions by age band, with known demographic-parity and equal-opportunity gaps."""
    rng = np.random.default_rng(seed)
    bands = {"18-29": (400, 0.55), "30-49": (700, 0.70), "50+": (400, 0.68)}   # rows, share who repay
    approve_if_repays = {"18-29": 0.62, "30-49": 0.85, "50+": 0.80}
    approve_if_defaults = {"18-29": 0.10, "30-49": 0.15, "50+": 0.20}
    frames = []
    for band, (rows, repay_share) in bands.items():
        repaid = (rng.random(rows) < repay_share).astype(int)
        chance = np.where(repaid == 1, approve_if_repays[band], approve_if_defaults[band])
        frames.append(pd.DataFrame({"age_band": band, "repaid": repaid,
                                    "approved": (rng.random(rows) < chance).astype(int)}))
    table = pd.concat(frames, ignore_index=True).sample(frac=1, random_state=seed).reset_index(drop=True)
    table.insert(0, "applicant_id", [f"L{i:05d}" for i in range(1, len(table) + 1)])
    table.to_csv(EXERCISES / "fairness-gaps" / "loan_decisions.csv", index=False)


PII_CASES = [
    ("Please email me at jane.doe@example.com about my order.",
     "Please email me at [EMAIL] about my order."),
    ("My new address is first.last+shop@mail.example.co.uk, thanks",
     "My new address is [EMAIL], thanks"),
    ("Call me on 020 7946 0958 after 6pm.", "Call me on [PHONE] after 6pm."),
    ("Mobile: 07700 900123", "Mobile: [PHONE]"),
    ("You can reach me at +44 7700 900456 or by post.", "You can reach me at [PHONE] or by post."),
    ("US office: +1-202-555-0143.", "US office: [PHONE]."),
    ("Card 4111 1111 1111 1111 was charged twice!", "Card [CARD] was charged twice!"),
    ("I paid with 5500-0000-0000-0004 yesterday", "I paid with [CARD] yesterday"),
    ("refund to 4000056655665556 please", "refund to [CARD] please"),
    ("Order #100234567 arrived on 2024-05-06, cost £1,250.00.",
     "Order #100234567 arrived on 2024-05-06, cost £1,250.00."),
    ("The meeting is at 10:30 on 05-06-2024 in room 0112.",
     "The meeting is at 10:30 on 05-06-2024 in room 0112."),
    ("Version 2.0.1 fixed the bug; ticket 123456789012 is closed.",
     "Version 2.0.1 fixed the bug; ticket 123456789012 is closed."),
    ("Write to ops@example.org or call 0161 496 0000, card 4111-1111-1111-1111.",
     "Write to [EMAIL] or call [PHONE], card [CARD]."),
    ("Nothing personal here, just a question about delivery times.",
     "Nothing personal here, just a question about delivery times."),
]


def make_pii_cases() -> None:
    cases = [{"text": text, "expected": expected} for text, expected in PII_CASES]
    (EXERCISES / "redact-pii" / "pii_cases.json").write_text(json.dumps(cases, indent=2, ensure_ascii=False) + "\n",
                                                             encoding="utf-8")


if __name__ == "__main__":
    for folder in ("fairness-gaps", "redact-pii"):
        (EXERCISES / folder).mkdir(parents=True, exist_ok=True)
    make_screening()
    make_loans()
    make_loan_decisions()
    make_pii_cases()
