"""Appending to the audit chain, and verifying it (DOMAIN §4.7)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from bairn.audit.models import GENESIS_HASH, AuditEvent, AuditEventAgency, AuditHead, ChainCheck

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
    record_agencies: Iterable[object] = (),
) -> AuditEvent:
    """Append one event to the chain (DOMAIN §4.7).

    An event names records by their ids (`object`, and ids in `reason`), never by their
    text: no summary, detail, justification or name of a child or family member.
    `record_agencies` are the agencies whose records the event touched; with the actor's
    agency they are the ones whose information governance reads it.

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
        touched = {str(a) for a in record_agencies if a} - {event.agency_id}
        if touched:
            AuditEventAgency.objects.bulk_create(
                [AuditEventAgency(seq=event.seq, agency_id=a) for a in sorted(touched)]
            )
    return event


def agencies_of(record: object) -> list[object]:
    """The agencies a record belongs to, as an event touching it names them: an entry's
    recording agency, a disclosure's two agencies, a share request's two, an ISP's
    parties. Anything else belongs to no agency in particular."""
    if record is None:
        return []
    found: list[object] = [
        getattr(record, name)
        for name in (
            "agency_id",
            "from_agency_id",
            "to_agency_id",
            "requesting_agency_id",
            "holder_agency_id",
        )
        if getattr(record, name, None)
    ]
    parties = getattr(record, "parties", None)
    if parties is not None and getattr(record, "pk", None) is not None:
        found += list(parties.values_list("agency_id", flat=True))
    return found


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
    head_seq: int = 0
    # Where the walk began: 0 for the whole chain, or the end of an earlier full check.
    after_seq: int = 0


def _events(after_seq: int | None = None, chunk: int = 2000) -> Iterator[AuditEvent]:
    """Every event (a whole check must see even one forged before the first), or those
    after a checkpoint."""
    events = AuditEvent.objects.all()
    if after_seq is not None:
        events = events.filter(seq__gt=after_seq)
    return events.order_by("seq").iterator(chunk_size=chunk)


def verify(
    progress: Callable[[int], None] | None = None, *, since: ChainCheck | None = None
) -> Verification:
    """Walk the chain from the first event — or, `since` an earlier full check that held,
    from where that one ended — each event must follow its predecessor, hash to what it
    says, and the last must be the head. The first break is reported (DOMAIN §4.7)."""
    after_seq = since.head_seq if since is not None else 0
    prev = since.head_hash if since is not None else GENESIS_HASH
    if since is not None and after_seq:
        anchor = AuditEvent.objects.filter(seq=after_seq).first()
        if anchor is None or anchor.hash != prev or anchor.compute_hash() != anchor.hash:
            return Verification(
                False,
                0,
                f"event #{after_seq}: is not the event the last full check ended at "
                "(changed or removed since)",
                after_seq,
                after_seq=after_seq,
            )
    expected_seq = after_seq + 1
    checked = 0

    def broken(problem: str, seq: int, held: int | None = None) -> Verification:
        return Verification(
            False, checked if held is None else held, problem, seq, after_seq=after_seq
        )

    for event in _events(after_seq if since is not None else None):
        if event.seq != expected_seq:
            kind = "removed" if event.seq > expected_seq else "inserted"
            return broken(
                f"event #{event.seq}: expected #{expected_seq} here; an event was {kind} before it",
                event.seq,
            )
        if event.prev_hash != prev:
            return broken(
                f"event #{event.seq}: does not follow the event before it "
                "(an event before it was changed, removed or inserted)",
                event.seq,
            )
        if event.compute_hash() != event.hash:
            return broken(f"event #{event.seq}: its contents were changed", event.seq)
        prev = event.hash
        expected_seq += 1
        checked += 1
        if progress is not None:
            progress(checked)
    last = after_seq + checked
    head = AuditHead.objects.filter(id=1).first() or AuditHead(seq=0, hash=GENESIS_HASH)
    if head.seq > last:
        return broken(
            f"the chain ends at event #{last} but the head records event #{head.seq}: "
            "events were removed from the end",
            last + 1,
        )
    if head.seq < last:
        return broken(
            f"event #{head.seq + 1}: beyond the recorded end of the chain "
            f"(#{head.seq}): events were added after it",
            head.seq + 1,
            held=head.seq - after_seq,
        )
    if head.hash != prev:
        return broken(
            f"event #{head.seq}: is not the event the head recorded (replaced or forged)",
            head.seq,
            held=checked - 1,
        )
    return Verification(True, checked, head_hash=prev, head_seq=last, after_seq=after_seq)


def record_check(result: Verification, *, full: bool, by: str) -> ChainCheck:
    """Keep the outcome of a verification: the governance page then checks only what was
    added since the last full check that held, and shows when that was."""
    return ChainCheck.objects.create(
        at=timezone.now(),
        full=full,
        ok=result.ok,
        checked=result.checked,
        head_seq=result.head_seq,
        head_hash=result.head_hash,
        problem=result.problem,
        broken_seq=result.broken_seq,
        by=by,
    )


def last_full_check() -> ChainCheck | None:
    return ChainCheck.objects.filter(full=True).order_by("-at").first()
