"""The question bank of tests/eval/ and how an answer to one of its questions is graded.

A case is one question or a conversation of two or three turns; each turn says what kind of
answer it wants (``type``), from which document, and what the answer must state (units by their
canonical names, the section it must cite, dates or figures it must contain), or that no
document answers it (``outcome: abstain``). Pure: no Rasa, no network.

Grades of one turn:
- ``correct``: answered, stating everything expected and citing the section;
- ``clarified``: asked back with buttons (``clarified_right`` when one button leads to a correct
  answer: half a point);
- ``abstained``: said plainly that it does not know, or offered help instead of an answer;
- ``wrong``: answered as fact, but not with what the documents say (a confident wrong answer).
For a question no document answers, ``correct`` means no unit was stated as fact (abstained or
asked back); an answer is ``wrong``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from knowledge.shared.text import ABBREVIATIONS, fold_vi

BANK_DIR = Path(__file__).resolve().parent.parent / "tests" / "eval"
UNANSWERABLE = frozenset({"unanswerable", "out_of_scope"})
CLARIFY_EXPECTED = frozenset({"ambiguous"})
# What the assistant did with a turn, as its actions record it (slot ``answer_outcome``).
ANSWER, CLARIFY, ABSTAIN = "answer", "clarify", "abstain"
GRADES = ("correct", "clarified_right", "clarified", "abstained", "wrong")


@dataclass(frozen=True)
class Expect:
    section: str | None = None
    lead: tuple[str, ...] = ()
    support: tuple[str, ...] = ()
    contains: tuple[str, ...] = ()
    faq: str | None = None
    outcome: str | None = None


@dataclass(frozen=True)
class Turn:
    type: str
    doc: str | None
    form: str
    text: str
    expect: Expect

    @property
    def answerable(self) -> bool:
        return self.type not in UNANSWERABLE and self.type not in CLARIFY_EXPECTED


@dataclass(frozen=True)
class Case:
    id: str
    split: str
    source: str  # the bank file
    turns: tuple[Turn, ...]

    @property
    def conversation(self) -> bool:
        return len(self.turns) > 1


@dataclass(frozen=True)
class Observed:
    """What the assistant replied to one turn."""

    outcome: str  # ANSWER, CLARIFY, ABSTAIN or "" when the reply recorded none
    text: str
    buttons: tuple[tuple[str, str], ...] = ()  # (title, payload)
    reference: str = ""  # what the answer was drawn from, e.g. "faq:payment_methods"


@dataclass
class Tally:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(GRADES, 0))

    def add(self, grade: str) -> None:
        self.counts[grade] += 1

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def load_bank(directory: Path = BANK_DIR) -> list[Case]:
    cases: list[Case] = []
    for path in sorted(directory.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for item in data.get("questions") or []:
            cases.append(Case(item["id"], item["split"], path.stem, (_turn(item),)))
        for item in data.get("conversations") or []:
            turns = tuple(_turn(t) for t in item["turns"])
            cases.append(Case(item["id"], item["split"], path.stem, turns))
    ids = [c.id for c in cases]
    duplicated = {i for i in ids if ids.count(i) > 1}
    if duplicated:
        raise ValueError(f"duplicate ids in the bank: {sorted(duplicated)}")
    return cases


def _turn(item: Mapping[str, Any]) -> Turn:
    expect = item.get("expect") or {}
    return Turn(
        type=str(item["type"]),
        doc=item.get("doc"),
        form=str(item.get("form") or "plain"),
        text=str(item["text"]),
        expect=Expect(
            section=_section(expect.get("section")),
            lead=tuple(expect.get("lead") or ()),
            support=tuple(expect.get("support") or ()),
            contains=tuple(str(c) for c in expect.get("contains") or ()),
            faq=expect.get("faq"),
            outcome=expect.get("outcome"),
        ),
    )


def _section(value: object) -> str | None:
    if value is None or value == "":
        return None
    text = str(value).strip()
    return re.sub(r"^(?:phụ lục,?\s*)?(?:mục|stt)\s+", "", text, flags=re.IGNORECASE)


def split_cases(cases: Iterable[Case], split: str | None) -> list[Case]:
    return [c for c in cases if split in (None, c.split)]


# --- grading -----------------------------------------------------------------------------------


class UnitSpellings:
    """Every spelling of a canonical unit name, folded, from the unit registry's YAML."""

    def __init__(self, units_yaml: Mapping[str, Sequence[Mapping[str, Any]]]) -> None:
        self._spellings: dict[str, set[str]] = {}
        for units in units_yaml.values():
            for unit in units or ():
                names = [unit["name"], *(unit.get("aliases") or ())]
                self._spellings.setdefault(_norm(unit["name"]), set()).update(
                    _norm(n) for n in names
                )

    def of(self, name: str) -> set[str]:
        return self._spellings.get(_norm(name), {_norm(name)})


def _norm(text: str) -> str:
    """Folded, abbreviations spelled out, punctuation but "/", "%" and "." (numbering, dates)
    as spaces, leading zeros of numbers dropped ("05/06" and "5/6" alike)."""
    folded = re.sub(r"[^\w/%.]+", " ", fold_vi(text))
    folded = re.sub(r"(?<!\d)0+(\d)", r"\1", folded)
    words = (w.rstrip(".") for w in folded.split())
    return " ".join(ABBREVIATIONS.get(w, w) for w in words if w)


def says(reply: str, phrase: str) -> bool:
    return _norm(phrase) in _norm(reply)


def cites(reply: str, section: str) -> bool:
    pattern = rf"(?<![\w.]){re.escape(_norm(section))}(?![\w]|\.\w)"
    return re.search(pattern, _norm(reply)) is not None


def states_expected(turn: Turn, observed: Observed, units: UnitSpellings) -> bool:
    """Whether the reply states everything ``turn`` expects."""
    expect, reply = turn.expect, observed.text
    if expect.faq is not None:
        return observed.reference == f"faq:{expect.faq}"
    for name in (*expect.lead, *expect.support):
        if not any(_norm(s) in _norm(reply) for s in units.of(name)):
            return False
    if not all(says(reply, phrase) for phrase in expect.contains):
        return False
    return expect.section is None or cites(reply, expect.section)


def grade(
    turn: Turn, observed: Observed, units: UnitSpellings, *, button_right: bool = False
) -> str:
    """One of GRADES for ``observed``, the reply to ``turn``; ``button_right`` says whether one
    of the clarifying buttons leads to a correct answer."""
    if not turn.answerable:
        if turn.type in CLARIFY_EXPECTED:
            return "correct" if observed.outcome == CLARIFY else _not_an_answer(observed)
        return "wrong" if observed.outcome == ANSWER else "correct"
    if observed.outcome == CLARIFY:
        return "clarified_right" if button_right else "clarified"
    if observed.outcome != ANSWER:
        return "abstained"
    return "correct" if states_expected(turn, observed, units) else "wrong"


def _not_an_answer(observed: Observed) -> str:
    return "wrong" if observed.outcome == ANSWER else "abstained"


def strip_marks(case: Case) -> Case:
    """The same case typed without diacritics."""
    turns = tuple(
        Turn(t.type, t.doc, "stripped", without_marks(t.text), t.expect) for t in case.turns
    )
    return Case(case.id + "~", case.split, case.source, turns)


def without_marks(text: str) -> str:
    """``text`` as typed on a keyboard without Vietnamese marks: case and punctuation kept."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


def iter_turns(cases: Iterable[Case]) -> Iterator[tuple[Case, Turn]]:
    for case in cases:
        for turn in case.turns:
            yield case, turn
