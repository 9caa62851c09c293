"""Checks for prompt-regression: labelling a golden set through the SDK, finding the cases that
regressed against a baseline, and a check that passes a good prompt and catches a planted regression.

The model's replies are scripted with the course's LocalLLMServer(replies=[...]), started here in the
grader's process, and the learner's kernel is pointed at it through COURSE_LLM_BASE_URL: the checks
know exactly what "the model" answered for each ticket, and never depend on the stand-in's wording.
The golden cases (a bicycle shop's tickets) are ones the notebook never shows.
"""

import pytest

from grader import LearnerError, points
from grader.llm_checks import call, scripted_model

PROMPT = "Sort bicycle shop tickets. Categories: repairs, sales, rentals, other. Answer with the category only."
GOLDEN = [
    {"id": "B1", "input": "My gears slip on every hill.", "exact": "repairs"},
    {"id": "B2", "input": "Do you have the red city bike in a large frame?", "exact": "sales"},
    {"id": "B3", "input": "Can I hire a tandem for Saturday?", "exact": "rentals"},
    {"id": "B4", "input": "Is the shop dog friendly?", "exact": "other"},
    {"id": "B5", "input": "The rear brake squeaks.", "exact": "repairs"},
]
# the agreed prompt passed every case but B4
BASELINE = {"accuracy": 0.8, "passed": {"B1": True, "B2": True, "B3": True, "B4": False, "B5": True}}
AS_AT_BASELINE = ["repairs", "Sales.", " rentals\n", "sales", "repairs"]


def check_prompt_outcome(nb, replies, *args):
    """(accuracy or None, the AssertionError's message or None, requests) for check_prompt on scripted replies."""
    check_prompt = nb.function("check_prompt")
    with scripted_model(nb, replies) as server:
        try:
            return check_prompt(PROMPT, GOLDEN, BASELINE, *args), None, server.requests
        except AssertionError as error:
            return None, str(error), server.requests
        except LearnerError as error:
            where = f" at the line `{error.line}`" if error.line else ""
            pytest.fail(f"check_prompt raised {type(error).__name__}{where}: {error}; it should return the "
                        "accuracy, or raise AssertionError for a regression")


@points(
    2,
    hint=("One client.chat.completions.create(...) per case, in a for loop; "
          "keep answers[case['id']] = the reply's text."),
)
def test_label_all_asks_once_per_case_in_order(nb):
    """label_all sends each ticket once, in order, with the prompt as system message, at temperature 0"""
    replies = ["repairs", "Sales.", "rentals"]
    with scripted_model(nb, replies) as server:
        got = call(nb, "label_all", PROMPT, GOLDEN[:3])
        requests = server.requests
    assert got == {"B1": "repairs", "B2": "Sales.", "B3": "rentals"}, (
        f"the model replied {replies} to the three tickets; label_all should return them by case id, "
        f"as they came, {{'B1': 'repairs', 'B2': 'Sales.', 'B3': 'rentals'}}; it returned {got!r:.200}"
    )
    assert len(requests) == 3, f"label_all should send one request per case (3); it sent {len(requests)}"
    for case, request in zip(GOLDEN, requests, strict=False):
        messages = request.get("messages", [])
        assert messages and messages[0].get("role") == "system" and messages[0].get("content") == PROMPT, (
            "each request's first message should be the system message, with the prompt as its content"
        )
        assert f'Ticket: """{case["input"]}"""' in str(messages[-1].get("content")), (
            f"request {GOLDEN.index(case) + 1} should end with the user message "
            f"'Ticket: \"\"\"{case['input']}\"\"\"' (the cases in order)"
        )
        assert request.get("temperature") == 0, (
            f"send temperature=0, so the same prompt gives the same labels; it was {request.get('temperature')!r}"
        )


@points(3, hint="A regression passed at baseline (baseline['passed'].get(id, False)) and does not pass now.")
def test_find_regressions_names_only_what_broke(nb):
    """find_regressions lists cases that passed at baseline and fail now, in order; not old failures"""
    answers = {"B1": "Repairs.", "B2": "rentals", "B3": "rentals", "B4": "sales", "B5": "sales"}
    got = call(nb, "find_regressions", GOLDEN, BASELINE, answers)
    assert list(got) == ["B2", "B5"], (
        "B2 and B5 passed at baseline and are wrong now; B4 was already failing (not a regression), and "
        f"'Repairs.' for B1 still passes. Expected ['B2', 'B5']; got {got!r}"
    )
    fixed = {"B1": "repairs", "B2": "sales", "B3": "rentals", "B4": "other", "B5": "repairs"}
    got = call(nb, "find_regressions", GOLDEN, BASELINE, fixed)
    assert list(got) == [], f"nothing that passed at baseline fails now (B4 was even fixed); expected []; got {got!r}"
    new_case = [*GOLDEN, {"id": "B6", "input": "Do you sell gift vouchers?", "exact": "other"}]
    missing = {key: value for key, value in fixed.items() if key != "B3"}
    got = call(nb, "find_regressions", new_case, BASELINE, {**missing, "B6": "sales"})
    assert list(got) == ["B3"], (
        "B3 passed at baseline and has no answer now, so it regressed; B6 is new (not in the baseline), "
        f"so it cannot have regressed. Expected ['B3']; got {got!r}"
    )


@points(2, hint="Return the accuracy when find_regressions is empty and accuracy >= baseline['accuracy'] - tolerance.")
def test_check_prompt_passes_a_prompt_as_good_as_the_baseline(nb):
    """check_prompt returns the accuracy for a prompt as good as the baseline, old failures included"""
    accuracy, message, requests = check_prompt_outcome(nb, AS_AT_BASELINE)
    assert message is None, (
        "the replies pass exactly the cases that passed at baseline (B4 was already failing), so check_prompt "
        f"should return the accuracy, not raise AssertionError: {message}"
    )
    assert accuracy == pytest.approx(0.8), f"4 of the 5 cases pass, so check_prompt should return 0.8; got {accuracy!r}"
    assert len(requests) == 5, f"check_prompt should ask the model once per case (5 requests); it sent {len(requests)}"


@points(
    3,
    hint=("Raise AssertionError(f'... {regressions}') when find_regressions is not empty, "
          "even if the accuracy did not drop."),
)
def test_check_prompt_catches_a_planted_regression(nb):
    """check_prompt raises AssertionError naming the broken case, even when the accuracy stays the same"""
    broken = ["repairs", "sales", "rentals", "sales", "sales"]
    accuracy, message, _ = check_prompt_outcome(nb, broken)
    assert message is not None, (
        f"B5 passed at baseline and is now 'sales' instead of 'repairs': check_prompt should raise "
        f"AssertionError; it returned {accuracy!r}"
    )
    assert "B5" in message, f"the AssertionError's message should name the case that broke, B5; it was {message!r}"
    swapped = ["repairs", "rentals", "rentals", "other", "repairs"]  # B4 fixed, B2 broken: still 4 of 5
    accuracy, message, _ = check_prompt_outcome(nb, swapped)
    assert message is not None and "B2" in message, (
        "B4 is fixed but B2 broke, so the accuracy is still 0.8; a per-case check must still catch B2 with "
        f"an AssertionError that names it; check_prompt gave {message or accuracy!r}"
    )
