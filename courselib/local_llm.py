"""A small chat model that runs on your own machine, for the lessons and checks of module 09.

**It is a stand-in, not a language model.** It answers from a handful of fixed rules and recorded
replies, so that every lesson and check runs offline, for free, and gives the same answer every
time. What it shares with a hosted model (OpenAI, Anthropic, Mistral, a model on your own server)
is the **shape** of the conversation, which is what your code depends on:

- a request is a list of **messages**, each `{"role": "system" | "user" | "assistant" | "tool",
  "content": "..."}`, plus options (`model`, `max_tokens`, `response_format`, `tools`, ...);
- the answer is a **chat completion**: `answer["choices"][0]["message"]["content"]` is the text,
  `["finish_reason"]` says why it stopped (`"stop"`, `"length"`, `"tool_calls"`), and
  `answer["usage"]` counts the **tokens** read and written, which is what a provider bills;
- it has a **context window** (`CONTEXT_WINDOW` tokens) and refuses longer prompts with the same
  error a provider sends (`context_length_exceeded`).

What it can do, by rule (read `_reply` below to see exactly how):

1. **Answer from context.** When the prompt contains a `Context:` section and a `Question:`, it
   answers with the context sentence that shares the most words with the question, citing the
   passage's `[id]` when it has one, and says "I don't know" when nothing matches.
2. **Label text.** When the prompt lists the allowed labels ("Categories: billing, delivery,
   ..."), it picks the label whose keywords best match the text.
3. **Fill in JSON.** When the prompt asks for JSON and shows an example object, it returns an
   object of the same shape, each field filled by a simple rule. Asked for JSON only in words, it
   adds a friendly sentence and a Markdown code fence around it, as chatty models do; with
   `response_format={"type": "json_object"}` it returns the bare object.
4. **Call tools.** Given `tools`, it asks to call the one whose name and description best match
   the request, with arguments picked out of the text; after a `tool` message it reports the result.
5. **Otherwise** it gives a recorded, generic answer, which may be wrong for your business
   (exactly what a real model does when it has no context).

Use it as a Python function:

    from courselib.local_llm import chat

    answer = chat([{"role": "user", "content": "Hello!"}])
    print(answer["choices"][0]["message"]["content"])

or over HTTP, at the same address shape as a hosted provider (`POST <base_url>/chat/completions`
with an `Authorization: Bearer <key>` header), listening on 127.0.0.1 only:

    from courselib.local_llm import LocalLLMServer

    with LocalLLMServer() as server:      # picks a free port
        print(server.base_url)            # e.g. http://127.0.0.1:51234/v1
        ...                               # call it with requests

It uses only the standard library.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import Any

from courselib._serving import BackgroundHTTPServer

__all__ = [
    "CONTEXT_WINDOW",
    "MESSAGE_OVERHEAD",
    "MODEL_NAME",
    "BadRequestError",
    "ContextLengthExceededError",
    "LocalLLMError",
    "LocalLLMServer",
    "ModelNotFoundError",
    "chat",
    "count_message_tokens",
    "count_tokens",
]

MODEL_NAME = "course-local-1"
CONTEXT_WINDOW = 1024  # tokens a request may hold (prompt + max_tokens); hosted models take far more
MESSAGE_OVERHEAD = 4  # tokens each message costs beyond its text: its role and the separators
ROLES = ("system", "user", "assistant", "tool")
_OPTIONS = {"model", "temperature", "top_p", "max_tokens", "response_format", "tools",
            "tool_choice", "seed", "user", "n", "stop"}


# -- errors: shaped like a provider's, so that code written against the stand-in handles both ----
class LocalLLMError(Exception):
    """An error answer. `status` is the HTTP status a provider would send; `code` names the cause."""

    status = 500
    type = "server_error"

    def __init__(self, message: str, code: str | None = None, param: str | None = None) -> None:
        super().__init__(message)
        self.message, self.code, self.param = message, code, param

    def to_dict(self) -> dict[str, Any]:
        """The error as a provider sends it: {"error": {"message", "type", "param", "code"}}."""
        return {"error": {"message": self.message, "type": self.type, "param": self.param,
                          "code": self.code}}


class BadRequestError(LocalLLMError, ValueError):
    """The request is malformed (HTTP 400): a wrong role, a missing field, an unknown option."""

    status = 400
    type = "invalid_request_error"


class ContextLengthExceededError(BadRequestError):
    """The prompt and the room asked for the answer do not fit in the context window (HTTP 400)."""


class ModelNotFoundError(LocalLLMError, LookupError):
    """No model by that name (HTTP 404)."""

    status = 404
    type = "invalid_request_error"


# -- tokens -----------------------------------------------------------------------------------------
_PIECES = re.compile(r"\w+|[^\w\s]")


def count_tokens(text: str) -> int:
    """How many tokens `text` costs: each word counts one token per started group of 6 characters
    ("refund" 1, "subscription" 2), each punctuation mark 1. Real tokenizers differ in detail but
    land close to this for English: about 3 tokens for every 4 words."""
    if not isinstance(text, str):
        raise TypeError(f"count_tokens() needs a string, not {type(text).__name__}")
    return sum(math.ceil(len(piece) / 6) if piece[0].isalnum() or piece[0] == "_" else 1
               for piece in _PIECES.findall(text))


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
    options:  model (only MODEL_NAME), max_tokens, response_format ({"type": "json_object"}),
              tools, tool_choice ("auto", "none", "required"), stop, and temperature, top_p, seed,
              user, n (accepted and checked; the stand-in is always deterministic).
    Raises BadRequestError (a ValueError) for a malformed request, ContextLengthExceededError when
    it does not fit in CONTEXT_WINDOW, ModelNotFoundError for an unknown model.
    """
    unknown = sorted(set(options) - _OPTIONS)
    if unknown:
        raise BadRequestError(f"Unrecognized request argument supplied: {', '.join(unknown)}",
                              code="unknown_parameter", param=unknown[0])
    model = options.get("model", MODEL_NAME)
    if model != MODEL_NAME:
        raise ModelNotFoundError(f"The model `{model}` does not exist. The course's local model is "
                                 f"called {MODEL_NAME!r}.", code="model_not_found", param="model")
    _check_messages(messages)
    max_tokens = _check_options(options)
    tools = options.get("tools") or []
    prompt_tokens = count_message_tokens(messages) + (count_tokens(json.dumps(tools)) if tools else 0)
    wanted = max_tokens if max_tokens is not None else 0
    if prompt_tokens + wanted > CONTEXT_WINDOW:
        raise ContextLengthExceededError(
            f"This model's maximum context length is {CONTEXT_WINDOW} tokens. However, you requested "
            f"{prompt_tokens + wanted} tokens ({prompt_tokens} in the messages, {wanted} in the "
            "completion). Please reduce the length of the messages or completion.",
            code="context_length_exceeded", param="messages")

    json_mode = (options.get("response_format") or {}).get("type") == "json_object"
    text, tool_calls = _reply(messages, tools, options.get("tool_choice", "auto"), json_mode)
    finish_reason = "tool_calls" if tool_calls else "stop"
    if text is not None:
        for stop in _as_list(options.get("stop")):
            if stop and stop in text:
                text = text[:text.index(stop)]
        if max_tokens is not None and count_tokens(text) > max_tokens:
            text, finish_reason = _truncate(text, max_tokens), "length"
    message: dict[str, Any] = {"role": "assistant", "content": text}
    if tool_calls:
        message["tool_calls"] = tool_calls
    completion_tokens = count_message_tokens([message]) - MESSAGE_OVERHEAD
    return {
        "id": "chatcmpl-local-" + _digest(messages, options)[:16],
        "object": "chat.completion",
        "created": 0,  # a provider puts the time here; a fixed 0 keeps the stand-in repeatable
        "model": MODEL_NAME,
        "choices": [{"index": 0, "message": message, "finish_reason": finish_reason}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                  "total_tokens": prompt_tokens + completion_tokens},
    }


