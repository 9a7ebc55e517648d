"""The store's tables (SQLAlchemy Core). The migrations in ``migrations/versions`` build
exactly these; ``tests/store/test_migrations.py`` compares them.

Nothing is overwritten: a new version of a report is a new ``submissions`` row, an
explanation or a review decision is a new row, and every change is one ``audit`` row
written in the same transaction. Only the organisation (``units``: a renamed
commune) and ``accounts`` (a new password) change in place, and the audit log
keeps what they were.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

# Alembic's revision of the newest schema: Store.open upgrades to it (migrations/).
HEAD = "0002"

metadata = MetaData()

units = Table(
    "units",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("code", String(64), nullable=False, unique=True),
    Column("name", String(300), nullable=False),
    Column("level", String(64), nullable=False),  # a level id of the specs (tinh, huyen, xa)
    Column("parent_id", Integer, ForeignKey("units.id"), nullable=True),
    Column("active", Boolean, nullable=False, default=True),  # a merged or dissolved unit stays, inactive
)

# The file's bytes, once per content: two units sending the same file share a row.
blobs = Table(
    "blobs",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("size", Integer, nullable=False),
    Column("data", LargeBinary, nullable=False),
)

submissions = Table(
    "submissions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("unit_id", Integer, ForeignKey("units.id"), nullable=False),
    Column("period", String(16), nullable=False),  # canonical: 2023, 2023-H1, 2023-Q3
    Column("version", Integer, nullable=False),  # 1, 2, … per (unit, period); the highest is current
    Column("spec", String(128), nullable=False),
    Column("level", String(64), nullable=False),
    Column("filename", String(500), nullable=False),  # as the sender named it: text, never a path
    Column("sha256", String(64), ForeignKey("blobs.sha256"), nullable=False),
    Column("submitted_by", String(200), nullable=False),
    Column("submitted_at", DateTime(timezone=True), nullable=False),
    Column("valid", Boolean, nullable=False),
    Column("errors", Integer, nullable=False),
    Column("warnings", Integer, nullable=False),
    Column("infos", Integer, nullable=False),
    Column("result_json", Text, nullable=False),  # the full Result, as `cchc compute -f json` writes it
    Column("values_json", Text, nullable=False),  # {indicator: value}: what compiling reads, no file again
    Column("weights_json", Text, nullable=True),  # a compiled report's units behind each value
    Column("compiled", Boolean, nullable=False, default=False),
    # errors and warnings with their key and whether the spec lets a unit explain them
    Column("findings_json", Text, nullable=False),
    UniqueConstraint("unit_id", "period", "version", name="uq_submission_version"),
)
Index("ix_submissions_period", submissions.c.period)

audit = Table(
    "audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(64), nullable=False),  # submit, explain, review, units-import, account-…
    Column("object_type", String(64), nullable=False),
    Column("object_id", String(200), nullable=False),
    Column("detail", Text, nullable=True),  # JSON
)
Index("ix_audit_object", audit.c.object_type, audit.c.object_id)

# --- 0002: the review cycle and the accounts ----------------------------------------

explanations = Table(
    "explanations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("submission_id", Integer, ForeignKey("submissions.id"), nullable=False),
    Column("unit_id", Integer, ForeignKey("units.id"), nullable=False),
    Column("period", String(16), nullable=False),
    # code[:rule]@indicator-or-cell: the same finding in a later version keeps its explanation
    Column("finding_key", String(300), nullable=False),
    Column("text", Text, nullable=False),
    Column("by", String(200), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)
Index("ix_explanations_unit_period", explanations.c.unit_id, explanations.c.period)

reviews = Table(
    "reviews",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("submission_id", Integer, ForeignKey("submissions.id"), nullable=False),
    Column("decision", String(16), nullable=False),  # approve | return
    Column("reason", Text, nullable=False, default=""),
    Column("by", String(200), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)
Index("ix_reviews_submission", reviews.c.submission_id)

accounts = Table(
    "accounts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(200), nullable=False, unique=True),
    Column("role", String(16), nullable=False),  # unit | reviewer | admin
    Column("unit_id", Integer, ForeignKey("units.id"), nullable=True),  # a reviewer: the root of their subtree
    Column("password_hash", String(500), nullable=True),
    Column("token_hash", String(200), nullable=True, unique=True),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
