"""The child process of ``reader._in_child``: reads a 4-byte length, a JSON request and the file
from stdin, limits its own address space, parses, and writes one JSON object to stdout."""

from __future__ import annotations

import contextlib
import json
import resource
import sys
from dataclasses import asdict

from knowledge.plans.formats.base import Limits, UnreadableDocument
from knowledge.plans.formats.reader import parse


def main() -> int:
    raw = sys.stdin.buffer.read()
    length = int.from_bytes(raw[:4], "big")
    request = json.loads(raw[4 : 4 + length])
    data = raw[4 + length :]
    limits = Limits(**request["limits"])
    _limit_memory(limits.max_memory_bytes)
    try:
        document = parse(data, request["name"], request["kind"], limits)
        answer: dict[str, object] = {"document": asdict(document)}
    except UnreadableDocument as error:
        answer = {"error": {"reason": error.reason, "message": str(error)}}
    sys.stdout.write(json.dumps(answer, ensure_ascii=False))
    return 0


def _limit_memory(size: int) -> None:
    with contextlib.suppress(ValueError, OSError):  # a lower hard limit already holds
        resource.setrlimit(resource.RLIMIT_AS, (size, size))


if __name__ == "__main__":
    raise SystemExit(main())
