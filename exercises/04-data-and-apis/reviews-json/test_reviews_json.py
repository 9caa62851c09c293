"""Checks for the reviews-json exercise: load_reviews, summarize, save_json and summary.json."""

import json
import re

from grader import LearnerError, points

FIRST = {"id": 1, "product": "Lamp", "rating": 5, "text": "Love it. Arrived on time."}
EXPECTED_SUMMARY = {
    "Lamp": {"count": 3, "average": 4.0},
    "Kettle": {"count": 4, "average": 3.5},
    "Blender": {"count": 2, "average": 2.5},
    "Toaster": {"count": 3, "average": 3.67},
}
TRICKY_CSV = (
    "id,product,rating,text\n"
    '21,Lamp,4,"Bright, warm, lovely."\n'
    '22,Kettle,5,"It says ""quiet"" and it is."\n'
    '23,Toaster,3,"Très bien, merci 🍞"\n'
)


def _write(nb, name, text):
    """Write a CSV the learner's function will read; return its path as text."""
    path = nb.workdir / name
    path.write_text(text, encoding="utf-8")
    return str(path)


@points(2, hint="csv.DictReader(file) gives one dict per row; convert id and rating with int().")
def test_loads_the_valid_rows(nb):
    """load_reviews reads the valid rows of reviews.csv, in order"""
    load_reviews = nb.function("load_reviews")
    reviews = load_reviews(str(nb.workdir / "reviews.csv"))
    assert isinstance(reviews, list), f"load_reviews should return a list, not {reviews!r:.80}"
    assert len(reviews) == 12, (
        f"reviews.csv has 12 rows with a valid rating (a whole number from 1 to 5); "
        f"load_reviews returned {len(reviews)}"
    )
    assert reviews[0] == FIRST, f"the first review should be {FIRST}"
    assert [r.get("id") for r in reviews] == [1, 2, 3, 4, 6, 7, 9, 10, 12, 13, 14, 16], (
        "the valid reviews are ids 1, 2, 3, 4, 6, 7, 9, 10, 12, 13, 14 and 16, in file order"
    )


@points(1, hint='Everything a CSV gives you is text: "5" is not 5. Use int(...) on id and rating.')
def test_ids_and_ratings_are_numbers(nb):
    """id and rating are numbers (int), not text"""
    load_reviews = nb.function("load_reviews")
    reviews = load_reviews(str(nb.workdir / "reviews.csv")) or [{}]
    first = reviews[0]
    assert isinstance(first.get("rating"), int), (
        f"rating should be a number like 5, not {first.get('rating')!r}"
    )
    assert isinstance(first.get("id"), int), (
        f"id should be a number like 1, not {first.get('id')!r}"
    )


@points(
    2,
    hint="Strip the rating, then keep the row only if rating.isdigit() and 1 <= int(rating) <= 5.",
)
def test_skips_missing_and_invalid_ratings(nb):
    """skips ratings that are missing, in words, out of range or not whole; accepts " 3 \""""
    load_reviews = nb.function("load_reviews")
    path = _write(
        nb,
        "check_ratings.csv",
        (
            "id,product,rating,text\n"
            "1,Lamp,,empty\n2,Lamp,five,words\n3,Lamp,0,zero\n4,Lamp,6,six\n"
            "5,Lamp,4.5,half\n6,Lamp,-1,negative\n7, Lamp , 3 ,spaces\n8,Lamp,1,one\n"
        ),
    )
    reviews = load_reviews(path)
    assert isinstance(reviews, list), f"load_reviews should return a list, not {reviews!r:.80}"
    kept = [(r.get("id"), r.get("product"), r.get("rating")) for r in reviews]
    assert kept == [(7, "Lamp", 3), (8, "Lamp", 1)], (
        "of ratings '', 'five', '0', '6', '4.5', '-1', ' 3 ' and '1', only ' 3 ' (as 3, with the "
        "product ' Lamp ' as 'Lamp') and '1' should be kept"
    )


