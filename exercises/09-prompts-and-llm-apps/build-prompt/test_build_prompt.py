"""Checks for build-prompt: the messages for a question and its snippets, within a token budget.

The checks keep their own copy of the notebook's SYSTEM_PROMPT and render_user_message, compute the
expected messages with a reference build_prompt, and measure every prompt with the course model's
own counter, courselib.llm.count_message_tokens. build_prompt is a pure function: no check talks to a model.
"""

import pytest

from courselib.llm import count_message_tokens
from grader import LearnerError, points

SYSTEM_PROMPT = ("You answer questions from customers of Lumen & Co, an online homeware shop. "
                 "Use only the context. If the context does not contain the answer, say you don't know.")

QUESTION = "Can I get a VAT invoice for my order?"
SNIPPETS = [
    "Every order confirmation email has a link to download a VAT invoice as a PDF.",
    "Business customers can add a company name and VAT number at checkout.",
    "We accept Visa, Mastercard, American Express, PayPal and Apple Pay.",
    "A second charge is usually a temporary authorisation that your bank releases within 3 working days.",
]


def render_user_message(question, snippets):
    context = "\n".join(f"- {snippet}" for snippet in snippets) if snippets else "(no context)"
    return f"Context:\n{context}\n\nQuestion: {question}"


def messages_with(question, chosen):
    return [{"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": render_user_message(question, chosen)}]


def cost(question, chosen):
    """What the prompt with these snippets costs, in tokens."""
    return count_message_tokens(messages_with(question, chosen))


def reference(question, snippets, budget):
    chosen = []
    for snippet in snippets:
        if cost(question, [*chosen, snippet]) > budget:
            break
        chosen.append(snippet)
    return messages_with(question, chosen)


def build(nb, question, snippets, budget):
    """Call the learner's build_prompt; an error it raises becomes a failure that says so."""
    build_prompt = nb.function("build_prompt")
    try:
        messages = build_prompt(question, snippets, budget)
    except LearnerError as error:
        where = f" at the line `{error.line}`" if error.line else ""
        pytest.fail(f"build_prompt(question, snippets, {budget}) raised {type(error).__name__}{where}: "
                    f"{error}. With this budget the question fits, so it should return the messages.")
    assert isinstance(messages, list) and len(messages) == 2 and all(
        isinstance(m, dict) for m in messages), (
        f"build_prompt should return a list of two message dicts (system, then user); got {messages!r:.120}"
    )
    assert [m.get("role") for m in messages] == ["system", "user"], (
        "the first message should have the role 'system' and the second the role 'user'"
    )
    assert messages[0].get("content") == SYSTEM_PROMPT, (
        "the system message's content should be SYSTEM_PROMPT, unchanged"
    )
    return messages


def snippets_in(messages):
    """How many snippets a user message holds (its lines that start with '- ')."""
    return sum(line.startswith("- ") for line in messages[1]["content"].splitlines())


@points(2, hint="With plenty of room, every snippet goes in, in order: render_user_message(question, snippets).")
def test_includes_every_snippet_when_there_is_room(nb):
    """with a generous budget, the user message holds every snippet, in order, then the question"""
    messages = build(nb, QUESTION, SNIPPETS, 1000)
    assert messages == reference(QUESTION, SNIPPETS, 1000), (
        "with a budget of 1000 tokens all 4 snippets fit: the user message should be "
        "render_user_message(question, snippets) with every snippet, in their order"
    )


@points(2, hint="Measure the whole list of messages with count_message_tokens after adding each snippet.")
def test_keeps_as_many_snippets_as_fit(nb):
    """with a tight budget, keeps as many snippets as fit and never goes over the budget"""
    for kept in (1, 2, 3):
        budget = cost(QUESTION, SNIPPETS[:kept]) + 3  # room for `kept` snippets, not for one more
        messages = build(nb, QUESTION, SNIPPETS, budget)
        used = count_message_tokens(messages)
        assert used <= budget, (
            f"with a budget of {budget} tokens the prompt must cost at most {budget}; "
            f"yours costs {used} (measured with count_message_tokens)"
        )
        assert snippets_in(messages) == kept, (
            f"with a budget of {budget} tokens the first {kept} snippet(s) fit and the next does not; "
            f"your prompt holds {snippets_in(messages)}"
        )
        assert messages == reference(QUESTION, SNIPPETS, budget), (
            f"with a budget of {budget} tokens the user message should hold the first {kept} snippet(s), "
            "in their order, then the question"
        )


