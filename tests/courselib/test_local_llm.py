"""Tests for courselib.local_llm, the course's stand-in chat model, called as a Python function and over raw HTTP."""

import json
import re

import pytest
import requests

from courselib.local_llm import (
    CONTEXT_WINDOW,
    BadRequestError,
    ContextLengthExceededError,
    LocalLLMServer,
    ModelNotFoundError,
    chat,
    count_message_tokens,
    count_tokens,
)


def text_of(response):
    return response["choices"][0]["message"]["content"]


def test_when_asked_then_the_answer_has_the_chat_completions_shape():
    response = chat([{"role": "user", "content": "Hello!"}])
    assert response["object"] == "chat.completion"
    assert response["choices"][0]["message"]["role"] == "assistant"
    assert response["choices"][0]["finish_reason"] == "stop"
    usage = response["usage"]
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]
    assert usage["prompt_tokens"] == count_message_tokens([{"role": "user", "content": "Hello!"}])


def test_when_asked_twice_then_the_answer_is_the_same():
    messages = [{"role": "user", "content": "What is your return policy?"}]
    assert chat(messages) == chat(messages)


def test_when_counting_tokens_then_long_words_cost_more():
    assert count_tokens("refund") == 1
    assert count_tokens("subscription") == 2
    assert count_tokens("Hi!") == 2
    assert count_message_tokens([{"role": "user", "content": "Hi!"}]) == 6


def test_when_max_tokens_is_small_then_the_answer_is_cut_and_says_length():
    response = chat([{"role": "user", "content": "What is your return policy?"}], max_tokens=5)
    assert response["choices"][0]["finish_reason"] == "length"
    assert count_tokens(text_of(response)) <= 5
    assert response["usage"]["completion_tokens"] <= 5


def test_when_the_prompt_is_too_long_then_context_length_exceeded():
    with pytest.raises(ContextLengthExceededError, match="maximum context length is 1024"):
        chat([{"role": "user", "content": "word " * CONTEXT_WINDOW}])


@pytest.mark.parametrize(
    "messages, words",
    [
        ([], "non-empty list"),
        ({"role": "user", "content": "x"}, "non-empty list"),
        ([{"role": "bot", "content": "x"}], "'messages[0].role'"),
        ([{"role": "user", "content": 5}], "'messages[0].content'"),
        ([{"role": "tool", "tool_call_id": "c1", "content": "{}"}], "preceding assistant message"),
    ],
)
def test_when_messages_are_malformed_then_bad_request(messages, words):
    with pytest.raises(BadRequestError, match=re.escape(words)):
        chat(messages)


def test_when_an_option_is_misspelt_or_the_model_unknown_then_refused():
    with pytest.raises(BadRequestError, match="max_token"):
        chat([{"role": "user", "content": "x"}], max_token=5)
    with pytest.raises(ModelNotFoundError):
        chat([{"role": "user", "content": "x"}], model="gpt-4o")


def test_when_given_context_then_it_answers_from_it_with_the_source():
    prompt = (
        "Context:\n- [returns] You can return any item within 14 days of delivery.\n"
        "- [gifts] Gift cards are valid for 24 months.\n\nQuestion: How many days do I have to return a lamp?"
    )
    assert text_of(chat([{"role": "user", "content": prompt}])) == (
        "You can return any item within 14 days of delivery. [returns]"
    )
    unrelated = prompt.replace("How many days do I have to return a lamp?", "Do you have a shop in Leeds?")
    assert "don't know" in text_of(chat([{"role": "user", "content": unrelated}]))


def test_when_json_is_asked_then_json_mode_is_bare_and_words_only_is_fenced():
    system = (
        "Categories: billing, delivery, other.\n"
        'Answer in JSON like {"category": "delivery", "urgent": false, "summary": "x"}'
    )
    messages = [
        {"role": "system", "content": system},
        {"role": "user", "content": 'Ticket: """I was charged twice, fix it today"""'},
    ]
    bare = json.loads(text_of(chat(messages, response_format={"type": "json_object"})))
    assert bare == {"category": "billing", "urgent": True, "summary": "I was charged twice, fix it today"}
    chatty = text_of(chat(messages))
    assert chatty.startswith("Sure!") and "```json" in chatty


def test_when_a_tool_matches_then_it_asks_to_call_it_and_reports_the_result():
    tools = [
        {
            "type": "function",
            "function": {
                "name": "get_order_status",
                "description": "Where an order is",
                "parameters": {
                    "type": "object",
                    "properties": {"order_id": {"type": "string"}},
                    "required": ["order_id"],
                },
            },
        }
    ]
    messages = [{"role": "user", "content": "Where is my order A-1042?"}]
    first = chat(messages, tools=tools)
    assert first["choices"][0]["finish_reason"] == "tool_calls"
    call = first["choices"][0]["message"]["tool_calls"][0]
    assert json.loads(call["function"]["arguments"]) == {"order_id": "A-1042"}
    messages += [
        first["choices"][0]["message"],
        {"role": "tool", "tool_call_id": call["id"], "content": '{"status": "shipped"}'},
    ]
    assert "shipped" in text_of(chat(messages, tools=tools))
    asked = chat([{"role": "user", "content": "Where is my order?"}], tools=tools)
    assert "order_id" in text_of(asked) and "tool_calls" not in asked["choices"][0]["message"]


def test_when_served_over_http_then_same_answer_and_401_without_key():
    messages = [{"role": "user", "content": "Hello!"}]
    with LocalLLMServer() as server:
        url = f"{server.base_url}/chat/completions"
        ok = requests.post(url, json={"messages": messages}, headers={"Authorization": "Bearer k"}, timeout=10)
        refused = requests.post(url, json={"messages": messages}, timeout=10)
        bad = requests.post(
            url, json={"messages": [{"role": "bot", "content": "x"}]}, headers={"Authorization": "Bearer k"}, timeout=10
        )
        assert [entry.status for entry in server.log] == [200, 401, 400]
    assert ok.json() == chat(messages)
    assert refused.json()["error"]["code"] == "missing_api_key"
    assert bad.json()["error"]["type"] == "invalid_request_error"
