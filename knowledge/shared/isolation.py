"""Work on an untrusted file in a fresh interpreter: stopped when it outlives its time, unable
to take more address space than its limit, its answer one JSON object on stdout.

The parent calls :func:`run_isolated` with a module to run (``python -m MODULE``), a JSON
request and the file; the module calls :func:`read_request`, then :func:`limit_memory`, and
writes its answer with :func:`write_answer`. Standard library only.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

_ROOT = Path(__file__).resolve().parents[2]


class IsolatedTimeout(Exception):
    """The child outlived its time and was stopped."""


class IsolatedFailure(Exception):
    """The child gave no answer: killed for its memory, crashed in C code, or could not start."""


def run_isolated(
    module: str, request: dict[str, Any], data: bytes, timeout_s: float
) -> dict[str, Any]:
    """The JSON object ``python -m module`` writes after reading ``request`` and ``data``."""
    encoded = json.dumps(request).encode()
    env = {**os.environ, "PYTHONPATH": _pythonpath()}
    try:
        done = subprocess.run(
            [sys.executable, "-m", module],
            input=len(encoded).to_bytes(4, "big") + encoded + data,
            capture_output=True,
            timeout=timeout_s,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise IsolatedTimeout(module) from None
    try:
        answer = json.loads(done.stdout.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise IsolatedFailure(module) from None
    if not isinstance(answer, dict):
        raise IsolatedFailure(module)
    return answer


def read_request() -> tuple[dict[str, Any], bytes]:
    """In the child: the request and the file from stdin."""
    raw = sys.stdin.buffer.read()
    length = int.from_bytes(raw[:4], "big")
    return json.loads(raw[4 : 4 + length]), raw[4 + length :]


def limit_memory(size: int) -> None:
    """In the child: no more than ``size`` bytes of address space from now on."""
    with contextlib.suppress(ValueError, OSError):  # a lower hard limit already holds
        resource.setrlimit(resource.RLIMIT_AS, (size, size))


def write_answer(answer: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(answer, ensure_ascii=False))


def _pythonpath() -> str:
    """This checkout first, so the child imports the same code as its parent."""
    current = os.environ.get("PYTHONPATH", "")
    return str(_ROOT) + (os.pathsep + current if current else "")
