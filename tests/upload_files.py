"""Files citizens send, made in the test: a receipt's QR code, a photographed printed receipt, a
phone photo with its GPS position, a PDF receipt, and hostile files (a decompression bomb, a PDF
of many pages). Shared by the unit and end-to-end tests of receipts and attachments."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pypdfium2
import segno
from PIL import ExifTags, Image, ImageDraw, ImageFont

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
LATITUDE = (20.0, 39.0, 17.0)  # Hưng Yên


def qr_png(text: str, *, scale: int = 8) -> bytes:
    """A receipt's QR code as a PNG (segno)."""
    out = io.BytesIO()
    segno.make(text, error="m").save(out, kind="png", scale=scale, border=4)
    return out.getvalue()


def receipt_photo_with_qr(text: str) -> bytes:
    """A JPEG of a receipt page with a printed title and the QR code in a corner."""
    page = Image.new("RGB", (1240, 900), "white")
    draw = ImageDraw.Draw(page)
    draw.text((60, 60), "PHIẾU TIẾP NHẬN VÀ HẸN TRẢ KẾT QUẢ", font=_font(44), fill="black")
    page.paste(Image.open(io.BytesIO(qr_png(text, scale=6))).convert("RGB"), (60, 200))
    return _jpeg(page)


def printed_receipt(code: str) -> bytes:
    """A JPEG of a receipt with the code printed, no QR code: read by OCR."""
    page = Image.new("RGB", (1400, 520), "white")
    draw = ImageDraw.Draw(page)
    draw.text((60, 60), "PHIẾU TIẾP NHẬN HỒ SƠ", font=_font(48), fill="black")
    draw.text((60, 200), f"Mã hồ sơ: {code}", font=_font(48), fill="black")
    draw.text((60, 340), "Ngày hẹn trả kết quả: 16/10/2026", font=_font(40), fill="black")
    return _jpeg(page)


def blank_photo() -> bytes:
    """A photo with nothing to read on it."""
    return _jpeg(Image.new("RGB", (800, 600), (120, 160, 200)))


def photo_with_gps() -> bytes:
    """A phone photo whose EXIF holds its GPS position (and a camera make, which stays)."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Phone"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = LATITUDE
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (30, 120, 60)).save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def bomb_png(side: int = 60_000) -> bytes:
    """A PNG of a few hundred bytes whose header claims ``side`` × ``side`` pixels."""
    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)  # 8-bit greyscale
    # Four blank rows; the rest is missing.
    rows = zlib.compress(b"\x00" * (side + 1) * 4, 9)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", rows)
        + _chunk(b"IEND", b"")
    )


def pdf_pages(count: int) -> bytes:
    """A PDF of ``count`` blank A4 pages."""
    document = pypdfium2.PdfDocument.new()
    for _ in range(count):
        document.new_page(595, 842)
    out = io.BytesIO()
    document.save(out)
    document.close()
    return out.getvalue()


def pdf_receipt(code: str) -> bytes:
    """A one-page PDF receipt whose text layer holds the code (fpdf2, DejaVu)."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("DejaVu", "", str(FONT))
    pdf.set_font("DejaVu", size=14)
    pdf.cell(text="PHIẾU TIẾP NHẬN HỒ SƠ")
    pdf.ln(12)
    pdf.cell(text=f"Mã hồ sơ: {code}")
    return bytes(pdf.output())


def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT), size)


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
