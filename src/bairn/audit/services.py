"""Appending to the audit log (DOMAIN §4.7). The tree, the checkpoints and their
verification are in bairn.audit.log."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import connections, transaction
from django.utils import timezone

from bairn.audit.models import AuditEvent, AuditEventAgency, PendingEvent

if TYPE_CHECKING:
    from bairn.agencies.models import Practitioner

ALLOWED = AuditEvent.Outcome.ALLOWED
REFUSED = AuditEvent.Outcome.REFUSED


def _plain(text: str) -> str:
    """A field as the log's canonical line holds it: no tab, which separates the fields
    (bairn.audit.log.LEAF_LINE), so no two different events share a line."""
    return text.replace("\t", " ")


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
    """Append one event to the log (DOMAIN §4.7).

    An event names records by their ids (`object`, and ids in `reason`), never by their
    text: no summary, detail, justification or name of a child or family member.
    `record_agencies` are the agencies whose records the event touched; with the actor's
    agency they are the ones whose information governance reads it.

    Runs in the caller's transaction when there is one, so a write and its audit event
    commit or roll back together. Refusals are recorded by the access policy outside any
    write transaction, so they survive the refused request. Nothing here locks what
    another request needs: the database numbers the event, and the sequencer
    (bairn.audit.log.seal) gives it its place in the tree once it has committed.
    """
    event = AuditEvent(
        at=timezone.now(),
        actor_id=str(actor.pk) if actor is not None else "",
        actor=_plain(actor.get_username() if actor is not None else actor_name),
        agency_id=str(actor.agency_id) if actor is not None and actor.agency_id else "",
        action=_plain(action),
        object=_plain(object[:120]),
        child_id=_plain(str(child_id)) if child_id else "",
        purpose=_plain(purpose),
        outcome=outcome,
        reason=_plain(reason),
        flagged=flagged,
    )
    touched = sorted({str(a) for a in record_agencies if a} - {event.agency_id})
    if connections["default"].in_atomic_block:
        _append(event, touched)
    else:
        with transaction.atomic(using="default"):
            _append(event, touched)
    return event


def _append(event: AuditEvent, touched: list[str]) -> None:
    event.save(force_insert=True)
    PendingEvent.objects.create(seq=event.seq)
    if touched:
        AuditEventAgency.objects.bulk_create(
            [AuditEventAgency(seq=event.seq, agency_id=a) for a in touched]
        )


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
