"""One user event, answered: text through Rasa, photos and files through the file hook."""

from __future__ import annotations

import logging
from collections import OrderedDict

from bot.rasa_client import RasaClient, RasaUnavailable
from bot.zalo import constants as zalo
from bot.zalo.events import UserEvent
from bot.zalo.files import FileHook, ReceivedFile
from bot.zalo.formatting import button_titles, messages_for
from bot.zalo.oa_api import OaClient
from knowledge.shared.wording import say, text

log = logging.getLogger(__name__)

CHANNEL = "zalo"
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

    async def handle(self, event: UserEvent) -> None:
        if event.name == zalo.USER_SEND_TEXT and event.text:
            await self._relay(event.user_id, event.text)
        elif event.name in (zalo.USER_SEND_IMAGE, zalo.USER_SEND_FILE) and event.attachments:
            for attachment in event.attachments:
                kind = "image" if event.name == zalo.USER_SEND_IMAGE else "file"
                received = ReceivedFile(
                    sender_id(event.user_id), kind, attachment.url, attachment.name
                )
                await self._api.send(event.user_id, {"text": await self._receive_file(received)})
        else:
            await self._api.send(event.user_id, {"text": TEXT_ONLY})

    async def _relay(self, user_id: str, message: str) -> None:
        chosen = self._offered.pop(user_id, {}).get(message)
        if chosen is not None:
            await self._api.send(user_id, {"text": say("zalo.chosen", title=chosen)})
        try:
            replies = await self._rasa.send(sender_id(user_id), message)
        except RasaUnavailable as error:
            log.warning("Rasa unavailable for Zalo user %s: %s", user_id, error)
            await self._api.send(user_id, {"text": BUSY})
            return
        for reply in replies:
            for outgoing in messages_for(reply):
                await self._api.send(user_id, outgoing)
            if reply.buttons:
                self._remember(user_id, button_titles(reply))

    def _remember(self, user_id: str, titles: dict[str, str]) -> None:
        self._offered[user_id] = titles
        self._offered.move_to_end(user_id)
        while len(self._offered) > BUTTONS_REMEMBERED:
            self._offered.popitem(last=False)
