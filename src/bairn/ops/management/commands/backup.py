"""`bairn backup DIR`: a consistent copy of both stores in a new folder, with the audit
checkpoint it covers (issue 10 item 8).

- SQLite: SQLite's online backup API, from a connection that waits for writers (the app
  may be writing): the copy is one moment of the database, whatever happens meanwhile.
- PostgreSQL: `pg_dump --format=custom`, in a snapshot exported by a transaction that
  also reads the audit's checkpoint, so the manifest says exactly what the dump holds.

The transactional store is copied before the identity store: a child recorded while the
copy runs is then at worst in the identity copy alone (known to no one, harmless), never
named by the transactional copy without their details.

`manifest.json` says when, which Bairn, each store's file and its SHA-256, the count of
audit events and the latest checkpoint (tree size, root hash in base64, signed note) —
what `bairn restore` compares with the log it would replace."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.metadata
import json
import sqlite3
import subprocess
from argparse import ArgumentParser
from contextlib import closing
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from bairn.ops.stores import (
    BUSY_SECONDS,
    POSTGRESQL,
    AuditState,
    Store,
    postgresql_audit,
    program,
    sqlite_audit,
    stores,
)

MANIFEST = "manifest.json"
FORMAT = 1


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def bairn_version() -> str:
    try:
        return importlib.metadata.version("bairn")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


class Command(BaseCommand):
    help = "Copy both stores, consistently, into a new folder DIR, with a manifest."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("dir", type=Path, help="a folder that does not exist yet, or is empty")

    def handle(self, *args: Any, **options: Any) -> None:
        folder: Path = options["dir"]
        if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
            raise CommandError(
                f"{folder} already exists and is not an empty folder: a backup goes in a new "
                "folder, so that no earlier backup is overwritten."
            )
        found = stores()
        if any(s.vendor == POSTGRESQL for s in found):
            program("pg_dump")
        for store in found:
            if store.vendor != POSTGRESQL:
                store.sqlite_path()  # an in-memory store cannot be copied: say so now
        # Children's records: the copies are for the operator's eyes only.
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        folder.chmod(0o700)
        try:
            self._backup(folder, found)
        except BaseException:
            # No half a backup that a restore could take for a whole one.
            for made in folder.iterdir():
                made.unlink()
            raise

    def _backup(self, folder: Path, found: list[Store]) -> None:
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "made_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "bairn_version": bairn_version(),
            "stores": {},
            "audit": None,
        }
        for store in found:
            if store.vendor == POSTGRESQL:
                file, audit = self._pg_dump(store, folder)
            else:
                file, audit = self._sqlite_copy(store, folder)
            file.chmod(0o600)
            manifest["stores"][store.alias] = {
                "engine": store.vendor,
                "database": store.name,
                "file": file.name,
                "bytes": file.stat().st_size,
                "sha256": sha256(file),
            }
            if store.holds_audit:
                manifest["audit"] = {"events": audit.events, "checkpoint": audit.checkpoint()}
            self.stdout.write(
                f"Copied the {store.alias} store ({store.describe()}) to {file} "
                f"({file.stat().st_size:,} bytes)."
            )
        (folder / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        (folder / MANIFEST).chmod(0o600)
        audit_part = manifest["audit"] or {"events": 0, "checkpoint": None}
        checkpoint = audit_part["checkpoint"]
        covered = (
            f"the signed checkpoint of {checkpoint['tree_size']:,} event(s)"
            if checkpoint
            else "no signed checkpoint yet"
        )
        self.stdout.write(
            f"Backup in {folder}: {audit_part['events']:,} audit event(s), {covered}. "
            f"Restore it with: bairn restore {folder}"
        )

    def _sqlite_copy(self, store: Store, folder: Path) -> tuple[Path, AuditState]:
        source = store.sqlite_path()
        if not source.exists():
            raise CommandError(
                f"The {store.alias} store's file {source} does not exist: run bairn migrate "
                "first, or check BAIRN_DATA_DIR."
            )
        target = folder / f"{store.alias}.sqlite3"
        with (
            closing(sqlite3.connect(source, timeout=BUSY_SECONDS)) as db,
            closing(sqlite3.connect(target)) as copy,
        ):
            db.execute(f"PRAGMA busy_timeout = {int(BUSY_SECONDS * 1000)}")
            # All pages in one step: one read transaction, so one moment of the database.
            db.backup(copy, pages=-1)
            # A copy that is one file, whatever the original's journal.
            copy.execute("PRAGMA journal_mode = DELETE")
            audit = sqlite_audit(copy) if store.holds_audit else AuditState()
        return target, audit

    def _pg_dump(self, store: Store, folder: Path) -> tuple[Path, AuditState]:
        target = folder / f"{store.alias}.dump"
        with closing(store.connect()) as db:
            # psycopg opens the transaction at the first statement.
            db.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            with db.cursor() as cursor:
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
                audit = postgresql_audit(cursor) if store.holds_audit else AuditState()
            # pg_dump reads the very snapshot the audit was read in, while it is held.
            done = subprocess.run(  # noqa: S603 (our own arguments, no shell)
                [
                    program("pg_dump"),
                    "--format=custom",
                    f"--snapshot={snapshot}",
                    f"--file={target}",
                    "--no-password",
                ],
                env=store.pg_env(),
                capture_output=True,
                text=True,
                check=False,
            )
            db.rollback()
        if done.returncode != 0:
            why = done.stderr.strip() or f"exit code {done.returncode}"
            raise CommandError(f"pg_dump could not copy {store.describe()}: {why}")
        return target, audit
