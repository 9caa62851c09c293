"""The rules the course's stand-in model answers by. `courselib.local_llm` explains them to a learner;
this module holds them, one small function each, with `reply()` choosing which applies.

Nothing here is learnt: each answer follows from the request's words by a fixed rule, so the same
request gets the same answer on every computer. Temperature only changes the *wording* (an opener, a
closing sentence, how a label is written), never what is said.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from dataclasses import dataclass, field
from typing import Any

__all__ = ["FAULTS", "MODEL_NAME", "Ask", "content_words", "reply"]

MODEL_NAME = "course-local-1"
FAULTS = ("malformed_json", "unsupported_claim", "obey_injection")


@dataclass(frozen=True)
class Ask:
    """One request, as the rules read it."""

    messages: list[dict[str, Any]]
    tools: list[dict[str, Any]] = field(default_factory=list)
    tool_choice: Any = "auto"
    json_mode: bool = False  # response_format {"type": "json_object"}
    schema: dict[str, Any] | None = None  # response_format {"type": "json_schema"}: its "schema"
    faults: frozenset[str] = frozenset()
    rng: random.Random | None = None  # None at temperature 0: always the most likely wording
    variety: float = 0.0  # the chance (0 to 1) that the wording is drawn at random


@dataclass(frozen=True)
class _Reading:
    """What the rules found in the prompt."""

    user: str  # the last user message
    system: str  # the system messages, joined
    data: str  # the part of it to work on (inside delimiters, when there are any)
    labels: list[str]
    described: dict[str, set[str]]
    verdict: str | None  # "A" or "B" when asked to judge two answers
    faults: frozenset[str]


# -- words and labels -----------------------------------------------------------------------------
_STOP_WORDS = {
    "a",
    "an",
    "the",
    "and",
    "or",
    "but",
    "if",
    "of",
    "to",
    "in",
    "on",
    "at",
    "by",
    "for",
    "with",
    "from",
    "as",
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "being",
    "am",
    "do",
    "does",
    "did",
    "done",
    "have",
    "has",
    "had",
    "i",
    "me",
    "my",
    "we",
    "our",
    "you",
    "your",
    "he",
    "she",
    "it",
    "its",
    "they",
    "them",
    "their",
    "this",
    "that",
    "these",
    "those",
    "there",
    "here",
    "what",
    "which",
    "who",
    "whom",
    "whose",
    "when",
    "where",
    "why",
    "how",
    "can",
    "could",
    "should",
    "would",
    "will",
    "shall",
    "may",
    "might",
    "must",
    "not",
    "no",
    "yes",
    "so",
    "than",
    "then",
    "too",
    "very",
    "just",
    "about",
    "into",
    "over",
    "under",
    "again",
    "any",
    "all",
    "some",
    "each",
    "more",
    "most",
    "other",
    "such",
    "only",
    "own",
    "same",
    "please",
    "hi",
    "hello",
    "thanks",
    "thank",
    "get",
    "got",
    "one",
    "also",
    "out",
    "up",
    "down",
    "off",
}

_LABEL_WORDS = {
    "billing": "bill billing charge charged charges invoice payment pay paid card refund price cost "
    "money twice receipt subscription fee",
    "delivery": "delivery deliver delivered parcel package shipping shipped ship arrive arrived late "
    "courier tracking track address lost",
    "account": "account login log password sign email username locked profile reset access",
    "technical": "app error crash crashes bug broken website page load loading screen update slow working",
    "returns": "return returns returned exchange send back wrong size damaged faulty",
    "positive": "love great excellent good happy amazing perfect wonderful best fantastic",
    "negative": "bad awful terrible hate poor disappointed worst broke broken useless angry",
}
_URGENT_WORDS = {
    "urgent",
    "urgently",
    "asap",
    "immediately",
    "today",
    "emergency",
    "locked",
    "fraud",
    "stolen",
    "blocked",
    "critical",
}

_RECORDED = [  # (words that must all appear, reply): a "general knowledge" that knows no business
    (
        {"who", "you"},
        f"I am {MODEL_NAME}, a small rule-based stand-in for a language model, running on your own computer.",
    ),
    ({"return"}, "You can usually return an item within 30 days of delivery for a full refund."),
    ({"refund"}, "Refunds usually reach your account within 5 to 10 working days."),
    ({"delivery"}, "Standard delivery usually takes 3 to 5 working days."),
    (
        {"password"},
        'To reset your password, choose "Forgot password" on the sign-in page and follow the link in the email.',
    ),
    ({"capital", "france"}, "The capital of France is Paris."),
    ({"hello"}, "Hello! How can I help you today?"),
    ({"hi"}, "Hello! How can I help you today?"),
]
_FALLBACK = "I'm not sure I understand. Could you give me more detail, or some context to answer from?"


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


_LABEL_LINE = re.compile(
    r"^.*\b(?:categories|category|labels|label|one of|choose from|options)\b[ \t]*"
    r"(?:is|are)?[ \t]*:?[ \t]*(.*)$",
    re.IGNORECASE | re.MULTILINE,
)
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
            for line in prompt[match.end() :].lstrip("\n").splitlines():
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
    lines = [line for line in user.splitlines() if not (labels and _LABEL_LINE.match(line)) and "{" not in line]
    return "\n".join(lines)


def _classify(text: str, labels: list[str], described: dict[str, set[str]] | None = None) -> tuple[str, float]:
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
        fallback = next((label for label in labels if label.lower() in ("other", "general", "unknown")), labels[0])
        return fallback, 0.3
    label = labels[scores.index(best)]
    return label, round(min(0.99, 0.5 + 0.15 * best), 2)


# -- choosing the rule ---------------------------------------------------------------------------
def reply(ask: Ask) -> tuple[str | None, list[dict[str, Any]] | None]:
    """The answer's text, or the tools it asks to call."""
    messages = ask.messages
    user = next((m["content"] for m in reversed(messages) if m["role"] == "user"), "")
    if "obey_injection" in ask.faults:
        demand = _injected_demand(messages)
        if demand is not None:
            return _obey(demand, ask.tools)
    if messages[-1]["role"] == "tool":
        follow_up = _call_a_tool(user, ask.tools, "auto", messages) if ask.tools else None
        if follow_up is not None and follow_up[1]:
            return follow_up
        return _vary(_report_tool_result(messages), "prose", ask), None
    if ask.tools and ask.tool_choice != "none":
        answer = _call_a_tool(user, ask.tools, ask.tool_choice, messages)
        if answer is not None:
            return answer
    system = "\n".join(m["content"] for m in messages if m["role"] == "system")
    prompt = f"{system}\n{user}"
    labels = _labels_in(prompt) or (_schema_labels(ask.schema) if ask.schema else [])
    reading = _Reading(
        user=user,
        system=system,
        data=_data_part(user, labels),
        labels=labels,
        described=_label_descriptions(prompt, labels),
        verdict=_judge(user) or _judge(prompt),
        faults=ask.faults,
    )
    if ask.json_mode or ask.schema is not None or re.search(r"\bjson\b", prompt, re.IGNORECASE):
        if ask.schema is not None:
            obj = _fill_schema(ask.schema, reading, ask.schema.get("$defs") or ask.schema.get("definitions") or {})
        else:
            template = _json_example_in(prompt)
            obj = _fill(template, reading) if isinstance(template, dict) else {"answer": _plain_answer(reading)}
        body = json.dumps(obj, ensure_ascii=False)
        if "malformed_json" in ask.faults:
            body = _break_json(body)
        if ask.json_mode or ask.schema is not None:
            return body, None
        pretty = json.dumps(obj, ensure_ascii=False, indent=2)
        if "malformed_json" in ask.faults:
            pretty = _break_json(pretty)
        return f"Sure! Here is the JSON you asked for:\n\n```json\n{pretty}\n```", None
    if reading.verdict:
        return _vary(reading.verdict, "verdict", ask), None
    text = _plain_answer(reading)
    return _vary(text, "label" if text in labels else "prose", ask), None


