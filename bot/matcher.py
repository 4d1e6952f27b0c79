"""Match a question to an intent: answer, suggest, or abstain.

The question is cleaned (`bot.text.clean`), words typed together are split, entities are found
(`bot.entities`), other words are spell-corrected against the intents' vocabulary (`bot.spelling`)
and turned into terms (stems and concepts, `bot.text.Analyzer`). Each intent's examples went
through the same steps when the index was built. A question is scored against each example by a
weighted F1 of shared terms: weights are inverse intent frequencies, so rare words count and common
ones barely do, and precision keeps a long question that merely shares common words from scoring
high. For a slot intent ("is <country> a member?") the entity's words are replaced by the slot, so
one intent serves every country. A second view ranks the candidates with it: each intent's
posterior probability by naive Bayes over the terms of all its examples.
"""

from __future__ import annotations

import gc
import math
import re
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Iterable, Iterator, Literal

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from bot.asking import KINDS, asked_kinds, given_kinds
from bot.entities import EntityFinder, Mention
from bot.index_cache import ExampleReading, fingerprint, load_readings, save_readings
from bot.model import Entity, Intent, Knowledge
from bot.spelling import MIN_DOUBLING_LENGTH, Speller, slips
from bot.text import MAX_CHARS, Analyzer, clean

Outcome = Literal["answer", "suggest", "abstain"]

# Decision thresholds, calibrated on tests/dev_questions.yaml by `python -m tests.bench.calibrate`
# (never on the test set, tests/questions.yaml).
ANSWER_THRESHOLD = 0.7
"""Score from which the best intent is answered outright, unless a rival is within MARGIN of it."""
MARGIN = 0.02
SURE = 0.95
"""Score from which the best intent is answered even with a rival within MARGIN."""
LEAD_THRESHOLD = 0.5
LEAD = 0.2
"""A best intent scoring from LEAD_THRESHOLD is answered too when it leads every rival by LEAD: long,
chatty questions score lower, and one intent standing out is as telling as a high score. Rivals
are the other candidates giving other facts, except an intent serving any entity when the best one's
facts are about the entities it is filled with; those under SUGGESTION_FLOOR of the best are none.
Not when the question names an entity the intent's examples never do ("population of Kazakhstan"
is not the SCO's): that needs a high score."""
SUGGEST_THRESHOLD = 0.32
"""Score from which intents are offered as suggestions."""
SMALLTALK_RATIO = 88
"""How alike (rapidfuzz token_set_ratio) a message of stopwords only must be to a small-talk example."""
ADDRESSING = frozenset({"you", "your", "yours", "yourself", "u", "ur", "bot"})
"""Words of a message addressed to the bot itself ("what kind of bot are you")."""
SHORT_TYPO_LENGTH = 3
"""Shortest misspelled stopword or question word corrected ("teh", "wen")."""
QUESTION_WORDS = frozenset({"who", "when", "where", "why", "how", "which"})
"""Short words that tell questions apart: corrected when slightly misspelled, like stopwords."""
MIN_PART_LENGTH = 2
"""Shortest word found in two typed together ("inthe")."""
SENTENCE_END = re.compile(r"(?<=[.!?:;])\s+")
"""Where a message's sentences (and the clauses ending with a colon: "quick one: who came?") part."""
MAX_SUGGESTIONS = 3
MIN_SCORE = 0.1
"""Intents scoring below this are not candidates at all: they could never be suggested."""
SUGGESTION_FLOOR = 0.6
"""A suggestion must score at least this share of the best one."""
KEYWORD_PENALTY = 0.6
CONTEXT_WEIGHT = 0.3
"""Share of its usual weight that a context entity (the SCO, Astana) keeps: nearly every question
is about them, so naming them says little about which question it is."""
SLOT_WEIGHT_CAP = 0.6
"""In a slot intent the slot weighs what the entity's name weighs, at most this share of the rarest
word: every slot intent shares the entity, so the other words must decide between them."""
UNKNOWN_SLOT_PENALTY = 0.9
"""A slot filled by a word the gazetteer does not know scores a little lower than a known entity."""
UNEXPLAINED_ENTITY_PENALTY = 0.7
"""A question naming an entity that no example of an intent names (and that fills no slot) is
probably about something else: "what is the population of Kazakhstan?" is not the SCO's."""
UNSHARED_ENTITY_PENALTY = 0.9
"""A question naming an entity that other examples of the intent name, but not the matched one, is
likely a paraphrase spreading its words over several examples ("did Xi and Putin visit Central
Asia?" against "did Putin pay an official visit to Kazakhstan?", while others name Xi and Central
Asia)."""
MAX_UNKNOWN_SLOT_TERMS = 6
LEADER_CONCEPT = "leader"
"""The concept (intents/language.yaml) of "president", "prime minister"...: with a country and no
person named, "the Iranian president" stands for a person the gazetteer may not know."""
COVERAGE_WEIGHT = 0.2
"""Share of a candidate's score that depends on how much of the question (by weight) its intent's
examples use anywhere: a paraphrase spreads its words over several examples of the right intent."""
ASKED_KINDS = frozenset({"when", "where", "number", "money", "clock"})
"""Terms that say what kind of answer a question wants (a date, a place, a count, a sum, a time)."""
UNASKED_KIND_PENALTY = 0.7
"""An intent none of whose examples asks for the kind of answer a question wants is likely a near
miss: "when did Mongolia become an observer?" is not answered by Mongolia's status."""
UNANSWERED_KIND_PENALTY = 0.5
"""A question asking for a kind of answer (`bot.asking`: a date, an age, a count, a sum, a time) that
the facts a candidate answers with do not hold is a near miss: "when did Mongolia become an
observer?" is not answered by Mongolia's status, which gives no date."""
CONJUNCTIONS = frozenset({"and", "or", "nor", "both", "either", "plus", "as", "well"})
LIKELIHOOD_WEIGHT = 0.4
"""Share of a candidate's score that its intent's posterior probability (naive Bayes over the terms
its examples hold) can take away: the best single example says how close a question comes to one
way of asking, the posterior how much its words, wherever they are in an intent's examples, point
to that intent rather than to another."""
LIKELIHOOD_SMOOTHING = 0.2
"""Pseudo-count of a term's presence in an intent's examples (additive smoothing)."""
UNKNOWN_WEIGHT = 1.5
"""A word no intent uses weighs this many times the rarest known word: a question about something
the intents never mention is most likely about something the sources do not cover."""


