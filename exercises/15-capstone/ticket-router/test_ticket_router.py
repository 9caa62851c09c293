"""Checks for the capstone ticket-router: an LLM router compared with a baseline on a clean holdout.

The learner's functions are checked on inputs of the checks' own (near-duplicate pairs, tickets, label
lists). The router's model calls go to a practice server (courselib's LocalLLMServer) that a check starts
in the grader's process and scripts with what "the model" says, so the checks judge the prompt that was
sent and what the router did with valid and invalid answers, never the stand-in's wording. Every number
of report.json is recomputed here from the learner's own recorded predictions (predictions.csv), and the
written parts must quote those numbers; an honest "met": false is accepted where the numbers say so.
"""

import json
import re
import secrets
from contextlib import contextmanager

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import accuracy_score, f1_score, recall_score

from courselib.local_llm import LocalLLMServer
from grader import LearnerError, points

TEAMS = ["account", "billing", "delivery", "technical"]
HUMAN = "human-review"
PRICES = {"input": 0.15, "output": 0.60}                       # the notebook's, dollars per million tokens
BUDGET = {"cost_per_1000_usd": 0.10, "p95_latency_ms": 1000}   # the notebook's
CRITERIA = ["clear-problem", "holdout-clean", "beats-baseline", "within-budget", "mistakes-read",
            "monitoring-plan", "model-card"]
COLUMNS = ["text", "team", "llm", "baseline", "prompt_tokens", "completion_tokens", "latency_ms"]
TICKET = "Since Tuesday the invoice total on my dashboard is wrong and I was charged 40 euros extra"


# -- helpers ---------------------------------------------------------------------------------------
def data(nb):
    return (pd.read_csv(nb.exercise_dir / "tickets_train.csv"),
            pd.read_csv(nb.exercise_dir / "tickets_holdout.csv"))


def normalise(text):
    return " ".join(re.findall(r"[a-z0-9']+", str(text).lower()))


def own_overlap(train_texts, holdout_texts, threshold=0.8):
    """The checks' own overlap finder: the same rule the notebook asks for."""
    train_words = [set(normalise(t).split()) for t in train_texts]
    exact = {normalise(t) for t in train_texts}

    def repeats(text):
        words = set(normalise(text).split())
        return normalise(text) in exact or any(len(words & w) / len(words | w) >= threshold
                                               for w in train_words if words | w)
    return [text for text in holdout_texts if repeats(text)]


def call(nb, name, *args, **kwargs):
    """The learner's function called with args; an error it raises becomes a plain failure."""
    function = nb.function(name)
    try:
        return function(*args, **kwargs)
    except LearnerError as error:
        where = f" at the line `{error.line}`" if error.line else ""
        pytest.fail(f"{name}(...) raised {type(error).__name__}{where}: {str(error)[:300]}")


def scores(truth, predicted):
    recalls = recall_score(truth, predicted, labels=TEAMS, average=None, zero_division=0)
    return {"accuracy": float(accuracy_score(truth, predicted)),
            "macro_f1": float(f1_score(truth, predicted, labels=TEAMS, average="macro", zero_division=0)),
            "recall_by_team": {team: float(r) for team, r in zip(TEAMS, recalls, strict=True)}}


def numbers_in(text):
    """Every number written in text; a percentage also as a fraction (87% -> 87 and 0.87)."""
    found = []
    for number, percent in re.findall(r"(\d+(?:[.,]\d+)?)\s*(%?)", str(text)):
        value = float(number.replace(",", "."))
        found += [value, value / 100] if percent else [value]
    return found


def cites(text, value):
    """Whether text quotes value, rounded as a person would (0.8650 as 0.87, 86.5% or 0.865; 32.4 ms as 32;
    7.4 ms as 7: a quick machine answers in a few milliseconds)."""
    tolerance = max(0.0051, 0.02 * abs(value), 1.0 if abs(value) >= 10 else 0.5 if abs(value) >= 1 else 0)
    return any(abs(number - value) <= tolerance for number in numbers_in(text))


