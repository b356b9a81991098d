"""Exactly-once turns for the web widget's messages, which may arrive twice.

The widget gives each message a client id and sends it again until the socket.io server
acknowledges it (see bot/web/static/widget.js), so a message typed during an unnoticed network
drop is delivered once the network is back. A message the server did receive but whose
acknowledgement or answer was lost therefore comes again: it must not be processed twice, and
its answer must reach the citizen. ``Turns`` remembers, per session and client id, the replies
already sent for a message; a repeat is not processed, its replies are sent again instead, and
the widget shows each reply once (each carries the client id and its place in the turn).

Per process and in memory, bounded: the widget's retries come within minutes, to the same
Rasa server (socket.io sessions are sticky). Standard library only: runs inside the Rasa server.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

DEFAULT_CAPACITY = 10_000  # turns remembered; the oldest is forgotten first
CLIENT_ID_MAX = 64
CLIENT_ID_KEY = "client_id"  # in the message's metadata
REPLY_TO_KEY = "reply_to"  # in each reply: the client id of the message it answers
SEQ_KEY = "seq"  # in each reply: its place in the turn, from 0

Reply = dict[str, Any]


def client_id_of(metadata: object) -> str | None:
    """The client id the widget put in a message's metadata; None when absent or malformed."""
    if not isinstance(metadata, Mapping):
        return None
    value = metadata.get(CLIENT_ID_KEY)
    if isinstance(value, str) and 0 < len(value) <= CLIENT_ID_MAX:
        return value
    return None


def tagged(reply: Mapping[str, Any], client_id: str, seq: int) -> Reply:
    """The reply marked as the ``seq``-th answer to message ``client_id``."""
    return {**reply, REPLY_TO_KEY: client_id, SEQ_KEY: seq}


class Turns:
    """The replies sent so far for each message, by (sender id, client id)."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self._capacity = capacity
        self._replies: OrderedDict[tuple[str, str], list[Reply]] = OrderedDict()

    def begin(self, sender_id: str, client_id: str) -> list[Reply] | None:
        """None for a new message, now remembered (its replies go in the list ``replies``
        returns); for a repeat, the replies sent for it so far (its turn may still run)."""
        key = (sender_id, client_id)
        known = self._replies.get(key)
        if known is not None:
            self._replies.move_to_end(key)
            return list(known)
        self._replies[key] = []
        while len(self._replies) > self._capacity:
            self._replies.popitem(last=False)
        return None

    def record(self, sender_id: str, client_id: str, reply: Reply) -> Reply:
        """Remember a reply sent for the message; returns it tagged for the widget."""
        replies = self._replies.setdefault((sender_id, client_id), [])
        sent = tagged(reply, client_id, len(replies))
        replies.append(sent)
        return sent
