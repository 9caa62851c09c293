"""Make the small, made-up data sets of module 06 (statistics and A/B testing).

Run it from the repository root:
    .venv/bin/python docs/modules/06-stats-ab-testing/data/make_data.py

Everything comes from fixed seeds, so running it again writes exactly the same files. It writes
the lesson data beside this script and the data of the graded exercise "two-proportion-test" in
exercises/06-stats-ab-testing/. The data describe "Quillo", an imaginary start-up selling an AI
writing assistant; no real person or company is in them.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[3]
EXERCISES = ROOT / "exercises" / "06-stats-ab-testing"


def write_csv(path: Path, header: list[str], rows: list[list[object]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def user_spend(seed: int, n: int) -> list[list[object]]:
    """Spend of each user over 30 days: most pay nothing, a few pay a lot (a long right tail)."""
    rng = np.random.default_rng(seed)
    rows = []
    for user in range(1, n + 1):
        pays = rng.random() < 0.3
        spend = round(float(rng.lognormal(mean=np.log(25), sigma=0.9)), 2) if pays else 0.0
        sessions = int(rng.poisson(12 if pays else 5))
        rows.append([user, "paid" if pays else "free", sessions, spend])
    return rows


def ab_test(seed: int, n: int, groups: tuple[str, str], rates: tuple[float, float],
            first_day: int = 1, days: int = 14) -> list[list[object]]:
    """One row per user: the group a coin flip put them in, their day of entry, converted or not."""
    rng = np.random.default_rng(seed)
    rows = []
    for user in range(1, n + 1):
        g = int(rng.integers(2))
        converted = int(rng.random() < rates[g])
        day = int(rng.integers(first_day, first_day + days))
        rows.append([user, groups[g], day, converted])
    return rows


def readout_test(seed: int, n: int, rates: tuple[float, float], refund_rates: tuple[float, float],
                 latency_ms: tuple[float, float], treatment_share: float = 0.5) -> list[list[object]]:
    """One row per user of a test with guardrails: group, converted, refunded, page latency in ms.

    `treatment_share` below 0.5 imitates a broken split (sample ratio mismatch)."""
    rng = np.random.default_rng(seed)
    rows = []
    for user in range(1, n + 1):
        g = int(rng.random() < treatment_share)
        converted = int(rng.random() < rates[g])
        refunded = int(rng.random() < refund_rates[g])
        latency = max(80, round(float(rng.normal(latency_ms[g], 180))))
        rows.append([user, ("control", "treatment")[g], converted, refunded, latency])
    return rows


def signups_and_events(seed: int, n: int) -> tuple[list[list[object]], list[list[object]]]:
    """Users who signed up in March 2026, and what they did in their first 30 days.

    About a third never come back (no events at all); the others open the app, create documents,
    invite teammates and export, each a few hours to a few weeks after signing up."""
    rng = np.random.default_rng(seed)
    start = np.datetime64("2026-03-01T00:00")
    users, events = [], []
    for user in range(1, n + 1):
        signed_up = start + np.timedelta64(int(rng.integers(0, 31 * 24 * 60)), "m")
        users.append([user, str(signed_up).replace("T", " ")])
        if rng.random() < 0.35:
            continue  # signed up and never came back
        happened = []
        for event, chance, mean_days in [("opened_app", 0.95, 3.0), ("created_document", 0.6, 4.0),
                                         ("invited_teammate", 0.3, 9.0), ("exported_pdf", 0.25, 8.0)]:
            if rng.random() < chance:
                for _ in range(int(rng.integers(1, 4))):
                    delay = float(rng.exponential(mean_days))
                    if delay < 30:
                        happened.append((delay, event))
        for delay, event in sorted(happened):
            at = signed_up + np.timedelta64(int(delay * 24 * 60), "m")
            events.append([user, event, str(at).replace("T", " ")])
    return users, events


def main() -> None:
    write_csv(HERE / "user_spend.csv", ["user_id", "plan", "sessions_30d", "spend_30d"],
              user_spend(61, 400))
    write_csv(HERE / "checkout_test.csv", ["user_id", "group", "day", "converted"],
              ab_test(62, 8000, ("A", "B"), (0.100, 0.115)))
    write_csv(EXERCISES / "two-proportion-test" / "experiment.csv",
              ["user_id", "group", "day", "converted"],
              ab_test(63, 12000, ("control", "treatment"), (0.050, 0.058)))

    readout_columns = ["user_id", "group", "converted", "refunded", "latency_ms"]
    write_csv(HERE / "summary_test_week1.csv", readout_columns,
              readout_test(64, 14000, (0.080, 0.092), (0.020, 0.021), (640, 655), treatment_share=0.47))
    write_csv(HERE / "summary_test_rerun.csv", readout_columns,
              readout_test(65, 14000, (0.080, 0.092), (0.020, 0.031), (640, 655)))
    write_csv(EXERCISES / "ab-readout" / "experiment.csv", readout_columns,
              readout_test(66, 16000, (0.100, 0.115), (0.020, 0.022), (820, 885)))

    users, events = signups_and_events(67, 600)
    write_csv(HERE / "signups.csv", ["user_id", "signed_up_at"], users)
    write_csv(HERE / "signup_events.csv", ["user_id", "event", "at"], events)
    users, events = signups_and_events(68, 500)
    write_csv(EXERCISES / "metric-spec" / "users.csv", ["user_id", "signed_up_at"], users)
    write_csv(EXERCISES / "metric-spec" / "events.csv", ["user_id", "event", "at"], events)


if __name__ == "__main__":
    main()
