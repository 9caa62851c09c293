"""Checks for compare-prompts: one tidy label per ticket, the accuracy of a prompt, the winner by a rule.

Each check that talks to a model starts its own practice server (courselib's LocalLLMServer) in the
grader's process, scripted with the answers "the model" gives, and hands the learner's functions a client
made in their kernel from COURSE_LLM_BASE_URL and COURSE_LLM_API_KEY. The checks judge what the learner's
code sent (the server's log) and what it made of the scripted answers, never the stand-in's own wording.
"""

import pytest

from grader import LearnerError, points
from grader.llm_checks import call, scripted_client

SYSTEM = "Label the ticket as billing, delivery, account, returns or other. Answer with the label only."


def user_text(request):
    """Everything the request's user messages say."""
    return "\n".join(str(m.get("content")) for m in request.get("messages", []) if m.get("role") == "user")


def scored(nb, tickets, replies):
    """The learner's accuracy on `tickets` while the model answers `replies`, and the score those replies
    deserve. Each request is matched to the ticket it asked about, so any order of tickets works."""
    with scripted_client(nb, replies) as (server, client):
        score = call(nb, "accuracy", client, SYSTEM, tickets, what="accuracy(client, prompt, tickets)")
        sent = list(server.requests)
    assert len(sent) == len(tickets), (
        f"accuracy should ask the model once per ticket ({len(tickets)} requests); it sent {len(sent)}"
    )
    label_of = {ticket["text"]: ticket["label"] for ticket in tickets}
    asked = [next((label for text, label in label_of.items() if text in user_text(r)), None) for r in sent]
    deserved = sum(reply.strip().lower().rstrip(".") == label
                   for reply, label in zip(replies, asked, strict=True)) / len(tickets)
    return score, deserved


@points(2, hint="One call to client.chat.completions.create with a system message, a user message and temperature=0.")
def test_sends_one_request_with_the_prompt_and_the_ticket(nb):
    """classify sends one request: the prompt as the system message, the ticket in a user message, temperature 0"""
    ticket = "The mirror I ordered came with a crack across the glass."
    with scripted_client(nb, ["returns"]) as (server, client):
        answer = call(nb, "classify", client, SYSTEM, ticket, what="classify(client, prompt, ticket)")
        sent = list(server.requests)
    assert len(sent) == 1, f"classify should send exactly one request for one ticket; it sent {len(sent)}"
    messages = sent[0].get("messages", [])
    assert messages and messages[0].get("role") == "system" and messages[0].get("content") == SYSTEM, (
        "the first message should be the system message, with the prompt version's text unchanged; "
        f"yours was {messages[:1]!r:.160}"
    )
    assert ticket in user_text(sent[0]), "a user message should contain the ticket's text"
    if sent[0].get("temperature") != 0:  # pytest.fail: the report's own notes on values would mislead here
        pytest.fail(f"a measurement should be repeatable: send temperature=0 (yours: "
                    f"{sent[0].get('temperature', 'not sent')})")
    assert answer == "returns", f"the model answered 'returns', so classify should return 'returns', not {answer!r}"


@points(2, hint="Tidy with answer.strip().lower().rstrip('.'), and nothing more.")
def test_tidies_the_answer_and_nothing_more(nb):
    """classify removes spaces, capitals and a final full stop, and leaves every other word alone"""
    cases = [(" Delivery.\n", "delivery"), ("ACCOUNT", "account"), ("other.", "other"),
             ("Billing issue.", "billing issue")]
    with scripted_client(nb, [raw for raw, _ in cases]) as (_, client):
        got = [call(nb, "classify", client, SYSTEM, f"ticket {i}", what="classify") for i in range(len(cases))]
    for (raw, expected), answer in zip(cases, got, strict=True):
        assert answer == expected, (
            f"for the model's answer {raw!r}, classify should return {expected!r}; it returned {answer!r}"
        )


@points(2, hint="Count the tickets whose classify(...) equals ticket['label'], then divide by len(tickets).")
def test_accuracy_is_the_share_of_right_labels(nb):
    """accuracy is the share of tickets whose tidied answer is their label, one request per ticket"""
    tickets = [{"text": "My voucher code was refused at checkout.", "label": "billing"},
               {"text": "The sofa delivery is booked for the wrong day.", "label": "delivery"},
               {"text": "I cannot change the email on my profile.", "label": "account"},
               {"text": "The rug smells of chemicals, I want to send it back.", "label": "returns"},
               {"text": "Do you ship to Norway?", "label": "other"}]
    replies = ["billing", "Delivery.", "returns", "returns", "delivery"]  # 3 right, 2 wrong
    score, expected = scored(nb, tickets, replies)
    assert isinstance(score, (int, float)) and score == pytest.approx(expected), (
        f"the model got {round(expected * len(tickets))} of {len(tickets)} tickets right, so accuracy should be "
        f"{expected}; yours returned {score!r}"
    )


