"""What kind of answer a question asks for, and which kinds a fact's text holds."""

from __future__ import annotations

import pytest

from bot.asking import asked_kinds, given_kinds
from bot.text import clean


@pytest.mark.parametrize(("question", "kinds"), [
    ("when did mongolia become an observer", {"when"}),
    ("so when was it", {"when"}),
    ("belarus joined when?", {"when"}),
    ("what year did turkey become a dialogue partner", {"when"}),
    ("dates of the summit", {"when"}),
    ("how many leaders came", {"number"}),
    ("what percentage of the world's people live in the sco", {"number"}),
    ("how much money will the mechanism have", {"money", "future"}),
    ("who will succeed tokayev", {"future"}),
    ("is it gonna be held in china", {"future"}),
    ("who attended", set()),
    ("at what time did putin land", {"clock"}),
    ("how old is the sco", {"age"}),
    ("how did xi greet putin when they met", set()),
    ("what is the sco trying to achieve these days", set()),
    ("what did tokayev mean when he said that", set()),
    ("how much does the sco matter", set()),
])
def test_asked_kinds(question: str, kinds: set[str]) -> None:
    assert asked_kinds(clean(question).split()) == kinds


@pytest.mark.parametrize(("text", "kinds"), [
    ("The summit was held on 3-4 July 2024.", {"when", "age", "number"}),
    ("Belarus became the tenth member.", {"number"}),
    ("Members contribute over 23 trillion US dollars to global GDP.", {"number", "money"}),
    ("Mongolia is an observer state.", set()),
    ("The SCO may grow.", set()),
    ("Talks were held on 5 May.", {"when", "age", "number"}),
    ("The session opened at 10:30.", {"number", "clock"}),
    ("The SCO was founded in 2001.", {"when", "age", "number"}),
    ("He is 71 years old.", {"age", "number"}),
    ("China will chair the SCO.", {"future"}),
    ("Turkey wants to become a full member.", {"future"}),
])
def test_given_kinds(text: str, kinds: set[str]) -> None:
    assert given_kinds(text) == kinds
