"""The store's tables as typed SQLAlchemy 2.0 models.

Offsets (``start``, ``end``) are Unicode code points into a document
version's ``text``; ranges are half-open ``[start, end)``.

Every schema change here needs an alembic migration in ``migrations/``;
``tests/test_migrations.py`` fails when the two disagree. The full-text index
(``search_*`` tables) is dialect-specific and lives in the migrations only.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


def one_of(column: str, values: tuple[str, ...]) -> str:
    """A CHECK that ``column`` holds one of ``values``, written as ORs.

    SQLite builds an ephemeral table for ``IN (...)`` every time the statement runs, so an
    IN-list CHECK doubled the cost of bulk-inserting codings (3 s per million rows).
    """
    return " OR ".join(f"{column} = '{value}'" for value in values)


VALUE_TYPES = ("text", "integer", "float", "date", "boolean")
SEGMENT_KINDS = ("turn", "sentence")
ANCHOR_STATUSES = ("ok", "fuzzy", "unplaced")
MEMO_TARGETS = ("project", "document", "code", "coding")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Document(Base):
    """A transcript; its text lives in versions, the newest being current."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    versions: Mapped[list[DocumentVersion]] = relationship(
        back_populates="document", order_by="DocumentVersion.number", cascade="all, delete-orphan"
    )
    variables: Mapped[list[DocumentVariable]] = relationship(
        back_populates="document", cascade="all, delete-orphan"
    )
    speakers: Mapped[list[Speaker]] = relationship(
        back_populates="document", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"Document(id={self.id!r}, name={self.name!r})"


class DocumentVersion(Base):
    """One imported text of a document. Codings point at a version."""

    __tablename__ = "document_versions"
    __table_args__ = (UniqueConstraint("document_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    source_path: Mapped[str | None] = mapped_column(Text)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Words inside speaker turns (the whole text when it has none), counted at import so
    # that listing documents needs no text.
    words: Mapped[int | None] = mapped_column(Integer)

    document: Mapped[Document] = relationship(back_populates="versions")

    def __repr__(self) -> str:
        return f"DocumentVersion(document_id={self.document_id!r}, number={self.number!r})"


class DocumentVariable(Base):
    """A typed key/value attribute of a document (municipality, kind, date, …)."""

    __tablename__ = "document_variables"
    __table_args__ = (
        UniqueConstraint("document_id", "name"),
        CheckConstraint(one_of("value_type", VALUE_TYPES), "type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    value_type: Mapped[str] = mapped_column(String(10), default="text")
    value: Mapped[str | None] = mapped_column(Text)

    document: Mapped[Document] = relationship(back_populates="variables")


class Speaker(Base):
    """A speaker label within one document, with what the manifest says about them."""

    __tablename__ = "speakers"
    __table_args__ = (UniqueConstraint("document_id", "label"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(String(50))
    name: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str | None] = mapped_column(String(255))
    organisation: Mapped[str | None] = mapped_column(String(255))
    consent_named: Mapped[bool] = mapped_column(Boolean, default=False)
    pseudonym: Mapped[str | None] = mapped_column(String(255))

    document: Mapped[Document] = relationship(back_populates="speakers")


class Segment(Base):
    """A speaker turn or a sentence of one document version, as [start, end)."""

    __tablename__ = "segments"
    __table_args__ = (
        CheckConstraint(one_of("kind", SEGMENT_KINDS), "kind"),
        CheckConstraint('start >= 0 AND "end" >= start', "range"),
        Index("ix_segments_version_kind_start", "version_id", "kind", "start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("document_versions.id", ondelete="CASCADE")
    )
    kind: Mapped[str] = mapped_column(String(10))
    position: Mapped[int] = mapped_column(Integer)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    speaker_id: Mapped[int | None] = mapped_column(ForeignKey("speakers.id", ondelete="SET NULL"))
    time_mark: Mapped[str | None] = mapped_column(String(20))
    # A sentence's turn; null for turns.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("segments.id", ondelete="CASCADE"))


class Code(Base):
    """A code of the codebook; ``parent_id`` makes the hierarchy."""

    __tablename__ = "codes"
    __table_args__ = (Index("ix_codes_parent_name", "parent_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("codes.id", ondelete="RESTRICT"))
    name: Mapped[str] = mapped_column(String(255))
    definition: Mapped[str | None] = mapped_column(Text)
    anchor_example: Mapped[str | None] = mapped_column(Text)
    colour: Mapped[str | None] = mapped_column(String(7))
    hotkey: Mapped[str | None] = mapped_column(String(1), unique=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    parent: Mapped[Code | None] = relationship(remote_side="Code.id", back_populates="children")
    children: Mapped[list[Code]] = relationship(back_populates="parent", order_by="Code.position")

    def __repr__(self) -> str:
        return f"Code(id={self.id!r}, name={self.name!r})"


class Coder(Base):
    """A person who codes; each coder's codings are kept apart."""

    __tablename__ = "coders"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # On a team store (PostgreSQL), the database login that owns this coder's rows; row-level
    # security lets only that login change them. Null on single-user stores.
    login: Mapped[str | None] = mapped_column(String(63), index=True)


class TeamMember(Base):
    """A database login of the project's team and the coder it codes as (``team add``).

    The role (coder, reviewer, lead) lives in the database's own group roles, not here.
    """

    __tablename__ = "team_members"

    login: Mapped[str] = mapped_column(String(63), primary_key=True)
    coder_id: Mapped[int] = mapped_column(ForeignKey("coders.id", ondelete="RESTRICT"))
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Coding(Base):
    """A code assigned by one coder to [start, end) of a document version."""

    __tablename__ = "codings"
    __table_args__ = (
        CheckConstraint('start >= 0 AND "end" > start', "range"),
        CheckConstraint(one_of("anchor_status", ANCHOR_STATUSES), "anchor_status"),
        Index("ix_codings_version_start", "version_id", "start"),
        Index("ix_codings_code", "code_id"),
        Index("ix_codings_coder", "coder_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("document_versions.id", ondelete="CASCADE")
    )
    code_id: Mapped[int] = mapped_column(ForeignKey("codes.id", ondelete="RESTRICT"))
    coder_id: Mapped[int] = mapped_column(ForeignKey("coders.id", ondelete="RESTRICT"))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    memo: Mapped[str | None] = mapped_column(Text)
    is_voice: Mapped[bool] = mapped_column(Boolean, default=False)
    # marked by its coder as an anchor example of its code (shown in the Kodierleitfaden)
    is_anchor: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # "ok"; after a re-import "fuzzy" (placed by alignment) or "unplaced" (left on its old version).
    anchor_status: Mapped[str] = mapped_column(String(10), default="ok", server_default="ok")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    modified_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Memo(Base):
    """A free-text note on the project, a document, a code or a coding."""

    __tablename__ = "memos"
    __table_args__ = (
        CheckConstraint(one_of("target", MEMO_TARGETS), "target"),
        Index("ix_memos_target", "target", "target_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    target: Mapped[str] = mapped_column(String(10))
    target_id: Mapped[int | None] = mapped_column(Integer)
    coder_id: Mapped[int | None] = mapped_column(ForeignKey("coders.id", ondelete="SET NULL"))
    title: Mapped[str | None] = mapped_column(String(255))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    modified_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class LexiconEntry(Base):
    """A word of the corpus and its lemma, written at import.

    Search reads lemmas from here, so that it needs the lemmatizer's dictionary
    (over 100 MB for German) only for a query word the corpus does not contain.
    """

    __tablename__ = "lexicon"

    word: Mapped[str] = mapped_column(String(200), primary_key=True)
    lemma: Mapped[str] = mapped_column(String(200), index=True)


class AuditEntry(Base):
    """Append-only record of one change: who, when, what, and the row before and after.

    ``before`` and ``after`` are JSON objects of the row's columns (null for an
    insert or a delete). Entries of one user action share a ``batch``; undo
    reverts a batch.
    """

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_batch", "batch"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(50))
    entity: Mapped[str] = mapped_column(String(50))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    batch: Mapped[str] = mapped_column(String(36))
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)


class ProjectSetting(Base):
    """A setting of the project kept in the store, such as its profile (JSON)."""

    __tablename__ = "project_settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SuggestionModel(Base):
    """Code suggestions learnt from some coders' codings (see qualcode.suggestions).

    ``codings_version`` fingerprints the codings (and dismissals) it was trained on: when they
    change, the model is stale. ``weights`` holds numpy arrays (``np.savez``, no pickles);
    ``figures`` the cross-validated precision, recall, F1 and kappa per code, as JSON.
    ``coder_id`` is the coder who trained it (on a team store the login's own coder); null
    for the project's model (trained without a coder, or before models had owners).
    """

    __tablename__ = "suggestion_models"

    id: Mapped[int] = mapped_column(primary_key=True)
    coder_id: Mapped[int | None] = mapped_column(
        ForeignKey("coders.id", ondelete="CASCADE"), index=True)
    unit: Mapped[str] = mapped_column(String(10))
    coders: Mapped[str] = mapped_column(Text)  # JSON list of coder names
    filters: Mapped[str] = mapped_column(Text)  # JSON {variable: [values]}
    seed: Mapped[int] = mapped_column(Integer)
    codings_version: Mapped[str] = mapped_column(String(64))
    units: Mapped[int] = mapped_column(Integer)
    figures: Mapped[str] = mapped_column(Text)
    weights: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SuggestionDismissal(Base):
    """A suggestion a coder dismissed for one unit: never shown again there, and a negative
    example when that coder's codings train a model."""

    __tablename__ = "suggestion_dismissals"
    __table_args__ = (UniqueConstraint("coder_id", "code_id", "version_id", "start", "end"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    coder_id: Mapped[int] = mapped_column(ForeignKey("coders.id", ondelete="CASCADE"))
    code_id: Mapped[int] = mapped_column(ForeignKey("codes.id", ondelete="CASCADE"))
    version_id: Mapped[int] = mapped_column(
        ForeignKey("document_versions.id", ondelete="CASCADE")
    )
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PrivacyStopName(Base):
    """A name the project's privacy checks always find (the stop list), with who added it.

    ``coder_id`` is the coder who added it (null: added before names had owners, or without
    a coder); on a team store a coder adds and removes only their own names, everyone reads.
    """

    __tablename__ = "privacy_stop_names"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    coder_id: Mapped[int | None] = mapped_column(
        ForeignKey("coders.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PrivacyQuietPassage(Base):
    """A passage of a document a coder marked "not identifying": its words are quiet in that
    document's checks. Keeps a hash of the passage, never its text."""

    __tablename__ = "privacy_quiet_passages"
    __table_args__ = (UniqueConstraint("document_id", "passage"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    passage: Mapped[str] = mapped_column(String(64))
    coder_id: Mapped[int | None] = mapped_column(
        ForeignKey("coders.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
