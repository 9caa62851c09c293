"""Checks for the exercise "ab-readout": an A/B test readout as a structure, judged on unseen tests.

The checks build five experiments the learner has never seen (a clear win, a flat one, one with a
broken split, one that breaks a guardrail, one that loses), run the learner's `ab_readout` on each
and compare it with a reference computed here.
"""

from __future__ import annotations

import math
import re
import weakref

import numpy as np
import pandas as pd
from scipy import stats

from grader import NotAttempted, points

GROUPS = ("control", "treatment")
DECISIONS = ("ship", "don't ship", "inconclusive", "investigate")
KEYS = ["users", "conversion", "lift", "ci_95", "p_value", "srm_p_value", "srm", "guardrails",
        "decision", "summary"]
MARGINS = {"refunded": 0.005, "latency_ms": 50}


# -- the unseen experiments ------------------------------------------------------------------
def experiment(seed: int, n: int, rates: tuple[float, float], refunds: tuple[float, float] = (0.02, 0.02),
               latency: tuple[float, float] = (700, 705), treatment_share: float = 0.5,
               tickets: tuple[float, float] | None = None) -> pd.DataFrame:
    """One row per user, drawn with a fixed seed: group, converted, refunded, latency_ms."""
    rng = np.random.default_rng(seed)
    treated = rng.random(n) < treatment_share
    g = treated.astype(int)
    table = pd.DataFrame({
        "user_id": np.arange(1, n + 1),
        "group": np.where(treated, "treatment", "control"),
        "converted": (rng.random(n) < np.array(rates)[g]).astype(int),
        "refunded": (rng.random(n) < np.array(refunds)[g]).astype(int),
        "latency_ms": np.maximum(80, rng.normal(np.array(latency)[g], 180)).round().astype(int),
    })
    if tickets is not None:
        table["support_tickets"] = rng.poisson(np.array(tickets)[g])
    return table


SCENARIOS = {
    "a clear win": (experiment(101, 20000, (0.10, 0.12)), "ship"),
    "a flat test": (experiment(102, 12000, (0.10, 0.10)), "inconclusive"),
    "a broken 50/50 split": (experiment(103, 15000, (0.10, 0.12), treatment_share=0.47), "investigate"),
    "a win that doubles refunds": (experiment(104, 20000, (0.10, 0.12), refunds=(0.02, 0.04)), "don't ship"),
    "a clear loss": (experiment(105, 20000, (0.12, 0.10)), "don't ship"),
}


# -- the reference readout -------------------------------------------------------------------
def reference(table: pd.DataFrame, margins: dict[str, float]) -> dict:
    users = {g: int((table["group"] == g).sum()) for g in GROUPS}
    buyers = {g: int(table.loc[table["group"] == g, "converted"].sum()) for g in GROUPS}
    rate = {g: buyers[g] / users[g] for g in GROUPS}
    lift = rate["treatment"] - rate["control"]
    se = math.sqrt(sum(rate[g] * (1 - rate[g]) / users[g] for g in GROUPS))
    ci = (lift - 1.96 * se, lift + 1.96 * se)
    _, p_value, _, _ = stats.chi2_contingency(
        [[buyers[g], users[g] - buyers[g]] for g in GROUPS], correction=False)
    srm_p = float(stats.chisquare([users["control"], users["treatment"]]).pvalue)
    guardrails = {}
    for column, margin in margins.items():
        means = {g: float(table.loc[table["group"] == g, column].mean()) for g in GROUPS}
        guardrails[column] = {**means, "breached": means["treatment"] - means["control"] > margin}
    result = {"users": users, "conversion": rate, "lift": lift, "ci_95": ci, "p_value": float(p_value),
              "srm_p_value": srm_p, "srm": srm_p < 0.001, "guardrails": guardrails}
    result["decision"] = rule(result)
    return result