def predictions_file(nb):
    call(nb, "scores", ["billing"], ["billing"])        # not attempted while scores is a placeholder
    path = nb.workdir / "predictions.csv"
    assert path.is_file(), (
        "the notebook should write predictions.csv in its own folder: predictions.to_csv(\"predictions.csv\", "
        "index=False)"
    )
    table = pd.read_csv(path, keep_default_na=False)
    missing = [c for c in COLUMNS if c not in table.columns]
    assert not missing, f"predictions.csv lacks the columns {missing}; it should have {COLUMNS}"
    return table


def measured(table):
    """Everything the report should say, recomputed from the learner's recorded predictions."""
    truth = table["team"].astype(str)
    cost = (table["prompt_tokens"] * PRICES["input"] + table["completion_tokens"] * PRICES["output"]) / 1e6
    return {"llm": scores(truth, table["llm"].astype(str)), "baseline": scores(truth, table["baseline"].astype(str)),
            "cost_per_1000_usd": float(cost.mean() * 1000),
            "p95_latency_ms": float(np.percentile(table["latency_ms"], 95))}


def report_file(nb):
    call(nb, "self_review")                             # not attempted while self_review is a placeholder
    path = nb.workdir / "report.json"
    assert path.is_file(), (
        "the notebook should write report.json in its own folder: "
        "Path(\"report.json\").write_text(json.dumps(report, indent=2), encoding=\"utf-8\")"
    )
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as err:
        pytest.fail(f"report.json is not valid JSON ({err}); write it with json.dumps(report)")
    assert isinstance(report, dict), "report.json should hold one JSON object (a dict), not a list or a value"
    return report


def part(report, *keys):
    """report[keys[0]][keys[1]]...; a missing or mistyped piece becomes a failure that names it."""
    value = report
    for depth, key in enumerate(keys):
        assert isinstance(value, dict) and key in value, (
            f"report.json lacks {'/'.join(keys[:depth + 1])}: build the report as the notebook's last cell shows"
        )
        value = value[key]
    return value


@contextmanager
def scripted_model(nb, replies):
    """A practice model that answers `replies` in order, and a client for it made in the learner's kernel."""
    with LocalLLMServer(replies=replies, api_key=f"check-{secrets.token_hex(8)}") as server:
        nb.run(f"import os\nos.environ.update({server.environment()!r})\n"
               "from courselib.llm import get_client as _course_get_client\n"
               "_course_check_client = _course_get_client(timeout=20, max_retries=0)")
        yield server, nb.value("_course_check_client")


def classify(nb, client, text=TICKET):
    got = call(nb, "classify", client, text)
    assert isinstance(got, dict) and "team" in got, (
        f"classify should return a dict with \"team\", \"prompt_tokens\", \"completion_tokens\" and "
        f"\"latency_ms\"; it returned {got!r:.120}"
    )
    return got


# -- checks ----------------------------------------------------------------------------------------
@points(1, hint="Restart the kernel and run all cells: the first cell that raises is the one to fix.")
def test_notebook_runs_clean(nb):
    """the notebook runs from top to bottom without an error"""
    call(nb, "find_overlap", ["a b"], ["c d"])
    errors = [f"cell {e.cell}: {e.ename}: {e.evalue}" for e in nb.errors]
    assert not errors, f"every cell should run without an error in a fresh kernel; these raised: {errors}"


@points(2, hint="Compare normalise(a) == normalise(b) for exact duplicates; for near ones, "
                "len(A & B) / len(A | B) >= threshold on the two sets of words.")
