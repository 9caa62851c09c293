"""The chat-completions request without HTTP: its checks, its errors, its token counts, and the
answer's shape. `courselib.local_llm` is the public face; the rules live in `_llm_rules`."""

from __future__ import annotations

import hashlib
import json
import math
import random
import re
from collections.abc import Iterable
from typing import Any

from courselib._llm_rules import FAULTS, MODEL_NAME, Ask, reply

EMBEDDING_MODEL = "course-embed-1"
CONTEXT_WINDOW = 1024  # tokens a request may hold (prompt + max_tokens); hosted models take far more
MESSAGE_OVERHEAD = 4  # tokens each message costs beyond its text: its role and the separators
ROLES = ("system", "user", "assistant", "tool")
_OPTIONS = {
    "model",
    "temperature",
    "top_p",
    "max_tokens",
    "max_completion_tokens",
    "response_format",
    "tools",
    "tool_choice",
    "parallel_tool_calls",
    "seed",
    "user",
    "n",
    "stop",
    "stream",
    "stream_options",
    "frequency_penalty",
    "presence_penalty",
    "logit_bias",
    "metadata",
    "store",
    "course_fault",
}
_FINGERPRINT = "fp_course_local"


# -- errors: shaped like a provider's, so that code written against the stand-in handles both ----
class LocalLLMError(Exception):
    """An error answer. `status` is the HTTP status a provider would send; `code` names the cause."""

    status = 500
    type = "server_error"

    def __init__(
        self, message: str, code: str | None = None, param: str | None = None, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.message, self.code, self.param = message, code, param
        self.headers = headers or {}

    def to_dict(self) -> dict[str, Any]:
        """The error as a provider sends it: {"error": {"message", "type", "param", "code"}}."""
        return {"error": {"message": self.message, "type": self.type, "param": self.param, "code": self.code}}


class BadRequestError(LocalLLMError, ValueError):
    """The request is malformed (HTTP 400): a wrong role, a missing field, an unknown option."""

    status = 400
    type = "invalid_request_error"


class ContextLengthExceededError(BadRequestError):
    """The prompt and the room asked for the answer do not fit in the context window (HTTP 400)."""


class AuthenticationError(LocalLLMError):
    """No API key, or the wrong one (HTTP 401)."""

    status = 401
    type = "invalid_request_error"


class ModelNotFoundError(LocalLLMError, LookupError):
    """No model by that name (HTTP 404)."""

    status = 404
    type = "invalid_request_error"


class RateLimitError(LocalLLMError):
    """Too many requests (HTTP 429); its `Retry-After` header says how many seconds to wait."""

    status = 429
    type = "requests"


# -- tokens -----------------------------------------------------------------------------------------
_PIECES = re.compile(r"\w+|[^\w\s]")


def count_tokens(text: str) -> int:
    """How many tokens `text` costs: each word counts one token per started group of 6 characters
    ("refund" 1, "subscription" 2), each punctuation mark 1. Real tokenizers differ in detail but
    land close to this for English: about 3 tokens for every 4 words."""
    if not isinstance(text, str):
        raise TypeError(f"count_tokens() needs a string, not {type(text).__name__}")
    return sum(
        math.ceil(len(piece) / 6) if piece[0].isalnum() or piece[0] == "_" else 1 for piece in _PIECES.findall(text)
    )


def count_message_tokens(messages: list[dict[str, Any]]) -> int:
    """How many prompt tokens a list of messages costs: its texts plus MESSAGE_OVERHEAD per message."""
    total = 0
    for message in messages:
        total += MESSAGE_OVERHEAD + count_tokens(message.get("content") or "")
        for call in message.get("tool_calls") or []:
            function = call.get("function", {})
            total += count_tokens(function.get("name", "")) + count_tokens(function.get("arguments", ""))
    return total


def _truncate(text: str, max_tokens: int) -> str:
    """The longest start of `text` that costs at most `max_tokens` tokens."""
    used, end = 0, 0
    for match in _PIECES.finditer(text):
        piece = match.group()
        cost = math.ceil(len(piece) / 6) if piece[0].isalnum() or piece[0] == "_" else 1
        if used + cost > max_tokens:
            break
        used, end = used + cost, match.end()
    return text[:end]


# -- the request ------------------------------------------------------------------------------------
def chat(messages: list[dict[str, Any]], **options: Any) -> dict[str, Any]:
    """Answer a chat-completions request, as a dict shaped like a hosted provider's answer.

    messages: the conversation, oldest first: [{"role": "system", "content": "..."}, ...].
    options:  model (only MODEL_NAME), max_tokens, response_format (json_object or json_schema),
              tools, tool_choice ("auto", "none", "required" or a named function), stop,
              temperature (default 0 here), top_p, seed, course_fault, and the other options a
              provider takes (accepted and checked; a misspelt one is refused).
    Raises BadRequestError (a ValueError) for a malformed request, ContextLengthExceededError when
    it does not fit in CONTEXT_WINDOW, ModelNotFoundError for an unknown model.
    """
    return _complete(messages, options)


def _complete(
    messages: Any,
    options: dict[str, Any],
    faults: Iterable[str] = (),
    scripted: tuple[str | None, list[dict[str, Any]] | None] | None = None,
) -> dict[str, Any]:
    """chat(), plus the server's faults and, when given, a scripted answer instead of the rules'."""
    unknown = sorted(set(options) - _OPTIONS)
    if unknown:
        raise BadRequestError(
            f"Unrecognized request argument supplied: {', '.join(unknown)}", code="unknown_parameter", param=unknown[0]
        )
    model = options.get("model", MODEL_NAME)
    if model != MODEL_NAME:
        raise ModelNotFoundError(
            f"The model `{model}` does not exist or you do not have access to it. "
            f"The course's local chat model is called {MODEL_NAME!r}.",
            code="model_not_found",
            param="model",
        )
    _check_messages(messages)
    max_tokens = _check_options(options)
    if (options.get("response_format") or {}).get("type") == "json_object" and not any(
        "json" in (m.get("content") or "").lower() for m in messages
    ):
        raise BadRequestError(
            "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.",
            code="invalid_value",
            param="messages",
        )
    faults = frozenset(faults) | _faults(options.get("course_fault"), "course_fault")
    tools = options.get("tools") or []
    prompt_tokens = count_message_tokens(messages) + (count_tokens(json.dumps(tools)) if tools else 0)
    wanted = max_tokens if max_tokens is not None else 0
    if prompt_tokens + wanted > CONTEXT_WINDOW:
        raise ContextLengthExceededError(
            f"This model's maximum context length is {CONTEXT_WINDOW} tokens. However, you requested "
            f"{prompt_tokens + wanted} tokens ({prompt_tokens} in the messages, {wanted} in the "
            "completion). Please reduce the length of the messages or completion.",
            code="context_length_exceeded",
            param="messages",
        )

    response_format = options.get("response_format") or {}
    if scripted is not None:
        text, tool_calls = scripted
    else:
        schema = (
            (response_format.get("json_schema") or {}).get("schema", {})
            if response_format.get("type") == "json_schema"
            else None
        )
        text, tool_calls = reply(
            Ask(
                messages=messages,
                tools=tools,
                tool_choice=options.get("tool_choice", "auto"),
                json_mode=response_format.get("type") == "json_object",
                schema=schema,
                faults=faults,
                **_sampling(messages, options),
            )
        )
    finish_reason = "tool_calls" if tool_calls else "stop"
    if text is not None:
        for stop in _as_list(options.get("stop")):
            if stop and stop in text:
                text = text[: text.index(stop)]
        if max_tokens is not None and count_tokens(text) > max_tokens:
            text, finish_reason = _truncate(text, max_tokens), "length"
    message: dict[str, Any] = {"role": "assistant", "content": text, "refusal": None}
    if tool_calls:
        message["tool_calls"] = tool_calls
    completion_tokens = count_message_tokens([message]) - MESSAGE_OVERHEAD
    return {
        "id": "chatcmpl-local-" + _digest(messages, options)[:16],
        "object": "chat.completion",
        "created": 0,  # a provider puts the time here; a fixed 0 keeps the stand-in repeatable
        "model": MODEL_NAME,
        "system_fingerprint": _FINGERPRINT,
        "choices": [{"index": 0, "message": message, "finish_reason": finish_reason, "logprobs": None}],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


def _sampling(messages: list[dict[str, Any]], options: dict[str, Any]) -> dict[str, Any]:
    """The randomness temperature allows: none at 0; above it, drawn from the seed and the messages
    when a seed is given (the same wording again), from the system's entropy when not."""
    temperature = options.get("temperature") or 0
    if temperature == 0:
        return {"rng": None, "variety": 0.0}
    seed = options.get("seed")
    rng = random.Random(_digest(messages, {"seed": seed})) if seed is not None else random.Random()
    top_p = options.get("top_p")
    return {"rng": rng, "variety": min(1.0, temperature) * (1.0 if top_p is None else top_p)}


def _faults(value: Any, where: str) -> frozenset[str]:
    """The faults asked for, as a set; a BadRequestError naming the valid ones for an unknown one."""
    asked = _as_list(value)
    unknown = [fault for fault in asked if fault not in FAULTS]
    if unknown:
        raise BadRequestError(
            f"Invalid '{where}': {unknown[0]!r}. Use one of: {', '.join(FAULTS)}.", code="invalid_value", param=where
        )
    return frozenset(asked)


def _check_messages(messages: Any) -> None:
    if not isinstance(messages, list) or not messages:
        raise BadRequestError(
            f"'messages' must be a non-empty list of {{'role': ..., 'content': ...}} dicts; got {_short(messages)}",
            code="invalid_type",
            param="messages",
        )
    for i, message in enumerate(messages):
        where = f"messages[{i}]"
        if not isinstance(message, dict):
            raise BadRequestError(
                f"Invalid type for '{where}': expected a dict with 'role' and "
                f"'content', but got {type(message).__name__} {_short(message)}",
                code="invalid_type",
                param=where,
            )
        role = message.get("role")
        if role not in ROLES:
            raise BadRequestError(
                f"Invalid value for '{where}.role': {role!r}. Supported values are: "
                "'system', 'user', 'assistant' and 'tool'.",
                code="invalid_value",
                param=f"{where}.role",
            )
        content = message.get("content")
        may_be_empty = role == "assistant" and message.get("tool_calls")
        if not isinstance(content, str) and not (may_be_empty and content is None):
            raise BadRequestError(
                f"Invalid type for '{where}.content': expected a string, but got "
                f"{type(content).__name__} {_short(content)}",
                code="invalid_type",
                param=f"{where}.content",
            )
        if role == "tool" and not message.get("tool_call_id"):
            raise BadRequestError(
                f"Missing required parameter: '{where}.tool_call_id'.",
                code="missing_required_parameter",
                param=f"{where}.tool_call_id",
            )
        if role == "tool" and message["tool_call_id"] not in _open_calls(messages[:i]):
            raise BadRequestError(
                f"Invalid parameter: '{where}': messages with role 'tool' must be a "
                "response to a preceding assistant message with 'tool_calls' (send "
                "the assistant's message back first, then one tool message per call "
                "with its tool_call_id).",
                code="invalid_value",
                param=where,
            )


def _open_calls(earlier: list[Any]) -> set[str]:
    """The ids of the tool calls asked for by the last assistant message before the tool messages."""
    for message in reversed(earlier):
        if isinstance(message, dict) and message.get("role") == "assistant":
            return {str(call.get("id")) for call in message.get("tool_calls") or [] if isinstance(call, dict)}
        if not (isinstance(message, dict) and message.get("role") == "tool"):
            return set()
    return set()


def _check_options(options: dict[str, Any]) -> int | None:
    temperature = options.get("temperature", 0)
    if temperature is not None and (not isinstance(temperature, (int, float)) or not 0 <= temperature <= 2):
        raise BadRequestError(
            f"Invalid 'temperature': {temperature!r}; it must be a number from 0 to 2",
            code="invalid_value",
            param="temperature",
        )
    top_p = options.get("top_p")
    if top_p is not None and (not isinstance(top_p, (int, float)) or not 0 <= top_p <= 1):
        raise BadRequestError(
            f"Invalid 'top_p': {top_p!r}; it must be a number from 0 to 1", code="invalid_value", param="top_p"
        )
    seed = options.get("seed")
    if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
        raise BadRequestError(f"Invalid 'seed': {seed!r}; it must be a whole number", code="invalid_type", param="seed")
    if options.get("n", 1) not in (1, None):
        raise BadRequestError(
            "The course's local model makes one answer per request: n must be 1", code="invalid_value", param="n"
        )
    max_tokens = options.get("max_tokens")
    if max_tokens is None:
        max_tokens = options.get("max_completion_tokens")
    if max_tokens is not None and (not isinstance(max_tokens, int) or isinstance(max_tokens, bool) or max_tokens < 1):
        raise BadRequestError(
            f"Invalid 'max_tokens': {max_tokens!r}; it must be a whole number of 1 or more",
            code="invalid_value",
            param="max_tokens",
        )
    _check_response_format(options.get("response_format"))
    for i, tool in enumerate(options.get("tools") or []):
        if not (
            isinstance(tool, dict)
            and tool.get("type") == "function"
            and isinstance(tool.get("function"), dict)
            and tool["function"].get("name")
        ):
            raise BadRequestError(
                f"Invalid 'tools[{i}]': each tool is {{'type': 'function', "
                "'function': {'name': ..., 'description': ..., 'parameters': {...}}}",
                code="invalid_value",
                param=f"tools[{i}]",
            )
    return max_tokens


def _check_response_format(response_format: Any) -> None:
    if response_format is None:
        return
    kind = response_format.get("type") if isinstance(response_format, dict) else None
    if kind not in ("text", "json_object", "json_schema"):
        raise BadRequestError(
            "Invalid 'response_format': use {'type': 'json_object'}, {'type': "
            "'json_schema', 'json_schema': {'name': ..., 'schema': {...}}} or {'type': 'text'}",
            code="invalid_value",
            param="response_format",
        )
    if kind == "json_schema":
        spec = response_format.get("json_schema")
        if not (
            isinstance(spec, dict) and isinstance(spec.get("name"), str) and isinstance(spec.get("schema", {}), dict)
        ):
            raise BadRequestError(
                "Missing required parameter: 'response_format.json_schema' needs a 'name' "
                "and a 'schema' (a JSON schema as a dict).",
                code="missing_required_parameter",
                param="response_format.json_schema",
            )


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _digest(messages: Any, options: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps([messages, options], sort_keys=True, default=str).encode()).hexdigest()
