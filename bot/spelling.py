"""Tolerance for misspellings: the closest known word, if it is close enough for its length."""

from __future__ import annotations

from typing import Collection

from rapidfuzz import process
from rapidfuzz.distance import OSA

MIN_LENGTH = 5
"""Shorter words are never corrected: one edit turns "iraq" into "iran"."""


def cutoff(length: int) -> float:
    """Similarity needed (optimal string alignment, transpositions count once): one edit in
    words of 5-7 letters, two in 8-9, three from 10."""
    if length <= 7:
        return 1 - 1 / max(length, 5) - 1e-9
    if length <= 9:
        return 1 - 2 / length - 1e-9
    return 0.7 - 1e-9


def closest(word: str, choices: Collection[str]) -> str | None:
    """The choice most similar to `word`, or None when none is close enough."""
    if len(word) < MIN_LENGTH or not choices:
        return None
    best = process.extractOne(word, choices, scorer=OSA.normalized_similarity, score_cutoff=cutoff(len(word)))
    return best[0] if best is not None else None