def test_overlap_finder_catches_exact_and_near_duplicates(nb):
    """find_overlap finds exact duplicates (case, punctuation, spaces aside) and near ones, and nothing else"""
    train = ["Where is my refund for order 7?", "The login page shows a blank screen on my tablet",
             "Please cancel my yearly plan"]
    cases = [
        (["WHERE is my refund  for order 7"], ["WHERE is my refund  for order 7"], "the same text in other case"),
        (["the login page shows a blank screen on my new phone"], [], "9 of 12 different words shared: 0.75"),
        (["The login page shows a blank screen on my tablet today"],
         ["The login page shows a blank screen on my tablet today"], "one word added: 9 of 10 words shared"),
        (["My parcel is late", "please cancel my yearly plan!"], ["please cancel my yearly plan!"],
         "one new ticket and one repeated"),
        ([], [], "an empty holdout"),
    ]
    for holdout, expected, why in cases:
        got = call(nb, "find_overlap", train, holdout)
        assert list(got or []) == expected, (
            f"find_overlap(train, {holdout!r}) should be {expected} ({why}); it returned {got!r:.150}"
        )
    near = "the login page shows a blank screen on my new phone"
    loose = call(nb, "find_overlap", train, [near], threshold=0.7)
    assert list(loose or []) == [near], (
        "with threshold=0.7, a text whose words overlap a training text's by 0.75 (9 shared of 12) is a near "
        "duplicate: "
        "use the threshold argument instead of a fixed 0.8"
    )


@points(1, hint="overlap_rows = len(find_overlap(train['text'], holdout['text'])), with the shipped files.")
def test_shipped_holdout_shares_no_text_with_training(nb):
    """the shipped holdout has no exact or near duplicate of a training ticket, and you measured it"""
    overlap_rows = nb.value("overlap_rows")
    train, holdout = data(nb)
    assert own_overlap(list(train["text"]), list(holdout["text"])) == [], "the shipped files overlap (a course bug)"
    found = call(nb, "find_overlap", list(train["text"]), list(holdout["text"]))
    assert list(found or []) == [], (
        f"your find_overlap says these holdout tickets repeat training ones, yet none does: {list(found)[:3]}"
    )
    assert overlap_rows == 0, (
        f"overlap_rows should count what find_overlap found on the two files (0), not {overlap_rows!r}"
    )


@points(2, hint="The system message names the four teams and shows examples from train (e.g. "
                "train.groupby('team').head(2)); the user message holds the ticket; temperature=0, "
                "response_format=SCHEMA.")
def test_prompt_has_teams_and_training_examples_only(nb):
    """the prompt names every team, shows at least 4 training tickets, no holdout ticket; the API is asked for JSON"""
    messages = call(nb, "build_messages", TICKET)
    assert isinstance(messages, list) and messages and all(isinstance(m, dict) for m in messages), (
        "build_messages should return a list of messages, each {\"role\": ..., \"content\": ...}"
    )
    roles = [m.get("role") for m in messages]
    assert roles[0] == "system" and roles[-1] == "user", (
        f"start with a system message (teams, examples) and end with the user's ticket; the roles are {roles}"
    )
    prompt = normalise(" ".join(str(m.get("content", "")) for m in messages))
    assert normalise(TICKET) in normalise(messages[-1].get("content", "")), "the last message should hold the ticket"
    missing = [team for team in TEAMS if team not in prompt.split()]
    assert not missing, f"the prompt should name every team the model may answer; it lacks {missing}"
    train, holdout = data(nb)
    shown = {t for t in train["text"] if normalise(t) in prompt}
    assert len(shown) >= 4, (
        f"the prompt should show at least 4 tickets from tickets_train.csv as examples; it shows {len(shown)}"
    )
    leaked = [t for t in holdout["text"] if normalise(t) in prompt]
    assert not leaked, f"the prompt shows holdout tickets, which must stay unseen until scoring: {leaked[:2]}"
    with scripted_model(nb, ['{"team": "billing"}']) as (server, client):
        classify(nb, client)
        sent = list(server.requests)
    assert sent and sent[0].get("temperature") == 0, (
        "ask with temperature=0, so that the router gives the same team for the same ticket "
        f"(it sent temperature={sent[0].get('temperature') if sent else None!r})"
    )
    kind = (sent[0].get("response_format") or {}).get("type")
    assert kind in ("json_schema", "json_object"), (
        "ask the API for structured output, not only the prompt: response_format=SCHEMA (the JSON schema of "
        f"Routing); the request had response_format={sent[0].get('response_format')!r}"
    )
    assert normalise(TICKET) in normalise(json.dumps(sent[0].get("messages"))), (
        "classify should send the messages of build_messages(text) for the ticket it was given"
    )


