"""Readers turning plan documents into records (see ``records``).

``generic`` reads any plan by its structure; ``PARSERS`` maps a manifest's ``parser`` name to
a reader, "generic" when a manifest names none. No document needs a reader of its own: a
per-document parser would be added here only where the generic reader measurably cannot read
a document, the numbers written beside it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from knowledge.plans.ingest import generic
from knowledge.plans.ingest.records import ParsedDocument

Parser = Callable[[str], ParsedDocument]

PARSERS: Mapping[str, Parser] = {
    "generic": generic.parse,
}
