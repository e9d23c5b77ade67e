"""Reading the audit, for information governance (DOMAIN §1, §4.7)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import connection
from django.db.models import CharField, F, Q, Value
from django.db.models.functions import Cast, Replace
from django.db.models.lookups import In

from bairn.access.policy import Action, authorize
from bairn.agencies.models import Involvement, Practitioner
from bairn.audit.models import AuditEvent
from bairn.errors import Invalid

MAX_EVENTS = 5000


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
    agency's people, and those about children their agency works with."""
    if date_from and date_to and date_from > date_to:
        raise Invalid({"from": "The start of the period is after its end."})
    if not 1 <= limit <= MAX_EVENTS:
        raise Invalid({"limit": f"Ask for between 1 and {MAX_EVENTS} events."})
    authorize(actor, Action.AUDIT_READ, child_id=child_id, object="audit")
    if actor.agency_id is None:
        return []
    qs = AuditEvent.objects.filter(
        Q(agency_id=str(actor.agency_id)) | _about_known_children(actor.agency_id)
    )
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


def _about_known_children(agency_id: uuid.UUID) -> Q:
    """Events about the children the actor's agency works with or recorded about, as a
    subquery in the database rather than a list in memory: an agency may know tens of
    thousands of children, more than SQLite takes as parameters of one query.

    The audit keeps a child's id as text (`str(uuid)`); the stores keep it as a UUID —
    on PostgreSQL a uuid, compared here as text; on SQLite 32 hex digits without hyphens.
    """
    from bairn.chronology.models import Concern

    involved = Involvement.objects.filter(practitioner__agency_id=agency_id)
    recorded = Concern.objects.filter(agency_id=agency_id)
    if connection.vendor == "postgresql":
        return Q(
            child_id__in=involved.annotate(ref=Cast("child_ref", CharField())).values("ref")
        ) | Q(child_id__in=recorded.annotate(ref=Cast("child_ref", CharField())).values("ref"))
    hex_id = Replace(F("child_id"), Value("-"), Value(""))
    return Q(In(hex_id, involved.values("child_ref"))) | Q(In(hex_id, recorded.values("child_ref")))
