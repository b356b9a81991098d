"""Every model, imported so that ``Base.metadata`` holds the whole schema the migrations keep."""

from __future__ import annotations

from typing import Any

from sqlalchemy import MetaData


def metadata() -> MetaData:
    """``Base.metadata`` with every capability's tables on it."""
    import knowledge.dossiers.models
    import knowledge.feedback.models
    import knowledge.inbox.models
    import knowledge.notify.models
    import knowledge.officials.models
    import knowledge.plans.models
    import knowledge.reminders.service  # its tables live beside the service
    import knowledge.zalo.tokens  # noqa: F401  (each import binds only "knowledge")
    from knowledge.shared.models import Base

    return Base.metadata


def include_object(
    item: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Leave alone what the database holds beside our tables (Rasa's tracker store may share
    it): only tables on the models, and what belongs to them, are compared."""
    return not (type_ == "table" and reflected and compare_to is None)
