"""Which reader a file needs, from its first bytes rather than its name: officials rename files,
and a ".pdf" that is really a Word file should still be read."""

from __future__ import annotations

import io
import re
import zipfile

from knowledge.plans.formats.base import UnreadableDocument

# The OLE compound file of Word 97-2003, and of an Office file encrypted with a password.
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
_IMAGES = (
    (b"\x89PNG\r\n\x1a\n", "image"),
    (b"\xff\xd8\xff", "image"),
    (b"II*\x00", "image"),
    (b"MM\x00*", "image"),
    (b"GIF8", "image"),
    (b"BM", "image"),
)
_HTML = re.compile(rb"<\s*(?:!doctype\s+html|html|head|body|table|p|div)\b", re.IGNORECASE)
_IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".gif", ".bmp", ".webp"}


def detect_kind(data: bytes, name: str) -> str:
    """The reader ``data`` needs: txt, docx, pdf, html or image; raises for what none takes."""
    head = data[:2048]
    suffix = name.lower().rsplit(".", 1)[-1] if "." in name else ""
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        if _is_docx(data):
            return "docx"
        if suffix == "docx":  # a .docx whose zip is cut or broken
            raise UnreadableDocument.of("damaged", name=name, kind="Word (.docx)")
        raise UnreadableDocument.of("format_unknown", name=name)
    if head.startswith(_OLE):
        if _ENCRYPTED_PACKAGE in data:
            raise UnreadableDocument.of("encrypted", name=name)
        raise UnreadableDocument.of("format_old_word", name=name)
    if head.startswith(b"{\\rtf"):
        raise UnreadableDocument.of("format_old_word", name=name)
    for magic, kind in _IMAGES:
        if head.startswith(magic):
            return kind
    if f".{suffix}" in _IMAGE_SUFFIXES:
        return "image"  # the image reader says it is not one
    if suffix in {"docx", "pdf"}:
        kind = "Word (.docx)" if suffix == "docx" else "PDF"
        raise UnreadableDocument.of("damaged", name=name, kind=kind)
    if suffix == "doc":
        raise UnreadableDocument.of("format_old_word", name=name)
    if suffix in {"htm", "html", "xhtml"} or _HTML.search(head.lstrip()[:512]):
        return "html"
    return "txt"


def _is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return False
