"""Pure shaping of Rasa replies into Zalo customer-service messages: sizes and buttons.

A reply's text is cut to Zalo's limit; its buttons ride on the last piece, at most
``BUTTONS_PER_MESSAGE`` per message, further ones on messages of their own. A button sends its
Rasa payload back as the user's text (constants.BUTTON_TYPE).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.rasa_client import RasaButton, RasaReply
from bot.text_pieces import split_text
from bot.zalo import constants as zalo
from knowledge.shared.wording import text

CHOOSE = text("zalo.choose")
MORE_CHOICES = text("zalo.more_choices")

Message = dict[str, Any]


def messages_for(reply: RasaReply) -> list[Message]:
    """The messages that carry one Rasa reply, in order."""
    pieces = split_text(reply.text, zalo.TEXT_LIMIT) or [CHOOSE]
    groups = [
        reply.buttons[i : i + zalo.BUTTONS_PER_MESSAGE]
        for i in range(0, len(reply.buttons), zalo.BUTTONS_PER_MESSAGE)
    ]
    messages: list[Message] = [{"text": piece} for piece in pieces]
    if groups:
        messages[-1] = with_buttons(pieces[-1], groups[0])
        messages += [with_buttons(MORE_CHOICES, group) for group in groups[1:]]
    return messages


def with_buttons(body: str, buttons: Sequence[RasaButton]) -> Message:
    payload: dict[str, Any] = {"buttons": [_button(b) for b in buttons]}
    if zalo.BUTTONS_TEMPLATE_TYPE is not None:
        payload["template_type"] = zalo.BUTTONS_TEMPLATE_TYPE
    return {"text": body, "attachment": {"type": "template", "payload": payload}}


def _button(button: RasaButton) -> dict[str, str]:
    title = button.title
    if len(title) > zalo.BUTTON_TITLE_LIMIT:
        title = title[: zalo.BUTTON_TITLE_LIMIT - 1] + "…"
    # A payload Zalo would refuse becomes the title: pressed, it reads as the title typed.
    payload = button.payload if len(button.payload) <= zalo.BUTTON_PAYLOAD_LIMIT else title
    return {"title": title, "type": zalo.BUTTON_TYPE, "payload": payload}


def button_titles(reply: RasaReply) -> dict[str, str]:
    """Title of each button payload of a reply, to show the citizen what they chose."""
    shown = [_button(b) for b in reply.buttons]
    return {button["payload"]: button["title"] for button in shown}
