"""Build the python-telegram-bot Application: request settings, rate limiter, handlers."""

from __future__ import annotations

from telegram import BotCommand, Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from bot.answer import Responder
from bot.telegram import handlers
from bot.telegram.ordering import PerChatOrderedProcessor
from bot.telegram.request import RetryingRequest

COMMANDS = [
    BotCommand("ask", "Ask a question about the SCO summit"),
    BotCommand("help", "How to ask, in chats and groups"),
    BotCommand("sources", "The five documents I answer from"),
    BotCommand("about", "What this bot is"),
    BotCommand("start", "Start, with example questions"),
]
RATE_LIMIT_RETRIES = 3
"""429 "retry after" answers are waited out this many times before a send is given up."""
CONCURRENT_UPDATES = 32


async def _register_commands(application: Application) -> None:
    await application.bot.set_my_commands(COMMANDS)


def build_application(token: str, responder: Responder, *, api_url: str | None = None,
                      rate_limited: bool = True, retry_backoff: float = 0.5) -> Application:
    """The bot's Application; `api_url` points it at another Bot API server (self-hosted, tests)."""
    builder = (
        Application.builder()
        .token(token)
        .request(RetryingRequest(connection_pool_size=CONCURRENT_UPDATES + 8, backoff=retry_backoff))
        .concurrent_updates(PerChatOrderedProcessor(CONCURRENT_UPDATES))
        .post_init(_register_commands)
    )
    if rate_limited:
        builder = builder.rate_limiter(AIORateLimiter(max_retries=RATE_LIMIT_RETRIES))
    if api_url:
        base = api_url.rstrip("/")
        builder = builder.base_url(f"{base}/bot").base_file_url(f"{base}/file/bot")
    application = builder.build()
    application.bot_data["responder"] = responder
    add_handlers(application)
    return application


def add_handlers(application: Application) -> None:
    new_messages = filters.UpdateType.MESSAGE
    private = filters.ChatType.PRIVATE & new_messages
    groups = filters.ChatType.GROUPS & new_messages
    application.add_handler(CommandHandler("start", handlers.start, filters=private))
    application.add_handler(CommandHandler("help", handlers.help_command, filters=new_messages))
    application.add_handler(CommandHandler("about", handlers.about, filters=new_messages))
    application.add_handler(CommandHandler("sources", handlers.sources, filters=new_messages))
    application.add_handler(CommandHandler("ask", handlers.ask, filters=new_messages))
    application.add_handler(MessageHandler(private & filters.COMMAND, handlers.unknown_command))
    application.add_handler(MessageHandler(private & filters.TEXT & ~filters.VIA_BOT, handlers.private_text))
    application.add_handler(MessageHandler(groups & filters.TEXT & ~filters.COMMAND & ~filters.VIA_BOT,
                                           handlers.group_text))
    application.add_handler(MessageHandler(private & ~filters.TEXT, handlers.private_not_text))
    application.add_handler(CallbackQueryHandler(handlers.question_button))
    application.add_handler(InlineQueryHandler(handlers.inline_query))
    application.add_handler(ChatMemberHandler(handlers.membership_changed, ChatMemberHandler.MY_CHAT_MEMBER))
    application.add_error_handler(handlers.on_error)


ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.INLINE_QUERY, Update.MY_CHAT_MEMBER,
                   Update.EDITED_MESSAGE, Update.CHANNEL_POST]