@points(2, hint="Validate with Routing.model_validate_json(content); on a ValidationError ask once more; after two "
                "invalid answers return HUMAN. Add up the usage of every request.")
def test_router_validates_and_asks_again(nb):
    """classify trusts a valid answer, asks once more after an invalid one, then hands over to a person"""
    with scripted_model(nb, ['{"team": "technical"}']) as (server, client):
        one = classify(nb, client)
        asked_once = len(server.requests)
    assert one.get("team") == "technical" and asked_once == 1, (
        "the model answered {\"team\": \"technical\"}, a valid answer: classify should ask once and return "
        f"\"technical\" (even if the words suggest another team); it returned {one.get('team')!r} after "
        f"{asked_once} requests"
    )
    for key in ("prompt_tokens", "completion_tokens"):
        value = one.get(key)
        assert isinstance(value, int) and not isinstance(value, bool) and value > 0, (
            f"classify's \"{key}\" should be the whole number of tokens from reply.usage, not {value!r}"
        )
    latency = one.get("latency_ms")
    assert isinstance(latency, (int, float)) and 0 < latency < 60_000, (
        f"\"latency_ms\" should be the time the request took, in milliseconds (time.perf_counter), not {latency!r}"
    )
    with scripted_model(nb, ['{"team": "sales"}', '{"team": "delivery"}']) as (server, client):
        second = classify(nb, client)
        asked = len(server.requests)
    assert asked == 2 and second.get("team") == "delivery", (
        "the first answer named a team that does not exist (\"sales\") and the second was valid (\"delivery\"): "
        f"classify should ask twice and return \"delivery\"; it sent {asked} request(s) and returned "
        f"{second.get('team')!r}"
    )
    assert second["prompt_tokens"] >= 2 * one["prompt_tokens"], (
        "two requests were made, so prompt_tokens should add up the usage of both (an invalid answer is billed "
        f"too): {second['prompt_tokens']} is less than twice the {one['prompt_tokens']} of one request. (With "
        "client.chat.completions.parse an invalid answer raises before you can read its usage: use create with "
        "response_format=SCHEMA, add reply.usage, then validate with Routing.model_validate_json.)"
    )
    with scripted_model(nb, ["Sure! This one is for billing.", '{"team": "Billing team"}', '{"team": "billing"}']
                        ) as (server, client):
        gave_up = classify(nb, client)
        asked = len(server.requests)
    assert asked == 2 and gave_up.get("team") == HUMAN, (
        "after two invalid answers (chatter, then an unknown team) classify should stop and return HUMAN "
        f"(\"{HUMAN}\") so that a person routes the ticket; it sent {asked} request(s) and returned "
        f"{gave_up.get('team')!r}"
    )


@points(1, hint="baseline_predict cleans None to '' and returns [str(team) for team in baseline_model.predict(...)].")
def test_baseline_routes_every_ticket(nb):
    """baseline_predict gives one known team per text, also for an empty text, and is what predictions.csv holds"""
    texts = ["my card was charged two times", "", "the parcel went to my neighbour", "I can't sign in"]
    got = call(nb, "baseline_predict", texts)
    assert isinstance(got, list) and len(got) == len(texts), (
        f"baseline_predict should return a list with one team per text ({len(texts)} texts), not {got!r:.120}"
    )
    unknown = [team for team in got if team not in TEAMS]
    assert not unknown, f"baseline_predict should only return the team names {TEAMS}, not {unknown}"
    table = predictions_file(nb)
    again = call(nb, "baseline_predict", list(table["text"]))
    assert list(table["baseline"].astype(str)) == [str(t) for t in again], (
        "the baseline column of predictions.csv should be what baseline_predict says for the holdout texts"
    )