def _plain_answer(reading: _Reading) -> str:
    context, question = _context_and_question(reading.user, reading.system)
    if context is not None:
        return _answer_from(context, question, "unsupported_claim" in reading.faults)
    if reading.verdict:
        return reading.verdict
    if reading.labels:
        return _classify(reading.data, reading.labels, reading.described)[0]
    words = set(_words(reading.user))
    for needed, answer in _RECORDED:
        if needed <= words:
            return answer
    return _FALLBACK


# -- temperature: the same answer, worded differently --------------------------------------------
_OPENERS = ["", "Sure! ", "Of course. ", "Happy to help. ", "Good question. "]
_CLOSERS = ["", " I hope that helps.", " Let me know if you need anything else.", " Anything else I can do?"]


def _vary(text: str, kind: str, ask: Ask) -> str:
    """At temperature 0, `text` itself; above it, sometimes another wording of the same answer."""
    if ask.rng is None or ask.rng.random() >= ask.variety:
        return text
    if kind == "label":
        return ask.rng.choice([text, text.capitalize(), f"{text}.", f"Category: {text}", f"I would say {text}."])
    if kind == "verdict":
        return ask.rng.choice([text, f"Answer {text}", f"{text}.", f"Answer {text} is better."])
    if text.startswith("I don't know"):
        return ask.rng.choice(
            [
                text,
                "I'm afraid I don't know: the context does not say.",
                "I don't know; nothing in the context answers that.",
            ]
        )
    return f"{ask.rng.choice(_OPENERS)}{text}{ask.rng.choice(_CLOSERS)}"


