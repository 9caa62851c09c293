"""Checks for the api-client exercise: get_json and fetch_all against the course's local API.

Each check starts its own CourseAPI on 127.0.0.1 (a free port, a new random key), puts the key in
the learner's kernel as COURSE_API_KEY, calls the learner's function, and reads the server's log
to see how the client behaved. The server stops at the end of each check.
"""

import time
from contextlib import contextmanager

import pytest

from courselib.api_server import ENV_VAR, KEY_PREFIX, CourseAPI, make_reviews
from grader import LearnerError as LearnerException  # what the learner's own code raised, re-raised here
from grader import points


# The learner's waits (time.sleep) advance a clock the check keeps, in a file of the grading's folder,
# instead of the wall: a Retry-After of 2 s is waited in no time, and the server still sees the gap.
# Put back after each check: check() inside Jupyter runs these in the learner's own Python.
VIRTUAL_SLEEP = """
import time as _time, pathlib as _pathlib
_course_real_sleep = _time.sleep
def _course_sleep(seconds, _clock=_pathlib.Path('.course-clock')):
    _clock.write_text(str(float(_clock.read_text() or 0) + max(0.0, float(seconds))))
if globals().get('sleep') is _course_real_sleep:
    sleep = _course_sleep
_time.sleep = _course_sleep
"""
REAL_SLEEP = """
_time.sleep = _course_real_sleep
if globals().get('sleep') is _course_sleep:
    sleep = _course_real_sleep
"""


@contextmanager
def course_api(nb, **options):
    """A running CourseAPI whose key the learner's kernel finds in COURSE_API_KEY."""
    clock_file = nb.workdir / ".course-clock"
    clock_file.write_text("0")

    def clock():
        return time.monotonic() + float(clock_file.read_text() or 0)

    nb.run(VIRTUAL_SLEEP)
    try:
        # max_requests: a client that retries without end meets a 503 instead of hanging the check
        with CourseAPI(set_env=False, max_requests=60, clock=clock, **options) as api:
            nb.run(f"import os; os.environ[{ENV_VAR!r}] = {api.api_key!r}")
            yield api
    finally:
        nb.run(REAL_SLEEP)
        clock_file.unlink(missing_ok=True)


def _fetch(fetch_all, api, **kwargs):
    """Call the learner's fetch_all; turn an error it raises into a failure that says what happened."""
    try:
        return fetch_all(api.url, **kwargs)
    except LearnerException as error:
        statuses = [entry.status for entry in api.log]
        where = f" at the line `{error.line}`" if error.line else ""
        pytest.fail(
            f"fetch_all stopped with {type(error).__name__}{where}: {error}. "
            f"The server had answered, in order: {statuses}"
        )


def _asked_the_api(api):
    """Fail with a plain message when the client never sent a request (data typed in or made up)."""
    assert api.request_count > 0, (
        "fetch_all returned without sending a single request to the API: it should fetch the "
        "reviews from base_url, not make them up or type them in"
    )


def _raises(call):
    """Whether call() raised an error from the learner's code."""
    try:
        call()
    except LearnerException:
        return True
    return False


@points(
    2,
    hint="Loop while page is not None: get the page, add its items, then page = data['next_page'].",
)
def test_fetches_every_page(nb):
    """fetch_all returns every review from every page, in order"""
    fetch_all = nb.function("fetch_all")
    with course_api(nb, rate_limit_every=None) as api:
        reviews = _fetch(fetch_all, api)
        _asked_the_api(api)
    assert isinstance(reviews, list), (
        f"fetch_all should return a list of reviews, not {reviews!r:.80}"
    )
    assert len(reviews) == 23, (
        f"fetch_all should return all 23 reviews from the 3 pages; it returned {len(reviews)}"
    )
    assert reviews == api.items, (
        "fetch_all should return the reviews exactly as sent, in page order"
    )


@points(1, hint="Send per_page with the request: params={'page': page, 'per_page': per_page}.")
def test_follows_pages_of_any_size(nb):
    """fetch_all asks for pages of per_page reviews and does not guess the number of pages"""
    fetch_all = nb.function("fetch_all")
    items = make_reviews(count=17, seed=11)
    with course_api(nb, items=items, rate_limit_every=None) as api:
        reviews = _fetch(fetch_all, api, per_page=4)
        asked = [entry.query.get("per_page") for entry in api.log]
    assert isinstance(reviews, list), (
        f"fetch_all should return a list of reviews, not {reviews!r:.80}"
    )
    assert len(reviews) == 17, (
        "with 17 reviews in pages of 4 (5 pages, the last with 1 review), fetch_all should "
        f"return all 17; it returned {len(reviews)}"
    )
    assert reviews == items, "fetch_all should return the reviews exactly as sent, in page order"
    assert all(size == "4" for size in asked), (
        f"fetch_all(url, per_page=4) should ask the API for pages of 4; it asked for {asked}"
    )


