"""Photos and PDFs citizens send (the channels store them: knowledge.feedback.attachments):
attached to the complaint being filed, or read as a dossier receipt whose code
action_dossier_status then looks up like a typed one."""

from __future__ import annotations

import asyncio
import logging
import os

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.forms import REQUESTED_SLOT, entity_value
from knowledge.dossiers.receipts import ReceiptLimits, read_receipt
from knowledge.feedback.attachments import (
    PER_FEEDBACK,
    UPLOAD_ENTITY,
    Uploads,
    attachment_limits,
)
from knowledge.shared.uploads import PDF, UploadRejected
from knowledge.shared.wording import say

logger = logging.getLogger(__name__)

ATTACHMENTS_SLOT = "feedback_attachments"


class UsesUploads:
    """The Uploads store, made on first use: the action server imports this module before the
    database is configured."""

    def __init__(self, uploads: Uploads | None = None) -> None:
        self._uploads = uploads

    def uploads(self) -> Uploads:
        if self._uploads is None:
            self._uploads = Uploads(limits=attachment_limits(os.environ))
        return self._uploads


class ActionReadReceipt(UsesUploads, Action):
    """The dossier code on a receipt photo or PDF, into the dossier_code slot; the file is
    deleted once read. Closes an open form (the complaint form takes files as attachments
    instead: data/rules/attachments.yml)."""

    def name(self) -> str:
        return "action_read_receipt"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        events: list[EventType] = [SlotSet("dossier_code_attempts", 0)]
        if (tracker.active_loop or {}).get("name"):
            # The dossier form, whose question the receipt answers, or a lookup left aside.
            events += [ActiveLoop(None), SlotSet(REQUESTED_SLOT, None)]
        code = await self.code_on_receipt(dispatcher, tracker)
        return [*events, SlotSet("dossier_code", code)]

    async def code_on_receipt(
        self, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> str | None:
        """The code read, told to the citizen; or None, with what to do instead."""
        key = entity_value(tracker, UPLOAD_ENTITY) or ""
        uploads = self.uploads()
        data = await asyncio.to_thread(uploads.take, key, tracker.sender_id or "")
        if data is None:
            dispatcher.utter_message(text=say("feedback.attachment_lost"))
            return None
        limits = ReceiptLimits(upload=uploads.limits.upload)
        try:
            reading = await asyncio.to_thread(read_receipt, data, limits)
        except UploadRejected as rejected:
            dispatcher.utter_message(text=str(rejected))
            return None
        logger.info("receipt from %s: code %s", tracker.sender_id, reading.source)
        if reading.code is None:
            dispatcher.utter_message(text=say("receipts.no_code"))
            return None
        dispatcher.utter_message(text=say("receipts.code_read", code=reading.code))
        return reading.code


class ActionAttachUpload(UsesUploads, Action):
    """Adds the file just sent to the complaint being filed (up to PER_FEEDBACK files); the
    form then asks its question again."""

    def name(self) -> str:
        return "action_attach_upload"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        key = entity_value(tracker, UPLOAD_ENTITY) or ""
        attached = list(tracker.get_slot(ATTACHMENTS_SLOT) or [])
        found = await asyncio.to_thread(self.uploads().pending, key, tracker.sender_id or "")
        if found is None:
            dispatcher.utter_message(text=say("feedback.attachment_lost"))
            return []
        if key in attached:
            return []
        if len(attached) >= PER_FEEDBACK:
            dispatcher.utter_message(
                text=say("feedback.attachment_limit_reached", limit=PER_FEEDBACK)
            )
            return []
        attached.append(key)
        kind = (
            "feedback.attachment_kind_pdf"
            if found.media_type == PDF
            else "feedback.attachment_kind_image"
        )
        dispatcher.utter_message(
            text=say(
                "feedback.attachment_received",
                kind=say(kind),
                count=len(attached),
                limit=PER_FEEDBACK,
            )
        )
        return [SlotSet(ATTACHMENTS_SLOT, attached)]
