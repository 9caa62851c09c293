"""The one way the course's lessons and exercises reach a language model: the official `openai` SDK.

    from courselib.llm import get_client, chat_model, embedding_model

    client = get_client()
    reply = client.chat.completions.create(model=chat_model(),
                                           messages=[{"role": "user", "content": "Hello!"}])
    print(reply.choices[0].message.content)

By default the client talks to the course's own stand-in model (`courselib.local_llm`), started
once per Python process on 127.0.0.1: offline, free, the same answer every time. To use a real
model instead (OpenAI, Ollama, vLLM, llama.cpp's server, any provider that speaks the OpenAI API),
set these environment variables before starting Jupyter (the "Use a real model" page shows how):

    COURSE_LLM_BASE_URL         the provider's address, such as https://api.openai.com/v1
    COURSE_LLM_API_KEY          its key (a local server such as Ollama accepts any)
    COURSE_LLM_MODEL            the chat model, such as gpt-4o-mini or llama3.2
    COURSE_LLM_EMBEDDING_MODEL  the embedding model, such as text-embedding-3-small

The names start with COURSE_ on purpose: an OPENAI_API_KEY you set for other work is never used,
so no lesson spends your money unless you ask it to.
"""

from __future__ import annotations

import ipaddress
import os
import threading
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from courselib.local_llm import EMBEDDING_MODEL, MODEL_NAME, LocalLLMServer, count_message_tokens, count_tokens

if TYPE_CHECKING:
    import openai

__all__ = ["chat_model", "count_message_tokens", "count_tokens", "embedding_model", "get_client", "using_local_model"]

BASE_URL_VAR = "COURSE_LLM_BASE_URL"
API_KEY_VAR = "COURSE_LLM_API_KEY"
MODEL_VAR = "COURSE_LLM_MODEL"
EMBEDDING_MODEL_VAR = "COURSE_LLM_EMBEDDING_MODEL"
_NO_KEY = "no-key-set"  # local servers (Ollama, llama.cpp) ignore the key, but the SDK wants one

_local: LocalLLMServer | None = None
_local_lock = threading.Lock()
_clients: dict[tuple[str, str], openai.OpenAI] = {}


def get_client(**kwargs: Any) -> openai.OpenAI:
    """An `openai.OpenAI` client: for the provider in COURSE_LLM_BASE_URL when it is set, otherwise
    for the course's local model (started on first use, stopped when Python exits).

    kwargs go to `openai.OpenAI` (for example `max_retries=0` or `timeout=30`). Without kwargs, the
    same address and key give the same client: building one loads an SSL context (about 0.1 s), and
    code that calls get_client() for every request should not pay that each time.
    """
    import openai

    base_url = os.environ.get(BASE_URL_VAR, "").strip()
    if base_url:
        api_key = os.environ.get(API_KEY_VAR, "").strip() or _NO_KEY
    else:
        server = _local_server()
        base_url, api_key = server.base_url, server.api_key
    if kwargs:
        return openai.OpenAI(**{"base_url": base_url, "api_key": api_key, **kwargs})
    with _local_lock:
        if (base_url, api_key) not in _clients:
            _clients[base_url, api_key] = openai.OpenAI(base_url=base_url, api_key=api_key)
        return _clients[base_url, api_key]


def chat_model() -> str:
    """The chat model's name: COURSE_LLM_MODEL, or the local stand-in's, "course-local-1"."""
    return os.environ.get(MODEL_VAR, "").strip() or MODEL_NAME


def embedding_model() -> str:
    """The embedding model's name: COURSE_LLM_EMBEDDING_MODEL, or the local one's, "course-embed-1"."""
    return os.environ.get(EMBEDDING_MODEL_VAR, "").strip() or EMBEDDING_MODEL


def using_local_model() -> bool:
    """True when the lessons talk to the course's stand-in: no COURSE_LLM_BASE_URL, or one on this
    computer with the stand-in's model name (as the course's checks set it up)."""
    base_url = os.environ.get(BASE_URL_VAR, "").strip()
    if not base_url:
        return True
    host = urlsplit(base_url).hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    return loopback and chat_model() == MODEL_NAME


def _local_server() -> LocalLLMServer:
    """The course's local model for this process, started once (a daemon thread on 127.0.0.1)."""
    global _local
    with _local_lock:
        if _local is None:
            _local = LocalLLMServer().start()
        return _local
