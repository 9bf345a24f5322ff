"""What a store holds, in numbers.

Counted with Core constructs on table names, not the ORM models: ``qualcode
status`` must start in well under half a second, and importing the ORM alone
costs a fifth of that. ``tests/test_cli.py`` checks the counts against the models.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import column, func, select, table

from qualcode.store import Store
from qualcode.store.store import display_url

COUNTED = ("documents", "segments", "codes", "codings")


@dataclass(frozen=True)
class Status:
    store: str
    revision: str | None
    documents: int
    segments: int
    codes: int
    codings: int
    codings_per_coder: dict[str, int]


def status(store: Store) -> Status:
    coders = table("coders", column("id"), column("name"))
    codings = table("codings", column("id"), column("coder_id"))
    with store.read_core() as conn:
        counts = {name: conn.scalar(select(func.count()).select_from(table(name))) or 0
                  for name in COUNTED}
        per_coder = conn.execute(
            select(coders.c.name, func.count(codings.c.id))
            .select_from(coders.outerjoin(codings, codings.c.coder_id == coders.c.id))
            .group_by(coders.c.name)
            .order_by(coders.c.name)
        ).all()
    return Status(store=display_url(store.url), revision=store.revision(),
                  codings_per_coder={name: n for name, n in per_coder}, **counts)
