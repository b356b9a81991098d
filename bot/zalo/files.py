"""Photos and files citizens send on Zalo: the hook that receives them.

Reading a receipt's code from a photo and attaching files to a complaint are being built
elsewhere (issue #12, items 3 and 4); until they land here, the hook acknowledges the file and
asks for the code to be typed, so the citizen is never left without an answer.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from knowledge.shared.wording import text


@dataclass(frozen=True)
class ReceivedFile:
    sender_id: str  # as Rasa knows the conversation: "zalo:<user id>"
    kind: str  # "image" or "file"
    url: str  # Zalo's download address
    name: str | None = None


# Takes the file, answers the citizen's text.
FileHook = Callable[[ReceivedFile], Awaitable[str]]


async def acknowledge_file(received: ReceivedFile) -> str:
    """The hook until receipts and attachments are read: say it arrived, ask for the code."""
    return text("zalo.photo_received" if received.kind == "image" else "zalo.file_received")
