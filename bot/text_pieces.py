"""Cutting a long reply into pieces a chat platform accepts (Telegram, Zalo).

Lengths are counted in UTF-16 code units, as Telegram counts them; for any other platform that
counts characters this is never more than its count, so a piece that fits here fits there.
"""

from __future__ import annotations


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _prefix_fitting(text: str, limit: int) -> int:
    """Number of leading characters of text that fit in limit UTF-16 code units."""
    used = 0
    for index, char in enumerate(text):
        used += 2 if ord(char) > 0xFFFF else 1
        if used > limit:
            return index
    return len(text)


def split_text(text: str, limit: int) -> list[str]:
    """Text cut into pieces of at most ``limit`` UTF-16 code units, preferring paragraph, then
    line, then word breaks."""
    pieces: list[str] = []
    rest = text.strip()
    while _utf16_len(rest) > limit:
        head = rest[: max(1, _prefix_fitting(rest, limit))]
        cut = next(
            (at for sep in ("\n\n", "\n", " ") if (at := head.rfind(sep)) > 0),
            len(head),
        )
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces
