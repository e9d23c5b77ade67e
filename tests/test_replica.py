"""Reads on a streaming replica (bairn.replica, docs/scaling.md "The replica") and the
connection pool: off by default; the settings refuse what cannot work; and, on PostgreSQL,
against the real replica scripts/ensure-replica keeps on 127.0.0.1:5433 — a GET reads the
replica, writes go to the primary, a request reads its own writes, and what was revoked
before a request began is revoked for it even while the replica lags behind.

The replica cannot have test databases of its own: it replays the primary's, test ones
included, so the tests point its connections at the primary's test databases and commit
(transactional tests) for the replica to see anything."""

from __future__ import annotations

import os
import runpy
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import request_finished, request_started
from django.db import connections
from django.test import override_settings
from django.utils import timezone

import bairn.replica
import bairn.settings
from bairn.agencies.models import Agency, Involvement
from bairn.audit.models import AuditEvent
from tests.factories import CONCERN, Api, Cast

SETTINGS = Path(bairn.settings.__file__)
STORES = ("default", "identity")
REPLICAS = {"default": "default_replica", "identity": "identity_replica"}
REPLICA_PORT = os.environ.get("BAIRN_TEST_REPLICA_PORT", "5433")
ON_POSTGRESQL = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
PG = "postgres://bairn:secret@db.example.org:5432/bairn"
ROUTED = pytest.mark.django_db(transaction=True, databases="__all__")


# --- the settings ---------------------------------------------------------------------


def load(monkeypatch: pytest.MonkeyPatch, **env: str) -> dict[str, Any]:
    """Bairn's settings as they come out of this environment."""
    for name in (
        "DATABASE_URL",
        "IDENTITY_DATABASE_URL",
        "BAIRN_REPLICA_URL",
        "BAIRN_IDENTITY_REPLICA_URL",
        "BAIRN_DB_POOL",
        "BAIRN_PGBOUNCER",
    ):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS))


def test_the_replica_and_the_pool_are_off_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    for loaded in (load(monkeypatch), load(monkeypatch, DATABASE_URL=PG)):
        assert set(loaded["DATABASES"]) == {"default", "identity"}
        assert loaded["BAIRN_REPLICAS"] == {}
        assert loaded["DATABASE_ROUTERS"] == ["bairn.people.router.IdentityRouter"]
    assert "pool" not in loaded["DATABASES"]["default"]["OPTIONS"]
    assert loaded["DATABASES"]["default"]["CONN_MAX_AGE"] == 60
    # And so in this suite: nothing reads a replica.
    assert settings.BAIRN_REPLICAS == {}
    assert "bairn.replica.ReplicaRouter" not in settings.DATABASE_ROUTERS


