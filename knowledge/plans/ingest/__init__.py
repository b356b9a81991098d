"""Parsers turning each shape of plan document into records (see ``records``).

``PARSERS`` maps a manifest's ``parser`` name to the parse function of that module.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from knowledge.plans.ingest import (
    city_plan,
    commune_narrative,
    hanoi_appendix,
    news_item,
    papi_table,
)
from knowledge.plans.ingest.records import ParsedDocument

Parser = Callable[[str], ParsedDocument]

PARSERS: Mapping[str, Parser] = {
    "city_plan": city_plan.parse,
    "commune_narrative": commune_narrative.parse,
    "hanoi_appendix": hanoi_appendix.parse,
    "news_item": news_item.parse,
    "papi_table": papi_table.parse,
}
