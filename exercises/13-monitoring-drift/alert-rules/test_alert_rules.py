"""Checks for alert-rules: the rules are complete, owned and set from the baseline week, and evaluate()
fires exactly the right alerts on weeks the learner has never seen (made here, with fixed seeds)."""

import math

import numpy as np
import pandas as pd
import pytest

from courselib.ticket_logs import ticket_day
from grader import NotAttempted, points

FLOOR = 0.0001
METRICS = ["psi_words", "error_rate", "p95_latency_ms", "cost_usd", "unknown_share"]
FIELDS = ["name", "metric", "direction", "threshold", "min_rows", "severity", "owner"]
NOT_AN_OWNER = {"", "?", "-", "tbd", "todo", "none", "nobody", "someone", "owner", "unknown", "n/a"}
SEVERITY = {"psi_words": "ticket", "error_rate": "page", "p95_latency_ms": "page", "cost_usd": "ticket",
            "unknown_share": "ticket"}
SIZES = [420, 440, 410, 430, 400, 260, 240]          # a normal week: busier on weekdays
DAYS = pd.date_range("2024-07-01", periods=7).strftime("%Y-%m-%d").tolist()   # Monday to Sunday

# The check's own rules: evaluate() must work for any rules, not only the learner's.
CHECK_RULES = [
    {"name": "answers too slow", "metric": "p95_latency_ms", "direction": "at_least", "threshold": 2000,
     "min_rows": 100, "severity": "page", "owner": "platform on-call"},
    {"name": "calls failing", "metric": "error_rate", "direction": "at_least", "threshold": 0.06,
     "min_rows": 100, "severity": "page", "owner": "platform on-call"},
    {"name": "ticket length drift", "metric": "psi_words", "direction": "at_least", "threshold": 0.2,
     "min_rows": 200, "severity": "ticket", "owner": "ml-team"},
    {"name": "model never unsure", "metric": "unknown_share", "direction": "at_most", "threshold": 0.0,
     "min_rows": 100, "severity": "ticket", "owner": "ml-team"},
    {"name": "daily cost", "metric": "cost_usd", "direction": "at_least", "threshold": 3.0,
     "min_rows": 100, "severity": "ticket", "owner": "finance"},
]


# ------------------------------------------------------------------ the log generator
def week(seed, **special):
    """Seven days of logs; special[i] changes day i (0 = Monday): its size or its incident."""
    rng = np.random.default_rng(seed)
    frames = []
    for i, (day, rows) in enumerate(zip(DAYS, SIZES, strict=True)):
        options = dict(special.get(f"day{i}", {}))
        frames.append(ticket_day(rng, day, options.pop("rows", rows), **options))
    return pd.concat(frames, ignore_index=True)


def quiet_week():
    return week(2)


def spike_week():
    """Wednesday: every answer four times slower. Tuesday: the model never says 'unknown'."""
    return week(21, day2={"slow": 4.0}, day1={"unknown": 0.0})


def drift_week():
    """From Friday, tickets three times longer (a new app pastes the whole e-mail thread)."""
    return week(31, day4={"longer": 3.0}, day5={"longer": 3.0}, day6={"longer": 3.0})


def small_day_week():
    """Thursday: 5 rows, all broken. Saturday: exactly 100 rows, a fifth of them failed, longer tickets."""
    return week(41, day3={"rows": 5, "slow": 5.0, "error_rate": 1.0, "longer": 3.0},
                day5={"rows": 100, "error_rate": 0.2, "longer": 3.0})


# ------------------------------------------------------------------ the reference
def reference_psi(reference, current, bins=10):
    reference, current = np.asarray(reference, dtype=float), np.asarray(current, dtype=float)
    edges = np.quantile(reference, np.linspace(0, 1, bins + 1))[1:-1]
    ref = np.clip(np.bincount(np.digitize(reference, edges), minlength=bins) / len(reference), FLOOR, None)
    cur = np.clip(np.bincount(np.digitize(current, edges), minlength=bins) / len(current), FLOOR, None)
    return float(np.sum((cur - ref) * np.log(cur / ref)))


def metric_value(metric, rows, reference):
    if metric == "psi_words":
        return reference_psi(reference["words"], rows["words"])
    if metric == "error_rate":
        return float(rows["error"].mean())
    if metric == "p95_latency_ms":
        return float(rows["latency_ms"].quantile(0.95))
    if metric == "cost_usd":
        return float(rows["cost_usd"].sum())
    return float((rows["prediction"] == "unknown").mean())


def expected_alerts(rules, logs, reference):
    alerts = []
    for day, rows in logs.groupby(logs["timestamp"].str[:10]):
        for rule in rules:
            if len(rows) < rule["min_rows"]:
                continue
            value = metric_value(rule["metric"], rows, reference)
            fires = value >= rule["threshold"] if rule["direction"] == "at_least" else value <= rule["threshold"]
            if fires:
                alerts.append({"day": day, "rule": rule["name"], "value": value,
                               "severity": rule["severity"], "owner": rule["owner"]})
    return alerts


def shipped(nb, name):
    return pd.read_csv(nb.exercise_dir / name)


def baseline_highs(nb):
    reference, baseline = shipped(nb, "reference.csv"), shipped(nb, "baseline_week.csv")
    days = list(baseline.groupby(baseline["timestamp"].str[:10]))
    highs = {m: max(metric_value(m, rows, reference) for _, rows in days) for m in METRICS}
    return highs, min(len(rows) for _, rows in days)


# ------------------------------------------------------------------ reading the learner's answers
def learner_rules(nb):
    rules = nb.value("rules")
    if isinstance(rules, list) and (not rules or any(rule is Ellipsis for rule in rules)):
        raise NotAttempted("`rules` still holds `...`: write your five rules in the list")
    assert isinstance(rules, list), f"rules should be a list of dicts, one per rule, not {type(rules).__name__}"
    return rules


def rule_label(rule, number):
    name = rule.get("name") if isinstance(rule, dict) else None
    return f"the rule '{name}'" if isinstance(name, str) and name.strip() else f"rule number {number}"


def alerts_of(nb, rules, logs):
    got = nb.function("evaluate")(rules, logs)
    assert isinstance(got, list), (
        f"evaluate should return a list of alerts (dicts), not {type(got).__name__}; "
        "return [] when nothing fires"
    )
    for alert in got:
        assert isinstance(alert, dict), (
            f"each alert should be a dict, such as {{'day': ..., 'rule': ...}}, not {alert!r}"
        )
        missing = [key for key in ("day", "rule", "value", "severity", "owner") if key not in alert]
        assert not missing, f"the alert {alert} has no {', '.join(repr(k) for k in missing)}: every alert needs " \
                            "'day', 'rule', 'value', 'severity' and 'owner'"
    return got


def key(alert):
    return str(alert["day"])[:10], str(alert["rule"])


def compare(got, expected, where, logs):
    """Plain messages about the alerts that are missing, extra or wrong."""
    sizes = logs.groupby(logs["timestamp"].str[:10]).size()
    counts = {}
    for alert in got:
        counts[key(alert)] = counts.get(key(alert), 0) + 1
    for (day, rule), count in counts.items():
        assert count == 1, (
            f"{where}, the rule '{rule}' fired {count} times on {day}: a rule should fire at most once per "
            "day (look at the log one day at a time, not one hour or one row at a time)"
        )
    wanted = {key(alert): alert for alert in expected}
    given = {key(alert): alert for alert in got}
    missing = [f"'{rule}' on {day} (value {wanted[(day, rule)]['value']:.4g})" for day, rule in sorted(wanted)
               if (day, rule) not in given]
    extra = [f"'{rule}' on {day} ({sizes.get(day, 0)} rows that day)" for day, rule in sorted(given)
             if (day, rule) not in wanted]
    assert not missing, f"{where}, these alerts should fire but did not: {', '.join(missing)}"
    assert not extra, f"{where}, these alerts should not fire: {', '.join(extra)}"
    for k, alert in given.items():
        value = alert["value"]
        assert isinstance(value, (int, float)) and not isinstance(value, bool) and \
            value == pytest.approx(wanted[k]["value"], rel=1e-6, abs=1e-9), (
            f"{where}, the alert '{k[1]}' on {k[0]} should carry the day's value {wanted[k]['value']:.4g}, "
            f"not {value!r}"
        )
        for field in ("severity", "owner"):
            assert alert[field] == wanted[k][field], (
                f"{where}, the alert '{k[1]}' on {k[0]} should copy the rule's {field}, "
                f"{wanted[k][field]!r}, not {alert[field]!r}"
            )
        assert isinstance(alert["day"], str) and len(alert["day"]) == 10, (
            f"the day of an alert should be text such as '{k[0]}', not {alert['day']!r}"
        )


# ------------------------------------------------------------------ the checks
@points(2, hint="Every rule needs all seven keys: name, metric, direction, threshold, min_rows, severity and owner. "
                "The owner is a real team or person, such as 'ml-team'.")
