"""Turn a match into an answer: the text a person reads, with the citations that support it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.cache import cache_path
from bot.matcher import Candidate, Match, Matcher, Outcome
from bot.model import Citation, Fact, Intent, Knowledge

NOT_COVERED = "The sources I answer from don't cover that."
NOT_UNDERSTOOD = "I'm not sure what you mean."
EMPTY = "Ask me a question about the SCO summit in Astana (3–4 July 2024)."
DEFAULT_UNANSWERED = "The sources don't say that about {name}."


@dataclass(frozen=True, slots=True)
class Suggestion:
    intent: str
    entity: str | None
    question: str


@dataclass(frozen=True, slots=True)
class Answer:
    question: str
    outcome: Outcome
    intent: str | None
    """The answered intent; None unless outcome is "answer"."""
    entity: str | None
    """The entity the answer is about, where the question named one."""
    score: float
    text: str | None
    """The answer in the project's words; None unless a fact or small-talk answer was given."""
    citations: tuple[Citation, ...] = ()
    facts: tuple[str, ...] = ()
    """Ids of the facts the answer is made of."""
    suggestions: tuple[Suggestion, ...] = ()
    """The closest intents, offered when the question was not understood well enough."""
    examples: tuple[Suggestion, ...] = ()
    """Example questions offered with a decline."""
    message: str | None = None
    """What to say instead of an answer: why the bot declines, or the lead-in to suggestions."""


class Responder:
    """Questions in, answers out: the matcher and the fact base together."""

    def __init__(self, knowledge: Knowledge, matcher: Matcher | None = None) -> None:
        self.knowledge = knowledge
        self.matcher = matcher or Matcher(knowledge)
        ranked = sorted((i for i in knowledge.intents.values() if i.popular), key=lambda i: i.popular)
        self.popular = tuple(Suggestion(i.id, None, i.question) for i in ranked)

    @classmethod
    def cached(cls, knowledge: Knowledge) -> Responder:
        """A responder for the products (console, bot) whose matcher keeps its reading of the
        examples in the user's cache between runs (`bot.index_cache`)."""
        return cls(knowledge, Matcher(knowledge, index_cache=cache_path(knowledge.root, "index")))

    def ask(self, question: str) -> Answer:
        return self.compose(self.matcher.match(question))

    def answer_intent(self, intent_id: str, entity_id: str | None = None) -> Answer | None:
        """The answer to a known intent (a pressed suggestion, a deep link); None if ids are unknown."""
        intent = self.knowledge.intents.get(intent_id)
        entity = self.knowledge.entities.get(entity_id) if entity_id else None
        if intent is None or (entity_id and entity is None) or bool(intent.slot) != bool(entity):
            return None
        if entity is not None and entity.type != intent.slot:
            return None
        question = suggestion_question(intent, entity.name if entity else None)
        candidate = Candidate(intent, 1.0, (entity,) if entity else ())
        return self.compose(Match(question, "answer", candidate))

    def compose(self, match: Match) -> Answer:
        best = match.best
        if match.outcome == "answer" and best is not None:
            return self._answered(match.question, best)
        if match.outcome == "suggest":
            return Answer(match.question, "suggest", None, _entity_id(best), match.score, None,
                          suggestions=tuple(self.suggestion(c) for c in match.suggestions),
                          message=NOT_UNDERSTOOD)
        message = EMPTY if not match.question.strip() else NOT_COVERED
        return Answer(match.question, "abstain", None, None, match.score, None,
                      examples=self.popular[:3], message=message)

    def suggestion(self, candidate: Candidate) -> Suggestion:
        entity = candidate.entities[0] if candidate.entities else None
        return Suggestion(candidate.intent.id, entity.id if entity else None,
                          suggestion_question(candidate.intent, entity.name if entity else None))

    def _answered(self, question: str, best: Candidate) -> Answer:
        intent = best.intent
        if intent.reply:
            return Answer(question, "answer", intent.id, None, best.score, intent.reply)
        if intent.slot:
            return self._slot_answer(question, best)
        facts = [self.knowledge.facts[f] for f in intent.facts]
        return Answer(question, "answer", intent.id, None, best.score, _join(facts), _citations(facts),
                      tuple(f.id for f in facts))

    def _slot_answer(self, question: str, best: Candidate) -> Answer:
        intent = best.intent
        template = intent.unanswered or DEFAULT_UNANSWERED
        if best.unknown_name is not None:
            name = _display_name(best.unknown_name, question)
            return Answer(question, "abstain", None, None, best.score, None,
                          message=template.format(name=name), examples=self.popular[:3])
        facts: list[Fact] = []
        missing: list[str] = []
        for entity in best.entities:
            fact = self.knowledge.fact_about(entity.id, intent.aspect or "")
            if fact is None:
                missing.append(template.format(name=entity.name))
            elif fact not in facts:
                facts.append(fact)
        first = best.entities[0].id if best.entities else None
        if not facts:
            return Answer(question, "abstain", None, first, best.score, None, message=" ".join(missing))
        text = "\n\n".join([_join(facts), *missing]) if missing else _join(facts)
        return Answer(question, "answer", intent.id, first, best.score, text, _citations(facts),
                      tuple(f.id for f in facts))


def suggestion_question(intent: Intent, entity_name: str | None) -> str:
    return intent.question.replace("{name}", entity_name) if entity_name else intent.question


def _entity_id(candidate: Candidate | None) -> str | None:
    return candidate.entities[0].id if candidate and candidate.entities else None


def _join(facts: list[Fact]) -> str:
    return "\n\n".join(f.answer for f in facts)


def _citations(facts: list[Fact]) -> tuple[Citation, ...]:
    seen: dict[tuple[str, str], Citation] = {}
    for fact in facts:
        for citation in fact.citations:
            seen.setdefault((citation.source.id, citation.quote), citation)
    return tuple(seen.values())


def _display_name(name: str, question: str) -> str:
    """An unknown name as the question wrote it, when it has capitals ("McDonald"); otherwise
    capitalized, and a two-letter one in capitals ("uk": "UK")."""
    typed = re.search(rf"(?<!\w){re.escape(name)}(?!\w)", question, re.IGNORECASE)
    if typed and not typed.group().islower():
        return typed.group()
    return name.upper() if len(name) <= 2 else name.capitalize()
