"""Closed-loop load generator for Rasa's REST channel.

Each virtual user plays whole conversations (a fresh sender id per conversation), sending the
next message as soon as the previous reply arrives. Latency is measured per message.
"""

from __future__ import annotations

import asyncio
import itertools
import statistics
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

import aiohttp


@dataclass
class LoadResult:
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    elapsed_s: float = 0.0

    def summary(self) -> dict[str, float | int]:
        ordered = sorted(self.latencies_ms)
        return {
            "messages": len(ordered),
            "throughput_msg_s": round(len(ordered) / self.elapsed_s, 2) if self.elapsed_s else 0.0,
            "p50_ms": round(percentile(ordered, 50), 1),
            "p95_ms": round(percentile(ordered, 95), 1),
            "p99_ms": round(percentile(ordered, 99), 1),
            "mean_ms": round(statistics.fmean(ordered), 1) if ordered else 0.0,
            "errors": self.errors,
        }


def percentile(ordered: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile of an ascending sequence (0 for an empty one)."""
    if not ordered:
        return 0.0
    rank = max(1, min(len(ordered), round(pct / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


async def run_load(
    url: str,
    conversations: Sequence[Sequence[str]],
    users: int,
    duration_s: float,
    timeout_s: float = 30.0,
) -> LoadResult:
    """Drive ``users`` concurrent users for ``duration_s`` seconds against ``url``."""
    result = LoadResult()
    stop_at = time.monotonic() + duration_s
    timeout = aiohttp.ClientTimeout(total=timeout_s)
    connector = aiohttp.TCPConnector(limit=users * 2)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        started = time.monotonic()
        await asyncio.gather(
            *(_user(session, url, conversations, n, stop_at, result) for n in range(users))
        )
        result.elapsed_s = time.monotonic() - started
    return result


async def _user(
    session: aiohttp.ClientSession,
    url: str,
    conversations: Sequence[Sequence[str]],
    number: int,
    stop_at: float,
    result: LoadResult,
) -> None:
    # Users start at different conversations so the mix is the same at every concurrency.
    for conversation in itertools.islice(itertools.cycle(conversations), number, None):
        sender = f"bench-{number}-{uuid.uuid4().hex[:8]}"
        for text in conversation:
            if time.monotonic() >= stop_at:
                return
            sent = time.monotonic()
            try:
                async with session.post(url, json={"sender": sender, "message": text}) as reply:
                    body = await reply.json(content_type=None)
                    ok = reply.status == 200 and isinstance(body, list)
            except (TimeoutError, aiohttp.ClientError, ValueError):
                ok = False
            if ok:
                result.latencies_ms.append((time.monotonic() - sent) * 1000)
            else:
                result.errors += 1
