"""The start-up caches: parsed YAML files and the matcher's reading of the examples. A cache may only
save time: answers are the same with it, without it, and after any edit it must not miss."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from types import MappingProxyType

import pytest

from bot.knowledge import load_knowledge
from bot.matcher import Matcher
from bot.model import Knowledge

QUESTIONS = ["is turky in the sco?", "/ask did modi attend", "when did belarus join", "weather in astana"]


def _answers(matcher: Matcher) -> list[tuple]:
    return [(m.outcome, m.best and m.best.intent.id, m.score) for m in map(matcher.match, QUESTIONS)]


def _reading_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: object) -> None:
        raise AssertionError("the examples were read again despite a valid cache")

    monkeypatch.setattr(Matcher, "_read_examples", fail)


def test_the_index_cache_is_used_and_answers_the_same(knowledge: Knowledge, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "index.json"
    fresh = Matcher(knowledge)
    Matcher(knowledge, index_cache=cache)
    assert cache.exists()
    _reading_nothing(monkeypatch)
    cached = Matcher(knowledge, index_cache=cache)
    assert cached._intent_terms == fresh._intent_terms
    assert cached._asked_by_examples == fresh._asked_by_examples
    assert _answers(cached) == _answers(fresh)


def test_an_edited_example_is_read_again(knowledge: Knowledge, tmp_path: Path) -> None:
    cache = tmp_path / "index.json"
    Matcher(knowledge, index_cache=cache)
    intent = knowledge.intents["summit-dates"]
    edited = dataclasses.replace(intent, examples=(*intent.examples[:-1], "what colour was the carpet"))
    changed = dataclasses.replace(knowledge, intents=MappingProxyType({**knowledge.intents, intent.id: edited}))
    matcher = Matcher(changed, index_cache=cache)
    position = next(n for n, i in enumerate(matcher.intents) if i.id == intent.id)
    assert "carpet" in " ".join(matcher._intent_terms[position])
    assert matcher._intent_terms == Matcher(changed)._intent_terms


@pytest.mark.parametrize("content", ["{not json", '{"version": 1, "fingerprint": "x", "intents": []}', "[]"])
def test_a_broken_or_foreign_index_cache_is_rebuilt(knowledge: Knowledge, tmp_path: Path, content: str,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "index.json"
    cache.write_text(content, encoding="utf-8")
    assert _answers(Matcher(knowledge, index_cache=cache)) == _answers(Matcher(knowledge))
    _reading_nothing(monkeypatch)
    Matcher(knowledge, index_cache=cache)  # rewritten valid


def test_an_unwritable_cache_place_is_no_error(knowledge: Knowledge, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    matcher = Matcher(knowledge, index_cache=blocker / "index.json")
    assert _answers(matcher) == _answers(Matcher(knowledge))


def test_an_edited_yaml_file_is_parsed_again(knowledge_copy: Path, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    first = load_knowledge(knowledge_copy)
    assert list((tmp_path / "cache").rglob("parsed-*.json"))
    path = knowledge_copy / "intents" / "summit.yaml"
    intent = first.intents["summit-dates"]
    text = path.read_text(encoding="utf-8")
    assert text.count(f'question: "{intent.question}"') == 1
    path.write_text(text.replace(f'question: "{intent.question}"', 'question: "When was it, again?"'),
                    encoding="utf-8")
    assert load_knowledge(knowledge_copy).intents["summit-dates"].question == "When was it, again?"
