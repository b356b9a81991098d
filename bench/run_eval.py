"""`make eval`: the question bank (tests/eval/) through the assistant, graded.

Modes:
- ``rest`` (default, what `make eval` reports): starts the stack as `make run` does, on free
  ports and a scratch VAR_DIR, and sends every turn through Rasa's REST channel, so the NLU's
  routing counts as much as retrieval. What each action did (answered, asked back, abstained)
  is read from the ``answer_outcome`` slot events of the turn, through Rasa's HTTP API.
- ``actions``: the plan and FAQ answering code alone, with the bank's answer type standing in for
  the NLU's intent; seconds instead of minutes, for development.

Every question without diacritics in the bank is asked as written; in addition, every question
written with diacritics is asked again stripped of them (``stripped``), so the two forms of the
same questions can be compared. Results go to bench/eval_results.json and the table in
bench/README.md (between the eval markers).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import socket
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import yaml

from bench.eval_bank import (
    ANSWER,
    CLARIFY,
    Case,
    Observed,
    Tally,
    UnitSpellings,
    grade,
    load_bank,
    split_cases,
    states_expected,
    strip_marks,
)
from knowledge.plans.units import UNITS_YAML

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "eval_results.json"
README = ROOT / "bench" / "README.md"
TABLE_START, TABLE_END = "<!-- eval:start -->", "<!-- eval:end -->"

Ask = Callable[[str, str], Observed]  # (sender, text) -> what the assistant did


@dataclass
class TurnResult:
    case: str
    split: str
    source: str
    type: str
    doc: str | None
    form: str
    text: str
    grade: str
    outcome: str
    reply: str
    ms: float  # time to answer the turn


# --- asking --------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RestAssistant:
    """The real stack, started as `make run` starts it."""

    def __init__(self, var_dir: Path) -> None:
        from bot.launcher import Stack, build_services, prepare_database, resolve_settings

        self.token = secrets.token_hex(16)
        overrides = {
            "VAR_DIR": str(var_dir),
            "RASA_PORT": str(_free_port()),
            "ACTIONS_PORT": str(_free_port()),
            "WEB_PORT": str(_free_port()),
            "RASA_API_TOKEN": self.token,
            "MESSAGE_RATE_LIMIT": "100000/1",
            "DOSSIER_LOOKUP_LIMIT": "100000/1",
        }
        environ = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
        self.settings = resolve_settings({**environ, **overrides})
        prepare_database(self.settings)
        self.stack = Stack(self.settings, build_services(self.settings, with_web=False), quiet=True)

    def __enter__(self) -> RestAssistant:
        self.stack.start()
        self.stack.wait_ready(300)
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stack.stop()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.settings['RASA_PORT']}"

    def ask(self, sender: str, text: str) -> Observed:
        replies = self._post(
            "/webhooks/rest/webhook", {"sender": sender, "message": text}, timeout=60
        )
        events = self._get(f"/conversations/{urllib.parse.quote(sender)}/tracker")["events"]
        outcome, reference = _turn_outcome(events)
        text_out = "\n".join(str(r.get("text") or "") for r in replies)
        buttons = tuple(
            (str(b.get("title")), str(b.get("payload")))
            for r in replies
            for b in r.get("buttons") or ()
        )
        return Observed(outcome, text_out, buttons, reference)

    def _post(self, path: str, body: dict[str, Any], timeout: float) -> Any:
        request = urllib.request.Request(
            self.url + path,
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read())

    def _get(self, path: str) -> Any:
        query = urllib.parse.urlencode({"token": self.token, "include_events": "ALL"})
        with urllib.request.urlopen(f"{self.url}{path}?{query}", timeout=30) as response:
            return json.loads(response.read())


def _turn_outcome(events: Sequence[dict[str, Any]]) -> tuple[str, str]:
    """The ``answer_outcome`` and ``answer_reference`` set since the last user message."""
    outcome = reference = ""
    for event in reversed(events):
        if event.get("event") == "user":
            break
        if event.get("event") == "slot" and event.get("name") == "answer_outcome":
            outcome = outcome or str(event.get("value") or "")
        if event.get("event") == "slot" and event.get("name") == "answer_reference":
            reference = reference or str(event.get("value") or "")
    return outcome, reference


class ActionsAssistant:
    """The answering code alone; the bank's answer type stands in for the intent."""

    def __init__(self) -> None:
        from bench.eval_actions import ActionsConversations

        self._conversations = ActionsConversations()
        self.current_type = ""

    def __enter__(self) -> ActionsAssistant:
        return self

    def __exit__(self, *_exc: object) -> None:
        return None

    def ask(self, sender: str, text: str) -> Observed:
        return self._conversations.ask(sender, text, self.current_type)


