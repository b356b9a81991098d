"""Inbox benchmark: what the durable inbox adds to each incoming update, on SQLite.

Run: ``.venv/app/bin/python -m bench.inbox_bench`` (writes bench/inbox_results.json).

Each update goes through what the Telegram channel does for a message answered with two
replies: accept (commit before acknowledging), claim, remember Rasa's answer, two replies
recorded, complete. ``USERS`` threads do it at once on one fresh SQLite file, as concurrent
chats do through ``asyncio.to_thread``. Compare the time per update with a Rasa turn (bench/
results.json): the inbox's share of a turn is its cost in throughput.
"""

from __future__ import annotations

import json
import platform
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from knowledge.inbox import Inbox
from knowledge.shared.db import make_engine

RESULTS = Path(__file__).resolve().parent / "inbox_results.json"
UPDATES_PER_USER = 100
USERS = 10
REPLIES = 2
CHANNEL = "bench"


def one_update(inbox: Inbox, update_id: str) -> float:
    """Seconds the inbox takes for one update, from receipt to done."""
    start = time.perf_counter()
    inbox.accept(CHANNEL, update_id, "chat", {"message": {"text": "hồ sơ của tôi đến đâu rồi"}})
    claim = inbox.claim(CHANNEL, update_id)
    assert claim is not None
    inbox.remember(claim, {"rasa": [{"text": "Dạ, hồ sơ đang được xử lý.", "buttons": []}]})
    for ordinal in range(REPLIES):
        inbox.record_sent(claim, ordinal)
    inbox.complete(claim)
    return time.perf_counter() - start


def user(inbox: Inbox, number: int) -> list[float]:
    return [one_update(inbox, f"{number}-{i}") for i in range(UPDATES_PER_USER)]


def main() -> None:
    with tempfile.TemporaryDirectory() as directory:
        inbox = Inbox(make_engine(f"sqlite:///{Path(directory) / 'inbox.db'}"))
        inbox.recover(CHANNEL)  # migrates the fresh file outside the timing
        started = time.perf_counter()
        with ThreadPoolExecutor(USERS) as pool:
            timings = [t for times in pool.map(user, [inbox] * USERS, range(USERS)) for t in times]
        elapsed = time.perf_counter() - started
    ordered = sorted(timings)
    results = {
        "database": "sqlite (WAL, synchronous=NORMAL)",
        "users": USERS,
        "updates": len(timings),
        "updates_per_second": round(len(timings) / elapsed, 1),
        "ms_per_update_p50": round(statistics.median(ordered) * 1000, 2),
        "ms_per_update_p95": round(ordered[int(len(ordered) * 0.95) - 1] * 1000, 2),
        "machine": f"{platform.machine()}, {platform.python_implementation()} "
        f"{platform.python_version()}",
    }
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
