"""Checks for the exercise "metric-spec": a metric specification as a structure, and a function that
computes the metric by that specification, judged on small tables built here that the learner has
never seen (users who never came back, events after the window, repeated events)."""

from __future__ import annotations

import pandas as pd

from grader import NotAttempted, points

FIELDS = {
    "name": "the metric's name, such as \"14-day collaboration rate\"",
    "numerator": "in words, what is counted on top: which users count as a success",
    "denominator": "in words, what is counted below: all the users the rate is about",
    "unit_of_analysis": "what one row of the count is, such as \"user\"",
    "event": "the event that counts as a success, exactly as it is written in the `event` column",
    "window_days": "how many days after signing up the event still counts, as a number",
    "direction": "\"higher is better\" or \"lower is better\"",
    "guardrails": "a list of metrics that must not get worse, each {\"name\": ..., \"direction\": ...}",
    "owner": "the person or team who answers questions about the metric",
}
DIRECTIONS = ("higher is better", "lower is better")
START = pd.Timestamp("2026-04-01 09:00")


# -- asking the notebook ---------------------------------------------------------------------
def the_spec(nb) -> dict:
    spec = nb.value("METRIC_SPEC")
    if spec is Ellipsis:
        raise NotAttempted("`METRIC_SPEC` is still `...`")
    assert isinstance(spec, dict), (
        f"METRIC_SPEC should be a dict (field name -> value), but it is {type(spec).__name__}")
    if spec and all(v is Ellipsis for v in spec.values()):
        raise NotAttempted("every field of `METRIC_SPEC` is still `...`")
    return spec


def usable_spec(nb) -> dict:
    """The learner's spec, with the two fields the computation needs checked first."""
    spec = the_spec(nb)
    event, window = spec.get("event"), spec.get("window_days")
    if event is Ellipsis or window is Ellipsis:
        raise NotAttempted('`METRIC_SPEC["event"]` or `METRIC_SPEC["window_days"]` is still `...`')
    assert isinstance(event, str) and event.strip(), (
        'METRIC_SPEC needs an "event" (text, such as "invited_teammate") before the metric can be computed')
    assert isinstance(window, int | float) and not isinstance(window, bool) and window > 0, (
        f'METRIC_SPEC["window_days"] should be a positive number of days, such as 14, but it is {window!r}')
    return spec