def rule(readout: dict) -> str:
    """The decision the readout's own numbers call for, in the order the exercise gives."""
    if readout["srm"]:
        return "investigate"
    if any(g["breached"] for g in readout["guardrails"].values()):
        return "don't ship"
    low, high = readout["ci_95"]
    if low > 0:
        return "ship"
    if high < 0:
        return "don't ship"
    return "inconclusive"


# -- asking the notebook ---------------------------------------------------------------------
_ASKED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # per grading: each table is sent once


def readout_of(nb, name: str, table: pd.DataFrame, margins: dict[str, float] = MARGINS) -> dict:
    """The learner's readout of one experiment, with its shape checked."""
    asked = _ASKED.setdefault(nb, {})
    key = (name, tuple(sorted(margins.items())))
    if key not in asked:
        asked[key] = nb.function("ab_readout")(table, margins)
    result = asked[key]
    if result is Ellipsis:
        raise NotAttempted("`ab_readout` is not written yet")
    assert isinstance(result, dict), (
        f"ab_readout should return a dict, but for {name} it returned {type(result).__name__}")
    missing = [k for k in KEYS if k not in result]
    assert not missing, (
        f"the readout should have the keys {KEYS}; for {name} it has no {', '.join(map(repr, missing))}")
    for key in ("users", "conversion"):
        if hasattr(result[key], "to_dict"):  # a pandas Series by group is a fine answer too
            result[key] = result[key].to_dict()
        assert isinstance(result[key], dict) and sorted(result[key]) == sorted(GROUPS), (
            f'readout["{key}"] should be a dict with the keys "control" and "treatment", '
            f"but it is {result[key]!r}")
    ci = result["ci_95"]
    if hasattr(ci, "tolist"):  # a numpy array of the two ends
        ci = result["ci_95"] = ci.tolist()
    assert isinstance(ci, list | tuple) and len(ci) == 2, (
        f'readout["ci_95"] should be the two ends of the interval, (low, high), but it is {ci!r}')
    assert isinstance(result["guardrails"], dict), (
        'readout["guardrails"] should be a dict: one entry per guardrail column')
    for column in margins:
        entry = result["guardrails"].get(column)
        assert isinstance(entry, dict) and {"control", "treatment", "breached"} <= set(entry), (
            f'readout["guardrails"]["{column}"] should be a dict with "control", "treatment" and '
            f'"breached", but it is {entry!r}. Make one entry for every column in `guardrails`.')
    return result


def near(got: object, expected: float, tol: float) -> bool:
    try:
        return math.isclose(float(got), expected, abs_tol=tol, rel_tol=1e-6)
    except (TypeError, ValueError):
        return False


def points_text(x: float) -> str:
    return f"{x * 100:+.2f} points"


# -- the checks ------------------------------------------------------------------------------
@points(2, hint="Count the rows of each group for the users, and take the mean of `converted` in "
                "each group for its conversion rate (a fraction such as 0.104, not 10.4).")
def test_users_and_conversion_per_group(nb):
    """counts the users and the conversion rate of each group on five tests it has not seen"""
    for name, (table, _) in SCENARIOS.items():
        got, ref = readout_of(nb, name, table), reference(table, MARGINS)
        for g in GROUPS:
            assert got["users"][g] == ref["users"][g], (
                f'for {name}, readout["users"]["{g}"] should be {ref["users"][g]} (the number of rows '
                f'whose group is "{g}"), but it is {got["users"][g]!r}')
            assert near(got["conversion"][g], ref["conversion"][g], 1e-9), (
                f'for {name}, readout["conversion"]["{g}"] should be {ref["conversion"][g]:.5f} '
                f"(converted users divided by users, as a fraction), but it is {got['conversion'][g]!r}")


@points(2, hint="lift = treatment rate - control rate. Its 95% interval is lift ± 1.96 * the "
                "standard error of the difference, sqrt(p_c(1-p_c)/n_c + p_t(1-p_t)/n_t), each "
                "group with its own rate (lesson 3, section 3).")
