"""Reads on a streaming replica of a store (docs/scaling.md "The replica").

Off unless BAIRN_REPLICA_URL (or BAIRN_IDENTITY_REPLICA_URL) is set: then the settings
add the replica's connection ("default_replica", "identity_replica"), name it in
`settings.BAIRN_REPLICAS` and put `ReplicaRouter` before the identity router.

A query reads the replica only when all of these hold, and the primary otherwise:

- it is made while answering a GET or HEAD request — never in a command, a task, the
  audit sequencer or a request that may write (POST and the others);
- the request has not written to that model: once it has (through the ORM), its reads of
  the model go to the primary, so it reads its own writes. (The writes a GET makes are
  bookkeeping — its audit event, a token's last use — which is why this is per model: one
  for the whole request would send every read after the audit event to the primary. A
  request that must read what it wrote through another model's join does both in a
  transaction.)
- no transaction is open on that store (what a transaction reads, it reads where it
  writes);
- the replica has replayed everything the primary had committed when the request first
  read that store (the primary's flushed WAL position), waiting up to
  BAIRN_REPLICA_WAIT_MS for it.

The last rule is what makes the replica safe for access decisions: an involvement ended,
a disclosure withdrawn, a break-glass closed or an account disabled before the request
began is ended on the replica too, so the policy reading the replica never grants what
the primary would refuse. (What changes while a request runs may or may not be seen by it,
as on the primary under READ COMMITTED.) A replica that is down, promoted or far behind
costs nothing but its reads: they go to the primary.
"""

from __future__ import annotations

import logging
import time
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import DatabaseError, connections

from bairn.people.router import IDENTITY_APPS, IDENTITY_DB

log = logging.getLogger(__name__)

READ_METHODS = frozenset({"GET", "HEAD"})
# After a replica failed to answer, this process reads the primary for this long.
DOWN_SECONDS = 30.0


@dataclass
class _Request:
    reads: bool  # a GET or HEAD: its reads may go to a replica
    wrote: set[str] = field(default_factory=set)  # the models it wrote ("app.model")
    chosen: dict[str, str] = field(default_factory=dict)  # store -> where it reads


_request: ContextVar[_Request | None] = ContextVar("bairn_replica_request", default=None)
_down_until: dict[str, float] = {}


def _started(sender: Any, environ: dict[str, Any] | None = None, **kwargs: Any) -> None:
    scope = kwargs.get("scope") or {}
    method = str((environ or {}).get("REQUEST_METHOD") or scope.get("method") or "")
    _request.set(_Request(reads=method.upper() in READ_METHODS))


def _finished(sender: Any, **kwargs: Any) -> None:
    _request.set(None)


request_started.connect(_started, dispatch_uid="bairn.replica.started")
request_finished.connect(_finished, dispatch_uid="bairn.replica.finished")


def store_of(model: type[Any]) -> str:
    return IDENTITY_DB if model._meta.app_label in IDENTITY_APPS else "default"


def reads_from(model: type[Any]) -> str:
    """Where the current code's reads of `model` go: its store or the store's replica."""
    store = store_of(model)
    state = _request.get()
    replica = settings.BAIRN_REPLICAS.get(store)
    if replica is None or state is None or not state.reads:
        return store
    if model._meta.label_lower in state.wrote:
        return store
    if connections[store].in_atomic_block:
        return store
    chosen = state.chosen.get(store)
    if chosen is None:
        chosen = state.chosen[store] = replica if _caught_up(store, replica) else store
    return chosen


def _caught_up(store: str, replica: str) -> bool:
    """Whether `replica` has replayed all the primary had committed when this was asked.
    (A commit is visible once flushed, with synchronous_commit on: PostgreSQL's default.)"""
    if _down_until.get(replica, 0.0) > time.monotonic():
        return False
    with connections[store].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_flush_lsn()")
        (target,) = cursor.fetchone()
    try:
        deadline = time.monotonic() + settings.BAIRN_REPLICA_WAIT_MS / 1000
        with connections[replica].cursor() as cursor:
            while True:
                # NULL when it is no replica (promoted, or the primary named twice).
                cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
                (done,) = cursor.fetchone()
                if done or time.monotonic() >= deadline:
                    return bool(done)
                time.sleep(0.002)
    except DatabaseError as error:
        log.warning("The replica %s does not answer, reading the primary: %s", replica, error)
        _down_until[replica] = time.monotonic() + DOWN_SECONDS
        connections[replica].close()
        return False


class ReplicaRouter:
    """Sends the reads that may go to a replica there (see the module's rules); leaves
    every other decision to the identity router after it."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        where = reads_from(model)
        return where if where != store_of(model) else None

    def db_for_write(self, model: type[Any], **hints: Any) -> None:
        state = _request.get()
        if state is not None:
            state.wrote.add(model._meta.label_lower)
        return None

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> None:
        return None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return False if db in settings.BAIRN_REPLICAS.values() else None
