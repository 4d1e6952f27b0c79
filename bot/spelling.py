"""Tolerance for misspellings: the closest known word, if it is close enough for its length."""

from __future__ import annotations

from string import ascii_lowercase
from typing import Iterable, Iterator

from rapidfuzz import process
from rapidfuzz.distance import OSA

MIN_LENGTH = 5
"""Shorter words are only corrected by putting back a letter ("cina" is "china") or swapping two
neighbours back ("rloe" is "role"): a changed letter turns "iraq" into "iran"."""
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
    """Corrects words to the nearest of a vocabulary; among equally near words the earlier one in
    the vocabulary's order wins. A word n edits away is at most n letters longer or shorter, so each
    length has its own list of the words it can be corrected to: a fraction of the vocabulary, made
    when a word of that length is first corrected (start-up does without it)."""

    def __init__(self, vocabulary: Iterable[str]) -> None:
        self._words = list(dict.fromkeys(vocabulary))
        self._known = frozenset(self._words)
        self._rank = {w: n for n, w in enumerate(self._words)}
        self._reachable: dict[int, list[str]] = {}

    def correct(self, word: str) -> str | None:
        """The nearest known word, or None when none is near enough (or `word` is too short to
        correct safely, or in another script than the vocabulary's). A letter typed once where it
        is doubled is the likeliest slip, so that correction comes first ("realy" is "really", not
        "real"). Short words get only the other slips of a quick typist: a dropped letter, two
        neighbours swapped."""
        if len(word) < MIN_DOUBLING_LENGTH or not word.isascii():
            return None
        doubled = next((w for w in _with_a_letter_doubled(word) if w in self._known), None)
        if doubled is not None:
            return doubled
        if len(word) < MIN_LENGTH:
            near = [w for w in (*_with_a_letter_added(word), *_with_neighbours_swapped(word)) if w in self._known]
            return min(near, key=self._rank.__getitem__) if near else None
        edits = max_edits(len(word))
        choices = self._reachable.get(len(word))
        if choices is None:
            choices = self._reachable[len(word)] = [w for w in self._words if abs(len(w) - len(word)) <= edits]
        if not choices:
            return None
        best = process.extractOne(word, choices, scorer=OSA.distance, score_cutoff=edits)
        return best[0] if best is not None else None


def _with_a_letter_doubled(word: str) -> Iterator[str]:
    return (word[:i + 1] + word[i:] for i in range(len(word)))


def _with_a_letter_added(word: str) -> Iterator[str]:
    return (word[:i] + letter + word[i:] for i in range(len(word) + 1) for letter in ascii_lowercase)


def _with_neighbours_swapped(word: str) -> Iterator[str]:
    return (word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(len(word) - 1))


def slips(word: str) -> set[str]:
    """What a quick typist makes of `word` by swapping two neighbouring letters or dropping one
    ("waht", "teh", "abut"); not by replacing one, which turns too many real words into others."""
    drops = {word[:i] + word[i + 1:] for i in range(len(word))}
    return (set(_with_neighbours_swapped(word)) | drops) - {word}
