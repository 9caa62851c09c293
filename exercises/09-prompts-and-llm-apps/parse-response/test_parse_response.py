"""Checks for parse-response: a model's reply becomes a validated ticket, or a ValueError.

Some replies are written here by hand; others are produced by the course's local model
(courselib.local_llm.chat), exactly as the learner's notebook gets them.
"""

import pytest

from courselib.local_llm import chat
from grader import LearnerError, points

SYSTEM = """You sort customer support tickets for Lumen & Co, an online homeware shop.
Categories: billing, delivery, account, returns, other.
Answer in JSON like this example: {"category": "delivery", "urgent": false, "summary": "Parcel is late"}"""


def model_reply(ticket, **options):
    """What the course's local model answers for this ticket."""
    messages = [{"role": "system", "content": SYSTEM},
                {"role": "user", "content": f'Ticket: """{ticket}"""'}]
    return chat(messages, **options)["choices"][0]["message"]["content"]


def parse(nb, text):
    """Call the learner's parse_response on a good reply; an error it raises becomes a clear failure."""
    parse_response = nb.function("parse_response")
    try:
        return parse_response(text)
    except LearnerError as error:
        where = f" at the line `{error.line}`" if error.line else ""
        pytest.fail(f"parse_response raised {type(error).__name__}{where}: {error}, but this reply is "
                    f"valid and should be accepted: {text!r}")


def expect_value_error(nb, text, why):
    """Check that the learner's parse_response refuses `text` with a ValueError."""
    parse_response = nb.function("parse_response")
    try:
        got = parse_response(text)
    except ValueError:
        return
    except LearnerError as error:
        pytest.fail(f"for {why} ({text!r}) parse_response should raise ValueError; it raised "
                    f"{type(error).__name__}: {error}. Check for this case first and raise ValueError "
                    "with a message that says what is wrong.")
    pytest.fail(f"for {why} ({text!r}) parse_response should raise ValueError; it returned {got!r}")


@points(2, hint="json.loads(text) turns the reply into a dict; return its three fields.")
def test_reads_a_clean_reply(nb):
    """reads a reply that is just the JSON object, with spaces or a line break around it"""
    expected = {"category": "billing", "urgent": True, "summary": "Charged twice"}
    for text in ('{"category": "billing", "urgent": true, "summary": "Charged twice"}',
                 '\n  {"category": "billing", "urgent": true, "summary": "Charged twice"}\n'):
        assert parse(nb, text) == expected, (
            f"for the reply {text!r} parse_response should return {expected}"
        )
    reply = model_reply("My parcel is late and the tracking link does not work.",
                        response_format={"type": "json_object"})
    got = parse(nb, reply)
    assert got == {"category": "delivery", "urgent": False,
                   "summary": "My parcel is late and the tracking link does not work."}, (
        f"for the model's reply {reply!r} parse_response should return the same three fields as a dict"
    )


@points(2, hint="If the text contains ```, take text.split('```')[1], then drop a leading 'json'.")
def test_reads_a_reply_inside_a_code_fence(nb):
    """reads the JSON inside a ```json code fence, even with a sentence before it"""
    reply = model_reply("I was charged twice for my order.")  # no JSON mode: a chatty, fenced answer
    assert reply.startswith("Sure!") and "```json" in reply, "the course model should answer with a fence"
    assert parse(nb, reply) == {"category": "billing", "urgent": False,
                                "summary": "I was charged twice for my order."}, (
        f"the model's reply has a sentence, then the JSON inside a ```json fence: {reply!r}. "
        "parse_response should return the fields of the JSON inside the fence"
    )
    plain_fence = '```\n{"category": "other", "urgent": false, "summary": "Gift cards"}\n```'
    assert parse(nb, plain_fence) == {"category": "other", "urgent": False, "summary": "Gift cards"}, (
        "a fence without the word json after it (``` alone) should work too"
    )


@points(1, hint="json.JSONDecodeError is already a ValueError; make sure nothing turns it into something else.")
def test_rejects_text_that_is_not_json(nb):
    """refuses chatter, an empty reply and a reply cut off half-way, with ValueError"""
    cut_off = model_reply("I was charged twice.", response_format={"type": "json_object"}, max_tokens=10)
    expect_value_error(nb, "Sure! The category is billing.", "a reply with no JSON in it")
    expect_value_error(nb, "", "an empty reply")
    expect_value_error(nb, cut_off, "a reply cut off by max_tokens")


@points(1, hint="After json.loads, check isinstance(data, dict) before reading any key.")
def test_rejects_json_that_is_not_an_object(nb):
    """refuses JSON that is a list, a string or null, with ValueError"""
    expect_value_error(nb, '["billing", true, "Charged twice"]', "a JSON list instead of an object")
    expect_value_error(nb, '"billing"', "a JSON string instead of an object")
    expect_value_error(nb, "null", "JSON null instead of an object")


@points(1, hint="Check `key in data` for each of the three keys before using them, and raise ValueError.")
def test_rejects_a_missing_field(nb):
    """refuses an answer that lacks category, urgent or summary, with ValueError"""
    full = {"category": "billing", "urgent": True, "summary": "Charged twice"}
    for missing in full:
        partial = {key: value for key, value in full.items() if key != missing}
        text = str(partial).replace("'", '"').replace("True", "true")
        expect_value_error(nb, text, f"an answer with no {missing!r}")


@points(2, hint="category in CATEGORIES; isinstance(urgent, bool); isinstance(summary, str) and summary.strip().")
def test_rejects_values_of_the_wrong_kind(nb):
    """refuses an unknown category, an urgent flag that is not true/false, and an empty summary"""
    cases = [
        ('{"category": "shipping", "urgent": false, "summary": "Late"}', "a category not in CATEGORIES"),
        ('{"category": "billing", "urgent": "yes", "summary": "Late"}', 'urgent given as the text "yes"'),
        ('{"category": "billing", "urgent": "false", "summary": "Late"}', 'urgent given as the text "false"'),
        ('{"category": "billing", "urgent": 1, "summary": "Late"}', "urgent given as the number 1"),
        ('{"category": "billing", "urgent": false, "summary": "   "}', "a summary that is only spaces"),
        ('{"category": "billing", "urgent": false, "summary": 42}', "a summary that is a number"),
    ]
    for text, why in cases:
        expect_value_error(nb, text, why)


@points(1, hint="Build and return a new dict with only the three keys.")
def test_returns_only_the_three_fields(nb):
    """returns exactly category, urgent and summary, dropping any other keys"""
    text = '{"category": "returns", "urgent": false, "summary": "Cracked shade", "confidence": 0.9}'
    got = parse(nb, text)
    assert got == {"category": "returns", "urgent": False, "summary": "Cracked shade"}, (
        "the reply has an extra key, confidence; parse_response should return only category, "
        "urgent and summary"
    )
