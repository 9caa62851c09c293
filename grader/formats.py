"""Machine formats of a result: JSON (our schema), JUnit XML (for CI), Gradescope results.json."""

from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from grader.files import write_atomically
from grader.result import GradeResult, Outcome


def emit(text: str, destination: str) -> None:
    """Write to a file, or to standard output when the destination is `-`."""
    if destination == "-":
        sys.stdout.write(text)
    else:
        write_atomically(Path(destination), text)


def to_json(result: GradeResult) -> str:
    return json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n"


def to_junit(result: GradeResult) -> str:
    failures = sum(c.outcome in (Outcome.FAILED, Outcome.NOT_ATTEMPTED, Outcome.TIMED_OUT) for c in result.checks)
    errors = sum(c.outcome is Outcome.ERROR for c in result.checks)
    suite = ET.Element("testsuite", name=result.exercise_id, tests=str(len(result.checks)),
                       failures=str(failures), errors=str(errors), time=str(result.timings.get("total", 0)))
    for check in result.checks:
        case = ET.SubElement(suite, "testcase", classname=result.exercise_id, name=check.name,
                             time=str(check.seconds))
        if check.outcome is Outcome.ERROR:
            ET.SubElement(case, "error", message=check.message)
        elif check.outcome is not Outcome.PASSED:
            ET.SubElement(case, "failure", message=f"{check.outcome}: {check.message}", type=str(check.outcome))
    return _junit_document(suite)


def _junit_document(suite: ET.Element) -> str:
    root = ET.Element("testsuites")
    root.append(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def to_gradescope(result: GradeResult) -> str:
    """Gradescope's autograder results.json: a score and one entry per check."""
    tests: list[dict[str, Any]] = []
    for check in result.checks:
        lines = [f"{check.outcome}."]
        if check.message:
            lines.append(check.message)
        if check.expected is not None:
            lines += [f"expected: {check.expected}", f"got: {check.got}"]
        tests.append({"name": check.description, "score": check.points, "max_score": check.max_points,
                      "status": "passed" if check.outcome is Outcome.PASSED else "failed",
                      "output": "\n".join(lines)[:5000], "visibility": "visible"})
    return json.dumps({"score": result.score, "execution_time": result.timings.get("total", 0),
                       "tests": tests}, indent=2, ensure_ascii=False) + "\n"
