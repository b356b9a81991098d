"""One user event, answered: text through Rasa, photos and files through the file hook.

Every reply goes out through the turn's ``reply_once`` and Rasa's answer is kept with its
``remember``, so that a store which replays events (``inbox``) can answer a replayed event
without asking Rasa twice or sending a reply twice.
"""

from __future__ import annotations

import functools
import logging
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from bot.rasa_client import RasaClient, RasaUnavailable, parse_replies, replies_as_json
from bot.zalo import constants as zalo
from bot.zalo.events import UserEvent
from bot.zalo.files import FileHook, ReceivedFile
from bot.zalo.formatting import button_titles, messages_for
from bot.zalo.inbox import CHANNEL
from bot.zalo.oa_api import OaClient
from knowledge.inbox import Turn
from knowledge.shared.wording import say, text

log = logging.getLogger(__name__)

SENDER_PREFIX = CHANNEL + ":"  # how the channel names its users to Rasa: "zalo:<user id>"
BUSY = text("zalo.busy")
TEXT_ONLY = text("zalo.text_only")
# Users whose last buttons are remembered (to show "Anh/chị đã chọn: ..." when one is pressed).
BUTTONS_REMEMBERED = 10_000


def sender_id(user_id: str) -> str:
    return SENDER_PREFIX + user_id


class Conversation:
    """Answers users' events; turns of one user must not overlap (the worker sees to it)."""

    def __init__(self, rasa: RasaClient, api: OaClient, receive_file: FileHook) -> None:
        self._rasa = rasa
        self._api = api
        self._receive_file = receive_file
        self._offered: OrderedDict[str, dict[str, str]] = OrderedDict()

    async def handle(self, turn: Turn, event: UserEvent) -> None:
        if event.name == zalo.USER_SEND_TEXT and event.text:
            await self._relay(turn, event.user_id, event.text)
        elif event.name in (zalo.USER_SEND_IMAGE, zalo.USER_SEND_FILE) and event.attachments:
            kind = "image" if event.name == zalo.USER_SEND_IMAGE else "file"
            for attachment in event.attachments:
                received = ReceivedFile(
                    sender_id(event.user_id), kind, attachment.url, attachment.name
                )
                hook = functools.partial(self._receive_file, received)
                answer = await turn.remember(attachment.url, hook)
                await self._send(turn, event.user_id, {"text": answer})
        else:
            await self._send(turn, event.user_id, {"text": TEXT_ONLY})

    async def _relay(self, turn: Turn, user_id: str, message: str) -> None:
        chosen = self._offered.pop(user_id, {}).get(message)
        if chosen is not None:
            await self._send(turn, user_id, {"text": say("zalo.chosen", title=chosen)})
        try:
            kept = await turn.remember("rasa", lambda: self._ask_rasa(user_id, message))
        except RasaUnavailable as error:
            log.warning("Rasa unavailable for Zalo user %s: %s", user_id, error)
            await self._send(turn, user_id, {"text": BUSY})
            return
        for reply in parse_replies(kept):
            for outgoing in messages_for(reply):
                await self._send(turn, user_id, outgoing)
            if reply.buttons:
                self._remember_buttons(user_id, button_titles(reply))

    async def _ask_rasa(self, user_id: str, message: str) -> list[dict[str, Any]]:
        return replies_as_json(await self._rasa.send(sender_id(user_id), message))

    async def _send(self, turn: Turn, user_id: str, message: Mapping[str, Any]) -> None:
        await turn.reply_once(lambda: self._api.send(user_id, message))

    def _remember_buttons(self, user_id: str, titles: dict[str, str]) -> None:
        self._offered[user_id] = titles
        self._offered.move_to_end(user_id)
        while len(self._offered) > BUTTONS_REMEMBERED:
            self._offered.popitem(last=False)
