"""Shared reply formatting: Vietnamese dates, unit lists, shortened texts, source lines, buttons.

Every capability's actions may import these; they are pure and know nothing about Rasa.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from datetime import date

from knowledge.plans.manifest import locality_parts
from knowledge.plans.service import PlanInfo
from knowledge.shared.periods import vi_date as vi_date
from knowledge.shared.text import fold_vi, tokens
from knowledge.shared.wording import say

# Telegram refuses callback data longer than this, and buttons may go there.
MAX_PAYLOAD_BYTES = 64
# Unit names contain commas ("UBND các quận, huyện, thị xã"), so lists are joined with ";".
UNIT_SEPARATOR = "; "
# Due kinds worth restating as days: a named quarter or month is easy to misread, a
# "thường xuyên" or a deferred time has no days to give.
_RESTATED_DUE_KINDS = ("quarter", "month", "half", "range")
# A due that goes on past its period ("Quý I/2023 và những năm tiếp theo") is not one period.
_OPEN_ENDED_DUE = re.compile(r"\b(?:tiep theo|hang nam|hang thang)\b")
_SENTENCE_END = re.compile(r"(?<=[.;:!?])\s")
_CLAUSE_END = re.compile(r"[;,]\s")
_ACRONYM_IN_TITLE = re.compile(r"\(([A-Z]{3,})\)")


def join_units(names: Iterable[str]) -> str:
    """Unit names in order, each once."""
    return UNIT_SEPARATOR.join(dict.fromkeys(name for name in names if name))


def units_with_wording(canonical: Sequence[str], as_written: str) -> str:
    """Canonical unit names, followed by the document's own wording when it reads differently
    ("Văn phòng UBNDTP"), so an official can find the line in the plan."""
    names = join_units(canonical) or as_written
    if as_written and _letters(as_written) != _letters(names):
        return say("citations.units_as_written", units=names, as_written=as_written)
    return names


def _letters(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", fold_vi(text))


def shorten(text: str, limit: int = 220) -> str:
    """``text`` cut to about ``limit`` characters at a sentence, else a clause, else a word
    boundary, marked with "…" when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    window = text[: limit + 1]
    for boundary in (_SENTENCE_END, _CLAUSE_END):
        cuts = [m.start() for m in boundary.finditer(window) if m.start() >= limit // 2]
        if cuts:
            return text[: cuts[-1]].rstrip(" ,;:") + " …"
    return window.rsplit(" ", 1)[0].rstrip(" ,;:") + " …"


def excerpt(text: str, query: str, limit: int = 220) -> str:
    """``text`` shortened around what ``query`` asks about: a long task often runs several
    sentences and the one the user means is not always the first."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    wanted = set(tokens(query))
    sentences = [s for s in _SENTENCE_END.split(text) if s]
    best = max(range(len(sentences)), key=lambda i: (len(wanted & set(tokens(sentences[i]))), -i))
    if best == 0:
        return shorten(text, limit)
    return "… " + shorten(" ".join(sentences[best:]), limit)


def locality_label(locality: str) -> str:
    """A manifest locality as said in a sentence: "Hưng Yên (thành phố)" → "thành phố Hưng Yên"."""
    name, kind = locality_parts(locality)
    return say("citations.place", kind=kind, name=name) if kind else name


def plan_label(plan: PlanInfo) -> str:
    """A short name for a plan, fit for a button: "Hà Nội 2021 (5743/QĐ-UBND)",
    "thành phố Hưng Yên 2023 (PAPI)"."""
    acronym = _ACRONYM_IN_TITLE.search(plan.title)
    tag = plan.number or (acronym.group(1) if acronym else say("citations.plan_without_number"))
    label = say(
        "citations.plan_label", place=locality_label(plan.locality), year=plan.year, tag=tag
    )
    return label[:1].upper() + label[1:]


def _missing_identity(plan: PlanInfo) -> str:
    """What the plan's own text leaves out of its identity, as a phrase, or ""."""
    missing = [
        say(key)
        for key, given in (
            ("citations.missing_number", plan.number),
            ("citations.missing_issued", plan.issued),
        )
        if not given
    ]
    return say("citations.missing_identity", missing=", ".join(missing)) if missing else ""


def source_line(plan: PlanInfo, sections: Iterable[str] = ()) -> str:
    """ "Nguồn: Kế hoạch số … ngày …, UBND …, Mục …" for facts of ``plan`` found in
    ``sections``. When the plan's text gives no number (or date), say so right after its name
    rather than leave the reader to wonder."""
    suffix = f" ({plan.note})" if plan.note else ""
    head = plan.citation.removesuffix(suffix)
    note = _missing_identity(plan)
    if note:
        name, issuer, rest = head.partition(f", {plan.issuer}")
        head = f"{name} ({note}){issuer}{rest}"
    where = "; ".join(dict.fromkeys(section for section in sections if section))
    return say("citations.source", citation=f"{head}{', ' + where if where else ''}{suffix}")


def due_phrase(due: str, kind: str, start: date | None, end: date | None) -> str:
    """The due time as written, with the days it covers (``kind``, ``start`` and ``end`` of a
    TaskMatch) when that helps: "Quý II/2021 (01/04/2021 – 30/06/2021)"."""
    if (
        kind in _RESTATED_DUE_KINDS
        and start is not None
        and end is not None
        and start.year == end.year
        and not _OPEN_ENDED_DUE.search(fold_vi(due))
    ):
        return say("plans.due_with_days", due=due, start=vi_date(start), end=vi_date(end))
    return due


def text_button(title: str, sends: str | None = None) -> dict[str, str]:
    """A button that sends words through NLU (its own title unless ``sends`` is given), without
    diacritics when they would not fit: the assistant reads both spellings alike."""
    words = title if sends is None else sends
    return button(title, words if fits_payload(words) else fold_vi(words))


def fits_payload(payload: str) -> bool:
    return len(payload.encode()) <= MAX_PAYLOAD_BYTES


def button(title: str, payload: str) -> dict[str, str]:
    if len(payload.encode()) > MAX_PAYLOAD_BYTES:
        raise ValueError(f"button payload over {MAX_PAYLOAD_BYTES} bytes: {payload!r}")
    return {"title": title, "payload": payload}


def intent_payload(intent: str, **entities: str) -> str:
    """Rasa's payload syntax that sets an intent and entities without going through NLU."""
    return f"/{intent}{json.dumps(entities, ensure_ascii=False, separators=(',', ':'))}"


def bullet_list(lines: Iterable[str]) -> str:
    return "\n".join(f"• {line}" for line in lines)
