"""Photos and PDFs citizens send (a receipt, a complaint's evidence), checked by their content,
never by their name: size first, then the kind from the first bytes, then the image's header
(pixels counted before any is decoded, so a decompression bomb costs nothing) and structure,
or the PDF's page count."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

from knowledge.shared.wording import say

MB = 1024 * 1024
JPEG = "image/jpeg"
PNG = "image/png"
WEBP = "image/webp"
PDF = "application/pdf"
IMAGE_KINDS = (JPEG, PNG, WEBP)
# What Pillow calls each image kind when it saves one.
PILLOW_FORMATS = {JPEG: "JPEG", PNG: "PNG", WEBP: "WEBP"}
SUFFIXES = {JPEG: ".jpg", PNG: ".png", WEBP: ".webp", PDF: ".pdf"}


@dataclass(frozen=True)
class UploadLimits:
    max_bytes: int = 10 * MB
    max_pixels: int = 40_000_000  # a 12-megapixel phone photo is well within
    max_pdf_pages: int = 20


class UploadRejected(Exception):
    """A file the assistant does not take; ``str()`` is a Vietnamese message for the citizen,
    ``reason`` a stable key: too_big, empty, not_supported, too_many_pixels, damaged,
    too_many_pages."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason

    @classmethod
    def of(cls, reason: str, /, **values: object) -> UploadRejected:
        """The rejection for catalogue key ``uploads.<reason>`` filled with ``values``."""
        return cls(reason, say(f"uploads.{reason}", **values))


def sniff(data: bytes) -> str | None:
    """The media type the first bytes show (JPEG, PNG, WebP or PDF), else None."""
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    if data.startswith(b"%PDF-"):
        return PDF
    return None


def check_upload(data: bytes, limits: UploadLimits) -> str:
    """The media type of an acceptable photo or PDF; raises UploadRejected otherwise."""
    if len(data) > limits.max_bytes:
        raise UploadRejected.of("too_big", limit=mb_text(limits.max_bytes))
    if not data:
        raise UploadRejected.of("empty")
    kind = sniff(data)
    if kind is None:
        raise UploadRejected.of("not_supported")
    if kind == PDF:
        pdf_pages(data, limits)
    else:
        open_image(data, limits)
    return kind


def open_image(data: bytes, limits: UploadLimits) -> Image.Image:
    """The image, checked: pixels from the header within the limit, structure verified; its
    pixels not yet decoded."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            check_pixels(image, limits)
            image.verify()
            image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise UploadRejected.of("too_many_pixels") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise UploadRejected.of("damaged") from None
    return image


def check_pixels(image: Image.Image, limits: UploadLimits) -> None:
    if image.width * image.height > limits.max_pixels:
        raise UploadRejected.of("too_many_pixels")


def pdf_pages(data: bytes, limits: UploadLimits) -> int:
    """The page count of a PDF that opens without a password and has no more pages than the
    limit."""
    import pypdfium2

    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError:
        raise UploadRejected.of("damaged") from None
    try:
        pages = len(document)
    finally:
        document.close()
    if pages < 1:
        raise UploadRejected.of("damaged")
    if pages > limits.max_pdf_pages:
        raise UploadRejected.of("too_many_pages", pages=pages, limit=limits.max_pdf_pages)
    return pages


def mb_text(size: int) -> str:
    return f"{size / MB:.1f}".rstrip("0").rstrip(".").replace(".", ",")
