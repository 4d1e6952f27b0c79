"""The fact base: the real data loads cleanly, and every kind of defect is reported with file and line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.knowledge import KnowledgeError, load_knowledge
from bot.model import Knowledge

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"


def _plain(text: str) -> str:
    """Independent of bot.verbatim: collapse whitespace, straighten quotes, unify dashes."""
    text = re.sub("[\u2018\u2019]", "'", text)
    text = re.sub("[\u201c\u201d]", '"', text)
    text = re.sub("[\u2010-\u2015\u2212]", "-", text)
    return " ".join(text.split())


def test_real_knowledge_loads_with_expected_size(knowledge: Knowledge) -> None:
    assert len(knowledge.sources) == 5
    assert len(knowledge.facts) >= 120
    assert knowledge.quotes_verified == sum(len(f.citations) for f in knowledge.facts.values())


def test_every_quote_is_verbatim_in_its_source(knowledge: Knowledge) -> None:
    missing = [
        (fact.id, c.source.id, c.quote)
        for fact in knowledge.facts.values()
        for c in fact.citations
        if _plain(c.quote) not in _plain(c.source.text)
    ]
    assert missing == []


def test_every_source_is_cited(knowledge: Knowledge) -> None:
    cited = {c.source.id for f in knowledge.facts.values() for c in f.citations}
    assert cited == set(knowledge.sources)


def test_facts_link_only_to_known_entities(knowledge: Knowledge) -> None:
    for fact in knowledge.facts.values():
        assert set(fact.entities) <= set(knowledge.entities), fact.id
        assert 1 <= len(fact.citations) <= 5, fact.id
        assert fact.answer and fact.answer[-1] in ".!?)\"”", fact.id


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the original captures are not beside this checkout")
def test_stored_source_text_is_the_captured_text(knowledge: Knowledge) -> None:
    """Each paragraph kept in data/sources is in the original capture (whitespace aside)."""
    for source in knowledge.sources.values():
        seed_name = re.search(r"seeds/(\S+\.txt)", source.file.read_text(encoding="utf-8"))
        assert seed_name, source.id
        captured = "".join((SEEDS / seed_name.group(1)).read_text(encoding="utf-8").split())
        for paragraph in source.text.split("\n\n"):
            assert "".join(paragraph.split()) in captured, (source.id, paragraph[:60])


def _problems(root: Path) -> list[str]:
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(root, use_cache=False)
    return [str(p) for p in caught.value.problems]


def _line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def _first_fact_file(root: Path) -> Path:
    return sorted((root / "data" / "facts").glob("*.yaml"))[0]


def _replace_once(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _first_match(path: Path, pattern: str) -> str:
    found = re.search(pattern, path.read_text(encoding="utf-8"), re.M)
    assert found, pattern
    return found.group(0)


def test_yaml_syntax_error_names_file_and_line(knowledge_copy: Path) -> None:
    path = _first_fact_file(knowledge_copy)
    topic = _first_match(path, r"^  topic: .*$")
    _replace_once(path, topic, "  topic: [unclosed")
    line = _line_of(path, "topic: [unclosed")
    problems = _problems(knowledge_copy)
    relative = path.relative_to(knowledge_copy)
    assert any(p.startswith(f"{relative}:") and "YAML syntax error" in p for p in problems), problems
    reported = int(next(p for p in problems if "YAML syntax" in p).split(":")[1])
    assert abs(reported - line) <= 1


def test_missing_field_names_file_and_line(knowledge_copy: Path) -> None:
    path = _first_fact_file(knowledge_copy)
    topic = _first_match(path, r"^  topic: .*$")
    _replace_once(path, topic + "\n", "")
    fact_id = _first_match(path, r"^- id: \S+").split()[-1]
    line = _line_of(path, f"- id: {fact_id}")
    problems = _problems(knowledge_copy)
    assert f"{path.relative_to(knowledge_copy)}:{line}: fact is missing required field 'topic'" in problems


def test_unknown_source_names_file_and_line(knowledge_copy: Path) -> None:
    path = _first_fact_file(knowledge_copy)
    cited = _first_match(path, r"^\s+- source: \S+$")
    _replace_once(path, cited, cited.split(":")[0] + ": nytimes")
    line = _line_of(path, "source: nytimes")
    problems = _problems(knowledge_copy)
    assert any(p.startswith(f"{path.relative_to(knowledge_copy)}:{line}: ") and "unknown source 'nytimes'" in p
               for p in problems), problems


def test_duplicate_fact_id_names_second_occurrence(knowledge_copy: Path) -> None:
    path = _first_fact_file(knowledge_copy)
    ids = re.findall(r"^- id: (\S+)$", path.read_text(encoding="utf-8"), re.M)
    assert len(ids) >= 2
    _replace_once(path, f"- id: {ids[1]}\n", f"- id: {ids[0]}\n")
    lines = [n for n, l in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if l == f"- id: {ids[0]}"]
    problems = _problems(knowledge_copy)
    assert any(p.startswith(f"{path.relative_to(knowledge_copy)}:{lines[1]}: duplicate fact id '{ids[0]}'")
               for p in problems), problems


def test_duplicate_entity_id_is_reported(knowledge_copy: Path) -> None:
    path = knowledge_copy / "intents" / "entities.yaml"
    _replace_once(path, "  - id: qatar\n", "  - id: kuwait\n")
    line = [n for n, l in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if l == "  - id: kuwait"][1]
    problems = _problems(knowledge_copy)
    assert any(p.startswith(f"intents/entities.yaml:{line}: duplicate entity id 'kuwait'") for p in problems), problems


def test_quote_not_verbatim_names_file_and_line(knowledge_copy: Path) -> None:
    path = _first_fact_file(knowledge_copy)
    quote_line = _first_match(path, r'^\s+quote: ".{20,}"$')
    words = quote_line.split()
    altered = quote_line.replace(words[2], words[2] + "x", 1)
    _replace_once(path, quote_line, altered)
    line = _line_of(path, altered.strip())
    problems = _problems(knowledge_copy)
    assert any(p.startswith(f"{path.relative_to(knowledge_copy)}:{line}: ") and "not verbatim" in p
               for p in problems), problems


def test_quote_comparison_forgives_only_invisible_differences(knowledge_copy: Path, knowledge: Knowledge) -> None:
    path = _first_fact_file(knowledge_copy)
    quote_line = _first_match(path, r'^\s+quote: ".{20,}"$')
    prefix, _, quoted = quote_line.partition("quote: ")
    spaced = prefix + "quote: " + quoted.replace(" ", "   ").replace("'", "’")
    _replace_once(path, quote_line, spaced)
    reloaded = load_knowledge(knowledge_copy, use_cache=False)
    assert reloaded.quotes_verified == knowledge.quotes_verified


def test_unknown_entity_and_duplicate_aspect_are_reported(knowledge_copy: Path, knowledge: Knowledge) -> None:
    fact = next(f for f in knowledge.facts.values() if f.aspect == "status")
    other = next(f for f in knowledge.facts.values() if f.aspect == "status" and f is not fact)
    path = next(p for p in (knowledge_copy / "data" / "facts").glob("*.yaml")
                if f"- id: {other.id}\n" in p.read_text(encoding="utf-8"))
    text = path.read_text(encoding="utf-8")
    start = text.index(f"- id: {other.id}\n")
    block_end = text.find("\n- id:", start + 1)
    block = text[start:block_end if block_end != -1 else len(text)]
    entities_line = re.search(r"^  entities: .*$", block, re.M).group(0)
    path.write_text(text.replace(block, block.replace(entities_line, f"  entities: [{fact.entities[0]}, atlantis]")), "utf-8")
    problems = _problems(knowledge_copy)
    relative = path.relative_to(knowledge_copy)
    assert any(p.startswith(f"{relative}:") and "unknown entity 'atlantis'" in p for p in problems), problems
    assert any(f"second 'status' fact for entity '{fact.entities[0]}'" in p for p in problems), problems


def test_every_problem_is_listed_not_just_the_first(knowledge_copy: Path) -> None:
    path = _first_fact_file(knowledge_copy)
    sources = re.findall(r"^\s+- source: (\S+)$", path.read_text(encoding="utf-8"), re.M)
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(^\s+- source: )\S+$", r"\1nowhere", text, flags=re.M), "utf-8")
    problems = _problems(knowledge_copy)
    assert sum("unknown source 'nowhere'" in p for p in problems) == len(sources)
