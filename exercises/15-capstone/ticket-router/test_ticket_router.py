"""Checks for the capstone ticket-router: a clean run, an honest baseline, a model that beats it on the
holdout, and a report.json that matches its schema, with numbers the checks recompute themselves."""

import json

import pandas as pd
import pytest
from sklearn.metrics import f1_score, recall_score

from grader import points

TEAMS = ["account", "billing", "delivery", "technical"]
CRITERIA = ["clear-problem", "honest-baseline", "holdout-once", "mistakes-read", "monitoring-plan", "risks-named"]
FIELDS = {"project": str, "problem": str, "metric": str, "holdout_rows": int, "baseline": dict, "model": dict,
          "recall_by_team": dict, "monitoring": list, "risks": list, "limitations": list, "self_review": dict}
MIN_SCORE, MIN_GAIN = 0.80, 0.30


def data(nb):
    return (pd.read_csv(nb.exercise_dir / "tickets_train.csv"),
            pd.read_csv(nb.exercise_dir / "tickets_holdout.csv"))


def attempted(nb):
    """Every part of the task has been started: otherwise the grader reports 'not attempted'."""
    nb.value("model_score")
    nb.function("written_parts")()
    nb.function("self_review")()


def report_file(nb):
    attempted(nb)
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


def words(text):
    return len(str(text).split())


def learner_predictions(nb, texts):
    got = nb.function("predict")(list(texts))
    assert isinstance(got, list) and len(got) == len(texts), (
        f"predict should return a list with one team per text ({len(texts)} texts)"
    )
    return [str(team) for team in got]


@points(1, hint="Restart the kernel and run all cells: the first cell that raises is the one to fix.")
def test_notebook_runs_clean(nb):
    """the notebook runs from top to bottom without an error"""
    attempted(nb)
    errors = [f"cell {e.cell}: {e.ename}: {e.evalue}" for e in nb.errors]
    assert not errors, f"every cell should run without an error in a fresh kernel; these raised: {errors}"


@points(1, hint="train['team'].mode()[0] is the most common team; return it once per text: [team] * len(texts).")
def test_baseline_predicts_the_most_common_team(nb):
    """baseline_predict gives the most common training team, once per text"""
    train, _ = data(nb)
    expected = train["team"].mode()[0]
    got = nb.function("baseline_predict")(["a", "b", "c"])
    assert list(got) == [expected] * 3, (
        f"for three texts, baseline_predict should return ['{expected}'] * 3: the most common team of the "
        "training data, whatever the text"
    )


@points(1, hint="Clean the input first ('' for None), call model.predict on a list, and return a list of str.")
def test_predict_returns_one_team_per_text(nb):
    """predict returns one of the four team names for every text, even an empty one"""
    attempted(nb)
    texts = ["I was charged twice for my Plus plan", "", "my parcel never came", "reset my password please"]
    got = learner_predictions(nb, texts)
    unknown = [team for team in got if team not in TEAMS]
    assert not unknown, f"predict should only return the team names {TEAMS}, not {unknown}"
    single = learner_predictions(nb, ["the app crashes when I open my profile"])
    assert single[0] in TEAMS, "predict should also work on a list of one text"


@points(2, hint="Cross-validate a TF-IDF + LogisticRegression pipeline on the training tickets (lesson 2), then "
                "train the best one on all of them.")
def test_model_beats_the_baseline_on_the_holdout(nb):
    """the model reaches a macro F1 of at least 0.80 on the holdout, 0.30 above the baseline"""
    attempted(nb)
    train, holdout = data(nb)
    baseline = f1_score(holdout["team"], [train["team"].mode()[0]] * len(holdout), average="macro", zero_division=0)
    score = f1_score(holdout["team"], learner_predictions(nb, holdout["text"]), average="macro", zero_division=0)
    assert score >= MIN_SCORE, (
        f"on the 400 holdout tickets your predict reaches a macro F1 of {score:.3f}; it should reach at least "
        f"{MIN_SCORE:.2f}"
    )
    assert score >= baseline + MIN_GAIN, (
        f"your macro F1, {score:.3f}, should beat the baseline's {baseline:.3f} by at least {MIN_GAIN:.2f}"
    )


@points(2, hint="Build report with every field of the schema table, with the right types, then "
                "Path('report.json').write_text(json.dumps(report, indent=2), encoding='utf-8').")
