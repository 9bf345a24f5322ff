"""The store: engine, sessions (units of work) and schema migrations."""

from qualcode.store.engine import resolve_url
from qualcode.store.store import Store, open_store

__all__ = ["Store", "open_store", "resolve_url"]
