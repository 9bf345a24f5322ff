"""The team server: group roles, grants and row-level security of one PostgreSQL database.

Each project database gets three group roles, named after it so that a login of one project
has no rights in another on the same server: ``qualcode_<db>_coder``, ``..._reviewer`` (a
member of coder) and ``..._lead`` (a member of reviewer). CONNECT is revoked from PUBLIC.

- coder: reads everything but other coders' suggestion models; inserts, changes and deletes
  only the rows of the coders whose ``coders.login`` is their login (codings, memos, dismissed
  suggestions, suggestion models, stop-list names, "not identifying" marks), keyed to
  ``current_user`` by row-level security; may add coders only for itself (machine coders).
  A model without an owner (the project's) is read by all, written by leads.
- reviewer: also the rows of the consensus coder; reads every suggestion model.
- lead: writes every table (documents, codebook, team, imports on behalf of others).
- the audit log: SELECT and INSERT for all, no UPDATE or DELETE for anyone; a trigger writes
  the member's own coder name as the actor, so that nobody logs a change in another's name.
  The one exception is erasure (GDPR): ``qualcode_tombstone(ids)``, run with the owner's
  rights and granted to leads only, replaces the contents of entries by a tombstone.

Rules hold for any SQL a login issues, not only for qualcode's. The table owner (who runs
``team init``, normally the ``postgres`` administrator) is not bound by them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qualcode.errors import InvalidInput, NotAllowed, NotFound
from qualcode.i18n import _

ROLES = ("coder", "reviewer", "lead")
CONSENSUS = "consensus"
ROLE_PREFIX = "qualcode_"
LOGIN_PATTERN = re.compile(r"[a-z_][a-z0-9_.\-]{0,62}")
# Per-coder tables: their rows belong to the login of their coder.
OWNED_TABLES = ("codings", "memos", "suggestion_dismissals",  # rows keyed to a coder_id
                "suggestion_models", "privacy_stop_names", "privacy_quiet_passages")
# Owned rows nobody but their coder (and reviewers, leads) reads: the rest are read by all.
PRIVATE_TABLES = ("suggestion_models",)
AUDIT = "audit_log"
NOT_WRITTEN_BY_LEAD = (AUDIT, "alembic_version")


@dataclass(frozen=True)
class Identity:
    """Who the store's connection acts as."""

    team: bool  # the store has had ``team init``
    login: str | None = None
    role: str | None = None  # coder, reviewer or lead; None: not a member (owner, admin)
    coder: str | None = None  # the coder the login codes as

    @property
    def member(self) -> bool:
        return self.team and self.role is not None


@dataclass(frozen=True)
class Member:
    login: str
    role: str | None
    coder: str


def group_roles(database: str) -> dict[str, str]:
    """The three group roles of ``database``, by role."""
    names = {role: f"{ROLE_PREFIX}{database}_{role}" for role in ROLES}
    if max(len(name) for name in names.values()) > 63:  # PostgreSQL's identifier limit
        raise InvalidInput(_("The database name {database!r} is too long for team roles "
                             "(at most 45 characters).").format(database=database))
    return names


def check_login(login: str) -> str:
    if not LOGIN_PATTERN.fullmatch(login) or login.startswith(("pg_", ROLE_PREFIX)):
        raise InvalidInput(_("{login!r} is not a usable login name: use lower-case letters, "
                             "digits, '_', '.' or '-' (at most 63, not starting with 'pg_' "
                             "or 'qualcode_').").format(login=login))
    return login


# -- reading who we are ----------------------------------------------------------------------


def identity(cursor) -> Identity:  # type: ignore[no-untyped-def]
    """The identity of the connection behind ``cursor`` (a psycopg cursor)."""
    cursor.execute("SELECT current_user, current_database(), "
                   "coalesce((SELECT relrowsecurity FROM pg_class "
                   "WHERE oid = to_regclass('codings')), false)")
    login, database, team = cursor.fetchone()
    if not team:
        return Identity(team=False, login=login)
    cursor.execute("SELECT c.name FROM team_members t JOIN coders c ON c.id = t.coder_id "
                   "WHERE t.login = current_user")
    row = cursor.fetchone()
    if row is None:
        return Identity(team=True, login=login)
    return Identity(team=True, login=login, role=_role_of(cursor, login, database), coder=row[0])