# -- the judge, with its position and length bias --------------------------------------------------
_ANSWER_MARK = re.compile(
    r"(?im)^[ \t>#*\[(]*(?:answer|response)[ \t]+([AB12])\b[\])*]*[ \t]*"
    r"[:.)\-\u2013\u2014]?[ \t]*"
)
_LONGER_BY = 1.2  # an answer this many times longer (in words) than the other counts as longer


def _judge(prompt: str) -> str | None:
    """When the prompt shows "Answer A:" and "Answer B:" (or "Response 1:" and "Response 2:"), each
    at the start of a line, the letter (or number) of the one it prefers: the longer one when one is
    more than 20% longer in words, otherwise the one shown first. That is all it looks at: a
    deliberate position and length bias, the two biases measured in LLM judges, for lessons to
    measure and correct. The first answer runs to the second's mark; the second to the first blank
    line after it (or the end), so instructions may follow."""
    marks = list(_ANSWER_MARK.finditer(prompt))
    letters = [m.group(1).upper() for m in marks]  # answered as the prompt names them: A/B or 1/2
    if sorted(letters) not in (["A", "B"], ["1", "2"]):
        return None
    first = prompt[marks[0].end() : marks[1].start()]
    second = re.split(r"\n[ \t]*\n", prompt[marks[1].end() :].strip(), maxsplit=1)[0]
    lengths = [len(first.split()), len(second.split())]
    if max(lengths) > _LONGER_BY * min(lengths):
        return letters[lengths.index(max(lengths))]
    return letters[0]


# -- faults a learner switches on to build defences ------------------------------------------------
_CLAIMS = [
    "Every order also comes with a free lifetime warranty.",
    "All deliveries are free and arrive the next morning, anywhere in the world.",
    "Refunds are paid in cash at any of our 200 shops.",
]
_INJECTION = re.compile(
    r"(?i)\b(?:ignore|disregard|forget)\b[^.\n]{0,40}?\b(?:instructions?|rules|prompts?|"
    r"directions|everything above)\b[\s,.;:!-]*(?P<demand>[^\n]*)"
)
_DEMAND_VERB = re.compile(r"(?i)^(?:and|then|instead|now|,|\s)*")


def _break_json(body: str) -> str:
    """The JSON with its last closing brace replaced by a comma, as a model cut short writes it."""
    return body.rstrip().rstrip("}").rstrip() + ","


def _unsupported_claim(question: str) -> str:
    return _CLAIMS[int(hashlib.sha256(question.encode()).hexdigest(), 16) % len(_CLAIMS)]


def _injected_demand(messages: list[dict[str, Any]]) -> str | None:
    """What an instruction hidden in the user's data or a tool's result asks for, if there is one."""
    for message in reversed(messages):
        if message["role"] in ("user", "tool"):
            found = list(_INJECTION.finditer(message.get("content") or ""))
            if found:
                return _DEMAND_VERB.sub("", found[-1].group("demand")).strip()
    return None


def _obey(demand: str, tools: list[dict[str, Any]]) -> tuple[str | None, list[dict[str, Any]] | None]:
    """Do what the injected instruction says: call the tool it names, or say what it dictates."""
    for tool in tools:
        name = tool["function"]["name"]
        if re.search(rf"\b{re.escape(name)}\b|\b{re.escape(name.replace('_', ' '))}\b", demand, re.IGNORECASE):
            arguments, _ = _arguments(demand, tool["function"].get("parameters") or {}, {})
            return None, [_tool_call(name, arguments)]
    quoted = re.search(r"[\"'\u201c\u2018](.+?)[\"'\u201d\u2019](?:\s|[.!]|$)", demand)
    if quoted:
        return quoted.group(1), None
    said = re.sub(
        r"(?i)^(?:say|reply|respond|answer|output|print|write|return)\s*(?:with|only|that)?\s*:?\s*", "", demand
    ).strip()
    return (said[:1].upper() + said[1:] if said else "Understood: I will ignore my previous instructions."), None


