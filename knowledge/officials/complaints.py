"""A complaint as officials see it in any channel, and what became of a reply sent to a citizen.

The one masked view of a complaint (:class:`ComplaintView`) serves the Telegram commands, the
web page and its JSON API alike: the citizen's name, phone and any mobile number typed into the
content are masked everywhere, because officials answer through the assistant rather than by
calling the citizen, and chat services keep their history on their own servers.
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, fields
from datetime import datetime

from knowledge.feedback import FeedbackItem, FeedbackReply
from knowledge.feedback.attachments import Attachment
from knowledge.shared.privacy import mask_name, mask_phone, mask_phones_in_text
from knowledge.shared.wording import say, text

# A channel names its users to Rasa "<channel>:<id>" ("telegram:4242"); the web chat's
# socket.io sessions carry no prefix.
WEB = "web"
CHANNEL_LABELS = {
    "telegram": text("officials.channel_telegram"),
    "zalo": text("officials.channel_zalo"),
    WEB: text("officials.channel_web"),
}


def channel_of(sender_id: str) -> str:
    """The channel a complaint came through, from its sender id: "telegram:4242" → "telegram"."""
    prefix, separator, rest = sender_id.partition(":")
    return prefix if separator and rest and prefix.isalpha() else WEB


@dataclass(frozen=True)
class ComplaintView:
    """A complaint for officials, the citizen's personal data masked."""

    code: str
    category: str
    category_label: str
    status: str
    status_label: str
    content: str  # mobile numbers masked
    citizen_name: str  # "Nguyễn V** A*"
    phone: str  # "0912***678"
    dossier_code: str | None
    channel: str  # "telegram", "web"
    channel_label: str  # "Telegram", "trang web"
    submitted_at: datetime  # Vietnam time
    reply: str | None
    replied_at: datetime | None
    attachments: tuple[Attachment, ...]  # photos and PDFs the citizen sent with it
    # Set when an official reassigned it (knowledge.officials.assignments).
    assignee: str | None = None
    locality: str | None = None

    @property
    def closed(self) -> bool:
        return self.status == "closed"


# Masked or derived below; every other field of the view is the complaint's own.
_DERIVED = frozenset(
    {"content", "citizen_name", "phone", "channel", "channel_label", "assignee", "locality"}
)
_COPIED = tuple(field.name for field in fields(ComplaintView) if field.name not in _DERIVED)


def complaint_view(item: FeedbackItem) -> ComplaintView:
    channel = channel_of(item.sender_id)
    return ComplaintView(
        **{name: getattr(item, name) for name in _COPIED},
        content=mask_phones_in_text(item.content),
        citizen_name=mask_name(item.citizen_name),
        phone=mask_phone(item.phone),
        channel=channel,
        channel_label=CHANNEL_LABELS.get(channel, channel),
    )


class Delivery(enum.Enum):
    """What became of an official's reply on its way to the citizen."""

    SENT = "sent"  # the citizen's chat has it
    ON_REQUEST = "on_request"  # their channel cannot be written to: shown when they ask
    FAILED = "failed"  # their channel could not be reached; shown when they ask


# Pushes a stored reply to the citizen over one channel (Telegram: bot.officials).
Courier = Callable[[FeedbackReply], Awaitable[Delivery]]


def outcome_text(delivery: Delivery, code: str) -> str:
    """What the official is told, as the rest of a sentence: each channel starts it its way."""
    if delivery is Delivery.SENT:
        return say("officials.reply_sent", code=code)
    if delivery is Delivery.ON_REQUEST:
        return say("officials.reply_on_request", code=code)
    return say("officials.reply_failed", code=code)


@dataclass(frozen=True)
class ReplyOutcome:
    """A stored reply and what became of it on its way to the citizen."""

    reply: FeedbackReply
    delivery: Delivery

    @property
    def message(self) -> str:
        """What the official is told, as the rest of a sentence (see ``outcome_text``)."""
        return outcome_text(self.delivery, self.reply.code)


async def route(reply: FeedbackReply, couriers: Mapping[str, Courier]) -> Delivery:
    """Take ``reply`` to the citizen through their channel's courier. A channel without one
    gets FAILED; the web chat, which cannot be written to, ON_REQUEST."""
    channel = channel_of(reply.sender_id)
    courier = couriers.get(channel)
    if courier is not None:
        return await courier(reply)
    return Delivery.ON_REQUEST if channel == WEB else Delivery.FAILED
