"""Checks for eval-harness: exact / contains / schema-valid metrics and a harness over a golden set.

Every case and output here is new to the learner: the notebook's sample is not reused.
"""

import pytest

from grader import points
from grader.llm_checks import call  # a learner's error fails the check, saying where


@points(2, hint="Compare the two texts after .strip().lower(), then remove one final '.' with .removesuffix('.').")
def test_exact_match_forgives_only_case_spaces_and_a_full_stop(nb):
    """exact_match ignores capitals, spaces at the ends and a final full stop, and nothing else"""
    same = [("Delivery", "delivery"), ("  returns.\n", "returns"), ("OTHER", "other"), ("account.", "Account")]
    for output, expected in same:
        assert call(nb, "exact_match", output, expected) is True, (
            f"exact_match({output!r}, {expected!r}) should be True: only capitals, spaces at the "
            "ends or a final full stop differ"
        )
    different = [("delivery issue", "delivery"), ("billing", "delivery"), ("", "other"),
                 ("re turns", "returns"), ("It is billing.", "billing")]
    for output, expected in different:
        assert call(nb, "exact_match", output, expected) is False, (
            f"exact_match({output!r}, {expected!r}) should be False: the words themselves differ"
        )


@points(2, hint="Lower-case both sides: phrase.lower() in output.lower(), for every phrase (all(...)).")
def test_contains_all_needs_every_phrase(nb):
    """contains_all is True only when every phrase is there, whatever the capitals"""
    answer = "Refunds reach your bank within 5 Working Days [doc-2]."
    assert call(nb, "contains_all", answer, ["5 working days", "[DOC-2]"]) is True, (
        f"both phrases appear in {answer!r} (with other capitals), so contains_all should be True"
    )
    assert call(nb, "contains_all", answer, ["[doc-2]", "5 working"]) is True, (
        "the order of the phrases should not matter"
    )
    assert call(nb, "contains_all", answer, ["5 working days", "[doc-4]"]) is False, (
        f"'[doc-4]' does not appear in {answer!r}, so contains_all should be False: every phrase must be there"
    )
    assert call(nb, "contains_all", "", ["refund"]) is False, "an empty output contains no phrase"
    assert call(nb, "contains_all", answer, []) is True, (
        "with no phrases to find, nothing is missing: contains_all(output, []) should be True"
    )


@points(2, hint="Ticket.model_validate_json(output, strict=True) inside try; except ValidationError: return False.")
def test_schema_valid_accepts_only_valid_tickets(nb):
    """schema_valid accepts a valid Ticket object and refuses everything else without raising"""
    valid = ['{"category": "returns", "urgent": false}',
             '\n {"urgent": true, "category": "other"} \n',
             '{"category": "account", "urgent": false, "summary": "Locked out"}']
    for output in valid:
        assert call(nb, "schema_valid", output) is True, f"{output!r} is a valid Ticket, so schema_valid should be True"
    invalid = [
        ('{"category": "returns"}', "urgent is missing"),
        ('{"category": "returns", "urgent": "false"}', 'urgent is the text "false", not false'),
        ('{"category": "returns", "urgent": 0}', "urgent is the number 0, not false"),
        ('{"category": "Returns", "urgent": false}', "the category has a capital letter"),
        ('{"category": "shipping", "urgent": false}', "shipping is not one of CATEGORIES"),
        ('[{"category": "returns", "urgent": false}]', "it is a list, not an object"),
        ('```json\n{"category": "returns", "urgent": false}\n```', "the JSON is inside a code fence"),
        ('{"category": "returns", "urgent": false', "the JSON is cut off"),
        ("", "the output is empty"),
        ("null", "the output is JSON null"),
    ]
    for output, why in invalid:
        assert call(nb, "schema_valid", output) is False, f"schema_valid({output!r}) should be False: {why}"


