"""Gradescope's autograder results.json: a score and one entry per check."""

from __future__ import annotations

import json
from typing import Any

from grader.result import GradeResult, Outcome


def render(result: GradeResult) -> str:
    tests: list[dict[str, Any]] = []
    for check in result.checks:
        lines = [f"{check.outcome}."]
        if check.message:
            lines.append(check.message)
        if check.expected is not None:
            lines += [f"expected: {check.expected}", f"got: {check.got}"]
        tests.append(
            {
                "name": check.description,
                "score": check.points,
                "max_score": check.max_points,
                "status": "passed" if check.outcome is Outcome.PASSED else "failed",
                "output": "\n".join(lines)[:5000],
                "visibility": "visible",
            }
        )
    results: dict[str, Any] = {"score": result.score, "execution_time": result.timings.get("total", 0), "tests": tests}
    if result.problem:
        results["output"] = result.problem  # shown above the tests: why there are none
    return json.dumps(results, indent=2, ensure_ascii=False) + "\n"
