"""The launcher runs the retention command at start and then once a day, one run at a time."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from bot.launcher import RETENTION_EVERY_S, PeriodicCommand, resolve_settings, retention_job


def test_retention_job_runs_at_start_then_once_per_period(tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    script = f"open({str(runs)!r}, 'a').write('x')"
    job = PeriodicCommand([sys.executable, "-c", script], {}, every_s=100)

    def count_after(now: float) -> int:
        job.tick(now)
        deadline = time.monotonic() + 10
        while job._process is not None and job._process.poll() is None:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        return len(runs.read_text()) if runs.exists() else 0

    assert count_after(0) == 1
    assert count_after(50) == 1
    assert count_after(100) == 2
    job.stop()


def test_retention_job_never_runs_twice_at_once(tmp_path: Path) -> None:
    job = PeriodicCommand([sys.executable, "-c", "import time; time.sleep(30)"], {}, every_s=1)
    job.tick(0)
    first = job._process
    job.tick(5)  # due, but the first run is still going
    assert job._process is first
    job.stop()
    assert first is not None and first.poll() is not None


def test_retention_job_is_the_daily_knowledge_command() -> None:
    job = retention_job(resolve_settings({}, None))
    assert job.argv[1:] == ["-m", "knowledge", "retention", "run"]
    assert job.every_s == RETENTION_EVERY_S == 24 * 3600
