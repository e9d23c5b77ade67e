"""Reading the chronology, already filtered by the access policy (DOMAIN §4.3)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from django.db.models import Exists, F, OuterRef, Prefetch, QuerySet

from bairn.access.policy import (
    Action,
    authorize,
    involvement_bases,
    own_entries,
    visible_because,
    visible_entries,
)
from bairn.agencies.models import Agency, Practitioner
from bairn.chronology.models import Concern, ConcernIndicator
from bairn.errors import Invalid
from bairn.people.models import Child
from bairn.sharing.engine import entry_disclosures


@dataclass(frozen=True)
class Seen:
    entry: Concern
    visible_because: str


def _with_relations(qs: QuerySet[Concern]) -> QuerySet[Concern]:
    """Entries with what is shown of them: agency, recorder, indicators, and the id of
    the entry that supersedes each (`superseded_by_id`; not that whole entry)."""
    return (
        qs.select_related("agency", "recorded_by")
        .annotate(superseded_by_id=F("amended_by"))
        .prefetch_related(Prefetch("indicators", queryset=ConcernIndicator.objects.order_by("id")))
    )


def _visible(
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
) -> QuerySet[Concern]:
    """The entries of the chronology this actor may see, filtered, in date order: checked
    and audited once, whichever form the caller reads them in."""
    if date_from and date_to and date_from > date_to:
        raise Invalid({"from": "The start of the period is after its end."})
    authorize(actor, Action.CHRONOLOGY_READ, child_id=child_id, object=f"child:{child_id}")
    qs = Concern.objects.filter(child_ref=child_id).filter(visible_entries(actor, child_id))
    if not include_superseded:
        # NOT EXISTS, not `amended_by__isnull` (a LEFT JOIN that PostgreSQL may answer by
        # walking the whole amends index): one probe of that index per entry.
        qs = qs.filter(~Exists(Concern.objects.filter(amends_id=OuterRef("pk"))))
    if indicators:
        qs = qs.filter(
            Exists(
                ConcernIndicator.objects.filter(
                    concern_id=OuterRef("pk"), indicator__in=list(indicators)
                )
            )
        )
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
    return qs.order_by("occurred_at", "recorded_at")


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
    qs = _visible(
        actor,
        child_id,
        indicators=indicators,
        significance=significance,
        impact=impact,
        agency_id=agency_id,
        date_from=date_from,
        date_to=date_to,
        include_superseded=include_superseded,
    )
    disclosures = entry_disclosures(actor, child_id)
    return [Seen(e, visible_because(actor, e, disclosures)) for e in _with_relations(qs)]


# The columns of an entry the API answers with (api/concerns.py ConcernOut); the names of
# its agency and recorder are looked up once for all the entries.
ENTRY_COLUMNS = (
    "id",
    "child_ref",
    "occurred_at",
    "recorded_at",
    "agency_id",
    "recorded_by_id",
    "summary",
    "detail",
    "source",
    "impact",
    "significance",
    "action_taken",
    "restricted",
    "withheld_from_family",
    "withheld_reason",
    "amends_id",
    "amendment_reason",
)


@dataclass(frozen=True, slots=True)
class _Ref:
    """What `visible_because` reads of an entry, for a row that is not a model instance."""

    pk: uuid.UUID
    agency_id: uuid.UUID


def chronology_entries(
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
) -> list[dict[str, Any]]:
    """The same chronology as `chronology()`, as the API answers it: one dict an entry
    with exactly the fields of an entry (API.md), and no model instances. Read in five
    queries whatever its length: the entries; the indicators of the child's entries (one
    join on the child: at national scale cheaper than a subquery for each entry, or a
    list of hundreds of ids); the disclosures that let the actor see them; the names of
    their agencies, and of their recorders (looked up by id, not joined: a plan never
    reads the whole practitioner table)."""
    qs = _visible(
        actor,
        child_id,
        indicators=indicators,
        significance=significance,
        impact=impact,
        agency_id=agency_id,
        date_from=date_from,
        date_to=date_to,
        include_superseded=include_superseded,
    )
    columns: dict[str, Any] = {}
    if include_superseded:
        columns["superseded"] = F("amended_by")  # otherwise none of them is superseded
    rows = list(qs.values(*ENTRY_COLUMNS, **columns))
    codes = indicator_codes(child_id)
    disclosures = entry_disclosures(actor, child_id)
    agencies = dict(
        Agency.objects.filter(pk__in={r["agency_id"] for r in rows}).values_list("pk", "name")
    )
    people = {
        pk: full_name or username
        for pk, full_name, username in Practitioner.objects.filter(
            pk__in={r["recorded_by_id"] for r in rows}
        ).values_list("pk", "full_name", "username")
    }
    return [
        {
            "id": row["id"],
            "child_id": row["child_ref"],
            "occurred_at": row["occurred_at"],
            "recorded_at": row["recorded_at"],
            "agency_id": row["agency_id"],
            "agency_name": agencies[row["agency_id"]],
            "recorded_by": people[row["recorded_by_id"]],
            "recorded_by_id": row["recorded_by_id"],
            "summary": row["summary"],
            "detail": row["detail"],
            "source": row["source"],
            "indicators": codes.get(row["id"], []),
            "impact": row["impact"],
            "significance": row["significance"],
            "action_taken": row["action_taken"],
            "restricted": row["restricted"],
            "withheld_from_family": row["withheld_from_family"],
            "withheld_reason": row["withheld_reason"],
            "amends": row["amends_id"],
            "amendment_reason": row["amendment_reason"],
            "superseded_by": row.get("superseded"),
            "visible_because": visible_because(
                actor, cast("Concern", _Ref(row["id"], row["agency_id"])), disclosures
            ),
        }
        for row in rows
    ]


def indicator_codes(child_id: uuid.UUID) -> dict[uuid.UUID, list[str]]:
    """The indicators of each of the child's entries, in the order they were recorded, in
    one query."""
    codes: dict[uuid.UUID, list[str]] = {}
    pairs = (
        ConcernIndicator.objects.filter(concern__child_ref=child_id)
        .order_by("id")
        .values_list("concern_id", "indicator")
    )
    for concern_id, code in pairs:
        codes.setdefault(concern_id, []).append(code)
    return codes


def concern(actor: Practitioner, concern_id: uuid.UUID) -> tuple[Seen, list[Concern]]:
    """One entry with its history: the versions it amended, oldest first."""
    found = _with_relations(Concern.objects.filter(pk=concern_id)).first()
    authorize(actor, Action.CONCERN_READ, record=found, object=f"concern:{concern_id}")
    assert found is not None
    history: list[Concern] = []
    cursor = found.amends_id
    # Someone who only recorded sees the versions they recorded, nothing more (§4.1).
    involved = bool(involvement_bases(actor, found.child_ref))
    visible = Concern.objects.filter(
        visible_entries(actor, found.child_ref) if involved else own_entries(actor)
    )
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
