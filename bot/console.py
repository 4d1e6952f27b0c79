"""`python -m bot chat`: a conversation in the terminal, with readline history."""

from __future__ import annotations

import sys

from bot.answer import Responder
from bot.render import plain_text

PROMPT = "you> "


def chat(responder: Responder) -> int:
    """Answer questions typed at the prompt until end of input (Ctrl-D) or Ctrl-C."""
    try:
        import readline  # noqa: F401  (line editing and history for input())
    except ImportError:
        pass
    interactive = sys.stdin.isatty()
    if interactive:
        print("Ask about the SCO summit in Astana (3–4 July 2024). Ctrl-D to quit.")
    while True:
        try:
            question = input(PROMPT if interactive else "")
        except EOFError:
            if interactive:
                print()
            return 0
        except KeyboardInterrupt:
            print()
            return 0
        if not question.strip():
            continue
        print("\n" + plain_text(responder.ask(question)) + "\n")
