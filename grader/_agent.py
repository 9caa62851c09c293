"""Runs inside the learner's kernel and answers the grader's questions, as data.

The grader sends a JSON request through a kernel `user_expressions` call; the reply is a JSON
string built by `grader.wire`. Nothing here decides a verdict: the checks do that in the grader's
own process. Loaded when the kernel starts, before any learner code, so the references it holds to
`json` and friends are the real ones even if the notebook patches them later.
"""

from __future__ import annotations

import ast
import contextlib
import inspect
import io
import json
import textwrap
import traceback
from typing import Any

from grader.wire import decode, encode

_dumps, _loads = json.dumps, json.loads
_refs: dict[int, Any] = {}


class _Nowhere(io.TextIOBase):
    """A stdout that keeps nothing, however much a function prints."""

    def write(self, text: str) -> int:
        return len(text)


_NOWHERE = _Nowhere()


class _NotAttempted(Exception):
    pass


class _Undefined(Exception):
    pass


def _keep(value: Any) -> int:
    ref = len(_refs) + 1
    _refs[ref] = value
    return ref


def _namespace() -> dict[str, Any]:
    from IPython import get_ipython

    return get_ipython().user_ns


def _resolve(target: dict[str, Any]) -> Any:
    if "ref" in target:
        return _refs[target["ref"]]
    name = target["name"]
    namespace = _namespace()
    if name not in namespace:
        raise _Undefined(name)
    value = namespace[name]
    if value is Ellipsis:
        raise _NotAttempted(f"`{name}` is still `...`")
    return value


def _is_placeholder(function: Any) -> bool:
    """A function whose body is only `...`, `pass` or `raise NotImplementedError` is untouched."""
    if inspect.isclass(function):
        function = function.__dict__.get("__init__")
        if function is None:
            return False
    try:
        source = textwrap.dedent(inspect.getsource(inspect.unwrap(function)))
        node = ast.parse(source).body[0]
    except (OSError, TypeError, SyntaxError, IndexError, ValueError):
        return False
    if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        return False
    body = node.body
    if (
        body
        and isinstance(body[0], ast.Expr)
        and isinstance(body[0].value, ast.Constant)
        and isinstance(body[0].value.value, str)
    ):
        body = body[1:]  # the docstring
    return all(_is_placeholder_statement(s) for s in body)


def _is_placeholder_statement(statement: ast.stmt) -> bool:
    if isinstance(statement, ast.Pass):
        return True
    if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
        return statement.value.value is Ellipsis
    if isinstance(statement, ast.Raise) and statement.exc is not None:
        exc = statement.exc.func if isinstance(statement.exc, ast.Call) else statement.exc
        return isinstance(exc, ast.Name) and exc.id == "NotImplementedError"
    return False


def _dispatch(request: dict[str, Any]) -> Any:
    op = request["op"]
    if op == "get":
        return _resolve(request)
    if op == "defined":
        return request["name"] in _namespace()
    if op == "eval":
        return eval(request["code"], _namespace())
    if op == "exec":
        exec(request["code"], _namespace())
        return None
    if op == "getattr":
        value = getattr(_resolve(request), request["attr"])
        if value is Ellipsis:
            raise _NotAttempted(f"`{request['attr']}` is still `...`")
        return value
    if op == "call":
        function = _resolve(request)
        if _is_placeholder(function):
            raise _NotAttempted(f"`{getattr(function, '__name__', 'the function')}` is not written yet")
        args = decode(request.get("args", []), lambda r: _refs[r["id"]])
        kwargs = decode(request.get("kwargs", {}), lambda r: _refs[r["id"]])
        try:
            return function(*args, **kwargs)
        except NotImplementedError as err:
            raise _NotAttempted(str(err) or "it raises NotImplementedError") from None
    raise ValueError(f"unknown request {op!r}")


def _learner_line(err: BaseException) -> str:
    """The last line of the learner's own cells in the traceback (not a library's), to show where."""
    frames = traceback.extract_tb(err.__traceback__)
    own = [f for f in frames if "ipykernel_" in f.filename] or [f for f in frames if "grader" not in f.filename]
    return (own[-1].line or "") if own else ""


def _message(err: BaseException) -> str:
    """The exception's own message: KeyError's str() adds quotes that re-raising would double."""
    if isinstance(err, KeyError) and len(err.args) == 1:
        return str(err.args[0])[:2000]
    return str(err)[:2000]


def forget() -> None:
    """Let go of every object handed to the grader (the live `check()` does, once it is done)."""
    _refs.clear()


def handle(request_text: str) -> str:
    """Answer one request from the grader; always a JSON string, whatever the learner's code does."""
    try:
        # what a called function prints is not the notebook's output (nb.printed), so it goes nowhere
        with contextlib.redirect_stdout(_NOWHERE):
            value = _dispatch(_loads(request_text))
        reply: dict[str, Any] = {"ok": encode(value, _keep)}
    except _NotAttempted as err:
        reply = {"not_attempted": str(err)}
    except _Undefined as err:
        reply = {"undefined": str(err)}
    except BaseException as err:
        reply = {
            "raised": {
                "type": type(err).__name__,
                "bases": [c.__name__ for c in type(err).__mro__],
                "message": _message(err),
                "line": _learner_line(err),
            }
        }
    try:
        return _dumps(reply)
    except (TypeError, ValueError):
        return _dumps(
            {
                "raised": {
                    "type": "TypeError",
                    "bases": ["TypeError"],
                    "line": "",
                    "message": "the result could not be sent to the grader",
                }
            }
        )
