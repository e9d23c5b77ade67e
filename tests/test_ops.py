"""Operating Bairn (issue 10 item 8): least-privilege roles (`bairn db roles`), backups
(`bairn backup`) and restores (`bairn restore`) of both stores, and a main store that
refers to a child the identity store no longer holds.

The commands run with `call_command` against scratch stores of the suite's own kind —
SQLite files in a temporary folder, or PostgreSQL databases made for this run — which
Bairn is pointed at for the test (`serving`), never the test databases other tests use.
Each is a copy of the suite's (empty, migrated) test databases, made before the tests."""

from __future__ import annotations

import base64
import copy
import datetime as dt
import io
import json
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections
from django.db.utils import load_backend
from django.utils import timezone

from bairn.agencies.services import assign
from bairn.audit import log
from bairn.audit.models import AuditEvent
from bairn.audit.note import Signer, cosign
from bairn.people.models import Child
from bairn.people.services import create_child
from bairn.planning.services import save_plan
from tests.factories import CONCERN, Cast, concern, make_cast
from tests.web import web_client

ALIASES = ("default", "identity")
RUN = uuid.uuid4().hex[:8]  # roles and databases are the server's: unique to this run
VENDOR = connections["default"].vendor


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


# --- scratch stores ----------------------------------------------------------------------


def _server() -> dict[str, Any]:
    """How the suite reaches its PostgreSQL server (host, port, user)."""
    s = connections["default"].settings_dict
    return {
        k: v
        for k, v in {
            "host": s.get("HOST"),
            "port": s.get("PORT"),
            "user": s.get("USER"),
            "password": s.get("PASSWORD"),
        }.items()
        if v
    }


def _admin(sql: str) -> None:
    with closing(psycopg.connect(**_server(), dbname="postgres", autocommit=True)) as db:
        db.execute(sql)


def _drop(names: list[str]) -> None:
    """Drop scratch databases, all at once (each drop waits on the disk)."""
    with ThreadPoolExecutor(max_workers=max(1, len(names))) as pool:
        list(pool.map(lambda n: _admin(f'DROP DATABASE IF EXISTS "{n}" WITH (FORCE)'), names))


@contextmanager
def serving(configs: dict[str, dict[str, Any]]) -> Iterator[None]:
    """Bairn runs on these stores for a while: its connections are replaced, then put
    back untouched (an in-memory test database is never closed)."""
    old = {alias: connections[alias] for alias in configs}
    new = {
        alias: load_backend(cfg["ENGINE"]).DatabaseWrapper(cfg, alias)
        for alias, cfg in configs.items()
    }
    for alias, wrapper in new.items():
        connections[alias] = wrapper
    ContentType.objects.clear_cache()
    try:
        yield
    finally:
        for alias, wrapper in new.items():
            wrapper.close()
            connections[alias] = old[alias]
        ContentType.objects.clear_cache()


@dataclass
class Stores:
    """A pair of stores Bairn can be pointed at: SQLite files or PostgreSQL databases."""

    configs: dict[str, dict[str, Any]]
    made: list[str]  # every scratch PostgreSQL database of the module, dropped after it

    def name(self, alias: str) -> str:
        return str(self.configs[alias]["NAME"])


def _configs(names: dict[str, str]) -> dict[str, dict[str, Any]]:
    configs = {}
    for alias in ALIASES:
        cfg = copy.deepcopy(connections[alias].settings_dict)
        cfg["NAME"] = names[alias]
        configs[alias] = cfg
    return configs


# How many tests below take a fresh pair of stores.
FRESH = 4


def _copy_of_test_databases(names: dict[str, str], django_db_blocker: Any) -> None:
    """Scratch stores holding what the suite's test databases hold (migrated, empty): a
    copy on SQLite (the backup API), a database made from them as a template on
    PostgreSQL — or, when another session is using them, a database migrated anew."""
    with django_db_blocker.unblock():
        for alias, name in names.items():
            connection = connections[alias]
            if VENDOR == "sqlite":
                connection.ensure_connection()
                with closing(sqlite3.connect(name)) as copy_:
                    connection.connection.backup(copy_)
                continue
            connection.close()
            try:
                _admin(f'CREATE DATABASE "{name}" TEMPLATE "{connection.settings_dict["NAME"]}"')
            except psycopg.errors.ObjectInUse:
                _admin(f'CREATE DATABASE "{name}"')
                with serving({alias: _configs(names)[alias]}):
                    call_command("migrate", database=alias, verbosity=0)


