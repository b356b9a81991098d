"""A receipt (phiếu tiếp nhận, giấy hẹn trả kết quả) photographed or scanned: its dossier code,
read from its QR code or, failing that, from its printed text (a PDF's text layer, else OCR
where tesseract is installed).

The file is checked by content before anything decodes it (knowledge.shared.uploads); the
decoding runs in a child process with a time and memory limit (knowledge.shared.isolation), so
a hostile file costs at most that time."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from urllib.parse import unquote

from PIL import Image, ImageOps

from knowledge.dossiers.codes import find_dossier_code
from knowledge.shared.isolation import IsolatedFailure, IsolatedTimeout, run_isolated
from knowledge.shared.uploads import (
    MB,
    PDF,
    UploadLimits,
    UploadRejected,
    check_upload,
    mb_text,
    open_image,
    sniff,
)

logger = logging.getLogger(__name__)

WORKER = "knowledge.dossiers.receipt_worker"
# Points per inch of a PDF page; receipts are rendered at RENDER_DPI.
PDF_DPI = 72
RENDER_DPI = 200
# OCR reads a photo shrunk to this many pixels at most: a code's digits stay readable and a
# 12-megapixel photo does not take tesseract a minute.
OCR_MAX_PIXELS = 6_000_000


@dataclass(frozen=True)
class ReceiptLimits:
    upload: UploadLimits = field(default_factory=UploadLimits)
    max_seconds: float = 45.0
    max_memory_bytes: int = 1024 * MB


@dataclass(frozen=True)
class ReceiptReading:
    """The dossier code found (canonical), and where: "qr", "text" (a PDF's text layer),
    "ocr", or "none" when nothing was found (``code`` None)."""

    code: str | None
    source: str


NOTHING = ReceiptReading(None, "none")


def read_receipt(data: bytes, limits: ReceiptLimits | None = None) -> ReceiptReading:
    """The dossier code on the receipt in ``data``; raises UploadRejected for a file that is
    not an acceptable photo or PDF. A read that outlives the time limit finds nothing."""
    limits = limits or ReceiptLimits()
    # The checks that cost nothing, here; the rest in the child.
    if len(data) > limits.upload.max_bytes:
        raise UploadRejected.of("too_big", limit=mb_text(limits.upload.max_bytes))
    if sniff(data) is None:
        raise UploadRejected.of("empty" if not data else "not_supported")
    request = {"upload": asdict(limits.upload), "memory": limits.max_memory_bytes}
    try:
        answer = run_isolated(WORKER, request, data, limits.max_seconds)
    except IsolatedTimeout:
        logger.warning("receipt reading stopped after %s s", limits.max_seconds)
        return NOTHING
    except IsolatedFailure:
        logger.warning("receipt reading failed (memory limit or crash)")
        raise UploadRejected.of("damaged") from None
    if "rejected" in answer:
        raise UploadRejected(**answer["rejected"])
    return ReceiptReading(answer["code"], answer["source"])


def read_in_process(data: bytes, limits: UploadLimits) -> ReceiptReading:
    """What the child does: check the file, take its first page, read the QR code, then the
    text."""
    kind = check_upload(data, limits)
    if kind == PDF:
        page, text_layer = _first_pdf_page(data, limits)
    else:
        page, text_layer = ImageOps.exif_transpose(open_image(data, limits)), ""
    page = page.convert("L")
    for text in _barcode_texts(page):
        if code := find_dossier_code(unquote(text)):
            return ReceiptReading(code, "qr")
    if code := find_dossier_code(text_layer):
        return ReceiptReading(code, "text")
    return _ocr(page)


def _barcode_texts(page: Image.Image) -> list[str]:
    import zxingcpp

    return [found.text for found in zxingcpp.read_barcodes(page)]


def _first_pdf_page(data: bytes, limits: UploadLimits) -> tuple[Image.Image, str]:
    """The first page rendered (within the pixel limit) and its text layer."""
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    try:
        page = document[0]
        width, height = page.get_size()
        scale = RENDER_DPI / PDF_DPI
        pixels = width * height * scale * scale
        if pixels > limits.max_pixels:
            scale *= (limits.max_pixels / pixels) ** 0.5
        image = page.render(scale=scale).to_pil()
        text = page.get_textpage().get_text_range()
    finally:
        document.close()
    return image, text


def _ocr(page: Image.Image) -> ReceiptReading:
    from knowledge.plans.formats.ocr import ocr_available, ocr_image

    if not ocr_available():
        return NOTHING
    if page.width * page.height > OCR_MAX_PIXELS:
        shrink = (OCR_MAX_PIXELS / (page.width * page.height)) ** 0.5
        page = page.resize((int(page.width * shrink), int(page.height * shrink)))
    code = find_dossier_code(ocr_image(page))
    return ReceiptReading(code, "ocr") if code else NOTHING