GOLDEN = [
    {"id": "T1", "task": "label", "input": "Where is my lamp?", "exact": "delivery"},
    {"id": "T2", "task": "extract", "input": "Locked out of my account!", "schema": True},
    {"id": "T3", "task": "label", "input": "Refund please", "exact": "billing"},
    {"id": "T4", "task": "answer", "input": "Next-day price?", "contains": ["6.95", "[doc-3]"]},
    {"id": "T5", "task": "label", "input": "Is the vase glass?", "exact": "other"},
    {"id": "T6", "task": "extract", "input": "Cancel my order now", "schema": True},
    {"id": "T7", "task": "answer", "input": "Reset link expiry?", "contains": ["24 hours"]},
    {"id": "T8", "task": "label", "input": "Broken mug", "exact": "returns"},
]
OUTPUTS = {
    "T1": "Delivery.", "T2": '{"category": "account", "urgent": true}', "T3": "billing",
    "T4": "It costs 6.95 pounds.", "T5": "returns", "T6": '{"category": "returns", "urgent": "yes"}',
    "T7": "The link expires after 24 HOURS [doc-5].", "T8": "returns",
}


def evaluate_on(nb, golden, outputs):
    """The learner's evaluate(golden, outputs), checked to be a dict with the four keys."""
    result = call(nb, "evaluate", golden, outputs)
    assert isinstance(result, dict), f"evaluate should return a dict, not {result!r:.80}"
    missing = [key for key in ("exact", "contains", "schema", "failed") if key not in result]
    assert not missing, f"evaluate's dict should have the keys exact, contains, schema and failed; {missing} missing"
    return result


@points(2, hint="Keep one list of True/False per metric, and only add to it for cases that ask for that metric.")
def test_evaluate_scores_each_metric_over_its_own_cases(nb):
    """evaluate gives each metric's share over only the cases that ask for it"""
    result = evaluate_on(nb, GOLDEN, OUTPUTS)
    expected = {"exact": (3, 4), "contains": (1, 2), "schema": (1, 2)}  # passing cases, cases that ask
    for metric, (passing, asking) in expected.items():
        got = result[metric]
        divided_by_all = isinstance(got, (int, float)) and got == pytest.approx(passing / len(GOLDEN))
        assert got == pytest.approx(passing / asking), (
            f"{metric}: {passing} of the {asking} cases that ask for it pass, so it should be "
            f"{passing / asking}; evaluate gave {got!r}. "
            + ("Divide by the number of cases that ask for the metric, not by all the cases"
               if divided_by_all else f"Check which cases your {metric} metric passes and how you count them")
        )
    assert list(result["failed"]) == ["T4", "T5", "T6"], (
        "T4 (no [doc-3]), T5 (wrong label) and T6 (urgent is \"yes\") fail, in that order; "
        f"evaluate's failed was {result['failed']!r}"
    )


@points(1, hint="outputs.get(case['id']) gives None for a missing output; a None output fails every metric.")
def test_evaluate_counts_a_missing_output_as_a_failure(nb):
    """a case with no output fails its metrics instead of being left out"""
    outputs = {key: value for key, value in OUTPUTS.items() if key not in ("T1", "T7")}
    outputs["T2"] = None
    result = evaluate_on(nb, GOLDEN, outputs)
    expected = {"exact": 2 / 4, "contains": 0.0, "schema": 0.0}
    for metric, share in expected.items():
        assert result[metric] == pytest.approx(share), (
            f"with the outputs of T1 and T7 missing and T2's output None, {metric} should be {share} "
            f"(a missing output fails); evaluate gave {result[metric]!r}"
        )
    assert list(result["failed"]) == ["T1", "T2", "T4", "T5", "T6", "T7"], (
        f"the failed cases should be T1, T2, T4, T5, T6 and T7, in the golden set's order; got {result['failed']!r}"
    )


@points(1, hint="When no case asks for a metric, its share is None: check the list is empty before dividing.")
def test_evaluate_gives_none_for_a_metric_no_case_asks_for(nb):
    """a metric that no case asks for is None, not 0 and not an error; schema false does not ask"""
    golden = [{"id": "Q1", "task": "label", "input": "Gift cards?", "exact": "other"},
              {"id": "Q2", "task": "label", "input": "Wrong size", "exact": "returns", "schema": False}]
    result = evaluate_on(nb, golden, {"Q1": "other", "Q2": "Returns"})
    assert result["exact"] == pytest.approx(1.0), (
        f"both labels are right, so exact should be 1.0; got {result['exact']!r}"
    )
    assert result["contains"] is None, (
        "no case asks for contains, so its share should be None (there is nothing to measure); "
        f"got {result['contains']!r}"
    )
    assert result["schema"] is None, (
        f"no case asks for schema (Q2 has \"schema\": false), so it should be None; got {result['schema']!r}"
    )
    assert list(result["failed"]) == [], f"no case failed, so failed should be []; got {result['failed']!r}"
