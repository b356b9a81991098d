"""The durable inbox every channel shares: an update is committed before the platform is told it
arrived, handled at least once, never twice for a second delivery, replayed after a restart,
and each reply is sent once (see docs/ARCHITECTURE.md, "Durable inbox")."""

from knowledge.inbox.store import Claim, Inbox, InboxItem
from knowledge.inbox.worker import InboxWorker, Sweeper, Turn, finish, handle, holding

__all__ = [
    "Claim",
    "Inbox",
    "InboxItem",
    "InboxWorker",
    "Sweeper",
    "Turn",
    "finish",
    "handle",
    "holding",
]
