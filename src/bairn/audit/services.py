"""Appending to the audit chain, and verifying it (DOMAIN §4.7)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from bairn.audit.models import GENESIS_HASH, AuditEvent, AuditHead

if TYPE_CHECKING:
    from bairn.agencies.models import Practitioner

ALLOWED = AuditEvent.Outcome.ALLOWED
REFUSED = AuditEvent.Outcome.REFUSED


def record(
    *,
    actor: Practitioner | None,
    action: str,
    outcome: str = ALLOWED,
    object: str = "",
    child_id: object = "",
    purpose: str = "",
    reason: str = "",
    flagged: bool = False,
    actor_name: str = "",
) -> AuditEvent:
    """Append one event to the chain (DOMAIN §4.7).

    Runs in the caller's transaction when there is one, so a write and its audit event
    commit or roll back together. Refusals are recorded by the access policy outside any
    write transaction, so they survive the refused request.
    """
    with transaction.atomic(using="default"):
        head = _head_for_update()
        event = AuditEvent(
            seq=head.seq + 1,
            at=timezone.now(),
            actor_id=str(actor.pk) if actor is not None else "",
            actor=actor.get_username() if actor is not None else actor_name,
            agency_id=str(actor.agency_id) if actor is not None and actor.agency_id else "",
            action=action,
            object=object[:120],
            child_id=str(child_id) if child_id else "",
            purpose=purpose,
            outcome=outcome,
            reason=reason,
            flagged=flagged,
            prev_hash=head.hash,
        )
        event.hash = event.compute_hash()
        event.save(force_insert=True)
        AuditHead.objects.filter(id=1).update(seq=event.seq, hash=event.hash)
    return event


def _head_for_update() -> AuditHead:
    head = AuditHead.objects.select_for_update().filter(id=1).first()
    if head is None:
        # First event (or a flushed test database): start from the last event, if any.
        last = AuditEvent.objects.order_by("-seq").first()
        head = AuditHead.objects.create(
            id=1,
            seq=last.seq if last else 0,
            hash=last.hash if last else GENESIS_HASH,
        )
    return head


@dataclass(frozen=True)
class Verification:
    ok: bool
    checked: int
    problem: str = ""
    broken_seq: int | None = None
    head_hash: str = GENESIS_HASH


def _events(chunk: int = 2000) -> Iterator[AuditEvent]:
    return AuditEvent.objects.order_by("seq").iterator(chunk_size=chunk)


def verify(progress: Callable[[int], None] | None = None) -> Verification:
    """Walk the chain from the first event: each must follow its predecessor, hash to
    what it says, and the last must be the head. The first break is reported."""
    expected_seq = 1
    prev = GENESIS_HASH
    checked = 0
    for event in _events():
        if event.seq != expected_seq:
            kind = "removed" if event.seq > expected_seq else "inserted"
            return Verification(
                False,
                checked,
                f"event #{event.seq}: expected #{expected_seq} here; an event was {kind} before it",
                event.seq,
            )
        if event.prev_hash != prev:
            return Verification(
                False,
                checked,
                f"event #{event.seq}: does not follow the event before it "
                "(an event before it was changed, removed or inserted)",
                event.seq,
            )
        if event.compute_hash() != event.hash:
            return Verification(
                False, checked, f"event #{event.seq}: its contents were changed", event.seq
            )
        prev = event.hash
        expected_seq += 1
        checked += 1
        if progress is not None:
            progress(checked)
    head = AuditHead.objects.filter(id=1).first() or AuditHead(seq=0, hash=GENESIS_HASH)
    if head.seq > checked:
        return Verification(
            False,
            checked,
            f"the chain ends at event #{checked} but the head records event #{head.seq}: "
            "events were removed from the end",
            checked + 1,
        )
    if head.seq < checked:
        return Verification(
            False,
            head.seq,
            f"event #{head.seq + 1}: beyond the recorded end of the chain "
            f"(#{head.seq}): events were added after it",
            head.seq + 1,
        )
    if head.hash != prev:
        return Verification(
            False,
            checked - 1,
            f"event #{head.seq}: is not the event the head recorded (replaced or forged)",
            head.seq,
        )
    return Verification(True, checked, head_hash=prev)
