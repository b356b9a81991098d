"""Server-rendered HTML of the officials' page: login, month calendar of deadlines, complaints.

Pure functions from data to markup. Every value that comes from a document, a citizen or a
request goes through ``esc``; the templates themselves are constants.
"""

from __future__ import annotations

import calendar
import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from urllib.parse import quote, urlencode

from bot.telegram.notify import telegram_chat_id
from knowledge.feedback import STATUSES, FeedbackItem, mask_name, mask_phone, mask_phones_in_text
from knowledge.plans.deadlines import DeadlineOccurrence

WEEKDAYS = ("T2", "T3", "T4", "T5", "T6", "T7", "CN")  # Vietnamese weeks start on Monday
ALL_STATUSES = "tat-ca"
STATUS_FILTERS = {**STATUSES, ALL_STATUSES: "Tất cả"}


@dataclass(frozen=True)
class RecurringRule:
    """A recurring reporting rule as a plan states it."""

    title: str
    rule: str
    recipient: str
    source: str


def esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def page(title: str, body: str) -> str:
    return (
        '<!doctype html>\n<html lang="vi">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n"
        '<link rel="icon" href="data:,">\n'
        '<link rel="stylesheet" href="/static/officials.css">\n</head>\n'
        f'<body>\n<main class="officials">\n{body}\n</main>\n</body>\n</html>\n'
    )


def disabled_page(reason: str) -> str:
    return page(
        "Trang cán bộ chưa được bật",
        "<h1>Trang cán bộ chưa được bật</h1>\n"
        f"<p>{esc(reason)}</p>\n"
        "<p>Quản trị viên đặt biến môi trường <code>OFFICIALS_WEB_TOKEN</code> (mã truy cập, "
        "ít nhất 16 ký tự) rồi khởi động lại dịch vụ.</p>",
    )


def login_page(error: str = "") -> str:
    alert = f'<p class="alert" role="alert">{esc(error)}</p>\n' if error else ""
    return page(
        "Đăng nhập – Trang cán bộ",
        "<h1>Trang cán bộ</h1>\n"
        f"{alert}"
        '<form class="login" method="post" action="/can-bo/dang-nhap">\n'
        '<label>Mã truy cập <input type="password" name="ma_truy_cap" required '
        'autocomplete="off" autofocus></label>\n'
        '<button type="submit">Đăng nhập</button>\n</form>',
    )


def message_page(title: str, text: str) -> str:
    return page(title, f"<h1>{esc(title)}</h1>\n<p>{esc(text)}</p>\n" + _back_link())


def dashboard(
    *,
    month: date,
    today: date,
    in_month: Sequence[DeadlineOccurrence],
    ahead: Sequence[DeadlineOccurrence],
    rules: Sequence[RecurringRule],
    status: str,
    complaints: Sequence[FeedbackItem],
    notice: str = "",
) -> str:
    notices = f'<p class="notice" role="status">{esc(notice)}</p>\n' if notice else ""
    body = (
        '<header class="top"><h1>Trang cán bộ</h1>\n'
        '<form method="post" action="/can-bo/dang-xuat"><button type="submit">Đăng xuất</button>'
        "</form></header>\n"
        f"{notices}"
        f"{calendar_section(month, today, in_month)}\n"
        f"{upcoming_section(ahead, today)}\n"
        f"{rules_section(rules)}\n"
        f"{complaints_section(status, complaints)}"
    )
    return page("Trang cán bộ – Hạn báo cáo và phản ánh", body)


def month_param(month: date) -> str:
    return f"{month:%Y-%m}"


def _month_label(month: date) -> str:
    return f"tháng {month.month}/{month.year}"


def _shift_month(month: date, months: int) -> date:
    year, index = divmod(month.year * 12 + month.month - 1 + months, 12)
    return date(year, index + 1, 1)


def calendar_section(month: date, today: date, in_month: Sequence[DeadlineOccurrence]) -> str:
    by_day: dict[date, list[DeadlineOccurrence]] = {}
    for occurrence in in_month:
        by_day.setdefault(occurrence.date, []).append(occurrence)
    rows = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month):
        cells = "".join(_day_cell(day, month, today, by_day.get(day, [])) for day in week)
        rows.append(f"<tr>{cells}</tr>")
    previous, following = _shift_month(month, -1), _shift_month(month, 1)
    head = "".join(f'<th scope="col">{day}</th>' for day in WEEKDAYS)
    listing = (
        deadline_list(in_month)
        if in_month
        else f"<p>Không có hạn báo cáo nào trong {_month_label(month)}.</p>"
    )
    return (
        '<section id="lich">\n'
        f"<h2>Lịch hạn báo cáo {esc(_month_label(month))}</h2>\n"
        '<nav class="month-nav">'
        f'<a href="/can-bo?thang={month_param(previous)}#lich">‹ {_month_label(previous)}</a>\n'
        '<form method="get" action="/can-bo#lich"><label>Chọn tháng '
        f'<input type="month" name="thang" value="{month_param(month)}"></label> '
        '<button type="submit">Xem</button></form>\n'
        f'<a href="/can-bo?thang={month_param(following)}#lich">{_month_label(following)} ›</a>'
        "</nav>\n"
        f'<table class="calendar"><thead><tr>{head}</tr></thead>\n'
        f"<tbody>{''.join(rows)}</tbody></table>\n"
        f"{listing}\n</section>"
    )


