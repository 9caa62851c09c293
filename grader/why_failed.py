"""What a beginner cannot see in `expected` and `got`, said in one plain sentence.

`34.65` and `'34.65'` look alike to someone who has never programmed; `None` means nothing to
them; a `return` indented one step too far looks like any other line. Each function here looks at
what a failed check compared (and at the learner's source, never running it) and says what the
difference means, or "" when it has nothing useful to add.
"""

from __future__ import annotations

import ast
import numbers
import re
from collections.abc import Iterable, Sequence
from typing import Any

from grader.probe import Answer, RemoteObject

PRINTED_LINES = 5


def kind_of(value: Any) -> str:
    """The kind of a value, in the words the first lessons use."""
    if type(value).__name__.startswith("Approx"):  # pytest.approx(34.65) stands for a number
        value = getattr(value, "expected", value)
    if value is None:
        return "nothing (None)"
    if isinstance(value, bool) or type(value).__name__ in ("bool_", "bool"):  # numpy's True is not a bool
        return "True or False"
    if isinstance(value, numbers.Number):
        return "a number"
    kinds = {str: "text", list: "a list", tuple: "a tuple", dict: "a dictionary", set: "a set", frozenset: "a set"}
    for kind, words in kinds.items():
        if isinstance(value, kind):
            return words
    if isinstance(value, RemoteObject):
        return f"a value of type {value.type_name}"
    name = type(value).__name__
    return {"DataFrame": "a table (DataFrame)", "Series": "a column (Series)", "ndarray": "a numpy array"}.get(
        name, f"a value of type {name}"
    )


def difference(got: Any, expected: Any, answers: Sequence[Answer]) -> str:
    """Why `got` is not `expected` when the reason is one a beginner cannot see: None, or a wrong kind."""
    answer = next((a for a in reversed(answers) if a.value is got), None)
    if got is None and expected is not None:
        if answer is not None and answer.kind == "call":
            return (
                f"`{answer.name}` returned nothing (None): is it missing `return`, or does it print "
                "the answer instead of returning it?"
            )
        subject = f"`{answer.name}` holds" if answer else "The result is"
        return (
            f"{subject} None, which is what a function gives back when it has no `return`: "
            "does it print the answer instead of returning it?"
        )
    have, want = kind_of(got), kind_of(expected)
    if have == want or expected is None:
        return ""
    subject = (
        (f"`{answer.name}` returned" if answer.kind == "call" else f"`{answer.name}` holds")
        if answer
        else "The result is"
    )
    sentence = f"{subject} {have}, not {want}."
    if have == "text" and want == "a number":
        verb = "give back" if answer is not None and answer.kind == "call" else "use"
        sentence += (
            f" The quotes around {got!r} show it is text: {verb} the number itself, "
            "without str() or an f-string around it."
        )
    elif have == "a number" and want == "text":
        sentence += " Text is written between quotes; str(...) or an f-string turns a number into text."
    return sentence


def return_in_loop(sources: Iterable[str], names: Iterable[str]) -> str:
    """A function among `names` whose `return` sits inside its loop (so it stops after the first
    item), explained; "" when none does. Only the source is read: nothing is run."""
    functions = _functions(sources)
    for name in dict.fromkeys(names):
        node = functions.get(name)
        loop = node and next(
            (
                n
                for n in ast.walk(node)
                if isinstance(n, ast.For | ast.While) and any(isinstance(s, ast.Return) for s in n.body)
            ),
            None,
        )
        if loop:
            word = "for" if isinstance(loop, ast.For) else "while"
            return (
                f"In `{name}`, `return` is indented inside the `{word}` loop, so the function stops "
                f"during the first round, after the first item. Move `return` to the left, in line "
                f"with `{word}`, so it runs once the loop has finished."
            )
    return ""


def _functions(sources: Iterable[str]) -> dict[str, ast.FunctionDef | ast.AsyncFunctionDef]:
    found: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = {}
    for source in sources:
        try:
            tree = ast.parse(_without_magics(source))
        except (SyntaxError, ValueError):
            continue  # a cell Python cannot read defines nothing
        for node in tree.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                found[node.name] = node  # a later definition replaces an earlier one, as in Python
    return found


def _without_magics(source: str) -> str:
    return re.sub(r"^\s*[%!].*$", "", source, flags=re.MULTILINE)


def printed_instead(printed: str) -> str:
    """What the notebook printed, for a check that looked for something in it and did not find it."""
    lines = [line.rstrip() for line in printed.strip().splitlines()]
    if not lines:
        return "Your notebook printed nothing."
    shown = [line if len(line) <= 100 else line[:99] + "…" for line in lines[-PRINTED_LINES:]]
    before = len(lines) - len(shown)
    more = f" (the last {len(shown)} of {len(lines)} lines)" if before else ""
    return f"Your notebook printed{more}:\n" + "\n".join(f"  {line}" for line in shown)
