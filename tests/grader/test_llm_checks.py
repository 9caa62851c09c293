"""grader.llm_checks: checks that script the model, run against a real kernel through a tiny exercise."""

from __future__ import annotations

from grader.engine import grade_notebook
from grader.exercise import load_exercise
from grader.result import Outcome
from tests.conftest import write_nb

NOTEBOOK = [
    "from courselib.llm import chat_model, get_client\n\n"
    "def ask(question):\n"
    "    reply = get_client().chat.completions.create(\n"
    "        model=chat_model(), messages=[{'role': 'user', 'content': question}])\n"
    "    return reply.choices[0].message.content",
    "def ask_with(client, question):\n"
    "    reply = client.chat.completions.create(\n"
    "        model='course-local-1', messages=[{'role': 'user', 'content': question}])\n"
    "    return reply.choices[0].message.content",
    "def count(text):\n    return int(text)",
]

CHECKS = '''
from grader.llm_checks import call, scripted_client, scripted_model


@points(1)
def test_the_kernel_asks_the_scripted_model(nb):
    """ask gets the scripted reply, and the server logs what it sent"""
    with scripted_model(nb, ["Paris, of course."]) as server:
        got = call(nb, "ask", "Capital of France?")
    assert got == "Paris, of course.", f"ask returned {got!r}"
    assert [m["content"] for m in server.requests[0]["messages"]] == ["Capital of France?"]


@points(1)
def test_a_client_made_in_the_kernel(nb):
    """ask_with uses the client the check made in the kernel"""
    with scripted_client(nb, ["first", {"error": 401}]) as (server, client):
        got = call(nb, "ask_with", client, "Hello?")
        assert got == "first", f"ask_with returned {got!r}"
        assert len(server.requests) == 1


@points(1)
def test_a_client_without_the_sdks_retries(nb):
    """with max_retries=0 a rate limit reaches the learner's code after one request"""
    with scripted_client(nb, [{"error": 429, "retry_after": 0}] * 3, max_retries=0) as (server, client):
        try:
            call(nb, "ask_with", client, "Hello?", what="ask_with", limit=40)
        finally:  # replaces the failure's message when the SDK retried
            assert len(server.requests) == 1, f"the SDK sent {len(server.requests)} requests"


@points(1)
def test_an_error_the_learner_raised(nb):
    """count reads a number"""
    call(nb, "count", "twelve")


@points(1)
def test_an_error_named_as_the_check_says(nb):
    """count reads a number, named"""
    call(nb, "count", "x" * 100, what="count(text)")
'''


def test_when_a_check_scripts_the_model_then_the_learners_code_gets_its_replies_and_errors_are_plain(
    exercise, tmp_path
):
    folder = exercise(CHECKS, toml_extra='network = "loopback"\n')  # the kernel reaches 127.0.0.1
    notebook = write_nb(NOTEBOOK, tmp_path / "learner" / "demo.ipynb")
    checks = {c.name: c for c in grade_notebook(notebook, load_exercise(folder)).checks}

    assert checks["test_the_kernel_asks_the_scripted_model"].outcome is Outcome.PASSED, checks[
        "test_the_kernel_asks_the_scripted_model"
    ].message
    assert checks["test_a_client_made_in_the_kernel"].outcome is Outcome.PASSED, checks[
        "test_a_client_made_in_the_kernel"
    ].message
    raised = checks["test_an_error_the_learner_raised"]
    assert raised.outcome is Outcome.FAILED
    assert raised.message == (
        "count('twelve') raised ValueError at the line `return int(text)`: "
        "invalid literal for int() with base 10: 'twelve'"
    )
    limited = checks["test_a_client_without_the_sdks_retries"]
    assert limited.outcome is Outcome.FAILED
    assert limited.message.startswith("ask_with raised RateLimitError at the line `")
    assert len(limited.message.split("`: ", 1)[1]) == 40  # the SDK's long message, cut to the limit
    named = checks["test_an_error_named_as_the_check_says"]
    assert named.outcome is Outcome.FAILED
    assert named.message.startswith("count(text) raised ValueError at the line `return int(text)`: ")


def test_when_a_message_is_long_then_what_raised_can_keep_its_first_line_or_cut_it():
    from grader.llm_checks import what_raised
    from grader.probe import LearnerException

    error = type("ValueError", (LearnerException, ValueError), {})("not valid JSON\nat line 1 column 1")
    error.line = "return Ticket.model_validate_json(text)"
    where = "ValueError at the line `return Ticket.model_validate_json(text)`: "
    assert what_raised(error) == where + "not valid JSON\nat line 1 column 1"
    assert what_raised(error, first_line=True) == where + "not valid JSON"
    assert what_raised(error, limit=5) == where + "not v"
    error.line = ""
    assert what_raised(error) == "ValueError: not valid JSON\nat line 1 column 1"
