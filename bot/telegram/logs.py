"""Logging for the running bot: concise, and never showing the token.

httpx logs every request URL at INFO, and the Bot API puts the token in the URL, so httpx is
raised to WARNING; a filter on the handler also masks the token anywhere in a record, as a
second line of defence (exception messages can carry URLs too).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

MASK = "[token]"


class RedactingFilter(logging.Filter):
    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self._secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        clean = self._mask(message)
        exc_text = self._mask(record.exc_text) if record.exc_text else record.exc_text
        if clean != message or exc_text != record.exc_text:
            record.msg, record.args, record.exc_text = clean, None, exc_text
        return True

    def _mask(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, MASK)
        return text


def configure_logging(*, secrets_to_hide: Iterable[str], level: int = logging.INFO) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter(secrets_to_hide))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
