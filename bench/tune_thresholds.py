"""Tuning of the acceptance rule's thresholds (knowledge/plans/decide.py) on the DEV split of
the question bank only, through the answering code (`make eval`'s actions mode). Prints each
setting's figures; the chosen one is written into decide.THRESHOLDS by hand. The test split is
never read here.

    .venv/app/bin/python -m bench.tune_thresholds
"""

from __future__ import annotations

import itertools

import yaml

from bench.eval_bank import UnitSpellings, load_bank, split_cases
from bench.run_eval import ActionsAssistant, run_cases, summarise, with_stripped
from knowledge.plans import decide
from knowledge.plans.units import UNITS_YAML

GRID = {
    "answer_coverage": (0.5, 0.6, 0.7),
    "clarify_coverage": (0.35,),
    "tie": (0.8, 0.9),
    "score_weight": (0.3, 0.5),
}


def main() -> None:
    cases = with_stripped(split_cases(load_bank(), "dev"))
    units = UnitSpellings(yaml.safe_load(UNITS_YAML.read_text(encoding="utf-8")))
    rows = []
    for values in itertools.product(*GRID.values()):
        setting = dict(zip(GRID, values, strict=True))
        decide.THRESHOLDS = decide.Thresholds(**setting)
        with ActionsAssistant() as assistant:
            summary = summarise(run_cases(assistant, cases, units))
        rows.append((summary, setting))
        print(
            f"{setting} correct={summary['answerable_correct']} "
            f"wrong={summary['confidently_wrong_of_answered']} "
            f"unanswerable={summary['unanswerable_no_unit_stated']}",
            flush=True,
        )
    safe = [r for r in rows if (r[0]["confidently_wrong_of_answered"] or 0) <= 0.01] or rows
    best = max(safe, key=lambda r: r[0]["answerable_correct"] or 0)
    print("best within 1% confidently wrong:", best[1], best[0]["answerable_correct"])


if __name__ == "__main__":
    main()
