"""Alembic environment: runs on the connection qualcode hands over.

``qualcode.store.migrate`` puts an open connection (inside a transaction
holding the write lock) into ``config.attributes["connection"]``. Run from
the alembic CLI, a URL comes from ``QUALCODE_DB`` instead.
"""

from alembic import context
from sqlalchemy import Connection

from qualcode.models import Base
from qualcode.store.engine import make_engine, resolve_url

config = context.config
target_metadata = Base.metadata


def include_object(obj, name, type_, reflected, compare_to) -> bool:  # type: ignore[no-untyped-def]
    """The dialect-specific full-text tables (search_*) are not in the models."""
    return not (type_ == "table" and name is not None and name.startswith("search_"))


def run_on(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run_on(connection)
else:
    engine = make_engine(resolve_url())
    with engine.connect() as conn:
        run_on(conn)
        conn.commit()
