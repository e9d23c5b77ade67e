"""The audit log (DOMAIN §4.7): append-only and hash-chained.

Each event holds the hash of the one before, and its own hash covers every field and that
link. `bairn audit verify` recomputes the chain; on PostgreSQL a trigger also refuses
UPDATE and DELETE on the table outright (migrations/0002_append_only.py).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import models

GENESIS_HASH = "0" * 64


class AuditEvent(models.Model):
    class Outcome(models.TextChoices):
        ALLOWED = "allowed", "Allowed"
        REFUSED = "refused", "Refused"

    # The sequence number is the key: gaps and reordering are visible.
    seq = models.BigIntegerField(primary_key=True)
    at = models.DateTimeField()
    actor_id = models.CharField(max_length=64, blank=True)
    actor = models.CharField(max_length=150, blank=True)
    agency_id = models.CharField(max_length=64, blank=True)
    action = models.CharField(max_length=60)
    object = models.CharField(max_length=120, blank=True)
    child_id = models.CharField(max_length=64, blank=True, db_index=True)
    purpose = models.CharField(max_length=60, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    reason = models.TextField(blank=True)
    flagged = models.BooleanField(default=False)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["at"]),
            models.Index(fields=["actor"]),
            models.Index(fields=["agency_id", "seq"]),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.outcome}"

    def canonical(self) -> bytes:
        """The bytes the hash covers: every field but the hash itself, in a fixed form."""
        body: dict[str, Any] = {
            "seq": self.seq,
            "at": self.at.isoformat(timespec="microseconds"),
            "actor_id": self.actor_id,
            "actor": self.actor,
            "agency_id": self.agency_id,
            "action": self.action,
            "object": self.object,
            "child_id": self.child_id,
            "purpose": self.purpose,
            "outcome": self.outcome,
            "reason": self.reason,
            "flagged": self.flagged,
            "prev_hash": self.prev_hash,
        }
        return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()

    def compute_hash(self) -> str:
        return hashlib.sha256(self.canonical()).hexdigest()


class AuditEventAgency(models.Model):
    """An agency whose record an event touched, other than the actor's own: an entry it
    recorded, a disclosure it made or received, a share request it sent or holds, an ISP
    it is party to. Its information governance reads that event (DOMAIN §4.7; the rule is
    bairn.audit.queries.answers_for).

    Kept beside the chain rather than in it, so that no event's hash changes and events
    recorded before this existed are indexed by the migration that made it: it says who
    may read an event, never what the event was. A row names the event by `seq`."""

    seq = models.BigIntegerField()
    agency_id = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency_id", "seq"], name="audit_agency_once")
        ]

    def __str__(self) -> str:
        return f"#{self.seq} touched {self.agency_id}"


class AuditHead(models.Model):
    """The end of the chain: the last sequence number and hash, so that removing events
    from the end is detected too. A single row with id 1."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)

    def __str__(self) -> str:
        return f"head #{self.seq}"


class ChainCheck(models.Model):
    """The outcome of a verification of the chain: by `bairn audit verify` (run it daily)
    or by the governance page. Not part of the chain: a forged row here cannot hide a
    change, as the next full run walks every event again."""

    at = models.DateTimeField()
    full = models.BooleanField()
    ok = models.BooleanField()
    checked = models.BigIntegerField()
    head_seq = models.BigIntegerField(default=0)
    head_hash = models.CharField(max_length=64, default=GENESIS_HASH)
    problem = models.TextField(blank=True)
    broken_seq = models.BigIntegerField(null=True, blank=True)
    by = models.CharField(max_length=150, blank=True)

    class Meta:
        indexes = [models.Index(fields=["full", "at"])]

    def __str__(self) -> str:
        return f"{'Full' if self.full else 'Tail'} check at {self.at:%Y-%m-%d %H:%M}: {self.ok}"
