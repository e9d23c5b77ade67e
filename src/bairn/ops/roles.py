"""Least privilege on PostgreSQL (issue 10 item 8): the SQL that makes two roles.

- The **owner** owns the schema, the tables and the audit's trigger function, and runs
  the migrations (`bairn migrate` with its DATABASE_URL). It is no superuser.
- The **application** role is what `bairn serve` connects as. It may read and write the
  ordinary tables, but the audit log's tables only read and append (the sequencer also
  empties its queue, audit_pendingevent), and it owns nothing: so it cannot TRUNCATE,
  ALTER or DROP a table, disable a trigger, or set session_replication_role (a
  superuser's parameter). It is no superuser, has no REPLICATION and inherits nothing.

Tables a later migration makes (as the owner) get the ordinary tables' grants by default
privileges; run `bairn db roles --apply` again after migrating to keep a new audit table
append-only (the script is idempotent).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import unicodedata
from dataclasses import dataclass

from django.apps import apps
from django.core.management.base import CommandError

DEFAULT_OWNER = "bairn_owner"
DEFAULT_APP = "bairn_app"
OWNER_PASSWORD_ENV = "BAIRN_DB_OWNER_PASSWORD"
APP_PASSWORD_ENV = "BAIRN_DB_APP_PASSWORD"
# Emptied by the sequencer as it gives each waiting event its leaf (bairn.audit.log.seal).
QUEUE_TABLE = "audit_pendingevent"
# What the running app only reads: it never migrates.
READ_ONLY_TABLES = ("django_migrations",)
ROLE_ATTRIBUTES = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"
_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def check_role_name(name: str, what: str) -> str:
    if not _NAME.fullmatch(name):
        raise CommandError(
            f"{what} {name!r} is not a plain role name: use lower-case letters, digits and "
            "underscores, starting with a letter or underscore, at most 63 characters."
        )
    return name


def audit_tables() -> list[str]:
    """The audit log's tables: append-only for the application."""
    return sorted(m._meta.db_table for m in apps.get_app_config("audit").get_models())


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _array(names: list[str] | tuple[str, ...]) -> str:
    return "ARRAY[" + ", ".join(_literal(n) for n in names) + "]::text[]"


