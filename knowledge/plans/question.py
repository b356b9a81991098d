"""A plan question read from the user's own words: what is asked (lead, support, due date,
product; several at once), the filters (locality, plan, year, unit, role, period), places the
base does not hold, and the topic (the words left once scaffolding, filters and places are
taken away: they are never topic evidence).

NLU entities are hints: extraction is shallow and people type without diacritics, so every
value is also looked for in the text, folded. All functions here are pure.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from knowledge.plans.places import foreign_places
from knowledge.plans.service import PlanInfo, locality_hint
from knowledge.shared.periods import parse_period
from knowledge.shared.text import expand_abbreviations, fold_vi, normalize_vi

TASK_RESPONSIBLE = "ask_task_responsible"
TASK_DUE = "ask_task_due"
UNIT_TASKS = "ask_unit_tasks"
REPORTING_DEADLINE = "ask_reporting_deadline"
PLAN_TARGET = "ask_plan_target"
PLAN_INFO = "ask_plan_info"
QUESTION_KINDS = (
    TASK_RESPONSIBLE,
    TASK_DUE,
    UNIT_TASKS,
    REPORTING_DEADLINE,
    PLAN_TARGET,
    PLAN_INFO,
)

LEAD, SUPPORT = "lead", "support"
# What a task question asks for; a question may ask several ("ai chủ trì và hạn khi nào?").
ASK_LEAD, ASK_SUPPORT, ASK_DUE, ASK_PRODUCT = "lead", "support", "due", "product"
_ASK_CUES = (
    (
        ASK_LEAD,
        re.compile(
            r"\b(?:chu tri|dau moi|phu trach|chiu trach nhiem|giao cho|ai lo|ai lam|"
            r"(?:don vi|co quan|phong|ben|so|bo phan|ai) (?:nao )?(?:thuc hien|lam|lo|dam nhan)|"
            r"(?:do|la) (?:ai|don vi nao|co quan nao|phong nao|ben nao|so nao))\b"
        ),
    ),
    (ASK_SUPPORT, re.compile(r"\b(?:phoi hop|ho tro|tham gia|cung lam)\b")),
    (
        ASK_DUE,
        re.compile(
            r"\b(?:han|thoi han|han chot|khi nao|bao gio|luc nao|thoi gian|tien do|xong|"
            r"deadline|ngay nao|thang nao|quy nao|nam nao|truoc ngay)\b"
        ),
    ),
    (
        ASK_PRODUCT,
        re.compile(
            r"\b(?:san pham|dau ra|hinh thuc(?: van ban)?|"
            r"ket qua (?:cuoi cung|la gi|gi|can dat|can co|phai|dau ra)|nop (?:gi|cai gi))\b"
        ),
    ),
)
# Who-questions that name no role ("ai thực hiện ...", "đơn vị nào ...") ask for the lead.
_WHO = re.compile(r"\b(?:ai|don vi nao|co quan nao|phong nao|ben nao|so nao|bo phan nao)\b")
_DEFAULT_ASKS = {
    TASK_RESPONSIBLE: frozenset({ASK_LEAD, ASK_SUPPORT, ASK_DUE}),
    TASK_DUE: frozenset({ASK_DUE, ASK_LEAD}),
}
# Plan scaffolding, folded: the plan's name and kind say which plan, not which task.
_PLAN_WORDS = re.compile(
    r"\b(?:theo |trong |cua |tai )?(?:ban )?ke hoach(?: (?:cai cach hanh chinh|papi|so \d+))?"
    r"(?: nha nuoc)?\b|\bnhiem vu\b|\bcong viec\b|\bchi so papi\b|\bpapi\b|\bnam nay\b"
)
_ROLE_WORDS = (
    (LEAD, re.compile(r"\b(?:chu tri|dau moi|chiu trach nhiem chinh)\b")),
    (SUPPORT, re.compile(r"\b(?:phoi hop|ho tro)\b")),
)
_PERIOD_KEYS = frozenset({"Q1", "Q2", "Q3", "Q4", "H1", "H2", "9M", "Y"})
# A year counts when said as one ("năm 2024", "kế hoạch 2024"), not inside a range
# ("giai đoạn 2021 - 2025") or a document number ("45/2020").
_YEAR = re.compile(r"(?<![\d/])(?P<year>(?:19|20)\d\d)(?![\d/])")
# A year with the word that introduces it ("năm 2024"), taken out of a topic whole.
_SAID_YEAR = re.compile(r"(?:\bnam\s+)?(?<![\d/])(?:19|20)\d\d(?![\d/])")
_HORIZON = re.compile(r"\b(?:tam nhin|den|toi)(?: nam)?\s*$")
_RANGE_NEIGHBOUR = re.compile(r"(?:[-–]\s*$|^\s*[-–])")
# Plan numbers as people write them: "146/KH-UBND", "kế hoạch 136", "quyết định 5743".
_PLAN_NUMBER = re.compile(
    r"\b(?P<slash>\d{1,5})\s*/\s*(?:kh|qd)\b"
    r"|\b(?:ke hoach|quyet dinh|qd|kh)\s*(?:so\s*)?(?P<word>\d{1,5})\b"
)
_ACRONYM = re.compile(r"\(([A-Z]{3,})\)")
_PERIOD_WORDS = re.compile(
    r"\b(?:quy|q)\s*(?:iv|iii|ii|i|[1-4])\b"
    r"|\b(?:3|6|9|12|ba|sau|chin) thang(?: (?:dau|cuoi) nam)?\b"
    r"|\b(?:ca|nua|hang) nam\b|\bquy nay\b"
)
# Folded phrases that ask rather than name a task: "còn ai phối hợp?", "hạn khi nào?", "vậy
# đơn vị phối hợp là những ai". A message made only of these refers to the last answer.
# Phrases, not syllables: folding merges "chính" (hành chính) with "chịu ... chính", "hồ" (hồ
# sơ) with "hỗ trợ", "cửa" (một cửa) with "của", so a lone syllable is removed only when it
# cannot be part of a topic's words.
_ASKING = re.compile(
    r"\b(?:(?:don vi|co quan|phong|ben|bo phan) (?:chu tri|phoi hop)|"
    r"chu tri|phoi hop|ho tro|tham gia|phu trach|dau moi|dam nhan|dam nhiem|"
    r"chiu trach nhiem(?: chinh)?|trach nhiem|thuc hien|giao cho|duoc giao|"
    r"do (?:ai|don vi nao|co quan nao|phong nao|ben nao|so nao)|"
    r"(?:don vi|co quan|phong|ben|so|bo phan|cap|nguoi) (?:nao|gi)|"
    r"nhiem vu(?: nay| do)?|cong viec(?: nay)?|viec nay|viec do|"
    r"thoi gian|thoi han|han chot|hoan thanh|hoan tat|bao gio|khi nao|luc nao|"
    r"(?:ngay|thang|quy|nam|ky|tuan|han) (?:nao|may|bao nhieu)|truoc ngay|"
    r"la gi|lam gi|lam theo|nhu the nao|the nao|ra sao|thi sao|the con|con ai|ai nua|"
    r"sap toi|deadline|cho (?:em|toi|minh|chau) (?:hoi|biet)|xin hoi|cho hoi|cho biet|"
    r"anh chi|biet|giup|ok|nhe|nhi|a|oi|da|vay|thi|sao|con|nua|ai|nao|gi|la|nhung|cac|"
    r"em|toi|duoc|khong|phai|xong|han|chot|may|ra|luon|voi|va|o|lam|vang|ha|ah|dau|"
    r"the (?:ai|thi|nao|con))\b"
)
# What a target question says around its topic: "tỷ lệ … phải đạt bao nhiêu", "chỉ tiêu …".
_TARGET_ASKING = re.compile(
    r"\b(?:(?:phai|can|se|duoc) )?dat"
    r"(?= (?:bao nhieu|may|ty le|tren|toi thieu|it nhat|muc|theo|nhung|cac|chi tieu|ra|gi|\d))"
    r"|\b(?:la )?bao nhieu(?: phan tram)?\b|\bmay phan tram\b|\bphan tram\b|\bchi tieu\b"
    r"|\bmuc tieu\b|\b(?:theo |trong |cua )?ke hoach\b|\byeu cau\b|\bphan dau\b|\btoi thieu\b"
    r"|\bit nhat\b|\bdat ra\b|\bcu the\b|\b(?:cac|nhung|thi|la|phai|can|cua|gi|nao)\b"
    # A citizen's way of asking what is promised: "thành phố hứa ...", "có ... không", "của
    # tôi", "kế hoạch nói thế nào".
    r"|\b(?:hua|cam ket|duoc|toi|minh|o|nam|thanh pho|xa|tinh|khong|khog|ko)\b"
    r"|\b(?:noi|quy dinh|ghi) (?:the nao|ra sao|gi)\b|\bthe nao\b|\bra sao\b"
)
# What a "what must unit X do" question says after the unit's name, and before it.
_UNIT_ENDS = re.compile(
    r"[,.;:?!]|\b(?:phu trach|chu tri|phoi hop|co (?:nhung |cac )?(?:nhiem vu|trach nhiem|viec|"
    r"bao nhieu)|phai|duoc (?:giao|phan cong)|lam (?:gi|nhung|cac|de an)|can lam|"
    r"chiu trach nhiem|(?:trong|theo|cua) ke hoach|thuc hien|nhiem vu|co viec|la gi|"
    r"dang (?=chu tri|phoi hop|lam|phu trach|thuc hien))\b"
)
# "phòng tôi", "đơn vị mình": the user's own unit, whose name the plans cannot know.
_SELF = re.compile(r"(?:(?:phong|don vi|so|co quan|ben|ban)\s+)?(?:chung\s+)?(?:toi|minh|em)")
_UNIT_LEAD_IN = re.compile(
    r"^(?:(?:cho (?:em|toi|minh) hoi|xin hoi)\s+)?(?:(?:danh sach|liet ke)\s+)?"
    r"(?:(?:cac )?(?:nhiem vu|viec|cong viec)(?: cua)?\s+|don vi (?:toi|minh) la\s+|ben\s+|"
    r"don vi\s+)?"
)


@dataclass(frozen=True)
class PlanQuestion:
    """One question about the plans, with everything it names."""

    kind: str  # the intent: TASK_RESPONSIBLE, TASK_DUE, ...
    text: str  # the user's words
    role: str | None = None  # LEAD, SUPPORT or None for both
    unit: str | None = None  # a unit's name as the NLU extracted it
    localities: tuple[str, ...] = ()  # manifest localities; two for a bare "Hưng Yên"
    year: int | None = None
    period: str | None = None  # Q1..Q4, H1, H2, 9M, Y or "this quarter"
    document: str | None = None  # slug, when the user chose or numbered one plan
    asks_anew: bool = True  # False when nothing but question words is left ("hạn khi nào?")
    asks: frozenset[str] = frozenset()  # ASK_LEAD, ASK_SUPPORT, ASK_DUE, ASK_PRODUCT said
    foreign: tuple[str, ...] = ()  # places named that no plan in the base covers, as written

    @property
    def names_something(self) -> bool:
        return bool(self.localities or self.year or self.period or self.unit)


@dataclass(frozen=True)
class Entity:
    """An NLU entity: its name, normalised value and the words it was read from."""

    name: str
    value: str
    said: str


def entities_of(message: Mapping[str, Any]) -> list[Entity]:
    """The entities of a Rasa ``latest_message``."""
    text = str(message.get("text") or "")
    found = []
    for e in message.get("entities") or []:
        start, end = e.get("start"), e.get("end")
        said = text[start:end] if isinstance(start, int) and isinstance(end, int) else ""
        found.append(Entity(str(e.get("entity")), str(e.get("value")), said or str(e.get("value"))))
    return found


def read_question(
    kind: str,
    text: str,
    entities: Sequence[Entity],
    plans: Sequence[PlanInfo],
    unit_names: Collection[str] = (),
) -> PlanQuestion:
    """Everything ``text`` (with its NLU ``entities``) says about the plans; ``unit_names``
    (folded) are the units the base knows, whose place names are no foreign place."""
    values = _values(entities)
    known = {p.locality for p in plans}
    localities = localities_of(text, values.get("locality", ()), known)
    year = year_of(text, values.get("year", ()))
    named = named_documents(text, plans, localities, year)
    return PlanQuestion(
        kind=kind_of(text, kind),
        text=text,
        role=role_of(text, values.get("role", ())),
        unit=next(iter(values.get("unit", ())), None),
        localities=localities,
        year=year,
        period=period_of(text, [e for e in entities if e.name == "period"]),
        document=named[0] if len(named) == 1 else None,
        asks_anew=bool(content_words(text, known, entities)),
        asks=asks_of(text),
        foreign=tuple(foreign_places(text, known, unit_names)),
    )


# What the words say is asked, whatever the NLU's intent: a reporting deadline ("báo cáo ...
# hạn ngày nào"), a target's figure ("đạt bao nhiêu phần trăm"). Folded.
_REPORT_DUE = re.compile(
    r"\bbao cao\b.*\b(?:han|ngay nao|ngay may|truoc ngay|khi nao|bao gio|chot|nop|gui)\b"
    r"|\b(?:han|ngay nao|truoc ngay|khi nao|bao gio|nop|gui)\b.*\bbao cao\b"
)
_TARGET_FIGURE = re.compile(
    r"\b(?:bao nhieu|may) ?(?:phan tram|%)|%|\bphan tram\b|\bchi tieu\b|\bty le\b.*\bdat\b"
)


def kind_of(text: str, nlu_kind: str) -> str:
    """The kind of plan question ``text`` asks: the NLU's unless the words say otherwise (a
    reporting deadline asked as a task's due date, a target's figure asked as "who")."""
    folded = expand_abbreviations(text)
    asks_a_unit = any(cue.search(folded) for ask, cue in _ASK_CUES if ask == ASK_LEAD)
    asks_who = asks_a_unit or bool(_WHO.search(folded))
    if nlu_kind in (TASK_RESPONSIBLE, TASK_DUE, PLAN_INFO) and _REPORT_DUE.search(folded):
        return nlu_kind if asks_who else REPORTING_DEADLINE
    if nlu_kind in (TASK_RESPONSIBLE, TASK_DUE, PLAN_INFO, REPORTING_DEADLINE) and (
        _TARGET_FIGURE.search(folded) and not asks_a_unit
    ):
        return PLAN_TARGET
    if nlu_kind == UNIT_TASKS and asks_of(text) and not asks_for_a_units_tasks(text):
        return TASK_RESPONSIBLE  # "việc X của trung tâm y tế thì kết quả phải nộp là gì"
    return nlu_kind


def asks_of(text: str) -> frozenset[str]:
    """What the question asks for, as it says it; empty when it only names a topic."""
    folded = expand_abbreviations(text)
    asks = {ask for ask, cue in _ASK_CUES if cue.search(folded)}
    if not asks and _WHO.search(folded):
        asks.add(ASK_LEAD)
    return frozenset(asks)


def wanted(q: PlanQuestion) -> frozenset[str]:
    """What an answer about a task must say: what the question asks, else what its kind asks
    by default (lead and support; due date and lead)."""
    if q.asks:
        return q.asks
    if q.role == LEAD:
        return frozenset({ASK_LEAD})
    if q.role == SUPPORT:
        return frozenset({ASK_SUPPORT})
    return _DEFAULT_ASKS.get(q.kind, frozenset({ASK_LEAD, ASK_SUPPORT, ASK_DUE}))


def topic_of(q: PlanQuestion, known_localities: Collection[str]) -> str:
    """The words that say which task is meant: the question without its scaffolding (question
    words, the plan's name), filters (localities, years, periods, the unit extracted) and
    places; "" when nothing is left."""
    rest = _PLAN_WORDS.sub(" ", expand_abbreviations(q.text))
    words = content_words(rest, known_localities)
    foreign = set(fold_vi(" ".join(q.foreign)).split())
    return " ".join(w for w in words if w not in foreign)


# Folded words about a plan itself (its kind, number, date, issuer, scope): a topic made of
# these asks about the plan, not about a task or target in it.
_PLAN_ITSELF = """
so hieu ngay ban hanh nao ky ten co quan cua ubnd uy ban nhan dan thanh pho tinh xa noi dung
gom co bao nhieu nhung danh sach cac van ban quyet dinh qd kh thong tin ve tom tat pham vi nam
may luc gio hieu luc tieu de cai cach hanh chinh nha nuoc chinh quyen muc tieu chi tieu ke
hoach gi dat ra de tong the chung
"""
_PLAN_IDENTITY = frozenset(_PLAN_ITSELF.split())


def names_only_a_plan(topic: str) -> bool:
    """Whether a topic's words only name or describe a plan ("cải cách hành chính nhà nước",
    "quyết định 5743"): fewer than two words about anything else."""
    other = [w for w in topic.split() if w not in _PLAN_IDENTITY and not w.isdigit()]
    return len(other) < 2


# "thế còn ...", "còn ... thì sao", "vậy còn ...": a new topic asked like the last question.
_FOLLOW_ON = re.compile(r"^(?:(?:the|vay|the thi|con) )?con\b|\b(?:thi sao|the nao)\s*$")


# "... chủ trì nhiệm vụ gì?", "... phải làm những việc gì?": the tasks of a unit, not a task.
_WHICH_TASKS = re.compile(
    r"\b(?:nhiem vu|viec|cong viec|nv|trach nhiem)\s*(?:gi|nao|j)\b|\bnhung (?:gi|viec gi)\b"
    r"|\blam gi\b"
)


def asks_for_a_units_tasks(text: str) -> bool:
    """Whether ``text`` asks what a unit must do rather than who does a task."""
    return bool(_WHICH_TASKS.search(expand_abbreviations(text)))


def follow_on(last: PlanQuestion, new: PlanQuestion) -> PlanQuestion:
    """``new`` ("thế còn cải cách thể chế?") asked as ``last`` was: its kind, what it asked
    and the plans it was limited to, unless ``new`` says otherwise; ``new`` itself when it
    is no follow-on."""
    if not _FOLLOW_ON.search(expand_abbreviations(new.text)) or not new.asks_anew:
        return new
    named = new.localities or new.year or new.document or new.foreign
    return replace(
        new,
        kind=last.kind,
        asks=new.asks or wanted(last),
        role=new.role or last.role,
        localities=new.localities if named else last.localities,
        year=new.year if named else last.year,
        document=new.document if named else last.document,
    )


def refine(last: PlanQuestion, new: PlanQuestion) -> PlanQuestion:
    """``last`` asked again with what ``new`` names: "thế còn ở Hà Nội?" after a question
    about Long Điền A drops Long Điền A and asks about Hà Nội."""
    return replace(
        last,
        localities=new.localities or last.localities,
        year=new.year or last.year,
        period=new.period or last.period,
        unit=new.unit or last.unit,
        role=new.role or last.role,
        document=new.document,
        asks_anew=True,
        asks=new.asks or last.asks,
        foreign=new.foreign,
    )


def _values(entities: Iterable[Entity]) -> dict[str, tuple[str, ...]]:
    values: dict[str, tuple[str, ...]] = {}
    for entity in entities:
        values[entity.name] = (*values.get(entity.name, ()), entity.value)
    return values


def role_of(text: str, entity_roles: Iterable[str]) -> str | None:
    """LEAD or SUPPORT when the question asks about one of them only, else None."""
    folded = fold_vi(text)
    roles = {r for r in entity_roles if r in (LEAD, SUPPORT)}
    roles |= {role for role, words in _ROLE_WORDS if words.search(folded)}
    return roles.pop() if len(roles) == 1 else None


def localities_of(
    text: str, entity_values: Iterable[str], known: Collection[str]
) -> tuple[str, ...]:
    """The manifest localities the user names. An entity normalised to a manifest locality
    ("tphy" → "Hưng Yên (thành phố)") wins; otherwise the text is read, where a bare
    "Hưng Yên" names both the city and the province."""
    by_fold = {fold_vi(k): k for k in known}
    values = list(entity_values)
    precise = [by_fold[fold_vi(v)] for v in values if fold_vi(v) in by_fold]
    if precise:
        return tuple(dict.fromkeys(precise))
    for said in (text, *values):
        named = locality_hint(said, known)[1]
        if named:
            return named
    return ()


def without_localities(text: str, known: Collection[str]) -> str:
    """``text`` (folded) without the localities it names, for searching once they are
    filters; ``text`` unchanged when it names none."""
    rest, named = locality_hint(text, known)
    return rest if named else text


def year_of(text: str, entity_values: Iterable[str]) -> int | None:
    """A year the user names, said as one: "năm 2022", "kế hoạch 2022", "HN 2021"; not a
    range ("giai đoạn 2021 - 2025") nor part of a number ("45/2020")."""
    for value in entity_values:
        match = _YEAR.search(value)
        if match:
            return int(match["year"])
    folded = fold_vi(text)
    for match in _YEAR.finditer(folded):
        before, after = folded[: match.start()], folded[match.end() :]
        if _RANGE_NEIGHBOUR.search(before) or _RANGE_NEIGHBOUR.search(after[:3]):
            continue
        if _HORIZON.search(before):  # "tầm nhìn đến năm 2030": a horizon, not the plan's year
            continue
        return int(match["year"])
    return None


def period_of(text: str, period_entities: Iterable[Entity]) -> str | None:
    """The report period asked about, read from the text first; an entity only counts when it
    is more than the word "năm", which mostly introduces a year."""
    from_text = parse_period(text)
    if from_text:
        return from_text
    for entity in period_entities:
        if entity.value in _PERIOD_KEYS and fold_vi(entity.said) != "nam":
            return entity.value
    return None


def named_documents(
    text: str,
    plans: Sequence[PlanInfo],
    localities: Collection[str] = (),
    year: int | None = None,
) -> list[str]:
    """Plans the user points at by number ("146/KH-UBND", "kế hoạch 136") or by the acronym
    in their title ("PAPI"). An acronym is also a topic ("bồi dưỡng về PAPI, SIPAS ở Hà Nội"):
    it does not point at a plan of another place than the ``localities`` the user names, nor
    of another ``year``."""
    folded = fold_vi(text)
    numbers = {m["slash"] or m["word"] for m in _PLAN_NUMBER.finditer(folded)}
    words = set(re.findall(r"\w+", folded))
    named = []
    for plan in plans:
        acronym = _ACRONYM.search(plan.title)
        by_number = plan.number is not None and plan.number.split("/")[0] in numbers
        by_acronym = acronym is not None and acronym.group(1).lower() in words
        if by_acronym and localities and plan.locality not in localities:
            by_acronym = False
        if by_acronym and year is not None and plan.year != year:
            by_acronym = False
        if by_number or by_acronym:
            named.append(plan.slug)
    return named


def content_words(
    text: str, known_localities: Collection[str], entities: Sequence[Entity] = ()
) -> list[str]:
    """The words of ``text`` that name what is asked about, once localities, years, periods,
    extracted entities and question words are taken away."""
    rest = expand_abbreviations(without_localities(text, known_localities))
    for entity in entities:
        said = expand_abbreviations(entity.said)
        if said:
            rest = re.sub(rf"\b{re.escape(said)}\b", " ", rest)
    rest = _PERIOD_WORDS.sub(" ", rest)
    rest = _SAID_YEAR.sub(" ", rest)
    return _ASKING.sub(" ", rest).split()


def target_topic(text: str, known_localities: Collection[str]) -> str:
    """The topic of a target question: "tỷ lệ hồ sơ đúng hạn phải đạt bao nhiêu" → "ty le ho so
    dung han"; "" for "các chỉ tiêu của kế hoạch Hà Nội", which asks for them all."""
    rest = expand_abbreviations(without_localities(text, known_localities))
    return " ".join(_TARGET_ASKING.sub(" ", _YEAR.sub(" ", rest)).split())


def unit_phrase(text: str) -> str:
    """The unit a question is about, as written, when no entity was extracted: "Phòng Tư pháp
    phụ trách những gì" → "Phòng Tư pháp"; "" when it only says "phòng tôi"."""
    written = normalize_vi(text)
    # Folded letter by letter so that positions found in it are positions in ``written``.
    folded = "".join(fold_vi(ch) or ch for ch in written)
    start = _UNIT_LEAD_IN.match(folded).end()  # type: ignore[union-attr]  # matches "" at worst
    end = _UNIT_ENDS.search(folded, start)
    phrase = written[start : end.start() if end else len(written)].strip()
    return "" if _SELF.fullmatch(fold_vi(phrase)) else phrase