@points(1, hint="recall_score(truth, predicted, labels=TEAMS, average=None, zero_division=0) and "
                "f1_score(..., labels=TEAMS, average='macro', zero_division=0); HUMAN is simply not a team.")
def test_scores_match_on_unseen_cases(nb):
    """scores gives the accuracy, macro F1 and recall by team of cases it has not seen, HUMAN counted as wrong"""
    cases = [
        (["billing", "delivery", "account", "technical", "billing", "delivery"],
         ["billing", "billing", "account", HUMAN, "billing", "delivery"]),
        (["account", "account", "technical"], ["account", "technical", "technical"]),
    ]
    for truth, predicted in cases:
        got = call(nb, "scores", truth, predicted)
        expected = scores(truth, predicted)
        assert isinstance(got, dict), f"scores should return a dict, not {got!r:.80}"
        for key in ("accuracy", "macro_f1"):
            assert got.get(key) == pytest.approx(expected[key], abs=1e-3), (
                f"for truth {truth} and predictions {predicted}, {key} should be {expected[key]:.4f}, not "
                f"{got.get(key)!r}"
            )
        recalls = got.get("recall_by_team") or {}
        for team in TEAMS:
            assert recalls.get(team) == pytest.approx(expected["recall_by_team"][team], abs=1e-3), (
                f"for truth {truth} and predictions {predicted}, the recall of {team} should be "
                f"{expected['recall_by_team'][team]:.4f}, not {recalls.get(team)!r}"
            )


@points(1, hint="One row per holdout ticket, in order: predictions = pd.DataFrame({'text': holdout['text'], "
                "'team': holdout['team'], 'llm': ..., 'baseline': ..., 'prompt_tokens': ..., ...}).")
def test_predictions_cover_the_holdout_once(nb):
    """predictions.csv has every holdout ticket once, its true team, both routers' answers, tokens and time"""
    table = predictions_file(nb)
    _, holdout = data(nb)
    assert list(table["text"]) == list(holdout["text"]), (
        f"predictions.csv should have the {len(holdout)} holdout tickets, in the order of tickets_holdout.csv "
        f"(it has {len(table)} rows)"
    )
    assert list(table["team"]) == list(holdout["team"]), "the team column should be the holdout's true team"
    unknown = sorted(set(table["llm"].astype(str)) - set(TEAMS) - {HUMAN})
    assert not unknown, f"the llm column should hold a team or \"{HUMAN}\", not {unknown}"
    for column in ("prompt_tokens", "completion_tokens"):
        values = pd.to_numeric(table[column], errors="coerce")
        assert values.notna().all() and (values >= 0).all() and (values == values.round()).all(), (
            f"{column} should be whole numbers of tokens, from reply.usage"
        )
    assert (pd.to_numeric(table["prompt_tokens"], errors="coerce") > 0).all(), "every ticket's prompt costs tokens"
    latency = pd.to_numeric(table["latency_ms"], errors="coerce")
    assert latency.notna().all() and (latency > 0).all(), "latency_ms should be each ticket's time in milliseconds"
    # The llm column must be what the router said. The notebook ran on the course's stand-in (the grader
    # reaches no other model), which is deterministic at temperature 0: asking it again, through the
    # learner's own classify, must give the same teams. A column copied from the true teams does not.
    texts = [str(text) for text in table["text"]]
    with scripted_model(nb, []) as (_, _client):    # no scripted reply: the stand-in's own rules answer
        nb.run(f"_course_check_texts = {texts!r}")
        try:
            again = nb.eval("[classify(_course_check_client, _t)['team'] for _t in _course_check_texts]")
        except LearnerError as error:
            pytest.fail(f"classify raised {type(error).__name__} when asked again about the holdout tickets: "
                        f"{str(error)[:200]}")
    differ = [text for text, said, now in zip(texts, table["llm"].astype(str), again, strict=True) if said != now]
    assert not differ, (
        f"the llm column of predictions.csv should be what classify answered for each holdout ticket; asked again, "
        f"classify gives another team for {len(differ)} of them, such as {differ[0]!r:.100}. Fill the column "
        "from classify(client, text), never from the true team, and run the whole notebook again"
    )


