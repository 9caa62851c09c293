"""report.html: one static page an instructor opens after a batch, offline (no script, font or CDN).

Plots are drawn with matplotlib's Agg backend (a Figure, never pyplot's global state) and embedded
as base64 PNG, so the page is one file that can be mailed or archived.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from typing import Any

from jinja2 import Environment

from grader.batch.gradebook import Gradebook
from grader.batch.insight import CheckRate, check_rates, common_failures, scores, stuck_learners, timings
from grader.batch.similarity import SimilarPair

SLOWEST = 10
PAIRS_SHOWN = 40  # each carries two notebooks' code: a cohort sharing one answer must not bloat the page

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Batch report: {{ learners }} learners</title>
<style>
body { font: 15px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 72rem; padding: 0 1rem; color: #222; }
h1, h2, h3 { line-height: 1.2; } h2 { margin-top: 2.5rem; border-bottom: 2px solid #ddd; }
table { border-collapse: collapse; margin: 1rem 0; } td, th { border: 1px solid #ccc; padding: .3rem .6rem;
  text-align: left; vertical-align: top; } th { background: #f3f3f3; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.plots { display: flex; flex-wrap: wrap; gap: 1rem; } img { max-width: 100%; }
.pair { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 1rem; }
pre { background: #f7f7f7; padding: .6rem; overflow-x: auto; font-size: 13px; }
mark { background: #ffd54f; } .low { color: #b00020; font-weight: 600; } .muted { color: #666; }
</style></head><body>
<h1>Batch report</h1>
<p>{{ learners }} learners, {{ notebooks }} notebooks, {{ book.exercises|length }} exercises.
Grades: <code>gradebook.csv</code>; for your LMS: <code>canvas-grades.csv</code>, <code>moodle-grades.csv</code>.</p>

<h2 id="reteach">What to reteach</h2>
<h3>Pass rate per check</h3>
{% if rates %}<img alt="Pass rate per check" src="data:image/png;base64,{{ rates_png }}">
<table class="rates"><tr><th>exercise</th><th>check</th><th>passed</th><th>pass rate</th></tr>
{% for c in rates %}<tr><td>{{ c.exercise }}</td><td>{{ c.description }}</td>
<td class="num">{{ c.passed }} / {{ c.total }}</td>
<td class="num{% if c.rate < 0.5 %} low{% endif %}">{{ "%.0f"|format(100 * c.rate) }}%</td></tr>
{% endfor %}</table>{% else %}<p class="muted">No check was run.</p>{% endif %}
<h3>Most common failure messages</h3>
{% if failures %}<table class="failures">
<tr><th>learners</th><th>exercise</th><th>check</th><th>message</th><th>who</th></tr>
{% for f in failures %}<tr><td class="num">{{ f.learners|length }}</td><td>{{ f.exercise }}</td><td>{{ f.check }}</td>
<td>{{ f.message }}</td><td>{{ f.learners|join(", ") }}</td></tr>
{% endfor %}</table>{% else %}<p class="muted">No check failed.</p>{% endif %}

<h2 id="scores">Score distribution per exercise</h2>
<div class="plots">{% for exercise, png in score_plots %}
<figure><img alt="Scores in {{ exercise }}" src="data:image/png;base64,{{ png }}">
<figcaption>{{ exercise }}</figcaption></figure>
{% endfor %}</div>

<h2 id="help">Who to help</h2>
{% if stuck %}<table class="stuck"><tr><th>learner</th><th>why</th></tr>
{% for s in stuck %}<tr><td>{{ s.learner }}</td><td>{{ s.reasons|join("; ") }}</td></tr>
{% endfor %}</table>{% else %}<p class="muted">No learner is stuck.</p>{% endif %}

<h2 id="pairs">Pairs to look at</h2>
<p class="muted">Code alike beyond the starter, variable names and comments aside; the shared parts are marked.
Alike is not proof of copying: talk to the learners first.</p>
{% if pairs is none %}<p class="none">Comparing submissions needs copydetect: pip install copydetect,
then run the batch again (nothing is graded twice).</p>{% else %}
{% for p in pairs[:pairs_shown] %}<details class="similar"{% if loop.first %} open{% endif %}>
<summary><strong>{{ p.exercise }}</strong>: {{ p.first }} and {{ p.second }},
{{ "%.0f"|format(100 * p.similarity) }}% alike</summary>
<div class="pair"><div><h4>{{ p.first }}</h4><pre>{{ p.first_html|safe }}</pre></div>
<div><h4>{{ p.second }}</h4><pre>{{ p.second_html|safe }}</pre></div></div></details>
{% else %}<p class="none">No pair of submissions is alike beyond the starter.</p>{% endfor %}
{% if pairs|length > pairs_shown %}<p class="more">And {{ pairs|length - pairs_shown }} more pairs,
less alike or as alike
as the last one shown.</p>{% endif %}{% endif %}

<h2 id="timing">Grading time</h2>
{% if times %}<img alt="Grading time per submission" src="data:image/png;base64,{{ times_png }}">
<h3>Slowest notebooks</h3>
<table class="slowest"><tr><th>learner</th><th>exercise</th><th>notebook</th><th>seconds</th></tr>
{% for t in times[:slowest] %}<tr><td>{{ t.learner }}</td><td>{{ t.exercise }}</td><td>{{ t.notebook }}</td>
<td class="num">{{ "%.1f"|format(t.seconds) }}</td></tr>
{% endfor %}</table>{% endif %}
</body></html>
"""


