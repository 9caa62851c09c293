"""A small web API that runs on your own machine, for the lessons and checks of module 04.

It behaves like the real APIs an AI product calls, on purpose including their awkward parts:

- it needs an **API key**, sent in the `X-API-Key` header (401 without it, or with a wrong one);
- it hands out its data **in pages** (`GET /reviews?page=2&per_page=10`), each page saying which
  page comes next;
- it **rate-limits** on a fixed, predictable schedule: every `rate_limit_every`-th request is
  answered `429 Too Many Requests` with a `Retry-After` header, and any request that arrives
  before that wait is over gets another 429.

It uses only the standard library (`http.server` in a background thread) and listens on
127.0.0.1 only, so nothing leaves your computer. Start it with a `with` block, which also stops
it cleanly:

    from courselib.api_server import CourseAPI

    with CourseAPI() as api:          # picks a free port; puts its key in $COURSE_API_KEY
        print(api.url)                # e.g. http://127.0.0.1:51234
        ...                           # call it with requests

Every request the server answers is recorded in `api.log`, which the course's checks read to
see how a client behaved (did it wait as long as `Retry-After` asked?).
"""

from __future__ import annotations

import json
import math
import os
import random
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

from courselib._serving import BackgroundHTTPServer

__all__ = ["API_KEY_HEADER", "ENV_VAR", "KEY_PREFIX", "CourseAPI", "LoggedRequest", "make_reviews"]

ENV_VAR = "COURSE_API_KEY"
API_KEY_HEADER = "X-API-Key"
KEY_PREFIX = "course-key-"  # every key this server makes starts so, so a leaked one is easy to spot
MAX_PER_PAGE = 50

_PRODUCTS = ["Lamp", "Kettle", "Blender", "Toaster", "Desk fan"]
_OPENINGS = {
    5: ["Love it.", "Excellent.", "Exactly what I needed."],
    4: ["Very good.", "Happy with it.", "Works well."],
    3: ["It's fine.", "Does the job.", "Average."],
    2: ["Disappointing.", "Not great.", "Expected more."],
    1: ["Broke quickly.", "Do not buy.", "Awful."],
}
_DETAILS = [
    "Arrived on time.",
    "A bit noisy.",
    "Easy to clean.",
    "The instructions were unclear.",
    "Good value for the price.",
    "Looks nice in the kitchen.",
    "Customer service was helpful.",
]


def make_reviews(count: int = 23, seed: int = 4) -> list[dict[str, Any]]:
    """The server's data: `count` made-up product reviews, the same every time for a given seed."""
    rng = random.Random(seed)
    reviews = []
    for number in range(1, count + 1):
        rating = rng.choice([5, 5, 4, 4, 4, 3, 2, 1])
        text = f"{rng.choice(_OPENINGS[rating])} {rng.choice(_DETAILS)}"
        reviews.append(
            {
                "id": number,
                "product": rng.choice(_PRODUCTS),
                "rating": rating,
                "text": text,
                "date": f"2024-05-{number:02d}",
            }
        )
    return reviews


@dataclass(frozen=True)
class LoggedRequest:
    """One request the server answered: when (time.monotonic()), what, and how it replied."""

    time: float
    path: str
    query: dict[str, str]
    status: int
    early: bool = False  # a retry that arrived before the Retry-After wait was over