@points(2, hint="Take every number of the report from scores(...) and the budget computed on the predictions table.")
def test_report_numbers_are_recomputed(nb):
    """the report's scores, cost, p95 latency and budget verdicts equal what the checks recompute"""
    report = report_file(nb)
    table = predictions_file(nb)
    truth = measured(table)
    assert part(report, "holdout_rows") == len(table), f"holdout_rows should be {len(table)}, the tickets scored"
    for router in ("llm", "baseline"):
        for key in ("accuracy", "macro_f1"):
            said, expected = part(report, router, key), truth[router][key]
            assert isinstance(said, (int, float)) and said == pytest.approx(expected, abs=1e-3), (
                f"report['{router}']['{key}'] should be {expected:.4f}, recomputed from predictions.csv, not {said!r}"
            )
        for team in TEAMS:
            said, expected = part(report, router, "recall_by_team", team), truth[router]["recall_by_team"][team]
            assert isinstance(said, (int, float)) and said == pytest.approx(expected, abs=1e-3), (
                f"the {router} recall of {team} should be {expected:.4f}, recomputed from predictions.csv, not {said!r}"
            )
    for line in BUDGET:
        said, expected = part(report, "budget", line, "measured"), truth[line]
        assert isinstance(said, (int, float)) and said == pytest.approx(expected, rel=1e-3, abs=1e-6), (
            f"report['budget']['{line}']['measured'] should be {expected:.4g}, recomputed from predictions.csv "
            f"with PRICES, not {said!r}"
        )
        met = part(report, "budget", line, "met")
        assert met is (expected <= BUDGET[line]), (
            f"{line} measures {expected:.4g} against a budget of {BUDGET[line]}, so \"met\" should be "
            f"{expected <= BUDGET[line]}, not {met!r}"
        )


@points(1, hint="Each rule: {\"metric\": \"p95 latency in ms, daily\", \"threshold\": 1000, \"owner\": "
                "\"engineering lead\"}; one on quality (F1, accuracy) and one on cost or latency.")
def test_monitoring_plan_has_thresholds_and_owners(nb):
    """the monitoring plan's rules each have a metric, a numeric threshold and an owner; quality and cost are watched"""
    report = report_file(nb)
    rules = part(report, "monitoring")
    assert isinstance(rules, list) and len(rules) >= 2, "report['monitoring'] should be a list of at least two rules"
    for number, rule in enumerate(rules, start=1):
        assert isinstance(rule, dict), f"monitoring rule {number} should be a dict with metric, threshold, owner"
        for key in ("metric", "owner"):
            assert isinstance(rule.get(key), str) and rule[key].strip(), f"monitoring rule {number} needs a \"{key}\""
        threshold = rule.get("threshold")
        assert isinstance(threshold, (int, float)) and not isinstance(threshold, bool), (
            f"monitoring rule {number} needs a numeric \"threshold\" (an alert fires when the metric crosses it), "
            f"not {threshold!r}"
        )
    metrics = " ".join(str(rule.get("metric", "")).lower() for rule in rules)
    assert re.search(r"cost|latency|token|p95|\$|dollar|\bms\b", metrics), (
        "one rule should watch cost or latency (for example the p95 latency or the cost per 1,000 tickets)"
    )
    assert re.search(r"f1|accuracy|recall|precision|correct|agree|mistake|misrout|wrong|human", metrics), (
        "one rule should watch quality (for example the macro F1 on tickets hand-labelled each month)"
    )


