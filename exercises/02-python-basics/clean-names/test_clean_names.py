"""Checks for "Clean a list of names": clean_names(names) -> a new list of tidy names."""

from grader import points


@points(2, hint="For each name: strip the spaces, then .title() it.")
def test_tidies_spaces_and_capitals(nb):
    """removes the spaces around names and capitalises each word"""
    clean_names = nb.function("clean_names")
    assert clean_names(["  ada lovelace", "GRACE HOPPER "]) == ["Ada Lovelace", "Grace Hopper"], (
        "each name should lose the spaces around it and have each word capitalised"
    )


@points(1, hint="\" \".join(name.split()) turns any run of spaces into one.")
def test_turns_runs_of_spaces_into_one(nb):
    """turns several spaces inside a name into one"""
    clean_names = nb.function("clean_names")
    assert clean_names(["alan   turing", "katherine  g  johnson"]) == [
        "Alan Turing", "Katherine G Johnson"
    ], "several spaces between words should become a single space"


@points(1, hint="After cleaning, an empty name is \"\": skip it with if.")
def test_skips_empty_and_blank_entries(nb):
    """skips entries that are empty or only spaces"""
    clean_names = nb.function("clean_names")
    assert clean_names(["", "   ", "linus", "\t"]) == ["Linus"], (
        "empty entries and entries made only of spaces should not be in the result"
    )


@points(1, hint="Check name not in cleaned after cleaning the name, not before.")
def test_keeps_each_name_once_in_first_seen_order(nb):
    """keeps each name once, in the order it first appears, even if it was typed differently"""
    clean_names = nb.function("clean_names")
    got = clean_names(["ada", "Grace", " ADA ", "grace hopper", "grace"])
    assert got == ["Ada", "Grace", "Grace Hopper"], (
        "\"ada\" and \" ADA \" are the same name once cleaned: keep the first, "
        "and keep the names in the order they first appear"
    )
    got = clean_names(["zoe", "yusuf", "Xavier", "walter", "ZOE ", "vera"])
    assert got == ["Zoe", "Yusuf", "Xavier", "Walter", "Vera"], (
        "the names should stay in the order they first appear, not sorted and not shuffled "
        "(a set() forgets the order): collect them in a list and skip the ones already in it"
    )


@points(1, hint="Start from an empty list and append to it: never change the list you were given.")
def test_leaves_the_original_list_unchanged(nb):
    """returns a new list and leaves the list it was given as it was"""
    clean_names = nb.function("clean_names")
    clean_names(["ada"])  # a function still `...` is "not attempted", not a pass
    # Call it inside the notebook, where a change to the list would be visible.
    nb.run("_original_names = ['  ada lovelace', '', 'ada lovelace']\n"
           "_cleaned_names = clean_names(_original_names)")
    assert nb.value("_cleaned_names") == ["Ada Lovelace"], (
        "clean_names(['  ada lovelace', '', 'ada lovelace']) should return ['Ada Lovelace']"
    )
    assert nb.value("_original_names") == ["  ada lovelace", "", "ada lovelace"], (
        "after clean_names(names), the list names should be exactly as it was: "
        "build a new list instead of changing this one"
    )


@points(1, hint="If the loop never runs, the new list stays empty: return it.")
def test_an_empty_list_gives_an_empty_list(nb):
    """gives [] for an empty list"""
    clean_names = nb.function("clean_names")
    assert clean_names([]) == [], "clean_names([]) should give an empty list, []"
