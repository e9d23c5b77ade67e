"""Migration 0005 moves the hash chain into the transparency log (issue 10 item 6): the old
chain is verified first, a broken one stops it, and nothing is lost — the old events
become the tree's first leaves in their old order, and new events follow."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from bairn.audit import log
from bairn.audit.models import AuditEvent, LogLeaf
from bairn.audit.services import record

BEFORE = [("audit", "0004_record_agencies")]
MIGRATION = importlib.import_module("bairn.audit.migrations.0005_transparency_log")


def migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def old_schema(transactional_db: None) -> Iterator[Any]:
    """The audit app as it was before the log, and back to the latest afterwards."""
    apps = migrate(BEFORE)
    try:
        yield apps
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
            cursor.execute("DELETE FROM audit_auditevent")
            if "audit_audithead" in connection.introspection.table_names():
                cursor.execute("DELETE FROM audit_audithead")
            if connection.vendor == "postgresql":
                cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
        executor = MigrationExecutor(connection)
        migrate(executor.loader.graph.leaf_nodes())


def chain(apps: Any, n: int) -> list[Any]:
    """n events chained and hashed as the old `bairn.audit.services.record` did."""
    Event = apps.get_model("audit", "AuditEvent")
    Head = apps.get_model("audit", "AuditHead")
    prev = MIGRATION.GENESIS_HASH
    made = []
    start = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
    for seq in range(1, n + 1):
        event = Event(
            seq=seq,
            at=start + dt.timedelta(minutes=seq, microseconds=seq * 7),
            actor_id="",
            actor=f"user{seq}",
            agency_id="",
            action="child.read",
            object=f"child:{seq}",
            child_id="",
            purpose="",
            outcome="allowed",
            reason="",
            flagged=seq == 2,
            prev_hash=prev,
        )
        event.hash = hashlib.sha256(MIGRATION._canonical(event)).hexdigest()
        event.save(force_insert=True)
        prev = event.hash
        made.append(event)
    Head.objects.update_or_create(id=1, defaults={"seq": n, "hash": prev})
    return made


def test_the_old_chain_becomes_the_first_leaves_and_new_events_follow(old_schema: Any) -> None:
    old = chain(old_schema, 5)
    executor = MigrationExecutor(connection)
    migrate(executor.loader.graph.leaf_nodes())

    assert AuditEvent.objects.count() == 5
    sealed = log.seal()
    assert sealed.tree_size == 5
    newer = record(actor=None, actor_name="after", action="auth.token")
    assert newer.seq == 6  # the database numbers on from the old chain
    log.seal()
    assert list(LogLeaf.objects.order_by("index").values_list("seq", flat=True)) == [
        1,
        2,
        3,
        4,
        5,
        6,
    ]
    # The old events are unchanged, chain hashes included.
    assert [e.hash for e in AuditEvent.objects.filter(seq__lte=5).order_by("seq")] == [
        e.hash for e in old
    ]
    assert log.verify().ok


def test_a_broken_chain_stops_the_migration_naming_the_event(old_schema: Any) -> None:
    chain(old_schema, 4)
    Event = old_schema.get_model("audit", "AuditEvent")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        cursor.execute("UPDATE audit_auditevent SET reason = 'rewritten' WHERE seq = 3")
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
    assert Event.objects.get(seq=3).reason == "rewritten"

    executor = MigrationExecutor(connection)
    with pytest.raises(
        MIGRATION.ChainBroken, match="broken at event #3: its contents were changed"
    ):
        migrate(executor.loader.graph.leaf_nodes())
    # Nothing moved: the chain is still there, as it was.
    assert Event.objects.count() == 4
