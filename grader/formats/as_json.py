"""Our own JSON record (schema version 1, documented in docs/grading.md)."""

from __future__ import annotations

import json

from grader.result import GradeResult


def render(result: GradeResult) -> str:
    return json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n"
