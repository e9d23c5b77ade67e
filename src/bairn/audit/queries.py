"""Reading the audit, for information governance (DOMAIN §1, §4.7)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING

from django.db.models import Q

from bairn.access.policy import Action, authorize
from bairn.agencies.models import Practitioner
from bairn.audit.models import AuditEvent, AuditEventAgency
from bairn.errors import Invalid

if TYPE_CHECKING:
    from bairn.audit.log import Inclusion

MAX_EVENTS = 5000


def answers_for(agency_id: uuid.UUID | str) -> Q:
    """The events an agency's information governance reads (Action.AUDIT_READ's list
    filter, DOMAIN §4.7): those of the agency's own staff, and those that touched the
    agency's own records — its entries, the disclosures it made or received, the share
    requests it sent or holds, its ISPs (AuditEventAgency). Nothing else: not another
    agency's reads of a child both work with, nor another agency's entries."""
    agency = str(agency_id)
    touched = AuditEventAgency.objects.filter(agency_id=agency).values("seq")
    return Q(agency_id=agency) | Q(seq__in=touched)


def events(
    actor: Practitioner,
    *,
    child_id: uuid.UUID | None = None,
    who: str | None = None,
    date_from: dt.datetime | None = None,
    date_to: dt.datetime | None = None,
    action: str | None = None,
    outcome: str | None = None,
    limit: int = 1000,
) -> list[AuditEvent]:
    """Events an information governance lead answers for, newest first: those of their
    agency's people, and those that touched their agency's records (`answers_for`)."""
    if date_from and date_to and date_from > date_to:
        raise Invalid({"from": "The start of the period is after its end."})
    if not 1 <= limit <= MAX_EVENTS:
        raise Invalid({"limit": f"Ask for between 1 and {MAX_EVENTS} events."})
    # The child is a filter of the events, not a read of the child's record: the rule
    # does not depend on it, and the route reaches no child (the object names it).
    authorize(
        actor, Action.AUDIT_READ, object=f"audit?child_id={child_id}" if child_id else "audit"
    )
    if actor.agency_id is None:
        return []
    qs = AuditEvent.objects.filter(answers_for(actor.agency_id))
    if child_id:
        qs = qs.filter(child_id=str(child_id))
    if who:
        qs = qs.filter(Q(actor=who) | Q(actor_id=who))
    if date_from:
        qs = qs.filter(at__gte=date_from)
    if date_to:
        qs = qs.filter(at__lt=date_to)
    if action:
        qs = qs.filter(action=action)
    if outcome:
        qs = qs.filter(outcome=outcome)
    return list(qs.order_by("-seq")[:limit])


def actions_seen() -> list[str]:
    """The names of the actions the audit holds, for the viewer's filter: only the names,
    which say nothing about anyone (the events themselves come from `events`). A scan of
    the log: fine at today's size."""
    return sorted(set(AuditEvent.objects.order_by().values_list("action", flat=True).distinct()))


def proof_for(actor: Practitioner, seq: int, tree_size: int | None = None) -> Inclusion:
    """An event's inclusion proof (API.md "Audit log"), for the information governance of
    an agency that answers for the event (`answers_for`); any other event is not found."""
    from bairn.access.policy import NotVisible
    from bairn.audit import log

    authorize(actor, Action.AUDIT_READ, object=f"audit-event:{seq}")
    if (
        actor.agency_id is None
        or not AuditEvent.objects.filter(answers_for(actor.agency_id), seq=seq).exists()
    ):
        raise NotVisible(f"audit event {seq}")
    return log.inclusion(seq, tree_size)
