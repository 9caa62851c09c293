"""Stage 4a, probe: the `nb` handle the checks use to question the learner's executed kernel.

Every question goes to the kernel as JSON and every answer comes back as data (see `grader.wire`),
so the learner's code can neither see the checks nor patch them, and a value that lies about
itself proves nothing. Calls are time-limited; an exception raised by the learner's code is
raised again here with the same built-in type, so `pytest.raises(ValueError)` works in a check.
"""

from __future__ import annotations

import builtins
import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from queue import Empty
from typing import Any, Protocol

from jupyter_client import BlockingKernelClient

from grader.cell_errors import CellError
from grader.execute import Execution
from grader.kernel import RunningKernel
from grader.wire import decode, encode


class GraderSignal(BaseException):
    """Why a check could not judge; a BaseException so a check's `except Exception` lets it through."""


class NotAttempted(GraderSignal):
    """The learner has not written this part yet (a `...` placeholder, NotImplementedError)."""


class CheckTimedOut(GraderSignal):
    """The learner's code did not answer within the time limit."""


class KernelStopped(GraderSignal):
    """Python is not running any more, so the check cannot ask it anything."""


class NotDefined(GraderSignal):
    """The notebook does not define a name the check needs."""

    name: str = ""


class LearnerException(Exception):
    """Base of the exceptions re-raised from the learner's code; `call` says what was called."""

    call: str = ""
    line: str = ""


_mirrors: dict[tuple[str, tuple[str, ...]], type[LearnerException]] = {}


def _mirror(raised: dict[str, Any], call: str) -> LearnerException:
    """An exception of the learner's type (a subclass of the built-in one, when there is one)."""
    name, bases = raised["type"], tuple(raised.get("bases", ()))
    key = (name, bases)
    if key not in _mirrors:
        builtin = next(
            (
                getattr(builtins, b)
                for b in bases
                if isinstance(getattr(builtins, b, None), type)
                and issubclass(getattr(builtins, b), BaseException)
                and b not in ("BaseException", "Exception", "object")
            ),
            None,
        )
        parents = (LearnerException, builtin) if builtin and issubclass(builtin, Exception) else (LearnerException,)
        _mirrors[key] = type(name, parents, {"__module__": "learner"})
    error = _mirrors[key](raised.get("message", ""))
    error.call, error.line = call, raised.get("line", "")
    return error


@dataclass(frozen=True)
class Answer:
    """One value a check got from the notebook: `greet('Ada')` returned it, or `total` holds it."""

    kind: str  # "call" or "value"
    name: str  # the function called, or the name read
    value: Any


@dataclass(frozen=True)
class Cell:
    """One cell of the learner's notebook, as the checks see it."""

    index: int  # 1-based
    cell_type: str
    source: str
    printed: str
    error: CellError | None


class NotebookHandle:
    """What a check receives as `nb`: questions about the learner's executed notebook."""

    def __init__(
        self, transport: Transport, execution: Execution, workdir: Path, exercise_dir: Path, timeout: float
    ) -> None:
        self._transport = transport
        self._execution = execution
        self.workdir = workdir
        self.exercise_dir = exercise_dir
        self.timeout = timeout
        self.begin_check()

    def begin_check(self) -> None:
        """Forget what the previous check asked: the report explains each check by its own answers."""
        self.answers: list[Answer] = []
        self.read_printed = False

    # -- what the notebook is and did -------------------------------------------------------
    @cached_property
    def cells(self) -> list[Cell]:
        errors = {e.cell: e for e in self._execution.errors}
        return [
            Cell(i, c.cell_type, c.source, self._execution.printed.get(i, ""), errors.get(i))
            for i, c in enumerate(self._execution.notebook.cells, start=1)
        ]

    @property
    def source(self) -> str:
        return "\n\n".join(c.source for c in self.cells if c.cell_type == "code")

    @property
    def printed(self) -> str:
        self.read_printed = True  # a failing check that read it gets what was printed in its report
        return "".join(c.printed for c in self.cells)

    @property
    def errors(self) -> list[CellError]:
        return list(self._execution.errors)

    # -- questions to the kernel ------------------------------------------------------------
    def defined(self, name: str) -> bool:
        """Whether the notebook defines `name`."""
        return bool(self._ask({"op": "defined", "name": name}, name))

    def value(self, name: str) -> Any:
        """The value of `name` in the notebook, as plain data."""
        found = self._ask({"op": "get", "name": name}, name)
        self.answers.append(Answer("value", name, found))
        return found

    def eval(self, expression: str) -> Any:
        """`expression` evaluated in the learner's kernel (trusted check code), as plain data."""
        return self._ask({"op": "eval", "code": expression}, expression)

    def run(self, code: str) -> None:
        """Run trusted statements in the kernel, such as setting an environment variable."""
        self._ask({"op": "exec", "code": code}, "the check's set-up")

    def function(self, name: str) -> RemoteObject:
        """A callable for the notebook's function (or class) `name`."""
        found = self.value(name)
        if not isinstance(found, RemoteObject) or not found.is_callable:
            from grader.shown_values import summarise

            raise AssertionError(f"`{name}` should be a function, but it is {summarise(found, 80)}")
        return found

    def _ask(self, request: dict[str, Any], subject: str) -> Any:
        reply = self._transport.send(request, subject)
        if "not_attempted" in reply:
            raise NotAttempted(reply["not_attempted"])
        if "undefined" in reply:
            missing = NotDefined(
                f"Your notebook does not define `{reply['undefined']}`. "
                "Check its spelling, and that its cell runs without an error."
            )
            missing.name = str(reply["undefined"])
            raise missing
        if "raised" in reply:
            raise _mirror(reply["raised"], subject)
        return decode(reply["ok"], lambda ref: RemoteObject(self, ref))

    def close(self) -> None:
        self._transport.close()


