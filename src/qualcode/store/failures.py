"""Database errors turned into the project's own: one sentence, no SQL, no row data.

Driver messages can quote the statement and the rows it touched (PostgreSQL's DETAIL line
names the key values of a duplicate), which may be personal data; the sentences here are built
from error codes only: SQLite's result code names, PostgreSQL's SQLSTATE and constraint name.
"""

from __future__ import annotations

import re

from qualcode.errors import (
    NotAllowed,
    QualcodeError,
    StoreError,
    StoreUnavailable,
    WriteConflict,
)
from qualcode.i18n import _

# PostgreSQL SQLSTATEs (https://www.postgresql.org/docs/current/errcodes-appendix.html).
PG_CONFLICT = {"40001", "40P01"}  # serialization failure, deadlock detected
PG_BUSY = {"55P03", "57014"}  # lock not available, statement timeout / cancel
PG_READ_ONLY = {"25006"}
PG_NO_RIGHTS = {"42501"}
PG_NO_LOGIN = {"28000", "28P01", "3D000"}  # bad role, bad password, no such database
PG_GONE = {"57P01", "57P02", "57P03"}  # server shut down, crashed, starting up
PG_FULL = {"53100", "53200", "53300", "54000"}  # disk full, out of memory, connections

# SQLite result code names (sqlite3.Error.sqlite_errorname), by their family.
SQLITE_READ_ONLY = "SQLITE_READONLY"
SQLITE_BUSY = ("SQLITE_BUSY", "SQLITE_LOCKED")
SQLITE_NO_RIGHTS = ("SQLITE_PERM", "SQLITE_AUTH", "SQLITE_CANTOPEN")
SQLITE_FULL = "SQLITE_FULL"
SQLITE_CONSTRAINT = "SQLITE_CONSTRAINT"


def translate(exc: BaseException, where: str) -> QualcodeError:
    """The project's error for a database error ``exc`` raised while using the store ``where``."""
    driver = getattr(exc, "orig", None) or exc
    sqlstate = getattr(driver, "sqlstate", None)
    if sqlstate is not None or type(driver).__module__.startswith("psycopg"):
        return _postgres(driver, sqlstate or "", where)
    return _sqlite(driver, getattr(driver, "sqlite_errorname", "") or "", where)


def _postgres(driver: BaseException, sqlstate: str, where: str) -> QualcodeError:
    if sqlstate in PG_CONFLICT:
        return WriteConflict(_("The store {where} was busy with other writers (a deadlock or "
                               "conflicting update); nothing was changed, try again.")
                             .format(where=where))
    if sqlstate in PG_BUSY:
        return _busy(where)
    if sqlstate in PG_READ_ONLY:
        return _read_only(where)
    if sqlstate in PG_NO_RIGHTS:
        return _refused(driver, where)
    if sqlstate in PG_NO_LOGIN:
        return StoreUnavailable(_("The store {where} refused the connection (unknown user, wrong "
                                  "password or no such database); nothing was changed.")
                                .format(where=where))
    if sqlstate in PG_FULL:
        return _full(where)
    if not sqlstate and _refused_by_driver(driver):
        return StoreError(_("The store {where} cannot hold a value of this change (such as a "
                            "text with a NUL character); nothing was changed.")
                          .format(where=where))
    if sqlstate.startswith("08") or sqlstate in PG_GONE or not sqlstate:
        return StoreUnavailable(_("The store {where} cannot be reached (is the server running and "
                                  "the address right?); nothing was changed.")
                                .format(where=where))
    if sqlstate.startswith("23"):
        diag = getattr(driver, "diag", None)
        return _broken_rule(where, getattr(diag, "constraint_name", None))
    return StoreError(_("The store {where} failed (SQLSTATE {sqlstate}); nothing was changed.")
                      .format(where=where, sqlstate=sqlstate))


def _refused_by_driver(driver: BaseException) -> bool:
    """psycopg refused a value before sending it (a NUL in a text): no server was asked."""
    import psycopg

    return isinstance(driver, psycopg.DataError)


def _sqlite(driver: BaseException, name: str, where: str) -> QualcodeError:
    if name.startswith(SQLITE_READ_ONLY):
        return _read_only(where)
    if name.startswith(SQLITE_BUSY):
        return _busy(where)
    if name.startswith(SQLITE_NO_RIGHTS):
        return _no_rights(where)
    if name.startswith(SQLITE_FULL):
        return _full(where)
    if name.startswith(SQLITE_CONSTRAINT):
        # "UNIQUE constraint failed: coders.name": schema names only, never values.
        message = str(driver)
        rule = message.split(":", 1)[1].strip() if ":" in message else None
        return _broken_rule(where, rule)
    kind = name or type(driver).__name__
    return StoreError(_("The store {where} failed ({kind}); nothing was changed.")
                      .format(where=where, kind=kind))


def _refused(driver: BaseException, where: str) -> QualcodeError:
    """A team store's rules said no: row-level security or a missing grant on a table."""
    primary = getattr(getattr(driver, "diag", None), "message_primary", None) or ""
    if "row-level security" in primary:
        return NotAllowed(_("You may only change your own codings."))
    table = re.search(r'permission denied for (?:table|sequence) "?([\w.]+)"?', primary)
    if table:  # a schema name from the server's message, never row data
        return NotAllowed(_("Your role in this project does not allow this ({table}); "
                            "nothing was changed.").format(table=table.group(1)))
    owner = re.search(r'must be owner of (?:table|relation|database|function) "?([\w.]+)"?',
                      primary)
    if owner:
        return NotAllowed(_("Only the owner of the project's tables may do this ({table}); "
                            "nothing was changed.").format(table=owner.group(1)))
    return _no_rights(where)


def _read_only(where: str) -> StoreUnavailable:
    return StoreUnavailable(_("The store {where} is read-only for this user; nothing was changed "
                              "(check the permissions of the file and its folder, or of the role).")
                            .format(where=where))


def _busy(where: str) -> StoreUnavailable:
    return StoreUnavailable(_("The store {where} is busy (another program holds a lock for too "
                              "long); nothing was changed, try again.")
                            .format(where=where))


def _no_rights(where: str) -> StoreUnavailable:
    return StoreUnavailable(_("The store {where} refused access: this user may not read or write "
                              "there; nothing was changed.")
                            .format(where=where))


def _full(where: str) -> StoreUnavailable:
    return StoreUnavailable(_("The store {where} is out of space or memory; nothing was changed.")
                            .format(where=where))


def _broken_rule(where: str, rule: str | None) -> StoreError:
    named = f" ({rule})" if rule else ""
    return StoreError(_("The store {where} refused the change because it breaks one of its "
                        "rules{named}; nothing was changed.")
                      .format(where=where, named=named))
