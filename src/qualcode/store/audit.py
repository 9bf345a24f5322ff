"""The append-only audit log: every change records its row before and after."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from qualcode.models import AuditEntry, Base

# What an erased row's before/after becomes (``qualcode erase``): the entry stays, its data goes.
TOMBSTONE = json.dumps({"erased": True})


def new_batch() -> str:
    return str(uuid.uuid4())


def snapshot(obj: Base) -> dict[str, Any]:
    """The row's column values, JSON-ready."""
    mapper = inspect(obj).mapper
    return {col.key: _jsonable(getattr(obj, col.key)) for col in mapper.column_attrs}


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    obj: Base,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    batch: str,
) -> None:
    session.add(
        AuditEntry(
            actor=actor,
            action=action,
            entity=obj.__tablename__,
            entity_id=getattr(obj, "id", None),
            batch=batch,
            before=json.dumps(before, ensure_ascii=False) if before is not None else None,
            after=json.dumps(after, ensure_ascii=False) if after is not None else None,
        )
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        # SQLite hands back naive datetimes for what was written as UTC.
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value
