"""Checks for "Count the words": word_count(text) -> {word: count}."""

from grader import points
from grader.probe import RemoteObject


def _word_count(nb):
    """word_count, whose answer comes back as a plain dictionary even when it is a Counter or
    another kind of dictionary (which stays in the notebook, where it could not be compared)."""
    word_count = nb.function("word_count")
    as_dict = nb.eval("lambda counts: dict(counts) if isinstance(counts, dict) else counts")

    def call(text):
        counts = word_count(text)
        return as_dict(counts) if isinstance(counts, RemoteObject) else counts

    return call


@points(2, hint="Use the counting pattern: counts[word] = counts.get(word, 0) + 1.")
def test_counts_how_often_each_word_appears(nb):
    """counts how often each word appears"""
    word_count = _word_count(nb)
    assert word_count("the cat and the hat") == {"the": 2, "cat": 1, "and": 1, "hat": 1}, (
        "each word should map to how many times it appears: \"the\" twice, the others once"
    )


@points(1, hint="Lower-case the text (or each word) before counting.")
def test_ignores_upper_and_lower_case(nb):
    """counts "Data", "data" and "DATA" as the same word, in lower case"""
    word_count = _word_count(nb)
    assert word_count("Data data DATA") == {"data": 3}, (
        "words should be counted in lower case, so \"Data data DATA\" gives {\"data\": 3}"
    )


@points(1, hint="word.strip(PUNCTUATION) removes punctuation from both ends of a word.")
def test_strips_punctuation_from_the_ends_of_words(nb):
    """leaves punctuation out: "Hello," and "Hello." are the word "hello\""""
    word_count = _word_count(nb)
    assert word_count('Hello, world! "Hello."') == {"hello": 2, "world": 1}, (
        "punctuation at the start or end of a word is not part of it: "
        '\'Hello, world! "Hello."\' has "hello" twice and "world" once'
    )


@points(1, hint="text.split() with nothing in the parentheses splits at spaces, tabs and newlines.")
def test_splits_at_any_whitespace(nb):
    """treats several spaces, newlines and tabs as separators"""
    word_count = _word_count(nb)
    assert word_count("one  two\nthree\ttwo ") == {"one": 1, "two": 2, "three": 1}, (
        "words are separated by any whitespace: several spaces, a newline or a tab; "
        "none of them should become a word"
    )


@points(1, hint="Punctuation inside a word stays: strip only removes characters at the ends.")
def test_keeps_apostrophes_inside_words(nb):
    """keeps "don't" as one word"""
    word_count = _word_count(nb)
    assert word_count("Don't stop, don't.") == {"don't": 2, "stop": 1}, (
        "\"don't\" is one word: only punctuation at the ends of a word should go"
    )


@points(1, hint="After stripping, a word can be empty: skip it with if word:")
def test_an_empty_text_or_only_punctuation_has_no_words(nb):
    """gives {} for an empty text, and skips "words" made only of punctuation"""
    word_count = _word_count(nb)
    assert word_count("") == {}, "an empty text has no words: word_count(\"\") should give {}"
    assert word_count("Wait ... what ?!") == {"wait": 1, "what": 1}, (
        "\"...\" and \"?!\" are only punctuation, not words: "
        "\"Wait ... what ?!\" should give {\"wait\": 1, \"what\": 1}"
    )
