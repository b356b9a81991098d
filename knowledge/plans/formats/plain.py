"""Plain text files: the encodings Vietnamese offices save text in."""

from __future__ import annotations

from knowledge.plans.formats.base import ReadDocument, UnreadableDocument
from knowledge.plans.formats.layout import normalize_text

# Tried in order: UTF-8 (with or without BOM), UTF-16 with its BOM, then Windows' Vietnamese
# code page, which decodes any byte string, so it comes last.
_BOMS = ((b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


def decode(data: bytes, name: str) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                raise UnreadableDocument.of("damaged", name=name, kind="văn bản") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if b"\x00" in data:  # binary, not text in a legacy code page
        raise UnreadableDocument.of("format_unknown", name=name)
    return data.decode("cp1258", errors="replace")


def read_text(data: bytes, name: str) -> ReadDocument:
    """A .txt file as written; tables already in the ``| a | b |`` convention pass through."""
    return ReadDocument(text=normalize_text(decode(data, name)), kind="txt")