@pytest.fixture(scope="module")
def pool(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[list[Stores]]:
    """Pairs of empty, migrated scratch stores for the module's tests, made at once."""
    pairs: list[Stores] = []
    made: list[str] = []
    for n in range(FRESH):
        if VENDOR == "sqlite":
            folder = tmp_path_factory.mktemp(f"stores{n}")
            names = {alias: str(folder / f"{alias}.sqlite3") for alias in ALIASES}
        else:
            names = {alias: f"h8_{RUN}_{n}_{alias}" for alias in ALIASES}
            made += names.values()
        _copy_of_test_databases(names, django_db_blocker)
        pairs.append(Stores(_configs(names), made=made))
    yield pairs
    if made:
        _drop(made)


@pytest.fixture
def fresh(pool: list[Stores]) -> Stores:
    """A pair of empty, migrated scratch stores for one test (dropped with the module)."""
    return pool.pop()


@pytest.fixture
def running(fresh: Stores) -> Iterator[Stores]:
    """Bairn running on a fresh pair of stores for the test."""
    with serving(fresh.configs):
        yield fresh


# --- bairn db roles ----------------------------------------------------------------------


def test_roles_are_a_postgresql_matter_and_no_password_is_printed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BAIRN_DB_APP_PASSWORD", "app-secret-never-shown")
    out = run("db", "roles")
    assert "app-secret-never-shown" not in out
    if VENDOR == "sqlite":
        assert "database roles are a PostgreSQL matter" in out
        assert "CREATE ROLE" not in out
        assert "GRANT" not in out
        return
    assert 'CREATE ROLE "bairn_owner"' in out
    assert 'CREATE ROLE "bairn_app"' in out
    assert "NOSUPERUSER" in out
    assert "NOREPLICATION" in out
    assert "GRANT SELECT, INSERT ON public.%I" in out  # the audit's tables: read and append
    assert "TRUNCATE" not in out
    assert "The password of bairn_app is set by --apply from BAIRN_DB_APP_PASSWORD" in out
    assert "\\password bairn_owner" in out


def test_the_app_role_can_append_to_the_audit_but_never_rewrite_it(
    running: Stores, tmp_path: Path
) -> None:
    """Applied to scratch copies of both stores, the application role reads and appends
    the audit, empties the sequencer's queue, writes ordinary tables — and cannot update,
    delete or truncate the log, disable its triggers, or switch replication role."""
    owner, app = f"h8_owner_{RUN}", f"h8_app_{RUN}"
    if VENDOR == "sqlite":
        before = Path(running.name("default")).read_bytes()
        out = run("db", "roles", "--apply", "--owner", owner, "--app", app)
        assert "database roles are a PostgreSQL matter" in out
        assert Path(running.name("default")).read_bytes() == before
        return
    try:
        out = run("db", "roles", "--apply", "--owner", owner, "--app", app)
        assert f"{app} may read and write them, the audit log's only read and append" in out
        for alias in ALIASES:
            connections[alias].close()
        _check_app_role(running, owner, app)
        # A restore keeps the backup's grants: the audit stays append-only for the app
        # (the tables pg_restore makes do not take the app's default privileges).
        run("backup", str(tmp_path / "b"))
        run("restore", str(tmp_path / "b"))
        with closing(_as(app, running.name("default"))) as db:
            assert "permission denied" in _refused(db, "UPDATE audit_auditevent SET at = now()")
            assert db.execute("INSERT INTO h8_later VALUES (2)").rowcount == 1
    finally:
        for alias in ALIASES:
            connections[alias].close()
        _drop([running.name(alias) for alias in ALIASES])  # what the roles own, first
        _admin(f'DROP ROLE IF EXISTS "{app}"')
        _admin(f'DROP ROLE IF EXISTS "{owner}"')


def _as(role: str, dbname: str) -> Any:
    return psycopg.connect(**{**_server(), "user": role}, dbname=dbname, autocommit=True)


def _refused(db: Any, sql: str) -> str:
    with pytest.raises(psycopg.Error) as caught:
        db.execute(sql)
    return str(caught.value)


def _check_app_role(stores: Stores, owner: str, app: str) -> None:
    with closing(_as(app, stores.name("default"))) as db:
        row = db.execute(
            "INSERT INTO audit_auditevent (at, actor_id, actor, agency_id, action, object, "
            "child_id, purpose, outcome, reason, flagged, prev_hash, hash) VALUES (now(), '', "
            "'h8', '', 'auth.token', '', '', '', 'allowed', '', false, '', '') RETURNING seq"
        ).fetchone()
        assert row is not None
        seq = row[0]
        db.execute("INSERT INTO audit_pendingevent (seq) VALUES (%s)", [seq])
        counted = db.execute("SELECT count(*) FROM audit_auditevent").fetchone()
        assert counted is not None
        assert counted[0] >= 1
        for table in ("audit_auditevent", "audit_checkpoint"):
            assert "permission denied" in _refused(db, f"UPDATE {table} SET at = now()")
            assert "permission denied" in _refused(db, f"DELETE FROM {table}")
            assert "permission denied" in _refused(db, f"TRUNCATE {table}")
        assert "must be owner" in _refused(db, "ALTER TABLE audit_auditevent DISABLE TRIGGER ALL")
        assert "permission denied" in _refused(db, "SET session_replication_role = replica")
        # The sequencer empties its queue.
        assert db.execute("DELETE FROM audit_pendingevent WHERE seq = %s", [seq]).rowcount == 1
        # An ordinary table: written, changed, removed.
        db.execute(
            "INSERT INTO django_session (session_key, session_data, expire_date) "
            "VALUES ('h8', 'x', now())"
        )
        assert db.execute("UPDATE django_session SET session_data = 'y'").rowcount == 1
        assert db.execute("DELETE FROM django_session WHERE session_key = 'h8'").rowcount == 1
        owned = db.execute(
            "SELECT tableowner FROM pg_tables WHERE tablename = 'audit_auditevent'"
        ).fetchone()
        assert owned == (owner,)
        attributes = db.execute(
            "SELECT rolsuper, rolreplication, rolbypassrls FROM pg_roles WHERE rolname = %s",
            [app],
        ).fetchone()
        assert attributes == (False, False, False)
    # A table a later migration makes, as the owner, gets the ordinary grants.
    with closing(_as(owner, stores.name("default"))) as db:
        db.execute("CREATE TABLE h8_later (id integer)")
    with closing(_as(app, stores.name("default"))) as db:
        assert db.execute("INSERT INTO h8_later VALUES (1)").rowcount == 1
    with closing(_as(app, stores.name("identity"))) as db:
        assert db.execute("SELECT count(*) FROM people_child").fetchone() is not None
        assert "must be owner" in _refused(db, "ALTER TABLE people_child DISABLE TRIGGER ALL")


# --- bairn backup and bairn restore --------------------------------------------------------


def _later_child(cast: Cast, given_name: str) -> Child:
    return create_child(
        cast.head_teacher,
        given_name=given_name,
        family_name="Later",
        date_of_birth=dt.date(2019, 4, 1),
    )


def _cosign_latest() -> int:
    """An outside witness co-signs the latest checkpoint, as `bairn audit witness` does."""
    witness = Signer.generate(f"witness-{RUN}.example")
    log.add_witness(witness.verifier().verifier_key())
    checkpoint = log.latest_checkpoint(seal_if_none=False)
    assert checkpoint is not None
    text = checkpoint.signed_note.rpartition("\n\n")[0] + "\n"
    line = cosign(text, witness, int(time.time()))
    log.add_cosignature(witness.name, text + "\n" + line)
    return checkpoint.tree_size


@contextmanager
def _writing(stores: Stores) -> Iterator[Callable[[], None]]:
    """Another connection writes to the transactional store, its transaction open; the
    caller commits it."""
    name = stores.name("default")
    db: Any = (
        sqlite3.connect(name, isolation_level=None, timeout=5)
        if VENDOR == "sqlite"
        else psycopg.connect(**_server(), dbname=name)
    )
    try:
        if VENDOR == "sqlite":
            db.execute("BEGIN IMMEDIATE")
        db.execute(
            "INSERT INTO django_session (session_key, session_data, expire_date) "
            "VALUES ('h8-uncommitted', 'x', '2099-01-01')"
        )
        yield lambda: db.execute("COMMIT")
    finally:
        db.close()


def test_a_backup_needs_pg_dump_only_on_postgresql(
    running: Stores, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs-here"))
    if VENDOR == "sqlite":
        assert "Backup in" in run("backup", str(tmp_path / "b"))
        return
    with pytest.raises(CommandError, match="pg_dump is not installed"):
        run("backup", str(tmp_path / "b"))
    assert not (tmp_path / "b").exists()


def test_a_backup_of_both_stores_is_restored_as_it_was(running: Stores, tmp_path: Path) -> None:
    """The backup holds both stores and says which checkpoint it covers; restoring it
    puts both back as they were (what came after is gone), and the log verifies and goes
    on. A backup never overwrites another, and a changed one is never restored."""
    cast = make_cast()
    concern(cast.head_teacher, cast.leeann)
    log.seal()
    signed = log.latest_checkpoint(seal_if_none=False)
    assert signed is not None
    events = AuditEvent.objects.count()
    backup = tmp_path / "b"
    with _writing(running) as commit:  # the app is writing while the copy is taken
        out = run("backup", str(backup))
        commit()
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["audit"]["events"] == events
    assert manifest["audit"]["checkpoint"] == {
        "tree_size": signed.tree_size,
        "root_hash": base64.b64encode(bytes(signed.root_hash)).decode(),
        "signed_note": signed.signed_note,
    }
    assert manifest["bairn_version"]
    for alias in ALIASES:
        store = manifest["stores"][alias]
        assert store["engine"] == VENDOR
        assert (backup / store["file"]).stat().st_size == store["bytes"] > 0
        assert (backup / store["file"]).stat().st_mode & 0o077 == 0  # the operator's only
    assert f"Backup in {backup}: {events:,} audit event(s), the signed checkpoint of " in out
    with pytest.raises(CommandError, match="already exists and is not an empty folder"):
        run("backup", str(backup))

    later = _later_child(cast, "Ava")
    concern(cast.head_teacher, cast.leeann, "Later concern")
    log.seal()
    assert AuditEvent.objects.count() > events
    out = run("restore", str(backup))
    assert "Restored the default store" in out
    assert "Restored the identity store" in out
    assert not Child.objects.filter(pk=later.pk).exists()
    assert Child.objects.filter(pk=cast.leeann.pk).exists()
    assert AuditEvent.objects.count() == events
    assert log.latest_checkpoint(seal_if_none=False) == signed
    # What was being written, not yet committed, when the copy was taken is not in it.
    assert not Session.objects.filter(session_key="h8-uncommitted").exists()
    assert log.verify().ok
    # Bairn goes on from the restored log.
    concern(cast.head_teacher, cast.leeann, "After the restore")
    log.seal()
    assert log.verify().ok

    # A copy changed since the backup was made is refused, and nothing is touched.
    with (backup / manifest["stores"]["identity"]["file"]).open("ab") as f:
        f.write(b"\0")
    with pytest.raises(CommandError, match="its SHA-256 differs"):
        run("restore", str(backup))
    assert AuditEvent.objects.count() > events
    with pytest.raises(CommandError, match="holds no Bairn backup"):
        run("restore", str(tmp_path / "nothing"))


def test_a_restore_refuses_to_discard_events_a_witness_has_seen(
    running: Stores, tmp_path: Path
) -> None:
    cast = make_cast()
    log.seal()
    run("backup", str(tmp_path / "b"))
    covered = log.latest_checkpoint(seal_if_none=False)
    assert covered is not None
    later = _later_child(cast, "Ava")
    for n in range(3):
        concern(cast.head_teacher, cast.leeann, f"Concern {n}")
    log.seal()
    latest = log.latest_checkpoint(seal_if_none=False)
    assert latest is not None
    assert latest.tree_size > covered.tree_size
    lost = latest.tree_size - covered.tree_size

    with pytest.raises(CommandError, match="is not a witness's state file"):
        run("restore", str(tmp_path / "b"), "--witness-state", str(tmp_path / "none.json"))
    # The witness's state file alone: it saw the larger tree.
    state = tmp_path / "witness-state.json"
    state.write_text(
        json.dumps(
            {
                "tree_size": latest.tree_size,
                "root_hash": base64.b64encode(bytes(latest.root_hash)).decode(),
            }
        )
    )
    with pytest.raises(CommandError) as caught:
        run("restore", str(tmp_path / "b"), "--witness-state", str(state))
    assert str(caught.value) == (
        f"This backup covers {covered.tree_size:,} audit events; the witness's state says it "
        f"co-signed {latest.tree_size:,}: restoring it would discard {lost:,} events a "
        "witness has seen. Use --force to restore anyway."
    )

    # A cosignature in the log.
    assert _cosign_latest() == latest.tree_size
    with pytest.raises(CommandError) as caught:
        run("restore", str(tmp_path / "b"))
    assert str(caught.value) == (
        f"This backup covers {covered.tree_size:,} audit events; the log has co-signed "
        f"{latest.tree_size:,}: restoring it would discard {lost:,} events a witness has "
        "seen. Use --force to restore anyway."
    )
    # Nothing was touched.
    assert Child.objects.filter(pk=later.pk).exists()
    assert log.latest_checkpoint(seal_if_none=False) == latest

    out = run("restore", str(tmp_path / "b"), "--force")
    assert "Restored the default store" in out
    assert not Child.objects.filter(pk=later.pk).exists()
    assert log.latest_checkpoint(seal_if_none=False) == covered
    assert log.verify().ok


# --- a child the identity store no longer holds ------------------------------------------


def test_a_child_missing_from_the_identity_store_is_not_found_never_a_500(cast: Cast) -> None:
    """Involved, assigned, with a plan and a concern in the transactional store, but gone
    from the identity store — as after restoring an older copy of it: the child's record
    and pages are not found, and nothing about them is a 500."""
    np = cast.api("head_teacher")
    np.client.raise_request_exception = False
    made = np.post(
        "/children",
        {"given_name": "Ava", "family_name": "Reid", "date_of_birth": "2018-01-02"},
    )
    assert made.status_code == 201
    child_id = uuid.UUID(made.json()["id"])
    assign(cast.head_teacher, child_id, "named_person", cast.head_teacher.pk)
    save_plan(
        cast.head_teacher,
        child_id,
        version=0,
        lead_professional_id=cast.social_worker.pk,
        team_ids=[],
        reason_for_plan="Several agencies are needed",
        needs=[],
        child_views="",
        family_views="",
        review_date=timezone.localdate() + dt.timedelta(days=60),
    )
    concern(cast.head_teacher, Child.objects.get(pk=child_id))
    Child.objects.filter(pk=child_id).delete()  # the identity store's older copy

    answer = np.get(f"/children/{child_id}")
    assert answer.status_code == 404
    assert answer.json() == {"detail": "Not found."}
    # Every route about the child says the same: not found, and nothing is written.
    assert np.get(f"/children/{child_id}/plan").status_code == 404
    assert np.get(f"/children/{child_id}/chronology").status_code == 404
    assert np.post(f"/children/{child_id}/concerns", CONCERN).status_code == 404

    page = web_client(cast.head_teacher)
    page.raise_request_exception = False
    for path in (f"/children/{child_id}", f"/children/{child_id}/plan"):
        assert page.get(path).status_code == 404, path
