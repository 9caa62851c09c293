"""Similarity on planted copies: renamed, re-split, reordered and re-commented copies rank first,
independent correct answers are not flagged, and the starter's code never counts."""

from __future__ import annotations

from pathlib import Path

import nbformat

from grader.batch.similarity import notebook_code, similar_pairs
from tests.batch.conftest import SOLUTION, STARTER
from tests.conftest import write_nb

STATS_STARTER = [
    "readings = [12.5, 14.0, 9.5, 17.25, 11.0, 15.5, 8.75]",
    'def average(values):\n    """The mean of `values`."""\n    ...',
    'def warm_days(values, limit):\n    """How many values are above `limit`."""\n    ...',
    'def describe(values):\n    """A line such as \'mean 12.6, 3 warm days, range 8.75 to 17.25\'."""\n    ...',
    "print(describe(readings))",
]

# Ada's answer, the one that gets copied.
ADA = [
    STATS_STARTER[0],
    "def average(values):\n    total = 0\n    count = 0\n    for v in values:\n        total = total + v\n"
    "        count = count + 1\n    if count == 0:\n        return 0.0\n    return total / count",
    "def warm_days(values, limit):\n    warm = [v for v in values if v > limit]\n    return len(warm)",
    "def describe(values):\n    low = min(values)\n    high = max(values)\n    mean = round(average(values), 1)\n"
    "    warm = warm_days(values, mean)\n    spread = high - low\n"
    "    return f'mean {mean}, {warm} warm days, range {low} to {high} (spread {spread})'",
    STATS_STARTER[4],
]
# Copies: renamed variables and changed comments; cells re-split and reordered.
RENAMED = [
    STATS_STARTER[0],
    "# my own average\ndef average(values):\n    acc = 0\n    n = 0\n    for item in values:  # add them up\n"
    "        acc = acc + item\n        n = n + 1\n    if n == 0:\n        return 0.0\n    return acc / n",
    "def warm_days(values, limit):\n    hot = [t for t in values if t > limit]  # keep the warm ones\n"
    "    return len(hot)",
    "def describe(values):\n    smallest = min(values)\n    biggest = max(values)\n"
    "    m = round(average(values), 1)\n    hot = warm_days(values, m)\n    gap = biggest - smallest\n"
    "    return f'mean {m}, {hot} warm days, range {smallest} to {biggest} (spread {gap})'",
    STATS_STARTER[4],
]
RESPLIT = [
    STATS_STARTER[0],
    "def warm_days(values, limit):\n    warm = [v for v in values if v > limit]\n\n    return len(warm)",
    "def describe(values):\n    low = min(values)\n    high = max(values)",  # a broken half: the copy was cut
    "def describe(values):\n    low = min(values)\n    high = max(values)\n    mean = round(average(values), 1)\n"
    "    warm = warm_days(values, mean)\n    spread = high - low\n"
    "    return f'mean {mean}, {warm} warm days, range {low} to {high} (spread {spread})'",
    "def average(values):\n    total = 0\n    count = 0\n    for v in values:\n        total = total + v\n"
    "        count = count + 1\n    if count == 0:\n        return 0.0\n    return total / count",
    STATS_STARTER[4],
]
# Independent correct answers, each written its own way.
INDEPENDENT = {
    "bo": [
        STATS_STARTER[0],
        "def average(values):\n    return sum(values) / len(values) if values else 0.0",
        "def warm_days(values, limit):\n    return sum(1 for value in values if value > limit)",
        "def describe(values):\n    m = round(average(values), 1)\n"
        "    return 'mean ' + str(m) + ', ' + str(warm_days(values, m)) + ' warm days, range ' "
        "+ str(min(values)) + ' to ' + str(max(values))",
        STATS_STARTER[4],
    ],
    "cy": [
        STATS_STARTER[0],
        "import statistics\n\ndef average(values):\n    if not values:\n        return 0.0\n"
        "    return statistics.mean(values)",
        "def warm_days(values, limit):\n    count = 0\n    for reading in values:\n        if reading > limit:\n"
        "            count += 1\n    return count",
        "def describe(values):\n    ordered = sorted(values)\n    mean = round(average(ordered), 1)\n"
        "    return 'mean {}, {} warm days, range {} to {}'.format(mean, warm_days(ordered, mean), ordered[0], "
        "ordered[-1])",
        STATS_STARTER[4],
    ],
    "dee": [
        STATS_STARTER[0],
        "def average(values):\n    try:\n        return sum(values) / len(values)\n    except ZeroDivisionError:\n"
        "        return 0.0",
        "def warm_days(values, limit):\n    return len(list(filter(lambda x: x > limit, values)))",
        "def describe(values):\n    mean = round(average(values), 1)\n    low, high = min(values), max(values)\n"
        "    days = warm_days(values, mean)\n    return f'mean {mean}, {days} warm days, range {low} to {high}'",
        STATS_STARTER[4],
    ],
}


