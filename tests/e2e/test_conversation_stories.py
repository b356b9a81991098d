"""Rasa's own conversation tests (tests/stories/) against the trained model: every flow."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from bot.launcher import ROOT

RASA = ROOT / ".venv" / "engine" / "bin" / "rasa"


def test_every_test_story_is_predicted_action_by_action(tmp_path: Path) -> None:
    out = tmp_path / "core"
    subprocess.run(
        [
            str(RASA),
            "test",
            "core",
            "--stories",
            "tests/stories/",
            "--model",
            "models/assistant.tar.gz",
            "--out",
            str(out),
            "--no-plot",
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "2"},
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=600,
    )
    failed = (out / "failed_test_stories.yml").read_text(encoding="utf-8")
    assert "story:" not in failed, failed
    report = json.loads((out / "story_report.json").read_text(encoding="utf-8"))
    assert report["conversation_accuracy"]["accuracy"] == 1.0
