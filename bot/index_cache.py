"""The intents' examples as the matcher reads them, kept between runs.

Reading some 6,000 examples (entities, spelling, phrases and synonyms) takes most of the matcher's
start-up. What an example reads as depends only on the intents, the language and the gazetteer
(intents/*.yaml) and on the code that reads them; the cache holds a fingerprint of all of these, and
is read again only when that fingerprint is the same, so an edit to any of them rebuilds it.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from bot.cache import read_json, write_json
from bot.model import Intent, Knowledge

VERSION = 1

ExampleReading = tuple[frozenset[str], frozenset[str]]
"""An example's terms, and the kinds of answer it asks for."""


def fingerprint(knowledge: Knowledge) -> str:
    """A digest of everything the examples' readings depend on."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.read_bytes())
    language = knowledge.language
    inputs = [
        sorted(language.stopwords),
        sorted(language.courtesy),
        [[concept, list(phrases)] for concept, phrases in language.synonyms.items()],
        [[e.id, e.type, e.name, list(e.aliases), e.context] for e in knowledge.entities.values()],
        # small talk (an intent with a reply) is not read as questions are
        [[i.id, i.slot, i.reply is None, list(i.examples)] for i in knowledge.intents.values()],
    ]
    digest.update(json.dumps(inputs).encode())
    return digest.hexdigest()


def load_readings(path: Path, expected: str, intents: list[Intent]) -> list[list[ExampleReading]] | None:
    """The readings of each intent's examples, in order; None when the cache is missing, broken or
    made from other inputs."""
    data = read_json(path)
    if not isinstance(data, dict) or data.get("version") != VERSION or data.get("fingerprint") != expected:
        return None
    try:
        readings = [[(frozenset(terms), frozenset(asks)) for terms, asks in examples]
                    for examples in data["intents"]]
    except (KeyError, TypeError, ValueError):
        return None
    if [len(r) for r in readings] != [len(i.examples) for i in intents]:
        return None
    return readings


def save_readings(path: Path, key: str, readings: list[list[ExampleReading]]) -> None:
    intents = [[[sorted(terms), sorted(asks)] for terms, asks in examples] for examples in readings]
    write_json(path, {"version": VERSION, "fingerprint": key, "intents": intents})
