"""The readers give one document the same normalised text whether an official has it as .txt,
.docx, .pdf or a saved web page; and they refuse what they cannot read with a Vietnamese
message, never a traceback or a hang."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
import yaml

from knowledge.plans.formats import Limits, ReadDocument, UnreadableDocument, read_bytes, read_file
from knowledge.plans.formats.reader import parse
from knowledge.shared.text import fold_vi
from tests.paths import ROOT
from tests.unit.plans.formats import builders

PLANS = ROOT / "tests" / "plans"
LIMITS = Limits()

needs_font = pytest.mark.skipif(
    not builders.FONT.exists(), reason="Debian's fonts-dejavu-core (for building PDFs) is missing"
)


def lines(document: ReadDocument) -> list[str]:
    return [line for line in document.text.split("\n") if line.strip()]


def read(data: bytes, name: str, *, limits: Limits = LIMITS) -> ReadDocument:
    """Through the whole front door but in this process (the child process is tested apart)."""
    return read_bytes(data, name, limits=limits, isolate=False)


# --- the same plan in every format --------------------------------------------------------------


def test_the_text_version_is_the_reference() -> None:
    assert lines(read(builders.text_version().encode(), "ke-hoach.txt")) == (
        builders.expected_lines()
    )


def test_a_docx_gives_the_text_version_with_its_table_as_rows() -> None:
    document = read(builders.docx_bytes(), "ke-hoach.docx")
    assert document.kind == "docx"
    assert lines(document) == builders.expected_lines()


@needs_font
def test_a_pdf_gives_the_text_version_with_its_ruled_table_as_rows() -> None:
    document = read(builders.pdf_bytes(), "ke-hoach.pdf")
    assert document.kind == "pdf"
    assert document.pages == 1
    assert lines(document) == builders.expected_lines()


def test_merged_cells_are_repeated_and_a_cells_lines_joined_with_a_slash() -> None:
    rows = [line for line in lines(read(builders.docx_bytes(), "kh.docx")) if line.startswith("|")]
    group, first, second = rows[1:4]
    assert group.count(builders.GROUP) == len(builders.HEADER)
    assert "| - UBND các xã, phường / - Văn phòng UBND tỉnh |" in first
    assert first.endswith("| Quý II/2025 |")
    assert second.endswith("| Quý II/2025 |")  # the due cell merged over both rows


def test_a_saved_web_page_gives_the_text_version_without_the_sites_navigation() -> None:
    page = _saved_page(builders.expected_lines())
    document = read(page.encode("utf-8"), "ke-hoach.html")
    assert document.kind == "html"
    assert lines(document) == builders.expected_lines()


def test_a_web_page_without_a_known_container_loses_its_menus_but_keeps_its_tables() -> None:
    page = (
        "<html><body><div class='main-menu'><a>Trang chủ</a><a>Văn bản mới</a></div>"
        "<div id='noidung'><p>KẾ HOẠCH</p><table><tr><td>1</td><td>Rà soát TTHC</td>"
        "<td>Sở Nội vụ</td></tr></table></div>"
        "<div class='footer'>Bản quyền thuộc về trang</div></body></html>"
    )
    assert lines(read(page.encode(), "trang.htm")) == [
        "KẾ HOẠCH",
        "| 1 | Rà soát TTHC | Sở Nội vụ |",
    ]


def _saved_page(expected: list[str]) -> str:
    """The plan as a legal-document site shows it: menus, a search box, scripts, then the text
    in its content container with the table marked up with colspan and rowspan."""
    header = builders.HEADER
    first, second = builders.ROWS
    paragraphs = [f"<p>{line}</p>" for line in [*builders.TITLE, *builders.PARAGRAPHS_BEFORE]]
    table = (
        "<table border='1'><tbody>"
        + "<tr>"
        + "".join(f"<th>{cell}</th>" for cell in header)
        + "</tr>"
        + f"<tr><td colspan='{len(header)}'><b>{builders.GROUP}</b></td></tr>"
        + "<tr>"
        + "".join(f"<td>{cell.replace(chr(10), '<br>')}</td>" for cell in first[:4])
        + f"<td rowspan='2'>{first[4]}</td></tr>"
        + "<tr>"
        + "".join(f"<td><p>{cell}</p></td>" for cell in second)
        + "</tr></tbody></table>"
    )
    after = "".join(f"<p>{line}</p>" for line in builders.PARAGRAPHS_AFTER)
    return (
        "<!DOCTYPE html><html><head><title>Kế hoạch 12/KH-UBND</title>"
        "<script>var x = '<p>không phải văn bản</p>';</script><style>p{}</style></head><body>"
        "<nav><ul><li>Trang chủ</li><li>Văn bản pháp luật</li></ul></nav>"
        "<form><input value='Tìm kiếm'></form>"
        "<div id='divContentDoc'><div class='content1'>"
        + "".join(paragraphs)
        + table
        + after
        + "</div></div><footer>Liên hệ quảng cáo</footer></body></html>"
    )


# --- real documents, rebuilt as .docx and .pdf ---------------------------------------------------


def _tuning_documents() -> list[str]:
    """The real plans of tests/plans/ that are not held out."""
    slugs = []
    for gold in sorted(PLANS.glob("*.gold.yaml")):
        data = yaml.safe_load(gold.read_text(encoding="utf-8"))
        if not data.get("held_out"):
            slugs.append(data["document"])
    return slugs


def _comparable(document: ReadDocument) -> list[str]:
    """Lines to compare across formats: a one-cell row is a line of text (a lone ruled box is
    not a table a PDF reader can see), and the signature block, whose list the crawled text
    had already run together, is left out."""
    out = []
    for line in lines(document):
        if line.startswith("| Nơi nhận"):
            continue
        if line.startswith("| ") and " | " not in line:
            line = line[2:-2]
        out.append(line)
    return out


@pytest.mark.parametrize("slug", ["dongthap-doimoicongnghe-2025", "laichau-tieuchuan-2025"])
@pytest.mark.parametrize("kind", ["docx", pytest.param("pdf", marks=needs_font)])
def test_a_real_plan_reads_the_same_as_docx_and_as_pdf(slug: str, kind: str) -> None:
    assert slug in _tuning_documents()
    text = (PLANS / f"{slug}.txt").read_text(encoding="utf-8")
    build = builders.docx_from_text if kind == "docx" else builders.pdf_from_text
    reference = read(text.encode("utf-8"), f"{slug}.txt")
    assert _comparable(read(build(text), f"{slug}.{kind}")) == _comparable(reference)


def test_every_real_plan_reads_as_text_unchanged() -> None:
    for path in sorted(PLANS.glob("*.txt")):
        document = read_file(path, isolate=False)
        assert document.text == path.read_text(encoding="utf-8"), path.name


# --- text encodings ----------------------------------------------------------------------------


def _cp1258(text: str) -> bytes:
    """Windows' Vietnamese code page has the letters with a horn, breve or circumflex but writes
    the tone as a combining mark after them."""
    import unicodedata

    out = b""
    for char in text:
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            tones = "".join(mark for mark in parts if mark in "\u0300\u0301\u0303\u0309\u0323")
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
            out += (base + tones).encode("cp1258")
    return out


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1258"])
def test_a_text_file_in_any_usual_encoding(encoding: str) -> None:
    text = "Sở Nội vụ chủ trì, phối hợp với Ủy ban nhân dân các xã.\n"
    data = _cp1258(text) if encoding == "cp1258" else text.encode(encoding)
    assert read(data, "kh.txt").text == text


def test_decomposed_unicode_is_composed() -> None:
    import unicodedata

    text = unicodedata.normalize("NFD", "Thời hạn: Quý IV năm 2025")
    assert read(text.encode(), "kh.txt").text == "Thời hạn: Quý IV năm 2025\n"


# --- what is refused ---------------------------------------------------------------------------


def _refused(data: bytes, name: str, reason: str, *, limits: Limits = LIMITS) -> str:
    with pytest.raises(UnreadableDocument) as caught:
        read(data, name, limits=limits)
    assert caught.value.reason == reason
    message = str(caught.value)
    assert name in message and "Traceback" not in message
    return message


def test_an_empty_file_is_refused() -> None:
    assert "trống" in _refused(b"", "rong.docx", "file_empty")
    _refused(b"  \n\t\n", "rong.txt", "file_empty")


def test_a_file_over_the_size_limit_is_refused_before_it_is_read() -> None:
    message = _refused(b"x" * 2048, "lon.txt", "file_too_big", limits=Limits(max_bytes=1024))
    assert "quá lớn" in message


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UnreadableDocument) as caught:
        read_file(tmp_path / "khong-co.docx")
    assert caught.value.reason == "file_missing"


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def test_a_docx_that_would_unzip_to_far_more_than_it_weighs_is_refused() -> None:
    # 20 MB of zeros deflate to about 20 KB: a ratio of a thousand, as in a zip bomb.
    bomb = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": bytes(20 * 1024**2)})
    assert len(bomb) < 100_000
    assert "giải nén" in _refused(bomb, "bom.docx", "zip_bomb")


def test_a_docx_over_the_unzipped_total_is_refused() -> None:
    members = {f"word/media/image{i}.bin": bytes(600_000) for i in range(4)}
    docx_like = _zip({"word/document.xml": b"<w:document/>", **members})
    _refused(docx_like, "anh.docx", "zip_bomb", limits=Limits(max_unzipped_bytes=2 * 1024**2))


def test_a_pdf_over_the_page_limit_is_refused() -> None:
    if not builders.FONT.exists():
        pytest.skip("fonts-dejavu-core missing")
    data = builders.pdf_bytes(pages_of_filler=5)
    message = _refused(data, "dai.pdf", "too_many_pages", limits=Limits(max_pages=3))
    assert "6 trang" in message


@pytest.mark.parametrize(
    ("data", "name", "reason"),
    [
        (b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF", "hong.pdf", "damaged"),
        (b"\x00\x01\x02 not a pdf at all", "doi-ten.pdf", "damaged"),
        (b"PK\x03\x04" + b"\x00" * 64, "hong.docx", "damaged"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "cu.doc", "format_old_word"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00garbage" * 20, "anh.png", "image_invalid"),
        (b"GIF89a not really", "anh.gif", "image_invalid"),
        (b"this is text named as an image", "anh.jpg", "image_invalid"),
    ],
)
def test_malformed_files_are_refused_with_a_vietnamese_message(
    data: bytes, name: str, reason: str
) -> None:
    _refused(data, name, reason)


def test_a_truncated_docx_is_refused() -> None:
    data = builders.docx_bytes()
    _refused(data[: len(data) // 2], "cut.docx", "damaged")


@needs_font
def test_a_truncated_pdf_is_refused_or_read_never_raised_as_a_traceback() -> None:
    data = builders.pdf_bytes()
    try:
        document = read(data[: len(data) // 3], "cut.pdf")
    except UnreadableDocument as error:
        assert error.reason in {"damaged", "no_text"}
    else:  # pdfminer may recover what precedes the cut
        assert document.text.strip()


@needs_font
def test_a_password_protected_pdf_is_refused_as_such() -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_encryption(owner_password="chu", user_password="khach")
    pdf.add_font("DejaVu", "", str(builders.FONT))
    pdf.set_font("DejaVu", size=12)
    pdf.add_page()
    pdf.cell(text="Kế hoạch mật")
    assert "mật khẩu" in _refused(bytes(pdf.output()), "mat.pdf", "encrypted")


def test_an_image_that_would_decode_to_too_many_pixels_is_refused() -> None:
    from PIL import Image

    out = io.BytesIO()
    Image.new("L", (400, 400), 255).save(out, format="PNG")
    _refused(out.getvalue(), "lon.png", "image_too_large", limits=Limits(max_image_pixels=10_000))


# --- the child process ---------------------------------------------------------------------------


def test_the_parse_runs_in_a_child_process_with_the_same_result() -> None:
    document = read_bytes(builders.docx_bytes(), "kh.docx")
    assert lines(document) == builders.expected_lines()


def test_a_parse_that_outlives_its_time_is_stopped() -> None:
    with pytest.raises(UnreadableDocument) as caught:
        read_bytes(builders.docx_bytes(), "cham.docx", limits=Limits(max_seconds=0.05))
    assert caught.value.reason == "timeout"
    assert "0,05 giây" in str(caught.value)


def test_an_error_in_the_child_comes_back_as_the_same_vietnamese_message() -> None:
    data = builders.docx_bytes()
    with pytest.raises(UnreadableDocument) as caught:
        read_bytes(data[: len(data) // 2], "cut.docx")
    assert caught.value.reason == "damaged"
    assert "cut.docx" in str(caught.value)


def test_an_unforeseen_failure_in_a_reader_is_a_message_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import knowledge.plans.formats.plain as plain

    def broken(data: bytes, name: str) -> ReadDocument:
        raise ZeroDivisionError

    monkeypatch.setattr(plain, "read_text", broken)
    with pytest.raises(UnreadableDocument) as caught:
        parse(b"abc", "kh.txt", "txt", LIMITS)
    assert caught.value.reason == "failed"


# --- scans ---------------------------------------------------------------------------------------


def _page_image(text_lines: list[str]) -> bytes:
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(builders.FONT), 40)
    image = Image.new("L", (1700, 120 + 70 * len(text_lines)), 255)
    draw = ImageDraw.Draw(image)
    for index, line in enumerate(text_lines):
        draw.text((80, 60 + 70 * index), line, font=font, fill=0)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


SCAN_LINES = ["KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH", "Sở Nội vụ chủ trì thực hiện"]


def _scanned_pdf() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.image(io.BytesIO(_page_image(SCAN_LINES)), x=10, y=10, w=190)
    return bytes(pdf.output())


def _ocr_ready() -> bool:
    from knowledge.plans.formats.ocr import ocr_available

    return builders.FONT.exists() and ocr_available()


@pytest.mark.skipif(not _ocr_ready(), reason="tesseract-ocr with tesseract-ocr-vie not installed")
def test_a_scanned_pdf_is_read_by_ocr_and_says_so() -> None:
    document = read(_scanned_pdf(), "quet.pdf")
    assert document.ocr_pages == 1
    folded = fold_vi(document.text)
    assert "ke hoach cai cach hanh chinh" in folded
    assert "so noi vu chu tri" in folded
    assert any("OCR" in note for note in document.notes)


@pytest.mark.skipif(not _ocr_ready(), reason="tesseract-ocr with tesseract-ocr-vie not installed")
def test_a_photographed_page_is_read_by_ocr() -> None:
    document = read(_page_image(SCAN_LINES), "anh-chup.png")
    assert document.kind == "image"
    assert "ke hoach cai cach hanh chinh" in fold_vi(document.text)


@needs_font
def test_without_tesseract_a_scan_is_refused_with_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import knowledge.plans.formats.ocr as ocr
    import knowledge.plans.formats.pdf as pdf

    monkeypatch.setattr(ocr, "ocr_available", lambda: False)
    monkeypatch.setattr(pdf, "ocr_available", lambda: False)
    message = _refused(_scanned_pdf(), "quet.pdf", "ocr_missing")
    assert "tesseract-ocr-vie" in message


@pytest.mark.skipif(not _ocr_ready(), reason="tesseract-ocr with tesseract-ocr-vie not installed")
def test_a_scan_longer_than_the_ocr_allowance_is_read_in_part_and_says_so() -> None:
    from fpdf import FPDF

    pdf = FPDF()
    for _ in range(3):
        pdf.add_page()
        pdf.image(io.BytesIO(_page_image(SCAN_LINES)), x=10, y=10, w=190)
    document = read(bytes(pdf.output()), "quet-dai.pdf", limits=Limits(max_ocr_pages=1))
    assert document.ocr_pages == 1
    assert any("1 trang quét đầu tiên trong số 3 trang" in note for note in document.notes)
