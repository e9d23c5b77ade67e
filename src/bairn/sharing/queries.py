"""Reading what was agreed and shared, filtered by the access policy."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from bairn.access.policy import Action, NotVisible, authorize
from bairn.agencies.models import Agency, Involvement, Practitioner
from bairn.chronology.models import Concern
from bairn.people.models import Child, Person
from bairn.sharing.models import Consent, Disclosure, Isp, ShareRequest, View


def isps(actor: Practitioner) -> QuerySet[Isp]:
    """The ISP register of the actor's agency: the protocols it is party to."""
    authorize(actor, Action.ISP_READ)
    return (
        Isp.objects.filter(parties__agency=actor.agency)
        .prefetch_related("parties__agency", "parties__approved_by")
        .distinct()
    )


def isp(actor: Practitioner, isp_id: uuid.UUID) -> Isp:
    found = isps(actor).filter(pk=isp_id).first()
    if found is None:
        raise NotVisible(isp_id)
    return found


def consents(actor: Practitioner, child_id: uuid.UUID) -> tuple[list[Consent], list[View]]:
    authorize(actor, Action.CONSENT_READ, child_id=child_id, object=f"child:{child_id}")
    return (
        list(Consent.objects.filter(child_ref=child_id).prefetch_related("recipients")),
        list(View.objects.filter(child_ref=child_id)),
    )


def person_names(refs: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    return {p.pk: str(p) for p in Person.objects.filter(pk__in=list(refs))}


def share_requests(actor: Practitioner, status: str | None = None) -> list[ShareRequest]:
    """Requests the actor's agency sent or received, that the actor has a part in: those
    they made or may decide, and those of their agency about children they work with."""
    authorize(actor, Action.SHARE_REQUEST_LIST)
    qs = ShareRequest.objects.filter(
        Q(requesting_agency_id=actor.agency_id) | Q(holder_agency_id=actor.agency_id)
    ).select_related("requested_by", "requesting_agency", "holder_agency", "decided_by")
    if status:
        qs = qs.filter(status=status)
    children = set(
        Involvement.objects.filter(practitioner=actor, ended_at__isnull=True).values_list(
            "child_ref", flat=True
        )
    )
    return [r for r in qs if r.requested_by_id == actor.pk or r.child_ref in children]


def disclosures(actor: Practitioner, child_id: uuid.UUID) -> list[Disclosure]:
    """Disclosures about the child that the actor's agency made or received."""
    authorize(actor, Action.DISCLOSURE_READ, child_id=child_id, object=f"child:{child_id}")
    return list(
        Disclosure.objects.filter(child_ref=child_id)
        .filter(Q(from_agency_id=actor.agency_id) | Q(to_agency_id=actor.agency_id))
        .select_related("from_agency", "to_agency", "made_by", "authorised_by", "isp")
        .prefetch_related("entries")
    )


@dataclass
class ReviewQueue:
    disclosures: list[Disclosure] = field(default_factory=list)
    break_glass: list[Involvement] = field(default_factory=list)


def review_queue(actor: Practitioner) -> ReviewQueue:
    """What information governance must review: its agency's child protection overrides
    and its people's break glass (DOMAIN §4.4, §4.9)."""
    authorize(actor, Action.REVIEW, object="review queue")
    return ReviewQueue(
        disclosures=list(
            Disclosure.objects.filter(
                from_agency_id=actor.agency_id, review=Disclosure.Review.PENDING
            ).select_related("from_agency", "to_agency", "made_by", "authorised_by")
        ),
        break_glass=list(
            Involvement.objects.filter(
                practitioner__agency=actor.agency, flagged=True, reviewed_at__isnull=True
            ).select_related("practitioner")
        ),
    )


@dataclass
class Transparency:
    child: Child
    agency: Agency
    held_by: list[dict[str, object]]
    entries: list[Concern]
    disclosures: list[Disclosure]
    withheld_count: int
    consents: list[Consent]


def transparency(actor: Practitioner, child_id: uuid.UUID) -> Transparency:
    """What the family would be shown (DOMAIN §4.8), as the actor's agency answers for it
    as a data controller: what is held and by whom, the agency's entries not withheld from
    the family, every disclosure it made or received with its date, recipient, purpose and
    lawful basis, and how many entries were withheld. Nothing about other people: no
    household, no entry detail, no names of people other than the child."""
    authorize(actor, Action.TRANSPARENCY_READ, child_id=child_id, object=f"child:{child_id}")
    assert actor.agency is not None
    child = Child.objects.get(pk=child_id)
    current = Concern.objects.filter(child_ref=child_id, amended_by__isnull=True)
    held = (
        current.values("agency_id", "agency__name")
        .annotate(entries=Count("id"))
        .order_by("agency__name")
    )
    own = current.filter(agency=actor.agency)
    return Transparency(
        child=child,
        agency=actor.agency,
        held_by=[
            {"id": h["agency_id"], "name": h["agency__name"], "entries": h["entries"]} for h in held
        ],
        entries=list(
            own.filter(withheld_from_family=False)
            .select_related("agency")
            .prefetch_related("indicators")
        ),
        disclosures=list(
            Disclosure.objects.filter(child_ref=child_id)
            .filter(Q(from_agency_id=actor.agency_id) | Q(to_agency_id=actor.agency_id))
            .select_related("from_agency", "to_agency", "consent")
        ),
        withheld_count=own.filter(withheld_from_family=True).count(),
        consents=list(Consent.objects.filter(child_ref=child_id).prefetch_related("recipients")),
    )
