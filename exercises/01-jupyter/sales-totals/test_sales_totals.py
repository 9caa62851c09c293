"""Checks for "Sales totals from a file": read_amounts(path) and total_sales(path)."""

from grader import points

WEEK = [3.5, 4.2, 2.8, 12.4, 3.5, 6.9, 2.8, 4.2, 15.75, 3.5,
        8.1, 2.8, 4.2, 3.5, 9.95, 2.8, 5.6, 3.5, 4.2, 7.3]
WEEK_TOTAL = 111.5


def _write(nb, name, text):
    """A sales file the learner has not seen, written beside their notebook; its name."""
    (nb.workdir / name).write_text(text, encoding="utf-8")
    return name


@points(1, hint="Skip the header with lines[1:] and turn each line into a number with float(...).")
def test_reads_the_amounts_of_this_week(nb):
    """read_amounts("sales.txt") gives the 20 amounts as numbers, without the header"""
    read_amounts = nb.function("read_amounts")
    got = read_amounts("sales.txt")
    assert isinstance(got, list), "read_amounts should return a list"
    assert "amount_eur" not in got, "the header line amount_eur is a label, not a sale: skip it"
    assert all(isinstance(x, int | float) for x in got), (
        "each amount should be a number: turn each line into one with float(...)"
    )
    assert got == WEEK, "read_amounts(\"sales.txt\") should give the 20 amounts, in the file's order"


@points(2, hint="Add up the amounts, then round once at the end with round(total, 2).")
def test_totals_this_week_to_the_cent(nb):
    """total_sales("sales.txt") is 111.5 euros"""
    total_sales = nb.function("total_sales")
    assert total_sales("sales.txt") == WEEK_TOTAL, (
        "total_sales(\"sales.txt\") should be 111.5: the sum of the amounts, rounded to cents"
    )


@points(1, hint="Store the result of total_sales(\"sales.txt\") in week_total.")
def test_stores_this_week_in_week_total(nb):
    """week_total holds this week's total, computed by total_sales"""
    assert nb.value("week_total") == WEEK_TOTAL, (
        "week_total should hold total_sales(\"sales.txt\"), which is 111.5"
    )
    total_sales = nb.function("total_sales")
    assert total_sales("sales.txt") == WEEK_TOTAL, (
        "week_total is right, but total_sales(\"sales.txt\") should give it too: "
        "compute week_total with your function rather than typing the number"
    )


@points(1, hint="Use the path your function is given, not \"sales.txt\" and not numbers typed in.")
def test_reads_whichever_file_it_is_given(nb):
    """works on another week's file, not only on sales.txt"""
    total_sales = nb.function("total_sales")
    path = _write(nb, "next_week.txt", "amount_eur\n10.00\n2.50\n7.25\n")
    assert total_sales(path) == 19.75, (
        "for a file with the amounts 10.00, 2.50 and 7.25, total_sales should give 19.75: "
        "read the file at the path you are given"
    )


@points(1, hint="Call .strip() on the whole text before .splitlines(), so empty lines disappear.")
def test_ignores_empty_lines_at_the_end(nb):
    """ignores empty lines at the end of the file"""
    read_amounts = nb.function("read_amounts")
    path = _write(nb, "trailing_lines.txt", "amount_eur\n1.50\n2.25\n\n\n")
    assert read_amounts(path) == [1.5, 2.25], (
        "for a file with 1.50, 2.25 and then two empty lines, read_amounts should give [1.5, 2.25]"
    )


@points(1, hint="With only a header, lines[1:] is an empty list, and the sum of nothing is 0.")
def test_a_file_with_only_a_header_totals_zero(nb):
    """a file with only the header line has no amounts and a total of 0"""
    read_amounts = nb.function("read_amounts")
    total_sales = nb.function("total_sales")
    path = _write(nb, "quiet_week.txt", "amount_eur\n")
    assert read_amounts(path) == [], "a file with only the header should give an empty list, []"
    assert total_sales(path) == 0, "a file with only the header should have a total of 0"


@points(1, hint="0.10 + 0.20 is 0.30000000000000004 for a computer: round(total, 2) fixes it.")
def test_rounds_the_total_to_cents(nb):
    """rounds the total to cents, so 0.10 + 0.20 gives 0.3"""
    total_sales = nb.function("total_sales")
    path = _write(nb, "small_change.txt", "amount_eur\n0.10\n0.20\n")
    assert total_sales(path) == 0.3, (
        "for the amounts 0.10 and 0.20 the total should be 0.3: round the sum to 2 decimals"
    )
