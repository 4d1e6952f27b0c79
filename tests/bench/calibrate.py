"""Calibrate the matcher's decision thresholds on the development set, never on the test set.

    python -m tests.bench.calibrate [tests/dev_questions.yaml]

Tries every combination of the thresholds below on the development questions (written apart from
both the intents' examples and tests/questions.yaml) and prints the best ones by
correct - 3 x wrong (wrong answers include out-of-scope questions answered with a fact), the
objective the baselines of tests.bench.matching are tuned for, and the best ones by correct answers
among those within the test suite's bars, next to the values in use.
"""

from __future__ import annotations

import functools
import itertools
import sys
from pathlib import Path

import bot.matcher as matcher
from bot.answer import Responder
from bot.evaluate import evaluate, load_items
from bot.knowledge import load_knowledge
from tests.bench import ROOT

RANKING = {
    "COVERAGE_WEIGHT": [0.2],
    "LIKELIHOOD_WEIGHT": [0.3, 0.4],
    "UNASKED_KIND_PENALTY": [0.7],
    "UNANSWERED_KIND_PENALTY": [1.0, 0.6, 0.5, 0.4],
}
"""Constants that change the candidates' scores; those of GRID only change the decision."""
GRID = {
    "ANSWER_THRESHOLD": [0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95],
    "MARGIN": [0.02, 0.06, 0.1],
    "LEAD_THRESHOLD": [0.35, 0.4, 0.45, 0.5, 0.55, 0.6],
    "LEAD": [0.2, 0.25, 0.3, 0.35, 0.4, 0.45],
}
WRONG_COST = 3
MAX_WRONG_RATE = 0.02
MAX_OUT_OF_SCOPE_RATE = 0.02
"""The bars of the test suite: settings within them are listed apart."""


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "tests" / "dev_questions.yaml"
    responder = Responder(load_knowledge())
    items = load_items(path, responder)
    in_use = {name: getattr(matcher, name) for name in RANKING | GRID}
    results = []
    rank = matcher.Matcher._rank
    for ranking in itertools.product(*RANKING.values()):
        # the candidates depend on RANKING only: rank each question once per ranking setting
        matcher.Matcher._rank = functools.cache(rank)
        for values in itertools.product(*GRID.values()):
            setting = dict(zip(RANKING, ranking)) | dict(zip(GRID, values))
            for name, value in setting.items():
                setattr(matcher, name, value)
            report = evaluate(items, responder)
            objective = report.correct - WRONG_COST * report.wrong
            within = (report.wrong_rate <= MAX_WRONG_RATE
                      and report.out_of_scope_rate <= MAX_OUT_OF_SCOPE_RATE)
            results.append((objective, report.correct, report.wrong, report.out_of_scope_answered, setting,
                            within))
    matcher.Matcher._rank = rank
    for name, value in in_use.items():
        setattr(matcher, name, value)
    current = evaluate(items, responder)
    print(f"{path}: {len(items)} items; objective correct - {WRONG_COST} x wrong")
    print(f"in use {in_use}: correct {current.correct}, wrong {current.wrong}, "
          f"out of scope answered {current.out_of_scope_answered}, "
          f"objective {current.correct - WRONG_COST * current.wrong}")
    results.sort(key=lambda r: r[0], reverse=True)
    print("best by the objective:")
    _print(results[:10])
    print(f"best by correct answers with at most {MAX_WRONG_RATE:.0%} wrong "
          f"and {MAX_OUT_OF_SCOPE_RATE:.0%} out of scope answered:")
    _print(sorted((r for r in results if r[5]), key=lambda r: (r[1], r[0]), reverse=True)[:10])


def _print(results: list[tuple]) -> None:
    for objective, correct, wrong, out_of_scope, setting, _ in results:
        print(f"{objective:5d}  correct {correct:4d}  wrong {wrong:3d}  out of scope {out_of_scope:3d}  {setting}")


if __name__ == "__main__":
    main()
