"""Text normalization shared by the intents' examples and users' questions.

`clean` turns any text into lowercase ASCII-ish words separated by single spaces; `Analyzer`
turns cleaned words into the terms the matcher compares: stems, with synonyms mapped to concepts
and words that carry no meaning dropped.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Iterator

import Stemmer

from bot.model import Language

MAX_CHARS = 500
"""Only the first characters of a message are matched: no question is longer, and matching time
must not grow with the length of what is pasted."""
MAX_WORDS = 60
DEFINITE_ARTICLE = "the"

_COMMAND = re.compile(r"^\s*/[a-z0-9_]+(@[a-z0-9_]+)?\b")
_MENTION = re.compile(r"(?<![\w@])@[a-z0-9_]{3,}")
_NEGATION = re.compile(r"n['’]t\b")
_OR_NOT_ENDING = re.compile(r"\bor not\b(?=\s*(?:[?.!,;:]|$))")
"""A question's closing "or not" ("did putin come or not?") asks nothing more, unlike a "not" inside."""
_POSSESSIVE = re.compile(r"['’]s\b")
_ORDINAL = re.compile(r"\b(\d+)(?:st|nd|rd|th)\b")
"""A number's ordinal ending: "july 3rd" is "july 3", as "the 24th summit" is "the 24 summit"."""
_BRITISH = re.compile(r"(cent|theat|met|fib)re(s?)\b|(organi|recogni|prioriti|critici|reali|mobili|stabili"
                      r"|normali|legitimi|moderni|militari|characteri|summari|apologi|authori|utili)s(e|es|ed"
                      r"|ing|ation|ations)\b|(defen|licen|offen)ce|programme(s?)\b"
                      r"|(neighb|lab|fav|hon|behavi|col|harb|hum|rum|vig|endeav)our")
"""British spellings, read as the American ones ("NESA Centre" is the NESA Center), also at the end
of two words run together ("shanghaiorganisation"), which are split by the American spelling."""
_APOSTROPHE = re.compile(r"['’`´]")
_NOT_WORD = re.compile(r"[^\w]+|_")

_stemmer = Stemmer.Stemmer("english")


def _fold_char(char: str) -> str:
    category = unicodedata.category(char)
    if category in ("Mn", "Me"):
        return ""
    if category in ("Cc", "Cf", "Zl", "Zp", "Zs"):
        return " "
    return char


_ASCII_CONTROLS = {code: " " for code in range(32)} | {127: " "}


def fold(text: str) -> str:
    """NFKC, casefold, accents removed, control and zero-width characters turned into spaces."""
    text = text[:MAX_CHARS]
    if text.isascii():
        return text.translate(_ASCII_CONTROLS).lower()
    text = unicodedata.normalize("NFKC", text).casefold()
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize("NFC", "".join(_fold_char(c) for c in decomposed))


@lru_cache(maxsize=16384)
def clean(text: str) -> str:
    """Folded text with a leading /command (/ask, /ask@bot), @mentions, a closing "or not" and
    punctuation and ordinal endings ("3rd") removed; "%" becomes "percent", British spellings American."""
    text = fold(text)
    text = _COMMAND.sub(" ", text)
    text = _MENTION.sub(" ", text)
    text = _NEGATION.sub(" not", text)
    text = _OR_NOT_ENDING.sub("", text)
    text = _POSSESSIVE.sub("", text)
    text = _ORDINAL.sub(r"\1", text)
    text = _BRITISH.sub(_american, text)
    text = _APOSTROPHE.sub("", text).replace("%", " percent ")
    return " ".join(_NOT_WORD.sub(" ", text).split()[:MAX_WORDS])


def _american(british: re.Match[str]) -> str:
    """The American spelling of a word `_BRITISH` found."""
    before_re, re_plural, before_ise, ise_ending, before_ce, programme_plural, before_our = british.groups()
    if before_re is not None:
        return f"{before_re}er{re_plural}"
    if before_ise is not None:
        return f"{before_ise}z{ise_ending}"
    if before_ce is not None:
        return f"{before_ce}se"
    if programme_plural is not None:
        return f"program{programme_plural}"
    return f"{before_our}or"


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    return _stemmer.stemWord(word)


