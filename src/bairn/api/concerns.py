"""Concerns and the chronology (API.md)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import cast

from django.http import HttpRequest
from ninja import Query, Router, Status
from pydantic import Field

from bairn.access.declare import policy
from bairn.access.lookup import CHILD, ENTRY
from bairn.access.policy import Action
from bairn.api.main import actor
from bairn.api.schemas import (
    ERRORS,
    DayOrMoment,
    Input,
    Moment,
    Output,
    Reason,
    Summary,
    Text,
    moment,
    parse_id,
    reject_unknown_query,
)
from bairn.chronology import queries, services
from bairn.chronology.models import Concern
from bairn.reference import Impact, Indicator, Significance, Source

router = Router()

Indicators = list[Indicator]


class ConcernIn(Input):
    occurred_at: Moment
    summary: Summary
    detail: Text = ""
    source: Source
    indicators: Indicators = Field(min_length=1, max_length=8)
    impact: Impact
    significance: Significance
    action_taken: Text = ""
    restricted: bool = False
    withheld_from_family: bool = False
    withheld_reason: Text = ""


class AmendmentIn(Input):
    reason: Reason
    occurred_at: Moment | None = None
    summary: Summary | None = None
    detail: Text | None = None
    source: Source | None = None
    indicators: Indicators | None = Field(default=None, min_length=1, max_length=8)
    impact: Impact | None = None
    significance: Significance | None = None
    action_taken: Text | None = None
    restricted: bool | None = None
    withheld_from_family: bool | None = None
    withheld_reason: Text | None = None


class ConcernOut(Output):
    id: uuid.UUID
    child_id: uuid.UUID
    occurred_at: dt.datetime
    recorded_at: dt.datetime
    agency_id: uuid.UUID
    agency_name: str
    recorded_by: str
    recorded_by_id: uuid.UUID
    summary: str
    detail: str
    source: str
    indicators: list[str]
    impact: str
    significance: str
    action_taken: str
    restricted: bool
    withheld_from_family: bool
    withheld_reason: str
    amends: uuid.UUID | None
    amendment_reason: str
    superseded_by: uuid.UUID | None
    visible_because: str


class ConcernDetailOut(ConcernOut):
    history: list[ConcernOut]


class ChronologyOut(Output):
    child_id: uuid.UUID
    entries: list[ConcernOut]


def concern_out(entry: Concern, visible_because: str) -> dict[str, object]:
    """An entry as the API answers it (the chronology's are built by
    `chronology.queries.chronology_entries`, in the same form). Times in UTC, as they
    are stored and as the chronology answers them, even for an entry just recorded with
    the offset it was sent with."""
    return {
        "id": entry.pk,
        "child_id": entry.child_ref,
        "occurred_at": entry.occurred_at.astimezone(dt.UTC),
        "recorded_at": entry.recorded_at.astimezone(dt.UTC),
        "agency_id": entry.agency_id,
        "agency_name": entry.agency.name,
        "recorded_by": entry.recorded_by.display_name,
        "recorded_by_id": entry.recorded_by_id,
        "summary": entry.summary,
        "detail": entry.detail,
        "source": entry.source,
        "indicators": entry.indicator_codes,
        "impact": entry.impact,
        "significance": entry.significance,
        "action_taken": entry.action_taken,
        "restricted": entry.restricted,
        "withheld_from_family": entry.withheld_from_family,
        "withheld_reason": entry.withheld_reason,
        "amends": entry.amends_id,
        "amendment_reason": entry.amendment_reason,
        "superseded_by": superseded_by(entry),
        "visible_because": visible_because,
    }


def superseded_by(entry: Concern) -> uuid.UUID | None:
    """The id of the entry that supersedes this one: annotated by the chronology's
    queries; a new entry's, none (the service says so)."""
    found = getattr(entry, "superseded_by_id", entry)
    if found is not entry:
        return cast("uuid.UUID | None", found)
    amended_by = getattr(entry, "amended_by", None)
    return amended_by.pk if amended_by else None


@router.post("/children/{child_id}/concerns", response={201: ConcernOut, **ERRORS})
@policy(Action.CONCERN_CREATE, lookup=CHILD)
def record_concern(
    request: HttpRequest, child_id: str, payload: ConcernIn
) -> Status[dict[str, object]]:
    """Record a wellbeing concern. Entries are never edited: correct one with an amendment."""
    data = payload.model_dump()
    entry = services.record_concern(actor(request), parse_id(child_id), **data)
    return Status(201, concern_out(entry, "own_agency"))


@router.post("/concerns/{concern_id}/amendments", response={201: ConcernOut, **ERRORS})
@policy(Action.CONCERN_AMEND, lookup=ENTRY)
def amend_concern(
    request: HttpRequest, concern_id: str, payload: AmendmentIn
) -> Status[dict[str, object]]:
    """A new entry that supersedes the old; the old stays readable in the history."""
    changes = payload.model_dump(exclude_unset=True)
    reason = changes.pop("reason")
    entry = services.amend_concern(actor(request), parse_id(concern_id), reason=reason, **changes)
    return Status(201, concern_out(entry, "own_agency"))


@router.get("/concerns/{concern_id}", response={200: ConcernDetailOut, **ERRORS})
@policy(Action.CONCERN_READ, lookup=ENTRY)
def get_concern(request: HttpRequest, concern_id: str) -> dict[str, object]:
    """One entry, with the versions it superseded (oldest first)."""
    seen, history = queries.concern(actor(request), parse_id(concern_id))
    out = concern_out(seen.entry, seen.visible_because)
    out["history"] = [concern_out(old, seen.visible_because) for old in history]
    return out


class ChronologyFilter(Input):
    indicator: list[Indicator] = Field(default_factory=list)
    significance: list[Significance] = Field(default_factory=list)
    impact: list[Impact] = Field(default_factory=list)
    agency_id: uuid.UUID | None = None
    from_: DayOrMoment | None = Field(default=None, alias="from")
    to: DayOrMoment | None = None
    include_superseded: bool = False


@router.get("/children/{child_id}/chronology", response={200: ChronologyOut, **ERRORS})
@policy(Action.CHRONOLOGY_READ, lookup=CHILD)
def chronology(
    request: HttpRequest, child_id: str, filters: Query[ChronologyFilter]
) -> dict[str, object]:
    """The multi-agency chronology, in date order, as the caller may see it. Each entry
    says why the caller may see it (`own_agency`, or `disclosure:<id>`). Filters:
    `indicator`, `significance` and `impact` (each repeatable), `agency_id`, `from` and
    `to` (dates include the whole day), `include_superseded`."""
    reject_unknown_query(request, ChronologyFilter)
    child = parse_id(child_id)
    entries = queries.chronology_entries(
        actor(request),
        child,
        indicators=[i.value for i in filters.indicator],
        significance=[s.value for s in filters.significance],
        impact=[i.value for i in filters.impact],
        agency_id=filters.agency_id,
        date_from=moment(filters.from_),
        date_to=moment(filters.to, end=True),
        include_superseded=filters.include_superseded,
    )
    return {"child_id": child, "entries": entries}
