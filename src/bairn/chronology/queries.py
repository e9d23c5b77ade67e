"""Reading the chronology, already filtered by the access policy (DOMAIN §4.3)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from bairn.access.policy import (
    Action,
    authorize,
    involvement_bases,
    own_entries,
    visible_because,
    visible_entries,
)
from bairn.agencies.models import Practitioner
from bairn.chronology.models import Concern, ConcernIndicator
from bairn.errors import Invalid
from bairn.people.models import Child
from bairn.sharing.engine import entry_disclosures


@dataclass(frozen=True)
class Seen:
    entry: Concern
    visible_because: str


def _with_relations(qs: QuerySet[Concern]) -> QuerySet[Concern]:
    return qs.select_related("agency", "recorded_by", "amended_by").prefetch_related(
        Prefetch("indicators", queryset=ConcernIndicator.objects.order_by("id"))
    )


def chronology(
    actor: Practitioner,
    child_id: uuid.UUID,
    *,
    indicators: Sequence[str] = (),
    significance: Sequence[str] = (),
    impact: Sequence[str] = (),
    agency_id: uuid.UUID | None = None,
    date_from: dt.datetime | None = None,
    date_to: dt.datetime | None = None,
    include_superseded: bool = False,
) -> list[Seen]:
    """The multi-agency chronology as this actor may see it, in date order (DOMAIN §2)."""
    if date_from and date_to and date_from > date_to:
        raise Invalid({"from": "The start of the period is after its end."})
    authorize(actor, Action.CHRONOLOGY_READ, child_id=child_id, object=f"child:{child_id}")
    qs = Concern.objects.filter(child_ref=child_id).filter(visible_entries(actor))
    if not include_superseded:
        qs = qs.filter(amended_by__isnull=True)
    if indicators:
        qs = qs.filter(indicators__indicator__in=list(indicators)).distinct()
    if significance:
        qs = qs.filter(significance__in=list(significance))
    if impact:
        qs = qs.filter(impact__in=list(impact))
    if agency_id:
        qs = qs.filter(agency_id=agency_id)
    if date_from:
        qs = qs.filter(occurred_at__gte=date_from)
    if date_to:
        qs = qs.filter(occurred_at__lt=date_to)
    entries = _with_relations(qs).order_by("occurred_at", "recorded_at")
    disclosures = entry_disclosures(actor, child_id)
    return [Seen(e, visible_because(actor, e, disclosures)) for e in entries]


def concern(actor: Practitioner, concern_id: uuid.UUID) -> tuple[Seen, list[Concern]]:
    """One entry with its history: the versions it amended, oldest first."""
    found = _with_relations(Concern.objects.filter(pk=concern_id)).first()
    authorize(actor, Action.CONCERN_READ, record=found, object=f"concern:{concern_id}")
    assert found is not None
    history: list[Concern] = []
    cursor = found.amends_id
    # Someone who only recorded sees the versions they recorded, nothing more (§4.1).
    involved = bool(involvement_bases(actor, found.child_ref))
    visible = Concern.objects.filter(visible_entries(actor) if involved else own_entries(actor))
    while cursor is not None:
        previous = _with_relations(visible.filter(pk=cursor)).first()
        if previous is None:
            break  # an earlier version that was not shared with the actor's agency
        history.append(previous)
        cursor = previous.amends_id
    history.reverse()
    disclosures = entry_disclosures(actor, found.child_ref)
    return Seen(found, visible_because(actor, found, disclosures)), history


def told_of(entry: Concern) -> list[Practitioner]:
    """Who was told of an entry when it was recorded (DOMAIN §5), for the recorder's
    confirmation: the Named Person, the Lead Professional, seniors for child protection."""
    from bairn.notify.models import Notification

    told = Notification.objects.filter(
        child_ref=entry.child_ref, data__concern_id=str(entry.pk)
    ).select_related("recipient__agency")
    unique = {n.recipient_id: n.recipient for n in told}
    return list(unique.values())


def child_name(actor: Practitioner, entry: Concern) -> str:
    """The name of the child an entry is about, for someone who may read the entry (the
    recorder knew it: they chose the child to record about)."""
    authorize(actor, Action.CONCERN_READ, record=entry, object=f"concern:{entry.pk}")
    found = Child.objects.filter(pk=entry.child_ref).only("given_name", "family_name").first()
    return f"{found.given_name} {found.family_name}" if found else ""


def releases_restricted(
    agency_id: uuid.UUID | None, child_id: uuid.UUID | None, entry_ids: Sequence[uuid.UUID] | None
) -> bool:
    """Whether sharing these entries (None: every current one) of the agency's about the
    child would release a restricted entry: the API then asks for a fresh two-factor code
    (api/stepup.py). It says nothing to the caller, only whether to ask."""
    if agency_id is None or child_id is None:
        return False
    qs = Concern.objects.filter(
        agency_id=agency_id, child_ref=child_id, restricted=True, amended_by__isnull=True
    )
    if entry_ids is not None:
        qs = qs.filter(pk__in=list(entry_ids))
    return qs.exists()
