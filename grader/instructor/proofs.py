"""Proven checks: the submissions kept beside a reference solution that prove its checks right.

`solutions/<module>/<exercise>/proofs.toml` lists alternative correct solutions, written another
way, which must score full marks, and known-wrong submissions (the mistakes the hints target, and
one that games the checks), each naming the checks it must lose and a piece of the message that
must tell the learner why::

    [[alternative]]
    notebook = "proofs/with-a-loop.ipynb"
    why = "counts with a for loop instead of value_counts"

    [[wrong]]
    notebook = "proofs/rounds-down.ipynb"
    mistake = "rounds with int(), which cuts 3838.1 down to 3838"
    loses = { test_rounds_up = "slightly too small" }

The notebooks live under the solution's folder, which neither the site, the book nor the learner's
download ever publishes.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

PROOFS_FILE = "proofs.toml"
MIN_ALTERNATIVES = 1
MIN_WRONG = 2  # the mistakes the hints target, and one that games the checks


@dataclass(frozen=True)
class Proof:
    """One submission that proves something about an exercise's checks."""

    kind: str  # "alternative" (full marks) or "wrong" (loses the named checks)
    notebook: Path
    why: str
    loses: dict[str, str] = field(default_factory=dict)  # check name -> a piece of its failure message

    @property
    def label(self) -> str:
        return f"{self.kind} {self.notebook.name}"


@dataclass(frozen=True)
class CheckSeen:
    """What a grading said about one check, as much as a proof needs."""

    name: str
    passed: bool
    text: str  # everything the learner reads about it: message, expected, got, explanation


class ProofsError(ValueError):
    """proofs.toml cannot be read or is incomplete; the message names the file and the entry."""


def read_proofs(solution_folder: Path) -> list[Proof]:
    """The proofs of one exercise (none when it has no proofs.toml)."""
    path = solution_folder / PROOFS_FILE
    if not path.is_file():
        return []
    try:
        meta = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise ProofsError(f"{path} cannot be read: {err}") from None
    unknown = set(meta) - {"alternative", "wrong"}
    if unknown:
        raise ProofsError(f"{path}: unknown section {sorted(unknown)[0]!r} (use [[alternative]] or [[wrong]])")
    proofs = []
    for kind, reason_key in (("alternative", "why"), ("wrong", "mistake")):
        for number, entry in enumerate(meta.get(kind, []), 1):
            where = f"{path}: [[{kind}]] number {number}"
            notebook = str(entry.get("notebook") or "")
            if not notebook or not (solution_folder / notebook).is_file():
                raise ProofsError(f"{where}: notebook {notebook!r} is missing")
            reason = str(entry.get(reason_key) or "")
            if not reason:
                raise ProofsError(f"{where}: say in `{reason_key}` what it does differently")
            loses = entry.get("loses", {})
            if kind == "wrong" and (not isinstance(loses, dict) or not loses):
                raise ProofsError(f"{where}: `loses` must name the checks it loses and a piece of each message")
            proofs.append(Proof(kind, solution_folder / notebook, reason, {str(k): str(v) for k, v in loses.items()}))
    return proofs


def too_few_proofs(proofs: list[Proof]) -> list[str]:
    """An exercise without enough proofs is not proven (one line saying what is missing)."""
    alternatives = sum(p.kind == "alternative" for p in proofs)
    wrong = len(proofs) - alternatives
    if alternatives >= MIN_ALTERNATIVES and wrong >= MIN_WRONG:
        return []
    return [
        f"{PROOFS_FILE} keeps {alternatives} alternative and {wrong} wrong submission(s) beside the "
        f"solution; at least {MIN_ALTERNATIVES} and {MIN_WRONG} (see `course new` for an example)"
    ]


def broken_promises(proof: Proof, status: str, checks: list[CheckSeen]) -> list[str]:
    """What the grading of a proof contradicts, one plain line each (empty when it holds)."""
    if status == "error":
        return [f"{proof.label} could not be graded"]
    if proof.kind == "alternative":
        lost = [c.name for c in checks if not c.passed]
        return [f"{proof.label} ({proof.why}) is correct but loses {', '.join(lost)}"] if lost else []
    by_name = {c.name: c for c in checks}
    problems = []
    for name, words in proof.loses.items():
        seen = by_name.get(name)
        if seen is None:
            problems.append(f"{proof.label} names {name}, which is not a check of this exercise")
        elif seen.passed:
            problems.append(f"{proof.label} ({proof.why}) passes {name}")
        elif words.lower() not in seen.text.lower():
            problems.append(f"{proof.label} loses {name} without saying {words!r}: {seen.text[:160]!r}")
    return problems
