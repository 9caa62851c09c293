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


def main() -> None:
    write_csv(HERE / "user_spend.csv", ["user_id", "plan", "sessions_30d", "spend_30d"],
              user_spend(61, 400))
    write_csv(HERE / "checkout_test.csv", ["user_id", "group", "day", "converted"],
              ab_test(62, 8000, ("A", "B"), (0.100, 0.115)))
    write_csv(EXERCISES / "two-proportion-test" / "experiment.csv",
              ["user_id", "group", "day", "converted"],
              ab_test(63, 12000, ("control", "treatment"), (0.050, 0.058)))


if __name__ == "__main__":
    main()