# -- answering from a context ----------------------------------------------------------------------
def _context_and_question(user: str, system: str = "") -> tuple[list[str] | None, str]:
    """The passages after 'Context:' and the question: the text after 'Question:' when the user's
    message (or the system's) has both, or the user's whole message when only the system message
    holds a 'Context:' section."""
    for text in (user, f"{system}\n{user}"):
        match = re.search(r"context\s*:(.*?)(?:^|\n)\s*question\s*:(.*)", text, re.IGNORECASE | re.DOTALL)
        if match:
            return _passages(match.group(1)), match.group(2).strip()
    match = re.search(r"(?:^|\n)[ \t#*]*context\s*:(.*)", system, re.IGNORECASE | re.DOTALL)
    if match:
        return _passages(match.group(1)), user.strip()
    return None, user


def _passages(block: str) -> list[str]:
    passages = [p.strip(" -*\t") for p in re.split(r"\n\s*\n|\n(?=\s*[-*]\s|\s*\[)", block)]
    return [p for p in passages if p]


def _answer_from(passages: list[str], question: str, add_claim: bool = False) -> str:
    """The sentence of the context that shares the most words with the question, with its [id].
    With the `unsupported_claim` fault: a confident sentence the context does not support follows,
    or, when nothing supports an answer, stands alone citing the first passage."""
    asked = _content_words(question)
    best: tuple[float, str, str] = (0.0, "", "")
    first_source = ""
    for passage in passages:
        source_match = re.match(r"\[([^\]]+)\]\s*", passage)
        source = source_match.group(1) if source_match else ""
        first_source = first_source or source
        body = passage[source_match.end() :] if source_match else passage
        for sentence in re.split(r"(?<=[.!?])\s+", body):
            shared = len(asked & _content_words(sentence))
            if shared > best[0]:
                best = (shared, sentence.strip(), source)
    if not asked or best[0] / len(asked) < 0.3:
        if add_claim:
            claim = _unsupported_claim(question)
            return f"{claim} [{first_source}]" if first_source else claim
        return "I don't know: the context does not say."
    answer = f"{best[1]} [{best[2]}]" if best[2] else best[1]
    return f"{answer} {_unsupported_claim(question)}" if add_claim else answer


# -- tools -----------------------------------------------------------------------------------------
def _tool_call(name: str, arguments: dict[str, Any]) -> dict[str, Any]:
    encoded = json.dumps(arguments)
    call_id = "call_" + hashlib.sha256(f"{name}{encoded}".encode()).hexdigest()[:12]
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": encoded}}


def _this_turn(messages: list[dict[str, Any]]) -> tuple[set[str], dict[str, Any]]:
    """The tools already called since the last user message, and what their results said (the keys
    of the JSON objects they returned), for the next step to use."""
    called: set[str] = set()
    known: dict[str, Any] = {}
    for message in reversed(messages):
        if message["role"] == "user":
            break
        if message["role"] == "assistant":
            called |= {call["function"]["name"] for call in message.get("tool_calls") or []}
        if message["role"] == "tool":
            try:
                result = json.loads(message.get("content") or "")
            except json.JSONDecodeError:
                continue
            if isinstance(result, dict):
                known = {**{str(k).lower(): v for k, v in result.items()}, **known}
    return called, known