def test_report_matches_its_schema(nb):
    """report.json has every field of the schema, with the right type"""
    report = report_file(nb)
    missing = [field for field in FIELDS if field not in report]
    assert not missing, f"report.json lacks these fields of the schema: {missing}"
    for field, kind in FIELDS.items():
        value = report[field]
        assert isinstance(value, kind) and not isinstance(value, bool), (
            f"report['{field}'] should be {'a whole number' if kind is int else 'a ' + kind.__name__}, "
            f"not {type(value).__name__}"
        )
    assert report["project"] == "ticket-router" and report["metric"] == "macro_f1", (
        "report['project'] should be \"ticket-router\" and report['metric'] \"macro_f1\""
    )
    for part in ("baseline", "model"):
        assert isinstance(report[part].get("name"), str) and report[part]["name"].strip(), (
            f"report['{part}'] needs a \"name\" (text)"
        )
        score = report[part].get("macro_f1")
        assert isinstance(score, (int, float)) and not isinstance(score, bool), (
            f"report['{part}'] needs a \"macro_f1\" (a number)"
        )
    assert sorted(report["recall_by_team"]) == TEAMS, f"recall_by_team should have one entry per team: {TEAMS}"
    saved = nb.value("report")
    assert json.loads(json.dumps(saved)) == report, (
        "report.json should hold the same report as the `report` variable: write the file after building it"
    )


@points(2, hint="Take every number from a variable: baseline_score, model_score, recall_by_team and len(holdout), "
                "all computed on the holdout with your predict.")
def test_report_numbers_are_honest(nb):
    """the report's scores equal what the checks recompute from your predict and the holdout"""
    report = report_file(nb)
    train, holdout = data(nb)
    predicted = learner_predictions(nb, holdout["text"])
    expected_model = f1_score(holdout["team"], predicted, average="macro", zero_division=0)
    expected_baseline = f1_score(holdout["team"], [train["team"].mode()[0]] * len(holdout), average="macro",
                                 zero_division=0)
    assert report.get("holdout_rows") == len(holdout), f"holdout_rows should be {len(holdout)}, the tickets scored"
    assert report["model"]["macro_f1"] == pytest.approx(expected_model, abs=1e-3), (
        f"the model's macro F1, recomputed from your predict on the holdout, is {expected_model:.4f}; the report "
        f"says {report['model']['macro_f1']}. Compute model_score on the holdout tickets, with your predict"
    )
    assert report["baseline"]["macro_f1"] == pytest.approx(expected_baseline, abs=1e-3), (
        f"the baseline (most common training team) scores {expected_baseline:.4f} macro F1 on the holdout; the "
        f"report says {report['baseline']['macro_f1']}"
    )
    recalls = recall_score(holdout["team"], predicted, labels=TEAMS, average=None, zero_division=0)
    for team, expected in zip(TEAMS, recalls):
        assert report["recall_by_team"].get(team) == pytest.approx(expected, abs=1e-3), (
            f"the holdout recall of {team}, recomputed from your predict, is {expected:.4f}"
        )


@points(1, hint="Write for the support lead: the problem in 25 words or more; at least two risks and two "
                "limitations, each a full sentence of 8 words or more, about your router.")
def test_written_parts_are_complete(nb):
    """the problem, risks and limitations are written out in full sentences"""
    report = report_file(nb)
    assert words(report.get("problem", "")) >= 25, (
        f"the problem statement has {words(report.get('problem', ''))} words; write at least 25: who uses the "
        "router, which decision it changes, and why it matters"
    )
    for field in ("risks", "limitations"):
        items = [str(item) for item in report.get(field, [])]
        assert len(set(items)) >= 2, f"report['{field}'] should list at least two different items"
        short = [item for item in items if words(item) < 8]
        assert not short, f"each item of report['{field}'] should be a sentence of at least 8 words: {short}"


@points(1, hint="Each monitoring rule is a dict such as {\"metric\": \"macro F1 on 100 hand-labelled tickets a "
                "month\", \"threshold\": 0.85, \"owner\": \"support lead\"}.")
def test_monitoring_plan_has_thresholds_and_owners(nb):
    """the monitoring plan has at least two rules, each with a metric, a threshold and an owner"""
    report = report_file(nb)
    rules = report.get("monitoring", [])
    assert len(rules) >= 2, f"report['monitoring'] should have at least two rules, not {len(rules)}"
    for number, rule in enumerate(rules, start=1):
        assert isinstance(rule, dict), f"monitoring rule {number} should be a dict with metric, threshold, owner"
        for key in ("metric", "threshold", "owner"):
            value = rule.get(key)
            assert value is not None and str(value).strip() and not isinstance(value, bool), (
                f"monitoring rule {number} needs a \"{key}\""
            )


@points(1, hint="self_review() returns one entry per rubric id, each {\"met\": True, \"evidence\": \"...\"} with "
                "evidence of 12 words or more that a reader could check.")
def test_self_review_meets_every_criterion(nb):
    """every rubric criterion is reviewed, met, and backed by evidence"""
    report = report_file(nb)
    review = report.get("self_review", {})
    missing = [c for c in CRITERIA if c not in review]
    assert not missing, f"self_review should answer every rubric criterion; missing: {missing}"
    for criterion in CRITERIA:
        answer = review[criterion]
        assert isinstance(answer, dict) and answer.get("met") is True, (
            f"'{criterion}' is not met by your own review: improve that part of the work, then set "
            "\"met\": True"
        )
        assert words(answer.get("evidence", "")) >= 12, (
            f"the evidence for '{criterion}' should say in at least 12 words where a reader can see it is met"
        )
