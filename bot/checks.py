"""Checks of the intents that need the matcher: coverage of the facts and conflicting examples."""

from __future__ import annotations

from pathlib import Path

from bot.answer import Responder
from bot.matcher import Matcher
from bot.model import Intent, Knowledge
from bot.text import clean, stem
from bot.yaml_files import LineFinder, Problem


def intent_problems(knowledge: Knowledge) -> list[Problem]:
    """Facts no intent reaches, examples shared by two intents, examples matched to another intent."""
    problems: list[Problem] = []
    problems += _unreachable_facts(knowledge)
    problems += _synonym_collisions(knowledge)
    matcher = Matcher(knowledge)
    responder = Responder(knowledge, matcher)
    finders: dict[Path, LineFinder] = {}
    owners: dict[str, str] = {}
    for intent in knowledge.intents.values():
        path = intent.file or Path("intents")
        finder = finders.setdefault(path, LineFinder(path))
        shown = _relative(path, knowledge.root)
        for example in intent.examples:
            line = finder.text(example)
            key = clean(example)
            first = owners.setdefault(key, intent.id)
            if first != intent.id:
                problems.append(Problem(shown, line, f"example {example!r} of intent '{intent.id}' also belongs to intent '{first}'"))
                continue
            if intent.reply:
                continue
            if not intent.slot and _only_names(matcher, example):
                problems.append(Problem(shown, line, f"example {example!r} of intent '{intent.id}' is only a name: "
                                        "the per-entity intents answer a bare name"))
                continue
            expected = None
            if intent.slot:
                filled = _with_entity(example, intent, knowledge)
                if filled is None:
                    continue
                example, entity_id = filled
                expected = responder.answer_intent(intent.id, entity_id)
            answer = responder.ask(example)
            if answer.outcome != "answer" and not intent.slot:
                got = ", ".join(s.intent for s in answer.suggestions) or "nothing"
                problems.append(Problem(shown, line, f"example {example!r} of intent '{intent.id}' is not answered "
                                        f"(outcome {answer.outcome}, score {answer.score:.2f}; suggests {got})"))
            elif answer.outcome == "answer" and answer.intent != intent.id and (
                    expected is None or answer.text != expected.text):
                problems.append(Problem(shown, line, f"example {example!r} of intent '{intent.id}' is answered "
                                        f"by intent '{answer.intent}'"))
    return problems


def _only_names(matcher: Matcher, example: str) -> bool:
    """True when nothing but one entity's name (besides the SCO itself) is left of an example."""
    analysis = matcher.analyse(example)
    named = {m.entity.id for m in analysis.mentions if not m.entity.context}
    context = {f"@{m.entity.id}" for m in analysis.mentions if m.entity.context}
    return len(named) == 1 and all(t.startswith("@") for t in analysis.terms if t not in context)


def _with_entity(example: str, intent: Intent, knowledge: Knowledge) -> tuple[str, str] | None:
    """A slot intent's example with its placeholder filled by the first entity the intent can
    answer for, and that entity's id."""
    entity = next((e for e in knowledge.entities.values()
                   if e.type == intent.slot and not e.context and knowledge.fact_about(e.id, intent.aspect or "")),
                  None)
    if entity is None:
        return None
    return example.replace("{" + (intent.slot or "") + "}", entity.name), entity.id


def _synonym_collisions(knowledge: Knowledge) -> list[Problem]:
    """Words of two concepts that stem alike ("states" and "stated"): the matcher could not tell
    them apart, so one concept would silently take the other's word."""
    path = knowledge.root / "intents" / "language.yaml"
    finder = LineFinder(path)
    owners: dict[str, tuple[str, str]] = {}
    problems = []
    for concept, phrases in knowledge.language.synonyms.items():
        for phrase in phrases:
            words = clean(phrase).split()
            if len(words) != 1:
                continue
            first = owners.setdefault(stem(words[0]), (concept, phrase))
            if first[0] != concept:
                problems.append(Problem(_relative(path, knowledge.root), finder.text(phrase),
                                        f"synonym '{phrase}' of '{concept}' reads the same as '{first[1]}' "
                                        f"of '{first[0]}' once stemmed"))
    return problems


def _unreachable_facts(knowledge: Knowledge) -> list[Problem]:
    reached = {f for i in knowledge.intents.values() for f in i.facts}
    slots = {(i.slot, i.aspect) for i in knowledge.intents.values() if i.slot}
    problems = []
    for fact in knowledge.facts.values():
        if fact.id in reached:
            continue
        if fact.aspect and any((knowledge.entities[e].type, fact.aspect) in slots
                               for e in fact.entities if not knowledge.entities[e].context):
            continue
        path = fact.file or knowledge.root / "data" / "facts"
        problems.append(Problem(_relative(path, knowledge.root), LineFinder(path).item("id", fact.id),
                                f"fact '{fact.id}' is reached by no intent"))
    return problems


def _relative(path: Path, root: Path) -> Path:
    try:
        return path.resolve().relative_to(root.resolve())
    except ValueError:
        return path
