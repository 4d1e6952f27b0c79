"""The knowledge the bot answers from, as immutable values.

Everything here is built once by `bot.knowledge.load_knowledge` and never changed afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

ENTITY_TYPES = ("country", "person", "organization", "place")
ASPECTS = ("status", "attendance", "role", "statement")
"""What a fact can say about the entities it names:

- status: a country's standing in the SCO (member, observer, dialogue partner, applicant);
- attendance: whether a country's leader or a person came to the summit, and who represented a country;
- role: who a person is, or what an organization, place or initiative is;
- statement: what a person said.
"""


@dataclass(frozen=True, slots=True)
class Source:
    id: str
    publisher: str
    title: str
    author: str | None
    date: str
    """ISO date, as precise as the source allows ("2024-07-05", "2024-07")."""
    date_text: str
    """The date as a reader should see it."""
    url: str | None
    text: str
    file: Path


@dataclass(frozen=True, slots=True)
class Citation:
    source: Source
    quote: str


@dataclass(frozen=True, slots=True)
class Fact:
    id: str
    topic: str
    answer: str
    citations: tuple[Citation, ...]
    entities: tuple[str, ...] = ()
    aspect: str | None = None
    file: Path | None = None


@dataclass(frozen=True, slots=True)
class Entity:
    id: str
    type: str
    name: str
    aliases: tuple[str, ...]
    context: bool = False
    """The subject of nearly every question (the SCO): recognized, but never fills a slot."""


@dataclass(frozen=True, slots=True)
class Intent:
    """One kind of question, and how it is answered.

    A fact intent answers with `facts`; a slot intent (`slot` set) answers with the fact about the
    entity named in the question that has the intent's `aspect`; a small-talk intent answers
    with `reply` and quotes nothing.
    """

    id: str
    question: str
    """The question as shown on a suggestion button."""
    examples: tuple[str, ...]
    facts: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    slot: str | None = None
    aspect: str | None = None
    reply: str | None = None
    popular: int = 0
    """Rank (1 first) among the example questions offered by /start, declines and an empty inline
    query; 0 for intents not offered."""
    unanswered: str | None = None
    """For a slot intent: what to say when the sources say nothing of the entity ({name})."""
    file: Path | None = None


@dataclass(frozen=True, slots=True)
class Language:
    """How questions are read: words to drop, courtesy words, and synonyms (concept -> phrases)."""

    stopwords: frozenset[str]
    courtesy: frozenset[str]
    synonyms: Mapping[str, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class Knowledge:
    root: Path
    """The folder holding data/ and intents/."""
    sources: Mapping[str, Source]
    facts: Mapping[str, Fact]
    entities: Mapping[str, Entity]
    intents: Mapping[str, Intent]
    language: Language
    facts_by_entity_aspect: Mapping[tuple[str, str], Fact]
    quotes_verified: int

    def fact_about(self, entity_id: str, aspect: str) -> Fact | None:
        """The fact that says `aspect` of an entity, or None when the sources do not say."""
        return self.facts_by_entity_aspect.get((entity_id, aspect))
