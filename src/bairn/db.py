"""Transactions across the two stores."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from django.db import IntegrityError, router, transaction
from django.db.models import Model, QuerySet


@contextmanager
def both_stores() -> Iterator[None]:
    """One transaction in each store. The transactional store (with the audit) commits
    first: if the identity store then failed, an audit event would describe a record that
    is not there, which is safer than a record nobody can see or account for."""
    with transaction.atomic(using="identity"), transaction.atomic(using="default"):
        yield


M = TypeVar("M", bound=Model)


def insert_once(current: QuerySet[M], **fields: Any) -> tuple[M, bool]:
    """The row `current` finds, or a new one made with `fields`: a check-then-insert that
    is safe under concurrency. Two simultaneous first writes meet at the unique constraint
    that `current` describes; the loser's insert is undone in its own savepoint (so its
    transaction goes on) and it gets the winner's row — the success it asked for. Returns
    the row and whether this call made it."""
    found = current.first()
    if found is not None:
        return found, False
    # Where the row is written: not `current.db`, which may be a replica (bairn.replica).
    using = getattr(current, "_db", None) or router.db_for_write(current.model)
    try:
        with transaction.atomic(using=using):
            return current.model._default_manager.using(using).create(**fields), True
    except IntegrityError:
        found = current.first()
        if found is None:
            raise  # not the race: another constraint refused the row
        return found, False
