"""The Telegram face of the bot: python-telegram-bot application, handlers, keyboards, HTML.

Only this package imports python-telegram-bot.
"""