@points(
    2, hint="On a 429, time.sleep(int(response.headers['Retry-After'])) and send the request again."
)
def test_retries_a_429_after_waiting(nb):
    """fetch_all gets everything despite 429 answers, waiting before each retry"""
    fetch_all = nb.function("fetch_all")
    with course_api(nb, rate_limit_every=3, retry_after=1) as api:
        reviews = _fetch(fetch_all, api)
        early = api.early_retries()
        statuses = [entry.status for entry in api.log]
        _asked_the_api(api)
    assert 429 in statuses, "the course API should have answered 429 at least once (a course bug)"
    assert isinstance(reviews, list), (
        f"fetch_all should return a list of reviews, not {reviews!r:.80}"
    )
    assert len(reviews) == 23, (
        f"with a 429 now and then, fetch_all should still return all 23 reviews; it returned {len(reviews)}"
    )
    assert reviews == api.items, (
        "fetch_all should return the reviews exactly as sent, in page order"
    )
    assert not early, (
        f"after a 429, your client sent {len(early)} request(s) before the Retry-After wait was "
        f"over; wait the number of seconds in the Retry-After header before retrying. "
        f"The server answered: {statuses}"
    )


@points(
    1, hint="Read the wait from the answer: int(response.headers['Retry-After']), not a fixed 1."
)
def test_waits_as_long_as_retry_after_says(nb):
    """waits as long as Retry-After asks (here 2 seconds), not a fixed pause"""
    fetch_all = nb.function("fetch_all")
    with course_api(nb, items=make_reviews(count=15), rate_limit_every=2, retry_after=2) as api:
        reviews = _fetch(fetch_all, api)
        log = list(api.log)
        _asked_the_api(api)
    assert isinstance(reviews, list), (
        f"fetch_all should return a list of reviews, not {reviews!r:.80}"
    )
    assert len(reviews) == 15, f"fetch_all should return all 15 reviews; it returned {len(reviews)}"
    first_429 = next(i for i, entry in enumerate(log) if entry.status == 429)
    gap = log[first_429 + 1].time - log[first_429].time
    assert not any(entry.early for entry in log), (
        f"the server asked to wait 2 seconds (Retry-After: 2), but your client retried after "
        f"{gap:.1f} s; use the number in the Retry-After header"
    )


@points(
    2, hint="Count the attempts: for attempt in range(max_retries + 1), and raise after the loop."
)
def test_gives_up_after_max_retries(nb):
    """gives up with an error after max_retries retries when every answer is 429"""
    fetch_all = nb.function("fetch_all")
    with course_api(nb, rate_limit_every=1, retry_after=0) as api:
        raised = _raises(lambda: fetch_all(api.url, max_retries=2))
        sent = api.request_count
    assert raised, (
        "when every answer is 429, fetch_all(url, max_retries=2) should raise an exception "
        "after its retries; it returned instead"
    )
    assert sent == 3, (
        f"with max_retries=2 and every answer 429, your client should send 3 requests "
        f"(the first try and 2 retries) and then raise; it sent {sent}"
    )


@points(
    1,
    hint="Only 429 is worth a retry: for any other error status, call response.raise_for_status().",
)
def test_does_not_retry_a_wrong_key(nb):
    """stops at once with an error when the key is refused (401): waiting would not help"""
    fetch_all = nb.function("fetch_all")
    with course_api(nb, rate_limit_every=None) as api:
        nb.run(f"import os; os.environ[{ENV_VAR!r}] = 'not-the-right-key'")
        raised = _raises(lambda: fetch_all(api.url))
        sent = api.request_count
    assert raised, (
        "with a wrong key the API answers 401; fetch_all should raise an error, not return"
    )
    assert sent == 1, (
        f"a 401 (wrong key) will not get better by waiting; your client should raise after 1 "
        f"request, but it sent {sent}"
    )


@points(
    1, hint="Read os.environ['COURSE_API_KEY'] inside get_json, each time; never paste the key."
)
def test_reads_the_key_from_the_environment_and_keeps_it_out(nb):
    """reads the key from COURSE_API_KEY at each call, and the notebook never contains a key"""
    fetch_all = nb.function("fetch_all")
    for _ in range(2):  # two servers, two different keys
        with course_api(nb, rate_limit_every=None) as api:
            reviews = _fetch(fetch_all, api)
            _asked_the_api(api)
        assert len(reviews) == 23, (
            "fetch_all should work with whatever key is in COURSE_API_KEY when it is called"
        )
    assert KEY_PREFIX not in nb.source, (
        f"your notebook's code contains an API key (text starting with {KEY_PREFIX!r}); "
        "delete it and read the key with os.environ['COURSE_API_KEY']"
    )
    assert KEY_PREFIX not in nb.printed, (
        f"your notebook printed an API key (text starting with {KEY_PREFIX!r}); "
        "never print a key: outputs are saved in the notebook and travel with it"
    )
