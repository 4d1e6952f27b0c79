"""Answers as Telegram HTML: every piece of text escaped, within Telegram's message limit."""

from __future__ import annotations

from html import escape as _escape

from bot.answer import Answer
from bot.model import Citation, Source
from bot.render import attribution

MESSAGE_LIMIT = 4096
ELLIPSIS = "…"


def escape(text: str) -> str:
    """Text made safe for Telegram HTML: &, < and > escaped (quotes need no escaping in text)."""
    return _escape(text, quote=False)


def citation_html(citation: Citation) -> str:
    source = citation.source
    credit = escape(attribution(citation))
    if source.url:
        credit = f'<a href="{_escape(source.url, quote=True)}">{credit}</a>'
    return f"<blockquote>{escape(citation.quote)}</blockquote>\n— {credit}"


def answer_html(answer: Answer, *, limit: int = MESSAGE_LIMIT) -> str:
    """The answer, then each source as a quote and a linked credit line; fitted to `limit`."""
    head = escape(answer.text or answer.message or "")
    if answer.outcome == "suggest":
        head += "\nDid you mean one of these?"
    elif answer.examples:
        head += "\nYou could ask, for example:"
    citations = [citation_html(c) for c in answer.citations]
    while citations and len(_join(head, citations)) > limit:
        citations.pop()
    if len(_join(head, citations)) > limit:
        head = _shorten(head, limit)
    return _join(head, citations)


def _join(head: str, citations: list[str]) -> str:
    return "\n\n".join([head, *citations])


def _shorten(text: str, limit: int) -> str:
    """Cut at a word boundary, never inside an HTML entity such as &amp;."""
    cut = text[: limit - len(ELLIPSIS)]
    if " " in cut:
        cut = cut[: cut.rfind(" ")]
    if "&" in cut[-8:]:
        cut = cut[: cut.rfind("&")]
    return cut + ELLIPSIS


def sources_html(sources: list[Source]) -> str:
    """The five documents, for /sources."""
    lines = ["I answer only from these five documents:"]
    for number, source in enumerate(sources, 1):
        title = escape(source.title)
        if source.url:
            title = f'<a href="{_escape(source.url, quote=True)}">{title}</a>'
        credit = ", ".join(escape(p) for p in (source.publisher, source.author, source.date_text) if p)
        lines.append(f"{number}. {title}\n    {credit}")
    return "\n\n".join(lines)
