"""Reading one uploaded file: checks that cost nothing first (size, kind), then the parse in a
child process that is stopped when it outlives its time and cannot take more memory than its
limit, so that a hostile or broken file gives a Vietnamese message, never a hang or a
traceback."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from knowledge.plans.formats.base import (
    DEFAULT_LIMITS,
    MB,
    Limits,
    ReadDocument,
    UnreadableDocument,
)
from knowledge.plans.formats.sniff import detect_kind
from knowledge.shared.isolation import IsolatedFailure, IsolatedTimeout, run_isolated

WORKER = "knowledge.plans.formats.worker"

Reader = Callable[[bytes, str, Limits], ReadDocument]


def _readers() -> dict[str, Reader]:
    # Imported here: the command line and the bot import this module without needing them.
    from knowledge.plans.formats.ocr import read_image
    from knowledge.plans.formats.pdf import read_pdf
    from knowledge.plans.formats.plain import read_text
    from knowledge.plans.formats.web import read_html
    from knowledge.plans.formats.word import read_docx

    return {
        "txt": lambda data, name, _limits: read_text(data, name),
        "docx": read_docx,
        "pdf": read_pdf,
        "html": read_html,
        "image": read_image,
    }


def read_file(path: Path, *, limits: Limits = DEFAULT_LIMITS, isolate: bool = True) -> ReadDocument:
    """The normalised text of the file at ``path`` (see ``ReadDocument``)."""
    name = path.name
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise UnreadableDocument.of("file_missing", name=name) from None
    except OSError:
        raise UnreadableDocument.of("failed", name=name) from None
    if size > limits.max_bytes:
        raise UnreadableDocument.of(
            "file_too_big", name=name, size=_mb(size), limit=_mb(limits.max_bytes)
        )
    try:
        data = path.read_bytes()
    except OSError:
        raise UnreadableDocument.of("failed", name=name) from None
    return read_bytes(data, name, limits=limits, isolate=isolate)


def read_bytes(
    data: bytes, name: str, *, limits: Limits = DEFAULT_LIMITS, isolate: bool = True
) -> ReadDocument:
    """The normalised text of a file received as ``data`` under the file name ``name``."""
    if len(data) > limits.max_bytes:
        raise UnreadableDocument.of(
            "file_too_big", name=name, size=_mb(len(data)), limit=_mb(limits.max_bytes)
        )
    if not data.strip():
        raise UnreadableDocument.of("file_empty", name=name)
    kind = detect_kind(data, name)
    if kind == "docx":  # the zip directory is read without inflating anything
        from knowledge.plans.formats.word import check_zip

        check_zip(data, name, limits)
    document = _in_child(data, name, kind, limits) if isolate else parse(data, name, kind, limits)
    if not document.text.strip():
        raise UnreadableDocument.of("file_empty", name=name)
    return document


def parse(data: bytes, name: str, kind: str, limits: Limits) -> ReadDocument:
    """The parse itself, in this process; any failure a reader did not foresee is reported as
    a file that could not be read, not as a traceback."""
    try:
        return _readers()[kind](data, name, limits)
    except UnreadableDocument:
        raise
    except MemoryError:
        raise UnreadableDocument.of("failed", name=name) from None
    except RecursionError:
        raise UnreadableDocument.of("damaged", name=name, kind=kind.upper()) from None
    except Exception:
        raise UnreadableDocument.of("failed", name=name) from None


def _in_child(data: bytes, name: str, kind: str, limits: Limits) -> ReadDocument:
    """``parse`` in a fresh interpreter (``python -m knowledge.plans.formats.worker``): the file
    on its stdin, the result or the error as JSON on its stdout."""
    request = {"name": name, "kind": kind, "limits": asdict(limits)}
    try:
        answer = run_isolated(WORKER, request, data, limits.max_seconds)
    except IsolatedTimeout:
        raise UnreadableDocument.of(
            "timeout", name=name, seconds=f"{limits.max_seconds:g}".replace(".", ",")
        ) from None
    except IsolatedFailure:
        raise UnreadableDocument.of("failed", name=name) from None
    if "error" in answer:
        raise UnreadableDocument(answer["error"]["reason"], answer["error"]["message"])
    fields = answer["document"]
    fields["notes"] = tuple(fields["notes"])
    return ReadDocument(**fields)


def _mb(size: int) -> str:
    return f"{size / MB:.1f}".rstrip("0").rstrip(".")