def test_lift_and_its_95_interval(nb):
    """gives the absolute lift and its 95% confidence interval (each group's own rate)"""
    for name, (table, _) in SCENARIOS.items():
        got, ref = readout_of(nb, name, table), reference(table, MARGINS)
        assert near(got["lift"], ref["lift"], 1e-9), (
            f"for {name}, the lift should be {ref['lift']:.5f} (treatment rate minus control rate, "
            f"{points_text(ref['lift'])}), but it is {got['lift']!r}")
        low, high = got["ci_95"]
        assert near(low, ref["ci_95"][0], 2e-5) and near(high, ref["ci_95"][1], 2e-5), (
            f"for {name}, the 95% interval should run from {ref['ci_95'][0]:.5f} to {ref['ci_95'][1]:.5f}, "
            f"but yours runs from {low!r} to {high!r}")


@points(1, hint="Use the pooled two-proportion z-test of lesson 3 (or scipy's "
                "chi2_contingency with correction=False, which gives the same p-value).")
def test_p_value(nb):
    """gives the two-sided p-value of the two-proportion test"""
    for name, (table, _) in SCENARIOS.items():
        got, ref = readout_of(nb, name, table), reference(table, MARGINS)
        assert near(got["p_value"], ref["p_value"], 1e-9) or (
            ref["p_value"] < 1e-12 and near(got["p_value"], 0.0, 1e-12)), (
            f"for {name}, the p-value should be {ref['p_value']:.6g} (the pooled z-test of lesson 3), "
            f"but it is {got['p_value']!r}")


@points(2, hint="stats.chisquare([users_control, users_treatment]).pvalue compares the split with "
                "50/50; srm is True when that p-value is below 0.001.")
def test_sample_ratio_mismatch(nb):
    """flags the broken 50/50 split (chi-square p < 0.001) and only that one"""
    for name, (table, _) in SCENARIOS.items():
        got, ref = readout_of(nb, name, table), reference(table, MARGINS)
        users = ref["users"]
        binomial = stats.binomtest(users["control"], users["control"] + users["treatment"], 0.5).pvalue
        assert any(near(got["srm_p_value"], expected, max(1e-9, 1e-6 * expected))
                   for expected in (ref["srm_p_value"], binomial)), (
            f"for {name} ({users['control']} control users against {users['treatment']} treatment users), "
            f'readout["srm_p_value"] should be {ref["srm_p_value"]:.6g}, the p-value of '
            f"stats.chisquare([{users['control']}, {users['treatment']}]), but it is {got['srm_p_value']!r}")
        assert got["srm"] is ref["srm"] or got["srm"] == ref["srm"], (
            f"for {name}, the split is {users['control']} against {users['treatment']} "
            f"(p = {ref['srm_p_value']:.3g}), so srm should be {ref['srm']}"
            + (": below 0.001 means the split is broken and the test cannot be trusted"
               if ref["srm"] else ": that is a normal wobble of a fair coin") + f", but it is {got['srm']!r}")


@points(2, hint="For each guardrail column, take its mean in each group; it is breached when "
                "treatment minus control is MORE than the margin given for it in `guardrails`.")
def test_guardrails_per_group(nb):
    """reports each guardrail per group and flags the ones that got worse by more than their margin"""
    tickets = experiment(106, 8000, (0.10, 0.11), tickets=(0.30, 0.45))
    cases = [(name, table, MARGINS) for name, (table, _) in SCENARIOS.items()]
    cases += [("a win that doubles refunds, with a margin of 3 points for refunds",
               SCENARIOS["a win that doubles refunds"][0], {"refunded": 0.03}),
              ("a test with a support_tickets guardrail (margin 0.1 per user)", tickets,
               {"support_tickets": 0.1, "latency_ms": 50})]
    for name, table, margins in cases:
        got, ref = readout_of(nb, name, table, margins), reference(table, margins)
        assert sorted(got["guardrails"]) == sorted(margins), (
            f'for {name}, readout["guardrails"] should have one entry per guardrail given, '
            f"{sorted(margins)}, but it has {sorted(got['guardrails'])}")
        for column, margin in margins.items():
            mine, theirs = got["guardrails"][column], ref["guardrails"][column]
            for g in GROUPS:
                assert near(mine[g], theirs[g], 1e-9), (
                    f'for {name}, guardrails["{column}"]["{g}"] should be {theirs[g]:.5f}, the mean of '
                    f'{column} in the {g} group, but it is {mine[g]!r}')
            change = theirs["treatment"] - theirs["control"]
            assert bool(mine["breached"]) == theirs["breached"], (
                f"for {name}, {column} went from {theirs['control']:.4f} to {theirs['treatment']:.4f} "
                f"(a change of {change:+.4f}) with an allowed margin of {margin}, so breached should be "
                f"{theirs['breached']}, but it is {mine['breached']!r}")


