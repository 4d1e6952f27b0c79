"""Tolerance for misspellings: the closest known word, if it is close enough for its length."""

from __future__ import annotations

from typing import Collection

from rapidfuzz import process
from rapidfuzz.distance import OSA

MIN_LENGTH = 5
"""Shorter words are never corrected: one edit turns "iraq" into "iran"."""


def max_edits(length: int) -> int:
    """Edits allowed (optimal string alignment: a swap of neighbours counts once): one in words of
    5-7 letters, two in 8-9, three from 10."""
    if length <= 7:
        return 1
    if length <= 9:
        return 2
    return 3


def closest(word: str, choices: Collection[str]) -> str | None:
    """The choice nearest to `word` (the earliest of equally near ones), or None when none is close enough."""
    if len(word) < MIN_LENGTH or not choices or not word.isascii():
        return None  # too short to correct safely, or another script than the vocabulary's
    best = process.extractOne(word, choices, scorer=OSA.distance, score_cutoff=max_edits(len(word)))
    return best[0] if best is not None else None