class CourseAPI(BackgroundHTTPServer):
    """The course's local web API. Use it as a context manager, or call start() and stop().

    api_key:          the key clients must send; by default a new random one each time.
    per_page:         the page size when the client does not ask for one.
    rate_limit_every: answer every n-th request with 429 (None: never rate-limit).
    retry_after:      the whole number of seconds the 429 answer asks the client to wait.
    set_env:          put the key in os.environ["COURSE_API_KEY"] while running (and restore
                      what was there afterwards), the way a real key arrives from outside the code.
    max_requests:     after this many requests, answer everything with 503, so that a client
                      stuck in an endless retry loop stops instead of hammering (None: no cap).
    clock:            the server's time, in seconds (time.monotonic by default); a grader's check
                      passes one that the client's waits advance, so a Retry-After costs no real time.
    """

    def __init__(
        self,
        api_key: str | None = None,
        *,
        items: list[dict[str, Any]] | None = None,
        per_page: int = 10,
        rate_limit_every: int | None = 3,
        retry_after: int = 1,
        set_env: bool = True,
        host: str = "127.0.0.1",
        port: int = 0,
        max_requests: int | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if rate_limit_every is not None and rate_limit_every < 1:
            raise ValueError("rate_limit_every must be 1 or more, or None to switch it off")
        if retry_after < 0:
            raise ValueError("retry_after cannot be negative")
        self.api_key = api_key or KEY_PREFIX + secrets.token_hex(8)
        self.items = make_reviews() if items is None else list(items)
        self.per_page = per_page
        self.rate_limit_every = rate_limit_every
        self.retry_after = retry_after
        self.set_env = set_env
        self.max_requests = max_requests
        self.clock = clock
        self.log: list[LoggedRequest] = []
        super().__init__(host, port)
        self._lock = threading.Lock()
        self._counted = 0  # requests that count towards the rate-limit schedule
        self._limited_until = 0.0
        self._saved_env: str | None = None

    # -- starting and stopping (the rest is BackgroundHTTPServer's) -----------------------------
    _not_running = "the course API is not running: call start() or use `with CourseAPI() as api:`"
    _thread_name = "course-api"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        return _make_handler(self)

    def _started(self) -> None:
        if self.set_env:
            self._saved_env = os.environ.get(ENV_VAR)
            os.environ[ENV_VAR] = self.api_key

    def _stopped(self) -> None:
        """Restore the environment as it was before start()."""
        if self.set_env:
            if self._saved_env is None:
                os.environ.pop(ENV_VAR, None)
            else:
                os.environ[ENV_VAR] = self._saved_env

    def __repr__(self) -> str:
        state = self.url if self._server is not None else "stopped"
        return f"<CourseAPI {state}, {len(self.items)} reviews>"  # never shows the key

    # -- what the checks read ---------------------------------------------------------------
    @property
    def request_count(self) -> int:
        """How many requests the server has answered."""
        return len(self.log)

    def early_retries(self) -> list[LoggedRequest]:
        """Requests that arrived while a Retry-After wait was still running."""
        return [entry for entry in self.log if entry.early]

    # -- answering a request (called from the handler's thread) -----------------------------
    def _answer(self, path: str, query: dict[str, str], key: str | None) -> tuple[int, dict[str, str], Any]:
        if self.max_requests is not None and len(self.log) >= self.max_requests:
            return (
                503,
                {},
                {
                    "error": f"the course API stopped answering after {self.max_requests} "
                    "requests: is your client retrying without end?"
                },
            )
        if path in ("", "/"):
            return 200, {}, self._describe()
        if not path.startswith("/reviews"):
            return 404, {}, {"error": f"there is no {path}; try /reviews"}
        if key is None:
            return 401, {}, {"error": f"missing API key: send it in the {API_KEY_HEADER} header"}
        if not secrets.compare_digest(key, self.api_key):
            return 401, {}, {"error": "invalid API key"}
        limited = self._rate_limit()
        if limited is not None:
            return limited
        if path.rstrip("/") == "/reviews":
            return self._page(query)
        return self._one(path.rsplit("/", 1)[-1])

    def _rate_limit(self) -> tuple[int, dict[str, str], Any] | None:
        now = self.clock()
        with self._lock:
            if now < self._limited_until:
                wait = max(1, math.ceil(self._limited_until - now))
                return (
                    429,
                    {"Retry-After": str(wait), "X-Early-Retry": "1"},
                    {"error": f"too many requests: you retried too soon; wait {wait} s"},
                )
            self._counted += 1
            if self.rate_limit_every and self._counted % self.rate_limit_every == 0:
                self._limited_until = now + self.retry_after
                return (
                    429,
                    {"Retry-After": str(self.retry_after)},
                    {"error": f"too many requests: wait {self.retry_after} s, then retry"},
                )
        return None

    def _page(self, query: dict[str, str]) -> tuple[int, dict[str, str], Any]:
        try:
            page = int(query.get("page", "1"))
            per_page = int(query.get("per_page", str(self.per_page)))
        except ValueError:
            return 400, {}, {"error": "page and per_page must be whole numbers"}
        if page < 1 or not 1 <= per_page <= MAX_PER_PAGE:
            return 400, {}, {"error": f"page must be 1 or more, per_page between 1 and {MAX_PER_PAGE}"}
        total_pages = max(1, math.ceil(len(self.items) / per_page))
        start = (page - 1) * per_page
        return (
            200,
            {},
            {
                "page": page,
                "per_page": per_page,
                "total": len(self.items),
                "total_pages": total_pages,
                "next_page": page + 1 if page < total_pages else None,
                "items": self.items[start : start + per_page],
            },
        )

    def _one(self, raw_id: str) -> tuple[int, dict[str, str], Any]:
        for item in self.items:
            if str(item.get("id")) == raw_id:
                return 200, {}, item
        return 404, {}, {"error": f"there is no review with id {raw_id}"}

    def _describe(self) -> dict[str, Any]:
        return {
            "name": "The course's review API",
            "endpoints": {
                "/reviews?page=1&per_page=10": "one page of reviews, and which page comes next",
                "/reviews/<id>": "one review",
            },
            "authentication": f"send your key in the {API_KEY_HEADER} header",
            "rate_limit": "when you get 429, wait the number of seconds in Retry-After, then retry",
        }


def _make_handler(api: CourseAPI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "CourseAPI/1.0"

        def do_GET(self) -> None:  # the name http.server expects
            parts = urlsplit(self.path)
            query = {name: values[-1] for name, values in parse_qs(parts.query).items()}
            status, headers, body = api._answer(parts.path, query, self.headers.get(API_KEY_HEADER))
            early = headers.pop("X-Early-Retry", None) is not None
            with api._lock:
                api.log.append(LoggedRequest(api.clock(), parts.path, query, status, early))
            payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep lessons' output clean; api.log records every request instead

    return Handler
