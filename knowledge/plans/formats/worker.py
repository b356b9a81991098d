"""The child process of ``reader._in_child`` (see knowledge.shared.isolation): parses the file
within its memory limit and writes the document or the error as JSON."""

from __future__ import annotations

from dataclasses import asdict

from knowledge.plans.formats.base import Limits, UnreadableDocument
from knowledge.plans.formats.reader import parse
from knowledge.shared.isolation import limit_memory, read_request, write_answer


def main() -> int:
    request, data = read_request()
    limits = Limits(**request["limits"])
    limit_memory(limits.max_memory_bytes)
    try:
        document = parse(data, request["name"], request["kind"], limits)
        answer: dict[str, object] = {"document": asdict(document)}
    except UnreadableDocument as error:
        answer = {"error": {"reason": error.reason, "message": str(error)}}
    write_answer(answer)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
