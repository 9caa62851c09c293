"""Text shown on the terminal through rich, exactly as written.

rich's own `escape` protects only what looks like a style tag; a backslash before any other "["
(a regex in a hint, `r"\\[(\\d+)\\]"`) is still read as an escape and vanishes. Here it is kept.
"""

from __future__ import annotations

import re

from rich.markup import escape as _escape_tags

_BACKSLASHES_BEFORE_PLAIN_BRACKET = re.compile(r"(\\+)(\[(?![a-z#/@][^[]*?\]))")


def escape(text: str) -> str:
    """`text` as rich markup that prints it unchanged."""
    return _escape_tags(_BACKSLASHES_BEFORE_PLAIN_BRACKET.sub(r"\1\\\2", text))
