"""Knowledge-base tables: plan documents, their tasks, targets, reporting deadlines and the
canonical units that lead or support them.

Primary keys are strings derived from the source (document slug, kind of fact, source line,
ordinal) so that a rebuild yields the same ids and adding a document leaves others untouched.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from knowledge.shared.models import Base

ROLES = ("lead", "support")


class Document(Base):
    """One plan document as described by its manifest."""

    __tablename__ = "documents"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)  # the manifest slug
    title: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(10))  # "KH", "QĐ"
    number: Mapped[str | None] = mapped_column(String(40))
    issued: Mapped[date | None] = mapped_column(Date)
    year: Mapped[int] = mapped_column(Integer)
    issuer: Mapped[str] = mapped_column(String(200))
    locality: Mapped[str] = mapped_column(String(100), index=True)
    level: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    signer: Mapped[str | None] = mapped_column(String(120))
    signer_capacity: Mapped[str | None] = mapped_column(String(60))

    tasks: Mapped[list[Task]] = relationship(back_populates="document", cascade="all")


class Unit(Base):
    """A canonical unit of one locality ("Phòng Nội vụ thành phố" of Hưng Yên city)."""

    __tablename__ = "units"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    locality: Mapped[str] = mapped_column(String(100), index=True)
    name: Mapped[str] = mapped_column(String(300))
    level: Mapped[str] = mapped_column(String(20))  # central / province / district / commune
    collective: Mapped[bool] = mapped_column(default=False)  # "UBND các phường, xã"
    # False for a name met in a document but missing from units.yaml: kept, never guessed.
    listed: Mapped[bool] = mapped_column(default=True)

    aliases: Mapped[list[UnitAlias]] = relationship(back_populates="unit", cascade="all")


class UnitAlias(Base):
    """One spelling of a unit; ``key`` is its folded form, unique within a locality."""

    __tablename__ = "unit_aliases"

    locality: Mapped[str] = mapped_column(String(100), primary_key=True)
    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"), index=True)
    alias: Mapped[str] = mapped_column(String(300))

    unit: Mapped[Unit] = relationship(back_populates="aliases")


class Task(Base):
    """A task of a plan: what, by whom (see ``TaskUnit``), by when, citing its source."""

    __tablename__ = "tasks"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), index=True)
    ref: Mapped[str] = mapped_column(String(40), default="")
    group_title: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text)
    product: Mapped[str] = mapped_column(Text, default="")
    lead_text: Mapped[str] = mapped_column(Text, default="")  # unit names as written
    support_text: Mapped[str] = mapped_column(Text, default="")
    due_text: Mapped[str] = mapped_column(Text, default="")
    due_kind: Mapped[str] = mapped_column(String(20), default="")
    due_start: Mapped[date | None] = mapped_column(Date)
    due_end: Mapped[date | None] = mapped_column(Date)
    section: Mapped[str] = mapped_column(String(200))
    line: Mapped[int] = mapped_column(Integer)

    document: Mapped[Document] = relationship(back_populates="tasks")
    unit_links: Mapped[list[TaskUnit]] = relationship(
        back_populates="task", cascade="all", order_by="TaskUnit.position"
    )


class TaskUnit(Base):
    """A unit's role in a task: ``lead`` (chủ trì) or ``support`` (phối hợp)."""

    __tablename__ = "task_units"
    __table_args__ = (CheckConstraint("role IN ('lead', 'support')", name="task_unit_role"),)

    task_id: Mapped[str] = mapped_column(ForeignKey("tasks.id"), primary_key=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"), primary_key=True, index=True)
    role: Mapped[str] = mapped_column(String(10), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)  # order as written

    task: Mapped[Task] = relationship(back_populates="unit_links")
    unit: Mapped[Unit] = relationship()


class Target(Base):
    """A measurable goal of a plan, kept as written."""

    __tablename__ = "targets"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    topic: Mapped[str] = mapped_column(Text, default="")
    section: Mapped[str] = mapped_column(String(200))
    line: Mapped[int] = mapped_column(Integer)


class ReportingDeadline(Base):
    """A reporting obligation: a dated deadline or a recurring rule (day of given months)."""

    __tablename__ = "reporting_deadlines"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), index=True)
    title: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    recipient: Mapped[str] = mapped_column(Text, default="")
    due_date: Mapped[date | None] = mapped_column(Date)
    rule_day: Mapped[int | None] = mapped_column(Integer)
    rule_months: Mapped[str] = mapped_column(String(40), default="")  # "3,6,9,12"
    rule_description: Mapped[str] = mapped_column(Text, default="")
    section: Mapped[str] = mapped_column(String(200))
    line: Mapped[int] = mapped_column(Integer)


class Responsibility(Base):
    """A duty the "Tổ chức thực hiện" part gives one unit."""

    __tablename__ = "responsibilities"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), index=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"), index=True)
    unit_text: Mapped[str] = mapped_column(Text)  # the unit as written
    role: Mapped[str] = mapped_column(String(20))  # lead / support / carry_out
    text: Mapped[str] = mapped_column(Text)
    section: Mapped[str] = mapped_column(String(200))
    line: Mapped[int] = mapped_column(Integer)

    unit: Mapped[Unit] = relationship()


class BuildStamp(Base):
    """One row: a fingerprint of what the last build wrote. Every process's catalog compares
    it with the one it loaded, so a plan published from another process is seen without a
    restart (``knowledge.plans.search.catalog``)."""

    __tablename__ = "knowledge_build"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # always 1
    stamp: Mapped[str] = mapped_column(String(64))
