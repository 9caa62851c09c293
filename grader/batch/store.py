"""The results folder: one JSON file per learner and exercise, written atomically, read to resume."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from grader.batch.jobs import ERROR, JobOutcome
from grader.batch.lock import AlreadyLocked, exclusive_lock
from grader.errors import UngradableInput
from grader.files import write_atomically


class ResultsStore:
    """DIR/results/<learner>/<key>.json, and DIR/gradescope/<learner>/<key>/results.json."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.results = out / "results"

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the folder for this batch; the lock goes with the process, even after kill -9."""
        self.out.mkdir(parents=True, exist_ok=True)
        with ExitStack() as held:
            try:
                held.enter_context(exclusive_lock(self.out / ".grade-batch.lock"))
            except AlreadyLocked:
                raise UngradableInput(f"Another grade-batch is writing to {self.out}: wait for it to finish.") from None
            yield

    def sweep(self) -> int:
        """Remove the temporary files of a write that a killed batch never finished."""
        removed = 0
        for tmp in self.out.glob("**/.*.tmp"):
            tmp.unlink(missing_ok=True)
            removed += 1
        return removed

    def path(self, learner: str, key: str) -> Path:
        return self.results / learner / f"{key}.json"

    def load(self, learner: str, key: str) -> dict[str, Any] | None:
        try:
            record = json.loads(self.path(learner, key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return record if isinstance(record, dict) else None

    def current(self, learner: str, key: str, content_hash: str) -> dict[str, Any] | None:
        """The stored record if it was graded from exactly this content and is not a grader error."""
        record = self.load(learner, key)
        if record is None or record.get("status") == ERROR:
            return None
        return record if record.get("batch", {}).get("content_hash") == content_hash else None

    def gradescope_path(self, learner: str, key: str) -> Path:
        return self.out / "gradescope" / learner / key / "results.json"

    def save(self, outcome: JobOutcome) -> None:
        write_atomically(
            self.path(outcome.learner, outcome.key), json.dumps(outcome.record, indent=2, ensure_ascii=False) + "\n"
        )
        gradescope = self.gradescope_path(outcome.learner, outcome.key)
        if outcome.gradescope is not None:
            write_atomically(gradescope, outcome.gradescope)
        elif gradescope.exists():  # a newer grading without --gradescope: drop the stale copy
            os.unlink(gradescope)
