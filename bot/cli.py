"""Command line of the SCO summit bot.

  python -m bot                 the Telegram bot if TELEGRAM_BOT_TOKEN is set, else the console chat
  python -m bot ask QUESTION    one answer, as a person reads it (--json for machines, - for stdin)
  python -m bot chat            a conversation in the console
  python -m bot check           validate sources, facts, entities and intents
  python -m bot eval [FILE]     accuracy on a labelled question set
  python -m bot run             the Telegram bot (long polling, or a webhook)
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from bot.knowledge import KnowledgeError, load_knowledge
from bot.model import Knowledge

DEFAULT_LABELLED_SET = Path(__file__).resolve().parent.parent / "tests" / "questions.yaml"


def _load(args: argparse.Namespace, *, use_cache: bool = True) -> Knowledge | None:
    try:
        return load_knowledge(args.knowledge, use_cache=use_cache)
    except KnowledgeError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        count = len(error.problems)
        print(f"the knowledge has {count} problem{'s' if count != 1 else ''}; "
              "run `python -m bot check` after fixing them", file=sys.stderr)
        return None


def _responder(args: argparse.Namespace):  # -> Responder, imported lazily to keep `check` light
    from bot.answer import Responder

    knowledge = _load(args)
    return Responder.cached(knowledge) if knowledge else None


def _check(args: argparse.Namespace) -> int:
    from bot.checks import intent_problems

    try:
        knowledge = load_knowledge(args.knowledge, use_cache=False)
    except KnowledgeError as error:
        problems = [str(p) for p in error.problems]
    else:
        problems = [str(p) for p in intent_problems(knowledge)]
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        print(f"check failed: {len(problems)} problem{'s' if len(problems) != 1 else ''}", file=sys.stderr)
        return 1
    print(
        f"ok: {len(knowledge.sources)} sources, {len(knowledge.facts)} facts, "
        f"{len(knowledge.entities)} entities, {len(knowledge.intents)} intents, "
        f"{knowledge.quotes_verified} quotes verified"
    )
    return 0


def _ask(args: argparse.Namespace) -> int:
    from bot.render import json_line, plain_text

    responder = _responder(args)
    if responder is None:
        return 1
    if args.question == ["-"]:
        for line in sys.stdin:
            answer = responder.ask(line.rstrip("\n"))
            print(json_line(answer) if args.json else plain_text(answer) + "\n", flush=False)
        return 0
    answer = responder.ask(" ".join(args.question))
    print(json_line(answer) if args.json else plain_text(answer))
    return 0


def _chat(args: argparse.Namespace) -> int:
    from bot.console import chat

    responder = _responder(args)
    return chat(responder) if responder else 1


def _eval(args: argparse.Namespace) -> int:
    from bot.evaluate import LabelledSetError, cross_validation, evaluate, format_report, load_items

    responder = _responder(args)
    if responder is None:
        return 1
    if args.folds:
        report = cross_validation(responder.knowledge, args.folds)
        print(f"cross-validation on the intents' own examples, {args.folds} folds")
        print(format_report(report, worst=args.worst))
        return 0
    try:
        items = load_items(args.file, responder)
    except LabelledSetError as error:
        print(error, file=sys.stderr)
        return 1
    report = evaluate(items, responder)
    print(format_report(report, worst=args.worst))
    failures = []
    if report.correct_rate < args.min_correct:
        failures.append(f"correct answers {report.correct_rate:.1%} < {args.min_correct:.1%}")
    if report.wrong_rate > args.max_wrong:
        failures.append(f"wrong answers {report.wrong_rate:.1%} > {args.max_wrong:.1%}")
    if report.out_of_scope_rate > args.max_out_of_scope:
        failures.append(f"out of scope answered {report.out_of_scope_rate:.1%} > {args.max_out_of_scope:.1%}")
    for failure in failures:
        print(f"below threshold: {failure}", file=sys.stderr)
    return 1 if failures else 0


def _run(args: argparse.Namespace) -> int:
    from bot.telegram.main import run

    return run(args)


def _default(args: argparse.Namespace) -> int:
    if os.environ.get("TELEGRAM_BOT_TOKEN"):
        print("Starting the Telegram bot (TELEGRAM_BOT_TOKEN is set).", flush=True)
        args.webhook_url = None
        args.listen = None
        return _run(args)
    print("TELEGRAM_BOT_TOKEN is not set, so this is the console chat; "
          "set it to run the Telegram bot (see README).", flush=True)
    return _chat(args)


def _fraction(text: str) -> float:
    value = float(text.rstrip("%")) / (100 if text.endswith("%") else 1)
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError("a fraction between 0 and 1, or a percentage")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--knowledge", type=Path, metavar="DIR",
                        help="folder holding data/ and intents/ (default: the installed copy)")
    parser.set_defaults(handler=_default)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = commands.add_parser("check", help="validate sources, facts, entities and intents")
    check.set_defaults(handler=_check)

    ask = commands.add_parser("ask", help="answer one question (or one per line of stdin with -)")
    ask.add_argument("question", nargs="+", help="the question, or - to read questions from stdin")
    ask.add_argument("--json", action="store_true", help="print one JSON object per question")
    ask.set_defaults(handler=_ask)

    chat = commands.add_parser("chat", help="talk to the bot in the console")
    chat.set_defaults(handler=_chat)

    evaluation = commands.add_parser("eval", help="measure answers on a labelled question set")
    evaluation.add_argument("file", nargs="?", type=Path, default=DEFAULT_LABELLED_SET)
    evaluation.add_argument("--min-correct", type=_fraction, default=0.0, metavar="F",
                            help="fail below this share of correct answers (e.g. 0.95 or 95%%)")
    evaluation.add_argument("--max-wrong", type=_fraction, default=1.0, metavar="F",
                            help="fail above this share of wrong answers among all items")
    evaluation.add_argument("--max-out-of-scope", type=_fraction, default=1.0, metavar="F",
                            help="fail above this share of abstain items answered with a fact")
    evaluation.add_argument("--worst", type=int, default=15, metavar="N", help="misses to list")
    evaluation.add_argument("--folds", type=int, default=0, metavar="K",
                            help="instead of FILE, cross-validate on the intents' own examples in K folds")
    evaluation.set_defaults(handler=_eval)

    run = commands.add_parser("run", help="run the Telegram bot (token from TELEGRAM_BOT_TOKEN)")
    run.add_argument("--webhook-url", metavar="URL", help="serve a webhook at URL instead of polling")
    run.add_argument("--listen", metavar="HOST:PORT", help="address the webhook server listens on")
    run.set_defaults(handler=_run)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
