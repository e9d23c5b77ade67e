"""Bairn's two stores as an operator sees them: which database each is, how to reach it
from outside Django (sqlite3, psycopg, pg_dump), and what its audit log holds.

The configuration is the live connections' (`connections[alias].settings_dict`), the
same the app uses, so a command acts on exactly the databases Bairn runs on."""

from __future__ import annotations

import base64
import os
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from django.conf import settings
from django.core.management.base import CommandError
from django.db import connections, router
from psycopg.conninfo import make_conninfo

SQLITE = "sqlite"
POSTGRESQL = "postgresql"
# How long a SQLite copy waits for a writer to let go (the app may be writing).
BUSY_SECONDS = 30.0

# libpq's environment variables for the connection settings pg_dump and pg_restore need:
# the password goes in the environment, never on a command line others can read.
_LIBPQ_ENV = {
    "host": "PGHOST",
    "port": "PGPORT",
    "user": "PGUSER",
    "password": "PGPASSWORD",
    "dbname": "PGDATABASE",
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
    "connect_timeout": "PGCONNECT_TIMEOUT",
}


@dataclass(frozen=True)
class Store:
    """One of the two stores: its alias ("default", "identity") and its database."""

    alias: str
    vendor: str  # SQLITE or POSTGRESQL
    name: str  # the SQLite file, or the PostgreSQL database's name
    settings_dict: dict[str, Any]

    @property
    def holds_audit(self) -> bool:
        """The audit log lives here (the router sends the audit app to it)."""
        return bool(router.allow_migrate(self.alias, "audit"))

    def describe(self) -> str:
        if self.vendor == SQLITE:
            return f"SQLite file {self.name}"
        where = self.libpq()
        host = where.get("host") or "local socket"
        port = where.get("port") or "5432"
        return f'PostgreSQL database "{self.name}" on {host}:{port}'

    # --- SQLite --------------------------------------------------------------------------

    @property
    def in_memory(self) -> bool:
        return self.vendor == SQLITE and (self.name == ":memory:" or "mode=memory" in self.name)

    def sqlite_path(self) -> Path:
        if self.in_memory:
            raise CommandError(
                f"The {self.alias} store is an in-memory SQLite database: there is no file to "
                "copy or replace."
            )
        return Path(self.name)

    # --- PostgreSQL ------------------------------------------------------------------------

    def libpq(self, dbname: str | None = None) -> dict[str, str]:
        """libpq connection settings (host, port, user, password, dbname, ssl…)."""
        s = self.settings_dict
        found = {
            "host": str(s.get("HOST") or ""),
            "port": str(s.get("PORT") or ""),
            "user": str(s.get("USER") or ""),
            "password": str(s.get("PASSWORD") or ""),
            "dbname": dbname or self.name,
        }
        for key, value in (s.get("OPTIONS") or {}).items():
            if key in _LIBPQ_ENV and key not in found and isinstance(value, (str, int)):
                found[key] = str(value)
        return {k: v for k, v in found.items() if v}

    def pg_env(self) -> dict[str, str]:
        """The environment for pg_dump or pg_restore: this database, and no other's."""
        env = {k: v for k, v in os.environ.items() if k not in _LIBPQ_ENV.values()}
        for key, value in self.libpq().items():
            env[_LIBPQ_ENV[key]] = value
        return env

    def connect(self, *, autocommit: bool = False, dbname: str | None = None) -> Any:
        """A psycopg connection of its own (not Django's), to this database or another
        of the same server."""
        try:
            conninfo = make_conninfo(**self.libpq(dbname))
            return psycopg.connect(conninfo, autocommit=autocommit)
        except psycopg.OperationalError as error:
            first = str(error).strip().splitlines()[0] if str(error).strip() else "no answer"
            raise CommandError(f"Cannot connect to {self.describe()}: {first}") from None


def stores() -> list[Store]:
    """Both stores, the transactional ("default", with the audit) first."""
    found = []
    for alias in settings.DATABASES:
        if alias in settings.BAIRN_REPLICAS.values():
            continue  # a replica is a copy of a store, not a store (docs/scaling.md)
        connection = connections[alias]
        vendor = connection.vendor
        if vendor not in (SQLITE, POSTGRESQL):
            raise CommandError(f"The {alias} store uses {vendor}, which Bairn does not run on.")
        found.append(
            Store(alias, vendor, str(connection.settings_dict["NAME"]), connection.settings_dict)
        )
    return sorted(found, key=lambda s: (s.alias != "default", s.alias))