def _check_messages(messages: Any) -> None:
    if not isinstance(messages, list) or not messages:
        raise BadRequestError("'messages' must be a non-empty list of {'role': ..., 'content': ...} "
                              f"dicts; got {_short(messages)}", code="invalid_type", param="messages")
    for i, message in enumerate(messages):
        where = f"messages[{i}]"
        if not isinstance(message, dict):
            raise BadRequestError(f"Invalid type for '{where}': expected a dict with 'role' and "
                                  f"'content', but got {type(message).__name__} {_short(message)}",
                                  code="invalid_type", param=where)
        role = message.get("role")
        if role not in ROLES:
            raise BadRequestError(f"Invalid value for '{where}.role': {role!r}. Supported values are: "
                                  "'system', 'user', 'assistant' and 'tool'.",
                                  code="invalid_value", param=f"{where}.role")
        content = message.get("content")
        may_be_empty = role == "assistant" and message.get("tool_calls")
        if not isinstance(content, str) and not (may_be_empty and content is None):
            raise BadRequestError(f"Invalid type for '{where}.content': expected a string, but got "
                                  f"{type(content).__name__} {_short(content)}",
                                  code="invalid_type", param=f"{where}.content")
        if role == "tool" and not message.get("tool_call_id"):
            raise BadRequestError(f"Missing required parameter: '{where}.tool_call_id'.",
                                  code="missing_required_parameter", param=f"{where}.tool_call_id")
        if role == "tool" and message["tool_call_id"] not in _open_calls(messages[:i]):
            raise BadRequestError(f"Invalid parameter: '{where}': messages with role 'tool' must be a "
                                  "response to a preceding assistant message with 'tool_calls' (send "
                                  "the assistant's message back first, then one tool message per call "
                                  "with its tool_call_id).", code="invalid_value", param=where)


