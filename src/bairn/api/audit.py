"""The audit, for information governance (API.md "Transparency and audit")."""

from __future__ import annotations

import datetime as dt
import uuid

from django.http import HttpRequest
from ninja import Query, Router
from pydantic import Field

from bairn.access.declare import policy
from bairn.access.lookup import QUERY
from bairn.access.policy import Action
from bairn.api.main import actor
from bairn.api.schemas import ERRORS, DayOrMoment, Input, moment, reject_unknown_query
from bairn.audit import queries
from bairn.audit.models import AuditEvent

router = Router()


class AuditFilter(Input):
    child_id: uuid.UUID | None = None
    actor: str | None = Field(default=None, max_length=150)
    from_: DayOrMoment | None = Field(default=None, alias="from")
    to: DayOrMoment | None = None
    action: str | None = Field(default=None, max_length=60)
    outcome: AuditEvent.Outcome | None = None
    limit: int = 1000


class EventOut(Input):
    id: int
    at: dt.datetime
    actor: str
    actor_id: str
    agency_id: str
    action: str
    object: str
    child_id: str
    purpose: str
    outcome: str
    reason: str
    flagged: bool
    hash: str


class EventsOut(Input):
    events: list[EventOut]


@router.get("", response={200: EventsOut, **ERRORS})
@policy(Action.AUDIT_READ, lookup=QUERY)
def audit_events(request: HttpRequest, filters: Query[AuditFilter]) -> dict[str, object]:
    """Every read and write, allowed and refused, newest first, that the caller's agency
    answers for: those of its own people, and those that touched its own records (its
    entries, the disclosures it made or received, its share requests and ISPs) —
    nothing else (bairn.audit.queries.answers_for). `actor` is a username or a
    practitioner id."""
    reject_unknown_query(request, AuditFilter)
    found = queries.events(
        actor(request),
        child_id=filters.child_id,
        who=filters.actor,
        date_from=moment(filters.from_),
        date_to=moment(filters.to, end=True),
        action=filters.action,
        outcome=filters.outcome.value if filters.outcome else None,
        limit=filters.limit,
    )
    return {
        "events": [
            {
                "id": e.seq,
                "at": e.at,
                "actor": e.actor,
                "actor_id": e.actor_id,
                "agency_id": e.agency_id,
                "action": e.action,
                "object": e.object,
                "child_id": e.child_id,
                "purpose": e.purpose,
                "outcome": e.outcome,
                "reason": e.reason,
                "flagged": e.flagged,
                "hash": e.hash,
            }
            for e in found
        ]
    }
