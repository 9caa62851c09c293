"""The stand-in served over HTTP as the OpenAI API: routes, keys, scripted replies, streaming and the
embeddings endpoint. `courselib.local_llm` is the public face; answers come from `_llm_chat`."""

from __future__ import annotations

import base64
import json
import re
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any

from courselib._llm_chat import (
    _FINGERPRINT,
    CONTEXT_WINDOW,
    EMBEDDING_MODEL,
    MODEL_NAME,
    AuthenticationError,
    BadRequestError,
    ContextLengthExceededError,
    LocalLLMError,
    ModelNotFoundError,
    RateLimitError,
    _complete,
    _faults,
    _short,
    count_tokens,
)
from courselib._serving import BackgroundHTTPServer

if TYPE_CHECKING:
    import openai

# -- scripted replies -------------------------------------------------------------------------------
_ERRORS: dict[int, tuple[type[LocalLLMError], str, str]] = {
    400: (BadRequestError, "invalid_request", "The request was refused (a scripted 400)."),
    401: (
        AuthenticationError,
        "invalid_api_key",
        "Incorrect API key provided. Check the key you gave the client (COURSE_LLM_API_KEY).",
    ),
    404: (ModelNotFoundError, "model_not_found", "The model does not exist or you do not have access to it."),
    429: (RateLimitError, "rate_limit_exceeded", "Rate limit reached for requests. Please try again in {wait}s."),
    500: (LocalLLMError, "server_error", "The server had an error while processing your request. Sorry about that!"),
    503: (LocalLLMError, "overloaded", "The engine is currently overloaded, please try again later."),
}


def _scripted(entry: Any) -> tuple[str | None, list[dict[str, Any]] | None] | LocalLLMError:
    """One scripted reply as (content, tool calls), or the error it stands for."""
    if isinstance(entry, str):
        return entry, None
    if isinstance(entry, dict) and "error" in entry:
        status = entry["error"]
        kind, code, message = _ERRORS[status]
        code = entry.get("code", code)
        if code == "context_length_exceeded":
            message = (
                f"This model's maximum context length is {CONTEXT_WINDOW} tokens. Please reduce the "
                "length of the messages or completion."
            )
        wait = entry.get("retry_after")
        error = kind(entry.get("message", message.format(wait=wait if wait is not None else 1)), code=code)
        error.status = status
        if wait is not None:
            error.headers = {"Retry-After": str(wait)}
        return error
    calls = [
        {
            "id": f"call_scripted_{i}",
            "type": "function",
            "function": {"name": call["name"], "arguments": json.dumps(call.get("arguments", {}))},
        }
        for i, call in enumerate(entry.get("tool_calls") or [])
    ]
    return entry.get("content"), calls or None


def _check_replies(replies: Iterable[Any]) -> list[Any]:
    """The scripted replies, checked now so that a mistake in a check shows where it was made."""
    checked = list(replies)
    for i, entry in enumerate(checked):
        if isinstance(entry, str):
            continue
        if not isinstance(entry, dict):
            raise TypeError(f"replies[{i}] must be a str or a dict, not {type(entry).__name__}")
        if "error" in entry:
            if entry["error"] not in _ERRORS:
                raise ValueError(f"replies[{i}]: error must be one of {sorted(_ERRORS)}, not {entry['error']!r}")
        elif not ({"content", "tool_calls"} & set(entry)) or not all(
            isinstance(c, dict) and isinstance(c.get("name"), str) and isinstance(c.get("arguments", {}), dict)
            for c in entry.get("tool_calls") or []
        ):
            raise ValueError(
                f"replies[{i}] must look like {{'content': ..., 'tool_calls': [{{'name': ..., "
                f"'arguments': {{...}}}}]}}, got {_short(entry)}"
            )
    return checked


# -- over HTTP ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class LoggedCall:
    """One request the server answered: when (time.monotonic()), where, and with which status."""

    time: float
    path: str
    status: int
    prompt_tokens: int = 0
    completion_tokens: int = 0