def _open_calls(earlier: list[Any]) -> set[str]:
    """The ids of the tool calls asked for by the last assistant message before the tool messages."""
    for message in reversed(earlier):
        if isinstance(message, dict) and message.get("role") == "assistant":
            return {str(call.get("id")) for call in message.get("tool_calls") or [] if isinstance(call, dict)}
        if not (isinstance(message, dict) and message.get("role") == "tool"):
            return set()
    return set()


def _check_options(options: dict[str, Any]) -> int | None:
    temperature = options.get("temperature", 1)
    if not isinstance(temperature, (int, float)) or not 0 <= temperature <= 2:
        raise BadRequestError(f"Invalid 'temperature': {temperature!r}; it must be a number from 0 to 2",
                              code="invalid_value", param="temperature")
    if options.get("n", 1) != 1:
        raise BadRequestError("The course's local model makes one answer per request: n must be 1",
                              code="invalid_value", param="n")
    max_tokens = options.get("max_tokens")
    if max_tokens is not None and (not isinstance(max_tokens, int) or isinstance(max_tokens, bool)
                                   or max_tokens < 1):
        raise BadRequestError(f"Invalid 'max_tokens': {max_tokens!r}; it must be a whole number of 1 "
                              "or more", code="invalid_value", param="max_tokens")
    response_format = options.get("response_format")
    if response_format is not None and (not isinstance(response_format, dict)
                                        or response_format.get("type") not in ("text", "json_object")):
        raise BadRequestError("Invalid 'response_format': use {'type': 'json_object'} or {'type': 'text'}",
                              code="invalid_value", param="response_format")
    for i, tool in enumerate(options.get("tools") or []):
        if not (isinstance(tool, dict) and tool.get("type") == "function"
                and isinstance(tool.get("function"), dict) and tool["function"].get("name")):
            raise BadRequestError(f"Invalid 'tools[{i}]': each tool is {{'type': 'function', "
                                  "'function': {'name': ..., 'description': ..., 'parameters': {...}}}",
                                  code="invalid_value", param=f"tools[{i}]")
    return max_tokens


# -- the rules that make up the answer ----------------------------------------------------------
_STOP_WORDS = {
    "a", "an", "the", "and", "or", "but", "if", "of", "to", "in", "on", "at", "by", "for", "with",
    "from", "as", "is", "are", "was", "were", "be", "been", "being", "am", "do", "does", "did",
    "done", "have", "has", "had", "i", "me", "my", "we", "our", "you", "your", "he", "she", "it",
    "its", "they", "them", "their", "this", "that", "these", "those", "there", "here", "what",
    "which", "who", "whom", "whose", "when", "where", "why", "how", "can", "could", "should",
    "would", "will", "shall", "may", "might", "must", "not", "no", "yes", "so", "than", "then",
    "too", "very", "just", "about", "into", "over", "under", "again", "any", "all", "some", "each",
    "more", "most", "other", "such", "only", "own", "same", "please", "hi", "hello", "thanks",
    "thank", "get", "got", "one", "also", "out", "up", "down", "off"
}

