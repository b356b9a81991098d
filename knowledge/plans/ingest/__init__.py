"""Readers turning plan documents into records (see ``records``).

``generic`` reads any plan by its structure; ``PARSERS`` maps a manifest's ``parser`` name to
a reader, "generic" when a manifest names none. A per-document parser stays only where the
generic reader measurably cannot read the document (see ``hanoi_appendix``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from knowledge.plans.ingest import generic, hanoi_appendix
from knowledge.plans.ingest.records import ParsedDocument

Parser = Callable[[str], ParsedDocument]

PARSERS: Mapping[str, Parser] = {
    "generic": generic.parse,
    "hanoi_appendix": hanoi_appendix.parse,
}