def test_every_rule_is_complete_and_owned(nb):
    """every rule has a name, a known metric, a direction, a threshold, a minimum sample, a severity and an owner"""
    rules = learner_rules(nb)
    assert rules, "rules is empty: write five rules, one for each metric of METRICS"
    names = []
    for number, rule in enumerate(rules, 1):
        assert isinstance(rule, dict), (
            f"rule number {number} should be a dict such as {{'name': ..., ...}}, not {rule!r}"
        )
        label = rule_label(rule, number)
        missing = [field for field in FIELDS if field not in rule]
        assert not missing, f"{label} has no {', '.join(repr(f) for f in missing)}: every rule needs {FIELDS}"
        unknown = sorted(set(rule) - set(FIELDS))
        assert not unknown, f"{label} has keys the task does not ask for: {unknown} (check their spelling)"
        assert isinstance(rule["name"], str) and rule["name"].strip(), f"{label} needs a 'name' that says what is wrong"
        names.append(rule["name"])
        owner = rule["owner"]
        assert isinstance(owner, str) and owner.strip().lower() not in NOT_AN_OWNER, (
            f"{label} has no real owner ({owner!r}): name the team or person who acts on it, such as "
            "'support-platform on-call' or 'ml-team'. An alert nobody owns is an alert nobody answers"
        )
        assert rule["metric"] in METRICS, f"{label} watches {rule['metric']!r}, which is not one of {METRICS}"
        assert rule["direction"] in ("at_least", "at_most"), (
            f"{label} has the direction {rule['direction']!r}: use 'at_least' or 'at_most'"
        )
        threshold = rule["threshold"]
        assert isinstance(threshold, (int, float)) and not isinstance(threshold, bool) and math.isfinite(threshold), (
            f"{label} needs a number as its 'threshold', not {threshold!r}"
        )
        min_rows = rule["min_rows"]
        assert isinstance(min_rows, int) and not isinstance(min_rows, bool) and min_rows > 0, (
            f"{label} needs a whole number of rows as its 'min_rows', not {min_rows!r}"
        )
        assert rule["severity"] in ("page", "ticket"), (
            f"{label} has the severity {rule['severity']!r}: use 'page' (wake someone now) or 'ticket' (office hours)"
        )
    repeated = sorted({name for name in names if names.count(name) > 1})
    assert not repeated, (
        f"two rules are called {repeated[0]!r}: give every rule its own name, so an alert says which fired"
    )


@points(2, hint="Print baseline_daily.max(): each threshold goes between 1.2 and 2 times that day's value "
                "(PSI: 0.1 to 0.25), min_rows between 30 and the smallest normal day, and 'page' only for "
                "errors and latency.")
def test_thresholds_come_from_the_baseline(nb):
    """one rule per metric, thresholds set from the baseline week, a sensible minimum sample and severity"""
    rules = [rule for rule in learner_rules(nb) if isinstance(rule, dict)]
    watched = [rule.get("metric") for rule in rules]
    missing = [metric for metric in METRICS if metric not in watched]
    assert not missing, f"no rule watches {missing}: write one rule for each metric of METRICS"
    repeated = sorted({m for m in watched if watched.count(m) > 1})
    assert not repeated, f"more than one rule watches {repeated[0]!r}: one rule per metric is enough"
    highs, smallest_day = baseline_highs(nb)
    for number, rule in enumerate(rules, 1):
        label, metric, threshold = rule_label(rule, number), rule["metric"], rule["threshold"]
        assert rule["direction"] == "at_least", (
            f"{label} should fire when {metric} is too high: its direction is 'at_least', not {rule['direction']!r}"
        )
        if metric == "psi_words":
            low, high = 0.1, 0.25
            why = "lesson 2's range for a PSI alert"
        else:
            low, high = 1.2 * highs[metric], 2 * highs[metric]
            why = f"1.2 to 2 times the highest normal day of the baseline week, {highs[metric]:.4g}"
        assert low * (1 - 1e-9) <= threshold <= high * (1 + 1e-9), (
            f"{label} fires at {threshold!r}, but its threshold should be between {low:.4g} and {high:.4g} ({why}): "
            + ("lower would fire on normal days" if threshold < low else "higher would miss a real incident")
        )
        assert 30 <= rule["min_rows"] <= smallest_day, (
            f"{label} has min_rows={rule['min_rows']!r}: use at least 30 (a few rows prove nothing) and at most "
            f"{smallest_day}, the smallest normal day, so that every normal day is judged"
        )
        assert rule["severity"] == SEVERITY[metric], (
            f"{label} should have the severity {SEVERITY[metric]!r}, not {rule['severity']!r}: "
            + ("failed calls and slow answers hurt customers now, so they page the on-call person"
               if SEVERITY[metric] == "page" else "it can wait for office hours, so nobody is woken up for it")
        )


@points(1, hint="On a normal week no rule reaches its threshold, so evaluate should return an empty list, [].")
def test_a_quiet_week_raises_nothing(nb):
    """on a new, normal week, evaluate fires nothing (with the check's rules)"""
    reference = shipped(nb, "reference.csv")
    logs = quiet_week()
    assert expected_alerts(CHECK_RULES, logs, reference) == []
    got = alerts_of(nb, CHECK_RULES, logs)
    compare(got, [], "on a new, normal week", logs)