class Analyzer:
    """Turns cleaned words into matching terms, using the project's `Language`."""

    def __init__(self, language: Language) -> None:
        self.stopwords = frozenset(clean(w) for w in language.stopwords if " " not in w.strip())
        self.courtesy = frozenset(clean(w) for w in language.courtesy)
        self._phrases: dict[tuple[str, ...], str | None] = {
            tuple(clean(w).split()): None for w in language.stopwords if " " in w.strip()
        }
        self._words: dict[str, str] = {}
        for concept, phrases in language.synonyms.items():
            for phrase in phrases:
                words = tuple(clean(phrase).split())
                if len(words) == 1:
                    self._words[stem(words[0])] = concept
                elif words:
                    self._phrases[words] = concept
        self._phrase_lengths: dict[str, list[int]] = {}
        """The lengths of the phrases starting with a word, longest first."""
        for phrase in self._phrases:
            if len(phrase) > 1:
                self._phrase_lengths.setdefault(phrase[0], []).append(len(phrase))
        for lengths in self._phrase_lengths.values():
            lengths.sort(reverse=True)
        self.vocabulary_words = frozenset(
            {w for phrase in self._phrases for w in phrase} | self.stopwords | self.courtesy
            | {w for phrases in language.synonyms.values() for p in phrases for w in clean(p).split()}
        )

    def terms(self, words: list[str], determiners: frozenset[str] = frozenset()) -> list[str]:
        """Matching terms of cleaned words: synonym phrases and words become concepts, stopwords and
        courtesy words go (after phrases: "any good" is a phrase), other words are stemmed. Words
        starting with '@' or '{' (entities, slots) pass as they are.
        A word of `determiners` (the SCO, Astana) is also read as "the" before the next words: "the
        Astana meeting" is "the meeting", the summit, not a meeting held there."""
        terms: list[str] = []
        for start, _, is_phrase, concept in self._segments(words, determiners):
            if is_phrase:
                if concept:
                    terms.append(concept)
                continue
            word = words[start]
            if word[0] in "@{":
                terms.append(word)
            elif word not in self.stopwords and word not in self.courtesy:
                stemmed = stem(word)
                terms.append(self._words.get(stemmed, stemmed))
        return terms

    def without_filler_phrases(self, words: list[str]) -> list[str]:
        """`words` without the stopword phrases of several words, read the way `terms` reads
        phrases: the "when" of "when it comes to" asks for no date."""
        return [word for start, end, is_phrase, concept in self._segments(words)
                if not is_phrase or concept is not None for word in words[start:end]]

    def _segments(self, words: list[str], determiners: frozenset[str] = frozenset()
                  ) -> Iterator[tuple[int, int, bool, str | None]]:
        """The words grouped into phrases, longest first: (start, end, True, concept) for each phrase
        (concept None for a stopword phrase), (start, start + 1, False, None) for each other word.
        After a word of `determiners` a phrase may also start with an implied "the"."""
        i = 0
        while i < len(words):
            found = None
            if i > 0 and words[i - 1] in determiners:
                found = self._phrase(words, i, (DEFINITE_ARTICLE,))
            if found is None:
                found = self._phrase(words, i)
            if found is None:
                yield i, i + 1, False, None
                i += 1
            else:
                concept, end = found
                yield i, end, True, concept
                i = end

    def _phrase(self, words: list[str], start: int, head: tuple[str, ...] = ()
                ) -> tuple[str | None, int] | None:
        """The longest phrase at `start` (after the words `head`, if any): its concept (None for a
        stopword phrase) and where it ends."""
        for length in self._phrase_lengths.get(head[0] if head else words[start], ()):
            end = start + length - len(head)
            if end > len(words):
                continue
            phrase = head + tuple(words[start:end])
            if phrase in self._phrases:
                return self._phrases[phrase], end
        return None

    def surface(self, concept: str, words: tuple[str, ...] | list[str]) -> str | None:
        """The words of `words` that express `concept` ("prime minister" for leader), if any, read
        the way `terms` reads them."""
        words = list(words)
        for start, end, is_phrase, found in self._segments(words):
            if not is_phrase:
                found = self._words.get(stem(words[start]))
            if found == concept:
                return " ".join(words[start:end])
        return None
