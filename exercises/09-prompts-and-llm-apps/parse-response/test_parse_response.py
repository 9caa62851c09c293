"""Checks for parse-response: a model's answer becomes a validated ticket, or a ValueError; triage asks again.

parse_response is checked on answers written here by hand. triage is checked against a practice server
(courselib's LocalLLMServer) that each check starts in the grader's process, scripted with the answers
"the model" gives; the learner's triage gets a client made in their kernel from COURSE_LLM_BASE_URL and
COURSE_LLM_API_KEY. The checks judge what triage sent (the server's log) and what it did with the answers,
never the stand-in's own wording.
"""

import json

import pytest

from grader import LearnerError, points
from grader.llm_checks import scripted_client, what_raised

VALID = '{"category": "returns", "urgent": false, "summary": "Chipped bowl"}'
VALID_FIELDS = {"category": "returns", "urgent": False, "summary": "Chipped bowl"}
TICKET = "One bowl of the set I received is chipped. Can I get a new one?"


def parse(nb, text):
    """Call the learner's parse_response on a valid answer; an error it raises becomes a clear failure."""
    parse_response = nb.function("parse_response")
    try:
        return parse_response(text)
    except LearnerError as error:
        pytest.fail(f"parse_response raised {what_raised(error, first_line=True)}, but this answer is "
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
                    f"{type(error).__name__}: {error}. Let Ticket.model_validate_json check it: its "
                    "ValidationError is a ValueError.")
    pytest.fail(f"for {why} ({text!r}) parse_response should raise ValueError; it returned {got!r}")


def run_triage(nb, client, **options):
    """The learner's triage on TICKET; an error it raises becomes a failure that says so."""
    triage = nb.function("triage")
    try:
        return triage(client, TICKET, **options)
    except LearnerError as error:
        pytest.fail(f"triage raised {what_raised(error, limit=200)}")


@points(2, hint="Ticket.model_validate_json(text).model_dump() turns a valid answer into the dict.")
def test_reads_a_valid_answer(nb):
    """reads valid answers, with spaces or line breaks around them, into the three fields"""
    cases = [
        ('{"category": "billing", "urgent": true, "summary": "Charged twice"}',
         {"category": "billing", "urgent": True, "summary": "Charged twice"}),
        ('\n  {"summary": "Gift card question", "category": "other", "urgent": false}\n',
         {"category": "other", "urgent": False, "summary": "Gift card question"}),
        (VALID, VALID_FIELDS),
    ]
    for text, expected in cases:
        got = parse(nb, text)
        assert got == expected, f"for the answer {text!r} parse_response should return {expected}; it returned {got!r}"


@points(1, hint="Return a new dict with only the three fields: model_dump() of a Ticket does that.")
def test_drops_keys_it_does_not_know(nb):
    """returns exactly category, urgent and summary, dropping any other keys"""
    text = '{"category": "delivery", "urgent": true, "summary": "Needs it today", "confidence": 0.9, "lang": "en"}'
    got = parse(nb, text)
    assert got == {"category": "delivery", "urgent": True, "summary": "Needs it today"}, (
        f"the answer has two extra keys (confidence, lang); parse_response should return only category, urgent "
        f"and summary, not {got!r}"
    )


@points(1, hint="Text that is not JSON must end in a ValueError: model_validate_json raises one.")
def test_refuses_text_that_is_not_json(nb):
    """refuses chatter, an empty answer and an answer cut off half-way, with ValueError"""
    expect_value_error(nb, "Sure! The category is billing.", "an answer with no JSON in it")
    expect_value_error(nb, "", "an empty answer")
    expect_value_error(nb, '{"category": "billing", "urgent": tr', "an answer cut off by max_tokens")


@points(1, hint="A Ticket must be a JSON object: a list, a string or null is refused.")
def test_refuses_json_that_is_not_an_object(nb):
    """refuses JSON that is a list, a string, a number or null, with ValueError"""
    expect_value_error(nb, '["billing", true, "Charged twice"]', "a JSON list instead of an object")
    expect_value_error(nb, '"billing"', "a JSON string instead of an object")
    expect_value_error(nb, "42", "a JSON number instead of an object")
    expect_value_error(nb, "null", "JSON null instead of an object")


@points(1, hint="Give the three fields no default values, so that each one is required.")
def test_refuses_a_missing_field(nb):
    """refuses an answer that lacks category, urgent or summary, with ValueError"""
    full = {"category": "account", "urgent": False, "summary": "Locked out"}
    for missing in full:
        partial = {key: value for key, value in full.items() if key != missing}
        expect_value_error(nb, json.dumps(partial), f"an answer with no {missing!r}")


@points(2, hint="Literal[...] for category, strict mode for urgent, Field(pattern=r'\\S') for summary.")
def test_refuses_values_of_the_wrong_kind(nb):
    """refuses an unknown category, an urgent that is not true/false, and a summary that is blank or not text"""
    cases = [
        ('{"category": "shipping", "urgent": false, "summary": "Late"}', "a category not in CATEGORIES"),
        ('{"category": "Billing", "urgent": false, "summary": "Late"}', "a category with a capital letter"),
        ('{"category": "billing", "urgent": "yes", "summary": "Late"}', 'urgent given as the text "yes"'),
        ('{"category": "billing", "urgent": "false", "summary": "Late"}', 'urgent given as the text "false"'),
        ('{"category": "billing", "urgent": 1, "summary": "Late"}', "urgent given as the number 1"),
        ('{"category": "billing", "urgent": false, "summary": "   "}', "a summary that is only spaces"),
        ('{"category": "billing", "urgent": false, "summary": 42}', "a summary that is a number"),
    ]
    for text, why in cases:
        expect_value_error(nb, text, why)