@points(2, hint="Group the log by day (logs['timestamp'].str[:10]); for each day and each rule, compute "
                "daily_value(rule['metric'], rows), compare it with rule['threshold'] in the rule's direction "
                "(>= for 'at_least', <= for 'at_most'), and append one alert dict when it fires.")
def test_catches_a_latency_spike_on_one_day(nb):
    """on a new week where one day is four times slower, evaluate fires exactly the expected alerts"""
    reference, logs = shipped(nb, "reference.csv"), spike_week()
    expected = expected_alerts(CHECK_RULES, logs, reference)
    assert [key(alert) for alert in expected] == [(DAYS[1], "model never unsure"), (DAYS[2], "answers too slow")]
    compare(alerts_of(nb, CHECK_RULES, logs), expected,
            "on a new week where Wednesday's answers are four times slower and on Tuesday the model never says "
            "'unknown' (a rule 'at_most' 0.0 watches for that)", logs)


@points(1, hint="The psi_words metric compares one day's 'words' with the reference: daily_value does it for you, "
                "if you pass it the rows of that day only.")
def test_catches_a_drifted_feature(nb):
    """on a new week where the tickets get three times longer from Friday, the drift rule fires on those days"""
    reference, logs = shipped(nb, "reference.csv"), drift_week()
    expected = expected_alerts(CHECK_RULES, logs, reference)
    assert {day for day, rule in map(key, expected) if rule == "ticket length drift"} == set(DAYS[4:])
    compare(alerts_of(nb, CHECK_RULES, logs), expected,
            "on a new week where tickets are three times longer from Friday", logs)


@points(1, hint="Count the rows of the day with len(rows) and skip the rule when it is below rule['min_rows'] "
                "(a day with exactly min_rows rows is judged).")
def test_a_day_with_too_few_rows_does_not_fire(nb):
    """a rule does not fire on a day with fewer rows than its min_rows, and does on a day with exactly that many"""
    reference, logs = shipped(nb, "reference.csv"), small_day_week()
    expected = expected_alerts(CHECK_RULES, logs, reference)
    assert [key(alert) for alert in expected] == [(DAYS[5], "calls failing")]
    compare(alerts_of(nb, CHECK_RULES, logs), expected,
            "on a new week where Thursday has only 5 rows (all failed and slow: too few to judge) and Saturday "
            "exactly 100 (enough for the rules with min_rows=100, not for the drift rule's 200)", logs)


@points(1, hint="Fire each rule at most once per day: loop over the days, then over the rules, and compute one "
                "value per rule and day.")
def test_no_alert_flood(nb):
    """on a bad day, each rule fires once, not once per hour or per row"""
    logs = spike_week()
    got = alerts_of(nb, CHECK_RULES, logs)
    per_day = {}
    for alert in got:
        per_day[key(alert)] = per_day.get(key(alert), 0) + 1
    for (day, rule), count in sorted(per_day.items()):
        assert count == 1, (
            f"on a new week where Wednesday is slow all day, the rule '{rule}' fired {count} times on {day}: "
            "a rule should fire at most once per day, or the on-call person gets a flood and stops reading"
        )
    assert per_day.get((DAYS[2], "answers too slow")) == 1, (
        f"on a new week where Wednesday ({DAYS[2]}) is four times slower, the rule 'answers too slow' should fire "
        "once that day"
    )


@points(1, hint="alerts = evaluate(rules, this_week)")
def test_alerts_of_this_week(nb):
    """alerts holds what your rules fire on this_week.csv: the slow Wednesday and the unsure Friday"""
    rules = learner_rules(nb)
    reference, logs = shipped(nb, "reference.csv"), shipped(nb, "this_week.csv")
    got = nb.value("alerts")
    assert isinstance(got, list) and all(isinstance(alert, dict) and "day" in alert and "rule" in alert
                                         for alert in got), (
        "alerts should be the list that evaluate(rules, this_week) returns, one dict per alert"
    )
    try:
        expected = expected_alerts(rules, logs, reference)
    except Exception:  # the rules themselves are broken: the first check says how
        raise AssertionError("your rules are not complete yet, so their alerts cannot be checked: "
                             "fix the first check first") from None
    compare(got, expected, "on this_week.csv, with your rules", logs)
    fired = {(day, rule.get("metric")) for day, name in map(key, got)
             for rule in rules if isinstance(rule, dict) and rule.get("name") == name}
    for day, metric, what in [("2024-06-12", "p95_latency_ms", "answers slow from 14:00"),
                              ("2024-06-14", "unknown_share", "a quarter of the tickets unsorted")]:
        assert (day, metric) in fired, f"your {metric} rule should fire on {day} ({what})"