def _role_of(cursor, login: str, database: str) -> str | None:  # type: ignore[no-untyped-def]
    groups = group_roles(database)
    cursor.execute("SELECT r.rolname FROM pg_roles r WHERE r.rolname = ANY(%s) "
                   "AND pg_has_role(%s, r.oid, 'MEMBER')", (list(groups.values()), login))
    held = {name for (name,) in cursor.fetchall()}
    return next((role for role in reversed(ROLES) if groups[role] in held), None)


# -- team init ---------------------------------------------------------------------------------


def init_team(cursor) -> None:  # type: ignore[no-untyped-def]
    """Create the group roles, grants, policies and triggers; safe to run again."""
    from psycopg import sql

    cursor.execute("SELECT current_database(), current_schema()")
    database, schema = cursor.fetchone()
    groups = group_roles(database)
    ident = {role: sql.Identifier(name) for role, name in groups.items()}
    for role, name in groups.items():
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,))
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(ident[role]))
    cursor.execute(sql.SQL("GRANT {} TO {}").format(ident["coder"], ident["reviewer"]))
    cursor.execute(sql.SQL("GRANT {} TO {}").format(ident["reviewer"], ident["lead"]))
    _grant(cursor, sql, sql.Identifier(database), sql.Identifier(schema), ident)
    _secure_rows(cursor, sql, ident)
    _stamping_triggers(cursor, sql, groups["lead"])
    _tombstoning(cursor, sql, sql.Identifier(schema), ident["lead"])
    cursor.execute("INSERT INTO coders (name, created_at) SELECT %s, now() WHERE NOT EXISTS "
                   "(SELECT 1 FROM coders WHERE name = %s)", (CONSENSUS, CONSENSUS))


def _grant(cursor, sql, database, schema, ident) -> None:  # type: ignore[no-untyped-def]
    coder, lead = ident["coder"], ident["lead"]
    everyone = sql.SQL(", ").join(ident.values())
    statements = [
        "REVOKE CONNECT, TEMPORARY ON DATABASE {db} FROM PUBLIC",
        "GRANT CONNECT ON DATABASE {db} TO {coder}",
        "GRANT TEMPORARY ON DATABASE {db} TO {lead}",  # bulk imports stage rows in a temp table
        "GRANT USAGE ON SCHEMA {schema} TO {coder}",
        "GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO {coder}",
        "GRANT USAGE ON ALL SEQUENCES IN SCHEMA {schema} TO {coder}",
        "GRANT INSERT, UPDATE, DELETE ON codings, memos, suggestion_dismissals, "
        "suggestion_models TO {coder}",
        "GRANT INSERT, DELETE ON privacy_stop_names, privacy_quiet_passages TO {coder}",
        "GRANT INSERT ON coders, audit_log TO {coder}",
        "GRANT INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {lead}",
        "REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON alembic_version FROM {everyone}",
        "REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM {everyone}",
    ]
    for statement in statements:
        cursor.execute(sql.SQL(statement).format(db=database, schema=schema, coder=coder,
                                                  lead=lead, everyone=everyone))
    cursor.execute(sql.SQL("GRANT INSERT ON audit_log TO {}").format(lead))


def _tombstoning(cursor, sql, schema, lead) -> None:  # type: ignore[no-untyped-def]
    cursor.execute(sql.SQL(TOMBSTONE_FUNCTION).format(schema=schema))
    cursor.execute("REVOKE ALL ON FUNCTION qualcode_tombstone(integer[]) FROM PUBLIC")
    cursor.execute(sql.SQL("GRANT EXECUTE ON FUNCTION qualcode_tombstone(integer[]) TO {}")
                   .format(lead))


# Erasure scrubs what the audit log holds about erased rows; leads may run it, nobody may
# UPDATE the log itself. The tombstone text is audit.TOMBSTONE.
TOMBSTONE_FUNCTION = """
CREATE OR REPLACE FUNCTION qualcode_tombstone(ids integer[]) RETURNS integer
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    WITH scrubbed AS (
        UPDATE {schema}.audit_log
        SET before = CASE WHEN before IS NULL THEN NULL ELSE '{{"erased": true}}' END,
            after = CASE WHEN after IS NULL THEN NULL ELSE '{{"erased": true}}' END
        WHERE id = ANY(ids) RETURNING 1)
    SELECT count(*)::integer FROM scrubbed
$$
"""


