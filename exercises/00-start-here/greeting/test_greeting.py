"""Checks for the first exercise: a name and a function that greets."""

from grader import points


@points(1, hint="Step 1 only needs your name between quotes, like my_name = \"Ada\".")
def test_my_name_is_text(nb):
    """my_name holds your name as text"""
    my_name = nb.value("my_name")
    assert isinstance(my_name, str), "my_name should be text between quotes, like \"Ada\""
    assert my_name.strip(), "my_name should not be empty: put your name between the quotes"


@points(1, hint="Step 2 needs one line starting with `return` that gives back the text: \"Hello, \", "
                  "then the name, then \"!\". Mind the comma, the space and the exclamation mark.")
def test_greets_grace(nb):
    """greet("Grace") returns "Hello, Grace!\""""
    greet = nb.function("greet")
    assert greet("Grace") == "Hello, Grace!", "greet should return 'Hello, ' + the name + '!'"


@points(1, hint="Build the text from `name`, the name greet is given, not from a name typed into "
                  "the function.")
def test_greets_any_name(nb):
    """greet works for any name, not just one"""
    greet = nb.function("greet")
    for name in ("Ada", "Linus", "María José"):
        assert greet(name) == f"Hello, {name}!", f"greet({name!r}) should return 'Hello, {name}!'"


@points(1, hint="Step 3's cell, print(greet(my_name)), prints what greet returns: once greet and "
                  "my_name are right, run all the cells again and save.")
def test_notebook_prints_greeting(nb):
    """the last cell prints your greeting"""
    my_name = nb.value("my_name")
    assert f"Hello, {my_name}!" in nb.printed, (
        "the notebook should print your greeting: its last cell, print(greet(my_name))"
    )
