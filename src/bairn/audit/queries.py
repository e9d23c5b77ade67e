"""Reading the audit, for information governance (DOMAIN §1, §4.7)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING

from django.db.models import Q

from bairn import pagination
from bairn.access.policy import Action, authorize
from bairn.agencies.models import Practitioner
from bairn.audit.models import AuditEvent, AuditEventAgency
from bairn.errors import Invalid
from bairn.pagination import Page

if TYPE_CHECKING:
    from bairn.audit.log import Inclusion

MAX_EVENTS = 5000
DEFAULT_PAGE = 200
CURSOR = "audit"


def answers_for(agency_id: uuid.UUID | str) -> Q:
    """The events an agency's information governance reads (Action.AUDIT_READ's list
    filter, DOMAIN §4.7): those of the agency's own staff, and those that touched the
    agency's own records — its entries, the disclosures it made or received, the share
    requests it sent or holds, its ISPs (AuditEventAgency). Nothing else: not another
    agency's reads of a child both work with, nor another agency's entries."""
    agency = str(agency_id)
    touched = AuditEventAgency.objects.filter(agency_id=agency).values("seq")
    return Q(agency_id=agency) | Q(seq__in=touched)


def _answered_for(
    agency_id: uuid.UUID | str, wanted: Q, limit: int, before: int | None
) -> list[AuditEvent]:
    """The first `limit` events of `answers_for` that match `wanted`, newest first, below
    `before`: read as two queries, each along an index ending in `seq` — the agency's
    own people's events by (agency_id, seq), then those that touched its records by
    AuditEventAgency's (agency_id, seq), only as far down as the first query reached
    when it filled the page. The OR of the two is, on PostgreSQL, a scan of the whole
    log or a hash of every event that ever touched the agency, on every page."""
    agency = str(agency_id)
    below = Q(seq__lt=before) if before is not None else Q()
    # The old chain's hashes are no part of what the audit shows.
    shown = AuditEvent.objects.defer("prev_hash", "hash")
    own = list(shown.filter(wanted, below, agency_id=agency).order_by("-seq")[:limit])
    above = Q(seq__gt=own[-1].seq) if len(own) == limit else Q()
    touched = AuditEventAgency.objects.filter(below, above, agency_id=agency).values("seq")
    others = shown.filter(wanted, below, above, seq__in=touched).order_by("-seq")
    found = {e.seq: e for e in own} | {e.seq: e for e in others[:limit]}
    return sorted(found.values(), key=lambda e: -e.seq)[:limit]


def _uuid_or_none(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


def is_cursor(cursor: str) -> bool:
    """Whether this is a cursor `events_page` gave (a page's link may be mangled)."""
    try:
        pagination.decode_number(CURSOR, cursor)
    except Invalid:
        return False
    return True


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
    return events_page(
        actor,
        child_id=child_id,
        who=who,
        date_from=date_from,
        date_to=date_to,
        action=action,
        outcome=outcome,
        limit=limit,
    ).items


def events_page(
    actor: Practitioner,
    *,
    child_id: uuid.UUID | None = None,
    who: str | None = None,
    date_from: dt.datetime | None = None,
    date_to: dt.datetime | None = None,
    action: str | None = None,
    outcome: str | None = None,
    limit: int = DEFAULT_PAGE,
    cursor: str | None = None,
) -> Page[AuditEvent]:
    """A page of `events`, newest first by `seq`, and the cursor of the next (older)
    page, None on the last (bairn.pagination). A cursor only says where to start: the
    events are those the actor answers for whatever it says."""
    if date_from and date_to and date_from > date_to:
        raise Invalid({"from": "The start of the period is after its end."})
    if isinstance(limit, bool) or not 1 <= limit <= MAX_EVENTS:
        raise Invalid({"limit": f"Ask for between 1 and {MAX_EVENTS} events."})
    before = pagination.decode_number(CURSOR, cursor) if cursor else None
    # The child is a filter of the events, not a read of the child's record: the rule
    # does not depend on it, and the route reaches no child (the object names it).
    authorize(
        actor, Action.AUDIT_READ, object=f"audit?child_id={child_id}" if child_id else "audit"
    )
    if actor.agency_id is None:
        return Page([], None)
    wanted = Q()
    if child_id:
        wanted &= Q(child_id=str(child_id))
    if who:
        # A practitioner's id, or else a username: one index each, not the OR of two.
        as_id = _uuid_or_none(who)
        wanted &= Q(actor_id=str(as_id)) if as_id else Q(actor=who)
    if date_from:
        wanted &= Q(at__gte=date_from)
    if date_to:
        wanted &= Q(at__lt=date_to)
    if action:
        wanted &= Q(action=action)
    if outcome:
        wanted &= Q(outcome=outcome)
    rows, more = pagination.cut(_answered_for(actor.agency_id, wanted, limit + 1, before), limit)
    return Page(rows, pagination.encode_number(CURSOR, rows[-1].seq) if more else None)


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
