"""Evaluate the matcher on a labelled question set (YAML) and report what users would feel."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from bot.answer import Answer, Responder
from bot.model import Intent, Knowledge


class LabelledSetError(Exception):
    pass


@dataclass(frozen=True, slots=True)
class Item:
    question: str
    intent: str | None
    """Expected intent; None when the bot must not answer with a fact."""
    entity: str | None = None


@dataclass(slots=True)
class Report:
    items: int = 0
    answerable: int = 0
    abstain_items: int = 0
    correct: int = 0
    wrong: int = 0
    out_of_scope_answered: int = 0
    abstained: int = 0
    abstained_rightly: int = 0
    suggested: int = 0
    suggestion_hits: int = 0
    misses: list[tuple[Item, Answer]] = field(default_factory=list)

    @property
    def correct_rate(self) -> float:
        return self.correct / self.answerable if self.answerable else 1.0

    @property
    def wrong_rate(self) -> float:
        return self.wrong / self.items if self.items else 0.0

    @property
    def out_of_scope_rate(self) -> float:
        return self.out_of_scope_answered / self.abstain_items if self.abstain_items else 0.0

    @property
    def abstain_precision(self) -> float:
        return self.abstained_rightly / self.abstained if self.abstained else 1.0

    @property
    def abstain_recall(self) -> float:
        return self.abstained_rightly / self.abstain_items if self.abstain_items else 1.0

    @property
    def suggestion_hit_rate(self) -> float:
        return self.suggestion_hits / self.suggested if self.suggested else 0.0


def load_items(path: Path, responder: Responder) -> list[Item]:
    """Read a labelled set: a list of {question, intent, entity} or {question, abstain: true}."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise LabelledSetError(f"{path}: {error}") from None
    if not isinstance(data, list):
        raise LabelledSetError(f"{path}: must be a list of items")
    items = []
    for number, raw in enumerate(data, 1):
        items.append(_item(path, number, raw, responder))
    return items


def _item(path: Path, number: int, raw: Any, responder: Responder) -> Item:
    where = f"{path}: item {number}"
    if not isinstance(raw, dict) or not isinstance(raw.get("question"), str):
        raise LabelledSetError(f"{where}: needs a 'question'")
    if raw.get("abstain") is True:
        return Item(raw["question"], None)
    intent, entity = raw.get("intent"), raw.get("entity")
    if intent not in responder.knowledge.intents:
        raise LabelledSetError(f"{where}: unknown intent {intent!r}")
    if entity is not None and entity not in responder.knowledge.entities:
        raise LabelledSetError(f"{where}: unknown entity {entity!r}")
    return Item(raw["question"], intent, entity)


def evaluate(items: list[Item], responder: Responder) -> Report:
    report = Report()
    for item in items:
        answer = responder.ask(item.question)
        report.items += 1
        answered_fact = answer.outcome == "answer" and bool(answer.citations)
        if answer.outcome == "abstain":
            report.abstained += 1
            report.abstained_rightly += item.intent is None
        if item.intent is None:
            report.abstain_items += 1
            if answered_fact:
                report.out_of_scope_answered += 1
                report.wrong += 1
                report.misses.append((item, answer))
            continue
        report.answerable += 1
        right = _same_answer(item, answer, responder)
        if answer.outcome == "answer":
            if right:
                report.correct += 1
                continue
            report.wrong += 1
        elif answer.outcome == "suggest":
            report.suggested += 1
            report.suggestion_hits += any(
                s.intent == item.intent and (item.entity is None or s.entity == item.entity)
                for s in answer.suggestions
            )
        report.misses.append((item, answer))
    return report


def _same_answer(item: Item, answer: Answer, responder: Responder) -> bool:
    """The expected intent (and entity), or another intent that gives the very same facts: the
    person asking reads the same answer either way."""
    if answer.intent == item.intent and (item.entity is None or answer.entity == item.entity):
        return True
    expected = responder.answer_intent(item.intent, item.entity)
    return bool(expected and expected.facts and answer.facts == expected.facts)


def format_report(report: Report, *, worst: int = 15) -> str:
    lines = [
        f"items: {report.items} ({report.answerable} answerable, {report.abstain_items} to abstain)",
        f"correct answers: {report.correct}/{report.answerable} = {report.correct_rate:.1%}"
        " (the expected intent, or one giving the same facts)",
        f"wrong answers: {report.wrong}/{report.items} = {report.wrong_rate:.1%}",
        f"out of scope answered with a fact: {report.out_of_scope_answered}/{report.abstain_items}"
        f" = {report.out_of_scope_rate:.1%}",
        f"abstain precision: {report.abstain_precision:.1%}  recall: {report.abstain_recall:.1%}",
        f"suggestion hit rate: {report.suggestion_hits}/{report.suggested} = {report.suggestion_hit_rate:.1%}",
    ]
    misses = sorted(report.misses, key=lambda m: (m[1].outcome != "answer", -m[1].score))
    if misses:
        lines.append(f"worst misses ({min(worst, len(misses))} of {len(misses)}):")
        for item, answer in misses[:worst]:
            expected = item.intent or "abstain"
            if item.entity:
                expected += f"[{item.entity}]"
            got = answer.intent or (answer.suggestions[0].intent + "?" if answer.suggestions else answer.outcome)
            if answer.entity:
                got += f"[{answer.entity}]"
            lines.append(f"  {answer.outcome:8} {answer.score:.2f}  {item.question!r}: expected {expected}, got {got}")
    return "\n".join(lines)


def cross_validation(knowledge: Knowledge, folds: int) -> Report:
    """Hold out every `folds`-th example of each intent in turn, match it with a matcher built on
    the rest, and add up: how well the intents generalize to wordings they do not contain. Needs
    no labelled set, so thresholds can be calibrated without looking at the test questions."""
    total = Report()
    for fold in range(folds):
        kept: dict[str, Intent] = {}
        items: list[Item] = []
        for intent in knowledge.intents.values():
            held = [e for n, e in enumerate(intent.examples) if n % folds == fold and not intent.reply]
            kept[intent.id] = replace(intent, examples=tuple(e for e in intent.examples if e not in held))
            items += [_held_out_item(example, intent, knowledge) for example in held]
        responder = Responder(replace(knowledge, intents=MappingProxyType(kept)))
        report = evaluate([i for i in items if i is not None], responder)
        for name in ("items", "answerable", "abstain_items", "correct", "wrong", "out_of_scope_answered",
                     "abstained", "abstained_rightly", "suggested", "suggestion_hits"):
            setattr(total, name, getattr(total, name) + getattr(report, name))
        total.misses += report.misses
    return total


def _held_out_item(example: str, intent: Intent, knowledge: Knowledge) -> Item | None:
    """A held-out example as a test item; a slot's placeholder filled with an entity it can answer for."""
    if not intent.slot:
        return Item(example, intent.id)
    placeholder = "{" + intent.slot + "}"
    candidates = [e for e in knowledge.entities.values()
                  if e.type == intent.slot and not e.context and knowledge.fact_about(e.id, intent.aspect or "")]
    if not candidates:
        return None
    entity = candidates[sum(map(ord, example)) % len(candidates)]
    return Item(example.replace(placeholder, entity.name), intent.id, entity.id)
