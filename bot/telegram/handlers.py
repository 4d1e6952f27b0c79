"""Update handlers: each a small async function, in the style of python-telegram-bot's examples."""

from __future__ import annotations

import hashlib
import logging
import re

from telegram import (
    ChatMember,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    LinkPreviewOptions,
    Message,
    MessageEntity,
    Update,
)
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, TimedOut
from telegram.ext import ContextTypes

from bot.answer import Answer, Responder, Suggestion
from bot.telegram.html import answer_html, sources_html
from bot.telegram.keyboards import (
    deep_link_payload,
    open_in_bot_keyboard,
    parse_deep_link,
    parse_question_data,
    questions_keyboard,
    share_keyboard,
)

logger = logging.getLogger(__name__)

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
INLINE_CACHE_SECONDS = 300
INLINE_RESULTS = 5
_LEADING_COMMAND = re.compile(r"^/\S+\s*")

WELCOME = (
    "Hi! I answer quick questions about the <b>SCO summit in Astana</b>, Kazakhstan (3–4 July 2024), "
    "and every answer quotes its source. When my sources don't say, I tell you so.\n\n"
    "Just type a question, or try one of these:"
)
HELP = (
    "<b>How to ask</b>\n"
    "• In this chat, just type your question: <i>who attended?</i>, <i>is turkey a member?</i>, "
    "<i>what did guterres say?</i>\n"
    "• In a group, use <code>/ask your question</code>, mention me, or reply to one of my messages.\n"
    "• In any chat, type my username and a question to share an answer.\n\n"
    "<b>Commands</b>\n"
    "/ask – ask a question\n/sources – the five documents I answer from\n/about – what this bot is\n"
    "/help – this message"
)
ABOUT = (
    "This bot answers factual questions about the Shanghai Cooperation Organization summit held in "
    "Astana, Kazakhstan, on 3–4 July 2024. It matches your question to a curated set of questions and "
    "answers from a curated fact base built from five public documents (see /sources). Every answer "
    "quotes the exact words of its source, with the publisher, date and a link. It does not use the "
    "web or general knowledge, and when the sources do not answer a question, it says so."
)
ASK_USAGE = "Ask me like this: <code>/ask who attended the summit?</code>"
NOT_TEXT = "I can only read text. Type a question about the SCO summit in Astana, for example: who attended?"
UNKNOWN_COMMAND = "I don't know that command. Just type a question, or see /help."
ADDED_TO_GROUP = (
    "Hello! I answer questions about the SCO summit in Astana (3–4 July 2024), with sources. "
    "Ask with <code>/ask your question</code>, mention me, or reply to one of my messages."
)
STALE_BUTTON = "This button no longer works. Please type your question again."
STALE_LINK = "That link no longer leads to an answer, sorry. Ask me anything about the summit instead."


def responder_of(context: ContextTypes.DEFAULT_TYPE) -> Responder:
    return context.bot_data["responder"]


def _is_group(message: Message) -> bool:
    return message.chat.type in (ChatType.GROUP, ChatType.SUPERGROUP)


def _share_question(answer: Answer, responder: Responder) -> str | None:
    if answer.outcome != "answer" or not answer.citations or answer.intent is None:
        return None
    intent = responder.knowledge.intents[answer.intent]
    entity = responder.knowledge.entities.get(answer.entity) if answer.entity else None
    return intent.question.replace("{name}", entity.name) if entity else intent.question


def _keyboard(answer: Answer, responder: Responder):
    share = _share_question(answer, responder)
    if share:
        return share_keyboard(share)
    return questions_keyboard(answer.suggestions or answer.examples)