class Transport(Protocol):
    """How a request reaches the agent (`grader._agent`) that answers it, and its reply comes back."""

    def send(self, request: dict[str, Any], subject: str) -> dict[str, Any]: ...

    def close(self) -> None: ...


class KernelTransport:
    """To the grading kernel over zmq, as a silent `user_expressions` request, on a time limit
    counted on the kernel's own clock."""

    def __init__(self, kernel: RunningKernel, execution: Execution, timeout: float) -> None:
        self._kernel = kernel
        self._execution = execution
        self.timeout = timeout
        self._client: BlockingKernelClient | None = None

    def send(self, request: dict[str, Any], subject: str) -> dict[str, Any]:
        if self._execution.stopped_at is not None or not self._kernel.alive():
            raise KernelStopped(self._stopped_message())
        client = self._connect()
        expression = f"__import__('grader._agent').__dict__['_agent'].handle({json.dumps(json.dumps(request))})"
        msg_id = client.execute("", silent=True, store_history=False, user_expressions={"r": expression})
        reply = self._wait_for(client, msg_id, self.timeout)
        if reply is None:
            self._kernel.interrupt()
            self._wait_for(client, msg_id, 3.0)
            raise CheckTimedOut(
                f"{subject} did not finish within {self.timeout:g} seconds. Look for a loop that never ends."
            )
        result = reply["content"].get("user_expressions", {}).get("r", {})
        if result.get("status") != "ok":  # the learner's code replaced something the probe needs
            raise KernelStopped(
                f"Your notebook changed a part of Python the grader needs "
                f"({result.get('ename')}: {result.get('evalue')}), so this could not be checked."
            )
        return dict(json.loads(_literal(result["data"]["text/plain"])))

    def _wait_for(self, client: BlockingKernelClient, msg_id: str, timeout: float) -> dict[str, Any] | None:
        clock = self._kernel.clock()  # time spent waiting for a busy CPU does not count
        while (left := timeout - clock.elapsed()) > 0:
            try:
                msg = client.get_shell_msg(timeout=min(0.5, max(0.01, left)))
            except Empty:
                if not self._kernel.alive():
                    raise KernelStopped(self._stopped_message()) from None
                continue
            if msg["parent_header"].get("msg_id") == msg_id:
                return dict(msg)
        return None

    def _connect(self) -> BlockingKernelClient:
        if self._client is None:
            client = BlockingKernelClient()
            client.load_connection_info(self._kernel.manager.get_connection_info())
            client.start_channels(iopub=False, stdin=False, hb=False, control=False)
            self._client = client
        return self._client

    def _stopped_message(self) -> str:
        cell = self._execution.stopped_at
        where = f" in {self._execution.stopped_where or f'cell {cell}'}" if cell else ""
        reason = self._execution.stop_reason or "Python stopped"
        return f"Your notebook stopped Python{where} ({reason}), so this could not be checked."

    def close(self) -> None:
        if self._client is not None:
            self._client.stop_channels()
            self._client.context.destroy(linger=0)
            self._client = None


def _literal(text: str) -> str:
    """The text/plain repr of a str, read back without evaluating anything."""
    import ast

    value = ast.literal_eval(text)
    if not isinstance(value, str):
        raise RuntimeError("the notebook's reply was not text")
    return value


class RemoteObject:
    """A value that stays in the learner's kernel: read its attributes, call it or its methods."""

    def __init__(self, handle: NotebookHandle, ref: dict[str, Any], name: str | None = None) -> None:
        self._handle, self._id = handle, ref["id"]
        self.type_name: str = ref["type"]
        self.is_callable: bool = bool(ref.get("callable"))
        self._repr: str = ref["repr"]
        self._name = name or _short_name(ref)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from grader.shown_values import short

        shown = ", ".join([*(short(a) for a in args), *(f"{k}={short(v)}" for k, v in kwargs.items())])
        request = {"op": "call", "ref": self._id, **_encode_arguments(args, kwargs)}
        returned = self._handle._ask(request, f"{self._name}({shown})")
        self._handle.answers.append(Answer("call", self._name, returned))
        return returned

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("_"):
            raise AttributeError(attr)
        result = self._handle._ask({"op": "getattr", "ref": self._id, "attr": attr}, f"{self._name}.{attr}")
        if isinstance(result, RemoteObject):
            result._name = f"{self._name}.{attr}"
        return result

    def __repr__(self) -> str:
        return self._repr


def _short_name(ref: dict[str, Any]) -> str:
    text = str(ref.get("repr", ""))
    if text.startswith(("<function ", "<class ")):
        return text.split()[1].strip("'>").split(".")[-1]
    return str(ref.get("type", "value"))


def _refuse_objects(value: Any) -> int:
    raise TypeError(f"a check can only pass data to the notebook, not {type(value).__name__}")


def _encode_arguments(args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
    """Arguments as data; a RemoteObject goes back as its reference (a model into a function)."""

    def enc(value: Any) -> Any:
        if isinstance(value, RemoteObject):
            return {"~": "ref", "id": value._id, "type": value.type_name, "repr": ""}
        return encode(value, _refuse_objects)

    return {"args": [enc(a) for a in args], "kwargs": {k: enc(v) for k, v in kwargs.items()}}