@dataclass(frozen=True, slots=True)
class Candidate:
    intent: Intent
    score: float
    entities: tuple[Entity, ...] = ()
    unknown_name: str | None = None
    """A word in the slot's place that names nothing in the gazetteer ("is France a member?")."""
    unexplained: bool = False
    """The question names an entity that none of the intent's examples name."""


_Scored = tuple[float, int, tuple[Entity, ...], str | None, bool]
"""A candidate in the making: score, the intent's position, entities, unknown name, unexplained."""


@dataclass(frozen=True, slots=True)
class Match:
    question: str
    outcome: Outcome
    best: Candidate | None
    """The answered candidate (outcome "answer"), else the closest one, if any."""
    suggestions: tuple[Candidate, ...] = ()

    @property
    def score(self) -> float:
        return self.best.score if self.best else 0.0


@dataclass(frozen=True, slots=True)
class Analysis:
    """A text as the matcher sees it."""

    words: tuple[str, ...]
    terms: tuple[str, ...]
    mentions: tuple[Mention, ...]
    unknown: tuple[tuple[str, str], ...] = ()
    """(word as typed, its term) for words found nowhere in the vocabulary."""
    asks: frozenset[str] = frozenset()
    """The kinds of answer the text asks for (`bot.asking.asked_kinds`)."""


@dataclass(slots=True)
class _Example:
    intent: int
    terms: frozenset[str]
    weight: float = 0.0
    """Total weight of the terms, the slot's excepted: a slot weighs what the entity filling it does."""
    slot: str | None = None


@dataclass(slots=True)
class _Index:
    examples: list[_Example] = field(default_factory=list)
    postings: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))


def _slot_term(entity_type: str) -> str:
    return "{" + entity_type + "}"


def _could_be_name(word: str) -> bool:
    """Whether an unknown word could name something ("france"), unlike "20th" or "2025"."""
    return not any(char.isdigit() for char in word)


def _interleave(parts: list[list[str]], separator: str) -> list[list[str]]:
    joined: list[list[str]] = []
    for number, part in enumerate(parts):
        if number:
            joined.append([separator])
        joined.append(part)
    return joined