def test_a_replica_is_a_replica_of_postgresql(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL is not set"):
        load(monkeypatch, BAIRN_REPLICA_URL=PG)
    with pytest.raises(ImproperlyConfigured, match="IDENTITY_DATABASE_URL is not set"):
        load(monkeypatch, DATABASE_URL=PG, BAIRN_IDENTITY_REPLICA_URL=PG)
    with pytest.raises(ImproperlyConfigured, match="BAIRN_REPLICA_URL must be a postgres://"):
        load(monkeypatch, DATABASE_URL=PG, BAIRN_REPLICA_URL="sqlite:///replica.sqlite3")


def test_a_replica_url_adds_a_read_only_mirror_and_its_router(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    loaded = load(
        monkeypatch,
        DATABASE_URL=PG,
        IDENTITY_DATABASE_URL=PG + "_identity",
        BAIRN_REPLICA_URL="postgres://bairn@replica.example.org:5432/bairn",
        BAIRN_IDENTITY_REPLICA_URL="postgres://bairn@replica-id.example.org/bairn_identity",
    )
    databases = loaded["DATABASES"]
    assert databases["default_replica"]["HOST"] == "replica.example.org"
    assert databases["identity_replica"]["NAME"] == "bairn_identity"
    # The test runner makes no test database on a replica: it mirrors its store's.
    assert databases["default_replica"]["TEST"] == {"MIRROR": "default"}
    assert databases["identity_replica"]["TEST"] == {"MIRROR": "identity"}
    assert loaded["BAIRN_REPLICAS"] == REPLICAS
    assert loaded["DATABASE_ROUTERS"][0] == "bairn.replica.ReplicaRouter"
    # Only one store may have a replica.
    loaded = load(monkeypatch, DATABASE_URL=PG, BAIRN_REPLICA_URL=PG)
    assert loaded["BAIRN_REPLICAS"] == {"default": "default_replica"}
    # A replica is never migrated: it replays its primary's migrations.
    assert bairn.replica.ReplicaRouter().allow_migrate("default", "chronology") is None
    with override_settings(BAIRN_REPLICAS=REPLICAS):
        assert bairn.replica.ReplicaRouter().allow_migrate("default_replica", "chronology") is False


def test_the_pool_sizes_and_refusals(monkeypatch: pytest.MonkeyPatch) -> None:
    both = {"DATABASE_URL": PG, "IDENTITY_DATABASE_URL": PG}
    loaded = load(monkeypatch, **both, BAIRN_REPLICA_URL=PG, BAIRN_DB_POOL="1")
    for alias in ("default", "default_replica"):
        assert loaded["DATABASES"][alias]["OPTIONS"]["pool"] == {"min_size": 2, "max_size": 8}
        # Django refuses a pool with persistent connections.
        assert loaded["DATABASES"][alias]["CONN_MAX_AGE"] == 0
    pool = load(monkeypatch, **both, BAIRN_DB_POOL="3:12")["DATABASES"]["default"]
    assert pool["OPTIONS"]["pool"] == {"min_size": 3, "max_size": 12}
    pool = load(monkeypatch, **both, BAIRN_DB_POOL="4")["DATABASES"]["default"]
    assert pool["OPTIONS"]["pool"] == {"min_size": 4, "max_size": 4}
    for bad in ("many", "5:2", "0:0", "-1:3"):
        with pytest.raises(ImproperlyConfigured, match="BAIRN_DB_POOL must be"):
            load(monkeypatch, **both, BAIRN_DB_POOL=bad)
    with pytest.raises(ImproperlyConfigured, match="IDENTITY_DATABASE_URL is not set"):
        load(monkeypatch, DATABASE_URL=PG, BAIRN_DB_POOL="1")
    # Behind PgBouncer (transaction mode) no cursor outlives its transaction.
    assert not loaded["DATABASES"]["default"].get("DISABLE_SERVER_SIDE_CURSORS")
    loaded = load(monkeypatch, **both, BAIRN_PGBOUNCER="1")
    assert loaded["DATABASES"]["identity"]["DISABLE_SERVER_SIDE_CURSORS"] is True


def test_a_pooled_connection_answers_and_goes_back_to_its_pool() -> None:
    if not ON_POSTGRESQL:
        # SQLite has no pool to offer: asking for one is refused (above), and the
        # connection Bairn has is its own file's.
        assert "pool" not in connections["default"].settings_dict["OPTIONS"]
        assert not hasattr(connections["default"], "pool")
        return
    pooled = connections["pooled"]  # the test database, through psycopg's pool
    with pooled.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM agencies_agency")
        assert cursor.fetchone() == (Agency.objects.count(),)
    assert pooled.pool is not None
    # The pool lends a connection and takes it back.
    with pooled.pool.connection() as borrowed:
        assert borrowed.execute("SELECT 1").fetchone() == (1,)
    stats = pooled.pool.get_stats()
    assert stats["requests_num"] >= 2
    assert stats["pool_available"] >= 1


# --- the router, against a real replica ----------------------------------------------


@pytest.fixture(scope="module", autouse=True)
def replica_connections(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """On PostgreSQL, connections to the replica's copies of the test databases (and one
    through a pool to the primary's), known
    before the tests' databases are chosen (so "__all__" holds them), as mirrors (so they
    are never flushed)."""
    if not ON_POSTGRESQL:
        yield
        return
    primary = connections["default"].settings_dict
    for store, alias in REPLICAS.items():
        connections.settings[alias] = {
            **connections[store].settings_dict,
            "HOST": "127.0.0.1",
            "PORT": REPLICA_PORT,
            "TEST": {**primary["TEST"], "MIRROR": store},
        }
    connections.settings["pooled"] = {
        **primary,
        "CONN_MAX_AGE": 0,
        "OPTIONS": {"pool": {"min_size": 1, "max_size": 2}},
        "TEST": {**primary["TEST"], "MIRROR": "default"},
    }
    with django_db_blocker.unblock():
        try:
            with connections["default_replica"].cursor() as cursor:
                cursor.execute("SELECT pg_is_in_recovery()")
                standby = cursor.fetchone()[0]
        except Exception as error:
            pytest.fail(f"No replica on 127.0.0.1:{REPLICA_PORT} (scripts/ensure-replica): {error}")
        assert standby, f"127.0.0.1:{REPLICA_PORT} is not a replica"
    yield
    connections["pooled"].close_pool()
    for alias in [*REPLICAS.values(), "pooled"]:
        connections[alias].close()
        del connections[alias]
        del connections.settings[alias]


def replay(paused: bool) -> None:
    with connections["default_replica"].cursor() as cursor:
        cursor.execute(f"SELECT pg_wal_replay_{'pause' if paused else 'resume'}()")


@pytest.fixture
def routed() -> Iterator[None]:
    """The router on, as BAIRN_REPLICA_URL and BAIRN_IDENTITY_REPLICA_URL turn it on."""
    routers = ["bairn.replica.ReplicaRouter", "bairn.people.router.IdentityRouter"]
    if not ON_POSTGRESQL:
        yield
        return
    with override_settings(
        BAIRN_REPLICAS=REPLICAS, DATABASE_ROUTERS=routers, BAIRN_REPLICA_WAIT_MS=5000
    ):
        try:
            yield
        finally:
            replay(paused=False)


@contextmanager
def journal() -> Iterator[list[tuple[str, str]]]:
    """Every statement run, in order, with the connection it ran on."""
    ran: list[tuple[str, str]] = []

    def note(alias: str) -> Any:
        def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            ran.append((alias, sql))
            return execute(sql, params, many, context)

        return wrapper

    with ExitStack() as stack:
        for alias in connections:
            stack.enter_context(connections[alias].execute_wrapper(note(alias)))
        yield ran


def on(ran: list[tuple[str, str]], where: str, table: str = "") -> list[str]:
    return [sql for alias, sql in ran if alias == where and f'"{table}"' in sql]


@ROUTED
def test_a_get_reads_the_replica_and_writes_on_the_primary(routed: None, cast: Cast) -> None:
    api = Api(cast.head_teacher)
    with journal() as ran:
        response = api.get(f"/children/{cast.leeann.pk}")
    assert response.status_code == 200
    assert response.json()["given_name"] == "Leeann"
    read = "identity_replica" if ON_POSTGRESQL else "identity"
    # The child's record, from the identity store's replica; the policy's involvement and
    # the token, from the transactional store's.
    assert on(ran, read, "people_child")
    assert on(ran, REPLICAS["default"] if ON_POSTGRESQL else "default", "agencies_involvement")
    # What the request wrote (the token's last use, its audit event) went to the primary;
    # a replica was only ever read.
    assert any(s.startswith("UPDATE") for s in on(ran, "default", "agencies_apitoken"))
    assert any(s.startswith("INSERT") for s in on(ran, "default", "audit_auditevent"))
    assert all(sql.startswith("SELECT") for alias, sql in ran if alias in REPLICAS.values())
    if ON_POSTGRESQL:
        for alias in REPLICAS.values():  # a replica indeed, unlike the primary
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT pg_is_in_recovery()")
                assert cursor.fetchone() == (True,)
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT pg_is_in_recovery()")
            assert cursor.fetchone() == (False,)


@ROUTED
def test_a_post_is_all_primary_and_the_next_get_sees_what_it_wrote(
    routed: None, cast: Cast
) -> None:
    api = Api(cast.head_teacher)
    with journal() as ran:
        response = api.post(f"/children/{cast.leeann.pk}/concerns", CONCERN)
    assert response.status_code == 201
    concern_id = response.json()["id"]
    assert not [alias for alias, _ in ran if alias in REPLICAS.values()]
    assert any(s.startswith("INSERT") for s in on(ran, "default", "chronology_concern"))
    # The very next request, routed to the replica, waits for it to hold the concern.
    with journal() as ran:
        response = api.get(f"/children/{cast.leeann.pk}/chronology")
    assert response.status_code == 200
    assert concern_id in [e["id"] for e in response.json()["entries"]]
    where = REPLICAS["default"] if ON_POSTGRESQL else "default"
    assert on(ran, where, "chronology_concern")


@ROUTED
def test_a_request_reads_its_own_writes_from_the_primary(routed: None, cast: Cast) -> None:
    """A GET that writes (here an audit event, as reading a record does) reads what it
    wrote from the primary, even when the replica has not replayed it (paused here), while
    its other reads stay on the replica."""
    request_started.send(sender=None, environ={"REQUEST_METHOD": "GET"})
    try:
        with journal() as ran:
            assert Agency.objects.filter(pk=cast.school.pk).exists()  # on the replica
            if ON_POSTGRESQL:
                replay(paused=True)
            from bairn.audit.services import record

            event = record(actor=cast.head_teacher, action="child.read", object="x:1")
            assert AuditEvent.objects.filter(seq=event.seq).exists()  # its own write
            assert Agency.objects.filter(pk=cast.health.pk).exists()  # still the replica
    finally:
        request_finished.send(sender=None)
    reads = [(alias, sql) for alias, sql in ran if sql.startswith("SELECT")]
    replica = REPLICAS["default"] if ON_POSTGRESQL else "default"
    assert [alias for alias, sql in reads if '"agencies_agency"' in sql] == [replica, replica]
    assert on(ran, "default", "audit_auditevent")[-1].startswith("SELECT")
    if ON_POSTGRESQL:
        assert not on(ran, replica, "audit_auditevent")


@ROUTED
def test_what_was_revoked_before_a_request_is_revoked_for_it_on_a_lagging_replica(
    routed: None, cast: Cast
) -> None:
    api = Api(cast.head_teacher)
    child = f"/children/{cast.leeann.pk}"
    assert api.get(child).status_code == 200
    if ON_POSTGRESQL:
        replay(paused=True)  # the replica lags: it still has her involvement
    Involvement.objects.filter(practitioner=cast.head_teacher, child_ref=cast.leeann.pk).update(
        ended_at=timezone.now()
    )
    with override_settings(BAIRN_REPLICA_WAIT_MS=50), journal() as ran:
        response = api.get(child)
    assert response.status_code == 404
    # It waited for the replica a moment, then read the primary.
    assert not on(ran, "default_replica", "agencies_involvement")
    assert on(ran, "default", "agencies_involvement")
    if ON_POSTGRESQL:
        replay(paused=False)
        with journal() as ran:
            response = api.get(child)
        assert response.status_code == 404  # and on the replica, once it caught up
        assert on(ran, "default_replica", "agencies_involvement")
