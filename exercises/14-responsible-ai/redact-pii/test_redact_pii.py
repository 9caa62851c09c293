"""Checks for redact-pii: emails, card and phone numbers redacted; everything else left alone; the score."""

import json

import pytest

from grader import points


def redact(nb, text):
    got = nb.function("redact_pii")(text)
    assert isinstance(got, str), f"redact_pii should return the redacted text (a string), not {type(got).__name__}"
    return got


def check_all(nb, cases, what):
    for text, expected in cases:
        got = redact(nb, text)
        assert got == expected, f"{what}: {text!r} should become {expected!r}"


@points(1, hint="An email is name characters, @, a domain, a dot and 2+ letters: "
                "r\"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}\".")
def test_redacts_emails(nb):
    """email addresses become [EMAIL], and the punctuation around them stays"""
    check_all(nb, [
        ("Contact: maria.garcia@example.es.", "Contact: [EMAIL]."),
        ("(backup: it-support+tickets@help.example.co.uk)", "(backup: [EMAIL])"),
        ("Two: a@b.io and c_d@e-f.org", "Two: [EMAIL] and [EMAIL]"),
    ], "an email address should be replaced by [EMAIL]")


@points(1, hint="A phone is + or a 0 at a word start, then a digit and 8 or more times (optional space or dash, "
                "digit): r\"(?:\\+|\\b0)\\d(?:[ -]?\\d){8,}\".")
def test_redacts_phone_numbers(nb):
    """phone numbers in several formats become [PHONE]"""
    check_all(nb, [
        ("Ring 0161-496-0000 today", "Ring [PHONE] today"),
        ("Paris office +33 1 23 45 67 89.", "Paris office [PHONE]."),
        ("mob 07700900123", "mob [PHONE]"),
        ("+1 202 555 0199", "[PHONE]"),
    ], "a phone number should be replaced by [PHONE]")


@points(1, hint="A card is four groups of four digits, each optionally followed by a space or dash: "
                "r\"\\b\\d{4}[ -]?\\d{4}[ -]?\\d{4}[ -]?\\d{4}\\b\".")
def test_redacts_card_numbers(nb):
    """16-digit card numbers, with or without spaces or dashes, become [CARD]"""
    check_all(nb, [
        ("Charged on 4929 1234 5678 9012 twice", "Charged on [CARD] twice"),
        ("card: 3714-4963-5398-4312.", "card: [CARD]."),
        ("use 6011000990139424 instead", "use [CARD] instead"),
    ], "a card number should be replaced by [CARD]")


@points(2, hint="Phones start with + or a 0 at the start of a word and have 10 digits or more; cards have exactly "
                "16 digits. Use \\b so that a pattern cannot start or end in the middle of a longer number.")
def test_leaves_other_numbers_alone(nb):
    """order numbers, dates, prices, times and short codes are left exactly as they were"""
    check_all(nb, [
        ("Invoice 2024-000123 for £99.99 at 09:45", "Invoice 2024-000123 for £99.99 at 09:45"),
        ("Reference 5551234567 is still open", "Reference 5551234567 is still open"),
        ("Delivered 01/02/2024 to locker 0042", "Delivered 01/02/2024 to locker 0042"),
        ("Tracking 12345678901234567890", "Tracking 12345678901234567890"),
        ("I waited 45 minutes, version 3.10.2", "I waited 45 minutes, version 3.10.2"),
    ], "this text has no personal data and should come back unchanged")


@points(1, hint="Replace the cards before the phones: the end of a card number such as 0000 0000 0004 looks "
                "like a phone number.")
def test_several_kinds_in_one_message(nb):
    """a message with an email, a card and a phone has each one replaced by the right placeholder"""
    check_all(nb, [
        ("Card 5500 0000 0000 0004 declined", "Card [CARD] declined"),
        ("Email lee@example.com, phone 020 7946 0018, card 4000-0566-5566-5556.",
         "Email [EMAIL], phone [PHONE], card [CARD]."),
    ], "each piece of personal data should get its own placeholder")


@points(1, hint="Count the cases where redact_pii(case['text']) == case['expected'] and divide by len(cases).")
def test_share_correct_counts_exact_matches(nb):
    """share_correct gives the share of cases that redact_pii turns exactly into the expected text"""
    cases = [
        {"text": "hello", "expected": "hello"},
        {"text": "hello", "expected": "HELLO"},
        {"text": "order 12 is late", "expected": "order 12 is late"},
        {"text": "thanks", "expected": "thank you"},
        {"text": "write to a@b.io", "expected": "write to [EMAIL]"},
    ]
    email_right = redact(nb, cases[-1]["text"]) == cases[-1]["expected"]  # judged with the learner's own redact_pii
    got = nb.function("share_correct")(cases)
    right = 2 + email_right
    assert got == pytest.approx(right / len(cases)), (
        f"{right} of these {len(cases)} cases come out of your redact_pii exactly as expected (two without "
        f"personal data whose expected text is the same{', and the email' if email_right else ''}), so the "
        f"share is {right / len(cases)}. Compare redact_pii(case['text']) with case['expected'], not the "
        "text itself"
    )


@points(1, hint="score = share_correct(cases), where cases is the list read from pii_cases.json.")
def test_every_labelled_message_is_right(nb):
    """score is 1.0: every labelled message in pii_cases.json is redacted exactly right"""
    cases = json.loads((nb.exercise_dir / "pii_cases.json").read_text(encoding="utf-8"))
    wrong = [case["text"] for case in cases if redact(nb, case["text"]) != case["expected"]]
    assert not wrong, f"{len(wrong)} labelled message(s) are not redacted as expected, such as {wrong[0]!r}"
    assert nb.value("score") == pytest.approx(1.0), "score should be share_correct(cases): 1.0 when every case is right"
