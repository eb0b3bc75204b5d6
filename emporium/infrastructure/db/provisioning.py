"""Create the PostgreSQL database and its two roles, idempotently.

Roles (SYSTEM.md): the *owner* (``DATABASE_ADMIN_URL``) owns the database and its tables, runs
migrations and the few cross-tenant processes, and bypasses Row-Level Security; the
*application* role (``DATABASE_URL``) is not a superuser, owns nothing and cannot bypass RLS.
The extensions the queries use (``EXTENSIONS``) are created here too, by the bootstrap role,
as the owner that runs the migrations may not be allowed to; test databases are copies of this
one and have them as well.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit, urlunsplit

import psycopg
from psycopg import sql

logger = logging.getLogger(__name__)

#: PostgreSQL extensions the application's queries need (``unaccent``: ``db.lookups``).
EXTENSIONS = ("unaccent",)


@dataclass(frozen=True)
class PgTarget:
    """The parts of a PostgreSQL URL that provisioning needs."""

    url: str
    user: str
    password: str | None
    database: str

    @classmethod
    def parse(cls, url: str) -> PgTarget:
        """Parse ``postgres://user[:password]@host[:port]/database``."""
        parts = urlsplit(url)
        if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
            raise ValueError(f"not a PostgreSQL URL: scheme {parts.scheme!r}")
        if not parts.username or not parts.path.strip("/"):
            raise ValueError("a PostgreSQL URL needs a user and a database name")
        password = unquote(parts.password) if parts.password else None
        return cls(url, unquote(parts.username), password, unquote(parts.path.strip("/")))

    def with_database(self, database: str) -> PgTarget:
        """Return the same server and role pointed at another database."""
        parts = urlsplit(self.url)
        return PgTarget(
            urlunsplit(parts._replace(path="/" + database)), self.user, self.password, database
        )

    @property
    def conninfo(self) -> str:
        """Return the URL in the form psycopg accepts."""
        parts = urlsplit(self.url)
        return urlunsplit(parts._replace(scheme="postgresql"))


def _role_exists(cur: psycopg.Cursor, role: str) -> bool:
    cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
    return cur.fetchone() is not None


def _ensure_role(cur: psycopg.Cursor, role: str, password: str | None, attributes: str) -> None:
    verb = "ALTER" if _role_exists(cur, role) else "CREATE"
    statement = sql.SQL(f"{verb} ROLE {{}} WITH LOGIN {attributes}").format(sql.Identifier(role))
    if password is not None:
        statement = sql.SQL("{} PASSWORD {}").format(statement, sql.Literal(password))
    cur.execute(statement)
    logger.info("%s role %s", "updated" if verb == "ALTER" else "created", role)


def ensure_roles_and_database(bootstrap: PgTarget, owner: PgTarget, app: PgTarget) -> None:
    """Create (or correct) both roles, the database and its extensions, as a role-creating role."""
    if owner.database != app.database:
        raise ValueError("DATABASE_URL and DATABASE_ADMIN_URL must name the same database")
    if owner.user == app.user:
        raise ValueError("the application role must differ from the owner role")
    with psycopg.connect(bootstrap.with_database("postgres").conninfo, autocommit=True) as conn:
        cur = conn.cursor()
        cur.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [owner.user])
        row = cur.fetchone()
        owner_is_superuser = bool(row and row[0])
        if not owner_is_superuser:
            # The owner works across tenants on tables whose RLS is forced, hence BYPASSRLS.
            _ensure_role(cur, owner.user, owner.password, "NOSUPERUSER NOCREATEROLE BYPASSRLS")
        _ensure_role(cur, app.user, app.password, "NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS")
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [owner.database])
        if cur.fetchone() is None:
            cur.execute(
                sql.SQL("CREATE DATABASE {} OWNER {} ENCODING 'UTF8'").format(
                    sql.Identifier(owner.database), sql.Identifier(owner.user)
                )
            )
            logger.info("created database %s", owner.database)
        cur.execute(
            sql.SQL("GRANT CONNECT, TEMPORARY ON DATABASE {} TO {}").format(
                sql.Identifier(owner.database), sql.Identifier(app.user)
            )
        )
    ensure_extensions(bootstrap.with_database(owner.database))


def ensure_extensions(target: PgTarget) -> None:
    """Create the ``EXTENSIONS`` missing in ``target``'s database, connected as its role."""
    with psycopg.connect(target.conninfo, autocommit=True) as conn:
        for name in EXTENSIONS:
            conn.execute(sql.SQL("CREATE EXTENSION IF NOT EXISTS {}").format(sql.Identifier(name)))


def grant_application_privileges(owner: PgTarget, app: PgTarget, *, allow_truncate: bool) -> None:
    """Give the application role row access to every table the owner has and will create.

    ``allow_truncate`` is for test databases only: the test runner empties tables between
    transactional tests through the application's connection.
    """
    table_privileges = "SELECT, INSERT, UPDATE, DELETE" + (", TRUNCATE" if allow_truncate else "")
    app_role = sql.Identifier(app.user)
    owner_role = sql.Identifier(owner.user)
    with psycopg.connect(owner.conninfo, autocommit=True) as conn:
        cur = conn.cursor()
        cur.execute(sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(app_role))
        cur.execute(
            sql.SQL(f"GRANT {table_privileges} ON ALL TABLES IN SCHEMA public TO {{}}").format(
                app_role
            )
        )
        cur.execute(
            sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}").format(app_role)
        )
        cur.execute(
            sql.SQL(
                f"ALTER DEFAULT PRIVILEGES FOR ROLE {{}} IN SCHEMA public "
                f"GRANT {table_privileges} ON TABLES TO {{}}"
            ).format(owner_role, app_role)
        )
        cur.execute(
            sql.SQL(
                "ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA public "
                "GRANT USAGE, SELECT ON SEQUENCES TO {}"
            ).format(owner_role, app_role)
        )


def clone_database(
    bootstrap: PgTarget, owner: PgTarget, app: PgTarget, target: str, attempts: int = 40
) -> None:
    """Replace ``target`` with a fresh copy of the owner's database (per-worker test databases).

    PostgreSQL refuses to copy a database while a session is connected to it, and the other
    test workers connect briefly to check it is migrated: wait for them rather than cut them off.
    """
    template = owner.database
    with psycopg.connect(bootstrap.with_database("postgres").conninfo, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(target))
        )
        create = sql.SQL("CREATE DATABASE {} TEMPLATE {} OWNER {}").format(
            sql.Identifier(target), sql.Identifier(template), sql.Identifier(owner.user)
        )
        for attempt in range(attempts):
            try:
                conn.execute(create)
                break
            except psycopg.errors.ObjectInUse:
                if attempt == attempts - 1:
                    raise
                time.sleep(0.25)
        conn.execute(
            sql.SQL("GRANT CONNECT, TEMPORARY ON DATABASE {} TO {}").format(
                sql.Identifier(target), sql.Identifier(app.user)
            )
        )


def ensure_database(bootstrap: PgTarget, name: str) -> PgTarget:
    """Create database ``name`` (owned by ``bootstrap``'s role) if missing; return it."""
    with psycopg.connect(bootstrap.with_database("postgres").conninfo, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            logger.info("created database %s", name)
    return bootstrap.with_database(name)


def drop_database(bootstrap: PgTarget, name: str) -> None:
    """Drop database ``name`` if it exists, disconnecting its sessions."""
    with psycopg.connect(bootstrap.with_database("postgres").conninfo, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
