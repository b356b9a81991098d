"""Telegram channel: relays chats between Telegram users and Rasa's REST channel.

Run with ``python -m bot.telegram`` (the launcher does so when TELEGRAM_BOT_TOKEN is set).
"""
