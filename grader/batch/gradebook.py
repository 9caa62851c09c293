"""The gradebook: one row per learner, a column per exercise and a total, as CSV and JSON."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any

from grader.batch.jobs import ERROR
from grader.sandbox import UNSANDBOXED


@dataclass(frozen=True)
class Gradebook:
    """Every learner's records of this batch; exercises are the columns, in roadmap order."""

    exercises: list[str]
    learners: list[str]
    records: dict[tuple[str, str], dict[str, Any]]  # (learner, exercise or unmatched key) -> record

    def max_score(self, exercise: str) -> float:
        return max((r.get("max_score", 0.0) for (_, key), r in self.records.items() if key == exercise), default=0.0)

    def total(self, learner: str) -> float:
        """Points earned; a missing submission or a grader error adds nothing."""
        return sum(float(r["score"]) for r in self._graded(learner))

    def max_total(self) -> float:
        return sum(self.max_score(e) for e in self.exercises)

    def cell(self, learner: str, exercise: str) -> str:
        """A score, "error" when the grader failed (never a learner's 0), or empty if not submitted."""
        record = self.records.get((learner, exercise))
        if record is None:
            return ""
        return ERROR if record["status"] == ERROR else _number(record["score"])

    def to_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        flagged = any(self.unsandboxed(learner) for learner in self.learners)  # the column only when it matters
        writer.writerow(["learner", *self.exercises, "total", "out_of", *(["graded_unsandboxed"] if flagged else [])])
        for learner in self.learners:
            writer.writerow(
                [
                    learner,
                    *(self.cell(learner, e) for e in self.exercises),
                    _number(self.total(learner)),
                    _number(self.max_total()),
                    *([" ".join(self.unsandboxed(learner))] if flagged else []),
                ]
            )
        return out.getvalue()

    def to_json(self) -> str:
        exercises = [{"id": e, "max_score": self.max_score(e)} for e in self.exercises]
        learners = []
        for learner in self.learners:
            scores = {}
            for exercise in self.exercises:
                if (record := self.records.get((learner, exercise))) is not None:
                    scores[exercise] = {
                        "score": record["score"],
                        "max_score": record["max_score"],
                        "status": record["status"],
                        "result": f"results/{learner}/{exercise}.json",
                        "sandbox": record.get("sandbox", ""),
                    }
            unmatched = [
                r["notebook"]
                for (who, key), r in sorted(self.records.items())
                if who == learner and key not in self.exercises
            ]
            learners.append(
                {
                    "learner": learner,
                    "scores": scores,
                    "total": self.total(learner),
                    "max_total": self.max_total(),
                    "unmatched": unmatched,
                }
            )
        return json.dumps({"exercises": exercises, "learners": learners}, indent=2, ensure_ascii=False) + "\n"

    def unsandboxed(self, learner: str) -> list[str]:
        """The exercises of `learner` whose kernel ran without the sandbox (`--unsandboxed`)."""
        return [e for e in self.exercises if (self.records.get((learner, e)) or {}).get("sandbox") == UNSANDBOXED]

    def _graded(self, learner: str) -> list[dict[str, Any]]:
        found = (self.records.get((learner, e)) for e in self.exercises)
        return [r for r in found if r is not None and r["status"] != ERROR]


def _number(value: float) -> str:
    return f"{float(value):g}"
