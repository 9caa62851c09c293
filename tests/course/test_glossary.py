"""The glossary defines every term the lessons rely on, and the list of those terms cannot rot.

REQUIRED names each term with the lesson that relies on it. The test fails when a term has no
entry in docs/glossary.md, and when the lesson named beside it no longer uses the term (a lesson
renamed or rewritten: move the term to the lesson that uses it now, or drop it).
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from tests.conftest import REPO

GLOSSARY = REPO / "docs" / "glossary.md"
LESSONS = REPO / "docs" / "modules"

# term (as the glossary names it, case aside) -> the lesson that relies on it
REQUIRED = {
    "kernel": "01-jupyter/01-cells-and-kernels.ipynb",
    "hidden state": "01-jupyter/02-restart-and-run-all.ipynb",
    "seed": "01-jupyter/02-restart-and-run-all.ipynb",
    "traceback": "01-jupyter/03-reading-errors.ipynb",
    "relative path": "01-jupyter/04-files-and-paths.ipynb",
    "string": "02-python-basics/01-numbers-and-text.ipynb",
    "f-string": "02-python-basics/01-numbers-and-text.ipynb",
    "list comprehension": "02-python-basics/02-lists-and-loops.ipynb",
    "boolean": "02-python-basics/03-conditions.ipynb",
    "dictionary": "02-python-basics/04-dictionaries.ipynb",
    "function": "03-python-functions/01-functions.ipynb",
    "lambda": "03-python-functions/01-functions.ipynb",
    "**kwargs": "03-python-functions/01-functions.ipynb",
    "method": "03-python-functions/03-classes.ipynb",
    "module": "03-python-functions/04-modules.ipynb",
    "encoding": "04-data-and-apis/01-files-and-csv.ipynb",
    "json": "04-data-and-apis/02-json.ipynb",
    "status code": "04-data-and-apis/03-calling-an-api.ipynb",
    "api key": "04-data-and-apis/03-calling-an-api.ipynb",
    "environment variable": "04-data-and-apis/03-calling-an-api.ipynb",
    "rate limit": "04-data-and-apis/04-pages-and-retries.ipynb",
    "dataframe": "05-pandas/01-select-and-filter.ipynb",
    "series": "05-pandas/01-select-and-filter.ipynb",
    "nan": "05-pandas/03-clean-messy-data.ipynb",
    "join": "05-pandas/04-join-tables.ipynb",
    "median": "06-stats-ab-testing/01-describe-data.ipynb",
    "standard deviation": "06-stats-ab-testing/01-describe-data.ipynb",
    "conversion rate": "06-stats-ab-testing/01-describe-data.ipynb",
    "standard error": "06-stats-ab-testing/02-uncertainty-and-bootstrap.ipynb",
    "confidence interval": "06-stats-ab-testing/02-uncertainty-and-bootstrap.ipynb",
    "bootstrap": "06-stats-ab-testing/02-uncertainty-and-bootstrap.ipynb",
    "a/b test": "06-stats-ab-testing/03-ab-test-design-and-reading.ipynb",
    "sample ratio mismatch": "06-stats-ab-testing/03-ab-test-design-and-reading.ipynb",
    "p-value": "06-stats-ab-testing/03-ab-test-design-and-reading.ipynb",
    "significance level": "06-stats-ab-testing/04-sizing-and-peeking.ipynb",
    "minimum detectable effect": "06-stats-ab-testing/04-sizing-and-peeking.ipynb",
    "peeking": "06-stats-ab-testing/04-sizing-and-peeking.ipynb",
    "feature": "07-ml-scikit-learn/01-your-first-model.ipynb",
    "target": "07-ml-scikit-learn/01-your-first-model.ipynb",
    "baseline": "07-ml-scikit-learn/01-your-first-model.ipynb",
    "classification": "07-ml-scikit-learn/01-your-first-model.ipynb",
    "accuracy": "07-ml-scikit-learn/01-your-first-model.ipynb",
    "decision tree": "07-ml-scikit-learn/01-your-first-model.ipynb",
    "overfitting": "07-ml-scikit-learn/02-honest-splits.ipynb",
    "data leakage": "07-ml-scikit-learn/03-pipelines-and-leakage.ipynb",
    "scaling": "07-ml-scikit-learn/03-pipelines-and-leakage.ipynb",
    "pipeline": "07-ml-scikit-learn/03-pipelines-and-leakage.ipynb",
    "one-hot encoding": "07-ml-scikit-learn/04-mixed-data.ipynb",
    "logistic regression": "07-ml-scikit-learn/04-mixed-data.ipynb",
    "log-odds": "07-ml-scikit-learn/04-mixed-data.ipynb",
    "random forest": "07-ml-scikit-learn/04-mixed-data.ipynb",
    "confusion matrix": "08-evaluation-metrics/01-beyond-accuracy.ipynb",
    "precision and recall": "08-evaluation-metrics/01-beyond-accuracy.ipynb",
    "false positive": "08-evaluation-metrics/01-beyond-accuracy.ipynb",
    "f1": "08-evaluation-metrics/01-beyond-accuracy.ipynb",
    "cross-validation": "08-evaluation-metrics/02-cross-validation.ipynb",
    "roc auc": "08-evaluation-metrics/02-cross-validation.ipynb",
    "threshold": "08-evaluation-metrics/03-thresholds-and-costs.ipynb",
    "business metric": "08-evaluation-metrics/04-goals-to-metrics.ipynb",
    "token": "09-prompts-and-llm-apps/01-calling-a-model.ipynb",
    "hallucination": "09-prompts-and-llm-apps/01-calling-a-model.ipynb",
    "prompt": "09-prompts-and-llm-apps/02-writing-prompts.ipynb",
    "system message": "09-prompts-and-llm-apps/02-writing-prompts.ipynb",
    "temperature": "09-prompts-and-llm-apps/02-writing-prompts.ipynb",
    "json schema": "09-prompts-and-llm-apps/03-structured-output.ipynb",
    "golden set": "10-llm-evaluation/01-golden-sets-and-metrics.ipynb",
    "rubric": "10-llm-evaluation/02-rubrics-and-llm-judges.ipynb",
    "position bias": "10-llm-evaluation/02-rubrics-and-llm-judges.ipynb",
    "regression test": "10-llm-evaluation/03-regression-tests-and-review.ipynb",
    "stratified sample": "10-llm-evaluation/03-regression-tests-and-review.ipynb",
    "latency": "10-llm-evaluation/04-cost-and-latency.ipynb",
    "p95": "10-llm-evaluation/04-cost-and-latency.ipynb",
    "retrieval": "11-retrieval-and-agents/01-search-chunks-and-embeddings.ipynb",
    "chunk": "11-retrieval-and-agents/01-search-chunks-and-embeddings.ipynb",
    "embedding": "11-retrieval-and-agents/01-search-chunks-and-embeddings.ipynb",
    "tf-idf": "11-retrieval-and-agents/01-search-chunks-and-embeddings.ipynb",
    "grounded answer": "11-retrieval-and-agents/02-grounded-answers.ipynb",
    "citation": "11-retrieval-and-agents/02-grounded-answers.ipynb",
    "tool call": "11-retrieval-and-agents/03-tools-and-agents.ipynb",
    "agent": "11-retrieval-and-agents/03-tools-and-agents.ipynb",
    "prompt injection": "11-retrieval-and-agents/04-guardrails-and-prompt-injection.ipynb",
    "guardrail": "11-retrieval-and-agents/04-guardrails-and-prompt-injection.ipynb",
    "endpoint": "12-prototyping/03-serving-with-fastapi.ipynb",
    "decorator": "12-prototyping/03-serving-with-fastapi.ipynb",
    "prediction log": "13-monitoring-drift/01-logging-predictions.ipynb",
    "drift": "13-monitoring-drift/02-data-drift-psi.ipynb",
    "psi": "13-monitoring-drift/02-data-drift-psi.ipynb",
    "concept drift": "13-monitoring-drift/03-prediction-drift-and-alerts.ipynb",
    "mean absolute error": "13-monitoring-drift/03-prediction-drift-and-alerts.ipynb",
    "demographic parity": "14-responsible-ai/01-measuring-fairness.ipynb",
    "equal opportunity": "14-responsible-ai/01-measuring-fairness.ipynb",
    "equalized odds": "14-responsible-ai/01-measuring-fairness.ipynb",
    "base rate": "14-responsible-ai/01-measuring-fairness.ipynb",
    "permutation importance": "14-responsible-ai/02-explaining-a-model.ipynb",
    "personal data": "14-responsible-ai/03-privacy-and-pii.ipynb",
    "regular expression": "14-responsible-ai/03-privacy-and-pii.ipynb",
    "model card": "14-responsible-ai/04-model-cards.ipynb",
    "holdout set": "15-capstone/01-frame-the-project.ipynb",
    "near duplicate": "15-capstone/01-frame-the-project.ipynb",
}


def glossary_terms(text: str) -> list[str]:
    """The terms a glossary defines: Markdown definition lists, a term line then ':   definition'."""
    return [m.group(1).strip() for m in re.finditer(r"(?m)^(\S[^\n]*)\n:   \S", text)]


def mentions(text: str, term: str) -> bool:
    """Whether `text` uses `term` as a word of its own (any case, a plural 's' or 'es' allowed)."""
    return re.search(rf"(?<![\w-]){re.escape(term)}(?:e?s)?(?![\w-])", text, re.IGNORECASE) is not None


def missing_from_glossary(glossary: str, required: dict[str, str]) -> list[str]:
    defined = glossary_terms(glossary)
    return [term for term in required if not any(mentions(name, term) for name in defined)]


def lesson_text(path: Path) -> str:
    return "\n".join(cell.source for cell in nbformat.read(path, as_version=4).cells)


def unused_by_their_lesson(lessons: Path, required: dict[str, str]) -> list[str]:
    problems, texts = [], {}
    for term, lesson in required.items():
        path = lessons / lesson
        if not path.exists():
            problems.append(f"{term!r}: its lesson {lesson} does not exist")
            continue
        if lesson not in texts:
            texts[lesson] = lesson_text(path)
        if not mentions(texts[lesson], term):
            problems.append(f"{term!r}: {lesson} never uses it")
    return problems


def test_every_required_term_is_in_the_glossary():
    missing = missing_from_glossary(GLOSSARY.read_text(encoding="utf-8"), REQUIRED)
    assert not missing, (
        "The lessons rely on these terms, but docs/glossary.md does not define them (add an "
        "entry, 'Term' then ':   definition', where the course first meets it): " + ", ".join(missing)
    )


def test_every_required_term_is_used_by_the_lesson_named_beside_it():
    problems = unused_by_their_lesson(LESSONS, REQUIRED)
    assert not problems, (
        "REQUIRED in this test names lessons that do not use the term (move it to the lesson "
        "that relies on it now, or drop it):\n" + "\n".join(problems)
    )


def test_every_glossary_entry_has_a_definition():
    text = GLOSSARY.read_text(encoding="utf-8")
    terms = glossary_terms(text)
    assert len(terms) == len(set(t.lower() for t in terms)), "a term is defined twice in the glossary"
    assert len(terms) >= len(REQUIRED) // 2


@pytest.mark.parametrize(
    "glossary, lesson, expected",
    [
        ("Token\n:   A unit.\n", "tokens cost money", []),
        ("Prompt\n:   What you send.\n", "tokens cost money", ["token"]),
        ("Token\n:\n", "tokens cost money", ["token"]),  # a term without a definition does not count
    ],
)
def test_the_checks_catch_a_missing_term_and_a_term_no_lesson_uses(tmp_path: Path, glossary, lesson, expected):
    assert missing_from_glossary(glossary, {"token": "01-x/01-a.ipynb"}) == expected
    (tmp_path / "01-x").mkdir()
    nbformat.write(
        nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(lesson)]), tmp_path / "01-x" / "01-a.ipynb"
    )
    assert unused_by_their_lesson(tmp_path, {"token": "01-x/01-a.ipynb"}) == []
    assert unused_by_their_lesson(tmp_path, {"embedding": "01-x/01-a.ipynb"}) == [
        "'embedding': 01-x/01-a.ipynb never uses it"
    ]
    assert unused_by_their_lesson(tmp_path, {"token": "01-x/02-gone.ipynb"}) == [
        "'token': its lesson 01-x/02-gone.ipynb does not exist"
    ]
