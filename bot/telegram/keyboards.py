"""Inline keyboards and the callback data behind their buttons.

Callback data comes back from Telegram as untrusted input: `parse_question_data` accepts only the
exact shape `make_question_data` produces, and the ids must still exist in the knowledge.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.answer import Suggestion

CALLBACK_LIMIT = 64
"""Telegram's limit on callback data, in bytes."""
BUTTON_TEXT_LIMIT = 60
SHARE = "↗ Share"

_QUESTION_DATA = re.compile(r"q\|([a-z0-9-]{1,40})\|([a-z0-9-]{0,40})")
_DEEP_LINK = re.compile(r"([a-z0-9-]{1,40})(?:__([a-z0-9-]{1,20}))?")


def make_question_data(suggestion: Suggestion) -> str:
    return f"q|{suggestion.intent}|{suggestion.entity or ''}"


def parse_question_data(data: str | None) -> tuple[str, str | None] | None:
    """(intent id, entity id) from a question button's data, or None if it is not one of ours."""
    if not data or len(data.encode()) > CALLBACK_LIMIT:
        return None
    match = _QUESTION_DATA.fullmatch(data)
    if match is None:
        return None
    return match.group(1), match.group(2) or None


def deep_link_payload(suggestion: Suggestion) -> str | None:
    """A /start payload for a t.me link (at most 64 characters of A-Z a-z 0-9 _ -)."""
    payload = suggestion.intent + (f"__{suggestion.entity}" if suggestion.entity else "")
    return payload if len(payload) <= 64 and _DEEP_LINK.fullmatch(payload) else None


def parse_deep_link(payload: str) -> tuple[str, str | None] | None:
    match = _DEEP_LINK.fullmatch(payload)
    return (match.group(1), match.group(2)) if match else None


def _label(question: str) -> str:
    return question if len(question) <= BUTTON_TEXT_LIMIT else question[: BUTTON_TEXT_LIMIT - 1] + "…"


def questions_keyboard(suggestions: Sequence[Suggestion]) -> InlineKeyboardMarkup | None:
    """One button per question; pressing it answers that question."""
    rows = [
        [InlineKeyboardButton(_label(s.question), callback_data=make_question_data(s))]
        for s in suggestions
        if len(make_question_data(s).encode()) <= CALLBACK_LIMIT
    ]
    return InlineKeyboardMarkup(rows) if rows else None


def share_keyboard(question: str) -> InlineKeyboardMarkup:
    """A Share button that opens inline mode in a chat of the user's choice, with the question."""
    return InlineKeyboardMarkup([[InlineKeyboardButton(SHARE, switch_inline_query=question[:200])]])


def open_in_bot_keyboard(username: str, payload: str | None) -> InlineKeyboardMarkup | None:
    """For a shared answer: a button that opens the same answer in a private chat with the bot."""
    if not payload:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton("Ask the bot", url=f"https://t.me/{username}?start={payload}")]])
