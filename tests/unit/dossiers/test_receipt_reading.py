"""A receipt photo or PDF gives its dossier code: from the QR code, else from the printed text
(a PDF's text layer, or OCR); files that are not photos or PDFs, too big, decompression bombs or
PDFs of many pages are refused with a message, quickly."""

from __future__ import annotations

import time

import pytest

from knowledge.dossiers.receipts import ReceiptLimits, read_receipt
from knowledge.plans.formats.ocr import ocr_available
from knowledge.shared.uploads import MB, UploadLimits, UploadRejected
from knowledge.shared.wording import say
from tests import upload_files

CODE = "H31.29-260115-0001"
PORTAL_LINK = f"https://dichvucong.hungyen.gov.vn/tra-cuu-ho-so?maHoSo={CODE}"


@pytest.mark.parametrize(
    "content",
    [CODE, PORTAL_LINK, "h31.29 260115 0001"],
    ids=["code", "portal-link", "loosely-written"],
)
def test_receipt_qr_code_gives_the_dossier_code(content: str) -> None:
    reading = read_receipt(upload_files.qr_png(content))
    assert (reading.code, reading.source) == (CODE, "qr")


def test_receipt_photo_of_a_page_with_a_qr_code() -> None:
    reading = read_receipt(upload_files.receipt_photo_with_qr(PORTAL_LINK))
    assert (reading.code, reading.source) == (CODE, "qr")


@pytest.mark.skipif(not ocr_available(), reason="tesseract with Vietnamese data not installed")
def test_receipt_printed_code_is_read_by_ocr() -> None:
    reading = read_receipt(upload_files.printed_receipt(CODE))
    assert (reading.code, reading.source) == (CODE, "ocr")


def test_receipt_pdf_gives_its_code_from_the_text_layer() -> None:
    reading = read_receipt(upload_files.pdf_receipt(CODE))
    assert (reading.code, reading.source) == (CODE, "text")


def test_receipt_photo_without_a_code_finds_nothing() -> None:
    reading = read_receipt(upload_files.blank_photo())
    assert (reading.code, reading.source) == (None, "none")


def test_receipt_qr_code_of_something_else_is_no_code() -> None:
    reading = read_receipt(upload_files.qr_png("https://example.com/khuyen-mai"))
    assert reading.code is None


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"MZ\x90\x00 not a photo at all", "not_supported"),
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, "damaged"),
        ("Mã hồ sơ H31.29-260115-0001".encode(), "not_supported"),
    ],
    ids=["executable", "empty", "broken-png", "text-named-as-photo"],
)
def test_receipt_that_is_not_a_photo_or_pdf_is_refused(data: bytes, reason: str) -> None:
    with pytest.raises(UploadRejected) as refused:
        read_receipt(data)
    assert refused.value.reason == reason and str(refused.value).startswith("Dạ,")


def test_receipt_too_big_is_refused_before_it_is_read() -> None:
    small = ReceiptLimits(upload=UploadLimits(max_bytes=1 * MB))
    with pytest.raises(UploadRejected) as refused:
        read_receipt(b"\xff\xd8\xff" + b"\x00" * (2 * MB), small)
    assert refused.value.reason == "too_big"
    assert str(refused.value) == say("uploads.too_big", limit="1")


def test_receipt_decompression_bomb_is_refused_from_its_header() -> None:
    bomb = upload_files.bomb_png()
    assert len(bomb) < 10_000  # claims 3.6 billion pixels
    began = time.monotonic()
    with pytest.raises(UploadRejected) as refused:
        read_receipt(bomb)
    assert refused.value.reason == "too_many_pixels"
    assert time.monotonic() - began < 10


def test_receipt_pdf_of_many_pages_is_refused_without_reading_them() -> None:
    with pytest.raises(UploadRejected) as refused:
        read_receipt(upload_files.pdf_pages(500))
    assert refused.value.reason == "too_many_pages"
    assert "500 trang" in str(refused.value)


def test_receipt_reading_that_outlives_its_time_finds_nothing() -> None:
    hurried = ReceiptLimits(max_seconds=0.01)
    assert read_receipt(upload_files.qr_png(CODE), hurried).code is None