_LABEL_WORDS = {
    "billing": "bill billing charge charged charges invoice payment pay paid card refund price cost "
               "money twice receipt subscription fee",
    "delivery": "delivery deliver delivered parcel package shipping shipped ship arrive arrived late "
                "courier tracking track address lost",
    "account": "account login log password sign email username locked profile reset access",
    "technical": "app error crash crashes bug broken website page load loading screen update slow "
                 "working",
    "returns": "return returns returned exchange send back wrong size damaged faulty",
    "positive": "love great excellent good happy amazing perfect wonderful best fantastic",
    "negative": "bad awful terrible hate poor disappointed worst broke broken useless angry",
}
_URGENT_WORDS = {
    "urgent", "urgently", "asap", "immediately", "today", "emergency", "locked", "fraud",
    "stolen", "blocked", "critical"
}

_RECORDED = [  # (words that must all appear, reply): a "general knowledge" that knows no business
    ({"who", "you"}, f"I am {MODEL_NAME}, a small rule-based stand-in for a language model, running "
                     "on your own computer."),
    ({"return"}, "You can usually return an item within 30 days of delivery for a full refund."),
    ({"refund"}, "Refunds usually reach your account within 5 to 10 working days."),
    ({"delivery"}, "Standard delivery usually takes 3 to 5 working days."),
    ({"password"}, "To reset your password, choose \"Forgot password\" on the sign-in page and "
                   "follow the link in the email."),
    ({"capital", "france"}, "The capital of France is Paris."),
    ({"hello"}, "Hello! How can I help you today?"),
    ({"hi"}, "Hello! How can I help you today?"),
]
_FALLBACK = ("I'm not sure I understand. Could you give me more detail, or some context to answer "
             "from?")


def _reply(messages: list[dict[str, Any]], tools: list[dict[str, Any]], tool_choice: Any,
           json_mode: bool) -> tuple[str | None, list[dict[str, Any]] | None]:
    """The answer's text, or the tools it asks to call."""
    last = messages[-1]
    if last["role"] == "tool":
        return _report_tool_result(messages), None
    user = next((m["content"] for m in reversed(messages) if m["role"] == "user"), "")
    system = "\n".join(m["content"] for m in messages if m["role"] == "system")
    if tools and tool_choice != "none":
        answer = _call_a_tool(user, tools, forced=tool_choice)
        if answer is not None:
            return answer
    prompt = f"{system}\n{user}"
    labels = _labels_in(prompt)
    described = _label_descriptions(prompt, labels)
    data = _data_part(user, labels)
    if json_mode or re.search(r"\bjson\b", prompt, re.IGNORECASE):
        template = _json_example_in(prompt)
        obj = _fill(template, data, labels, described, user) if isinstance(template, dict) else {
            "answer": _plain_answer(user, data, labels, described)}
        body = json.dumps(obj, ensure_ascii=False)
        if json_mode:
            return body, None
        pretty = json.dumps(obj, ensure_ascii=False, indent=2)
        return f"Sure! Here is the JSON you asked for:\n\n```json\n{pretty}\n```", None
    return _plain_answer(user, data, labels, described), None


def _plain_answer(user: str, data: str, labels: list[str], described: dict[str, set[str]]) -> str:
    context, question = _context_and_question(user)
    if context is not None:
        return _answer_from(context, question)
    if labels:
        return _classify(data, labels, described)[0]
    words = set(_words(user))
    for needed, reply in _RECORDED:
        if needed <= words:
            return reply
    return _FALLBACK


def _words(text: str) -> list[str]:
    """Lower-case words, with the endings -s, -es, -ed, -ing and a final -e removed, so that
    "charge", "charges" and "charged" compare equal."""
    out = []
    for word in re.findall(r"[a-z0-9']+", text.lower()):
        word = word.strip("'")
        for ending in ("ing", "ed", "es", "s"):
            if len(word) > len(ending) + 2 and word.endswith(ending):
                word = word[: -len(ending)]
                break
        if len(word) > 3 and word.endswith("e"):
            word = word[:-1]
        if word:
            out.append(word)
    return out


def _content_words(text: str) -> set[str]:
    """The stems of the words that carry meaning: no stop words ("the", "how", ...), no letters."""
    kept = " ".join(w for w in re.findall(r"[a-z0-9']+", text.lower()) if w.strip("'") not in _STOP_WORDS)
    return {w for w in _words(kept) if len(w) > 1}


_LABEL_LINE = re.compile(r"^.*\b(?:categories|category|labels|label|one of|choose from|options)\b[ \t]*"
                         r"(?:is|are)?[ \t]*:?[ \t]*(.*)$", re.IGNORECASE | re.MULTILINE)
