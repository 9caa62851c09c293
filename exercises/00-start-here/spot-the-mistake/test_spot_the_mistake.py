"""Checks for "Fix the mistake": price_label(product, price) builds a label like "Notebook: 3 euros"."""

from grader import points


@points(2, hint="Read the last line of the error: which two kinds of values does + refuse to join?")
def test_labels_a_whole_number_price(nb):
    """makes the label for a product with a whole-number price"""
    price_label = nb.function("price_label")
    assert price_label("Notebook", 3) == "Notebook: 3 euros", (
        'price_label("Notebook", 3) should give "Notebook: 3 euros"'
    )


@points(1, hint="Use return, not print: the label must be handed back to whoever called the function.")
def test_returns_the_label_instead_of_printing_it(nb):
    """hands the label back with return instead of printing it"""
    price_label = nb.function("price_label")
    result = price_label("Notebook", 3)
    assert result is not None, (
        "price_label gave back None, which usually means it printed the label instead of returning it"
    )
    assert isinstance(result, str), "price_label should give back text (a string)"


@points(1, hint="str() works for any number, with or without decimals.")
def test_labels_a_price_with_decimals(nb):
    """makes the label for a price with decimals, like 2.5"""
    price_label = nb.function("price_label")
    assert price_label("Green tea", 2.5) == "Green tea: 2.5 euros", (
        'price_label("Green tea", 2.5) should give "Green tea: 2.5 euros", keeping the decimals'
    )


@points(1, hint="Use the name price without quotes: \"price\" in quotes is just the word price.")
def test_uses_the_product_and_price_it_is_given(nb):
    """puts the product and price it is given into the label, not fixed words"""
    price_label = nb.function("price_label")
    assert price_label("Desk lamp", 45) == "Desk lamp: 45 euros", (
        'price_label("Desk lamp", 45) should give "Desk lamp: 45 euros": '
        "the label must use the product and price passed in"
    )