@points(1, hint="'At most the budget' means <=: a prompt costing exactly max_prompt_tokens is fine.")
def test_a_prompt_exactly_at_the_budget_is_allowed(nb):
    """a prompt that costs exactly the budget is allowed"""
    budget = cost(QUESTION, SNIPPETS)
    messages = build(nb, QUESTION, SNIPPETS, budget)
    assert snippets_in(messages) == len(SNIPPETS), (
        f"the prompt with all 4 snippets costs exactly {budget} tokens, the budget, so all 4 should be "
        f"kept; yours keeps {snippets_in(messages)}"
    )


@points(1, hint="When no snippet fits, use an empty list: render_user_message(question, []).")
def test_no_snippet_fits(nb):
    """when only the question fits, returns it with '(no context)' instead of failing"""
    budget = cost(QUESTION, []) + 2
    messages = build(nb, QUESTION, SNIPPETS, budget)
    assert snippets_in(messages) == 0, (
        f"with a budget of {budget} tokens the question fits but no snippet does; your prompt holds "
        f"{snippets_in(messages)} snippet(s) and costs {count_message_tokens(messages)} tokens"
    )
    assert messages == messages_with(QUESTION, []), (
        f"with a budget of {budget} tokens no snippet fits but the question does: the user message "
        "should be render_user_message(question, []), which says '(no context)'"
    )


@points(1, hint="Before adding snippets, check the prompt with no snippets; if it is over, raise ValueError.")
def test_raises_when_the_question_does_not_fit(nb):
    """raises ValueError when even the question alone is over the budget"""
    build_prompt = nb.function("build_prompt")
    budget = cost(QUESTION, []) - 1
    try:
        messages = build_prompt(QUESTION, SNIPPETS, budget)
    except ValueError:
        return
    except LearnerError as error:
        pytest.fail(f"with a budget of {budget} tokens (too small for the question alone) build_prompt "
                    f"should raise ValueError; it raised {type(error).__name__}: {error}")
    used = count_message_tokens(messages) if isinstance(messages, list) else "?"
    pytest.fail(f"with a budget of {budget} tokens even the question alone does not fit, so build_prompt "
                f"should raise ValueError; it returned a prompt of {used} tokens instead")


@points(1, hint="Use break at the first snippet that does not fit, not continue.")
def test_stops_at_the_first_snippet_that_does_not_fit(nb):
    """stops at the first snippet that does not fit, even if a later, shorter one would"""
    snippets = [SNIPPETS[0], "Invoices " * 30, "Yes."]
    budget = cost(QUESTION, [SNIPPETS[0], "Yes."])  # room for the short last one, not the long middle
    messages = build(nb, QUESTION, snippets, budget)
    used = count_message_tokens(messages)
    assert used <= budget, (
        f"with a budget of {budget} tokens the prompt must cost at most {budget}; yours costs {used} "
        "(measured with count_message_tokens)"
    )
    assert "Yes." not in messages[1]["content"], (
        "the second snippet does not fit, so the prompt should stop there; yours skipped it and added "
        "the third ('Yes.'), a less relevant snippet, in its place"
    )
    assert messages == messages_with(QUESTION, [SNIPPETS[0]]), (
        "the second snippet does not fit, so the prompt should keep only the first snippet"
    )


@points(1, hint="Start with an empty list of chosen snippets every time the function is called.")
def test_each_call_starts_afresh(nb):
    """calling it twice gives the same answer (nothing is left over from the previous call)"""
    first = build(nb, QUESTION, SNIPPETS, 1000)
    second = build(nb, QUESTION, SNIPPETS, 1000)
    assert first == second, (
        "calling build_prompt twice with the same arguments should give the same messages; the second "
        "call returned something else (is a list of chosen snippets shared between calls?)"
    )
