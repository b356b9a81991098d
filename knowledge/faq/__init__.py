"""Curated answers to citizens' practical questions, retrieved by meaning (see retrieval.py)."""

from knowledge.faq.retrieval import (
    TOPIC_BY_INTENT,
    TOPICS,
    FaqEntry,
    FaqIndex,
    FaqMatch,
    RelatedFact,
    contact_details,
    render,
)

__all__ = [
    "TOPICS",
    "TOPIC_BY_INTENT",
    "FaqEntry",
    "FaqIndex",
    "FaqMatch",
    "RelatedFact",
    "contact_details",
    "render",
]
