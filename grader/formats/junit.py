"""JUnit XML, for CI systems: one test case per check (a submission not graded is one error)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from grader.result import GradeResult, Outcome


def render(result: GradeResult) -> str:
    failures = sum(c.outcome in (Outcome.FAILED, Outcome.NOT_ATTEMPTED, Outcome.TIMED_OUT) for c in result.checks)
    errors = sum(c.outcome is Outcome.ERROR for c in result.checks) + bool(result.problem)
    suite = ET.Element(
        "testsuite",
        name=result.exercise_id or "unknown",
        tests=str(len(result.checks) or int(bool(result.problem))),
        failures=str(failures),
        errors=str(errors),
        time=str(result.timings.get("total", 0)),
    )
    if result.problem:
        case = ET.SubElement(suite, "testcase", classname=result.exercise_id or "unknown", name="grading", time="0")
        ET.SubElement(case, "error", message=result.problem, type=str(result.status))
    for check in result.checks:
        case = ET.SubElement(suite, "testcase", classname=result.exercise_id, name=check.name, time=str(check.seconds))
        if check.outcome is Outcome.ERROR:
            ET.SubElement(case, "error", message=check.message)
        elif check.outcome is not Outcome.PASSED:
            ET.SubElement(case, "failure", message=f"{check.outcome}: {check.message}", type=str(check.outcome))
    root = ET.Element("testsuites")
    root.append(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
