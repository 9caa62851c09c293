"""Checks for judge-bias: reading a judge's verdict, judging both orders, the flip rate, and the
agreement that is left once position bias is taken out.

The judge's replies are scripted with the course's LocalLLMServer(replies=[...]), started here in
the grader's process, and the learner's kernel is pointed at it through COURSE_LLM_BASE_URL. So the
checks know exactly which verdicts a biased judge gave, and never depend on the stand-in's wording.
The pairs (a bicycle shop's answers) are ones the notebook never shows.
"""

import pytest

from grader import LearnerError, points
from grader.llm_checks import call, scripted_model

PAIRS = [
    {"question": "Do you repair electric bikes?", "human": "1",
     "answer_1": "Yes, our workshop repairs electric bikes of every brand.",
     "answer_2": "No, we only sell electric bikes and never repair them."},
    {"question": "How long is the warranty on a frame?", "human": "2",
     "answer_1": "Frames come with a one-year warranty.",
     "answer_2": "Every frame has a lifetime warranty for the first owner."},
    {"question": "Can I test ride a bike?", "human": "1",
     "answer_1": "Yes, any bike in the shop, for up to 30 minutes.",
     "answer_2": "Test rides are not possible for insurance reasons."},
    {"question": "Do you sell helmets for children?", "human": "2",
     "answer_1": "We have no helmets.",
     "answer_2": "Yes, children's helmets in four sizes, from 25 euros."},
    {"question": "Is there parking for cars?", "human": "1",
     "answer_1": "Yes, six free spaces behind the shop.",
     "answer_2": "Parking is only on the street, and it is paid."},
    {"question": "Do you deliver bikes?", "human": "2",
     "answer_1": "Only within the city.",
     "answer_2": "Yes, anywhere in the country within five working days."},
]


def shown_first(request, pair):
    """'1' or '2': which of the pair's answers a request to the judge showed first."""
    text = "\n".join(str(message.get("content") or "") for message in request.get("messages", []))
    at_1, at_2 = text.find(pair["answer_1"]), text.find(pair["answer_2"])
    if at_1 < 0 or at_2 < 0:
        return "?"
    return "1" if at_1 < at_2 else "2"


def assert_asked_in_order(server, pairs, name):
    """Two requests per pair, in the pairs' order: answer_1 first, then answer_2 first."""
    requests = server.requests
    assert len(requests) == 2 * len(pairs), (
        f"{name} should ask the judge twice per pair ({2 * len(pairs)} requests for {len(pairs)} "
        f"pair(s)); it asked {len(requests)} time(s)"
    )
    for number, pair in enumerate(pairs):
        order = (shown_first(requests[2 * number], pair), shown_first(requests[2 * number + 1], pair))
        shown = ", then ".join({"1": "answer_1 first", "2": "answer_2 first"}.get(side, "a request about "
                                                                               "another pair") for side in order)
        assert order == ("1", "2"), (
            f"for pair {number + 1}, {name} should first show answer_1 as A, then answer_2 as A, before "
            f"moving on to the next pair (use judge_both_orders for each pair in turn); its two "
            f"requests for that pair showed: {shown}"
        )


@points(
    2,
    hint=("re.findall(r'\\b([AB])\\b', reply) finds every capital A or B standing as a word; "
          "exactly one distinct letter is a verdict."),
)
def test_parse_verdict_reads_one_letter_and_refuses_the_rest(nb):
    """parse_verdict reads A or B however it is wrapped, and refuses a reply with neither or both"""
    parse_verdict = nb.function("parse_verdict")
    readable = {"B": "B", " A.\n": "A", "**A**": "A", "Answer B": "B", "The better answer is B.": "B",
                "A, because it is correct.": "A"}
    for reply, letter in readable.items():
        got = call(nb, "parse_verdict", reply)
        assert got == letter, f"parse_verdict({reply!r}) should be {letter!r}; it returned {got!r}"
    for reply in ("Both are fine.", "", "A or B", "C", "Answer A is better than answer B.", "ABBA"):
        try:
            got = parse_verdict(reply)
        except ValueError:
            continue
        except LearnerError as error:
            pytest.fail(f"parse_verdict({reply!r}) should raise ValueError; it raised {type(error).__name__}: {error}")
        pytest.fail(f"parse_verdict({reply!r}) names neither or both letters, so it should raise ValueError; "
                    f"it returned {got!r}")


