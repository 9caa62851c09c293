"""Make the data of module 15 (capstone). Every message is invented, from templates, with fixed seeds.

Run it with `python make_data.py` from this folder; the files are the same every time.

- reviews_train.csv, reviews_holdout.csv   lessons: app-store reviews, and whether each needs a reply
- ../../../../exercises/15-capstone/ticket-router/tickets_train.csv, tickets_holdout.csv
                                           the capstone: support tickets and the team that handled each
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
EXERCISE = HERE.parents[3] / "exercises" / "15-capstone" / "ticket-router"

OPENERS = ["", "Hi, ", "Hello, ", "Hi team, ", "Good morning, ", "Hey, ", "Please help: ", "Urgent: "]
CLOSERS = ["", " Thanks.", " Thank you!", " Cheers", " Please sort this out.", " Any ideas?", " Thanks in advance."]

TICKETS = {
    "billing": [
        "I was charged twice for my {plan} plan this month",
        "my invoice shows the wrong amount",
        "can I get a refund for last month",
        "the payment failed but the money left my account",
        "how do I change the card you charge",
        "why did my bill go up",
        "I cancelled but you still took a payment",
        "please send me a VAT invoice for my {plan} subscription",
        "the discount code was not applied to my order total",
        "I was billed after my free trial ended",
    ],
    "technical": [
        "the app crashes when I open {screen}",
        "I get an error 500 on {screen}",
        "the page will not load on my {device}",
        "{screen} is blank since the last update",
        "notifications stopped working on my {device}",
        "the app freezes when I upload a photo",
        "sync between my {device} and laptop is broken",
        "the search returns nothing even for simple words",
        "videos keep buffering and then stop",
        "the app is very slow on my {device} since yesterday",
    ],
    "account": [
        "I cannot log in to my account",
        "how do I reset my password",
        "please delete my account and my data",
        "I want to change the email on my account",
        "my account was locked after too many attempts",
        "someone else may have access to my account",
        "how do I add a second user to my {plan} plan",
        "the verification code never arrives on my {device}",
        "I want to merge my two accounts",
        "how do I change my username",
    ],
    "delivery": [
        "my order has not arrived yet",
        "the parcel was delivered to the wrong address",
        "tracking says delivered but I have nothing",
        "the box arrived damaged",
        "can I change the delivery address of my order",
        "the courier never came on {day}",
        "my order arrived with an item missing",
        "when will my order be shipped",
        "can I pick up my order instead of delivery",
        "the delivery was left outside in the rain on {day}",
    ],
}
VAGUE = ["I have a problem, can someone call me", "nothing works, please help", "I need to speak to a person",
         "this is the third time I write to you", "please look into my case"]
FILL = {"plan": ["Basic", "Plus", "Family", "Pro"], "screen": ["the settings page", "my profile", "the checkout",
        "the home screen", "the reports page"], "device": ["phone", "iPad", "Android tablet", "laptop", "iPhone"],
        "day": ["Monday", "Tuesday", "Friday", "Saturday"]}


def fill(template: str, rng: np.random.Generator) -> str:
    for key, options in FILL.items():
        if "{" + key + "}" in template:
            template = template.replace("{" + key + "}", str(rng.choice(options)))
    return template


def tickets(rows: int, rng: np.random.Generator) -> pd.DataFrame:
    teams = list(TICKETS)
    share = [0.35, 0.30, 0.20, 0.15]          # billing is the most common team, delivery the least
    out = []
    for _ in range(rows):
        team = str(rng.choice(teams, p=share))
        if rng.random() < 0.05:                # vague messages: the text does not say which team
            body = str(rng.choice(VAGUE))
        else:
            body = fill(str(rng.choice(TICKETS[team])), rng)
        if rng.random() < 0.04:                # a few tickets were routed by mistake in the past
            team = str(rng.choice([t for t in teams if t != team]))
        text = str(rng.choice(OPENERS)) + body + "." + str(rng.choice(CLOSERS))
        out.append({"text": text[0].upper() + text[1:], "team": team})
    return pd.DataFrame(out)


REVIEW_PRAISE = ["love this app", "works great for me", "five stars, very easy to use", "the new design is lovely",
                 "best budgeting app I have tried", "simple and fast", "does exactly what I need"]
REVIEW_COMPLAINT = ["I was charged but cannot use the premium features", "how do I export my data?",
                    "the app deleted my notes, can you help?", "support never answered my email",
                    "why can't I log in since the update?", "I want my money back", "where did the dark mode go?"]
REVIEW_MIXED = ["good app but a bit slow", "nice, though the widget is ugly", "fine for basics, missing features",
                "ok I guess", "decent but too many notifications"]


def reviews(rows: int, rng: np.random.Generator) -> pd.DataFrame:
    out = []
    for _ in range(rows):
        kind = rng.choice(["praise", "complaint", "mixed"], p=[0.5, 0.3, 0.2])
        pool = {"praise": REVIEW_PRAISE, "complaint": REVIEW_COMPLAINT, "mixed": REVIEW_MIXED}[str(kind)]
        text = str(rng.choice(pool))
        if kind == "complaint":                # questions often come from happy customers, with many stars
            stars = int(rng.choice([1, 2, 3, 4, 5], p=[0.35, 0.25, 0.15, 0.15, 0.10]))
        else:
            stars = int(rng.choice([4, 5]) if kind == "praise" else rng.choice([2, 3, 4]))
        needs_reply = int(kind == "complaint")
        if rng.random() < 0.05:
            needs_reply = 1 - needs_reply
        out.append({"review": text[0].upper() + text[1:], "stars": stars, "needs_reply": needs_reply})
    return pd.DataFrame(out)


if __name__ == "__main__":
    rng = np.random.default_rng(13)
    reviews(800, rng).to_csv(HERE / "reviews_train.csv", index=False)
    reviews(300, rng).to_csv(HERE / "reviews_holdout.csv", index=False)
    EXERCISE.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(1313)
    tickets(1200, rng).to_csv(EXERCISE / "tickets_train.csv", index=False)
    tickets(400, rng).to_csv(EXERCISE / "tickets_holdout.csv", index=False)
