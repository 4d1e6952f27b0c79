"""A Telegram bot that answers questions about the SCO summit in Astana (3–4 July 2024) from five sources."""
