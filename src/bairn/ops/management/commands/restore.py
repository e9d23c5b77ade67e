"""`bairn restore DIR [--force] [--witness-state FILE]`: put a `bairn backup` back into
both configured stores (issue 10 item 8).

Before anything is touched: the backup's files are checked against its manifest, and its
audit checkpoint against what a witness has seen — the largest tree co-signed in the
target's log, and the witness's own state file when given. A backup whose log is shorter
would discard events a witness has seen (and the witness would then refuse the log as a
fork), so it is refused, saying how many, unless --force.

- SQLite: the copy is checked (`PRAGMA integrity_check`) and written into the store's
  file with SQLite's backup API, in one transaction: a connection still open sees the old
  database or the new one, never a mixture, and no stale write-ahead log is left beside
  a swapped file.
- PostgreSQL: `pg_restore --clean --if-exists --single-transaction` into the configured
  database, as its owner (or a superuser): the old tables are dropped — which the audit's
  append-only triggers do not stop, as a DROP is no UPDATE, DELETE or TRUNCATE — and the
  backup's made, all or nothing. Tables a later migration made, which the backup does
  not hold, are dropped first, so that `bairn migrate` can make them again.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
from argparse import ArgumentParser
from contextlib import closing
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from bairn.audit.log import WitnessState
from bairn.errors import Invalid
from bairn.ops.management.commands.backup import MANIFEST, sha256
from bairn.ops.stores import (
    BUSY_SECONDS,
    SQLITE,
    Store,
    database_exists,
    program,
    sqlite_reading,
    stores,
    target_audit,
)


def _read_manifest(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        manifest["stores"].items()
    except (OSError, ValueError, KeyError, AttributeError, TypeError) as error:
        raise CommandError(
            f"{folder} holds no Bairn backup: {path} cannot be read ({error})."
        ) from None
    return dict(manifest)


class Command(BaseCommand):
    help = "Restore both stores from a folder made by bairn backup."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("dir", type=Path, help="the backup's folder (bairn backup DIR)")
        parser.add_argument(
            "--force",
            action="store_true",
            help="restore even a backup older than what a witness has co-signed",
        )
        parser.add_argument(
            "--witness-state",
            type=Path,
            metavar="FILE",
            help="also compare with the last checkpoint a witness co-signed (its state file)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        folder: Path = options["dir"]
        manifest = _read_manifest(folder)
        found = stores()
        files = self._check_files(folder, manifest, found)
        self._check_audit(manifest, found, options["witness_state"], force=options["force"])
        for store in found:
            connections[store.alias].close()  # this process holds nothing while it restores
            if store.vendor == SQLITE:
                self._sqlite(store, files[store.alias])
            else:
                self._postgresql(store, files[store.alias])
            connections[store.alias].close()
            self.stdout.write(
                f"Restored the {store.alias} store ({store.describe()}) from {files[store.alias]}."
            )
        audit = manifest.get("audit") or {}
        checkpoint = audit.get("checkpoint") or {}
        self.stdout.write(
            f"The audit log now holds {int(audit.get('events') or 0):,} event(s), signed up to "
            f"{int(checkpoint.get('tree_size') or 0):,}, as at {manifest.get('made_at', '?')} "
            f"(Bairn {manifest.get('bairn_version', '?')}). Run bairn migrate, then bairn audit "
            "verify."
        )

    # --- checks, before anything is touched ---------------------------------------------------

    def _check_files(
        self, folder: Path, manifest: dict[str, Any], found: list[Store]
    ) -> dict[str, Path]:
        files: dict[str, Path] = {}
        for store in found:
            entry = manifest["stores"].get(store.alias)
            if not isinstance(entry, dict):
                raise CommandError(
                    f"The backup in {folder} holds no copy of the {store.alias} store."
                )
            if entry.get("engine") != store.vendor:
                raise CommandError(
                    f"The backup's {store.alias} store is {entry.get('engine')}, but that store is "
                    f"{store.vendor} here: restore it into a Bairn that runs on "
                    f"{entry.get('engine')}."
                )
            path = folder / Path(str(entry.get("file", ""))).name
            if not path.is_file():
                raise CommandError(
                    f"The backup's copy of the {store.alias} store, {path}, is missing."
                )
            if entry.get("sha256") != sha256(path):
                raise CommandError(
                    f"{path} is not the file the backup made (its SHA-256 differs): it was "
                    "damaged or changed. Nothing was restored."
                )
            if store.vendor == SQLITE:
                store.sqlite_path()
                with sqlite_reading(path) as db:
                    result = db.execute("PRAGMA integrity_check").fetchone()[0]
                if result != "ok":
                    raise CommandError(f"{path} is a damaged SQLite database ({result}).")
            else:
                program("pg_restore")
                if not database_exists(store):
                    raise CommandError(
                        f'The database "{store.name}" does not exist: create it (createdb -O '
                        "<owner role> " + store.name + ") and restore again."
                    )
            files[store.alias] = path
        return files

    def _check_audit(
        self,
        manifest: dict[str, Any],
        found: list[Store],
        witness_state: Path | None,
        *,
        force: bool,
    ) -> None:
        audit = manifest.get("audit") or {}
        checkpoint = audit.get("checkpoint") or {}
        covered = int(checkpoint.get("tree_size") or 0)
        seen: list[tuple[int, str]] = []
        for store in found:
            if store.holds_audit:
                cosigned = target_audit(store).cosigned
                if cosigned:
                    seen.append((cosigned, "the log has co-signed"))
        if witness_state is not None:
            try:
                state = WitnessState.read(witness_state)
            except Invalid as error:
                raise CommandError("; ".join(error.errors.values())) from None
            seen.append((state.tree_size, "the witness's state says it co-signed"))
        if not seen:
            return
        most, who = max(seen)
        if covered >= most:
            return
        lost = most - covered
        message = (
            f"This backup covers {covered:,} audit events; {who} {most:,}: restoring it "
            f"would discard {lost:,} event{'s' if lost != 1 else ''} a witness has seen."
        )
        if not force:
            raise CommandError(message + " Use --force to restore anyway.")
        self.stderr.write(
            message + " Restoring anyway (--force): the witness will refuse the log from now "
            "on, as a fork, until it is reset."
        )

    # --- restoring --------------------------------------------------------------------------

    def _sqlite(self, store: Store, copy: Path) -> None:
        target = store.sqlite_path()
        target.parent.mkdir(parents=True, exist_ok=True)
        with (
            sqlite_reading(copy) as source,
            closing(sqlite3.connect(target, timeout=BUSY_SECONDS)) as db,
        ):
            db.execute(f"PRAGMA busy_timeout = {int(BUSY_SECONDS * 1000)}")
            source.backup(db, pages=-1)

    def _postgresql(self, store: Store, dump: Path) -> None:
        pg_restore = program("pg_restore")
        listing = subprocess.run(  # noqa: S603 (our own arguments, no shell)
            [pg_restore, "--list", str(dump)], capture_output=True, text=True, check=False
        )
        if listing.returncode != 0:
            raise CommandError(
                f"{dump} is not a pg_dump archive pg_restore can read: {listing.stderr.strip()}"
            )
        theirs = set()
        for line in listing.stdout.splitlines():
            parts = line.split()
            if not line.startswith(";") and len(parts) >= 6 and parts[3] == "TABLE":
                theirs.add((parts[4], parts[5]))
        with closing(store.connect()) as db:
            with db.transaction(), db.cursor() as cursor:
                cursor.execute(
                    "SELECT schemaname, tablename FROM pg_tables WHERE schemaname = 'public'"
                )
                extra = sorted({(s, t) for s, t in cursor.fetchall()} - theirs)
                for schema, table in extra:
                    cursor.execute(f'DROP TABLE IF EXISTS "{schema}"."{table}" CASCADE')
                # The tables pg_restore makes would take the target's default privileges
                # (bairn db roles gives the app every right on a new table) on top of the
                # grants the backup records — an append-only audit table would become
                # writable. Set them aside; the backup's own are restored with it.
                defaults = _default_privileges(cursor)
                for _, revoke in defaults:
                    cursor.execute(revoke)
            done = subprocess.run(  # noqa: S603
                [
                    pg_restore,
                    "--clean",
                    "--if-exists",
                    "--single-transaction",
                    "--exit-on-error",
                    "--no-password",
                    f"--dbname={store.name}",
                    str(dump),
                ],
                env=store.pg_env(),
                capture_output=True,
                text=True,
                check=False,
            )
            if done.returncode != 0:
                with db.transaction(), db.cursor() as cursor:
                    for grant, _ in defaults:
                        cursor.execute(grant)
                raise CommandError(
                    f"pg_restore could not restore {store.describe()}, which was left as it "
                    f"was: {done.stderr.strip()} — restore as the tables' owner (the owner "
                    "role's DATABASE_URL, see bairn db roles) or a superuser."
                )


_OBJECTS = {"r": "TABLES", "S": "SEQUENCES", "f": "FUNCTIONS", "T": "TYPES", "n": "SCHEMAS"}


def _default_privileges(cursor: Any) -> list[tuple[str, str]]:
    """The database's default privileges, each as the statement that grants it again and
    the one that takes it away."""
    cursor.execute(
        "SELECT pg_get_userbyid(d.defaclrole), n.nspname, d.defaclobjtype, "
        "CASE WHEN a.grantee = 0 THEN NULL ELSE pg_get_userbyid(a.grantee) END, "
        "string_agg(a.privilege_type, ', ' ORDER BY a.privilege_type) "
        "FROM pg_default_acl d LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace, "
        "LATERAL aclexplode(d.defaclacl) a "
        "WHERE a.grantee <> d.defaclrole "
        "GROUP BY 1, 2, 3, 4"
    )
    statements = []
    for role, schema, kind, grantee, privileges in cursor.fetchall():
        where = f'ALTER DEFAULT PRIVILEGES FOR ROLE "{role}"'
        if schema:
            where += f' IN SCHEMA "{schema}"'
        whom = f'"{grantee}"' if grantee else "PUBLIC"
        objects = _OBJECTS[kind]
        statements.append(
            (
                f"{where} GRANT {privileges} ON {objects} TO {whom}",
                f"{where} REVOKE ALL ON {objects} FROM {whom}",
            )
        )
    return statements