def tables(signups: list[tuple[int, float]], events: list[tuple[int, str, float]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """users (user_id, signed_up_at) and events (user_id, event, at), times given in days after START."""
    users = pd.DataFrame({"user_id": [u for u, _ in signups],
                          "signed_up_at": [START + pd.Timedelta(days=d) for _, d in signups]})
    signed = dict(signups)
    events_table = pd.DataFrame({
        "user_id": pd.Series([u for u, _, _ in events], dtype="int64"),
        "event": pd.Series([e for _, e, _ in events], dtype="object"),
        "at": pd.Series([START + pd.Timedelta(days=signed[u] + d) for u, _, d in events], dtype="datetime64[ns]"),
    })
    return users, events_table


def other_event(spec: dict) -> str:
    return "opened_app" if spec["event"] != "opened_app" else "exported_pdf"


def metric(nb, users: pd.DataFrame, events: pd.DataFrame, spec: dict) -> float:
    value = nb.function("compute_metric")(users, events, spec)
    assert isinstance(value, int | float) and not isinstance(value, bool), (
        f"compute_metric should return one number (a rate between 0 and 1), but it returned {value!r}")
    return float(value)


def describe(users: pd.DataFrame, events: pd.DataFrame) -> str:
    """The table in words: "these 4 users: user 1 did x 0.5 days after signing up; user 2 did nothing"."""
    parts = []
    for u, d in zip(users["user_id"], users["signed_up_at"], strict=True):
        mine = events[events["user_id"] == u]
        done = [f"{e} {days:g} day{'' if days == 1 else 's'} after signing up"
                for e, days in zip(mine["event"], (mine["at"] - d) / pd.Timedelta(days=1), strict=True)]
        parts.append(f"user {u} did " + (", then ".join(done) if done else "nothing at all"))
    return f"these {len(users)} users ({'; '.join(parts)})"


# -- the specification -----------------------------------------------------------------------
@points(2, hint="METRIC_SPEC needs every field of the table in the notebook, each filled in: "
                "text for the words, a number for window_days, a list for guardrails.")
def test_spec_is_complete(nb):
    """METRIC_SPEC has every field, each filled in"""
    spec = the_spec(nb)
    for field, meaning in FIELDS.items():
        assert field in spec, f'METRIC_SPEC has no "{field}": add it ({meaning})'
        value = spec[field]
        assert value is not Ellipsis, f'METRIC_SPEC["{field}"] is still `...`: fill it in ({meaning})'
        empty = value is None or (isinstance(value, str | list | dict) and not value)
        assert not empty, f'METRIC_SPEC["{field}"] is empty: fill it in ({meaning})'
    for field in ("name", "numerator", "denominator", "unit_of_analysis", "event", "direction", "owner"):
        assert isinstance(spec[field], str), (
            f'METRIC_SPEC["{field}"] should be text, but it is {spec[field]!r}')


@points(2, hint="direction is exactly \"higher is better\" or \"lower is better\"; guardrails is a list "
                "of small dicts such as {\"name\": \"7-day uninstall rate\", \"direction\": \"lower is better\"}.")
def test_direction_and_guardrails(nb):
    """says which way is better, and names its guardrails as metrics, each with a direction"""
    spec = the_spec(nb)
    assert spec.get("direction") in DIRECTIONS, (
        f'METRIC_SPEC["direction"] should be "higher is better" or "lower is better", but it is '
        f"{spec.get('direction')!r}")
    guardrails = spec.get("guardrails")
    assert isinstance(guardrails, list) and guardrails, (
        'METRIC_SPEC["guardrails"] should be a list of at least one metric that must not get worse, '
        f"but it is {guardrails!r}")
    for number, guardrail in enumerate(guardrails, 1):
        assert isinstance(guardrail, dict) and isinstance(guardrail.get("name"), str) and guardrail["name"].strip(), (
            f'guardrail number {number} should be a dict with a "name" (the metric, such as '
            f'"7-day uninstall rate"), but it is {guardrail!r}')
        assert guardrail.get("direction") in DIRECTIONS, (
            f'the guardrail "{guardrail["name"]}" should have a "direction", "higher is better" or '
            f'"lower is better", but it has {guardrail.get("direction")!r}')
        assert guardrail["name"].strip().lower() != str(spec.get("name", "")).strip().lower(), (
            f'the guardrail "{guardrail["name"]}" is the metric itself: a guardrail is another metric, '
            "one that must not get worse while this one improves")
        assert len(guardrail["name"].split()) >= 2, (
            f'the guardrail "{guardrail["name"]}" should be named as a metric (what is measured and how), '
            'such as "7-day uninstall rate" or "support tickets per user", not a single word')


@points(1, hint="If the unit of analysis is \"user\", the denominator counts users: \"users who signed "
                "up\", not \"sessions\" or \"events\".")
def test_denominator_counts_the_unit_of_analysis(nb):
    """the denominator counts the unit of analysis (users, when the unit is a user)"""
    spec = the_spec(nb)
    unit = str(spec.get("unit_of_analysis", "")).strip().lower()
    assert unit and unit != "...", 'METRIC_SPEC needs a "unit_of_analysis", such as "user"'
    stem = unit.removesuffix("s")
    denominator = str(spec.get("denominator", "")).lower()
    assert stem in denominator, (
        f'the unit of analysis is "{unit}", so the denominator should count {stem}s, but it says '
        f'"{spec.get("denominator")}". Name the {stem}s it counts, such as "{stem}s who signed up".')


# -- the computation -------------------------------------------------------------------------
@points(2, hint="Keep the events that are your spec's event, join each to its user's signup time, "
                "keep those within window_days of it, count the distinct users left, and divide by "
                "the number of users in `users`.")
def test_metric_on_a_small_table(nb):
    """computes the metric on a small table it has not seen"""
    spec = usable_spec(nb)
    x, other = spec["event"], other_event(spec)
    users, events = tables([(1, 0), (2, 1.5), (3, 3), (4, 4.2)],
                           [(1, other, 0.1), (1, x, 0.5), (2, other, 1.5), (3, x, 0.25), (4, other, 0.2)])
    got = metric(nb, users, events, spec)
    assert abs(got - 0.5) < 1e-9, (
        f"for {describe(users, events)}, the metric should be 0.5 (users 1 and 3 did {x}, out of 4 "
        f"users), but compute_metric returned {got}")


@points(2, hint="The denominator is every user who signed up, from the `users` table, including "
                "those who never did anything: counting the users in `events` leaves them out.")
def test_users_with_no_events_are_counted(nb):
    """users who signed up and never came back are in the denominator"""
    spec = usable_spec(nb)
    x = spec["event"]
    users, events = tables([(u, u * 0.7) for u in range(1, 11)],
                           [(2, x, 0.3), (5, x, 1.0), (9, x, 0.6), (9, other_event(spec), 0.1)])
    got = metric(nb, users, events, spec)
    assert abs(got - 0.3) < 1e-9, (
        f"for 10 users of whom 3 did {x} within the window and 7 never came back at all, the metric "
        f"should be 0.3 (3 of 10 users who signed up), but compute_metric returned {got}"
        + (": it counts only the users who appear in events, so the 7 who never came back are "
           "missing from the denominator" if abs(got - 1.0) < 1e-9 else ""))


@points(2, hint="Compute, for each event, how long after its user signed up it happened "
                "(`at - signed_up_at`), and keep only those up to pd.Timedelta(days=spec[\"window_days\"]).")
def test_events_after_the_window_do_not_count(nb):
    """an event after window_days does not count, with the spec's window and with another one"""
    spec = usable_spec(nb)
    x = spec["event"]
    for window in (float(spec["window_days"]), 3.0 if spec["window_days"] != 3 else 10.0):
        changed = {**spec, "window_days": int(window) if window == int(window) else window}
        users, events = tables([(1, 0), (2, 2), (3, 5), (4, 6)],
                               [(1, x, window - 0.25), (2, x, window + 0.25), (3, x, window + 5),
                                (4, other_event(spec), 0.5)])
        got = metric(nb, users, events, changed)
        assert abs(got - 0.25) < 1e-9, (
            f"with window_days = {changed['window_days']}, for {describe(users, events)}, only user 1 "
            f"did {x} within the window, so the metric should be 0.25, but compute_metric returned "
            f"{got}. Events after the window must not count, and the window must come from "
            'spec["window_days"]')


@points(1, hint="Count distinct users (`.nunique()`), not rows: a user who did it three times is one "
                "success.")
def test_each_user_counts_once(nb):
    """a user who did the event several times counts once"""
    spec = usable_spec(nb)
    x = spec["event"]
    users, events = tables([(1, 0), (2, 1), (3, 2), (4, 3)],
                           [(1, x, 0.1), (1, x, 0.2), (1, x, 0.3), (2, other_event(spec), 0.5),
                            (3, other_event(spec), 0.5), (4, other_event(spec), 1.5)])
    got = metric(nb, users, events, spec)
    assert abs(got - 0.25) < 1e-9, (
        f"user 1 did {x} three times and nobody else did it, so the metric should be 0.25 (1 user of 4), "
        f"but compute_metric returned {got}: count users, not events")


@points(1, hint="Filter on spec[\"event\"], not on an event name typed in the function.")
def test_follows_the_spec_event(nb):
    """counts the event the spec names, whichever it is"""
    spec = usable_spec(nb)
    changed = {**spec, "event": "shared_link"}
    users, events = tables([(1, 0), (2, 1), (3, 2), (4, 3), (5, 4)],
                           [(1, "shared_link", 0.5), (2, "shared_link", 1.0), (3, "shared_link", 1.5),
                            (4, spec["event"], 0.5), (5, other_event(spec), 0.5)])
    got = metric(nb, users, events, changed)
    assert abs(got - 0.6) < 1e-9, (
        f'with spec["event"] = "shared_link", 3 of 5 users shared a link within the window, so the metric '
        f"should be 0.6, but compute_metric returned {got}. Read the event from the spec.")


@points(1, hint="After the function, compute the metric on the notebook's users and events with "
                "your own METRIC_SPEC and store it in `metric_value`.")
def test_metric_value_on_the_data(nb):
    """`metric_value` is the metric of users.csv and events.csv by the notebook's own spec"""
    spec = usable_spec(nb)
    users = pd.read_csv(nb.exercise_dir / "users.csv", parse_dates=["signed_up_at"])
    events = pd.read_csv(nb.exercise_dir / "events.csv", parse_dates=["at"])
    joined = events.merge(users, on="user_id")
    delay = joined["at"] - joined["signed_up_at"]
    done = joined[(joined["event"] == spec["event"]) & (delay >= pd.Timedelta(0))
                  & (delay <= pd.Timedelta(days=spec["window_days"]))]
    expected = done["user_id"].nunique() / users["user_id"].nunique()
    got = nb.value("metric_value")
    if got is Ellipsis:
        raise NotAttempted("`metric_value` is still `...`")
    assert isinstance(got, int | float) and abs(float(got) - expected) < 1e-9, (
        f"by your spec ({spec['event']} within {spec['window_days']} days of signing up), "
        f"{done['user_id'].nunique()} of the {users['user_id'].nunique()} users in users.csv count, so "
        f"metric_value should be {expected:.4f}, but it is {got!r}")
