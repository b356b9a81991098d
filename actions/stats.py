"""On-time statistics of dossiers for officials ("tỷ lệ hồ sơ đúng hạn của phường Hiến Nam quý
này"), set against the plan's target for on-time dossiers, with its source."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from actions.formatting import button, intent_payload, source_line, vi_date
from actions.forms import entity_value, latest_intent, latest_text
from knowledge.dossiers.stats import (
    AmbiguousUnitError,
    OnTimeStats,
    UnknownUnitError,
    ontime_rate,
)
from knowledge.plans.service import NotFoundError, PlanInfo, TargetMatch, find_targets, plan_info
from knowledge.shared.db import get_engine
from knowledge.shared.periods import THIS_QUARTER, parse_period, period_bounds, vietnam_today
from knowledge.shared.settings import load_settings
from knowledge.shared.text import fold_vi
from knowledge.shared.wording import say

logger = logging.getLogger(__name__)

# The dossier store holds Hưng Yên city's dossiers: its 2024 plan sets the target they answer to.
TARGET_PLAN = "hungyen-tp-cchc-2024"
TARGET_QUERY = "số hồ sơ TTHC được trả kết quả giải quyết đúng hạn"
# The periods a question may name; each is worded as stats.period_<key> in wording/stats.yml.
PERIODS = ("Q1", "Q2", "Q3", "Q4", "H1", "H2", "9M", "Y")
MAX_CHOICES = 10
WORST_UNITS_SHOWN = 3
CHOOSE_INTENT = "choose_stats_unit"

# Where a unit's name starts in a question, folded: "ubnd", "phường", "sở", "bộ phận một cửa"…
# "hồ sơ", "số liệu", "số hồ sơ" are not "Sở".
_UNIT_START = re.compile(
    r"\b(?:ubnd|uy ban|bo phan|mot cua|phuong|xa|thi tran|(?<!ho )so (?!lieu|ho|hs|luong)|phong|"
    r"van phong|vp|thanh pho|tp|tinh|thanh tra)\b"
)
# Where it ends: the period, the measure or the question words that follow it.
_UNIT_END = re.compile(
    r"\s(?:quy|q[1-4]|nam (?:20\d\d|nay|truoc|ngoai)|20\d\d|\d+ thang|sau thang|chin thang|"
    r"ca nam|thang|nua|dung han|tre han|qua han|truoc han|giai quyet|co bao|co nhieu|"
    r"bao nhieu|bn|dat|duoc|dc|la|hien (?:nay|tai)|"
    r"thuc te|dang|bi|ty le|so lieu|ho so|hs|tthc|the nao|ntn|ra sao|phan tram|tiep nhan|tra)\b"
)
_ALL_UNITS = re.compile(r"\b(?:toan (?:thanh pho|tp|bo|tinh)|tat ca|cac (?:don vi|phuong|xa))\b")
_YEAR = re.compile(r"\b(20\d{2})\b")


@dataclass(frozen=True)
class StatsQuery:
    unit: str | None  # as asked; None for all units
    period: str  # one of PERIODS or THIS_QUARTER
    year: int
    period_given: bool


def unit_phrase(text: str) -> str | None:
    """The unit named in a question, folded ("phuong hien nam"), None when none or all units."""
    folded = fold_vi(text)
    if _ALL_UNITS.search(folded):
        return None
    start = _UNIT_START.search(folded)
    if start is None:
        return None
    rest = folded[start.start() :]
    end = _UNIT_END.search(rest)
    phrase = (rest[: end.start()] if end else rest).strip(" ?.,!")
    return phrase or None


def parse_query(text: str, entities: Mapping[str, str | None], today: date) -> StatsQuery:
    # A locality ("Hà Nội") is no receiving unit, but must not be read as "all units" either.
    unit = entities.get("unit") or unit_phrase(text) or entities.get("locality")
    year_text = entities.get("year") or _first_year(text)
    period = parse_period(text) or _period_key(entities.get("period"))
    year = int(year_text) if year_text else today.year
    if period is None:
        # A year alone means the whole year; nothing at all, the quarter under way.
        period = "Y" if year_text else THIS_QUARTER
        return StatsQuery(unit, period, year, period_given=bool(year_text))
    return StatsQuery(unit, period, year, period_given=True)


def _first_year(text: str) -> str | None:
    match = _YEAR.search(text)
    return match.group(1) if match else None


def _period_key(value: str | None) -> str | None:
    return value if value in PERIODS else None


def period_label(period: str, year: int, today: date) -> str:
    """ "quý IV năm 2026", "6 tháng đầu năm 2025"; the quarter under way for THIS_QUARTER."""
    if period == THIS_QUARTER:
        period, year = f"Q{(today.month - 1) // 3 + 1}", today.year
    return say(f"stats.period_{period.lower()}", year=year)


def percent(rate: float) -> str:
    return f"{rate * 100:.1f}".replace(".", ",") + "%"


def target_figure(target: TargetMatch) -> float | None:
    if not target.figures:
        return None
    return float(target.figures[0].strip("≥≤% ").replace(",", "."))


def meets_target(rate: float, target: TargetMatch) -> bool | None:
    """Whether ``rate`` meets the target; "Trên 95%" is strictly above, others at least."""
    figure = target_figure(target)
    if figure is None:
        return None
    value = rate * 100
    return value > figure if fold_vi(target.text).startswith("tren") else value >= figure


def format_stats(
    stats: OnTimeStats,
    target: TargetMatch | None,
    plan: PlanInfo | None = None,
    *,
    label: str,
    period_given: bool,
    demo: bool,
) -> str:
    who = stats.unit or say("stats.all_units")
    when = say("stats.when", period=label, start=vi_date(stats.start), end=vi_date(stats.end))
    if stats.rate is None:
        lines = [say("stats.none_finished", who=who, when=when)]
    else:
        lines = [
            say(
                "stats.rate",
                who=who,
                when=when,
                rate=percent(stats.rate),
                on_time=stats.on_time,
                finished=stats.finished,
                late=stats.late,
            )
        ]
    if not period_given:
        lines.append(say("stats.period_not_given"))
    if stats.rate is None:
        return "\n".join(lines)
    lines += worst_units(stats)
    if target is not None and plan is not None:
        lines += target_lines(stats.rate, target, plan)
    if demo:
        lines.append(say("stats.demo_figures"))
    return "\n".join(lines)


def worst_units(stats: OnTimeStats) -> list[str]:
    rated = [(row.rate, row) for row in stats.by_unit if row.rate is not None]
    worst = sorted(rated, key=lambda pair: (pair[0], pair[1].unit))[:WORST_UNITS_SHOWN]
    if not worst:
        return []
    return [say("stats.worst_units")] + [
        say(
            "stats.worst_unit",
            unit=row.unit,
            rate=percent(rate),
            on_time=row.on_time,
            finished=row.finished,
        )
        for rate, row in worst
    ]


def target_lines(rate: float, target: TargetMatch, plan: PlanInfo) -> list[str]:
    key = {None: "stats.target_unjudged", True: "stats.target_met", False: "stats.target_missed"}
    compared = say(key[meets_target(rate, target)], target=target.text)
    return [compared, source_line(plan, [target.section])]


def choice_buttons(candidates: tuple[str, ...]) -> list[dict[str, str]]:
    # Index payloads: unit names would overflow Telegram's 64-byte callback data.
    return [
        button(name, intent_payload(CHOOSE_INTENT, stats_choice=str(index)))
        for index, name in enumerate(candidates[:MAX_CHOICES])
    ]


class ActionOntimeStats(Action):
    def __init__(
        self,
        engine: Engine | None = None,
        today: Callable[[], date] = vietnam_today,
        env: Mapping[str, str] | None = None,
    ) -> None:
        self._engine = engine
        self._today = today
        self._env = env

    def name(self) -> str:
        return "action_ontime_stats"

    def engine(self) -> Engine:
        return self._engine or get_engine()

    def is_demo(self) -> bool:
        # The launcher seeds demo dossiers unless a provincial API is configured.
        return load_settings(self._env).demo_dossiers

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        query = self._query(tracker)
        if query is None:
            dispatcher.utter_message(response="utter_stats_choice_outdated")
            return []
        today = self._today()
        label = period_label(query.period, query.year, today)
        try:
            start, end = period_bounds(query.period, query.year, today)
        except ValueError:
            dispatcher.utter_message(text=say("stats.not_begun", period=label))
            return []
        try:
            stats = await asyncio.to_thread(
                ontime_rate, self.engine(), query.unit, start, end, by_unit=query.unit is None
            )
        except AmbiguousUnitError as error:
            dispatcher.utter_message(
                text=say("stats.ambiguous_unit", unit=error.query),
                buttons=choice_buttons(error.candidates),
            )
            return [
                SlotSet("stats_candidates", list(error.candidates[:MAX_CHOICES])),
                SlotSet("stats_period", query.period),
                SlotSet("stats_year", query.year),
                SlotSet("stats_period_given", query.period_given),
            ]
        except UnknownUnitError as error:
            dispatcher.utter_message(text=say("stats.unknown_unit", unit=error.query))
            return []
        except SQLAlchemyError:
            logger.exception("on-time statistics failed")
            dispatcher.utter_message(response="utter_stats_unavailable")
            return []
        target, plan = await asyncio.to_thread(self._target)
        dispatcher.utter_message(
            text=format_stats(
                stats,
                target,
                plan,
                label=label,
                period_given=query.period_given,
                demo=self.is_demo(),
            )
        )
        # The candidates stay: pressing a second button of the same list compares two units.
        return []

    def _query(self, tracker: Tracker) -> StatsQuery | None:
        """The question asked, or the unit chosen from buttons with the period asked before;
        None when a chosen button no longer matches the last question."""
        if latest_intent(tracker) != CHOOSE_INTENT:
            entities = {
                name: entity_value(tracker, name) for name in ("unit", "locality", "period", "year")
            }
            return parse_query(latest_text(tracker), entities, self._today())
        candidates = tracker.get_slot("stats_candidates") or []
        choice = entity_value(tracker, "stats_choice") or ""
        if not choice.isdigit() or int(choice) >= len(candidates):
            return None
        return StatsQuery(
            unit=candidates[int(choice)],
            period=tracker.get_slot("stats_period") or THIS_QUARTER,
            year=int(tracker.get_slot("stats_year") or self._today().year),
            period_given=bool(tracker.get_slot("stats_period_given")),
        )

    def _target(self) -> tuple[TargetMatch | None, PlanInfo | None]:
        """The plan's on-time target and its plan; none when the plans cannot be read."""
        try:
            found = find_targets(TARGET_QUERY, document=TARGET_PLAN, limit=1, engine=self.engine())
            # Never compare with some other target the search ranked first.
            if not found or "dung han" not in fold_vi(found[0].text) or not found[0].figures:
                return None, None
            return found[0], plan_info(found[0].document, self.engine())
        except (SQLAlchemyError, NotFoundError):
            logger.warning("plan target unreadable: statistics without comparison")
            return None, None