async def send_answer(message: Message, answer: Answer, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Reply with the answer; in a group, as a reply to the asking message."""
    await message.reply_html(
        answer_html(answer),
        reply_markup=_keyboard(answer, responder_of(context)),
        link_preview_options=NO_PREVIEW,
        do_quote=_is_group(message),
    )


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start, and /start <payload> from a shared t.me link: open that answer."""
    message = update.effective_message
    responder = responder_of(context)
    if context.args:
        parsed = parse_deep_link(context.args[0])
        answer = responder.answer_intent(*parsed) if parsed else None
        if answer is not None:
            await send_answer(message, answer, context)
            return
        await message.reply_html(STALE_LINK)
    await message.reply_html(WELCOME, reply_markup=questions_keyboard(responder.popular[:3]))


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/help: how to ask, in private chats and in groups."""
    await update.effective_message.reply_html(HELP, link_preview_options=NO_PREVIEW)


async def about(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/about: what the bot is and what it is not."""
    await update.effective_message.reply_html(ABOUT, link_preview_options=NO_PREVIEW)


async def sources(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/sources: the five documents with their links."""
    documents = list(responder_of(context).knowledge.sources.values())
    await update.effective_message.reply_html(sources_html(documents), link_preview_options=NO_PREVIEW)


async def ask(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/ask <question> (also /ask@botname in groups)."""
    message = update.effective_message
    question = _LEADING_COMMAND.sub("", message.text or "", count=1).strip()
    if not question:
        await message.reply_html(ASK_USAGE, do_quote=_is_group(message))
        return
    await send_answer(message, responder_of(context).ask(question), context)


async def private_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """In a private chat, any text is a question."""
    message = update.effective_message
    if message.from_user is None or message.from_user.is_bot:
        return
    await send_answer(message, responder_of(context).ask(message.text), context)


def addressed_question(message: Message, bot_id: int, username: str) -> str | None:
    """The question in a group message addressed to the bot (a mention or a reply to the bot's
    message), with the mention removed; None when the message is chatter for others."""
    mention = f"@{username}".casefold()
    mentioned = False
    text = message.text or ""
    for entity, value in message.parse_entities([MessageEntity.MENTION, MessageEntity.TEXT_MENTION]).items():
        if entity.type == MessageEntity.MENTION and value.casefold() == mention:
            mentioned = True
            text = text.replace(value, " ")
        elif entity.type == MessageEntity.TEXT_MENTION and entity.user and entity.user.id == bot_id:
            mentioned = True
    replied = message.reply_to_message
    to_bot = replied is not None and replied.from_user is not None and replied.from_user.id == bot_id
    if not (mentioned or to_bot):
        return None
    return " ".join(text.split())


async def group_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """In a group, answer only messages that mention the bot or reply to it; ignore the rest."""
    message = update.effective_message
    if message.from_user is None or message.from_user.is_bot:
        return
    question = addressed_question(message, context.bot.id, context.bot.username)
    if question is None:
        return
    if not question:
        await message.reply_html(ASK_USAGE, do_quote=True)
        return
    await send_answer(message, responder_of(context).ask(question), context)


async def private_not_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, photos, voice... in a private chat: a short hint."""
    await update.effective_message.reply_text(NOT_TEXT)


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_html(UNKNOWN_COMMAND)


async def question_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A pressed question button: answer it as a new message; forged or stale data gets an alert."""
    query = update.callback_query
    parsed = parse_question_data(query.data)
    answer = responder_of(context).answer_intent(*parsed) if parsed else None
    if answer is None or query.message is None or not isinstance(query.message, Message):
        await query.answer(STALE_BUTTON, show_alert=True)
        return
    await query.answer()
    await send_answer(query.message, answer, context)


def _article(answer: Answer, suggestion: Suggestion, responder: Responder, username: str) -> InlineQueryResultArticle:
    payload = deep_link_payload(suggestion)
    result_id = hashlib.sha1(f"{suggestion.intent}|{suggestion.entity}".encode()).hexdigest()[:32]
    return InlineQueryResultArticle(
        id=result_id,
        title=suggestion.question,
        description=(answer.text or "")[:120],
        input_message_content=InputTextMessageContent(
            answer_html(answer), parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW
        ),
        reply_markup=open_in_bot_keyboard(username, payload),
    )


async def inline_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """@botname question, in any chat: the best answers as articles; popular questions when empty."""
    query = update.inline_query
    responder = responder_of(context)
    text = query.query.strip()
    if not text:
        wanted = list(responder.popular)
    else:
        answer = responder.ask(text)
        if answer.outcome == "answer" and answer.citations and answer.intent:
            wanted = [Suggestion(answer.intent, answer.entity, _share_question(answer, responder) or text)]
        else:
            wanted = list(answer.suggestions)
    results = []
    for suggestion in wanted[:INLINE_RESULTS]:
        answer = responder.answer_intent(suggestion.intent, suggestion.entity)
        if answer is not None and answer.citations:
            results.append(_article(answer, suggestion, responder, context.bot.username))
    button = None if results else InlineQueryResultsButton("No answer in my sources – open the bot", start_parameter="inline")
    await query.answer(results, cache_time=INLINE_CACHE_SECONDS, is_personal=False, button=button)


async def membership_changed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The bot was added to or removed from a group."""
    change = update.my_chat_member
    was_in = change.old_chat_member.status in (ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.OWNER)
    is_in = change.new_chat_member.status in (ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.OWNER)
    if change.chat.type not in (ChatType.GROUP, ChatType.SUPERGROUP) or was_in == is_in:
        return
    if is_in:
        logger.info("added to group %s", change.chat.id)
        await context.bot.send_message(change.chat.id, ADDED_TO_GROUP, parse_mode=ParseMode.HTML)
    else:
        logger.info("removed from group %s", change.chat.id)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log every failure and keep running; expected API refusals are warnings, not tracebacks."""
    error = context.error
    if isinstance(error, Forbidden):
        logger.warning("not allowed to send (the user blocked the bot or it left the chat): %s", error)
    elif isinstance(error, BadRequest):
        logger.warning("request refused by Telegram: %s", error)
    elif isinstance(error, TimedOut):
        logger.warning("request timed out; not resent, as it may have been delivered: %s", error)
    elif isinstance(error, NetworkError):
        logger.warning("network error talking to Telegram: %s", error)
    else:
        logger.error("unexpected error while handling an update", exc_info=error)
