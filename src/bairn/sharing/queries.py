"""Reading what was agreed and shared, filtered by the access policy."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from bairn.access.policy import Action, NotVisible, authorize
from bairn.agencies.models import Agency, Involvement, Practitioner
from bairn.chronology.models import Concern
from bairn.people.models import Child, Person
from bairn.reference import Role
from bairn.sharing.models import Consent, Disclosure, Isp, ShareRequest, View


def isps(actor: Practitioner) -> QuerySet[Isp]:
    """The ISP register of the actor's agency: the protocols it is party to, and those
    the actor drafted for others."""
    authorize(actor, Action.ISP_READ)
    return (
        Isp.objects.filter(Q(parties__agency=actor.agency) | Q(drafted_by=actor))
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
    decides = actor.has_role(Role.SENIOR) or actor.has_role(Role.INFORMATION_GOVERNANCE)
    return [
        r
        for r in qs
        if r.requested_by_id == actor.pk
        or r.child_ref in children
        or (decides and r.holder_agency_id == actor.agency_id)
    ]


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
    withheld_disclosures_count: int
    redact: Callable[[str], str]


REDACTED = "[another person]"


def third_party_redactor(child_id: uuid.UUID) -> Callable[[str], str]:
    """Removes the names of the people recorded around the child from text meant for the
    family (DOMAIN §4.8: nothing about other people). Free text can name anyone, so
    information governance still reads the report before it is released."""
    child = Child.objects.get(pk=child_id)
    own = {child.given_name.casefold(), child.family_name.casefold()}
    names: set[str] = set()
    for person in Person.objects.filter(relationships__child_id=child_id):
        full = f"{person.given_name} {person.family_name}".strip()
        names.update(n for n in (full, person.given_name, person.family_name) if len(n) >= 2)
    # The child's own names stay: a mother's surname is often the child's too.
    names = {n for n in names if n.casefold() not in own}
    if not names:
        return lambda text: text
    pattern = re.compile(
        r"\b(" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")\b",
        re.IGNORECASE,
    )
    return lambda text: pattern.sub(REDACTED, text)


def transparency(actor: Practitioner, child_id: uuid.UUID) -> Transparency:
    """What the family would be shown (DOMAIN §4.8; API.md: prepared by information
    governance of an agency holding records about the child): what is held and by whom,
    every entry the family may be shown — from every agency, but never one withheld from
    the family or restricted, summaries with other people's names removed and no detail —
    and every disclosure with its date, recipient, purpose and lawful basis, except one
    the family is not to be told of because that would put the child at risk; and how
    many entries and disclosures were held back."""
    authorize(actor, Action.TRANSPARENCY_READ, child_id=child_id, object=f"child:{child_id}")
    assert actor.agency is not None
    child = Child.objects.get(pk=child_id)
    current = Concern.objects.filter(child_ref=child_id, amended_by__isnull=True)
    shown = current.filter(withheld_from_family=False, restricted=False)
    held = (
        shown.values("agency_id", "agency__name")
        .annotate(entries=Count("id"))
        .order_by("agency__name")
    )
    disclosures = Disclosure.objects.filter(child_ref=child_id)
    hidden = Q(family_informed=Disclosure.FamilyInformed.NOT_INFORMED)
    return Transparency(
        child=child,
        agency=actor.agency,
        held_by=[
            {"id": h["agency_id"], "name": h["agency__name"], "entries": h["entries"]} for h in held
        ],
        entries=list(shown.select_related("agency").prefetch_related("indicators")),
        disclosures=list(
            disclosures.exclude(hidden).select_related("from_agency", "to_agency", "consent")
        ),
        withheld_count=current.count() - shown.count(),
        withheld_disclosures_count=disclosures.filter(hidden).count(),
        redact=third_party_redactor(child_id),
    )
