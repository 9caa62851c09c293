"""Checks for the recipe exercise: the Recipe class, its validation and its two methods.

Recipes are created in the learner's kernel; the checks read their attributes and call their
methods through the remote handle that `nb.function("Recipe")(...)` returns.
"""

import pytest

from grader import points

PANCAKES = {"flour": 200, "milk": 300, "egg": 100}


def _refused(Recipe, name, servings, ingredients):
    """Fail with a plain message unless creating this recipe raises ValueError."""
    with pytest.raises(ValueError):
        Recipe(name, servings, ingredients)
        pytest.fail(
            f"Recipe({name!r}, {servings!r}, {ingredients!r}) should raise ValueError, "
            "but the recipe was created"
        )


@points(1, hint="In __init__, store each argument on self: self.servings = servings, and so on.")
def test_stores_name_servings_and_ingredients(nb):
    """stores the name (without surrounding spaces), the servings and the ingredients"""
    Recipe = nb.function("Recipe")
    pancakes = Recipe("  Pancakes ", 4, PANCAKES)
    assert pancakes.name == "Pancakes", 'the name "  Pancakes " should be stored as "Pancakes"'
    assert pancakes.servings == 4, "servings should be stored as given: 4"
    assert pancakes.ingredients == PANCAKES, "the ingredients should be stored as given"


@points(1, hint="sum() adds up numbers; self.ingredients.values() gives the amounts.")
def test_total_grams(nb):
    """total_grams adds up the weight of every ingredient"""
    Recipe = nb.function("Recipe")
    assert Recipe("Pancakes", 4, PANCAKES).total_grams() == 600, (
        "200 g flour + 300 g milk + 100 g egg should give 600"
    )
    assert Recipe("Tea", 1, {"water": 250}).total_grams() == 250, (
        "a recipe with one 250 g ingredient should weigh 250"
    )


@points(2, hint="scaled should build and return Recipe(self.name, servings, new_amounts).")
def test_scaled_gives_a_new_recipe_with_scaled_amounts(nb):
    """scaled(servings) returns a new recipe with every amount scaled"""
    Recipe = nb.function("Recipe")
    pancakes = Recipe("Pancakes", 4, PANCAKES)
    for_six = pancakes.scaled(6)
    assert for_six is not None, "scaled(6) should return a new Recipe; it returned None"
    assert for_six.servings == 6, "the scaled recipe should be for 6 servings"
    assert for_six.name == "Pancakes", "the scaled recipe should keep the name"
    assert for_six.ingredients == {"flour": 300.0, "milk": 450.0, "egg": 150.0}, (
        "for 6 instead of 4 servings, each amount should be multiplied by 1.5"
    )
    for_one = Recipe("Bread", 3, {"flour": 500, "salt": 10}).scaled(1)
    assert for_one.ingredients == pytest.approx({"flour": 166.7, "salt": 3.3}, abs=0.051), (
        "for 1 instead of 3 servings, 500 g should become 166.7 g and 10 g should become 3.3 g "
        "(rounded to 1 decimal place)"
    )
    assert for_one.ingredients == pytest.approx({"flour": 166.7, "salt": 3.3}, abs=1e-9), (
        "for 1 instead of 3 servings the amounts are right but not rounded: 500 g should become "
        "166.7 g, not 166.666..., with round(grams * factor, 1)"
    )


@points(2, hint="Do not change self.ingredients in scaled: build a new dict for the new recipe.")
def test_scaled_leaves_the_original_unchanged(nb):
    """scaled leaves the original recipe unchanged"""
    Recipe = nb.function("Recipe")
    pancakes = Recipe("Pancakes", 4, PANCAKES)
    pancakes.scaled(8)
    assert pancakes.servings == 4, "after scaled(8), the original recipe should still be for 4"
    assert pancakes.ingredients == PANCAKES, (
        "after scaled(8), the original recipe should still have its own amounts"
    )


@points(
    2, hint="Check the arguments at the top of __init__ and raise ValueError before storing them."
)
def test_refuses_a_bad_name_or_servings(nb):
    """refuses an empty name, or servings that are not a whole number of at least 1"""
    Recipe = nb.function("Recipe")
    _refused(Recipe, "", 4, PANCAKES)
    _refused(Recipe, "   ", 4, PANCAKES)
    _refused(Recipe, "Pancakes", 0, PANCAKES)
    _refused(Recipe, "Pancakes", -2, PANCAKES)
    _refused(Recipe, "Pancakes", 2.5, PANCAKES)


@points(
    2,
    hint="An empty dict is falsy (not {} is True); loop over ingredients.items() to check each amount.",
)
def test_refuses_bad_ingredients(nb):
    """refuses a recipe with no ingredients, or an amount of 0 grams or less"""
    Recipe = nb.function("Recipe")
    _refused(Recipe, "Soup", 2, {})
    _refused(Recipe, "Soup", 2, {"water": 500, "salt": 0})
    _refused(Recipe, "Soup", 2, {"water": -5})


@points(1, hint="If scaled creates the new recipe with Recipe(...), __init__ checks it for you.")
def test_scaled_refuses_zero_servings(nb):
    """scaled(0) is refused like any other invalid recipe"""
    Recipe = nb.function("Recipe")
    pancakes = Recipe("Pancakes", 4, PANCAKES)
    with pytest.raises(ValueError):
        result = pancakes.scaled(0)
        pytest.fail(f"scaled(0) should raise ValueError, but it returned {result!r}")