# --- running -------------------------------------------------------------------------------------


def run_cases(assistant: Any, cases: Iterable[Case], units: UnitSpellings) -> list[TurnResult]:
    results: list[TurnResult] = []
    for number, case in enumerate(cases):
        sender = f"eval-{number}-{secrets.token_hex(4)}"
        for position, turn in enumerate(case.turns):
            assistant.current_type = turn.type
            started = time.perf_counter()
            observed = assistant.ask(sender, turn.text)
            elapsed = (time.perf_counter() - started) * 1000
            right = False
            if observed.outcome == CLARIFY and turn.answerable:
                right = _a_button_answers(assistant, case, position, observed, units)
            results.append(
                TurnResult(
                    case.id,
                    case.split,
                    case.source,
                    turn.type,
                    turn.doc,
                    turn.form,
                    turn.text,
                    grade(turn, observed, units, button_right=right),
                    observed.outcome,
                    observed.text[:600],
                    round(elapsed, 2),
                )
            )
    return results


def _a_button_answers(
    assistant: Any, case: Case, position: int, observed: Observed, units: UnitSpellings
) -> bool:
    """Whether pressing one of the clarifying buttons (in a replay of the conversation up to
    this turn) gives a correct answer."""
    turn = case.turns[position]
    for _title, payload in observed.buttons:
        sender = f"eval-replay-{secrets.token_hex(6)}"
        for earlier in case.turns[: position + 1]:
            assistant.current_type = earlier.type
            assistant.ask(sender, earlier.text)
        assistant.current_type = turn.type
        pressed = assistant.ask(sender, payload)
        if pressed.outcome == ANSWER and states_expected(turn, pressed, units):
            return True
    return False


def with_stripped(cases: Sequence[Case]) -> list[Case]:
    """The cases, and again without diacritics those written with them."""
    stripped = [strip_marks(c) for c in cases if all(t.form != "no_diacritics" for t in c.turns)]
    return [*cases, *stripped]


# --- reporting -----------------------------------------------------------------------------------


def summarise(results: Sequence[TurnResult]) -> dict[str, Any]:
    answerable = [r for r in results if r.type not in ("unanswerable", "out_of_scope", "ambiguous")]
    unanswerable = [r for r in results if r.type in ("unanswerable", "out_of_scope")]
    answered = [r for r in results if r.outcome == ANSWER]
    wrong = [r for r in answered if r.grade == "wrong"]
    plain = [r for r in answerable if r.form != "stripped" and r.form != "no_diacritics"]
    stripped = [r for r in answerable if r.form == "stripped"]
    return {
        "turns": len(results),
        "answerable": len(answerable),
        "unanswerable": len(unanswerable),
        "answerable_correct": _score(answerable),
        "confidently_wrong_of_answered": _share(len(wrong), len(answered)),
        "unanswerable_no_unit_stated": _share(
            sum(r.grade == "correct" for r in unanswerable), len(unanswerable)
        ),
        "with_diacritics_correct": _score(plain),
        "same_questions_stripped_correct": _score(stripped),
        "no_diacritics_as_written_correct": _score(
            [r for r in answerable if r.form == "no_diacritics"]
        ),
        "latency_ms_p50": _percentile([r.ms for r in results], 0.50),
        "latency_ms_p95": _percentile([r.ms for r in results], 0.95),
        "grades": _tally(results),
        "by_type": {k: _group(v) for k, v in _by(results, lambda r: r.type).items()},
        "by_document": {k: _group(v) for k, v in _by(results, lambda r: r.doc or "-").items()},
        "by_form": {k: _group(v) for k, v in _by(results, lambda r: r.form).items()},
    }


def _score(results: Sequence[TurnResult]) -> float | None:
    if not results:
        return None
    points = sum(
        1.0 if r.grade == "correct" else 0.5 if r.grade == "clarified_right" else 0.0
        for r in results
    )
    return round(points / len(results), 4)


