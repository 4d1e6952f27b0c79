"""The speller on a small vocabulary of its own."""

import pytest

from bot.spelling import Speller

VOCABULARY = ["real", "really", "apply", "summit", "member", "members", "iran", "iraq", "steer", "conference", "news",
              "newest"]


@pytest.fixture(scope="module")
def speller() -> Speller:
    return Speller(VOCABULARY)


@pytest.mark.parametrize(("typed", "meant"), [("realy", "really"), ("aply", "apply"), ("sumit", "summit")])
def test_a_letter_typed_once_where_it_is_doubled_comes_first(speller: Speller, typed: str, meant: str) -> None:
    assert speller.correct(typed) == meant


@pytest.mark.parametrize(("typed", "meant"), [("membrs", "members"), ("summti", "summit"), ("memmber", "member")])
def test_one_edit_is_corrected_in_words_of_five_letters_or_more(speller: Speller, typed: str, meant: str) -> None:
    assert speller.correct(typed) == meant


@pytest.mark.parametrize(("typed", "meant"), [("sunmit", "summit"), ("membars", "members"),
                                              ("conferense", "conference"), ("sheer", None)])
def test_a_letter_is_replaced_only_by_a_neighbouring_key_or_one_sounding_alike(
        speller: Speller, typed: str, meant: str | None) -> None:
    """"n" is next to "m", "a" and "e" are vowels, "s" sounds like "c"; "h" for "t" is no slip:
    "sheer" is a word of its own."""
    assert speller.correct(typed) == meant


@pytest.mark.parametrize(("typed", "meant"), [("appl", "apply"), ("rael", "real"), ("reak", "real"),
                                              ("iram", "iran"), ("irxn", None),
                                              ("iron", None)])
def test_short_words_get_back_a_dropped_letter_swapped_neighbours_or_a_mistyped_key(
        speller: Speller, typed: str, meant: str | None) -> None:
    """"appl" lacks one letter of "apply", "rael" swaps two of "real", "k" is next to "l" and "m" to
    "n"; "x" is far from "a", and a vowel for another makes another short word ("iron")."""
    assert speller.correct(typed) == meant


@pytest.mark.parametrize("typed", ["whatever", "саммит"])
def test_short_words_far_words_and_other_scripts_are_not_corrected(speller: Speller, typed: str) -> None:
    assert speller.correct(typed) is None


@pytest.mark.parametrize(("typed", "meant"), [("newst", "newest"), ("summitt", "summit"), ("memeber", "member"),
                                              ("membrers", "members")])
def test_an_extra_letter_is_dropped_only_when_struck_along_with_one_beside_it(
        speller: Speller, typed: str, meant: str) -> None:
    """A letter typed twice, a neighbouring key or a vowel is a slip; "newst" lacks a letter of
    "newest" rather than having one more than "news" ("t" is far from "s")."""
    assert speller.correct(typed) == meant
