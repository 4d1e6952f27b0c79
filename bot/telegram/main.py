"""`python -m bot run`: check the token, configure logging, start polling or a webhook."""

from __future__ import annotations

import argparse
import logging
import os
import re
import secrets
import signal
import sys
from urllib.parse import urlsplit

from bot.telegram.logs import configure_logging

TOKEN_PATTERN = re.compile(r"\d{3,}:[A-Za-z0-9_-]{20,}")
EXIT_BAD_TOKEN = 2
EXIT_BAD_USAGE = 2


def _fail(message: str, code: int) -> int:
    print(f"error: {message}", file=sys.stderr)
    return code


def run(args: argparse.Namespace) -> int:
    """Run the bot until SIGINT or SIGTERM; exit code 2 for a missing or malformed token."""
    token = os.environ.get("TELEGRAM_BOT_TOKEN", "").strip()
    if not token:
        return _fail("TELEGRAM_BOT_TOKEN is not set; create a bot with @BotFather and export its token "
                     "(see README)", EXIT_BAD_TOKEN)
    if not TOKEN_PATTERN.fullmatch(token):
        return _fail("TELEGRAM_BOT_TOKEN does not look like a bot token (digits, a colon, then letters, "
                     "as @BotFather gives it)", EXIT_BAD_TOKEN)
    listen = None
    if args.webhook_url:
        listen = _listen_address(args.listen)
        if listen is None:
            return _fail("--webhook-url needs --listen HOST:PORT", EXIT_BAD_USAGE)
    configure_logging(secrets_to_hide=[token])

    from bot.knowledge import KnowledgeError, load_knowledge
    from bot.answer import Responder
    from bot.telegram.app import ALLOWED_UPDATES, build_application

    try:
        knowledge = load_knowledge(args.knowledge)
    except KnowledgeError as error:
        return _fail(f"the knowledge has problems; run `python -m bot check`:\n{error}", 1)
    application = build_application(token, Responder.cached(knowledge), api_url=os.environ.get("TELEGRAM_API_URL"))
    stop_signals = (signal.SIGINT, signal.SIGTERM)
    if listen is None:
        logging.getLogger(__name__).info("starting with long polling")
        application.run_polling(allowed_updates=ALLOWED_UPDATES, stop_signals=stop_signals)
        return 0
    secret = os.environ.get("TELEGRAM_WEBHOOK_SECRET") or secrets.token_urlsafe(32)
    host, port = listen
    path = urlsplit(args.webhook_url).path.lstrip("/")
    logging.getLogger(__name__).info("starting a webhook on %s:%d", host, port)
    application.run_webhook(listen=host, port=port, url_path=path, webhook_url=args.webhook_url,
                            secret_token=secret, allowed_updates=ALLOWED_UPDATES, stop_signals=stop_signals)
    return 0


def _listen_address(value: str | None) -> tuple[str, int] | None:
    if not value or ":" not in value:
        return None
    host, _, port = value.rpartition(":")
    return (host or "0.0.0.0", int(port)) if port.isdigit() else None
