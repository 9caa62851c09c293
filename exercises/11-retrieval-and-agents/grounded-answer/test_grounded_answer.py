"""Checks for grounded-answer: citations, a faithfulness check, and an answerer that refuses.

The checks use passages of their own (a climbing hall's rules, which the notebook never shows) and
script what "the model" says with the course's LocalLLMServer(replies=[...]), started here in the
grader's process; the learner's kernel is pointed at it through COURSE_LLM_BASE_URL. So they judge
what the learner's code does with a faithful answer, an added claim and a made-up citation, never
the stand-in's own wording.
"""

from grader import points
from grader.llm_checks import call, scripted_model

PASSAGES = [
    {"id": "opening-hours", "title": "Opening hours",
     "text": "The climbing hall is open from 7 am to 11 pm on weekdays and from 9 am to 8 pm at weekends. "
             "It is closed on 25 December."},
    {"id": "day-pass", "title": "Day passes",
     "text": "A day pass costs 14 euros, or 9 euros for students with a valid card. Shoes can be rented "
             "at the desk for 4 euros."},
    {"id": "safety-course", "title": "Safety course",
     "text": "Before climbing with ropes, every member must pass a one-hour belay check with an "
             "instructor. Children under 14 climb only with an adult."},
]
FAITHFUL = ("A day pass costs 14 euros, or 9 euros for students. [day-pass] Shoes can be rented at the "
            "desk for 4 euros [day-pass].")


def refusal_of(nb):
    return {"answer": nb.value("REFUSAL"), "citations": []}


def main_part(got):
    """The answer and citations of what grounded_answer returned (more keys, such as a reason, are fine)."""
    return {key: got.get(key) for key in ("answer", "citations")} if isinstance(got, dict) else got


@points(1, hint="re.findall(r\"\\[([^\\[\\]]+)\\]\", text) finds what is inside each pair of brackets; "
                "then keep each id once, in order.")
def test_finds_citations_in_order_each_once(nb):
    """find_citations lists the bracketed ids in the order they first appear, each once"""
    cases = [
        ("Open till 11 pm [opening-hours]. Students pay 9 euros [day-pass][opening-hours].",
         ["opening-hours", "day-pass"]),
        ("No sources here.", []),
        ("[safety-course] Children climb with an adult [safety-course].", ["safety-course"]),
    ]
    for text, expected in cases:
        got = call(nb, "find_citations", text)
        assert got == expected, f"find_citations({text!r}) should be {expected}; it returned {got!r:.100}"


@points(1, hint="Return an empty list when every sentence has a citation to a real passage and is supported.")
def test_a_faithful_answer_has_no_problems(nb):
    """faithfulness_problems finds nothing wrong with an answer whose every sentence is cited and supported"""
    got = call(nb, "faithfulness_problems", FAITHFUL, PASSAGES)
    assert got == [], (
        f"every sentence of {FAITHFUL!r} cites [day-pass] and repeats what that passage says, so "
        f"faithfulness_problems should return []; it returned {got!r:.200}"
    )


@points(1, hint="Make a set of the passages' ids first; a cited id that is not in it is a problem that names the id.")
def test_flags_a_citation_to_a_passage_that_does_not_exist(nb):
    """faithfulness_problems names a cited passage that is not among the passages"""
    answer = "The hall is open from 7 am to 11 pm on weekdays [timetable]."
    got = call(nb, "faithfulness_problems", answer, PASSAGES)
    assert isinstance(got, list) and got, (
        f"{answer!r} cites [timetable], which is not one of the passages; faithfulness_problems should "
        f"return a list with that problem; it returned {got!r:.200}"
    )
    assert "timetable" in " ".join(map(str, got)), (
        f"the problem should name the missing passage, 'timetable', so a person can see it; got {got!r:.200}"
    )


@points(2, hint="For each cited sentence: numbers(sentence) <= numbers(sources), and "
                "len(content_words(sentence) & content_words(sources)) >= half of len(content_words(sentence)).")
