"""An HTTP request class that retries what certainly did not reach Telegram's bot.

A 502/503/504 from the proxy in front of the Bot API, a connection that could not be opened, and
a connection dropped before any response are retried with backoff. A read timeout is not: the
request may have been processed, and sending a message twice is worse than logging the timeout.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import httpx
from telegram.error import NetworkError, TimedOut
from telegram.request import HTTPXRequest

logger = logging.getLogger(__name__)

RETRIED_STATUS = frozenset({502, 503, 504})
RETRIED_ERRORS = (httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)


class RetryingRequest(HTTPXRequest):
    def __init__(self, *args: Any, retries: int = 3, backoff: float = 0.5, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._retries = retries
        self._backoff = backoff

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        for attempt in range(self._retries + 1):
            last = attempt == self._retries
            try:
                code, payload = await super().do_request(*args, **kwargs)
            except TimedOut:
                raise
            except NetworkError as error:
                if last or not isinstance(error.__cause__, RETRIED_ERRORS):
                    raise
                logger.warning("connection failed (%s); retry %d of %d", type(error.__cause__).__name__,
                               attempt + 1, self._retries)
            else:
                if code not in RETRIED_STATUS or last:
                    return code, payload
                logger.warning("Bot API answered %d; retry %d of %d", code, attempt + 1, self._retries)
            await asyncio.sleep(self._backoff * 2**attempt)
        raise AssertionError("unreachable")  # pragma: no cover