@points(2, hint="Decide in this order: SRM -> \"investigate\"; a guardrail breached -> \"don't ship\"; "
                "interval entirely above 0 -> \"ship\"; entirely below 0 -> \"don't ship\"; "
                "otherwise (it contains 0) -> \"inconclusive\".")
def test_decision_follows_the_readout(nb):
    """the decision is one of the four words and agrees with the readout's own interval, SRM and guardrails"""
    for name, (table, _) in SCENARIOS.items():
        got = readout_of(nb, name, table)
        decision = str(got["decision"]).replace("\u2019", "'")
        assert decision in DECISIONS, (
            f'for {name}, the decision should be one of {list(DECISIONS)}, but it is {got["decision"]!r}')
        low, high = (float(x) for x in got["ci_95"])
        breached = [c for c, g in got["guardrails"].items() if g["breached"]]
        expected = rule(got)
        if got["srm"]:
            why = "your readout says srm is True: the split is broken, so nothing else can be trusted"
        elif breached:
            why = f"your readout says the guardrail {breached[0]} is breached"
        elif low > 0:
            why = f"your interval, {low:+.4f} to {high:+.4f}, lies entirely above 0 and no guardrail is breached"
        elif high < 0:
            why = f"your interval, {low:+.4f} to {high:+.4f}, lies entirely below 0: the change makes things worse"
        else:
            why = f"your interval, {low:+.4f} to {high:+.4f}, straddles 0: the test cannot tell better from worse"
        assert decision == expected, (
            f'for {name}, the decision should be "{expected}" because {why}, but it is "{decision}"')


@points(1, hint="Compute the decision from the numbers (srm, breached, the interval), never by hand "
                "from the notebook's own experiment.")
def test_decisions_on_five_unseen_tests(nb):
    """reaches the right decision on a win, a flat test, a broken split, a guardrail breach and a loss"""
    for name, (table, expected) in SCENARIOS.items():
        decision = str(readout_of(nb, name, table)["decision"]).replace("\u2019", "'")
        assert decision == expected, f'for {name}, the decision should be "{expected}", but it is "{decision}"'


# -- the summary -----------------------------------------------------------------------------
_NUMBER = re.compile(
    r"(?<![\w.])([-+\u2212]?)(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?(?:e[-+]?\d+)?|\.\d+)"
    r"(\s*(?:%|percentage points?|points?|pp\b|pts?\b))?", re.IGNORECASE)
ALWAYS_ALLOWED = (95, 50, 0.05, 0.001, 0.95, 100)


def numbers_in(text: str) -> list[tuple[str, list[tuple[float, float]]]]:
    """Each number written in `text`, with the values it may stand for and how closely (its rounding)."""
    found = []
    for match in _NUMBER.finditer(text):
        sign, digits, unit = match.groups()
        value = float(digits.replace(",", ""))
        value = -value if sign in ("-", "\u2212") else value
        decimals = len(digits.split(".")[1].split("e")[0]) if "." in digits and "e" not in digits.lower() else 0
        tol = 10.0 ** -decimals
        if "e" in digits.lower():
            tol = abs(value) * 0.06 + 1e-300
        meanings = [(value / 100, tol / 100)] if unit else [(value, tol), (value / 100, tol / 100)]
        found.append((match.group(0).strip(), meanings))
    return found