def test_flags_sentences_the_passages_do_not_support(nb):
    """faithfulness_problems flags a sentence with no citation, a wrong number and an invented claim"""
    cases = [
        ("The hall is open late on weekdays.", "has no citation"),
        ("A day pass costs 12 euros [day-pass].", "says 12 euros where the passage says 14"),
        ("Every member also gets a free lifetime locker [opening-hours].",
         "is not in the opening-hours passage at all"),
        ("Children under 14 climb only with an adult [safety-course]. Every order also comes with a free "
         "lifetime warranty.", "adds a second sentence with no citation"),
    ]
    for answer, why in cases:
        got = call(nb, "faithfulness_problems", answer, PASSAGES)
        assert isinstance(got, list) and got, (
            f"{answer!r} {why}, so faithfulness_problems should report a problem; it returned {got!r:.120}"
        )


@points(2, hint="Call get_client() inside grounded_answer, send build_messages(question, passages), and "
                "return {\"answer\": text, \"citations\": find_citations(text)} when there is no problem.")
def test_returns_a_supported_answer_with_its_citations(nb):
    """grounded_answer sends the passages and the question, and returns a supported answer with its citations"""
    question = "How much is a day pass for a student?"
    with scripted_model(nb, [FAITHFUL]) as server:
        got = call(nb, "grounded_answer", question, PASSAGES)
        sent = server.requests
    assert sent, "grounded_answer should call the model (get_client() inside the function); no request arrived"
    prompt = "\n".join(str(m.get("content")) for m in sent[0].get("messages", []))
    for passage in PASSAGES:
        assert passage["id"] in prompt and passage["text"] in prompt, (
            f"the messages sent to the model should hold every passage with its id; [{passage['id']}] is missing "
            "(use build_messages(question, passages))"
        )
    assert question in prompt, "the messages sent to the model should hold the question"
    assert isinstance(got, dict), f"grounded_answer should return a dict; it returned {got!r:.100}"
    assert str(got.get("answer", "")).strip() == FAITHFUL, (
        f"the model answered {FAITHFUL!r}, which every sentence supports; grounded_answer should return "
        f"it as the answer; it returned {got!r:.200}"
    )
    assert got.get("citations") == ["day-pass"], (
        f"the answer cites [day-pass] only; citations should be ['day-pass']; got {got.get('citations')!r:.100}"
    )


@points(1, hint="If faithfulness_problems(text, passages) is not empty, return the refusal dict.")
def test_refuses_an_answer_with_an_unsupported_claim(nb):
    """grounded_answer refuses when the model adds a claim that no passage supports"""
    bad = ("A day pass costs 14 euros [day-pass]. Every visit also includes a free massage and a "
           "smoothie [day-pass].")
    with scripted_model(nb, [bad] * 3):
        got = call(nb, "grounded_answer", "How much is a day pass?", PASSAGES)
    assert main_part(got) == refusal_of(nb), (
        f"the model answered {bad!r}: its second sentence is in no passage, so grounded_answer should "
        f"return {{'answer': REFUSAL, 'citations': []}}; it returned {got!r:.200}"
    )


@points(1, hint="A citation to an id that is not among the passages is a problem too: refuse.")
def test_refuses_an_answer_citing_a_missing_passage(nb):
    """grounded_answer refuses when the model cites a passage it was not given, or cites nothing"""
    for reply in ("Children under 14 climb only with an adult [kids-club].",
                  "I don't know: the context does not say."):
        with scripted_model(nb, [reply] * 3):
            got = call(nb, "grounded_answer", "Can my 10-year-old climb alone?", PASSAGES)
        assert main_part(got) == refusal_of(nb), (
            f"the model answered {reply!r}, which no given passage supports, so grounded_answer should return "
            f"{{'answer': REFUSAL, 'citations': []}}; it returned {got!r:.200}"
        )


@points(1, hint="Check `if not passages:` first and return the refusal before calling get_client().")
def test_refuses_without_calling_the_model_when_nothing_was_found(nb):
    """with no passages, grounded_answer refuses without asking the model"""
    with scripted_model(nb, ["The hall has a sauna [opening-hours]."]) as server:
        got = call(nb, "grounded_answer", "Is there a sauna?", [])
        sent = len(server.requests)
    assert main_part(got) == refusal_of(nb), (
        f"with no passages there is nothing to ground an answer in: grounded_answer should return "
        f"{{'answer': REFUSAL, 'citations': []}}; it returned {got!r:.200}"
    )
    assert sent == 0, f"with no passages, grounded_answer should not call the model; it sent {sent} request(s)"
