"""One small plan written three ways: as the normalised text the readers must give, as a .docx
(python-docx) and as a .pdf (fpdf2 with Debian's DejaVu font), with the same paragraphs and a
task table with a merged group row, a merged due cell and a cell of two list lines."""

from __future__ import annotations

import io
from pathlib import Path

import docx

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")

TITLE = ["ỦY BAN NHÂN DÂN TỈNH LAI CHÂU", "KẾ HOẠCH", "Cải cách hành chính năm 2025"]
PARAGRAPHS_BEFORE = [
    "I. MỤC ĐÍCH, YÊU CẦU",
    "1. Mục đích: Nâng cao chất lượng phục vụ người dân, doanh nghiệp trong giải quyết thủ tục "
    "hành chính; phấn đấu 100% hồ sơ được giải quyết đúng hạn và tỷ lệ hài lòng của người dân "
    "đạt trên 90% trong năm 2025 trên địa bàn toàn tỉnh.",
    "II. NHIỆM VỤ CỤ THỂ",
]
HEADER = ["STT", "Nội dung công việc", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời hạn"]
GROUP = "I. Cải cách thủ tục hành chính"
ROWS = [
    # the due cell of rows 1 and 2 is one merged cell
    [
        "1",
        "Rà soát, đơn giản hóa thủ tục hành chính thuộc thẩm quyền giải quyết của tỉnh",
        "Sở Nội vụ",
        "- UBND các xã, phường\n- Văn phòng UBND tỉnh",
        "Quý II/2025",
    ],
    ["2", "Công khai thủ tục hành chính trên Cổng Dịch vụ công", "Sở Tư pháp", "Sở Nội vụ"],
]
PARAGRAPHS_AFTER = [
    "III. TỔ CHỨC THỰC HIỆN",
    "Sở Nội vụ chủ trì theo dõi, đôn đốc việc thực hiện Kế hoạch; tổng hợp, báo cáo Ủy ban nhân "
    "dân tỉnh kết quả thực hiện trước ngày 15/12/2025.",
]


def expected_lines() -> list[str]:
    """The non-blank lines every reader must give for this plan."""
    due = ROWS[0][4]
    return [
        *TITLE,
        *PARAGRAPHS_BEFORE,
        "| " + " | ".join(HEADER) + " |",
        "| " + " | ".join([GROUP] * len(HEADER)) + " |",
        "| " + " | ".join([*ROWS[0][:3], ROWS[0][3].replace("\n", " / "), due]) + " |",
        "| " + " | ".join([*ROWS[1], due]) + " |",
        *PARAGRAPHS_AFTER,
    ]


def text_version() -> str:
    return "\n\n".join(["\n".join(expected_lines()[:6]), *expected_lines()[6:]]) + "\n"


def docx_bytes() -> bytes:
    document = docx.Document()
    for line in TITLE + PARAGRAPHS_BEFORE:
        document.add_paragraph(line)
    table = document.add_table(rows=2 + len(ROWS), cols=len(HEADER))
    for cell, text in zip(table.rows[0].cells, HEADER, strict=True):
        cell.text = text
    group = table.cell(1, 0).merge(table.cell(1, len(HEADER) - 1))
    group.text = GROUP
    for r, row in enumerate(ROWS, start=2):
        for c, text in enumerate(row):
            if c == 3 and "\n" in text:
                first, *rest = text.split("\n")
                cell = table.cell(r, c)
                cell.text = first
                for line in rest:
                    cell.add_paragraph(line)
            else:
                table.cell(r, c).text = text
    due = table.cell(2, 4).merge(table.cell(3, 4))
    due.text = ROWS[0][4]
    for line in PARAGRAPHS_AFTER:
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pdf_bytes(*, pages_of_filler: int = 0) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_margins(20, 20, 20)
    pdf.add_font("DejaVu", "", str(FONT))
    pdf.add_font("DejaVu", "B", str(FONT.with_name("DejaVuSans-Bold.ttf")))
    pdf.set_font("DejaVu", size=11)
    pdf.add_page()

    def paragraph(text: str) -> None:
        pdf.multi_cell(0, 6, text, align="J", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)

    for line in TITLE + PARAGRAPHS_BEFORE:
        paragraph(line)
    with pdf.table(col_widths=(10, 60, 30, 40, 25), line_height=6) as table:
        table.row(HEADER)
        group = table.row()
        group.cell(GROUP, colspan=len(HEADER))
        first = table.row()
        for c, text in enumerate(ROWS[0]):
            first.cell(text, rowspan=2 if c == 4 else 1)
        second = table.row()
        for text in ROWS[1]:
            second.cell(text)
    pdf.ln(3)
    for line in PARAGRAPHS_AFTER:
        paragraph(line)
    for _ in range(pages_of_filler):
        pdf.add_page()
        paragraph("Trang bổ sung.")
    return bytes(pdf.output())


# --- any normalised text, as a .docx and a .pdf -------------------------------------------------


def blocks_of(text: str) -> list[str | list[list[str]]]:
    """Paragraph lines and tables (runs of row lines with the same number of cells)."""
    blocks: list[str | list[list[str]]] = []
    for line in text.split("\n"):
        if not line.strip():
            continue
        if line.startswith("| ") and line.endswith(" |"):
            cells = [cell.strip() for cell in line[2:-2].split(" | ")]
            last = blocks[-1] if blocks else None
            if isinstance(last, list) and len(last[0]) == len(cells):
                last.append(cells)
            else:
                blocks.append([cells])
        else:
            blocks.append(line)
    return blocks


def docx_from_text(text: str) -> bytes:
    document = docx.Document()
    for block in blocks_of(text):
        if isinstance(block, str):
            document.add_paragraph(block)
            continue
        table = document.add_table(rows=len(block), cols=len(block[0]))
        for r, row in enumerate(block):
            for c, value in enumerate(row):
                first, *rest = value.split(" / ")
                cell = table.cell(r, c)
                cell.text = first
                for line in rest:
                    cell.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pdf_from_text(text: str) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_margins(20, 20, 20)
    pdf.add_font("DejaVu", "", str(FONT))
    pdf.add_font("DejaVu", "B", str(FONT.with_name("DejaVuSans-Bold.ttf")))
    pdf.set_font("DejaVu", size=10)
    pdf.add_page()
    for block in blocks_of(text):
        if isinstance(block, str):
            pdf.multi_cell(0, 5, block, align="J", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
            continue
        # a wide table of figures in a smaller type, as in the documents, so no number is split
        pdf.set_font("DejaVu", size=10 if len(block[0]) <= 6 else 6)
        with pdf.table(line_height=5, first_row_as_headings=False) as table:
            for row in block:
                table.row([value.replace(" / ", "\n") for value in row])
        pdf.set_font("DejaVu", size=10)
        pdf.ln(4)
    return bytes(pdf.output())