def stands_for(meanings: list[tuple[float, float]], values: list[float]) -> bool:
    return any(abs(abs(m) - abs(v)) <= tol * 1.0001 + 1e-12 for m, tol in meanings for v in values)


@points(2, hint="Build the summary with an f-string from the readout's own values, for example "
                "f\"{decision}: lift {lift * 100:+.1f} points (95% CI {low * 100:+.1f} to {high * 100:+.1f})...\"")
def test_summary_quotes_its_own_numbers(nb):
    """the summary is one sentence with the decision, the lift and its interval, and quotes only readout numbers"""
    for name, (table, _) in SCENARIOS.items():
        got = readout_of(nb, name, table)
        summary = got["summary"]
        assert isinstance(summary, str) and summary.strip(), (
            f'readout["summary"] should be a sentence (text), but for {name} it is {summary!r}')
        assert "\n" not in summary.strip() and len(summary) <= 400, (
            f"the summary should be one sentence of at most 400 characters, but for {name} it is "
            f"{len(summary)} characters long{' and has several lines' if chr(10) in summary.strip() else ''}")
        decision = str(got["decision"]).replace("\u2019", "'")
        plain = summary.replace("\u2019", "'").lower()
        assert decision.lower() in plain or (decision == "don't ship" and "do not ship" in plain), (
            f'for {name}, the summary should say the decision, "{decision}", but it is: {summary!r}')
        low, high = (float(x) for x in got["ci_95"])
        numbers = numbers_in(summary)
        for label, value in (("the lift", float(got["lift"])), ("the low end of the interval", low),
                             ("the high end of the interval", high)):
            assert any(stands_for(meanings, [value]) for _, meanings in numbers), (
                f"for {name}, the summary should quote {label} ({value:+.4f}, or {value * 100:+.2f} "
                f"points), but it does not: {summary!r}")
        values = [float(got[k]) for k in ("lift", "p_value", "srm_p_value")] + [low, high]
        values += [float(v) for k in ("users", "conversion") for v in got[k].values()]
        rates = got["conversion"]
        if float(rates["control"]):
            values.append(float(got["lift"]) / float(rates["control"]))  # the relative lift
        values.append(float(got["users"]["control"]) + float(got["users"]["treatment"]))
        for column, entry in got["guardrails"].items():
            values += [float(entry["control"]), float(entry["treatment"]),
                       float(entry["treatment"]) - float(entry["control"]), float(MARGINS.get(column, 0))]
        values += ALWAYS_ALLOWED
        for text, meanings in numbers:
            assert stands_for(meanings, values), (
                f"for {name}, the summary quotes {text}, but no number of the readout is {text}: "
                f"quote the readout's own values, rounded as you like. The summary: {summary!r}")


@points(1, hint="Read experiment.csv, call ab_readout(experiment, GUARDRAILS), store the result in "
                "`readout`, and print readout[\"summary\"] in the last cell.")
def test_readout_of_the_experiment(nb):
    """`readout` holds the readout of experiment.csv and its summary is printed"""
    table = pd.read_csv(nb.exercise_dir / "experiment.csv")
    readout_of(nb, "experiment.csv", table)  # not attempted while ab_readout is still `...`
    readout = nb.value("readout")
    ref = reference(table, MARGINS)
    assert isinstance(readout, dict) and "decision" in readout and "lift" in readout, (
        "readout should be the dict that ab_readout(experiment, GUARDRAILS) returns")
    assert near(readout["lift"], ref["lift"], 1e-9) and readout["decision"] == ref["decision"], (
        f"for experiment.csv the lift should be {ref['lift']:.5f} and the decision \"{ref['decision']}\", "
        f"but readout says {readout['lift']!r} and {readout['decision']!r}")
    assert str(readout.get("summary", "")).strip() in nb.printed, (
        'the notebook should print readout["summary"] (its last cell: print(readout["summary"]))')
