"""The child process of ``receipts.read_receipt`` (see knowledge.shared.isolation)."""

from __future__ import annotations

from knowledge.dossiers.receipts import read_in_process
from knowledge.shared.isolation import limit_memory, read_request, write_answer
from knowledge.shared.uploads import UploadLimits, UploadRejected


def main() -> int:
    request, data = read_request()
    limit_memory(int(request["memory"]))
    try:
        reading = read_in_process(data, UploadLimits(**request["upload"]))
    except UploadRejected as rejected:
        write_answer({"rejected": {"reason": rejected.reason, "message": str(rejected)}})
        return 0
    write_answer({"code": reading.code, "source": reading.source})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