def _call_a_tool(
    user: str, tools: list[dict[str, Any]], forced: Any, messages: list[dict[str, Any]]
) -> tuple[str | None, list[dict[str, Any]] | None] | None:
    """Ask to call the tool that best matches the request, or None to answer in words instead.

    Several steps: after a tool's result, it calls the next matching tool not yet called in this
    turn (in the order the request mentions them), with arguments from the request or from the
    earlier results (a result's key that names a parameter), and answers once none is left."""
    called, known = _this_turn(messages)
    words = _content_words(user)
    lowered = user.lower()
    scored = []
    for tool in tools:
        function = tool["function"]
        matched = words & _content_words(f"{function['name'].replace('_', ' ')} {function.get('description', '')}")
        mentioned = min((lowered.find(w) for w in matched if lowered.find(w) >= 0), default=len(user))
        scored.append((len(matched), mentioned, function))
    best = max(score for score, _, _ in scored)
    if isinstance(forced, dict) and not called:
        chosen = [f for _, _, f in scored if f["name"] == forced.get("function", {}).get("name")]
        function = chosen[0] if chosen else scored[0][2]
    elif not called:  # the first step: the best match (the first tool when "required" and none matches)
        if best == 0 and forced != "required":
            return None
        function = next(f for score, _, f in scored if score == best)
    else:  # a later step: the next tool the request mentions that has not been called yet
        candidates = [(where, f) for score, where, f in scored if score >= max(1, best / 2) and f["name"] not in called]
        if not candidates:
            return None
        function = min(candidates, key=lambda pair: pair[0])[1]
    arguments, missing = _arguments(user, function.get("parameters") or {}, known)
    if missing and not (forced == "required" or isinstance(forced, dict)):  # forced: it must call, as a provider's
        return f"I can look that up with {function['name']}, but I need the {missing} first.", None
    return None, [_tool_call(function["name"], arguments)]


