"""Intent quality on the held-out set (tests/nlu/heldout.yml), overall and without diacritics.

Trains an NLU-only model per configuration with the engine environment, runs `rasa test nlu`
on the held-out set, and computes macro-F1 over all utterances and over those typed without
any diacritics. The second configuration is the ablation of the Vietnamese tokenizer (plain
WhitespaceTokenizer), which tells whether the tokenizer earns its place.

    .venv/app/bin/python bench/nlu_eval.py            # both configurations
    .venv/app/bin/python bench/nlu_eval.py --only ours
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import time
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HELDOUT = ROOT / "tests" / "nlu" / "heldout.yml"
WORK = ROOT / "bench" / "tmp" / "nlu"
RESULTS = ROOT / "bench" / "nlu_results.json"
RASA = ROOT / ".venv" / "engine" / "bin" / "rasa"
TOKENIZER = "bot.nlu.vietnamese_tokenizer.VietnameseTokenizer"


def ablation_config(config_text: str) -> str:
    """The project's config with the Vietnamese tokenizer replaced by Rasa's whitespace one."""
    if TOKENIZER not in config_text:
        raise ValueError("config.yml no longer uses the Vietnamese tokenizer")
    return config_text.replace(TOKENIZER, "WhitespaceTokenizer")


def macro_f1(pairs: Iterable[tuple[str, str]]) -> float:
    """Macro-averaged F1 over the gold intents of (gold, predicted) pairs."""
    pairs = list(pairs)
    labels = sorted({gold for gold, _ in pairs})
    scores = []
    for label in labels:
        tp = sum(1 for g, p in pairs if g == label and p == label)
        fp = sum(1 for g, p in pairs if g != label and p == label)
        fn = sum(1 for g, p in pairs if g == label and p != label)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        scores.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    return sum(scores) / len(scores) if scores else 0.0


def has_diacritics(text: str) -> bool:
    return any(ord(ch) > 127 for ch in text)


def predictions(report_dir: Path) -> list[dict[str, str]]:
    rows = []
    for name in ("intent_successes.json", "intent_errors.json"):
        path = report_dir / name
        if path.exists():
            for item in json.loads(path.read_text(encoding="utf-8")):
                predicted = (item.get("intent_prediction") or {}).get("name") or ""
                rows.append({"text": item["text"], "gold": item["intent"], "pred": predicted})
    return rows


def summarize(rows: list[dict[str, str]]) -> dict[str, float | int]:
    plain = [r for r in rows if not has_diacritics(r["text"])]
    return {
        "utterances": len(rows),
        "without_diacritics": len(plain),
        "accuracy": round(sum(r["gold"] == r["pred"] for r in rows) / len(rows), 4),
        "macro_f1": round(macro_f1((r["gold"], r["pred"]) for r in rows), 4),
        "macro_f1_no_diacritics": round(macro_f1((r["gold"], r["pred"]) for r in plain), 4),
    }


def run(name: str, config: Path) -> dict[str, float | int]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "2"}
    out = WORK / name
    started = time.monotonic()
    subprocess.run(
        [
            str(RASA),
            "train",
            "nlu",
            "--config",
            str(config),
            "--nlu",
            "data",
            "--domain",
            "domain",
            "--out",
            str(out),
            "--fixed-model-name",
            "nlu",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    train_s = time.monotonic() - started
    subprocess.run(
        [
            str(RASA),
            "test",
            "nlu",
            "--nlu",
            str(HELDOUT),
            "--model",
            str(out / "nlu.tar.gz"),
            "--out",
            str(out / "report"),
            "--successes",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return {**summarize(predictions(out / "report")), "train_s": round(train_s, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", choices=["ours", "whitespace"])
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    ablation = WORK / "config-whitespace.yml"
    ablation.write_text(ablation_config((ROOT / "config.yml").read_text(encoding="utf-8")))
    configs = {"ours": ROOT / "config.yml", "whitespace": ablation}
    previous = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results = {**previous}
    for name, config in configs.items():
        if args.only in (None, name):
            results[name] = run(name, config)
            print(name, results[name], flush=True)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
