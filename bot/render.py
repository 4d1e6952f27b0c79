"""Answers as plain text (console) and JSON (`ask --json`). Telegram HTML lives in bot.telegram."""

from __future__ import annotations

import json
from typing import Any

from bot.answer import Answer
from bot.model import Citation


def attribution(citation: Citation) -> str:
    """ "Publisher, Author, date" of a citation's source, leaving out what the source does not give."""
    source = citation.source
    return ", ".join(part for part in (source.publisher, source.author, source.date_text) if part)


def plain_text(answer: Answer) -> str:
    lines: list[str] = []
    if answer.text:
        lines.append(answer.text)
    if answer.message:
        lines.append(answer.message)
    if answer.citations:
        lines.append("Sources:")
        for citation in answer.citations:
            link = f", {citation.source.url}" if citation.source.url else ""
            lines.append(f"  “{citation.quote}”\n  — {attribution(citation)}{link}")
    if answer.suggestions:
        lines.append("Did you mean:\n" + "\n".join(f"  • {s.question}" for s in answer.suggestions))
    if answer.examples:
        lines.append("You could ask:\n" + "\n".join(f"  • {s.question}" for s in answer.examples))
    return "\n\n".join(lines)


def as_json(answer: Answer) -> dict[str, Any]:
    return {
        "question": answer.question,
        "outcome": answer.outcome,
        "intent": answer.intent,
        "entity": answer.entity,
        "score": round(answer.score, 3),
        "answer": answer.text,
        "message": answer.message,
        "sources": [
            {
                "id": c.source.id,
                "publisher": c.source.publisher,
                "title": c.source.title,
                "author": c.source.author,
                "date": c.source.date,
                "url": c.source.url,
                "quote": c.quote,
            }
            for c in answer.citations
        ],
        "suggestions": [{"intent": s.intent, "entity": s.entity, "question": s.question}
                        for s in answer.suggestions],
    }


def json_line(answer: Answer) -> str:
    return json.dumps(as_json(answer), ensure_ascii=False)