@points(1, hint="Do not split lines at commas yourself: csv.DictReader understands quotes.")
def test_keeps_commas_quotes_and_accents(nb):
    """keeps texts with commas, quotes, accents and emoji whole"""
    load_reviews = nb.function("load_reviews")
    reviews = load_reviews(_write(nb, "check_texts.csv", TRICKY_CSV))
    assert isinstance(reviews, list), f"load_reviews should return a list, not {reviews!r:.80}"
    texts = [r.get("text") for r in reviews]
    expected = ["Bright, warm, lovely.", 'It says "quiet" and it is.', "Très bien, merci 🍞"]
    assert texts == expected, "each text should be read whole, with its commas, quotes and accents"


@points(
    2,
    hint="Group the ratings by product in a dict of lists, then make count and average from each list.",
)
def test_summarizes_each_product(nb):
    """summarize gives each product's count and average rating, rounded to 2 decimals"""
    summarize = nb.function("summarize")
    reviews = [
        {"id": 1, "product": "Mug", "rating": 5, "text": ""},
        {"id": 2, "product": "Chair", "rating": 2, "text": ""},
        {"id": 3, "product": "Mug", "rating": 4, "text": ""},
        {"id": 4, "product": "Mug", "rating": 4, "text": ""},
    ]
    expected = {"Mug": {"count": 3, "average": 4.33}, "Chair": {"count": 1, "average": 2.0}}
    assert summarize(reviews) == expected, (
        "Mug has ratings 5, 4, 4 (3 reviews, average 4.33) and Chair one rating of 2"
    )


@points(1, hint="Start from an empty dict; with no reviews, return it without dividing by zero.")
def test_summary_of_no_reviews(nb):
    """summarize of an empty list is an empty dict"""
    summarize = nb.function("summarize")
    assert summarize([]) == {}, "summarize([]) should return {}"


@points(1, hint='with open(path, "w", encoding="utf-8") as file: json.dump(data, file, indent=2)')
def test_save_json_writes_json_that_reads_back(nb):
    """save_json writes a UTF-8 JSON file that reads back equal"""
    save_json = nb.function("save_json")
    data = {"Crème brûlée": {"count": 1, "average": 5.0}, "tags": ["sweet", "🍮"]}
    path = nb.workdir / "check_save.json"
    save_json(data, str(path))
    assert path.exists(), "save_json(data, path) should create the file at path"
    text = path.read_text(encoding="utf-8")
    try:
        again = json.loads(text)
    except ValueError:
        again = None
    assert again == data, f"the file should hold the data as JSON; it holds: {text[:120]!r}"
    assert "\n  " in text, "the JSON should be indented with indent=2, one item per line"


@points(
    2,
    hint='summary = summarize(load_reviews("reviews.csv")), then save_json(summary, "summary.json").',
)
def test_summary_json_is_written(nb):
    """the notebook sets summary and saves it as summary.json"""
    summary = nb.value("summary")
    assert summary == EXPECTED_SUMMARY, (
        "summary should be the summary of the valid rows of reviews.csv"
    )
    path = nb.workdir / "summary.json"
    assert path.exists(), "the notebook should save summary.json next to itself"
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as error:
        saved = f"not valid JSON ({error})"
    assert saved == EXPECTED_SUMMARY, "summary.json should hold the same summary, as JSON"
    # the last cell again on another reviews.csv: summary must be computed, not typed in
    cells = [c.source for c in nb.cells if c.cell_type == "code" and re.search(r"\bsummary\b", c.source)
             and not re.search(r"^\s*def\s", c.source, re.MULTILINE)]
    if not cells:  # summary is set in a cell that also defines a function: nothing safe to rerun
        return
    csv_path = nb.workdir / "reviews.csv"
    original = csv_path.read_bytes()
    try:
        csv_path.write_text("id,product,rating,text\n1,Mug,4,Nice.\n2,Mug,5,Great.\n", encoding="utf-8")
        for source in cells:
            nb.run(source)
        other = nb.value("summary")
    except LearnerError as error:
        raise AssertionError(
            f"with another reviews.csv, the cell that sets summary stopped with "
            f"{type(error).__name__}: {error}"
        ) from None
    finally:
        csv_path.write_bytes(original)
        for source in cells:
            nb.run(source)
    follows_the_file = other == {"Mug": {"count": 2, "average": 4.5}}
    assert follows_the_file, (
        "summary has the right numbers, but it did not change when reviews.csv did: set it with "
        "summarize(load_reviews(\"reviews.csv\")) instead of typing the numbers in"
    )