_BULLET = re.compile(r"^[ \t]*[-*][ \t]*`?([A-Za-z_][\w-]*)`?[ \t]*(?::|-|=)?[ \t]*(.*)$")


def _labels_in(prompt: str) -> list[str]:
    """The allowed labels, from a line such as 'Categories: billing, delivery or account.', or from
    the bullet lines under 'Categories:' ('- billing: charges, invoices, refunds')."""
    for match in _LABEL_LINE.finditer(prompt):
        found = [part.strip(" .\"'`*") for part in re.split(r",|\bor\b|\||/", match.group(1))]
        found = [label for label in found if re.fullmatch(r"[A-Za-z_][\w-]*", label)]
        if len(found) >= 2:
            return found
        if not match.group(1).strip():
            bullets = []
            for line in prompt[match.end():].lstrip("\n").splitlines():
                bullet = _BULLET.match(line)
                if not bullet:
                    break
                bullets.append(bullet.group(1))
            if len(bullets) >= 2:
                return bullets
    return []


def _label_descriptions(prompt: str, labels: list[str]) -> dict[str, set[str]]:
    """For each label, the words of its description in the prompt ('- returns: damaged items')."""
    described: dict[str, set[str]] = {}
    for line in prompt.splitlines():
        bullet = _BULLET.match(line)
        if bullet and bullet.group(1) in labels:
            described[bullet.group(1)] = _content_words(bullet.group(2))
    return described


def _data_part(user: str, labels: list[str]) -> str:
    """The text to work on: what is inside delimiters (\"\"\", ``` or <tag>) when there are any,
    otherwise the user's message without the lines that list the labels or show the JSON."""
    for pattern in (r'"""(.*?)"""', r"```(?:\w*\n)?(.*?)```", r"<(\w+)>(.*?)</\1>"):
        found = re.findall(pattern, user, re.DOTALL)
        if found:
            last = found[-1]
            return last[-1] if isinstance(last, tuple) else last
    lines = [line for line in user.splitlines()
             if not (labels and _LABEL_LINE.match(line)) and "{" not in line]
    return "\n".join(lines)


def _classify(text: str, labels: list[str], described: dict[str, set[str]] | None = None
              ) -> tuple[str, float]:
    """The label whose keywords (built in, and from its description in the prompt) best match
    `text`, and a confidence between 0 and 1."""
    words = _content_words(text)
    scores = []
    for label in labels:
        keywords = {label.lower()} | set(_LABEL_WORDS.get(label.lower(), "").split())
        stems = {w for k in keywords for w in _words(k)} | (described or {}).get(label, set())
        scores.append(len(words & stems))
    best = max(scores)
    if best == 0:
        fallback = next((label for label in labels if label.lower() in ("other", "general", "unknown")),
                        labels[0])
        return fallback, 0.3
    label = labels[scores.index(best)]
    return label, round(min(0.99, 0.5 + 0.15 * best), 2)


def _is_urgent(text: str) -> bool:
    lowered = text.lower()
    return bool(_URGENT_WORDS & set(re.findall(r"[a-z']+", lowered))) or "!!" in text


def _json_example_in(prompt: str) -> Any:
    """The first {...} in the prompt that is valid JSON: the shape the answer should copy."""
    for start in [m.start() for m in re.finditer(r"\{", prompt)]:
        depth = 0
        for end in range(start, len(prompt)):
            depth += {"{": 1, "}": -1}.get(prompt[end], 0)
            if depth == 0:
                try:
                    return json.loads(prompt[start:end + 1])
                except json.JSONDecodeError:
                    break
    return None