def _day_cell(day: date, month: date, today: date, due: list[DeadlineOccurrence]) -> str:
    classes = [
        name
        for name, applies in (
            ("other-month", day.month != month.month),
            ("today", day == today),
            ("due", bool(due)),
        )
        if applies
    ]
    attribute = f' class="{" ".join(classes)}"' if classes else ""
    items = "".join(f"<li>{esc(o.title)}</li>" for o in due)
    titles = f"<ul>{items}</ul>" if due else ""
    return f'<td{attribute}><time datetime="{day.isoformat()}">{day.day}</time>{titles}</td>'


def deadline_list(occurrences: Iterable[DeadlineOccurrence]) -> str:
    items = []
    for o in occurrences:
        details = [f"Gửi: {esc(o.recipient)}"] if o.recipient else []
        if o.recurring:
            details.append(f"Định kỳ: {esc(o.rule)}")
        details.append(f'<span class="source">Nguồn: {esc(o.source)}</span>')
        items.append(
            f'<li><time datetime="{o.date.isoformat()}">{o.date:%d/%m/%Y}</time> – '
            f"<strong>{esc(o.title)}</strong><br>{'<br>'.join(details)}</li>"
        )
    return f'<ol class="deadlines">{"".join(items)}</ol>'


def upcoming_section(ahead: Sequence[DeadlineOccurrence], today: date) -> str:
    listing = (
        deadline_list(ahead) if ahead else "<p>Các kế hoạch hiện có không còn hạn nào sắp tới.</p>"
    )
    return (
        f'<section id="sap-toi">\n<h2>Sắp tới (tính từ {today:%d/%m/%Y})</h2>\n{listing}\n'
        "</section>"
    )


def rules_section(rules: Sequence[RecurringRule]) -> str:
    items = "".join(
        f"<li><strong>{esc(r.title)}</strong><br>Định kỳ: {esc(r.rule)}"
        + (f"<br>Gửi: {esc(r.recipient)}" if r.recipient else "")
        + f'<br><span class="source">Nguồn: {esc(r.source)}</span></li>'
        for r in rules
    )
    listing = f'<ul class="deadlines">{items}</ul>' if rules else "<p>Chưa có hạn định kỳ.</p>"
    return f'<section id="dinh-ky">\n<h2>Hạn báo cáo định kỳ</h2>\n{listing}\n</section>'


def complaints_section(status: str, complaints: Sequence[FeedbackItem]) -> str:
    filters = "\n".join(
        f'<a href="/can-bo?{urlencode({"trang_thai": key})}#phan-anh"'
        + (' aria-current="page"' if key == status else "")
        + f">{esc(label)}</a>"
        for key, label in STATUS_FILTERS.items()
    )
    listing = (
        "\n".join(complaint_article(item, status) for item in complaints)
        if complaints
        else "<p>Không có phản ánh nào ở mục này.</p>"
    )
    return (
        '<section id="phan-anh">\n<h2>Phản ánh, kiến nghị</h2>\n'
        f'<nav class="filters">{filters}</nav>\n{listing}\n</section>'
    )


def complaint_article(item: FeedbackItem, status_filter: str) -> str:
    """One complaint with its forms; name, phone and numbers in the text are masked, as on
    Telegram: officials reply through the assistant, not by calling the citizen."""
    channel = "Telegram" if telegram_chat_id(item.sender_id) is not None else "trang web"
    action = f"/can-bo/phan-anh/{quote(item.code, safe='')}"
    keep_filter = f'<input type="hidden" name="trang_thai" value="{esc(status_filter)}">'
    reply = (
        f'<p class="reply"><strong>Đã trả lời lúc {item.replied_at:%d/%m/%Y %H:%M}:</strong> '
        f"{esc(item.reply)}</p>\n"
        if item.reply and item.replied_at
        else ""
    )
    done = (
        ""
        if item.status == "closed"
        else f'<form method="post" action="{action}/xong">{keep_filter}'
        '<button type="submit">Đánh dấu đã xử lý</button></form>\n'
    )
    return (
        f'<article class="complaint" id="{esc(item.code)}">\n'
        f"<h3>{esc(item.code)} · {esc(item.category_label)} · "
        f'<span class="status">{esc(item.status_label)}</span></h3>\n'
        f'<p class="who">{esc(mask_name(item.citizen_name))} · {esc(mask_phone(item.phone))} · '
        f"qua {channel} · gửi lúc {item.submitted_at:%d/%m/%Y %H:%M}"
        + (f" · hồ sơ {esc(item.dossier_code)}" if item.dossier_code else "")
        + "</p>\n"
        f'<p class="content">{esc(mask_phones_in_text(item.content))}</p>\n'
        f"{reply}{done}"
        f'<form method="post" action="{action}/tra-loi">{keep_filter}'
        '<label>Trả lời người dân<textarea name="noi_dung" rows="3" maxlength="2000" required>'
        "</textarea></label>"
        '<button type="submit">Gửi trả lời</button></form>\n'
        "</article>"
    )


def _back_link() -> str:
    return '<p><a href="/can-bo">Về trang cán bộ</a></p>'
