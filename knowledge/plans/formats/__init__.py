"""Readers for the files officials have: .txt, .docx, .pdf (text layer, or scans through OCR),
.html saved from legal-document sites, and photographed pages. Each gives the document's
normalised text, tables as consecutive lines ``| cell | cell |`` (the convention the generic
extraction path parses), or raises ``UnreadableDocument`` with a Vietnamese message.

    from knowledge.plans.formats import read_file
    document = read_file(Path("ke-hoach.docx"))
    document.text, document.kind, document.notes
"""

from knowledge.plans.formats.base import DEFAULT_LIMITS, Limits, ReadDocument, UnreadableDocument
from knowledge.plans.formats.reader import read_bytes, read_file
from knowledge.plans.formats.sniff import detect_kind

__all__ = [
    "DEFAULT_LIMITS",
    "Limits",
    "ReadDocument",
    "UnreadableDocument",
    "detect_kind",
    "read_bytes",
    "read_file",
]