@points(2, hint="An answer that is not exactly a label is wrong: never look for a label inside the answer.")
def test_answers_that_are_not_labels_count_as_wrong(nb):
    """answers that are not a label ('billing issue', a sentence, nothing) count as wrong"""
    tickets = [{"text": "Why was I charged twice?", "label": "billing"},
               {"text": "Where is my order?", "label": "delivery"},
               {"text": "Please cancel my order.", "label": "returns"},
               {"text": "Is the lamp dimmable?", "label": "other"}]
    replies = ["billing issue", "I think this is about delivery.", "", "other"]  # only 'other' is a label
    score, expected = scored(nb, tickets, replies)
    assert isinstance(score, (int, float)) and score == pytest.approx(expected), (
        f"the model answered {replies}: 'billing issue', a sentence and an empty answer are not labels your "
        f"product could route, so they count as wrong and accuracy should be {expected}; yours returned {score!r}"
    )


@points(1, hint="Check `if not tickets:` before dividing, and raise ValueError with a message.")
def test_no_tickets_raises_value_error(nb):
    """accuracy on an empty list of tickets raises ValueError"""
    accuracy = nb.function("accuracy")
    with scripted_client(nb, []) as (_, client):
        try:
            score = accuracy(client, SYSTEM, [])
        except ValueError:
            return
        except LearnerError as error:
            pytest.fail(f"with no tickets accuracy should raise ValueError; it raised {type(error).__name__}: {error}")
    pytest.fail("with no tickets there is nothing to measure, so accuracy should raise ValueError; "
                f"it returned {score!r}")


@points(1, hint="Do not catch errors around the model call: an API error is not a wrong answer.")
def test_an_api_error_is_not_a_wrong_answer(nb):
    """an error from the API (here a wrong key) reaches the caller; it is not counted as a wrong answer"""
    accuracy = nb.function("accuracy")
    tickets = [{"text": "My parcel is late.", "label": "delivery"}]
    with scripted_client(nb, [{"error": 401}]) as (_, client):
        try:
            score = accuracy(client, SYSTEM, tickets)
        except LearnerError as error:
            assert type(error).__name__ == "AuthenticationError", (
                f"the API refused the key (401); accuracy should let the SDK's AuthenticationError through, but "
                f"it raised {type(error).__name__}: {error}"
            )
            return
    pytest.fail(f"the API refused the key (401), yet accuracy returned {score!r}: an API error was counted as an "
                "answer. Let it through (no try/except around the call), so an outage never looks like a bad prompt")


@points(1, hint="Start with winner = current; a version must beat current by min_gain and the winner so far.")
def test_picks_the_clearly_better_version(nb):
    """pick_winner returns the most accurate version when it beats the current one by the margin"""
    pick_winner = nb.function("pick_winner")
    scores = {"v1": 0.6, "v2": 0.75, "v3": 0.9, "v4": 0.7}
    assert pick_winner(scores, "v1") == "v3", f"with scores {scores} and current 'v1', the winner is 'v3'"
    assert pick_winner(scores, "v3") == "v3", f"with scores {scores} and current 'v3', 'v3' stays (it is the best)"
    assert pick_winner({"a": 0.5, "b": 0.8}, "a", 0.4) == "a", (
        "with min_gain=0.4, 'b' (0.8) is only 0.3 better than the current 'a' (0.5), so 'a' stays"
    )


@points(1, hint="Keep current unless the gain is at least min_gain; round the gain (0.85 - 0.8 < 0.05 in Python).")
def test_keeps_current_unless_better_by_the_margin(nb):
    """the current version stays on a tie or a small gain, and loses to one exactly min_gain better"""
    pick_winner = nb.function("pick_winner")
    assert pick_winner({"old": 0.7, "new": 0.7}, "old") == "old", "on a tie the current version ('old') stays"
    assert pick_winner({"old": 0.7, "new": 0.72}, "old") == "old", (
        "'new' is only 0.02 better than 'old', less than min_gain (0.05), so 'old' stays"
    )
    got = pick_winner({"old": 0.8, "new": 0.85}, "old")
    assert got == "new", (
        "'new' (0.85, 17 of 20 tickets) is exactly min_gain (0.05) better than 'old' (0.8, 16 of 20), so it "
        f"should win; yours kept {got!r}. In Python 0.85 - 0.8 is 0.04999999999999993: round the gain first"
    )


@points(1, hint="On a tie between challengers, keep the first one: replace the winner only when strictly higher.")
def test_a_tie_between_challengers_goes_to_the_first(nb):
    """between challengers with the same score, the one listed first wins"""
    pick_winner = nb.function("pick_winner")
    scores = {"cheap": 0.9, "current": 0.6, "dear": 0.9}
    got = pick_winner(scores, "current")
    assert got == "cheap", (
        f"with scores {scores}, 'cheap' and 'dear' both beat 'current' by the margin and tie; the one listed "
        f"first ('cheap') should win, not {got!r}"
    )