class LocalLLMServer(BackgroundHTTPServer):
    """The stand-in model served over HTTP on 127.0.0.1, speaking the OpenAI API.

    POST <base_url>/chat/completions  a chat completion (also streamed, with "stream": true)
    POST <base_url>/embeddings        LSA vectors (model "course-embed-1")
    GET  <base_url>/models            the two models

    replies:  scripted answers served in order, before the rules take over: a str (the content), a
              dict {"content": ..., "tool_calls": [{"name": ..., "arguments": {...}}]}, or an error:
              {"error": 429, "retry_after": 0}, {"error": 401}, {"error": 400, "code":
              "context_length_exceeded"} (also 404, 500, 503).
    fault:    one of FAULTS (or a list of them), switched on for every request.
    api_key:  the only key accepted (401 for another); None accepts any key but refuses none.
    `.requests` keeps every JSON body it received, in order; `.log` the path and status of each.
    The openai SDK retries 429 and 5xx answers by itself (max_retries=2 unless told otherwise).
    """

    _not_running = "the local model is not running: call start() or use `with LocalLLMServer() as server:`"
    _thread_name = "local-llm"

    def __init__(
        self,
        replies: Iterable[Any] | None = None,
        fault: str | Iterable[str] | None = None,
        api_key: str | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        super().__init__(host, port)
        self.replies = _check_replies(replies or [])
        self.faults = _faults(fault, "fault")
        self._any_key = api_key is None
        self.api_key = api_key if api_key is not None else "course-local-key"
        self.requests: list[dict[str, Any]] = []
        self.log: list[LoggedCall] = []
        self._lock = threading.Lock()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        return _make_handler(self)

    @property
    def base_url(self) -> str:
        """The address to give a client as its base URL: url + '/v1', as providers do."""
        return self.url + "/v1"

    def client(self, **kwargs: Any) -> openai.OpenAI:
        """An openai.OpenAI client pointed at this server, with its key (kwargs go to the client)."""
        import openai

        return openai.OpenAI(**{"base_url": self.base_url, "api_key": self.api_key, **kwargs})

    def environment(self) -> dict[str, str]:
        """The COURSE_LLM_* variables that point `courselib.llm` (in this process or a learner's
        kernel) at this server, with the stand-in's model names, whatever the learner had set."""
        return {
            "COURSE_LLM_BASE_URL": self.base_url,
            "COURSE_LLM_API_KEY": self.api_key,
            "COURSE_LLM_MODEL": MODEL_NAME,
            "COURSE_LLM_EMBEDDING_MODEL": EMBEDDING_MODEL,
        }

    def __repr__(self) -> str:
        state = self.base_url if self._server is not None else "stopped"
        return f"<LocalLLMServer {MODEL_NAME} at {state}>"

    def _answer(self, method: str, path: str, auth: str | None, body: bytes) -> tuple[int, Any, dict[str, str]]:
        """(status, answer, headers): the answer is a dict, or an iterator of chunks to stream."""
        try:
            return 200, self._route(method, path.rstrip("/"), auth, body), {}
        except LocalLLMError as error:
            return error.status, error.to_dict(), error.headers

    def _route(self, method: str, path: str, auth: str | None, body: bytes) -> Any:
        endpoints = ("/v1/chat/completions", "/v1/embeddings", "/v1/models")
        if path not in endpoints and not path.startswith("/v1/models/"):
            raise ModelNotFoundError(
                f"Unknown path {path!r}: try POST /v1/chat/completions or /v1/embeddings", code="unknown_url"
            )
        self._check_key(auth)
        if path.startswith("/v1/models"):
            return _models(path)
        if method != "POST":
            error = BadRequestError(f"Use POST for {path}", code="method_not_allowed")
            error.status = 405
            raise error
        request = self._read(body)
        if path == "/v1/embeddings":
            return _embeddings(request)
        if "messages" not in request:
            raise BadRequestError(
                "Missing required parameter: 'messages'.", code="missing_required_parameter", param="messages"
            )
        request = dict(request)
        messages = request.pop("messages")
        stream = request.get("stream")
        scripted = None
        with self._lock:
            if self.replies:
                _complete(messages, {**request, "course_fault": None})  # a malformed request is still refused
                scripted = _scripted(self.replies.pop(0))
        if isinstance(scripted, LocalLLMError):
            raise scripted
        completion = _complete(messages, request, self.faults, scripted)
        if stream:
            return _chunks(completion, bool((request.get("stream_options") or {}).get("include_usage")))
        return completion

    def _check_key(self, auth: str | None) -> None:
        key = auth[7:].strip() if auth and auth.startswith("Bearer ") else ""
        if not key:
            raise AuthenticationError(
                "You didn't provide an API key. Send it in the Authorization header: 'Authorization: Bearer YOUR_KEY'.",
                code="missing_api_key",
            )
        if not self._any_key and key != self.api_key:
            raise AuthenticationError(
                f"Incorrect API key provided: {key[:3]}...{key[-2:]}. Check the key "
                "you gave the client (COURSE_LLM_API_KEY).",
                code="invalid_api_key",
            )

    def _read(self, body: bytes) -> dict[str, Any]:
        try:
            request = json.loads(body.decode("utf-8") or "null")
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise BadRequestError(f"The body of the request is not valid JSON: {error}", code="invalid_json") from None
        if not isinstance(request, dict):
            raise BadRequestError("The body of the request must be a JSON object.", code="invalid_json")
        with self._lock:
            self.requests.append(request)
        return request


def _embeddings(request: dict[str, Any]) -> dict[str, Any]:
    """Answer POST /v1/embeddings: one LSA vector per input text, as floats or base64 (the SDK's default)."""
    model = request.get("model")
    if model != EMBEDDING_MODEL:
        raise ModelNotFoundError(
            f"The model `{model}` does not exist or cannot make embeddings. The course's "
            f"local embedding model is called {EMBEDDING_MODEL!r}.",
            code="model_not_found",
            param="model",
        )
    texts = request.get("input")
    texts = [texts] if isinstance(texts, str) else texts
    if not isinstance(texts, list) or not texts or not all(isinstance(t, str) and t.strip() for t in texts):
        raise BadRequestError(
            "'input' must be a non-empty string or a non-empty list of non-empty strings.",
            code="invalid_value",
            param="input",
        )
    unknown = sorted(set(request) - {"model", "input", "encoding_format", "dimensions", "user"})
    if unknown:
        raise BadRequestError(
            f"Unrecognized request argument supplied: {', '.join(unknown)}", code="unknown_parameter", param=unknown[0]
        )
    tokens = [count_tokens(text) for text in texts]
    if max(tokens) > CONTEXT_WINDOW:
        raise ContextLengthExceededError(
            f"This model's maximum context length is {CONTEXT_WINDOW} tokens, however you requested "
            f"{max(tokens)} tokens in one input. Split the text into smaller chunks.",
            code="context_length_exceeded",
            param="input",
        )
    encoding = request.get("encoding_format") or "float"
    if encoding not in ("float", "base64"):
        raise BadRequestError(
            "Invalid 'encoding_format': use 'float' or 'base64'.", code="invalid_value", param="encoding_format"
        )
    from courselib import _llm_embeddings  # numpy and scikit-learn load on the first embeddings request

    dimensions, most = request.get("dimensions"), _llm_embeddings.DIMENSIONS
    if dimensions is not None and (not isinstance(dimensions, int) or not 1 <= dimensions <= most):
        raise BadRequestError(
            f"Invalid 'dimensions': {dimensions!r}; it must be a whole number from 1 to {_llm_embeddings.DIMENSIONS}.",
            code="invalid_value",
            param="dimensions",
        )
    vectors = _llm_embeddings.embed(texts, dimensions)
    data = [
        {
            "object": "embedding",
            "index": i,
            "embedding": base64.b64encode(vector.astype("<f4").tobytes()).decode("ascii")
            if encoding == "base64"
            else vector.tolist(),
        }
        for i, vector in enumerate(vectors)
    ]
    return {
        "object": "list",
        "data": data,
        "model": EMBEDDING_MODEL,
        "usage": {"prompt_tokens": sum(tokens), "total_tokens": sum(tokens)},
    }


def _models(path: str) -> dict[str, Any]:
    models = [
        {"id": name, "object": "model", "created": 0, "owned_by": "the course"}
        for name in (MODEL_NAME, EMBEDDING_MODEL)
    ]
    if path == "/v1/models":
        return {"object": "list", "data": models}
    wanted = path.removeprefix("/v1/models/")
    found = [model for model in models if model["id"] == wanted]
    if not found:
        raise ModelNotFoundError(f"The model `{wanted}` does not exist.", code="model_not_found", param="model")
    return found[0]


def _chunks(completion: dict[str, Any], include_usage: bool) -> Iterator[dict[str, Any]]:
    """The completion as the chunks a provider streams: the role, the text a word at a time (or the
    tool calls), the finish reason, and the usage last when asked for."""
    choice = completion["choices"][0]
    message = choice["message"]

    def chunk(delta: dict[str, Any], finish_reason: str | None = None) -> dict[str, Any]:
        return {
            "id": completion["id"],
            "object": "chat.completion.chunk",
            "created": 0,
            "model": completion["model"],
            "system_fingerprint": _FINGERPRINT,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason, "logprobs": None}],
            **({"usage": None} if include_usage else {}),
        }

    yield chunk({"role": "assistant", "content": ""})
    for piece in re.findall(r"\s*\S+", message.get("content") or ""):
        yield chunk({"content": piece})
    for i, call in enumerate(message.get("tool_calls") or []):
        yield chunk(
            {
                "tool_calls": [
                    {
                        "index": i,
                        "id": call["id"],
                        "type": "function",
                        "function": {"name": call["function"]["name"], "arguments": ""},
                    }
                ]
            }
        )
        for piece in re.findall(r".{1,16}", call["function"]["arguments"], re.DOTALL):
            yield chunk({"tool_calls": [{"index": i, "function": {"arguments": piece}}]})
    yield chunk({}, choice["finish_reason"])
    if include_usage:
        yield {**chunk({}), "choices": [], "usage": completion["usage"]}


