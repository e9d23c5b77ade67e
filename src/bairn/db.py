"""Transactions across the two stores."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction


@contextmanager
def both_stores() -> Iterator[None]:
    """One transaction in each store. The transactional store (with the audit) commits
    first: if the identity store then failed, an audit event would describe a record that
    is not there, which is safer than a record nobody can see or account for."""
    with transaction.atomic(using="identity"), transaction.atomic(using="default"):
        yield
