"""Tolerance for misspellings: the closest known word, if it is close enough for its length."""

from __future__ import annotations

from string import ascii_lowercase
from typing import Iterable, Iterator

from rapidfuzz import process
from rapidfuzz.distance import OSA, Levenshtein

MIN_LENGTH = 5
"""Shorter words are only corrected by the slips of a quick typist (a dropped letter, two neighbours
swapped, a neighbouring key: "cina", "rloe", "reak"): any other change of a letter makes a word
another ("iraq" is not "iran")."""
MIN_DOUBLING_LENGTH = 4
"""From this length a word is corrected, a letter typed once where it is doubled first ("aply" is
"apply")."""


def max_edits(length: int) -> int:
    """Edits allowed (optimal string alignment: a swap of neighbours counts once): one in words of
    5-7 letters, two in 8-9, three from 10."""
    if length <= 7:
        return 1
    if length <= 9:
        return 2
    return 3


class Speller:
    """Corrects words to the nearest of a vocabulary whose letters in place of the typed ones are
    plausible slips; among equally near words the earlier one in the vocabulary's order wins. A word
    n edits away is at most n letters longer or shorter, so each length has its own list of the words
    it can be corrected to: a fraction of the vocabulary, made when a word of that length is first
    corrected (start-up does without it)."""

    def __init__(self, vocabulary: Iterable[str]) -> None:
        self._words = list(dict.fromkeys(vocabulary))
        self._known = frozenset(self._words)
        self._rank = {w: n for n, w in enumerate(self._words)}
        self._reachable: dict[int, list[str]] = {}

    def correct(self, word: str) -> str | None:
        """The nearest known word, or None when none is near enough (or `word` is too short to
        correct safely, or in another script than the vocabulary's). A letter typed once where it
        is doubled is the likeliest slip, so that correction comes first ("realy" is "really", not
        "real"). Short words get only the other slips of a quick typist (MIN_LENGTH), not a vowel
        for another ("iron" is not "iran")."""
        if len(word) < MIN_DOUBLING_LENGTH or not word.isascii():
            return None
        doubled = next((w for w in with_a_letter_doubled(word) if w in self._known), None)
        if doubled is not None:
            return doubled
        if len(word) < MIN_LENGTH:
            slipped = (*_with_a_letter_added(word), *_with_neighbours_swapped(word),
                       *_with_a_neighbouring_key(word))
            near = [w for w in slipped if w in self._known]
            return min(near, key=self._rank.__getitem__) if near else None
        edits = max_edits(len(word))
        choices = self._reachable.get(len(word))
        if choices is None:
            choices = self._reachable[len(word)] = [w for w in self._words if abs(len(w) - len(word)) <= edits]
        if not choices:
            return None
        near = process.extract(word, choices, scorer=OSA.distance, score_cutoff=edits, limit=None)
        likely = [(distance, rank, known) for known, distance, rank in near if _likely_slips(word, known)]
        return min(likely)[2] if likely else None


_KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_KEY_PLACES = {key: (row, column + row / 2)
               for row, keys in enumerate(_KEYBOARD_ROWS) for column, key in enumerate(keys)}
"""Each key's row and its place along the row (each row sits half a key further right)."""
_NEIGHBOURING_KEYS = {
    key: frozenset(other for other, (other_row, other_column) in _KEY_PLACES.items()
                   if other != key and abs(other_row - row) <= 1 and abs(other_column - column) <= 1)
    for key, (row, column) in _KEY_PLACES.items()}
_VOWELS = frozenset("aeiouy")
_SOUND_ALIKE = frozenset({frozenset("cs"), frozenset("ck"), frozenset("sz"), frozenset("kq")})


def _may_be_mistyped(meant: str, typed: str) -> bool:
    """Whether a typist meaning one letter plausibly types the other: a neighbouring key, another
    vowel or a letter sounding alike (spelling slips: "independant", "conferense")."""
    return ((meant in _VOWELS and typed in _VOWELS) or frozenset((meant, typed)) in _SOUND_ALIKE
            or typed in _NEIGHBOURING_KEYS.get(meant, ()))


def _likely_slips(typed: str, known: str) -> bool:
    """Whether the letters `typed` has in place of `known`'s are all plausibly mistyped: otherwise
    "sheer" would be "steer", "gifts" "rifts"."""
    if OSA.distance(typed, known) < Levenshtein.distance(typed, known):
        return True  # two neighbours swapped, which Levenshtein's edits show as two letters replaced
    for op in Levenshtein.editops(typed, known):
        if op.tag == "replace" and not _may_be_mistyped(known[op.dest_pos], typed[op.src_pos]):
            return False
        if op.tag == "delete" and not _may_be_struck_too(typed, op.src_pos):
            return False
    return True


def _may_be_struck_too(typed: str, at: int) -> bool:
    """Whether the extra letter at `at` is a plausible slip: a vowel ("memeber"), or the letter or a
    neighbouring key of one beside it ("summitt", "attendwd"). "newst" lacks a letter of "newest"
    rather than having one more than "news": "t" is far from "s"."""
    letter = typed[at]
    beside = typed[max(at - 1, 0):at] + typed[at + 1:at + 2]
    return letter in _VOWELS or any(b == letter or b in _NEIGHBOURING_KEYS.get(letter, ()) for b in beside)


def with_a_letter_doubled(word: str) -> list[str]:
    """`word` with one of its letters typed twice ("modii"), for each letter."""
    return [word[:i + 1] + word[i:] for i in range(len(word))]


def _with_a_letter_added(word: str) -> Iterator[str]:
    return (word[:i] + letter + word[i:] for i in range(len(word) + 1) for letter in ascii_lowercase)


def _with_a_neighbouring_key(word: str) -> Iterator[str]:
    return (word[:i] + key + word[i + 1:]
            for i in range(len(word)) for key in _NEIGHBOURING_KEYS.get(word[i], ()))


def _with_neighbours_swapped(word: str) -> Iterator[str]:
    return (word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(len(word) - 1))


def slips(word: str) -> set[str]:
    """What a quick typist makes of `word` by swapping two neighbouring letters or dropping one
    ("waht", "teh", "abut"); not by replacing one, which turns too many real words into others."""
    drops = {word[:i] + word[i + 1:] for i in range(len(word))}
    return (set(_with_neighbours_swapped(word)) | drops) - {word}
