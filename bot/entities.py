"""Finding the gazetteer's entities in a question: exact aliases first, then close misspellings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from bot.model import Entity
from bot.spelling import MIN_LENGTH, closest
from bot.text import clean


def _names(entity: Entity) -> list[str]:
    """The entity's name, its aliases, and for a name like "Turkey (Türkiye)" both of its parts."""
    names = [entity.name, *entity.aliases]
    if "(" in entity.name:
        outside, _, inside = entity.name.partition("(")
        names += [outside, inside.rstrip(")")]
    return names


MAX_FUZZY_WORDS = 3
"""Misspelled names are looked for in runs of up to this many words."""


@dataclass(frozen=True, slots=True)
class Mention:
    entity: Entity
    start: int
    """Index of the first word of the mention."""
    end: int
    """Index after its last word."""
    exact: bool


class EntityFinder:
    def __init__(self, entities: Iterable[Entity], known_words: frozenset[str]) -> None:
        self._aliases: dict[tuple[str, ...], Entity] = {}
        for entity in entities:
            for alias in _names(entity):
                words = tuple(clean(alias).split())
                if words:
                    self._aliases.setdefault(words, entity)
        self._longest = max(len(words) for words in self._aliases)
        self._fuzzy: dict[int, dict[str, Entity]] = {}
        for words, entity in self._aliases.items():
            joined = " ".join(words)
            if len(joined) >= MIN_LENGTH - 1:
                self._fuzzy.setdefault(len(words), {})[joined] = entity
        self.alias_words = frozenset(w for words in self._aliases for w in words)
        self._known = known_words | self.alias_words

    def find(self, words: list[str]) -> list[Mention]:
        """Non-overlapping mentions in the order they occur. Longer names are looked for first, each
        length exactly and then with misspellings, so "almas kumenov" is one misspelled name rather
        than an unknown word beside "kumenov"."""
        taken = [False] * len(words)
        mentions: list[Mention] = []
        for length in range(min(self._longest, len(words)), 0, -1):
            for start in range(len(words) - length + 1):
                if any(taken[start:start + length]):
                    continue
                entity = self._aliases.get(tuple(words[start:start + length]))
                if entity is not None:
                    mentions.append(Mention(entity, start, start + length, True))
                    taken[start:start + length] = [True] * length
            candidates = self._fuzzy.get(length) if length <= MAX_FUZZY_WORDS else None
            if not candidates:
                continue
            for start in range(len(words) - length + 1):
                window = words[start:start + length]
                if any(taken[start:start + length]) or all(w in self._known for w in window):
                    continue
                best = closest(" ".join(window), candidates.keys())
                if best is not None:
                    mentions.append(Mention(candidates[best], start, start + length, False))
                    taken[start:start + length] = [True] * length
        return sorted(mentions, key=lambda m: m.start)