# Gil wrote his own, but took Ada's describe: alike, less than the copies.
BORROWED = [
    STATS_STARTER[0],
    "def average(values):\n    n = len(values)\n    return sum(values) / n if n else 0.0",
    "def warm_days(values, limit):\n    above = 0\n    for x in values:\n        above += x > limit\n    return above",
    ADA[3],
    STATS_STARTER[4],
]


def codes_of(notebooks: dict[str, list[str]], tmp_path: Path) -> dict[str, str]:
    """Each learner's cells written as a real notebook, then read back as the batch reads it."""
    return {
        who: notebook_code(write_nb(cells, tmp_path / who / "stats.ipynb").read_bytes())
        for who, cells in notebooks.items()
    }


def starter_code(tmp_path: Path) -> str:
    return notebook_code(write_nb(STATS_STARTER, tmp_path / "starter.ipynb").read_bytes())


def test_when_copies_are_disguised_then_they_rank_first_and_independent_answers_are_not_flagged(tmp_path: Path):
    codes = codes_of({"ada": ADA, "eli": RENAMED, "fox": RESPLIT, **INDEPENDENT}, tmp_path)
    pairs = similar_pairs("stats", codes, starter_code(tmp_path))
    flagged = [{p.first, p.second} for p in pairs]
    assert flagged[:3] and all(pair <= {"ada", "eli", "fox"} for pair in flagged[:3]), flagged
    assert sorted(map(sorted, flagged)) == [["ada", "eli"], ["ada", "fox"], ["eli", "fox"]]
    assert all(p.similarity >= 0.8 for p in pairs)


def test_when_one_learner_borrowed_a_part_then_the_whole_copies_still_rank_above_him(tmp_path: Path):
    codes = codes_of({"ada": ADA, "eli": RENAMED, "fox": RESPLIT, "gil": BORROWED, **INDEPENDENT}, tmp_path)
    ranked = [{p.first, p.second} for p in similar_pairs("stats", codes, starter_code(tmp_path))]
    assert {"ada", "gil"} in ranked[3:]  # the borrowing shows, below the copies
    assert all(pair <= {"ada", "eli", "fox"} for pair in ranked[:3])


def test_when_a_pair_is_flagged_then_the_shared_code_is_marked_in_both_and_the_starter_is_not(tmp_path: Path):
    codes = codes_of({"ada": ADA, "eli": RENAMED}, tmp_path)
    [pair] = similar_pairs("stats", codes, starter_code(tmp_path))
    assert "<mark>" in pair.first_html and "<mark>" in pair.second_html
    assert "for item in values" in pair.second_html.replace("</mark>", "").replace("<mark>", "")
    readings_line = next(line for line in pair.first_html.splitlines() if "readings =" in line)
    assert readings_line.startswith("readings = [12.5, 14.0")  # the starter's code is no evidence (a match
    # may only reach into its end, where it runs into the learner's own code)
    assert "&#39;" in pair.first_html or "&quot;" in pair.first_html or "'" not in pair.first_html  # escaped


def test_when_answers_only_differ_from_the_starter_by_a_short_answer_then_no_pair_is_flagged(tmp_path: Path):
    """`greeting` has one right line: several learners writing it alike is not copying."""
    solution = nbformat.read(SOLUTION, as_version=4)
    variants = {
        "ada": {},
        "bo": {'"Ada"': '"Bo"'},
        "cy": {'f"Hello, {name}!"': '"Hello, " + name + "!"'},
        "dee": {'f"Hello, {name}!"': '"Hello, {}!".format(name)', '"Ada"': '"Dee"'},
    }
    codes = {}
    for who, edits in variants.items():
        for cell in solution.cells:
            for old, new in edits.items():
                cell.source = cell.source.replace(old, new)
        codes[who] = notebook_code(nbformat.writes(solution).encode())
        solution = nbformat.read(SOLUTION, as_version=4)
    assert similar_pairs("greeting", codes, notebook_code(STARTER.read_bytes())) == []
