"""Finding the gazetteer's entities in a question: exact aliases first, then close misspellings."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable

from rapidfuzz.distance import OSA

from bot.model import Entity
from bot.spelling import MIN_LENGTH, Speller, max_edits, slips, with_a_letter_doubled
from bot.text import clean


def _names(entity: Entity) -> list[str]:
    """The entity's name, its aliases, and for a name like "Turkey (Türkiye)" both of its parts."""
    names = [entity.name, *entity.aliases]
    if "(" in entity.name:
        outside, _, inside = entity.name.partition("(")
        names += [outside, inside.rstrip(")")]
    return names


def _each_word_close(typed: list[str], name: list[str]) -> bool:
    """Whether each word of a misspelled name is itself a likely misspelling of the name's word: a
    short word only by a slip ("teh") or a letter typed twice ("modii", "iiran"), since a one-letter
    change makes another word of it ("the uk" is not "the us"); a longer one within the edits its
    length allows, so that the edits the whole name allows do not all go to one word ("the astnaa"
    is not "the stans")."""
    return all(t == n or t in slips(n) or t in with_a_letter_doubled(n)
               or (min(len(t), len(n)) >= MIN_LENGTH and OSA.distance(t, n) <= max_edits(len(t)))
               for t, n in zip(typed, name))


MAX_FUZZY_WORDS = 5
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
        # a possessive typed without its apostrophe ("irans president", "the scos members")
        for words, entity in list(self._aliases.items()):
            possessive = (*words[:-1], words[-1] + "s")
            if not words[-1].endswith("s") and possessive[-1] not in known_words:
                self._aliases.setdefault(possessive, entity)
        fuzzy: dict[int, dict[str, Entity]] = {}
        for words, entity in self._aliases.items():
            joined = " ".join(words)
            if len(joined) >= MIN_LENGTH - 1:
                fuzzy.setdefault(len(words), {})[joined] = entity
        self._fuzzy = {length: (names, Speller(names)) for length, names in fuzzy.items()}
        self._lengths_by_first_word: dict[str, set[int]] = defaultdict(set)
        """The lengths of the names starting with a word: where a name could start, and how long it is."""
        for words in self._aliases:
            self._lengths_by_first_word[words[0]].add(len(words))
        self.alias_words = frozenset(w for words in self._aliases for w in words)
        self._known = known_words | self.alias_words

    def find(self, words: list[str]) -> list[Mention]:
        """Non-overlapping mentions in the order they occur. Longer names are looked for first, each
        length exactly and then with misspellings, so "almas kumenov" is one misspelled name rather
        than an unknown word beside "kumenov"."""
        taken = [False] * len(words)
        unknown = [w not in self._known for w in words]
        starts: dict[int, list[int]] = defaultdict(list)
        """Where a name of each length could start."""
        for start, word in enumerate(words):
            for length in self._lengths_by_first_word.get(word, ()):
                if start + length <= len(words):
                    starts[length].append(start)
        lengths = set(starts)
        misspelled = any(unknown)
        if misspelled:
            lengths.update(range(1, min(MAX_FUZZY_WORDS, len(words)) + 1))
        mentions: list[Mention] = []
        for length in sorted(lengths, reverse=True):
            for start in starts.get(length, ()):
                if any(taken[start:start + length]):
                    continue
                entity = self._aliases.get(tuple(words[start:start + length]))
                if entity is not None:
                    mentions.append(Mention(entity, start, start + length, True))
                    taken[start:start + length] = [True] * length
            fuzzy = self._fuzzy.get(length) if misspelled and length <= MAX_FUZZY_WORDS else None
            if fuzzy is None:
                continue
            names, speller = fuzzy
            for start in range(len(words) - length + 1):
                if not any(unknown[start:start + length]) or any(taken[start:start + length]):
                    continue
                typed = words[start:start + length]
                best = speller.correct(" ".join(typed))
                if best is not None and _each_word_close(typed, best.split()):
                    mentions.append(Mention(names[best], start, start + length, False))
                    taken[start:start + length] = [True] * length
        return sorted(mentions, key=lambda m: m.start)