def program(name: str) -> str:
    """The path of a PostgreSQL client program, or a clear error."""
    path = shutil.which(name)
    if path is None:
        raise CommandError(
            f"{name} is not installed (or not on PATH): install PostgreSQL's client programs "
            "of the server's version or later (Debian: apt install postgresql-client)."
        )
    return path


# --- what an audit log holds --------------------------------------------------------------


@dataclass(frozen=True)
class AuditState:
    """What a store's audit log holds: its events, its latest checkpoint, and the largest
    tree a witness co-signed."""

    events: int = 0
    tree_size: int = 0
    root_hash: str = ""  # base64
    signed_note: str = ""
    cosigned: int = 0

    def checkpoint(self) -> dict[str, object] | None:
        if not self.signed_note:
            return None
        return {
            "tree_size": self.tree_size,
            "root_hash": self.root_hash,
            "signed_note": self.signed_note,
        }


_CHECKPOINT = "SELECT tree_size, root_hash, signed_note FROM audit_checkpoint"
_LATEST = _CHECKPOINT + " ORDER BY tree_size DESC LIMIT 1"
_EVENTS = "SELECT COUNT(*) FROM audit_auditevent"
_COSIGNED = "SELECT MAX(tree_size) FROM audit_cosignature"


def _state(events: int, latest: Any, cosigned: Any) -> AuditState:
    if latest is None:
        return AuditState(events=events, cosigned=int(cosigned or 0))
    size, root, note = latest
    return AuditState(
        events=events,
        tree_size=int(size),
        root_hash=base64.b64encode(bytes(root)).decode(),
        signed_note=str(note),
        cosigned=int(cosigned or 0),
    )


def sqlite_audit(db: sqlite3.Connection) -> AuditState:
    """The audit log in a SQLite database (nothing where its tables are absent)."""
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not {"audit_auditevent", "audit_checkpoint", "audit_cosignature"} <= tables:
        return AuditState()
    events = db.execute(_EVENTS).fetchone()[0]
    return _state(int(events), db.execute(_LATEST).fetchone(), db.execute(_COSIGNED).fetchone()[0])


def postgresql_audit(cursor: Any) -> AuditState:
    """The audit log in a PostgreSQL database, read with the cursor's snapshot."""
    cursor.execute(
        "SELECT to_regclass('audit_auditevent') IS NOT NULL "
        "AND to_regclass('audit_checkpoint') IS NOT NULL "
        "AND to_regclass('audit_cosignature') IS NOT NULL"
    )
    if not cursor.fetchone()[0]:
        return AuditState()
    cursor.execute(_EVENTS)
    events = int(cursor.fetchone()[0])
    cursor.execute(_LATEST)
    latest = cursor.fetchone()
    cursor.execute(_COSIGNED)
    return _state(events, latest, cursor.fetchone()[0])


@contextmanager
def sqlite_reading(path: Path) -> Iterator[sqlite3.Connection]:
    """A read-only connection to a SQLite file that waits for writers."""
    uri = path.resolve().as_uri() + "?mode=ro"
    with closing(sqlite3.connect(uri, uri=True, timeout=BUSY_SECONDS)) as db:
        yield db


def target_audit(store: Store) -> AuditState:
    """What the configured store's audit log holds now; nothing when there is no such
    database yet."""
    if not store.holds_audit:
        return AuditState()
    if store.vendor == SQLITE:
        path = store.sqlite_path()
        if not path.exists() or path.stat().st_size == 0:
            return AuditState()
        with sqlite_reading(path) as db:
            return sqlite_audit(db)
    if not database_exists(store):
        return AuditState()
    with closing(store.connect()) as db, db.cursor() as cursor:
        return postgresql_audit(cursor)


def database_exists(store: Store) -> bool:
    """Whether the PostgreSQL database exists (asked of the server's maintenance one)."""
    with closing(store.connect(autocommit=True, dbname="postgres")) as db:
        row = db.execute("SELECT 1 FROM pg_database WHERE datname = %s", [store.name]).fetchone()
        return row is not None
