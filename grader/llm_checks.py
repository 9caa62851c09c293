"""Helpers for checks of code that calls a model: script "the model", call the learner's function.

A check starts a practice model (courselib's LocalLLMServer) here, in the grader's trusted process,
with the answers it must give, and points the learner's kernel at it through the COURSE_LLM_*
variables; the server's `requests` then show what the learner's code sent. So a check judges what
the code did with known answers, never the stand-in's own wording, and a real model the learner set
up is never asked.

    with scripted_model(nb, ["refund", "delivery"]) as server:
        got = call(nb, "label_all", tickets)
    assert len(server.requests) == 2, "label_all should ask the model once per ticket"
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import pytest

from courselib.local_llm import LocalLLMServer
from grader.probe import LearnerException

if TYPE_CHECKING:
    from grader.probe import NotebookHandle, RemoteObject

__all__ = ["call", "scripted_client", "scripted_model", "what_raised"]

KERNEL_CLIENT = "_course_check_client"  # the name the client gets in the learner's kernel


@contextmanager
def scripted_model(nb: NotebookHandle, replies: Iterable[Any]) -> Iterator[LocalLLMServer]:
    """A LocalLLMServer that answers `replies` in order, with the learner's kernel pointed at it.

    `replies` are those of LocalLLMServer: text, a tool call, or an error such as {"error": 429}.
    The server accepts only a fresh key, so code that ignores COURSE_LLM_API_KEY is refused.
    """
    with LocalLLMServer(replies=replies, api_key=f"check-{secrets.token_hex(8)}") as server:
        nb.run(f"import os; os.environ.update({server.environment()!r})")
        yield server


@contextmanager
def scripted_client(
    nb: NotebookHandle, replies: Iterable[Any], max_retries: int = 2
) -> Iterator[tuple[LocalLLMServer, RemoteObject]]:
    """scripted_model, and a client for it made in the kernel, for functions that take a client.

    The client is courselib.llm.get_client's; max_retries is the openai SDK's own retries (its
    default, two, unless a check needs each scripted error to reach the learner's code at once).
    """
    with scripted_model(nb, replies) as server:
        nb.run(
            "from courselib.llm import get_client as _course_get_client\n"
            f"{KERNEL_CLIENT} = _course_get_client(timeout=20, max_retries={max_retries:d})"
        )
        yield server, nb.value(KERNEL_CLIENT)


def what_raised(error: LearnerException, *, limit: int | None = None, first_line: bool = False) -> str:
    """'ValueError at the line `x = int(text)`: <message>', to tell a learner what their code raised.

    limit cuts a long message (an API error's body) to that many characters; first_line keeps its
    first line only.
    """
    message = str(error)
    if first_line:
        message = message.splitlines()[0] if message else ""
    if limit is not None:
        message = message[:limit]
    where = f" at the line `{error.line}`" if error.line else ""
    return f"{type(error).__name__}{where}: {message}"


def call(nb: NotebookHandle, name: str, *args: Any, what: str | None = None, limit: int | None = None) -> Any:
    """The learner's function `name` called with args; an error it raises fails the check, saying so.

    The failure names the call as `what`, or as name(args) with each argument cut to 60 characters;
    limit cuts the error's message (see what_raised).
    "Not attempted" and "timed out" are not LearnerErrors, so they go through untouched.
    """
    function = nb.function(name)
    try:
        return function(*args)
    except LearnerException as error:
        shown = what or f"{name}({', '.join(f'{arg!r:.60}' for arg in args)})"
        pytest.fail(f"{shown} raised {what_raised(error, limit=limit)}")