@dataclass(frozen=True)
class Roles:
    owner: str = DEFAULT_OWNER
    app: str = DEFAULT_APP

    def __post_init__(self) -> None:
        check_role_name(self.owner, "The owner role")
        check_role_name(self.app, "The application role")
        if self.owner == self.app:
            raise CommandError("The owner and the application role must be two roles.")

    def create(self) -> list[str]:
        """The two roles, made when missing (roles belong to the whole server), and their
        attributes set whatever they were."""
        owner, app = _quote(self.owner), _quote(self.app)
        missing = "IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = {}) THEN"
        return [
            "DO $$\nBEGIN\n"
            f"    {missing.format(_literal(self.owner))}\n"
            f"        CREATE ROLE {owner} {ROLE_ATTRIBUTES};\n"
            "    END IF;\n"
            f"    {missing.format(_literal(self.app))}\n"
            f"        CREATE ROLE {app} {ROLE_ATTRIBUTES} NOINHERIT;\n"
            "    END IF;\n"
            "END\n$$;",
            f"ALTER ROLE {owner} {ROLE_ATTRIBUTES};",
            f"ALTER ROLE {app} {ROLE_ATTRIBUTES} NOINHERIT;",
            # The application may not act as the owner.
            f"REVOKE {owner} FROM {app};",
        ]

    def database(self, dbname: str, *, holds_audit: bool) -> list[str]:
        """One database: the owner takes the schema and every object in it; the
        application gets what the running app needs and nothing else."""
        owner, app, db = _quote(self.owner), _quote(self.app), _quote(dbname)
        statements = [
            f"GRANT CONNECT ON DATABASE {db} TO {owner}, {app};",
            # Only the owner makes objects (PostgreSQL 15's default, said for older ones).
            "REVOKE CREATE ON SCHEMA public FROM PUBLIC;",
            f"ALTER SCHEMA public OWNER TO {owner};",
            self._transfer(),
            f"GRANT USAGE ON SCHEMA public TO {app};",
            f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {app};",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {app};",
            f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {app};",
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {app};",
            self._only(READ_ONLY_TABLES, "SELECT"),
        ]
        if holds_audit:
            statements.append(self._only(tuple(audit_tables()), "SELECT, INSERT"))
            statements.append(self._only((QUEUE_TABLE,), "SELECT, INSERT, DELETE"))
        statements += [
            # Tables and sequences a later migration makes, as the owner.
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public "
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {app};",
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public "
            f"GRANT USAGE, SELECT ON SEQUENCES TO {app};",
        ]
        return statements

    def _only(self, tables: tuple[str, ...], privileges: str) -> str:
        """The application gets exactly `privileges` on the tables that exist of these."""
        app = _literal(self.app)
        return (
            "DO $$\nDECLARE t text;\nBEGIN\n"
            f"    FOREACH t IN ARRAY {_array(tables)} LOOP\n"
            "        IF to_regclass(format('public.%I', t)) IS NOT NULL THEN\n"
            f"            EXECUTE format('REVOKE ALL ON public.%I FROM %I', t, {app});\n"
            f"            EXECUTE format('GRANT {privileges} ON public.%I TO %I', t, {app});\n"
            "        END IF;\n"
            "    END LOOP;\n"
            "END\n$$;"
        )

    def _transfer(self) -> str:
        """Every table, view and free-standing sequence of the schema, and its functions
        (the audit's trigger function), to the owner. A column's own sequence follows its
        table; an extension's objects stay the extension's."""
        owner = _literal(self.owner)
        return (
            "DO $$\nDECLARE r record;\nBEGIN\n"  # noqa: S608 (the owner's name is checked)
            "    FOR r IN\n"
            "        SELECT c.oid::regclass AS name,\n"
            "               CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW'\n"
            "                    WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'f' THEN 'FOREIGN TABLE'\n"
            "                    ELSE 'TABLE' END AS kind\n"
            "        FROM pg_catalog.pg_class c\n"
            "        WHERE c.relnamespace = 'public'::regnamespace\n"
            "          AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')\n"
            "          AND NOT EXISTS (SELECT FROM pg_catalog.pg_depend d\n"
            "                          WHERE d.classid = 'pg_catalog.pg_class'::regclass\n"
            "                            AND d.objid = c.oid AND d.deptype IN ('a', 'i', 'e'))\n"
            "    LOOP\n"
            f"        EXECUTE format('ALTER %s %s OWNER TO %I', r.kind, r.name, {owner});\n"
            "    END LOOP;\n"
            "    FOR r IN\n"
            "        SELECT p.oid::regprocedure AS name FROM pg_catalog.pg_proc p\n"
            "        WHERE p.pronamespace = 'public'::regnamespace\n"
            "          AND NOT EXISTS (SELECT FROM pg_catalog.pg_depend d\n"
            "                          WHERE d.classid = 'pg_catalog.pg_proc'::regclass\n"
            "                            AND d.objid = p.oid AND d.deptype = 'e')\n"
            "    LOOP\n"
            f"        EXECUTE format('ALTER ROUTINE %s OWNER TO %I', r.name, {owner});\n"
            "    END LOOP;\n"
            "END\n$$;"
        )

    def passwords(self) -> list[tuple[str, str, str | None]]:
        """(role, environment variable, password or None) for each role."""
        return [
            (self.owner, OWNER_PASSWORD_ENV, os.environ.get(OWNER_PASSWORD_ENV) or None),
            (self.app, APP_PASSWORD_ENV, os.environ.get(APP_PASSWORD_ENV) or None),
        ]

    def password_statement(self, role: str, password: str) -> str:
        """ALTER ROLE … PASSWORD with a SCRAM-SHA-256 verifier made here: the password
        itself never reaches the server (nor its log)."""
        return f"ALTER ROLE {_quote(role)} PASSWORD {_literal(scram_verifier(password))};"


def scram_verifier(password: str, *, iterations: int = 4096, salt: bytes | None = None) -> str:
    """PostgreSQL's stored SCRAM-SHA-256 secret for a password (RFC 5802, RFC 7677)."""
    salt = salt if salt is not None else os.urandom(16)
    # PostgreSQL prepares the password with SASLprep; NFKC is its normalization step, and
    # the same as SASLprep for every password without control or unassigned characters.
    prepared = unicodedata.normalize("NFKC", password).encode("utf-8")
    salted = hashlib.pbkdf2_hmac("sha256", prepared, salt, iterations)
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()

    def b64(data: bytes) -> str:
        return base64.b64encode(data).decode()

    return f"SCRAM-SHA-256${iterations}:{b64(salt)}${b64(stored_key)}:{b64(server_key)}"
