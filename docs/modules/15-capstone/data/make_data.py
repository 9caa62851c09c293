"""Make the data of module 15 (capstone). Every message is invented, from templates, with fixed seeds.

Run it with `python make_data.py` from this folder; the files are the same every time.

- reviews_train.csv, reviews_holdout.csv   lessons: app-store reviews, and whether each needs a reply
- ../../../../exercises/15-capstone/ticket-router/tickets_train.csv, tickets_holdout.csv
                                           the capstone: support tickets and the team that handled each

A holdout plays the part of the future, so it must share no text with training: each set is written
from its own sentences (a template is either a training one or a holdout one), and `split_apart`
then drops any holdout row that is an exact or near duplicate of a training row (`overlap` below,
the same check lesson 1 teaches).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
EXERCISE = HERE.parents[3] / "exercises" / "15-capstone" / "ticket-router"
NEAR = 0.8   # word-set Jaccard similarity from which two texts count as near duplicates


def normalise(text: str) -> str:
    """Lower case, punctuation dropped, spaces collapsed: 'Hi,  Team!' and 'hi team' compare equal."""
    return " ".join(re.findall(r"[a-z0-9']+", str(text).lower()))


def jaccard(a: str, b: str) -> float:
    """Shared words over all words of the two texts (1.0 for the same words, 0.0 for none shared)."""
    left, right = set(normalise(a).split()), set(normalise(b).split())
    return len(left & right) / len(left | right) if left | right else 1.0


def overlap(train_texts: list[str], holdout_texts: list[str], threshold: float = NEAR) -> list[str]:
    """The holdout texts that are an exact (after normalising) or near duplicate of a training text."""
    seen = {normalise(t) for t in train_texts}
    train_words = [set(normalise(t).split()) for t in train_texts]
    found = []
    for text in holdout_texts:
        words = set(normalise(text).split())
        if normalise(text) in seen or any(len(words & w) / len(words | w) >= threshold
                                          for w in train_words if words | w):
            found.append(text)
    return found


def split_apart(train: pd.DataFrame, holdout: pd.DataFrame, column: str) -> pd.DataFrame:
    """The holdout without the rows that are an exact or near duplicate of a training row."""
    leaked = set(overlap(list(train[column]), list(holdout[column])))
    return holdout[~holdout[column].isin(leaked)].reset_index(drop=True)


# -- support tickets (the capstone) ---------------------------------------------------------------
OPENERS = ["", "Hi, ", "Hello, ", "Hi team, ", "Good morning, ", "Hey, ", "Please help: ", "Urgent: "]
CLOSERS = ["", " Thanks.", " Thank you!", " Cheers", " Please sort this out.", " Any ideas?", " Thanks in advance."]

# The first ten of each team's requests write the training tickets; the rest write the holdout,
# so that a holdout ticket says its problem in words no training ticket used.
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
        "there are two identical charges on my bank statement",
        "I need a receipt for my {plan} plan for my accountant",
        "the price of my {plan} subscription changed without notice",
        "you took money from my card after I closed the plan",
        "please refund the fee I paid by mistake",
    ],
    "technical": [
        "the app crashes when I open {screen}",
        "I get an error 500 on {screen}",
        "the page will not load on my {device}",
        "{screen} is blank since the last update",
        "notifications stopped working on my {device}",
        "the app freezes when I upload a photo",
        "sync between my {device} and my computer is broken",
        "the search returns nothing even for simple words",
        "videos keep buffering and then stop",
        "the app is very slow on my {device} since yesterday",
        "{screen} shows an error message and closes",
        "the buttons on {screen} do nothing when I tap them",
        "after the update the app will not start on my {device}",
        "the website keeps loading forever on my {device}",
        "images are broken on {screen}",
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
        "the password reset link in the email has expired",
        "I can no longer sign in with my email address",
        "please update the name on my profile",
        "my login stopped working after I changed my email",
        "I forgot which email I used to sign up",
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
        "the package is late by a week",
        "the tracking number you sent does not work",
        "my parcel is stuck at the depot since {day}",
        "the courier lost my package",
        "part of my order was shipped to my old address",
    ],
}
TRAIN_TEMPLATES = 10
VAGUE = ["I have a problem, can someone call me", "nothing works, please help", "I need to speak to a person",
         "this is the third time I write to you", "please look into my case", "I am very unhappy with this",
         "can a manager contact me today"]
VAGUE_TRAIN = 5
FILL = {"plan": ["Basic", "Plus", "Family", "Pro"], "screen": ["the settings page", "my profile", "the checkout",
        "the home screen", "the reports page"], "device": ["phone", "iPad", "Android tablet", "laptop", "iPhone"],
        "day": ["Monday", "Tuesday", "Friday", "Saturday"]}


def fill(template: str, rng: np.random.Generator) -> str:
    for key, options in FILL.items():
        if "{" + key + "}" in template:
            template = template.replace("{" + key + "}", str(rng.choice(options)))
    return template


def tickets(rows: int, rng: np.random.Generator, holdout: bool) -> pd.DataFrame:
    teams = list(TICKETS)
    share = [0.35, 0.30, 0.20, 0.15]          # billing is the most common team, delivery the least
    vague = VAGUE[VAGUE_TRAIN:] if holdout else VAGUE[:VAGUE_TRAIN]
    out = []
    for _ in range(rows):
        team = str(rng.choice(teams, p=share))
        templates = TICKETS[team][TRAIN_TEMPLATES:] if holdout else TICKETS[team][:TRAIN_TEMPLATES]
        vague_one = rng.random() < 0.05        # vague messages: the text does not say which team
        body = str(rng.choice(vague)) if vague_one else fill(str(rng.choice(templates)), rng)
        if rng.random() < 0.04:                # a few tickets were routed by mistake in the past
            team = str(rng.choice([t for t in teams if t != team]))
        text = str(rng.choice(OPENERS)) + body + "." + str(rng.choice(CLOSERS))
        out.append({"text": text[0].upper() + text[1:], "team": team})
    return pd.DataFrame(out).drop_duplicates("text").reset_index(drop=True)


# -- app-store reviews (the lessons) --------------------------------------------------------------
# Each pool's first part writes the training reviews, the rest the holdout ones.
REVIEW_PRAISE = ["love this app", "works great for me", "five stars, very easy to use", "the new design is lovely",
                 "best budgeting app I have tried", "simple and fast", "does exactly what I need",
                 "finally a budget I can stick to", "clean, quick and reliable", "my favourite app this year",
                 "saved me real money in the first month"]
REVIEW_COMPLAINT = ["I was charged but cannot use the premium features", "how do I export my data?",
                    "the app deleted my notes, can you help?", "support never answered my email",
                    "why can't I log in since the update?", "I want my money back", "where did the dark mode go?",
                    "my bank will not connect any more, what should I do?", "how can I share a budget with my partner?",
                    "the sync lost a week of my expenses", "I paid twice for the yearly plan"]
REVIEW_MIXED = ["good app but a bit slow", "nice, though the widget is ugly", "fine for basics, missing features",
                "ok I guess", "decent but too many notifications", "useful, if a little plain",
                "pretty good, the charts could be clearer", "does the job, nothing special"]
REVIEW_TRAIN = {"praise": 7, "complaint": 7, "mixed": 5}
REVIEW_ENDINGS = ["", "!", ".", " :)", " 🙂", "...", "!!"]


def reviews(rows: int, rng: np.random.Generator, holdout: bool) -> pd.DataFrame:
    pools = {"praise": REVIEW_PRAISE, "complaint": REVIEW_COMPLAINT, "mixed": REVIEW_MIXED}
    out = []
    for _ in range(rows):
        kind = str(rng.choice(["praise", "complaint", "mixed"], p=[0.5, 0.3, 0.2]))
        cut = REVIEW_TRAIN[kind]
        pool = pools[kind][cut:] if holdout else pools[kind][:cut]
        text = str(rng.choice(pool)) + str(rng.choice(REVIEW_ENDINGS))
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
    review_train = reviews(800, rng, holdout=False)
    review_holdout = split_apart(review_train, reviews(300, rng, holdout=True), "review")
    review_train.to_csv(HERE / "reviews_train.csv", index=False)
    review_holdout.to_csv(HERE / "reviews_holdout.csv", index=False)

    EXERCISE.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(1313)
    ticket_train = tickets(700, rng, holdout=False)
    ticket_holdout = split_apart(ticket_train, tickets(90, rng, holdout=True), "text")
    ticket_train.to_csv(EXERCISE / "tickets_train.csv", index=False)
    ticket_holdout.to_csv(EXERCISE / "tickets_holdout.csv", index=False)
    for name, frame in [("reviews", review_holdout), ("tickets", ticket_holdout)]:
        print(f"{name}: {len(frame)} holdout rows, no exact or near duplicate of a training row")
