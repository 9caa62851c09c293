"""Pairs of submissions to one exercise whose code is alike beyond the starter, ranked.

Built on copydetect (MIT; the winnowing of Schleimer, Wilkerson and Aiken, as in MOSS): it
tokenizes with pygments and writes every name as V and every string as S before fingerprinting,
so renamed variables, changed comments, blank lines and re-split or reordered cells change
nothing, while fingerprints of the starter's code (boilerplate) are dropped from every notebook.

A pair is flagged when at least `threshold` of one notebook's own code (beyond the starter) is
found in the other, and the shared code is long enough to mean something: a short exercise has
only so many ways to be right, and independent correct answers must not be flagged.
"""

from __future__ import annotations

import io
import itertools
import json
from dataclasses import dataclass
from typing import Any

NOISE = 25  # k: matches shorter than this many filtered characters are ignored
GUARANTEE = 30  # matches this long are always found (window = GUARANTEE - NOISE + 1)
THRESHOLD = 0.33  # share of one notebook's own code found in the other (copydetect's own default)
# Filtered characters in common: identical right answers to a one-line task share ~35; one borrowed
# six-line function ~85 (measured on tests/batch/test_similarity.py's cohorts).
MIN_SHARED = 60
_MARK = ("<mark>", "</mark>")


@dataclass(frozen=True)
class SimilarPair:
    """Two learners' notebooks for one exercise, and the code they share, marked in each."""

    exercise: str
    first: str
    second: str
    similarity: float  # the larger of the two shares: a copy padded with extra code still shows
    shared: int  # filtered characters in common
    first_html: str  # each notebook's code, HTML-escaped, the shared parts in <mark>
    second_html: str


def notebook_code(data: bytes) -> str:
    """A notebook's code cells as one Python text; IPython's %magic and !shell lines become comments."""
    try:
        cells = json.loads(data).get("cells", [])
    except (ValueError, AttributeError):
        return ""
    parts = []
    for cell in cells if isinstance(cells, list) else []:
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            source = cell.get("source", "")
            text = "".join(source) if isinstance(source, list) else str(source)
            parts.append(
                "\n".join("#" + line if line.lstrip()[:1] in ("%", "!") else line for line in text.splitlines())
            )
    return "\n\n".join(parts) + "\n"


def similar_pairs(
    exercise: str, codes: dict[str, str], starter: str = "", threshold: float = THRESHOLD, min_shared: int = MIN_SHARED
) -> list[SimilarPair]:
    """The pairs among `codes` (learner -> code) alike beyond `starter`, most alike first."""
    from copydetect import CodeFingerprint, compare_files

    boilerplate = list(_fingerprint(starter, 1, [], CodeFingerprint).hashes) if starter.strip() else []
    prints = {
        who: _fingerprint(code, GUARANTEE - NOISE + 1, boilerplate, CodeFingerprint)
        for who, code in sorted(codes.items())
    }
    prints = {who: fp for who, fp in prints.items() if fp.hashes}  # the starter alone: nothing to compare
    pairs = []
    for (one, a), (two, b) in itertools.combinations(prints.items(), 2):
        if not a.hashes & b.hashes:  # a set intersection: most pairs of a cohort stop here
            continue
        shared, (sim_a, sim_b), (slices_a, slices_b) = compare_files(a, b)
        if shared < min_shared or max(sim_a, sim_b) < threshold:
            continue
        pairs.append(
            SimilarPair(
                exercise,
                one,
                two,
                float(max(sim_a, sim_b)),
                int(shared),
                _highlight(a.raw_code, slices_a),
                _highlight(b.raw_code, slices_b),
            )
        )
    return sorted(pairs, key=lambda p: (-p.similarity, -p.shared, p.first, p.second))


def _fingerprint(code: str, window: int, boilerplate: list[int], maker: Any) -> Any:
    return maker("notebook.py", NOISE, window, boilerplate=boilerplate, language="python", fp=io.StringIO(code))


def _highlight(code: str, slices: Any) -> str:
    from copydetect.utils import highlight_overlap

    marked, _ = highlight_overlap(code, slices, *_MARK, escape_html=True)
    return str(marked)
