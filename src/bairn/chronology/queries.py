"""Reading the chronology, already filtered by the access policy (DOMAIN §4.3)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from bairn.access.policy import Action, authorize, visible_because, visible_entries
from bairn.agencies.models import Practitioner
from bairn.chronology.models import Concern, ConcernIndicator
from bairn.errors import Invalid
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
    visible = Concern.objects.filter(visible_entries(actor))
    while cursor is not None:
        previous = _with_relations(visible.filter(pk=cursor)).first()
        if previous is None:
            break  # an earlier version that was not shared with the actor's agency
        history.append(previous)
        cursor = previous.amends_id
    history.reverse()
    disclosures = entry_disclosures(actor, found.child_ref)
    return Seen(found, visible_because(actor, found, disclosures)), history
