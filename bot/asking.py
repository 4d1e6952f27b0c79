"""What kind of answer a question asks for (a date, an age, a count, a sum, a time of day, what is
still to come), and which of these kinds a fact's text holds. A question asking for a kind its
answer's facts do not hold is a near miss: "when did Mongolia become an observer?" is not answered
by Mongolia's status, nor "will Turkey become a member?" by Turkey's status now."""

from __future__ import annotations

import re
from collections.abc import Sequence

KINDS = ("when", "age", "number", "money", "clock", "future")

AUXILIARIES = frozenset({
    "is", "are", "was", "were", "do", "does", "did", "will", "would", "has", "have", "had", "can",
    "could", "should", "shall",
})
"""Words that follow an interrogative "when" ("when did..."), not a "when" that joins two clauses
("how did Xi greet Putin when they met?")."""
LEAD_INS = frozenset({"so", "and", "but", "ok", "okay", "also", "then", "now", "um", "hmm", "question"})
"""Words before a "when" that starts the question ("so, when was it?")."""
ASKING_DETERMINERS = frozenset({"what", "whats", "which"})
DATE_WORDS = frozenset({"date", "dates", "timing"})
PERIOD_WORDS = frozenset({"year", "years", "month", "months", "day", "days"})
"""Ask for a date after "what" or "which" ("what year did..."), not otherwise ("these days")."""
COUNT_WORDS = frozenset({"number", "percentage", "percent", "proportion", "share"})
"""Ask for a count after "what" or "which" ("what percentage of...")."""
MEASURE_WORDS = frozenset({"many", "big", "large"})
"""Ask for a count or a measure after "how" ("how many", "how big")."""
MONEY_WORDS = frozenset({
    "money", "cost", "costs", "costed", "spend", "spent", "spending", "worth", "budget", "budgets",
    "price", "paid", "pay", "fund", "funds", "funding", "invest", "invested", "investment",
    "investments", "dollars", "dollar", "euros", "yuan", "rubles", "tenge",
})
"""Ask for a sum after "how much" ("how much money...", "how much did it cost")."""
CLOCK_WORDS = frozenset({"time", "hour", "hours"})
"""Ask for a time of day after "what" or "which" ("at what time...")."""
FUTURE_WORDS = frozenset({"will", "gonna"})
"""Ask what is still to come ("who will succeed Tokayev?"): the sources end in July 2024, and a fact
about the present answers no question about the future unless it speaks of what comes next."""

_TRIGGERS = frozenset({"when", "old", "much", "oclock"} | DATE_WORDS | PERIOD_WORDS | COUNT_WORDS
                      | MEASURE_WORDS | CLOCK_WORDS | FUTURE_WORDS)
"""Words without which a question asks for none of the kinds."""

_MONTHS = "january|february|march|april|june|july|august|september|october|november|december"
"""Months but May, which reads as the verb unless next to a number."""
_AGE = re.compile(r"\b\d+[- ]years?[- ]old\b|\baged \d+", re.IGNORECASE)
"""An age; a date gives one too (the year something was founded tells how old it is)."""
_GIVES = {
    "when": re.compile(
        r"\b(?:1[89]|20)\d\d(?:s|'s)?\b|\b(?:" + _MONTHS + r")\b|\bmay \d|\d may\b"
        r"|\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|tomorrow)\b",
        re.IGNORECASE),
    "number": re.compile(
        r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty"
        r"|fifty|hundred|thousand|million|billion|trillion|dozen|half|first|second|third|fourth"
        r"|fifth|sixth|seventh|eighth|ninth|tenth|single|twice)(?:s)?\b",
        re.IGNORECASE),
    "money": re.compile(
        r"[$€£¥]|\b(?:dollars?|usd|euros?|yuan|renminbi|rubles?|roubles?|tenge|rupees?)\b",
        re.IGNORECASE),
    "future": re.compile(
        r"\b(?:will|shall|going to|plans?|planned|intends?|intended|expected|next|upcoming|future"
        r"|wants?|hopes?|aims?|seeks?|would)\b",
        re.IGNORECASE),
    "clock": re.compile(
        r"\b\d{1,2}[:.]\d\d\b|\b\d{1,2}\s*(?:am|pm|a\.m\.|p\.m\.)|o'clock", re.IGNORECASE),
}


def asked_kinds(words: Sequence[str]) -> frozenset[str]:
    """The kinds of answer that cleaned, spell-corrected `words` ask for."""
    if _TRIGGERS.isdisjoint(words):
        return frozenset()
    asked = set()
    last = len(words) - 1
    for i, word in enumerate(words):
        before = words[i - 1] if i else ""
        after = words[i + 1] if i < last else ""
        if word == "when" and (i == 0 or before in LEAD_INS or i == last or after in AUXILIARIES):
            asked.add("when")
        elif word in DATE_WORDS or (word in PERIOD_WORDS and before in ASKING_DETERMINERS):
            asked.add("when")
        elif word == "old" and before == "how":
            asked.add("age")
        elif word in MEASURE_WORDS and before == "how":
            asked.add("number")
        elif word in COUNT_WORDS and before in ASKING_DETERMINERS:
            asked.add("number")
        elif (word in CLOCK_WORDS and before in ASKING_DETERMINERS) or word == "oclock":
            asked.add("clock")
        elif word == "much" and before == "how" and MONEY_WORDS.intersection(words):
            asked.add("money")
        elif word in FUTURE_WORDS:
            asked.add("future")
    return frozenset(asked)


def given_kinds(text: str) -> frozenset[str]:
    """The kinds of answer that `text` holds: a date, an age, a count, a sum, a time of day, what is to
    come."""
    given = {kind for kind, pattern in _GIVES.items() if pattern.search(text)}
    if "when" in given or _AGE.search(text):
        given.add("age")
    return frozenset(given)