def _fill(template: dict[str, Any], data: str, labels: list[str], described: dict[str, set[str]],
          user: str) -> dict[str, Any]:
    """An object with the template's keys, each value chosen by a rule for its name and type."""
    out: dict[str, Any] = {}
    label, confidence = _classify(data, labels, described) if labels else ("", 0.3)
    for key, example in template.items():
        name = key.lower()
        if isinstance(example, bool):
            out[key] = _is_urgent(data) if "urgent" in name else name in _content_words(data)
        elif isinstance(example, str) and "|" in example:
            out[key] = _classify(data, [part.strip() for part in example.split("|")])[0]
        elif name in ("category", "label", "intent", "topic", "sentiment", "class") and labels:
            out[key] = label
        elif isinstance(example, (int, float)) and name in ("confidence", "score", "probability"):
            out[key] = confidence
        elif isinstance(example, str) and name in ("summary", "title", "subject"):
            words = re.split(r"(?<=[.!?])\s", data.strip(), maxsplit=1)[0].split()
            out[key] = " ".join(words[:12]) + ("..." if len(words) > 12 else "")
        elif isinstance(example, str) and name in ("answer", "reply", "response"):
            out[key] = _plain_answer(user, data, labels, described)
        elif isinstance(example, list):
            out[key] = sorted(_content_words(data), key=lambda w: (-len(w), w))[:3]
        elif isinstance(example, dict):
            out[key] = _fill(example, data, labels, described, user)
        else:
            out[key] = example
    return out


def _context_and_question(user: str) -> tuple[list[str] | None, str]:
    """The passages after 'Context:' and the text after 'Question:', when the prompt has both."""
    match = re.search(r"context\s*:(.*?)(?:^|\n)\s*question\s*:(.*)", user, re.IGNORECASE | re.DOTALL)
    if not match:
        return None, user
    passages = [p.strip(" -*\t") for p in re.split(r"\n\s*\n|\n(?=\s*[-*]\s|\s*\[)", match.group(1))]
    return [p for p in passages if p], match.group(2).strip()


def _answer_from(passages: list[str], question: str) -> str:
    """The sentence of the context that shares the most words with the question, with its [id]."""
    asked = _content_words(question)
    best: tuple[float, str, str] = (0.0, "", "")
    for passage in passages:
        source_match = re.match(r"\[([^\]]+)\]\s*", passage)
        source = source_match.group(1) if source_match else ""
        body = passage[source_match.end():] if source_match else passage
        for sentence in re.split(r"(?<=[.!?])\s+", body):
            shared = len(asked & _content_words(sentence))
            if shared > best[0]:
                best = (shared, sentence.strip(), source)
    if not asked or best[0] / len(asked) < 0.3:
        return "I don't know: the context does not say."
    return f"{best[1]} [{best[2]}]" if best[2] else best[1]


def _call_a_tool(user: str, tools: list[dict[str, Any]], forced: Any
                 ) -> tuple[str | None, list[dict[str, Any]] | None] | None:
    """Ask to call the tool that best matches the request, or None to answer in words instead."""
    words = _content_words(user)
    scored = []
    for tool in tools:
        function = tool["function"]
        described = f"{function['name'].replace('_', ' ')} {function.get('description', '')}"
        scored.append((len(words & _content_words(described)), function))
    if isinstance(forced, dict):
        chosen = [f for _, f in scored if f["name"] == forced.get("function", {}).get("name")]
        function = chosen[0] if chosen else scored[0][1]
    else:
        best = max(score for score, _ in scored)
        if best == 0 and forced != "required":
            return None
        function = next(f for score, f in scored if score == best)
    arguments, missing = _arguments(user, function.get("parameters") or {})
    if missing:
        return f"I can look that up with {function['name']}, but I need the {missing} first.", None
    encoded = json.dumps(arguments)
    call_id = "call_" + hashlib.sha256(f"{function['name']}{encoded}".encode()).hexdigest()[:12]
    return None, [{"id": call_id, "type": "function",
                   "function": {"name": function["name"], "arguments": encoded}}]