def render_report(book: Gradebook, pairs: Sequence[SimilarPair] | None) -> str:
    """The page; `pairs` None when similarity could not be computed (copydetect missing)."""
    rates = check_rates(book)
    times = timings(book)
    template = Environment(autoescape=True).from_string(_PAGE)
    return template.render(
        book=book,
        learners=len(book.learners),
        notebooks=len(book.records),
        rates=rates,
        rates_png=_rates_plot(rates) if rates else "",
        failures=common_failures(book),
        stuck=stuck_learners(book),
        pairs=pairs,
        pairs_shown=PAIRS_SHOWN,
        score_plots=[(e, _scores_plot(scores(book, e), book.max_score(e))) for e in book.exercises],
        times=times,
        times_png=_times_plot([t.seconds for t in times]) if times else "",
        slowest=SLOWEST,
    )


def _figure(width: float, height: float):
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def _png(figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=96)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _scores_plot(values: list[float], max_score: float) -> str:
    figure = _figure(3.6, 2.4)
    axes = figure.add_subplot()
    top = max(max_score, max(values, default=0.0), 1.0)
    # one bar per whole point when there are few, so 3 and 4 out of 4 never share a bar
    bins: Any = [x - 0.5 for x in range(int(top) + 2)] if top <= 20 else 20
    axes.hist(values, bins=bins, color="#3f6fb5", edgecolor="white")
    axes.set_xlabel(f"score out of {max_score:g}")
    axes.set_ylabel("learners")
    axes.yaxis.get_major_locator().set_params(integer=True)
    return _png(figure)


def _rates_plot(rates: list[CheckRate]) -> str:
    figure = _figure(8, 0.9 + 0.32 * len(rates))
    axes = figure.add_subplot()
    labels = [_short(f"{c.exercise}: {c.description}") for c in rates]
    axes.barh(labels, [100 * c.rate for c in rates], color=["#c0392b" if c.rate < 0.5 else "#3f6fb5" for c in rates])
    axes.invert_yaxis()  # the hardest check on top
    axes.set_xlim(0, 100)
    axes.set_xlabel("% of attempts that passed")
    return _png(figure)


def _times_plot(seconds: list[float]) -> str:
    figure = _figure(6, 2.4)
    axes = figure.add_subplot()
    axes.hist(seconds, bins=min(30, max(5, len(seconds) // 3)), color="#3f6fb5", edgecolor="white")
    axes.set_xlabel("seconds to grade one notebook")
    axes.set_ylabel("notebooks")
    return _png(figure)


def _short(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