@contextmanager
def _without_garbage_collection() -> Iterator[None]:
    """Building the index makes many small objects and no reference cycles: collecting garbage
    meanwhile only costs time (about 10 ms of start-up)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class Matcher:
    def __init__(self, knowledge: Knowledge, *, index_cache: Path | None = None) -> None:
        """`index_cache`: a file keeping the examples' readings between runs (`bot.index_cache`)."""
        with _without_garbage_collection():
            self._build(knowledge, index_cache)

    def _build(self, knowledge: Knowledge, index_cache: Path | None) -> None:
        self.knowledge = knowledge
        self.analyzer = Analyzer(knowledge.language)
        self.intents: list[Intent] = [i for i in knowledge.intents.values() if not i.reply]
        self._context_terms = frozenset(f"@{e.id}" for e in knowledge.entities.values() if e.context)
        self.smalltalk: list[Intent] = [i for i in knowledge.intents.values() if i.reply]
        frequency = Counter(w for i in knowledge.intents.values() for e in i.examples for w in clean(e).split())
        example_words = frozenset(frequency)
        self._finder = EntityFinder(knowledge.entities.values(), example_words | self.analyzer.vocabulary_words)
        self.vocabulary = frozenset(example_words | self.analyzer.vocabulary_words | self._finder.alias_words)
        by_frequency = sorted(self.vocabulary, key=lambda w: (-frequency[w], w))
        self._speller = Speller(w for w in by_frequency if len(w) >= 4 and not w.isdigit())
        self._joinable = self.analyzer.stopwords | QUESTION_WORDS | {
            w for w in self._finder.alias_words if len(w) > MIN_PART_LENGTH}
        """Words found typed together with another ("theSCO", "whoattended", "russiachina"); not
        names as short as prefixes ("unfocused" is not "UN focused")."""
        self._short_slips: dict[str, str] = {}
        """Misspelled stopwords and question words too short for the speller ("teh", "wen", "hwo"),
        which corrects longer slips ("waht") itself; words this short are corrected to nothing else,
        since one edit turns a name into another ("uk", "us")."""
        for word in by_frequency:
            if word in self.analyzer.stopwords or word in QUESTION_WORDS:
                for slip in slips(word):
                    if SHORT_TYPO_LENGTH <= len(slip) < MIN_DOUBLING_LENGTH and slip not in self.vocabulary:
                        self._short_slips.setdefault(slip, word)
        self._smalltalk_examples = [(clean(e), i) for i in self.smalltalk for e in i.examples]
        self._smalltalk_words: dict[str, set[str]] = defaultdict(set)
        for example, intent in self._smalltalk_examples:
            self._smalltalk_words[intent.id].update(example.split())
        self._smalltalk_plain: dict[frozenset[str], list[Intent]] = defaultdict(list)
        """Small talk by the words of its examples that are neither stopwords nor courtesy words."""
        self._smalltalk_plain_by_intent: dict[str, set[str]] = defaultdict(set)
        for example, intent in self._smalltalk_examples:
            plain = frozenset(self._plain_words(example.split()))
            if intent not in self._smalltalk_plain[plain]:
                self._smalltalk_plain[plain].append(intent)
            self._smalltalk_plain_by_intent[intent.id].update(plain)
        self._smalltalk_plain_words = frozenset().union(*self._smalltalk_plain)
        self._fact_kinds: dict[str, frozenset[str]] = {}
        """The kinds of answer each fact holds, found when first needed (it takes longer than
        start-up can spare, and few questions ask for a kind)."""
        self._build_index(self._example_readings(index_cache))

    # -- index -----------------------------------------------------------------------------------

    def _example_readings(self, index_cache: Path | None) -> list[list[ExampleReading]]:
        """Each intent's examples as terms and asked kinds, from `index_cache` when it is still valid."""
        if index_cache is None:
            return self._read_examples()
        key = fingerprint(self.knowledge)
        readings = load_readings(index_cache, key, self.intents)
        if readings is None:
            readings = self._read_examples()
            save_readings(index_cache, key, readings)
        return readings

    def _read_examples(self) -> list[list[ExampleReading]]:
        return [[self._example_analysis(e, intent) for e in intent.examples] for intent in self.intents]

    def _build_index(self, readings: list[list[ExampleReading]]) -> None:
        analysed = [[terms for terms, _ in examples] for examples in readings]
        self._asked_by_examples = [frozenset().union(*(asks for _, asks in examples)) for examples in readings]
        per_intent_terms = [set().union(*examples) for examples in analysed]
        self._intent_terms = [frozenset(t) for t in per_intent_terms]
        document_frequency: dict[str, int] = defaultdict(int)
        for terms in per_intent_terms:
            for term in terms:
                document_frequency[term] += 1
        count = len(self.intents)
        self._weights = {t: math.log(1 + count / df) for t, df in document_frequency.items()}
        self._max_known_weight = math.log(1 + count)
        self._unknown_weight = UNKNOWN_WEIGHT * self._max_known_weight
        self._keyword_terms = [
            [frozenset(self.example_terms(k, intent)) for k in intent.keywords] for intent in self.intents
        ]
        self._indices: dict[str | None, _Index] = defaultdict(_Index)
        self._build_likelihoods(analysed)
        for position, (intent, examples) in enumerate(zip(self.intents, analysed)):
            index = self._indices[intent.slot]
            slot = _slot_term(intent.slot) if intent.slot else None
            for terms in dict.fromkeys(examples):
                number = len(index.examples)
                weight = sum(self.weight(t) for t in terms if t != slot)
                index.examples.append(_Example(position, terms, weight, slot if slot in terms else None))
                for term in terms:
                    index.postings[term].append(number)

    def _build_likelihoods(self, analysed: list[list[frozenset[str]]]) -> None:
        """For naive Bayes: in how many of each intent's distinct examples each term is. A slot stands
        for any entity of its type, so the odds that it is the one named are shared among them all:
        otherwise every question naming a person would look like "what did {person} say?"."""
        entities_of_type = Counter(e.type for e in self.knowledge.entities.values() if not e.context)
        self._presence: dict[str | None, dict[str, list[tuple[int, float]]]] = defaultdict(
            lambda: defaultdict(list))
        """Per slot type: term -> (intent position, log of how much likelier the intent's examples
        hold the term than not)."""
        self._absent_log: dict[str | None, list[tuple[int, float]]] = defaultdict(list)
        """Per slot type, per intent: the log-probability that its examples hold a given known term
        they lack."""
        for position, (intent, examples) in enumerate(zip(self.intents, analysed)):
            distinct = set(examples)
            having = Counter(t for terms in distinct for t in terms)
            for term, count in having.items():
                gain = math.log((count + LIKELIHOOD_SMOOTHING) / LIKELIHOOD_SMOOTHING)
                if term[0] == "{":
                    gain -= math.log(entities_of_type[intent.slot])
                self._presence[intent.slot][term].append((position, gain))
            self._absent_log[intent.slot].append(
                (position, math.log(LIKELIHOOD_SMOOTHING / (len(distinct) + 2 * LIKELIHOOD_SMOOTHING))))
        self._known_terms = frozenset(t for presence in self._presence.values() for t in presence)

    def _posteriors(self, terms_by_slot: dict[str | None, list[str]]) -> dict[int, float]:
        """Each intent's posterior probability (uniform prior) given the question's known terms, in
        the variant of its slot type (a slot intent whose slot no entity fills reads the plain terms)."""
        known = {slot: [t for t in terms if t in self._known_terms] for slot, terms in terms_by_slot.items()}
        log_likelihood: dict[int, float] = {}
        for slot, absent_logs in self._absent_log.items():
            count = len(known.get(slot, known[None]))
            for position, absent in absent_logs:
                log_likelihood[position] = count * absent
        for slot, presence in self._presence.items():
            for term in known.get(slot, known[None]):
                for position, gain in presence.get(term, ()):
                    log_likelihood[position] += gain
        top = max(log_likelihood.values())
        odds = {p: math.exp(value - top) for p, value in log_likelihood.items()}
        total = sum(odds.values())
        return {p: value / total for p, value in odds.items()}

    def weight(self, term: str) -> float:
        weight = self._weights.get(term, self._unknown_weight)
        return weight * CONTEXT_WEIGHT if term in self._context_terms else weight

    def example_terms(self, example: str, intent: Intent) -> frozenset[str]:
        """An example's terms; in a slot intent, mentions of the slot's type become the slot."""
        return self._example_analysis(example, intent)[0]

    def _example_analysis(self, example: str, intent: Intent) -> tuple[frozenset[str], frozenset[str]]:
        """An example's terms (see `example_terms`) and the kinds of answer it asks for."""
        analysis = self.analyse(example, slot=intent.slot)
        if not intent.slot:
            return frozenset(analysis.terms), analysis.asks
        slot = _slot_term(intent.slot)
        of_slot_type = {f"@{m.entity.id}" for m in analysis.mentions
                        if m.entity.type == intent.slot and not m.entity.context}
        return frozenset(slot if t in of_slot_type else t for t in analysis.terms), analysis.asks

    # -- analysis --------------------------------------------------------------------------------

    def analyse(self, text: str, *, slot: str | None = None) -> Analysis:
        """The terms of `text`; with `slot`, the placeholder "{slot}" in it is kept as a term."""
        if slot:
            parts = [clean(part).split() for part in text.split(_slot_term(slot))]
            words = [w for part in _interleave(parts, _slot_term(slot)) for w in part]
        else:
            words = self._separated(clean(text).split())
        return self._analyse_words(words)

    def _analyse_words(self, words: list[str]) -> Analysis:
        mentions = self._finder.find(words)
        tokens: list[str] = []
        unknown: list[tuple[str, str]] = []
        position = 0
        for mention in mentions:
            tokens.extend(self._correct(words[position:mention.start], unknown))
            tokens.append(f"@{mention.entity.id}")
            position = mention.end
        tokens.extend(self._correct(words[position:], unknown))
        terms = self.analyzer.terms(tokens, self._context_terms)
        unknown_terms = tuple((word, term) for word, term in unknown)
        return Analysis(tuple(words), tuple(dict.fromkeys(terms)), tuple(mentions), unknown_terms,
                        asked_kinds(self.analyzer.without_filler_phrases(tokens)))

    def _correct(self, words: Iterable[str], unknown: list[tuple[str, str]]) -> list[str]:
        corrected = []
        for word in words:
            if word in self.vocabulary or word.isdigit() or word.startswith("{"):
                corrected.append(word)
                continue
            replacement = self._speller.correct(word) or self._short_slips.get(word)
            if replacement is None:
                unknown.extend((word, term) for term in self.analyzer.terms([word]))
                corrected.append(word)
            else:
                corrected.append(replacement)
        return corrected

    # -- matching --------------------------------------------------------------------------------

    def match(self, question: str) -> Match:
        """The outcome for `question`; when it is not answered and holds one question amid chat
        ("hope you're well. was iran there?", "who is tokayev? sorry, new here"), the answer to that
        question alone."""
        matched = self._match(question)
        if matched.outcome != "answer":
            asked = self._asked_amid_chat(question)
            alone = self._match(asked) if asked else None
            if alone is not None and alone.outcome == "answer":
                return Match(question, "answer", alone.best)
        return matched

    def _asked_amid_chat(self, question: str) -> str | None:
        """The one sentence of a message of several that asks (ends with "?"), when the others read as
        chat around it: none holds a word the intents never use, a number, or a name the question lacks
        ("about the 2023 summit in india. who came?" is no chat); after the question, no name at all
        ("does tokayev speak chinese? he worked in beijing" asks about Beijing too)."""
        sentences = [s for s in SENTENCE_END.split(question[:MAX_CHARS].strip()) if clean(s)]
        asking = [s for s in sentences if s.endswith("?")]
        if len(sentences) < 2 or len(asking) != 1:
            return None
        asked = asking[0]
        asked_at = sentences.index(asked)
        named = {m.entity for m in self.analyse(asked).mentions}
        for number, sentence in enumerate(sentences):
            if number == asked_at:
                continue
            after = number > asked_at
            chat = self.analyse(sentence)
            if (chat.unknown or any(w.isdigit() for w in chat.words)
                    or any((after or m.entity not in named) and not m.entity.context for m in chat.mentions)):
                return None
        return asked

    def _match(self, question: str) -> Match:
        words = self._separated(clean(question).split())
        smalltalk = self._smalltalk(words)
        if smalltalk is not None:
            return Match(question, "answer", smalltalk)
        analysis = self._analyse_words(words)
        if not analysis.words:
            return Match(question, "abstain", None)
        candidates = self._rank(analysis)
        if not candidates or candidates[0].score < SUGGEST_THRESHOLD:
            return Match(question, "abstain", candidates[0] if candidates else None)
        best = candidates[0]
        best_facts = self.facts_of(best)
        runner_up = next((c for c in candidates[1:] if c.intent.id != best.intent.id
                          and (not best_facts or self.facts_of(c) != best_facts)
                          and not self._answers_more_closely(best, c)), None)
        lead = best.score - (runner_up.score if runner_up else 0.0)
        confident = best.score >= ANSWER_THRESHOLD and (lead >= MARGIN or best.score >= SURE)
        if confident or (best.score >= LEAD_THRESHOLD and lead >= LEAD and not best.unexplained):
            return Match(question, "answer", best)
        floor = max(SUGGEST_THRESHOLD, best.score * SUGGESTION_FLOOR)
        suggestions = self._distinct([c for c in candidates if c.score >= floor and c.unknown_name is None])
        if not suggestions:
            return Match(question, "abstain", best)
        return Match(question, "suggest", best, suggestions)

    def _answers_more_closely(self, best: Candidate, rival: Candidate) -> bool:
        """Whether `best`, an intent of its own, answers for the entities that `rival`, an intent
        serving any entity, is filled with: its facts name them all. "umarov says the sco's only
        advantage is its size" asks for that view of his, not for whatever Umarov said."""
        if best.intent.slot or not rival.intent.slot or not rival.entities:
            return False
        named = {e for fact in best.intent.facts for e in self.knowledge.facts[fact].entities}
        return all(e.id in named for e in rival.entities)

    def _separated(self, words: list[str]) -> list[str]:
        """Words with the space between them left out ("theSCO", "whoattended", "russiachina") split
        apart, when the word is neither known nor a known word with one letter wrong: a left-out
        space is a slip of one letter too."""
        separated: list[str] = []
        for word in words:
            split = None if word in self.vocabulary or word.isdigit() else self._split(word)
            correction = self._speller.correct(word) if split else None
            if split and (correction is None or OSA.distance(word, correction) > 1):
                separated.extend(split)
            else:
                separated.append(word)
        return separated

    def _split(self, word: str) -> tuple[str, str] | None:
        """Two known words that make `word`: one of them a little word or a name, or two words an
        example uses together ("summitvenue", "combinedgdp"). Two other words are more often a
        compound ("airport" is not "air port", "passport" not "pass port")."""
        for end in range(MIN_PART_LENGTH, len(word) - MIN_PART_LENGTH + 1):
            head, tail = word[:end], word[end:]
            if head in self.vocabulary and tail in self.vocabulary and (
                    head in self._joinable or tail in self._joinable or self._used_together(head, tail)):
                return head, tail
        return None

    def _used_together(self, first: str, second: str) -> bool:
        having = self._examples_having
        return not having.get(first, set()).isdisjoint(having.get(second, ()))

    @cached_property
    def _examples_having(self) -> dict[str, set[int]]:
        """The examples (by number) using each word; found when first needed, as few questions hold
        two words typed together."""
        having: dict[str, set[int]] = defaultdict(set)
        examples = (e for i in self.knowledge.intents.values() for e in i.examples)
        for number, example in enumerate(examples):
            for word in clean(example).split():
                having[word].add(number)
        return having

    def _distinct(self, candidates: list[Candidate]) -> tuple[Candidate, ...]:
        """At most MAX_SUGGESTIONS candidates, one per distinct answer."""
        chosen: list[Candidate] = []
        seen: set[tuple[str, ...]] = set()
        for candidate in candidates:
            answer = self.facts_of(candidate) or (candidate.intent.id,)
            if answer not in seen:
                seen.add(answer)
                chosen.append(candidate)
        return tuple(chosen[:MAX_SUGGESTIONS])

    def facts_of(self, candidate: Candidate) -> tuple[str, ...]:
        """The facts a candidate would answer with (empty when it would decline)."""
        return self._facts(candidate.intent, candidate.entities)

    def _facts(self, intent: Intent, entities: tuple[Entity, ...]) -> tuple[str, ...]:
        if not intent.slot:
            return intent.facts
        found = (self.knowledge.fact_about(e.id, intent.aspect or "") for e in entities)
        return tuple(f.id for f in found if f is not None)

    def _plain_words(self, words: Iterable[str]) -> set[str]:
        return {w for w in words if w not in self.analyzer.stopwords and w not in self.analyzer.courtesy}

    def _smalltalk(self, words: list[str]) -> Candidate | None:
        """Small talk, or None. A message whose words beyond stopwords and courtesy words are those
        of a small-talk example ("hi there bot", "thx a lot", "ok cya"), or else, addressed to the
        bot, words all found in one small talk's examples ("what kind of bot are you"), gets the
        small talk sharing most of its words; a message of stopwords only ("what can u do") the one
        worded closest."""
        content_words = [w for w in words if w not in self.analyzer.stopwords]
        plain = self._plain_words(content_words)
        if any(w in self.vocabulary and w not in self._smalltalk_plain_words for w in plain):
            return None  # a known word that no small talk has: no need to correct the spelling
        content = {w if w in self.vocabulary else self._speller.correct(w) or w for w in content_words}
        if not content:
            return self._worded_like(" ".join(words)) if words else None
        plain = self._plain_words(content)
        intents = self._smalltalk_plain.get(frozenset(plain))
        if not intents and ADDRESSING.intersection(words):
            intents = [i for i in self.smalltalk if plain <= self._smalltalk_plain_by_intent[i.id]]
        if not intents:
            return None
        said = content.union(words)
        text = " ".join(words)

        def likeness(intent: Intent) -> tuple[int, float]:
            """Words shared with the intent's examples, then how alike the closest one is ("thx")."""
            return (len(said & self._smalltalk_words[intent.id]),
                    max(fuzz.ratio(text, e) for e, i in self._smalltalk_examples if i is intent))

        return Candidate(max(intents, key=likeness), 1.0)

    def _worded_like(self, text: str) -> Candidate | None:
        best_score, best_intent = 0.0, None
        for example, intent in self._smalltalk_examples:
            score = fuzz.token_set_ratio(text, example)
            if score > best_score:
                best_score, best_intent = score, intent
        if best_intent is None or best_score < SMALLTALK_RATIO:
            return None
        return Candidate(best_intent, best_score / 100)

    def _rank(self, analysis: Analysis) -> list[Candidate]:
        """Candidates best first, one per (intent, entities), down to SUGGESTION_FLOOR of the best
        one's score: lower ones could neither be suggested nor put the best one's lead in doubt."""
        by_type = self._slot_fillers(analysis)
        terms = list(analysis.terms)
        terms_by_slot: dict[str | None, list[str]] = {None: terms}
        candidates: list[_Scored] = []
        asks = analysis.asks
        self._score(terms, self._indices.get(None), (), None, candidates, asks)
        for entity_type, entities in by_type.items():
            ids = [f"@{e.id}" for e in entities]
            slot = _slot_term(entity_type)
            variant = list(dict.fromkeys(slot if t in ids else t for t in terms))
            terms_by_slot[entity_type] = variant
            slot_weight = min(max(self.weight(i) for i in ids), SLOT_WEIGHT_CAP * self._max_known_weight)
            self._score(variant, self._indices.get(entity_type), tuple(entities), None, candidates, asks,
                        slot_weight=slot_weight)
        named = [m for m in analysis.mentions if not m.entity.context]
        if len(analysis.unknown) == 1 and not named and len(terms) <= MAX_UNKNOWN_SLOT_TERMS:
            word, term = analysis.unknown[0]
            for entity_type in self._indices if _could_be_name(word) else ():
                if entity_type is None or entity_type in by_type:
                    continue
                variant = [_slot_term(entity_type) if t == term else t for t in terms]
                self._score(variant, self._indices[entity_type], (), word, candidates, asks,
                            slot_weight=SLOT_WEIGHT_CAP * self._max_known_weight)
        if LEADER_CONCEPT in terms and "country" in by_type and "person" not in by_type:
            country = by_type["country"][0]
            replaced = {f"@{country.id}", LEADER_CONCEPT}
            variant = list(dict.fromkeys(_slot_term("person") if t in replaced else t for t in terms))
            title = self.analyzer.surface(LEADER_CONCEPT, analysis.words) or LEADER_CONCEPT
            self._score(variant, self._indices.get("person"), (), f"{country.name}'s {title}", candidates,
                        asks, slot_weight=SLOT_WEIGHT_CAP * self._max_known_weight)
        if not candidates:
            return []
        posteriors = self._posteriors(terms_by_slot)
        ranked = sorted(((round(self._weighed(score, posteriors[position]), 4), position, *rest)
                         for score, position, *rest in candidates), key=lambda scored: scored[0], reverse=True)
        floor = ranked[0][0] * SUGGESTION_FLOOR
        return [Candidate(self.intents[position], score, entities, unknown_name, unexplained)
                for score, position, entities, unknown_name, unexplained in ranked if score >= floor]

    @staticmethod
    def _weighed(score: float, posterior: float) -> float:
        """A candidate's score lowered the more its intent's posterior says the question's words
        point elsewhere; not when it is SURE: the question has (nearly) the very terms of one of its
        examples ("did modi go to the sco summit?" is "did {person} attend the summit?" and the SCO)."""
        if score >= SURE:
            return score
        return score * (1 - LIKELIHOOD_WEIGHT + LIKELIHOOD_WEIGHT * posterior)

    def _split_terms(self, weights: dict[str, float], total: float,
                     postings: dict[str, list[int]]) -> tuple[list[str], list[str]]:
        """Terms whose examples are all scored, and deferred terms, only added to examples that share
        a scanned term. Context terms (the SCO, Astana) are deferred, unless they are all there is: they
        are in a third of all examples and say little. So are the terms in most examples, as many as
        keep an example that shares nothing but deferred terms below SUGGEST_THRESHOLD: skipping it
        changes no outcome, and saves scanning the longest postings."""
        deferred = [t for t in weights if t in self._context_terms]
        if len(deferred) == len(weights):
            deferred = []
        others = sorted((t for t in weights if t not in deferred), key=lambda t: len(postings.get(t, ())))
        deferred_weight = sum(weights[t] for t in deferred)
        while others:
            with_next = deferred_weight + weights[others[-1]]
            if 2 * with_next / (total + with_next) >= SUGGEST_THRESHOLD:
                break
            deferred_weight = with_next
            deferred.append(others.pop())
        return others, deferred

    def _slot_fillers(self, analysis: Analysis) -> dict[str, list[Entity]]:
        """Entities that can fill a slot, by type. Several of one type fill it together only when
        joined by "and"/"or" ("did xi and putin attend?"); otherwise the first one does, and the
        others stay words of the question ("what does china get out of russia?")."""
        by_type: dict[str, list[Mention]] = defaultdict(list)
        for mention in analysis.mentions:
            if not mention.entity.context:
                by_type[mention.entity.type].append(mention)
        fillers: dict[str, list[Entity]] = {}
        for entity_type, mentions in by_type.items():
            chosen = [mentions[0]]
            for mention in mentions[1:]:
                between = analysis.words[chosen[-1].end:mention.start]
                if not all(word in CONJUNCTIONS for word in between):
                    break
                chosen.append(mention)
            fillers[entity_type] = list(dict.fromkeys(m.entity for m in chosen))
        return fillers

    def _shares_more_than(self, shared: float, example: _Example, context: list[str],
                          weights: dict[str, float]) -> bool:
        """Whether an example shares some term with a question besides its context terms (the SCO,
        Astana): an unknown word in the slot's place is taken for a name only when the rest of the
        question asks what the example asks ("is france a member?", not "weather in astana?")."""
        return shared - sum(weights[t] for t in context if t in example.terms) > 1e-9

    def _score(self, terms: list[str], index: _Index | None, entities: tuple[Entity, ...],
               unknown_name: str | None, out: list[_Scored], asks: frozenset[str], *,
               slot_weight: float = 0.0) -> None:
        """Score `terms` against every example of `index` sharing a term; add each intent's best to
        `out`. Each index holds other intents, so an intent is scored once per set of entities."""
        if index is None or not terms:
            return
        weights = {t: slot_weight if t[0] == "{" else self.weight(t) for t in terms}
        total = sum(weights.values())
        examples, postings = index.examples, index.postings
        scanned, deferred = self._split_terms(weights, total, postings)
        matched: dict[int, float] = defaultdict(float)
        for term in scanned:
            weight = weights[term]
            for number in postings.get(term, ()):
                matched[number] += weight
        for term in deferred:
            weight, having = weights[term], postings.get(term, ())
            if len(having) < len(matched):
                for number in having:
                    if number in matched:
                        matched[number] += weight
            else:
                for number in matched:
                    if term in examples[number].terms:
                        matched[number] += weight
        mentioned = frozenset(t for t in terms if t[0] == "@" and t not in self._context_terms)
        context = [t for t in terms if t in self._context_terms]
        best: dict[int, float] = {}
        for number, shared in matched.items():
            example = examples[number]
            slot_shared = slot_weight if example.slot else 0.0
            if unknown_name is not None and not self._shares_more_than(
                    shared - slot_shared, example, context, weights):
                continue
            # F1 of precision shared/total and recall shared/(the example's weight)
            score = 2 * shared / (total + example.weight + slot_shared)
            if mentioned and not mentioned <= example.terms:
                score *= UNSHARED_ENTITY_PENALTY
            if score > best.get(example.intent, 0.0):
                best[example.intent] = score
        # an entity no example of the intent names costs UNEXPLAINED_ENTITY_PENALTY instead: each of
        # its examples lacks it, so each took UNSHARED_ENTITY_PENALTY above
        unexplained = {position for position in best if not mentioned <= self._intent_terms[position]}
        for position in unexplained:
            best[position] *= UNEXPLAINED_ENTITY_PENALTY / UNSHARED_ENTITY_PENALTY
        best = {position: score for position, score in best.items() if score > MIN_SCORE}
        if not best:
            return
        term_set = frozenset(terms)
        top = max(best, key=best.__getitem__)
        # the adjustments below and the posterior's weighing in _rank only lower a score, the latter
        # by LIKELIHOOD_WEIGHT at most: an intent scoring under this before them would end under
        # SUGGESTION_FLOOR of `top` after them, and be dropped by _rank anyway
        top_adjusted = self._adjusted(top, best[top], weights, total, term_set, unknown_name, entities, asks)
        cutoff = top_adjusted * (1 - LIKELIHOOD_WEIGHT) * SUGGESTION_FLOOR
        for position, score in best.items():
            if position == top:
                score = top_adjusted
            elif score >= cutoff:
                score = self._adjusted(position, score, weights, total, term_set, unknown_name, entities, asks)
            else:
                continue
            out.append((score, position, entities, unknown_name, position in unexplained))

    def _adjusted(self, position: int, score: float, weights: dict[str, float], total: float,
                  term_set: frozenset[str], unknown_name: str | None, entities: tuple[Entity, ...],
                  asks: frozenset[str]) -> float:
        """An intent's best example score, scaled by how much of the question the intent's examples
        use at all, and lowered when a keyword is missing, the slot holds an unknown word, or the
        question asks for a kind of answer the intent's examples never ask for or its facts lack."""
        vocabulary = self._intent_terms[position]
        coverage = sum(w for t, w in weights.items() if t in vocabulary) / total
        score *= 1 - COVERAGE_WEIGHT + COVERAGE_WEIGHT * coverage
        keywords = self._keyword_terms[position]
        if keywords and not any(k <= term_set for k in keywords):
            score *= KEYWORD_PENALTY
        if unknown_name is not None:
            score *= UNKNOWN_SLOT_PENALTY
        if not ASKED_KINDS.intersection(term_set) <= vocabulary:
            score *= UNASKED_KIND_PENALTY
        if asks and not asks <= self._given_kinds(position, entities):
            score *= UNANSWERED_KIND_PENALTY
        return score

    def _kinds_of_fact(self, fact_id: str) -> frozenset[str]:
        kinds = self._fact_kinds.get(fact_id)
        if kinds is None:
            fact = self.knowledge.facts[fact_id]
            text = " ".join([fact.answer, *(c.quote for c in fact.citations)])
            kinds = self._fact_kinds[fact_id] = given_kinds(text)
        return kinds

    def _given_kinds(self, position: int, entities: tuple[Entity, ...]) -> frozenset[str]:
        """The kinds of answer an intent gives: those its facts hold, and those its examples ask for
        (its curator says its facts answer them: a list of leaders tells how many came); in a slot
        intent, those the entity's facts hold, as the examples speak of any entity. Every kind when
        it would decline (an honest "the sources don't say" needs no date)."""
        intent = self.intents[position]
        facts = self._facts(intent, entities)
        if not facts:
            return frozenset(KINDS)
        given = frozenset().union(*map(self._kinds_of_fact, facts))
        return given if intent.slot else given | self._asked_by_examples[position]
