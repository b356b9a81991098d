"""The officials' pages, rendered by Jinja2 from bot/web/templates/officials/.

Autoescape is on for every template: whatever comes from a document, a citizen or a request is
escaped by the engine, not by hand. This module only shapes data for the templates.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from knowledge.feedback import STATUSES
from knowledge.officials import ComplaintView
from knowledge.officials.accounts import AccountView, Permission, Role
from knowledge.officials.audit import AuditRow
from knowledge.officials.localities import ALL
from knowledge.officials.plans import LEVELS, UPLOAD_MAX_BYTES, PendingPlan, field_names
from knowledge.plans.deadlines import DeadlineOccurrence, RecurringRule
from knowledge.plans.formats.base import MB
from knowledge.plans.service import PlanInfo
from knowledge.shared.wording import say, text

TEMPLATES = Path(__file__).parent / "templates"
WEEKDAYS = ("T2", "T3", "T4", "T5", "T6", "T7", "CN")  # Vietnamese weeks start on Monday
ALL_STATUSES = "tat-ca"
STATUS_FILTERS = {**STATUSES, ALL_STATUSES: "Tất cả"}

_ENVIRONMENT = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass(frozen=True)
class DayCell:
    day: date
    classes: tuple[str, ...]
    due: tuple[DeadlineOccurrence, ...]


def render(template: str, **context: object) -> str:
    return _ENVIRONMENT.get_template(f"officials/{template}").render(**context)


def login_page(csrf: str, error: str = "", notice: str = "", first_admin: bool = False) -> str:
    """``first_admin``: no account exists yet, so the page says how to make the first one."""
    return render("login.html", csrf=csrf, error=error, notice=notice, first_admin=first_admin)


def role_labels() -> dict[str, str]:
    return {role.value: text(f"accounts.role_{role.value}") for role in Role}


def _account_context(official: AccountView, csrf: str) -> dict[str, object]:
    """What every page of a logged-in official shows and needs: who, and what they may do."""
    return {
        "official": official,
        "role_label": role_labels()[official.role.value],
        "csrf": csrf,
        "may_handle": official.may(Permission.HANDLE),
        "may_plans": official.may(Permission.PLANS),
        "is_admin": official.may(Permission.ACCOUNTS),
        "all_localities": ALL,
    }


def message_page(title: str, text: str) -> str:
    return render("message.html", title=title, text=text)


@dataclass(frozen=True)
class Dashboard:
    """What the officials' main page shows."""

    month: date  # first day of the calendar's month
    today: date
    in_month: Sequence[DeadlineOccurrence]
    ahead: Sequence[DeadlineOccurrence]
    rules: Sequence[RecurringRule]
    status: str  # a key of STATUS_FILTERS
    complaints: Sequence[ComplaintView]
    official: AccountView
    csrf: str
    inbox_locality: str  # a locality, or localities.ALL
    calendar_locality: str
    localities: Sequence[str]  # the filters' choices, the official's own first
    handlers: Sequence[str]  # the accounts a complaint can be reassigned to
    audit: Sequence[AuditRow]  # admins only; empty for the others
    notice: str = ""
    notice_code: str = ""  # the complaint the notice is about: shown in its place


def dashboard(view: Dashboard) -> str:
    previous, following = shift_month(view.month, -1), shift_month(view.month, 1)
    listed = {c.code for c in view.complaints}
    context = {
        f.name: getattr(view, f.name) for f in fields(view) if f.name not in ("csrf", "official")
    }
    return render(
        "dashboard.html",
        **context,
        **_account_context(view.official, view.csrf),
        notice_in_place=view.notice_code in listed,
        month_param=month_param(view.month),
        previous=previous,
        previous_param=month_param(previous),
        following=following,
        following_param=month_param(following),
        weekdays=WEEKDAYS,
        weeks=month_weeks(view.month, view.today, view.in_month),
        status_filters=STATUS_FILTERS,
    )


def month_param(month: date) -> str:
    return f"{month:%Y-%m}"


def shift_month(month: date, months: int) -> date:
    year, index = divmod(month.year * 12 + month.month - 1 + months, 12)
    return date(year, index + 1, 1)


def month_weeks(
    month: date, today: date, in_month: Sequence[DeadlineOccurrence]
) -> list[list[DayCell]]:
    """The weeks of the month's calendar, Monday first, each day with its deadlines."""
    by_day: dict[date, list[DeadlineOccurrence]] = {}
    for occurrence in in_month:
        by_day.setdefault(occurrence.date, []).append(occurrence)
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month)
    return [[_cell(day, month, today, by_day.get(day, [])) for day in week] for week in weeks]


def _cell(day: date, month: date, today: date, due: list[DeadlineOccurrence]) -> DayCell:
    classes = tuple(
        name
        for name, applies in (
            ("other-month", day.month != month.month),
            ("today", day == today),
            ("due", bool(due)),
        )
        if applies
    )
    return DayCell(day, classes, tuple(due))


# --- plans: upload, preview, withdraw ------------------------------------------------------------

_METADATA_LABELS = (
    ("title", "Tên văn bản"),
    ("number", "Số hiệu"),
    ("issued", "Ngày ban hành"),
    ("issuer", "Cơ quan ban hành"),
    ("locality", "Địa bàn"),
    ("level", "Cấp"),
    ("year", "Năm"),
)


def level_labels() -> dict[str, str]:
    return {level: text(f"officials.plan_level_{level}") for level in LEVELS}


@dataclass(frozen=True)
class PlansView:
    plans: Sequence[PlanInfo]  # the official's own locality's first
    official: AccountView
    csrf: str
    locality: str  # the filter: a locality, or localities.ALL
    localities: Sequence[str]
    notice: str = ""
    error: str = ""


def plans_page(view: PlansView) -> str:
    return render(
        "plans.html",
        plans=view.plans,
        locality=view.locality,
        localities=view.localities,
        notice=view.notice,
        error=view.error,
        **_account_context(view.official, view.csrf),
        levels=level_labels(),
        max_mb=UPLOAD_MAX_BYTES // MB,
    )


def plan_preview_page(pending: PendingPlan, csrf: str, error: str = "") -> str:
    not_stated = text("officials.plan_not_stated")
    metadata = pending.preview.metadata
    levels = level_labels()

    def shown(name: str) -> str:
        value = metadata.get(name)
        if isinstance(value, date):
            return f"{value:%d/%m/%Y}"
        if name == "level" and value:
            return levels.get(str(value), str(value))
        return str(value) if value not in (None, "") else not_stated

    missing_text = (
        say("officials.plan_missing_metadata", fields=field_names(pending.missing))
        if pending.missing
        else ""
    )
    return render(
        "plan_preview.html",
        pending=pending,
        metadata=[(label, shown(name)) for name, label in _METADATA_LABELS],
        not_stated=not_stated,
        missing_text=missing_text,
        error=error,
        csrf=csrf,
    )