def _arguments(user: str, schema: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """Arguments picked out of the text for each parameter; and the first required one not found."""
    found: dict[str, Any] = {}
    numbers = re.findall(r"(?<![\w-])\d+(?:\.\d+)?(?![\w-])", user)
    for name, spec in (schema.get("properties") or {}).items():
        kind = spec.get("type")
        value: Any = None
        if spec.get("enum"):
            value = next((v for v in spec["enum"] if re.search(rf"\b{re.escape(str(v))}\b", user,
                                                                re.IGNORECASE)), None)
        elif kind in ("integer", "number") and numbers:
            value = int(float(numbers.pop(0))) if kind == "integer" else float(numbers.pop(0))
        elif kind == "string" and name.endswith(("id", "number", "code")):
            match = re.search(r"\b[A-Za-z]*-?\d[\w-]*\b", user)
            value = match.group() if match else None
        elif kind == "string" and "email" in name:
            match = re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", user)
            value = match.group() if match else None
        elif kind == "string" and name in ("city", "location", "place", "country"):
            match = re.search(r"\b(?:in|for|to|at)\s+([A-Z][a-z]+(?:\s[A-Z][a-z]+)*)", user)
            value = match.group(1) if match else None
        elif kind == "string":
            value = user.strip()
        if value is not None:
            found[name] = value
    missing = next((name for name in schema.get("required", []) if name not in found), None)
    return found, missing


def _report_tool_result(messages: list[dict[str, Any]]) -> str:
    """After a tool answered: say what it returned, in a sentence."""
    result = messages[-1]["content"]
    try:
        data = json.loads(result)
    except json.JSONDecodeError:
        return f"Here is what I found: {result}"
    if isinstance(data, dict):
        if "error" in data:
            return f"Sorry, I could not do that: {data['error']}"
        details = "; ".join(f"{key.replace('_', ' ')}: {value}" for key, value in data.items())
        return f"Here is what I found. {details}."
    return f"Here is what I found: {json.dumps(data)}"


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _digest(messages: Any, options: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps([messages, options], sort_keys=True, default=str).encode()).hexdigest()


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
    """The stand-in model served over HTTP on 127.0.0.1, like a hosted provider's API.

    POST <base_url>/chat/completions  takes {"model": ..., "messages": [...], ...options} as JSON
                                      and answers a chat completion (or {"error": {...}}).
    GET  <base_url>/models            lists the one model.

    Every request needs an `Authorization: Bearer <key>` header, as with a provider; the stand-in
    accepts any key (there is nothing to pay for), but refuses a request without one (401).
    Use it as a context manager, or call start() and stop(). `server.log` records every request.
    """

    _not_running = "the local model is not running: call start() or use `with LocalLLMServer() as server:`"
    _thread_name = "local-llm"

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__(host, port)
        self.log: list[LoggedCall] = []
        self._lock = threading.Lock()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        return _make_handler(self)

    @property
    def base_url(self) -> str:
        """The address to give a client as its base URL: url + '/v1', as providers do."""
        return self.url + "/v1"

    def __repr__(self) -> str:
        state = self.base_url if self._server is not None else "stopped"
        return f"<LocalLLMServer {MODEL_NAME} at {state}>"

    def _answer(self, method: str, path: str, auth: str | None, body: bytes
                ) -> tuple[int, dict[str, Any]]:
        path = path.rstrip("/")
        if path not in ("/v1/chat/completions", "/v1/models"):
            return 404, LocalLLMError(f"Unknown path {path!r}: try POST /v1/chat/completions",
                                      code="unknown_url").to_dict()
        if not auth or not auth.startswith("Bearer ") or not auth[7:].strip():
            return 401, {"error": {"message": "You didn't provide an API key. Send it in the "
                                              "Authorization header: 'Authorization: Bearer YOUR_KEY'.",
                                   "type": "invalid_request_error", "param": None,
                                   "code": "missing_api_key"}}
        if path == "/v1/models":
            return 200, {"object": "list", "data": [{"id": MODEL_NAME, "object": "model",
                                                     "owned_by": "the course"}]}
        if method != "POST":
            return 405, LocalLLMError("Use POST for /v1/chat/completions",
                                      code="method_not_allowed").to_dict()
        try:
            request = json.loads(body.decode("utf-8") or "null")
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            return 400, BadRequestError(f"The body of the request is not valid JSON: {error}",
                                        code="invalid_json").to_dict()
        if not isinstance(request, dict) or "messages" not in request:
            return 400, BadRequestError("Missing required parameter: 'messages'.",
                                        code="missing_required_parameter", param="messages").to_dict()
        messages = request.pop("messages")
        try:
            return 200, chat(messages, **request)
        except LocalLLMError as error:
            return error.status, error.to_dict()


def _make_handler(server: LocalLLMServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "CourseLocalLLM/1.0"

        def _handle(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            path = self.path.split("?", 1)[0]
            status, answer = server._answer(method, path, self.headers.get("Authorization"), body)
            usage = answer.get("usage", {})
            with server._lock:
                server.log.append(LoggedCall(time.monotonic(), path, status,
                                             usage.get("prompt_tokens", 0),
                                             usage.get("completion_tokens", 0)))
            payload = json.dumps(answer, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def do_POST(self) -> None:  # the names http.server expects
            self._handle("POST")

        def do_GET(self) -> None:
            self._handle("GET")

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep lessons' output clean; server.log records every request instead

    return Handler

