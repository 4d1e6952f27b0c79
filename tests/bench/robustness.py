"""How well the matcher keeps its answers when a question is typed carelessly.

    python -m tests.bench.robustness [tests/dev_questions.yaml]

Takes the questions of a labelled set that are answered with the right intent, changes each the
way people type (a slip of one letter, a left-out space, chat around the question, a terse
telegraphic style, no punctuation) and prints the share still answered with the same intent, and
the share answered with another one (the costly error). The changes are random but seeded, so the
figures are reproducible. The chat phrases are written here, apart from `intents/language.yaml`:
they measure how its filler phrases generalize, and must not be copied into it.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Callable
from pathlib import Path

from bot.answer import Responder
from bot.evaluate import load_items
from bot.knowledge import load_knowledge
from bot.text import clean
from tests.bench import ROOT, command, machine

SEEDS = range(3)
KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
VOWELS = "aeiou"
CHAT_BEFORE = ("hey guys quick question, ", "yo bot ", "hi bot! so ", "hello again, ", "sorry, another one: ",
               "good evening, ", "ok next: ", "hey, hope all good. ", "greetings! ", "question: ")
CHAT_AFTER = (" thanks so much", " ty in advance", " anybody?", " pls answer", " cheers!", " thx bot",
              " if u know", " help pls", " would love to know", " merci")

Change = Callable[[str, random.Random], str]


def _neighbours() -> dict[str, str]:
    """Each key's neighbours. Kept apart from `bot.spelling`'s on purpose: the typos made here must
    not follow the speller's idea of a plausible slip, or a change to it would move both sides."""
    places = {key: (row, column + row / 2)
              for row, keys in enumerate(KEYBOARD_ROWS) for column, key in enumerate(keys)}
    return {key: "".join(other for other, (r, c) in places.items()
                         if other != key and abs(r - row) <= 1 and abs(c - column) <= 1)
            for key, (row, column) in places.items()}


NEIGHBOURS = _neighbours()


def _mistyped(word: str, rng: random.Random) -> str:
    """`word` with one slip: two letters swapped, one dropped or doubled, a neighbouring key typed
    instead or as well, or a vowel for another."""
    while True:
        at = rng.randrange(len(word))
        letter = word[at]
        slip = rng.choice(("swap", "drop", "double", "neighbour", "extra", "vowel"))
        if slip == "swap" and at < len(word) - 1 and letter != word[at + 1]:
            return word[:at] + word[at + 1] + letter + word[at + 2:]
        if slip == "drop":
            return word[:at] + word[at + 1:]
        if slip == "double":
            return word[:at] + letter + word[at:]
        if slip in ("neighbour", "extra") and letter in NEIGHBOURS:
            key = rng.choice(NEIGHBOURS[letter])
            return word[:at] + key + word[at + (slip == "neighbour"):]
        if slip == "vowel" and letter in VOWELS:
            return word[:at] + rng.choice(VOWELS.replace(letter, "")) + word[at + 1:]


def one_typo(question: str, rng: random.Random) -> str:
    words = question.split()
    typable = [n for n, word in enumerate(words) if len(word) >= 4 and word.isalpha()]
    if typable:
        at = rng.choice(typable)
        words[at] = _mistyped(words[at], rng)
    return " ".join(words)


def space_left_out(question: str, rng: random.Random) -> str:
    words = question.split()
    joinable = [n for n in range(len(words) - 1) if words[n].isalpha() and words[n + 1].isalpha()]
    if joinable:
        at = rng.choice(joinable)
        words[at:at + 2] = [words[at] + words[at + 1]]
    return " ".join(words)


def chat_around(question: str, rng: random.Random) -> str:
    return rng.choice(CHAT_BEFORE) + question if rng.random() < 0.5 else question + rng.choice(CHAT_AFTER)


def no_punctuation(question: str, rng: random.Random) -> str:
    return "".join(char for char in question if char.isalnum() or char.isspace())


def main() -> int:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "tests" / "dev_questions.yaml"
    responder = Responder(load_knowledge())
    stopwords = responder.matcher.analyzer.stopwords

    def terse(question: str, rng: random.Random) -> str:
        return " ".join(w for w in question.split() if clean(w) not in stopwords) or question

    def answered(question: str) -> str | None:
        answer = responder.ask(question)
        return answer.intent if answer.outcome == "answer" else None

    items = [i for i in load_items(path, responder) if i.intent and answered(i.question) == i.intent]
    print(f"command: {command()}")
    print(f"machine: {machine()}")
    print(f"{len(items)} questions of {path.name} answered with the right intent, each changed once per seed "
          f"({len(SEEDS)} seeds)")
    changes: dict[str, Change] = {"one typo": one_typo, "space left out": space_left_out,
                                  "chat around it": chat_around, "terse": terse, "no punctuation": no_punctuation}
    for name, change in changes.items():
        kept = other = total = 0
        for seed in SEEDS:
            rng = random.Random(seed)
            for item in items:
                got = answered(change(item.question, rng))
                kept += got == item.intent
                other += got is not None and got != item.intent
                total += 1
        print(f"  {name:15} still answered right {kept / total:6.1%}   "
              f"answered with another intent {other / total:5.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