@points(
    2,
    hint=("Ask twice: ask_judge(q, answer_1, answer_2), then ask_judge(q, answer_2, answer_1). "
          "In the second, 'A' means answer_2."),
)
def test_judge_both_orders_keeps_only_a_verdict_that_survives_the_swap(nb):
    """judge_both_orders asks answer_1 first, then answer_2 first, and says 1, 2 or inconsistent"""
    pair = PAIRS[0]
    cases = [(["A", "B"], "1", "answer_1 won both times"),
             (["Answer B.", "**A**"], "2", "answer_2 won both times"),
             (["A", "A"], "inconsistent", "the answer shown first won both times"),
             (["B", "B"], "inconsistent", "the answer shown second won both times")]
    for replies, expected, why in cases:
        with scripted_model(nb, replies) as server:
            got = call(nb, "judge_both_orders", pair["question"], pair["answer_1"], pair["answer_2"])
            assert_asked_in_order(server, [pair], "judge_both_orders")
        assert got == expected, (
            f"the judge replied {replies[0]!r} with answer_1 first, then {replies[1]!r} with answer_2 "
            f"first: {why}, so judge_both_orders should return {expected!r}; it returned {got!r}"
        )


@points(
    2,
    hint=("verdicts = [judge_both_orders(p['question'], p['answer_1'], p['answer_2']) for p in pairs]; "
          "then count 'inconsistent'."),
)
def test_position_flip_rate_counts_the_verdicts_that_change(nb):
    """position_flip_rate is the share of pairs whose verdict changes with the order"""
    pairs = PAIRS[:5]
    # pairs 1, 3 and 4: the first answer shown wins both times (position bias); 2 and 5 are consistent
    replies = ["A", "A", "B", "A", "A", "A", "A", "A", "A", "B"]
    with scripted_model(nb, replies) as server:
        got = call(nb, "position_flip_rate", pairs)
        assert_asked_in_order(server, pairs, "position_flip_rate")
    assert isinstance(got, (int, float)), f"position_flip_rate should return a number, not {got!r:.80}"
    assert got == pytest.approx(3 / 5), (
        f"3 of the 5 pairs changed verdict when the answers swapped, so the flip rate is 0.6; got {got!r}"
    )
    with scripted_model(nb, ["B", "A", "A", "B"]):
        fair = call(nb, "position_flip_rate", PAIRS[3:5])
    assert fair == pytest.approx(0.0), (
        f"a judge that picked the same answer in both orders for both pairs has a flip rate of 0; got {fair!r}"
    )


@points(1, hint="Check `if not pairs:` first and raise ValueError with a message: a share of nothing is not 0.")
def test_position_flip_rate_refuses_an_empty_list(nb):
    """position_flip_rate raises ValueError when there are no pairs (a share of nothing)"""
    position_flip_rate = nb.function("position_flip_rate")
    try:
        got = position_flip_rate([])
    except ValueError:
        return
    except LearnerError as error:
        pytest.fail(f"position_flip_rate([]) should raise ValueError; it raised {type(error).__name__}: {error}")
    pytest.fail(f"position_flip_rate([]) should raise ValueError (no pairs, no rate); it returned {got!r}")


@points(
    2,
    hint=("Skip the inconsistent verdicts; "
          "among the others count how often verdict == pair['human'], and divide by how many were decided."),
)
def test_debiased_agreement_uses_only_consistent_verdicts(nb):
    """debiased_agreement counts decided and inconsistent pairs, and agreement over the decided only"""
    # verdicts: 1 (human 1, agrees), inconsistent, 1 (human 1, agrees), 2 (human 2, agrees),
    # inconsistent, 1 (human 2, disagrees)
    replies = ["A", "B", "A", "A", "Answer A", "Answer B", "B", "A", "B", "B", "A", "B"]
    with scripted_model(nb, replies) as server:
        got = call(nb, "debiased_agreement", PAIRS)
        assert_asked_in_order(server, PAIRS, "debiased_agreement")
    assert isinstance(got, dict), f"debiased_agreement should return a dict, not {got!r:.80}"
    assert (got.get("decided"), got.get("inconsistent")) == (4, 2), (
        "4 verdicts survived the swap and 2 did not, so decided should be 4 and inconsistent 2; "
        f"got decided={got.get('decided')!r}, inconsistent={got.get('inconsistent')!r}"
    )
    assert got.get("agreement") == pytest.approx(3 / 4), (
        "the judge agreed with the person on 3 of the 4 decided pairs, so agreement should be 0.75 "
        f"(the inconsistent pairs are left out, not counted as wrong); got {got.get('agreement')!r}"
    )


@points(1, hint="When no verdict is decided, return None for agreement instead of dividing by zero.")
def test_debiased_agreement_is_none_when_nothing_is_decided(nb):
    """when every verdict flips, debiased_agreement says so and gives agreement None"""
    with scripted_model(nb, ["A", "A", "B", "B"]):
        got = call(nb, "debiased_agreement", PAIRS[:2])
    assert isinstance(got, dict), f"debiased_agreement should return a dict, not {got!r:.80}"
    assert got == {"decided": 0, "inconsistent": 2, "agreement": None}, (
        "both verdicts flipped with the order, so nothing was decided: expected "
        f"{{'decided': 0, 'inconsistent': 2, 'agreement': None}}; got {got!r}"
    )
