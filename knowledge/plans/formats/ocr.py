"""Text of scanned pages through Debian's tesseract-ocr with its Vietnamese data
(tesseract-ocr-vie), called by pytesseract; images checked before they are decoded."""

from __future__ import annotations

import io
import shutil
import time
import warnings
from collections.abc import Iterator
from functools import lru_cache

from PIL import Image, ImageSequence, UnidentifiedImageError

from knowledge.plans.formats.base import Limits, ReadDocument, UnreadableDocument
from knowledge.plans.formats.layout import normalize_text

LANGUAGE = "vie"
# Seconds tesseract may spend on one page before it is stopped.
PAGE_SECONDS = 60


@lru_cache(maxsize=1)
def ocr_available() -> bool:
    """Whether tesseract and its Vietnamese data are installed."""
    if shutil.which("tesseract") is None:
        return False
    import pytesseract

    try:
        return LANGUAGE in pytesseract.get_languages(config="")
    except (pytesseract.TesseractError, OSError):
        return False


def require_ocr(name: str) -> None:
    if not ocr_available():
        raise UnreadableDocument.of("ocr_missing", name=name)


class OcrBudget:
    """OCR pages while the parse's time allows another one: a scan too long for the time limit
    is read in part (and says so) rather than stopped with nothing."""

    def __init__(self, limits: Limits) -> None:
        self._limits = limits
        self._started = time.monotonic()
        self._slowest = 0.0
        self.pages = 0

    def allows_another(self) -> bool:
        if self.pages >= self._limits.max_ocr_pages:
            return False
        elapsed = time.monotonic() - self._started
        return elapsed + self._slowest * 1.5 < self._limits.max_seconds * 0.9

    def read(self, image: Image.Image) -> str:
        began = time.monotonic()
        text = ocr_image(image)
        self._slowest = max(self._slowest, time.monotonic() - began)
        self.pages += 1
        return text


def ocr_image(image: Image.Image) -> str:
    """The text tesseract reads on one page image, normalised."""
    import pytesseract

    try:
        text = pytesseract.image_to_string(image, lang=LANGUAGE, timeout=PAGE_SECONDS)
    except RuntimeError:  # pytesseract's timeout
        return ""
    return normalize_text(text)


def open_image(data: bytes, name: str, limits: Limits) -> Image.Image:
    """The image in ``data``, refused when it is not one or when it would decode to more pixels
    than the limit (checked from its header, before any pixel is decoded)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            _check_size(image, name, limits)
            image.verify()  # structure and checksums, without decoding the pixels
            image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise UnreadableDocument.of("image_too_large", name=name, pixels="?") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise UnreadableDocument.of("image_invalid", name=name) from None
    return image


def _check_size(image: Image.Image, name: str, limits: Limits) -> None:
    pixels = image.width * image.height
    if pixels > limits.max_image_pixels:
        raise UnreadableDocument.of(
            "image_too_large", name=name, pixels=f"{pixels / 1_000_000:.1f}".replace(".", ",")
        )


def _frames(image: Image.Image, name: str, limits: Limits) -> Iterator[Image.Image]:
    try:
        for frame in ImageSequence.Iterator(image):
            _check_size(frame, name, limits)
            frame.load()
            yield frame.convert("L")
    except (OSError, SyntaxError, ValueError, EOFError):
        raise UnreadableDocument.of("image_invalid", name=name) from None


def read_image(data: bytes, name: str, limits: Limits) -> ReadDocument:
    """A photographed or scanned page (PNG, JPEG, TIFF with one page per frame) read by OCR."""
    image = open_image(data, name, limits)
    require_ocr(name)
    budget = OcrBudget(limits)
    texts: list[str] = []
    frames = getattr(image, "n_frames", 1)
    for frame in _frames(image, name, limits):
        if not budget.allows_another():
            break
        texts.append(budget.read(frame))
    text = normalize_text("\n".join(texts))
    if not text.strip():
        raise UnreadableDocument.of("no_text", name=name)
    read = budget.pages
    notes = [_say_ocr_used(read)]
    if frames > read:
        notes.append(_say_pages_limited(read, frames))
    return ReadDocument(text=text, kind="image", pages=frames, ocr_pages=read, notes=tuple(notes))


def _say_ocr_used(pages: int) -> str:
    from knowledge.shared.wording import say

    return say("documents.ocr_used", pages=pages)


def _say_pages_limited(limit: int, pages: int) -> str:
    from knowledge.shared.wording import say

    return say("documents.ocr_pages_limited", limit=limit, pages=pages)
