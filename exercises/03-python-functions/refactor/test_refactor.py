"""Checks for the refactor exercise: summarize(product, ratings) and the report built with it."""

import re

from grader import LearnerError, points


@points(2, hint="Copy one of the colleague's blocks into the function and rename its variables.")
def test_summarizes_one_product(nb):
    """summarize gives the colleague's summary line for one product"""
    summarize = nb.function("summarize")
    got = summarize("Lamp", [5, 4, 5, 3, 5])
    assert got == "Lamp: 4.4 stars from 5 reviews, 60% five-star", (
        "summarize('Lamp', [5, 4, 5, 3, 5]) should return exactly "
        "'Lamp: 4.4 stars from 5 reviews, 60% five-star'"
    )


@points(1, hint="A function that only prints gives back None: end it with return, not print.")
def test_returns_the_line_instead_of_printing_it(nb):
    """summarize returns the line as text, rather than printing it"""
    summarize = nb.function("summarize")
    got = summarize("Kettle", [2, 3, 5, 4])
    assert got is not None, (
        "summarize returned None: it should `return` the line (printing it is not enough)"
    )
    assert isinstance(got, str), f"summarize should return text (a str), not {type(got).__name__}"


@points(
    2,
    hint="Use the `ratings` and `product` parameters everywhere inside the function, never ratings_lamp.",
)
def test_works_for_any_product_and_ratings(nb):
    """summarize works for any product name and any list of ratings"""
    summarize = nb.function("summarize")
    cases = {
        ("Desk fan", (1, 1, 2)): "Desk fan: 1.3 stars from 3 reviews, 0% five-star",
        ("Kettle", (2, 3, 5, 4)): "Kettle: 3.5 stars from 4 reviews, 25% five-star",
        ("Mug", (5, 5)): "Mug: 5.0 stars from 2 reviews, 100% five-star",
        ("Chair", (5, 5, 4, 1, 2, 3, 5)): "Chair: 3.6 stars from 7 reviews, 43% five-star",
    }
    for (product, ratings), expected in cases.items():
        got = summarize(product, list(ratings))
        assert got == expected, (
            f"summarize({product!r}, {list(ratings)}) should return {expected!r}"
        )


@points(
    2,
    hint="Check `if not ratings:` (or len(ratings) == 0) first and return early, before dividing.",
)
def test_no_reviews_yet(nb):
    """a product without ratings says "no reviews yet" instead of crashing"""
    summarize = nb.function("summarize")
    got = summarize("Toaster", [])
    assert got == "Toaster: no reviews yet", (
        "summarize('Toaster', []) should return 'Toaster: no reviews yet' "
        "(dividing by len([]) would raise ZeroDivisionError)"
    )


@points(2, hint="report = [summarize(name, ratings) for name, ratings in products.items()]")
def test_report_has_four_correct_lines(nb):
    """report holds the four lines, in order, with the copy-paste bug fixed"""
    report = nb.value("report")
    expected = [
        "Lamp: 4.4 stars from 5 reviews, 60% five-star",
        "Kettle: 3.5 stars from 4 reviews, 25% five-star",
        "Blender: 4.5 stars from 6 reviews, 50% five-star",
        "Toaster: no reviews yet",
    ]
    assert isinstance(report, list), (
        f"report should be a list of lines, not {type(report).__name__}"
    )
    assert len(report) == 4, (
        f"report should have 4 lines (Lamp, Kettle, Blender, Toaster), not {len(report)}"
    )
    assert report == expected, "report should hold the four summary lines, in the order of products"
    # the report's cells again, with a stand-in summarize: the lines must come from summarize
    cells = [c.source for c in nb.cells if c.cell_type == "code" and re.search(r"\breport\b", c.source)
             and not re.search(r"\bdef\s+summarize\b", c.source)]
    if not cells:  # report is built in the cell that defines summarize: nothing to swap
        return
    nb.run("_summarize_kept = summarize\n"
           "def summarize(product, ratings):\n"
           "    return f'<{product}: {len(ratings)}>'")
    try:
        for source in cells:
            nb.run(source)
        traced = nb.value("report")
    except LearnerError as error:
        raise AssertionError(
            f"running the cell that builds report again stopped with {type(error).__name__}: {error}"
        ) from None
    finally:
        nb.run("summarize = _summarize_kept")
        for source in cells:
            nb.run(source)
    made_by_summarize = traced == ["<Lamp: 5>", "<Kettle: 4>", "<Blender: 6>", "<Toaster: 0>"]
    assert made_by_summarize, (
        "report has the right lines, but they do not come from summarize: build report by calling "
        "summarize(name, ratings) for each product, not by typing the lines in"
    )
