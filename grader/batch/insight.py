"""The numbers behind report.html: what to reteach, who to help, how long grading took.

Read from the batch's records only, so a resumed or clustered batch gives the same numbers.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from grader.batch.gradebook import Gradebook
from grader.batch.jobs import ERROR, UNGRADABLE

NOT_ATTEMPTED = "not attempted"
_FAILED = ("failed", "timed out")


@dataclass(frozen=True)
class CheckRate:
    """One check of one exercise: how many graded submissions passed it."""

    exercise: str
    description: str
    passed: int
    total: int

    @property
    def rate(self) -> float:
        return self.passed / self.total if self.total else 0.0


@dataclass(frozen=True)
class Failure:
    """One message learners were shown when a check failed, and who saw it."""

    exercise: str
    check: str
    message: str
    learners: list[str]


@dataclass(frozen=True)
class Stuck:
    """A learner who needs help, and why, in the instructor's words."""

    learner: str
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Timing:
    learner: str
    exercise: str
    notebook: str
    seconds: float


def scores(book: Gradebook, exercise: str) -> list[float]:
    """The scores of an exercise's submissions; a grader error is no one's score."""
    return [
        float(r["score"]) for (_, key), r in sorted(book.records.items()) if key == exercise and r["status"] != ERROR
    ]


def check_rates(book: Gradebook) -> list[CheckRate]:
    """Every check's pass rate among submissions that attempted the exercise, lowest first."""
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for (_, key), record in sorted(book.records.items()):
        if key not in book.exercises or record["status"] in (ERROR, UNGRADABLE, NOT_ATTEMPTED):
            continue
        for check in record.get("checks", []):
            tally = counts[key, check["description"]]
            tally[0] += check["outcome"] == "passed"
            tally[1] += 1
    rates = [CheckRate(e, d, passed, total) for (e, d), (passed, total) in counts.items()]
    return sorted(rates, key=lambda c: (c.rate, book.exercises.index(c.exercise), c.description))


def common_failures(book: Gradebook, limit: int = 10) -> list[Failure]:
    """The messages of failed checks, the most learners first."""
    seen: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for (learner, key), record in sorted(book.records.items()):
        for check in record.get("checks", []):
            if check["outcome"] in _FAILED:
                message = (check.get("message") or check["outcome"]).strip().splitlines()[0]
                seen[key, check["description"], message].append(learner)
    found = [Failure(e, c, m, who) for (e, c, m), who in seen.items()]
    return sorted(found, key=lambda f: (-len(f.learners), f.exercise, f.check, f.message))[:limit]


def stuck_learners(book: Gradebook) -> list[Stuck]:
    """Learners with a notebook not attempted, not gradable or stopped by an error, or 0 more than once."""
    stuck = []
    for learner in book.learners:
        reasons, zeros = [], []
        for (who, key), record in sorted(book.records.items()):
            if who != learner:
                continue
            status = record["status"]
            if status == NOT_ATTEMPTED:
                reasons.append(f"{key}: not attempted")
            elif status == UNGRADABLE:
                reasons.append(f"{key}: could not be graded ({record.get('problem', '')})")
            elif status == ERROR:
                reasons.append(f"{key}: the grader failed, not the learner (grade it again)")
            for error in record.get("cell_errors", []):
                what = "ran too long" if error.get("timed_out") else f"stopped with {error.get('ename', 'an error')}"
                reasons.append(f"{key}: cell {error.get('cell')} {what}")
            if key in book.exercises and status not in (ERROR, NOT_ATTEMPTED) and float(record["score"]) == 0:
                zeros.append(key)
        if len(zeros) > 1:
            reasons.append("scored 0 on " + ", ".join(zeros))
        if reasons:
            stuck.append(Stuck(learner, reasons))
    return stuck


def timings(book: Gradebook) -> list[Timing]:
    """How long each submission took to grade, the slowest first."""
    found = [
        Timing(learner, key, r.get("notebook", ""), float(r.get("batch", {}).get("seconds", 0.0)))
        for (learner, key), r in book.records.items()
    ]
    return sorted(found, key=lambda t: (-t.seconds, t.learner, t.exercise))
