"""What every reader returns or raises, and the limits every parse is held to."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from knowledge.shared.wording import say

MB = 1024 * 1024


class UnreadableDocument(Exception):
    """A file that cannot be read as a plan document; ``str()`` is a Vietnamese message for the
    official who sent it, ``reason`` a stable English key for code and logs."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason

    @classmethod
    def of(cls, reason: str, /, **values: Any) -> UnreadableDocument:
        """The error for catalogue key ``documents.<reason>`` filled with ``values``."""
        return cls(reason, say(f"documents.{reason}", **values))


@dataclass(frozen=True)
class Limits:
    """Bounds on one parse. Sizes are checked before any parser sees the file; pages, characters
    and pixels while reading; time and memory by running the parse in a child process."""

    max_bytes: int = 25 * MB  # the file as uploaded
    max_unzipped_bytes: int = 200 * MB  # all members of a .docx together, as declared
    max_member_bytes: int = 100 * MB  # one member of a .docx
    max_zip_ratio: int = 200  # uncompressed / compressed, for members over 1 MB
    max_zip_members: int = 5_000
    max_pages: int = 400  # a long plan with its appendices has a few dozen
    max_ocr_pages: int = 40  # and no more than the time allows: ~10 s a page on 2 cores
    max_chars: int = 5_000_000
    max_image_pixels: int = 60_000_000  # a page scanned at 600 dpi is about 35 million
    max_seconds: float = 300.0
    max_memory_bytes: int = 2048 * MB  # address space of the child process


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class ReadDocument:
    """A document's text as the generic extraction path takes it: NFC, one paragraph per line,
    each table row a line ``| cell | cell |`` (merged cells repeated, a cell's own line breaks
    written " / ")."""

    text: str
    kind: str  # "txt", "docx", "pdf", "html" or "image"
    pages: int | None = None
    ocr_pages: int = 0  # pages read by OCR (scans)
    notes: tuple[str, ...] = field(default_factory=tuple)  # Vietnamese, for the official
