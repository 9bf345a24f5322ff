"""The team of a PostgreSQL store: setting it up, its members, and who may act as whom.

The rules themselves are the database's (row-level security and grants, see store/team.py);
what is checked here is what must be refused before any SQL runs: ``--coder`` naming someone
else on a team store, and team commands on an SQLite file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from qualcode.errors import InvalidInput, NotAllowed
from qualcode.i18n import _
from qualcode.store import Store
from qualcode.store import team as rules
from qualcode.store.store import display_url
from qualcode.store.team import CONSENSUS, Identity, Member

Result = TypeVar("Result")


def whoami(store: Store) -> Identity:
    return store.identity()


def acting_coder(store: Store, requested: str | None) -> str | None:
    """The coder a command or the TUI acts as: on a team store always the login's own.

    A single-user store keeps ``requested`` as it is. On a team store a member may name only
    themselves (or a coder of their own login, such as a machine coder); a reviewer or lead
    also the consensus coder. The owner who set the team up is not a member and is not bound.
    """
    who = store.identity()
    if not who.member:
        return requested
    wanted = (requested or "").strip()
    if not wanted or wanted == who.coder:
        return who.coder
    if wanted == CONSENSUS and who.role in ("reviewer", "lead"):
        return wanted
    if _owned_by(store, wanted, who.login):
        return wanted
    raise NotAllowed(_("On this team store you code as yourself ({coder}); you may not act "
                       "as {other}.").format(coder=who.coder, other=wanted))


def require_lead(store: Store, what: str) -> None:
    """On a team store only a lead may ``what`` (exports: material leaves the project)."""
    who = store.identity()
    if who.member and who.role != "lead":
        raise NotAllowed(_("Only the project's leads may {what} on this team store.")
                         .format(what=what))


def acting_actor(store: Store, requested: str) -> str:
    """The name to log a change under: the member's own coder on a team store."""
    who = store.identity()
    return who.coder if who.member and who.coder else requested


def init_team(store: Store) -> Identity:
    _run(store, rules.init_team)
    store.forget_identity()
    return store.identity()


def add_member(store: Store, login: str, role: str, *, coder: str | None = None,
               password: str | None = None) -> Member:
    return _run(store, lambda cursor: rules.add_member(cursor, login, role, coder=coder,
                                                       password=password))


def remove_member(store: Store, login: str) -> None:
    _run(store, lambda cursor: rules.remove_member(cursor, login))


def list_members(store: Store) -> list[Member]:
    return _run(store, rules.list_members)


def _owned_by(store: Store, coder: str, login: str | None) -> bool:
    from sqlalchemy import select

    from qualcode.models import Coder

    with store.read() as session:
        return session.scalar(select(Coder.login).where(Coder.name == coder)) == login


def _run(store: Store, work: Callable[..., Result]) -> Result:
    with _postgres_cursor(store) as cursor:
        return work(cursor)


@contextmanager
def _postgres_cursor(store: Store) -> Iterator[object]:
    """A psycopg cursor inside one write transaction of the store."""
    if store.is_sqlite:
        raise InvalidInput(_("Teams need a PostgreSQL store; {store} is an SQLite file used by "
                             "one person at a time.").format(store=display_url(store.url)))
    with store.write() as session:
        driver = session.connection().connection.driver_connection
        with driver.cursor() as cursor:
            yield cursor