def _secure_rows(cursor, sql, ident) -> None:  # type: ignore[no-untyped-def]
    own = "coder_id IN (SELECT id FROM coders WHERE login = current_user)"
    consensus = f"coder_id IN (SELECT id FROM coders WHERE name = '{CONSENSUS}')"
    policies = {table: [("qualcode_read", "SELECT", "coder", "true", None),
                        ("qualcode_own", "ALL", "coder", own, own),
                        ("qualcode_consensus", "ALL", "reviewer", consensus, consensus),
                        ("qualcode_lead", "ALL", "lead", "true", "true")]
                for table in OWNED_TABLES}
    for table in PRIVATE_TABLES:
        policies[table] = [("qualcode_read", "SELECT", "coder", "coder_id IS NULL", None),
                           ("qualcode_own", "ALL", "coder", own, own),
                           ("qualcode_review", "SELECT", "reviewer", "true", None),
                           ("qualcode_lead", "ALL", "lead", "true", "true")]
    policies["coders"] = [("qualcode_read", "SELECT", "coder", "true", None),
                          ("qualcode_own", "INSERT", "coder", None, "login = current_user"),
                          ("qualcode_lead", "ALL", "lead", "true", "true")]
    for table, rules in policies.items():
        name = sql.Identifier(table)
        cursor.execute(sql.SQL("ALTER TABLE {} ENABLE ROW LEVEL SECURITY").format(name))
        for policy, command, role, using, check in rules:
            cursor.execute(sql.SQL("DROP POLICY IF EXISTS {} ON {}").format(
                sql.Identifier(policy), name))
            statement = "CREATE POLICY {} ON {} FOR " + command + " TO {}"
            statement += f" USING ({using})" if using else ""
            statement += f" WITH CHECK ({check})" if check else ""
            cursor.execute(sql.SQL(statement).format(sql.Identifier(policy), name, ident[role]))


STAMP_LOGIN = """
CREATE OR REPLACE FUNCTION qualcode_stamp_login() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- A coder a member makes (a machine coder) is theirs; a lead's imports make coders for
    -- others, mapped later with 'team add NAME --coder'.
    IF NEW.login IS NULL AND NOT pg_has_role(current_user, {lead}, 'MEMBER')
            AND EXISTS (SELECT 1 FROM team_members WHERE login = current_user) THEN
        NEW.login := current_user;
    END IF;
    RETURN NEW;
END $$
"""
STAMP_ACTOR = """
CREATE OR REPLACE FUNCTION qualcode_stamp_actor() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    own text;
BEGIN
    SELECT c.name INTO own FROM team_members t JOIN coders c ON c.id = t.coder_id
        WHERE t.login = current_user;
    IF own IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM coders WHERE login = current_user AND name = NEW.actor) THEN
        NEW.actor := own;
    END IF;
    RETURN NEW;
END $$
"""


def _stamping_triggers(cursor, sql, lead: str) -> None:  # type: ignore[no-untyped-def]
    cursor.execute(sql.SQL(STAMP_LOGIN).format(lead=sql.Literal(lead)))
    cursor.execute(STAMP_ACTOR)
    for trigger, table, function in (("qualcode_stamp_login", "coders", "qualcode_stamp_login"),
                                     ("qualcode_stamp_actor", AUDIT, "qualcode_stamp_actor")):
        cursor.execute(sql.SQL("CREATE OR REPLACE TRIGGER {} BEFORE INSERT ON {} FOR EACH ROW "
                               "EXECUTE FUNCTION {}()").format(
            sql.Identifier(trigger), sql.Identifier(table), sql.Identifier(function)))


# -- members -------------------------------------------------------------------------------------


