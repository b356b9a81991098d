"""The guard lets the channels' upload message through to Rasa as an intent, and still turns
any other typed "/intent{...}" into words."""

from __future__ import annotations

from bot.guard import screen
from knowledge.feedback.attachments import upload_message


def test_attach_upload_message_of_a_channel_reaches_rasa_as_sent() -> None:
    message = upload_message("0123456789abcdef0123456789abcdef")
    assert screen(message, offered=frozenset(), limit=1000).text == message


def test_attach_other_typed_intents_are_still_read_as_words() -> None:
    typed = '/upload_files{"x": 1}'
    assert screen(typed, offered=frozenset(), limit=1000).text == 'upload_files{"x": 1}'