@points(1, hint="model_card needs intended_use, not_for, data, evaluation and limitations; write the evaluation "
                "with an f-string from llm_scores and baseline_scores.")
def test_model_card_quotes_the_measured_scores(nb):
    """the model card says what the router is for and not for, and quotes both measured macro F1s"""
    report = report_file(nb)
    card = part(report, "model_card")
    assert isinstance(card, dict), "report['model_card'] should be a dict"
    for key in ("intended_use", "not_for", "data", "evaluation"):
        assert isinstance(card.get(key), str) and card[key].strip(), f"the model card needs \"{key}\" (text)"
    limits = card.get("limitations")
    assert isinstance(limits, list) and len({str(x).strip() for x in limits if str(x).strip()}) >= 2, (
        "the model card needs \"limitations\": a list of at least two different ones"
    )
    truth = measured(predictions_file(nb))
    for router, name in (("llm", "the LLM router"), ("baseline", "the baseline")):
        value = truth[router]["macro_f1"]
        assert cites(card["evaluation"], value), (
            f"the model card's evaluation should quote the macro F1 of {name} on the holdout, {value:.2f} "
            f"(recomputed from predictions.csv); it says: {card['evaluation']!r:.200}"
        )


@points(2, hint="For holdout-clean, beats-baseline and within-budget, set \"met\" from your numbers "
                "(overlap_rows == 0, llm_f1 > base_f1, both budget lines met) and put those numbers in the evidence.")
def test_self_review_is_honest_and_quotes_the_numbers(nb):
    """every criterion is reviewed; the measurable ones agree with the numbers and quote them ("not met" is fine)"""
    report = report_file(nb)
    review = part(report, "self_review")
    assert isinstance(review, dict), "report['self_review'] should be a dict: criterion id -> {met, evidence}"
    missing = [c for c in CRITERIA if c not in review]
    assert not missing, f"self_review should answer every rubric criterion; missing: {missing}"
    for criterion in CRITERIA:
        answer = review[criterion]
        assert isinstance(answer, dict) and isinstance(answer.get("met"), bool), (
            f"'{criterion}' needs \"met\": True or False"
        )
        assert isinstance(answer.get("evidence"), str) and answer["evidence"].strip(), (
            f"'{criterion}' needs \"evidence\": where a reader can check your answer"
        )
    truth = measured(predictions_file(nb))
    llm_f1, base_f1 = truth["llm"]["macro_f1"], truth["baseline"]["macro_f1"]
    within = all(truth[line] <= BUDGET[line] for line in BUDGET)
    verdicts = {
        "holdout-clean": (part(report, "overlap_rows") == 0, [0], "the overlap count"),
        "beats-baseline": (llm_f1 > base_f1, [llm_f1, base_f1], f"both macro F1s, {llm_f1:.2f} and {base_f1:.2f}"),
        "within-budget": (within, [truth["cost_per_1000_usd"], truth["p95_latency_ms"]],
                          f"the cost per 1,000 tickets, {truth['cost_per_1000_usd']:.3f}, and the p95 latency, "
                          f"{truth['p95_latency_ms']:.0f} ms"),
    }
    for criterion, (expected, values, what) in verdicts.items():
        met = review[criterion]["met"]
        assert met is expected, (
            f"your review says '{criterion}' is {'met' if met else 'not met'}, but your own numbers say it is "
            f"{'met' if expected else 'not met'}: an honest \"met\": {expected} with its evidence is accepted"
        )
        evidence = review[criterion]["evidence"]
        assert all(cites(evidence, value) for value in values), (
            f"the evidence for '{criterion}' should quote {what} (recomputed from your files); it says: "
            f"{evidence!r:.200}"
        )