def add_member(cursor, login: str, role: str, *, coder: str | None,  # type: ignore[no-untyped-def]
               password: str | None) -> Member:
    """Create (or reuse) the login, give it ``role`` in this project, map it to its coder."""
    from psycopg import sql

    check_login(login)
    if role not in ROLES:
        raise InvalidInput(_("The role must be coder, reviewer or lead, not {role!r}.")
                           .format(role=role))
    groups = _groups_here(cursor)
    name = sql.Identifier(login)
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", (login,))
    found = cursor.fetchone()
    if found is None:
        cursor.execute(sql.SQL("CREATE ROLE {} LOGIN").format(name))
    elif found[0]:
        raise NotAllowed(_("{login!r} is a superuser of the server; a superuser cannot be "
                           "bound by team rules.").format(login=login))
    if password is not None:
        # Hashed here (SCRAM), so that the clear password never reaches the server or its log.
        hashed = cursor.connection.pgconn.encrypt_password(
            password.encode(), login.encode(), b"scram-sha-256").decode()
        cursor.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(name, sql.Literal(hashed)))
    _set_group(cursor, sql, name, groups, role)
    coder_id, coder_name = _map_coder(cursor, login, coder)
    cursor.execute("INSERT INTO team_members (login, coder_id, added_at) VALUES (%s, %s, now()) "
                   "ON CONFLICT (login) DO UPDATE SET coder_id = EXCLUDED.coder_id",
                   (login, coder_id))
    return Member(login, role, coder_name)


def _set_group(cursor, sql, name, groups: dict[str, str], role: str) -> None:  # type: ignore[no-untyped-def]
    everyone = sql.SQL(", ").join(sql.Identifier(g) for g in groups.values())
    cursor.execute(sql.SQL("REVOKE {} FROM {}").format(everyone, name))
    if role == "lead":
        # A lead manages the team: creates logins and grants this project's groups.
        cursor.execute(sql.SQL("GRANT {} TO {} WITH ADMIN OPTION").format(everyone, name))
        cursor.execute(sql.SQL("ALTER ROLE {} CREATEROLE").format(name))
    else:
        cursor.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(groups[role]), name))


def _map_coder(cursor, login: str, coder: str | None) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    wanted = coder or login
    cursor.execute("SELECT id, login FROM coders WHERE name = %s", (wanted,))
    row = cursor.fetchone()
    if row is None and coder is not None:
        raise NotFound(_("There is no coder {coder!r} in this store.").format(coder=coder))
    if row is None:
        cursor.execute("INSERT INTO coders (name, login, created_at) VALUES (%s, %s, now()) "
                       "RETURNING id", (wanted, login))
        return cursor.fetchone()[0], wanted
    coder_id, owner = row
    if owner is not None and owner != login:
        raise InvalidInput(_("The coder {coder!r} already belongs to the login {owner!r}.")
                           .format(coder=wanted, owner=owner))
    if wanted == CONSENSUS:
        raise InvalidInput(_("The consensus coder belongs to the reviewers, not to one login."))
    cursor.execute("UPDATE coders SET login = %s WHERE id = %s", (login, coder_id))
    return coder_id, wanted


def remove_member(cursor, login: str) -> None:  # type: ignore[no-untyped-def]
    """Take the login's rights in this project away; its codings stay (and stay its own)."""
    from psycopg import sql

    groups = _groups_here(cursor)
    cursor.execute("DELETE FROM team_members WHERE login = %s", (login,))
    if cursor.rowcount == 0:
        raise NotFound(_("{login!r} is not a member of this project's team.").format(login=login))
    everyone = sql.SQL(", ").join(sql.Identifier(g) for g in groups.values())
    cursor.execute(sql.SQL("REVOKE {} FROM {}").format(everyone, sql.Identifier(login)))


def list_members(cursor) -> list[Member]:  # type: ignore[no-untyped-def]
    cursor.execute("SELECT current_database()")
    database = cursor.fetchone()[0]
    cursor.execute("SELECT t.login, c.name FROM team_members t JOIN coders c ON c.id = t.coder_id "
                   "ORDER BY t.login")
    rows = cursor.fetchall()
    return [Member(login, _role_of(cursor, login, database), coder) for login, coder in rows]


def _groups_here(cursor) -> dict[str, str]:  # type: ignore[no-untyped-def]
    cursor.execute("SELECT current_database()")
    groups = group_roles(cursor.fetchone()[0])
    cursor.execute("SELECT count(*) FROM pg_roles WHERE rolname = ANY(%s)",
                   (list(groups.values()),))
    if cursor.fetchone()[0] != len(groups):
        raise InvalidInput(_("This store has no team yet; run 'qualcode team init' first."))
    return groups
