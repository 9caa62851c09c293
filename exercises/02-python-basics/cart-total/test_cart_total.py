"""Checks for "A shopping-cart total with discounts": cart_total(cart, code="")."""

from grader import points


def item(name, price, quantity):
    return {"name": name, "price": price, "quantity": quantity}


EXAMPLE = [item("Mug", 8.50, 2), item("Tea", 4.25, 3)]  # 29.75


@points(2, hint="Subtotal: add price * quantity for every item, then add 4.90 below 50 euros.")
def test_totals_a_cart_and_adds_shipping(nb):
    """adds up price times quantity and adds 4.90 shipping below 50 euros"""
    cart_total = nb.function("cart_total")
    assert cart_total(EXAMPLE) == 34.65, (
        "the example cart (2 mugs at 8.50 and 3 teas at 4.25) should cost 29.75 + 4.90 shipping = 34.65"
    )


@points(1, hint="\"50 euros or more\" includes 50 itself: compare with < 50 or >= 50, not <= 50.")
def test_ships_free_from_50_euros(nb):
    """ships free from exactly 50 euros, not below"""
    cart_total = nb.function("cart_total")
    assert cart_total([item("Lamp", 25.00, 2)]) == 50, (
        "a cart of exactly 50 euros ships free, so it should cost 50"
    )
    assert cart_total([item("Lamp", 49.99, 1)]) == 54.89, (
        "a cart of 49.99 euros pays shipping, so it should cost 49.99 + 4.90 = 54.89"
    )


@points(1, hint="SAVE10 is 10 % off: multiply the subtotal by 0.9.")
def test_applies_save10(nb):
    """SAVE10 takes 10 % off"""
    cart_total = nb.function("cart_total")
    assert cart_total([item("Headphones", 60.00, 1)], "SAVE10") == 54, (
        "60 euros with SAVE10 is 54, which ships free: it should cost 54"
    )


@points(1, hint="FIVEOFF takes 5 euros off; max(total - 5, 0) keeps it from going below 0.")
def test_applies_fiveoff_but_never_below_zero(nb):
    """FIVEOFF takes 5 euros off, but never below 0"""
    cart_total = nb.function("cart_total")
    assert cart_total([item("Notebook", 6.00, 2)], "FIVEOFF") == 11.9, (
        "12 euros with FIVEOFF is 7, plus 4.90 shipping: it should cost 11.90"
    )
    assert cart_total([item("Sticker", 1.50, 2)], "FIVEOFF") == 4.9, (
        "3 euros with FIVEOFF goes down to 0, not below, plus 4.90 shipping: it should cost 4.90"
    )


@points(1, hint="Decide shipping after the discount: compare the discounted total with 50.")
def test_decides_shipping_after_the_discount(nb):
    """decides shipping on the total after the discount"""
    cart_total = nb.function("cart_total")
    assert cart_total([item("Backpack", 55.00, 1)], "SAVE10") == 54.4, (
        "55 euros with SAVE10 is 49.50, below 50 after the discount, so shipping is added: "
        "it should cost 54.40"
    )


@points(1, hint="Normalise the code before comparing: code.strip().upper().")
def test_accepts_codes_in_any_case_and_with_spaces(nb):
    """accepts " save10 " and "FiveOff" like SAVE10 and FIVEOFF"""
    cart_total = nb.function("cart_total")
    assert cart_total([item("Headphones", 60.00, 1)], " save10 ") == 54, (
        "\" save10 \" should count as SAVE10: 60 euros should cost 54"
    )
    assert cart_total([item("Notebook", 6.00, 2)], "FiveOff") == 11.9, (
        "\"FiveOff\" should count as FIVEOFF: 12 euros should cost 11.90"
    )


@points(1, hint="A code that is neither SAVE10 nor FIVEOFF gives no discount.")
def test_ignores_unknown_codes(nb):
    """gives no discount for an unknown code"""
    cart_total = nb.function("cart_total")
    assert cart_total([item("Notebook", 10.00, 2)], "FREESTUFF") == 24.9, (
        "an unknown code gives no discount: 20 euros plus 4.90 shipping should cost 24.90"
    )


@points(1, hint="Check for an empty cart first, and return 0 before adding shipping.")
def test_an_empty_cart_costs_nothing(nb):
    """an empty cart costs 0, with or without a code"""
    cart_total = nb.function("cart_total")
    assert cart_total([]) == 0, "an empty cart should cost 0: there is nothing to ship"
    assert cart_total([], "SAVE10") == 0, "an empty cart should cost 0 with a code too"


@points(1, hint="Round once, at the end: round(total, 2).")
def test_rounds_to_cents(nb):
    """rounds the total to cents"""
    cart_total = nb.function("cart_total")
    assert cart_total([item("Pen", 1.10, 3)]) == 8.2, (
        "3 pens at 1.10 plus 4.90 shipping should cost 8.20: round the total to 2 decimals"
    )