def _make_handler(server: LocalLLMServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "CourseLocalLLM/2.0"

        def _handle(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            path = self.path.split("?", 1)[0]
            status, answer, headers = server._answer(method, path, self.headers.get("Authorization"), body)
            usage = answer.get("usage") or {} if isinstance(answer, dict) else {}
            with server._lock:
                server.log.append(
                    LoggedCall(
                        time.monotonic(), path, status, usage.get("prompt_tokens", 0), usage.get("completion_tokens", 0)
                    )
                )
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            if isinstance(answer, dict):
                payload = json.dumps(answer, ensure_ascii=False).encode("utf-8")
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
                return
            # a stream: server-sent events, then the connection closes (HTTP/1.0)
            self.send_header("Content-Type", "text/event-stream; charset=utf-8")
            self.send_header("Cache-Control", "no-cache")
            self.end_headers()
            try:
                for chunk in answer:
                    self.wfile.write(b"data: " + json.dumps(chunk, ensure_ascii=False).encode("utf-8") + b"\n\n")
                    self.wfile.flush()
                self.wfile.write(b"data: [DONE]\n\n")
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client stopped reading (a loop that breaks early): nothing to report

        def do_POST(self) -> None:  # the names http.server expects
            self._handle("POST")

        def do_GET(self) -> None:
            self._handle("GET")

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep lessons' output clean; server.log records every request instead

    return Handler