def _arguments(user: str, schema: dict[str, Any], known: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """Arguments for each parameter, from earlier tool results (same name) or picked out of the text;
    and the first required one not found."""
    found: dict[str, Any] = {}
    numbers = re.findall(r"(?<![\w-])\d+(?:\.\d+)?(?![\w-])", user)
    for name, spec in (schema.get("properties") or {}).items():
        kind = spec.get("type")
        wanted = name.lower()
        value: Any = next(
            (v for k, v in known.items() if k == wanted or k.endswith("_" + wanted) or wanted.endswith("_" + k)), None
        )
        if value is not None:
            pass
        elif spec.get("enum"):
            value = next((v for v in spec["enum"] if re.search(rf"\b{re.escape(str(v))}\b", user, re.IGNORECASE)), None)
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
    """After the tools answered: say what they returned, in a sentence."""
    results: list[str] = []
    for message in reversed(messages):
        if message["role"] != "tool":
            break
        results.insert(0, message["content"])
    sentences = []
    for result in results:
        try:
            data = json.loads(result)
        except json.JSONDecodeError:
            sentences.append(f"Here is what I found: {result}")
            continue
        if isinstance(data, dict) and "error" in data:
            sentences.append(f"Sorry, I could not do that: {data['error']}")
        elif isinstance(data, dict):
            details = "; ".join(f"{key.replace('_', ' ')}: {value}" for key, value in data.items())
            sentences.append(f"Here is what I found. {details}.")
        else:
            sentences.append(f"Here is what I found: {json.dumps(data)}")
    return " ".join(sentences)


# -- JSON to a shown example or a schema -----------------------------------------------------------
_LABEL_KEYS = ("category", "label", "intent", "topic", "sentiment", "class")
_VERDICT_KEYS = ("winner", "better", "preferred", "preference", "choice", "verdict", "best")


def _json_example_in(prompt: str) -> Any:
    """The first {...} in the prompt that is valid JSON: the shape the answer should copy."""
    for start in [m.start() for m in re.finditer(r"\{", prompt)]:
        depth = 0
        for end in range(start, len(prompt)):
            depth += {"{": 1, "}": -1}.get(prompt[end], 0)
            if depth == 0:
                try:
                    return json.loads(prompt[start : end + 1])
                except json.JSONDecodeError:
                    break
    return None


def _text_for(name: str, reading: _Reading) -> str | None:
    """A string field's value by its name's rule, or None when no rule knows the name."""
    if name in _VERDICT_KEYS and reading.verdict:
        return reading.verdict
    if name in _LABEL_KEYS and reading.labels:
        return _classify(reading.data, reading.labels, reading.described)[0]
    if name in ("summary", "title", "subject"):
        words = re.split(r"(?<=[.!?])\s", reading.data.strip(), maxsplit=1)[0].split()
        return " ".join(words[:12]) + ("..." if len(words) > 12 else "")
    if name in ("answer", "reply", "response"):
        return _plain_answer(reading)
    if name in ("reason", "reasoning", "explanation", "rationale", "why"):
        words = sorted(_content_words(reading.data), key=lambda w: (-len(w), w))[:3]
        return f"The text is about {', '.join(words)}." if words else "The text says little."
    return None


def _fill(template: dict[str, Any], reading: _Reading) -> dict[str, Any]:
    """An object with the template's keys, each value chosen by a rule for its name and type."""
    out: dict[str, Any] = {}
    data = reading.data
    confidence = _classify(data, reading.labels, reading.described)[1] if reading.labels else 0.3
    for key, example in template.items():
        name = key.lower()
        text = _text_for(name, reading) if isinstance(example, str) else None
        if isinstance(example, bool):
            out[key] = _is_urgent(data) if "urgent" in name else name in _content_words(data)
        elif isinstance(example, str) and "|" in example:
            options = [part.strip() for part in example.split("|")]
            out[key] = reading.verdict if reading.verdict in options else _classify(data, options)[0]
        elif text is not None:
            out[key] = text
        elif isinstance(example, (int, float)) and name in ("confidence", "score", "probability"):
            out[key] = confidence
        elif isinstance(example, list):
            out[key] = sorted(_content_words(data), key=lambda w: (-len(w), w))[:3]
        elif isinstance(example, dict):
            out[key] = _fill(example, reading)
        else:
            out[key] = example
    return out


def _fill_schema(schema: dict[str, Any], reading: _Reading, defs: dict[str, Any], name: str = "") -> Any:
    """A value that fits the JSON schema (objects, arrays, enums, $ref, anyOf: what pydantic
    writes), each field chosen by the same rules as for an example."""
    while "$ref" in schema:
        schema = defs.get(schema["$ref"].rsplit("/", 1)[-1], {})
    for key in ("anyOf", "oneOf", "allOf"):
        if schema.get(key):
            options = [s for s in schema[key] if s.get("type") != "null"] or schema[key]
            return _fill_schema(options[0], reading, defs, name)
    if "const" in schema:
        return schema["const"]
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    kind = kind or ("object" if "properties" in schema else "string")
    name = name.lower()
    if schema.get("enum"):
        values = schema["enum"]
        if reading.verdict in values:
            return reading.verdict
        chosen = _classify(reading.data, [str(v) for v in values], reading.described)[0]
        return values[[str(v) for v in values].index(chosen)]
    if kind == "object":
        return {key: _fill_schema(sub, reading, defs, key) for key, sub in (schema.get("properties") or {}).items()}
    if kind == "array":
        items = schema.get("items") or {"type": "string"}
        size = max(1, schema.get("minItems", 1))
        if items.get("type") == "string" and not items.get("enum"):
            words = sorted(_content_words(reading.data), key=lambda w: (-len(w), w))
            size = max(size, min(3, schema.get("maxItems", 3)))
            return (words + ["none"] * size)[:size]
        return [_fill_schema(items, reading, defs, name) for _ in range(size)]
    if kind == "boolean":
        return _is_urgent(reading.data) if "urgent" in name else name in _content_words(reading.data)
    if kind in ("integer", "number"):
        low, high = schema.get("minimum"), schema.get("maximum")
        numbers = re.findall(r"(?<![\w-])\d+(?:\.\d+)?(?![\w-])", reading.data)
        if name in ("confidence", "score", "probability", "rating") or not numbers:
            share = _classify(reading.data, reading.labels, reading.described)[1] if reading.labels else 0.3
            value: float = (low + share * (high - low)) if low is not None and high is not None else share
        else:
            value = float(numbers[0])
        value = min(max(value, low if low is not None else value), high if high is not None else value)
        return round(value) if kind == "integer" else value
    if kind == "null":
        return None
    text = _text_for(name, reading)
    if text is None:
        words = reading.data.strip().split()
        text = " ".join(words[:12]) if words else "none"
    return text[: schema["maxLength"]] if schema.get("maxLength") else text


def _schema_labels(schema: dict[str, Any]) -> list[str]:
    """The values of the schema's first string enum among its top-level fields ("category":
    Literal["billing", ...]), which then count as the allowed labels, as if the prompt listed them."""
    defs = schema.get("$defs") or schema.get("definitions") or {}
    for spec in (schema.get("properties") or {}).values():
        while "$ref" in spec:
            spec = defs.get(spec["$ref"].rsplit("/", 1)[-1], {})
        values = spec.get("enum") or []
        if len(values) >= 2 and all(isinstance(v, str) for v in values):
            return list(values)
    return []


def _is_urgent(text: str) -> bool:
    lowered = text.lower()
    return bool(_URGENT_WORDS & set(re.findall(r"[a-z']+", lowered))) or "!!" in text


content_words = _content_words  # the embeddings read words the same way
