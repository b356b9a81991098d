"""The officials' desk, whatever the channel: the complaint inbox with its masked view of a
complaint, marking handled, replying and getting the reply to the citizen's channel, the
reporting-deadline calendar and deadline reminders.

Channels (``bot/telegram``, ``bot/web``, any later one) only render what the desk returns and
hand it a courier per channel that can push a reply to a citizen (see :class:`Courier`).
"""

from knowledge.officials.complaints import (
    CHANNEL_LABELS,
    WEB,
    ComplaintView,
    Courier,
    Delivery,
    ReplyOutcome,
    channel_of,
    complaint_view,
    outcome_text,
    route,
)
from knowledge.officials.desk import INBOX_LIMIT, OfficialsDesk

__all__ = [
    "CHANNEL_LABELS",
    "INBOX_LIMIT",
    "WEB",
    "ComplaintView",
    "Courier",
    "Delivery",
    "OfficialsDesk",
    "ReplyOutcome",
    "channel_of",
    "complaint_view",
    "outcome_text",
    "route",
]
