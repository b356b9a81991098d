"""DEMO DATA: fictional dossiers of Hưng Yên city, for trying the assistant without a real
dossier system. Nothing here comes from a real register.

The procedures and receiving units are real ones; everything about each dossier is drawn from
a seeded random generator: applicants follow the Vietnamese placeholder convention
("Nguyễn Văn A", "Trần Thị B"), phones are ``09000xxxxx`` placeholders, agency codes only have
the shape of real ones, fees and processing times are plausible figures, not a tariff, and
public holidays are not modelled (due dates count Monday to Friday). Every row carries
:data:`DEMO_NOTE`.

Dates are fixed relative to :data:`REFERENCE_DATE`, never the clock, so the same seed gives
the same rows on any day: receipts are spread over working days from :data:`FIRST_RECEIPT` to
the reference date, and a dossier's status is its status on that date.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Engine, insert, select

from knowledge.dossiers.models import Dossier, create_dossier_tables
from knowledge.shared.db import session_scope

REFERENCE_DATE = date(2026, 11, 20)
FIRST_RECEIPT = date(2025, 7, 1)
DEMO_NOTE = "Dữ liệu mẫu (demo), không phải hồ sơ thật"


@dataclass(frozen=True)
class DemoProcedure:
    name: str
    field: str  # lĩnh vực
    level: str  # who receives it: commune (wards and communes), city, province
    working_days: int  # time allowed to settle it
    fees: tuple[int, ...]  # possible fees in VND, e.g. by number of pages certified
    weight: int  # relative volume within its level
    online_share: float  # share filed online


@dataclass(frozen=True)
class DemoUnit:
    name: str
    agency_code: str
    level: str
    locality: str
    weight: int  # relative volume
    ontime_share: float  # chance a dossier is settled by its due date


_CITY = "thành phố Hưng Yên"

PROCEDURES: tuple[DemoProcedure, ...] = (
    DemoProcedure("Đăng ký khai sinh", "Hộ tịch", "commune", 1, (0,), 20, 0.55),
    DemoProcedure("Đăng ký kết hôn", "Hộ tịch", "commune", 5, (0,), 6, 0.2),
    DemoProcedure("Đăng ký khai tử", "Hộ tịch", "commune", 1, (0,), 5, 0.35),
    DemoProcedure("Cấp Giấy xác nhận tình trạng hôn nhân", "Hộ tịch", "commune", 3, (0,), 8, 0.4),
    DemoProcedure(
        "Chứng thực bản sao từ bản chính giấy tờ, văn bản",
        "Chứng thực",
        "commune",
        1,
        (2_000, 4_000, 5_000, 6_000, 8_000),
        30,
        0.1,
    ),
    DemoProcedure(
        "Chứng thực chữ ký trong các giấy tờ, văn bản",
        "Chứng thực",
        "commune",
        1,
        (10_000,),
        8,
        0.05,
    ),
    DemoProcedure(
        "Chứng thực bản sao từ bản chính giấy tờ, văn bản",
        "Chứng thực",
        "city",
        1,
        (2_000, 4_000, 5_000, 6_000, 8_000),
        10,
        0.1,
    ),
    DemoProcedure(
        "Đăng ký thành lập hộ kinh doanh",
        "Thành lập và hoạt động của hộ kinh doanh",
        "city",
        3,
        (100_000,),
        14,
        0.6,
    ),
    DemoProcedure(
        "Đăng ký thay đổi nội dung đăng ký hộ kinh doanh",
        "Thành lập và hoạt động của hộ kinh doanh",
        "city",
        3,
        (50_000,),
        6,
        0.6,
    ),
    DemoProcedure(
        "Đăng ký, cấp Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác "
        "gắn liền với đất lần đầu",
        "Đất đai",
        "city",
        30,
        (100_000,),
        8,
        0.2,
    ),
    DemoProcedure(
        "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất",
        "Đất đai",
        "city",
        10,
        (30_000,),
        10,
        0.25,
    ),
    DemoProcedure(
        "Cấp giấy phép xây dựng nhà ở riêng lẻ",
        "Hoạt động xây dựng",
        "city",
        15,
        (75_000,),
        8,
        0.35,
    ),
    DemoProcedure(
        "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, "
        "người nước ngoài đang cư trú tại Việt Nam",
        "Lý lịch tư pháp",
        "province",
        10,
        (200_000,),
        1,
        0.7,
    ),
)


def _ward(name: str, number: int, weight: int, ontime_share: float) -> DemoUnit:
    return DemoUnit(
        name=f"UBND {name}",
        agency_code=f"H31.31.{number:02d}",
        level="commune",
        locality=f"{name}, {_CITY}",
        weight=weight,
        ontime_share=ontime_share,
    )


UNITS: tuple[DemoUnit, ...] = (
    DemoUnit("Bộ phận Một cửa UBND thành phố Hưng Yên", "000.00.31.H31", "city", _CITY, 26, 0.95),
    DemoUnit("Sở Tư pháp tỉnh Hưng Yên", "H31.29", "province", "tỉnh Hưng Yên", 7, 0.97),
    _ward("phường Lam Sơn", 1, 6, 0.965),
    _ward("phường Hiến Nam", 2, 6, 0.94),
    _ward("phường An Tảo", 3, 5, 0.955),
    _ward("phường Quang Trung", 4, 5, 0.96),
    _ward("phường Lê Lợi", 5, 5, 0.95),
    _ward("phường Minh Khai", 6, 4, 0.94),
    _ward("phường Hồng Châu", 7, 4, 0.945),
    _ward("xã Bảo Khê", 8, 4, 0.96),
    _ward("xã Trung Nghĩa", 9, 4, 0.935),
    _ward("xã Liên Phương", 10, 3, 0.96),
    _ward("xã Hồng Nam", 11, 3, 0.95),
)

_FAMILY_NAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Đào")
_MIDDLE_NAMES = ("Văn", "Thị", "Đức", "Thu", "Minh", "Ngọc", "Quang", "Thanh")
# The placeholder given names of Vietnamese form templates: letters of the alphabet.
_GIVEN_NAMES = tuple("ABCDĐEGHKLMNPQSTVXY")

_REJECTED_SHARE = 0.015
_RECENT_SHARE = 0.12
_RECENT_DAYS = 30  # working days before the reference date
_SUPPLEMENT_SHARE = 0.05  # dossiers the applicant was asked to complete
_POSTAL_SHARE = 0.04  # filed through the public postal service
_UNCOLLECTED_SHARE = 0.02  # results never collected, whatever their age
_PAID_ONLINE_SHARE = {"online": 0.75, "postal": 0.3, "in_person": 0.12}
_BY_POST_SHARE = {"online": 0.25, "postal": 0.9, "in_person": 0.06}


def seed_demo(engine: Engine, count: int = 1000, seed: int = 2026) -> int:
    """Insert the demo dossiers missing from ``engine``; returns how many were inserted.

    The first ``n`` dossiers of a seed do not depend on ``count``, so seeding again, with the
    same or a larger count, only adds what is missing.
    """
    create_dossier_tables(engine)
    rows = demo_dossiers(count, seed)
    with session_scope(engine) as session:
        existing = {
            code
            for chunk in _chunks([row["code"] for row in rows], 500)
            for code in session.scalars(select(Dossier.code).where(Dossier.code.in_(chunk)))
        }
        missing = [row for row in rows if row["code"] not in existing]
        if missing:
            session.execute(insert(Dossier), missing)
    return len(missing)


def demo_dossiers(count: int, seed: int) -> list[dict[str, Any]]:
    """The demo dossiers of ``seed`` as rows of the ``dossiers`` table (column → value); pure."""
    rng = random.Random(seed)
    days = working_days(FIRST_RECEIPT, REFERENCE_DATE)
    serials: Counter[tuple[str, date]] = Counter()
    # Lateness is spread evenly within each unit (error diffusion from a random phase), so
    # that each unit's on-time share stays near its target however few dossiers it has.
    late_debt: dict[str, float] = {}
    rows = []
    for index in range(count):
        unit = rng.choices(UNITS, weights=[unit.weight for unit in UNITS])[0]
        procedures = [procedure for procedure in PROCEDURES if procedure.level == unit.level]
        procedure = rng.choices(procedures, weights=[p.weight for p in procedures])[0]
        # Recent weeks are over-represented so that the demo has dossiers still in progress.
        recent = rng.random() < _RECENT_SHARE
        received_on = rng.choice(days[-_RECENT_DAYS:] if recent else days)
        debt = late_debt.get(unit.name, rng.random()) + 1 - unit.ontime_share
        late = debt >= 1
        late_debt[unit.name] = debt - 1 if late else debt
        serials[unit.agency_code, received_on] += 1
        serial = serials[unit.agency_code, received_on]
        code = f"{unit.agency_code}-{received_on:%y%m%d}-{serial:04d}"
        rows.append(_dossier(rng, index, code, unit, procedure, received_on, late))
    return rows


def _dossier(
    rng: random.Random,
    index: int,
    code: str,
    unit: DemoUnit,
    procedure: DemoProcedure,
    received_on: date,
    late: bool,
) -> dict[str, Any]:
    due_on = add_working_days(received_on, procedure.working_days)
    start_on = received_on
    if rng.random() < _SUPPLEMENT_SHARE:
        # The time allowed restarts once the applicant completes the dossier.
        start_on = add_working_days(received_on, rng.randint(3, 30))
        if start_on <= REFERENCE_DATE:
            due_on = add_working_days(start_on, procedure.working_days)
    if late:
        settled_on = add_working_days(due_on, rng.randint(1, 3 + procedure.working_days // 2))
    else:
        settled_on = add_working_days(start_on, rng.randint(0, procedure.working_days))
    rejected = rng.random() < _REJECTED_SHARE
    channel = _channel(rng, procedure)
    fee = rng.choice(procedure.fees)
    finished_on = settled_on if settled_on <= REFERENCE_DATE else None
    return {
        "code": code,
        "procedure": procedure.name,
        "field": procedure.field,
        "receiving_unit": unit.name,
        "locality": unit.locality,
        "applicant_name": _applicant(rng),
        "applicant_phone": f"09000{index:05d}",
        "channel": channel,
        "received_on": received_on,
        "due_on": due_on,
        "status": _status(rng, received_on, start_on, finished_on, rejected),
        "finished_on": finished_on,
        "fee_vnd": fee,
        "paid_online": fee > 0 and rng.random() < _PAID_ONLINE_SHARE[channel],
        "result_by_post": rng.random() < _BY_POST_SHARE[channel],
        "note": DEMO_NOTE,
    }


def _channel(rng: random.Random, procedure: DemoProcedure) -> str:
    draw = rng.random()
    if draw < procedure.online_share:
        return "online"
    if draw < procedure.online_share + _POSTAL_SHARE:
        return "postal"
    return "in_person"


def _status(
    rng: random.Random, received_on: date, start_on: date, finished_on: date | None, rejected: bool
) -> str:
    if finished_on is None:
        if start_on > REFERENCE_DATE:
            return "supplement_required"
        return "received" if (REFERENCE_DATE - received_on).days <= 1 else "processing"
    if rejected:
        return "rejected"
    recent = (REFERENCE_DATE - finished_on).days <= 5
    if (recent and rng.random() < 0.6) or rng.random() < _UNCOLLECTED_SHARE:
        return "result_ready"
    return "returned"


def _applicant(rng: random.Random) -> str:
    return " ".join(
        (rng.choice(_FAMILY_NAMES), rng.choice(_MIDDLE_NAMES), rng.choice(_GIVEN_NAMES))
    )


def working_days(first: date, last: date) -> list[date]:
    """Monday-to-Friday dates from ``first`` to ``last``, both included."""
    span = (last - first).days + 1
    every_day = (first + timedelta(days=offset) for offset in range(span))
    return [day for day in every_day if day.weekday() < 5]


def add_working_days(start: date, count: int) -> date:
    """``start`` moved forward by ``count`` Monday-to-Friday days."""
    day = start
    for _ in range(count):
        day += timedelta(days=1)
        while day.weekday() >= 5:
            day += timedelta(days=1)
    return day


def _chunks(items: Sequence[str], size: int) -> Iterable[Sequence[str]]:
    return (items[start : start + size] for start in range(0, len(items), size))