def _percentile(values: Sequence[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _tally(results: Iterable[TurnResult]) -> dict[str, int]:
    tally = Tally()
    for r in results:
        tally.add(r.grade)
    return tally.counts


def _group(results: Sequence[TurnResult]) -> dict[str, Any]:
    return {"n": len(results), "score": _score(results), **_tally(results)}


def _by(
    results: Iterable[TurnResult], key: Callable[[TurnResult], str]
) -> dict[str, list[TurnResult]]:
    groups: dict[str, list[TurnResult]] = {}
    for r in results:
        groups.setdefault(key(r), []).append(r)
    return dict(sorted(groups.items()))


def markdown(summaries: dict[str, dict[str, Any]], mode: str) -> str:
    def pct(value: float | None) -> str:
        return "–" if value is None else f"{100 * value:.1f}%"

    lines = [
        f"Mode `{mode}`. Answerable: correct (a clarifying question whose buttons hold the right "
        "answer counts half). Confidently wrong: of the turns answered as fact. Unanswerable: "
        "share with no unit stated as fact. Stripped: the same questions typed without diacritics.",
        "",
        "| split | turns | answerable correct | confidently wrong | unanswerable ok "
        "| with diacritics | same, stripped | correct | clarified (right) | clarified "
        "| abstained | wrong |",
        "|---" * 12 + "|",
    ]
    for split, s in summaries.items():
        g = s["grades"]
        lines.append(
            f"| {split} | {s['turns']} | {pct(s['answerable_correct'])} | "
            f"{pct(s['confidently_wrong_of_answered'])} | "
            f"{pct(s['unanswerable_no_unit_stated'])} | "
            f"{pct(s['with_diacritics_correct'])} | "
            f"{pct(s['same_questions_stripped_correct'])} | "
            f"{g['correct']} | {g['clarified_right']} | {g['clarified']} | "
            f"{g['abstained']} | {g['wrong']} |"
        )
    lines.append("")
    lines.append(
        "Time to answer a turn (ms, "
        + ("REST round trip incl. NLU" if mode == "rest" else "answering code alone")
        + "): "
        + "; ".join(
            f"{split} p50 {s['latency_ms_p50']}, p95 {s['latency_ms_p95']}"
            for split, s in summaries.items()
        )
    )
    test = summaries.get("test")
    if test:
        lines += [
            "",
            "Test split by answer type and by document:",
            "",
            "| group | n | score | correct | clarified (right) | clarified | abstained | wrong |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for family in ("by_type", "by_document", "by_form"):
            for name, g in test[family].items():
                lines.append(
                    f"| {name} | {g['n']} | {pct(g['score'])} | {g['correct']} | "
                    f"{g['clarified_right']} | {g['clarified']} | {g['abstained']} | {g['wrong']} |"
                )
    return "\n".join(lines)


def write_readme_table(table: str) -> None:
    text = README.read_text(encoding="utf-8")
    block = f"{TABLE_START}\n{table}\n{TABLE_END}"
    if TABLE_START in text:
        before, rest = text.split(TABLE_START, 1)
        text = before + block + rest.split(TABLE_END, 1)[1]
    else:
        text = text.rstrip() + "\n\n## Answer quality (`make eval`)\n\n" + block + "\n"
    README.write_text(text, encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=("rest", "actions"), default="rest")
    parser.add_argument("--split", choices=("dev", "test", "all"), default="all")
    parser.add_argument("--no-stripped", action="store_true", help="skip the stripped copies")
    parser.add_argument("--failures", type=int, default=0, help="print this many failures")
    parser.add_argument("--no-write", action="store_true", help="print only, write nothing")
    args = parser.parse_args(argv)
    cases = split_cases(load_bank(), None if args.split == "all" else args.split)
    if not args.no_stripped:
        cases = with_stripped(cases)
    units = UnitSpellings(yaml.safe_load(UNITS_YAML.read_text(encoding="utf-8")))
    if args.mode == "rest":
        import tempfile

        with (
            tempfile.TemporaryDirectory(prefix="eval-") as var_dir,
            RestAssistant(Path(var_dir)) as assistant,
        ):
            results = run_cases(assistant, cases, units)
    else:
        with ActionsAssistant() as assistant:
            results = run_cases(assistant, cases, units)
    splits = sorted({r.split for r in results})
    summaries = {s: summarise([r for r in results if r.split == s]) for s in splits}
    table = markdown(summaries, args.mode)
    print(table)
    bad = [r for r in results if r.grade in ("wrong", "abstained", "clarified")]
    for r in bad[: args.failures]:
        print(
            f"\n[{r.grade}] {r.case} {r.type} {r.doc} ({r.form}): {r.text}\n"
            f"  -> {r.outcome}: {r.reply[:300]}"
        )
    if not args.no_write:
        RESULTS.write_text(
            json.dumps(
                {"mode": args.mode, "summaries": summaries, "turns": [asdict(r) for r in results]},
                ensure_ascii=False,
                indent=1,
            ),
            encoding="utf-8",
        )
        if args.mode == "rest":
            write_readme_table(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