@points(1, hint="client.chat.completions.create(..., response_format={'type': 'json_object'}), then parse_response.")
def test_triage_returns_a_valid_first_answer(nb):
    """triage asks once, in JSON mode, and returns the fields of a valid answer"""
    with scripted_client(nb, [VALID]) as (server, client):
        got = run_triage(nb, client)
        sent = list(server.requests)
    assert got == VALID_FIELDS, (
        f"the model's answer was valid ({VALID}); triage should return {VALID_FIELDS}, not {got!r}"
    )
    assert len(sent) == 1, f"the first answer was valid, so triage should ask once; it sent {len(sent)} requests"
    kind = (sent[0].get("response_format") or {}).get("type")
    assert kind in ("json_object", "json_schema"), (
        "ask the API for JSON, not only the prompt: response_format={'type': 'json_object'} "
        f"(yours: {sent[0].get('response_format')!r})"
    )


@points(1, hint="Loop over the attempts; on a ValueError from parse_response, go round again.")
def test_triage_asks_again_after_an_invalid_answer(nb):
    """after chatter and a made-up category, triage asks again and returns the third, valid answer"""
    replies = ["Sure! This ticket is about returns.",
               '{"category": "breakage", "urgent": false, "summary": "Chipped bowl"}', VALID]
    with scripted_client(nb, replies) as (server, client):
        got = run_triage(nb, client)
        sent = list(server.requests)
    assert len(sent) == 3, (
        f"the first two answers were invalid and the third valid, so triage should send 3 requests; it sent {len(sent)}"
    )
    assert got == VALID_FIELDS, f"the third answer was valid; triage should return {VALID_FIELDS}, not {got!r}"


@points(1, hint="Add the bad answer as an assistant message and the error as a user message before asking again.")
def test_the_retry_says_what_was_wrong(nb):
    """each new attempt adds the invalid answer and what was wrong to the conversation"""
    bad = '{"category": "broken", "urgent": false, "summary": "Chipped bowl"}'
    with scripted_client(nb, [bad, VALID]) as (server, client):
        run_triage(nb, client)
        sent = list(server.requests)
    assert len(sent) == 2, f"one invalid answer, then a valid one: triage should send 2 requests; it sent {len(sent)}"
    first, second = sent[0].get("messages", []), sent[1].get("messages", [])
    assert second != first, (
        "the second request was the same as the first; at temperature 0 a model tends to give the same invalid "
        "answer again. Add the answer and what was wrong to the conversation before asking again"
    )
    assert any(m.get("role") == "assistant" and m.get("content") == bad for m in second), (
        "the second request should include the invalid answer as an assistant message, so the model sees what "
        "it said"
    )
    assert second[-1].get("role") == "user", (
        "the second request should end with a user message that says what was wrong"
    )


@points(1, hint="After the loop, raise ValueError: never return None or a guess.")
def test_triage_gives_up_after_max_attempts(nb):
    """after max_attempts invalid answers triage raises ValueError, having asked exactly that many times"""
    triage = nb.function("triage")
    for max_attempts in (2, 3):
        with scripted_client(nb, ["not JSON"] * 4) as (server, client):
            try:
                got = triage(client, TICKET, max_attempts=max_attempts)
            except ValueError:
                got = "raised"
            except LearnerError as error:
                pytest.fail(f"after {max_attempts} invalid answers triage should raise ValueError; it raised "
                            f"{type(error).__name__}: {error}")
            sent = len(server.requests)
        if got != "raised":
            pytest.fail(f"every answer was invalid, so with max_attempts={max_attempts} triage should raise "
                        f"ValueError; it returned {got!r} instead")
        assert sent == max_attempts, (
            f"with max_attempts={max_attempts} triage should ask exactly {max_attempts} times; it asked {sent}"
        )


@points(1, hint="Catch only ValueError around parse_response; never wrap the API call in except Exception.")
def test_a_rate_limit_is_not_an_invalid_answer(nb):
    """a rate limit the SDK could not retry away reaches the caller as RateLimitError, not as another attempt"""
    triage = nb.function("triage")
    # Retry-After 0.01 s: the SDK waits that instead of its own backoff (0.5 s, then 1 s), a second and a half for nothing
    with scripted_client(nb, [{"error": 429, "retry_after": 0.01}] * 3) as (server, client):  # the SDK tries 3 times
        try:
            got = triage(client, TICKET)
        except LearnerError as error:
            got = error
        sent = len(server.requests)
    if not isinstance(got, LearnerError):
        pytest.fail("the model answered 429 (too many requests) to every try of the SDK, so triage should let the "
                    f"SDK's RateLimitError through; it returned {got!r} instead. A rate limit is not an invalid "
                    "answer, and asking again at once makes it worse")
    assert type(got).__name__ == "RateLimitError", (
        "the model answered 429 (too many requests) to every try of the SDK; triage should let the SDK's "
        f"RateLimitError through, but it raised {type(got).__name__}: {str(got)[:120]}"
    )
    assert sent == 3, (
        f"the SDK itself tries 3 times; triage should add no attempts of its own, but {sent} requests were sent"
    )
