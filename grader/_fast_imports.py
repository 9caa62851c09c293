"""Keep `grade` quick to start: skip one optional import that costs more than everything else.

nbformat validates notebooks with jsonschema, and jsonschema's format checker imports the optional
`rfc3987_syntax` when it is installed (jupyter's own packages install it). That import builds a
grammar and takes 0.5 to 5 s, while nbformat's schema never uses the formats it checks. Marking it
absent makes jsonschema skip those formats, exactly as it does where the package is not installed.
Imported first by the grader's entry points only, never inside the learner's kernel.
"""

from __future__ import annotations

import sys

sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
