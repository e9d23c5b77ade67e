"""The audit log (DOMAIN §4.7): an append-only RFC 6962 Merkle tree of events, with signed
checkpoints co-signed by outside witnesses (DEVELOPERS.md "The audit log").

A request inserts its `AuditEvent` (and a `PendingEvent` naming it) in its own
transaction, taking no lock anyone else waits on. The sequencer (bairn.audit.log.seal)
later gives committed events their places in the tree (`LogLeaf`), stores the complete
subtrees' hashes (`LogNode`) that proofs are built from, and signs a `Checkpoint`.
Witnesses co-sign checkpoints (`Cosignature`) with keys registered as `WitnessKey`.
On PostgreSQL triggers refuse UPDATE and DELETE on the events, the tree and the
checkpoints (migrations 0002 and 0005).
"""

from __future__ import annotations

from django.db import models

LEVEL_SHIFT = 48  # LogNode.key = level << 48 | index: room for 2**48 leaves


class AuditEvent(models.Model):
    class Outcome(models.TextChoices):
        ALLOWED = "allowed", "Allowed"
        REFUSED = "refused", "Refused"

    # Given by the database at insert (an identity column): no request waits for another
    # to number its event. The order of the log is the tree's (LogLeaf.index).
    seq = models.BigAutoField(primary_key=True)
    at = models.DateTimeField()
    actor_id = models.CharField(max_length=64, blank=True)
    actor = models.CharField(max_length=150, blank=True)
    agency_id = models.CharField(max_length=64, blank=True)
    action = models.CharField(max_length=60)
    object = models.CharField(max_length=120, blank=True)
    child_id = models.CharField(max_length=64, blank=True)
    purpose = models.CharField(max_length=60, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    reason = models.TextField(blank=True)
    flagged = models.BooleanField(default=False)
    # The hash chain the log replaced (migration 0005 checked it before it moved the
    # events into the tree): kept on the events recorded before, blank after.
    prev_hash = models.CharField(max_length=64, blank=True, default="")
    hash = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["seq"]
        # The audit query (bairn.audit.queries.events_page) pages newest first by `seq`:
        # the agency's own by (agency_id, seq), and each filter it takes has an index
        # that ends in `seq`, so a page is a range scan at any size of the log. (A
        # single-column index on child_id was two on PostgreSQL, with a
        # varchar_pattern_ops copy no query used.) `object` finds the event of a
        # disclosure for the transparency report (bairn.audit.log.logged).
        indexes = [
            models.Index(fields=["at"]),
            models.Index(fields=["agency_id", "seq"]),
            models.Index(fields=["actor", "seq"], name="audit_actor_seq_idx"),
            models.Index(fields=["actor_id", "seq"], name="audit_actor_id_seq_idx"),
            models.Index(fields=["child_id", "seq"], name="audit_child_seq_idx"),
            models.Index(fields=["object"], name="audit_object_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.outcome}"


class PendingEvent(models.Model):
    """An event committed but not yet in the tree: the sequencer's queue (Trillian's
    unsequenced table). Written with the event, deleted by the sequencer when it gives
    the event its leaf; `bairn audit verify` finds an event that is in neither."""

    seq = models.BigIntegerField(primary_key=True)

    def __str__(self) -> str:
        return f"#{self.seq} waiting"


class LogLeaf(models.Model):
    """The event at each place of the tree, and its leaf hash (RFC 6962: SHA-256 of 0x00
    and the event's canonical line, bairn.audit.log.LEAF_LINE)."""

    index = models.BigIntegerField(primary_key=True)
    seq = models.BigIntegerField(unique=True)
    hash = models.BinaryField(max_length=32)

    def __str__(self) -> str:
        return f"leaf {self.index} = event #{self.seq}"


class LogNode(models.Model):
    """The hash of a complete subtree of 2**level leaves above the leaves (level ≥ 1),
    index counted in such subtrees: what inclusion and consistency proofs are made of."""

    key = models.BigIntegerField(primary_key=True)
    hash = models.BinaryField(max_length=32)

    def __str__(self) -> str:
        return f"node {self.key >> LEVEL_SHIFT}/{self.key & ((1 << LEVEL_SHIFT) - 1)}"

    @staticmethod
    def key_of(level: int, index: int) -> int:
        return (level << LEVEL_SHIFT) | index


class Checkpoint(models.Model):
    """A signed statement of the tree: its size and root hash, as a C2SP signed note."""

    tree_size = models.BigIntegerField(primary_key=True)
    root_hash = models.BinaryField(max_length=32)
    signed_note = models.TextField()
    key = models.CharField(max_length=300)  # the log's verifier key that signed it
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"checkpoint {self.tree_size}"


class Cosignature(models.Model):
    """A witness's C2SP tlog-cosignature of a checkpoint: the witness saw this tree and
    checked it extends every tree it co-signed before."""

    tree_size = models.BigIntegerField()
    witness = models.CharField(max_length=200)
    line = models.TextField()  # the note signature line, "— name base64\n"
    timestamp = models.BigIntegerField()
    at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["witness", "tree_size"], name="cosigned_once")
        ]

    def __str__(self) -> str:
        return f"{self.witness} co-signed {self.tree_size}"


class WitnessKey(models.Model):
    """A witness this log accepts cosignatures from (`bairn audit witness-add`)."""

    name = models.CharField(max_length=200, unique=True)
    verifier_key = models.TextField()
    added_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.name


class AuditEventAgency(models.Model):
    """An agency whose record an event touched, other than the actor's own: an entry it
    recorded, a disclosure it made or received, a share request it sent or holds, an ISP
    it is party to. Its information governance reads that event (DOMAIN §4.7; the rule is
    bairn.audit.queries.answers_for).

    Kept beside the log rather than in it: it says who may read an event, never what the
    event was. A row names the event by `seq`."""

    seq = models.BigIntegerField()
    agency_id = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency_id", "seq"], name="audit_agency_once")
        ]

    def __str__(self) -> str:
        return f"#{self.seq} touched {self.agency_id}"


class LogCheck(models.Model):
    """The outcome of a verification of the log (`bairn audit verify`, run daily, or the
    governance page). Not part of the log: a forged row here hides nothing, as the next
    full run recomputes the tree from every event."""

    at = models.DateTimeField()
    ok = models.BooleanField()
    checked = models.BigIntegerField()
    tree_size = models.BigIntegerField(default=0)
    problem = models.TextField(blank=True)
    broken_seq = models.BigIntegerField(null=True, blank=True)
    by = models.CharField(max_length=150, blank=True)
    rate = models.FloatField(default=0)

    class Meta:
        indexes = [models.Index(fields=["at"])]

    def __str__(self) -> str:
        return f"Check at {self.at:%Y-%m-%d %H:%M}: {self.ok}"
