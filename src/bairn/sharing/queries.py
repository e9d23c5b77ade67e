"""Reading what was agreed and shared, filtered by the access policy."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from bairn.access.policy import (
    Action,
    NotVisible,
    authorisations_to_decide,
    authorisations_visible,
    authorize,
    involved_children,
    isps_visible,
    share_requests_to_decide,
    share_requests_visible,
)
from bairn.agencies.models import Agency, Involvement, Practitioner
from bairn.audit import log as audit_log
from bairn.audit.log import Logged
from bairn.chronology.models import Concern, ConcernIndicator
from bairn.people.models import Child, Person
from bairn.people.services import held_child
from bairn.sharing.models import Authorisation, Consent, Disclosure, Isp, ShareRequest, View


def isps(actor: Practitioner) -> QuerySet[Isp]:
    """The ISP register of the actor's agency: the protocols it is party to, and those
    the actor drafted for others."""
    authorize(actor, Action.ISP_READ)
    return (
        Isp.objects.filter(isps_visible(actor))
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
    they made or may decide (access.policy.share_requests_to_decide), and those their
    agency sent about children they work with."""
    authorize(actor, Action.SHARE_REQUEST_LIST)
    qs = ShareRequest.objects.filter(share_requests_visible(actor)).select_related(
        "requested_by", "requesting_agency", "holder_agency", "decided_by"
    )
    if status:
        qs = qs.filter(status=status)
    return list(qs)


def share_requests_awaiting(actor: Practitioner) -> list[ShareRequest]:
    """The pending requests the actor may decide (DOMAIN §4.4)."""
    authorize(actor, Action.SHARE_REQUEST_LIST)
    return list(
        ShareRequest.objects.filter(
            share_requests_to_decide(actor), status=ShareRequest.Status.PENDING
        ).select_related("requested_by", "requesting_agency", "holder_agency")
    )


AUTHORISATION_STATUSES = {
    "pending": [Authorisation.Status.PENDING],
    "decided": [Authorisation.Status.AUTHORISED, Authorisation.Status.REFUSED],
}


def authorisations(actor: Practitioner, status: str | None = None) -> list[Authorisation]:
    """The authorisations awaiting the actor as a senior, and those the actor asked for
    (the policy's `authorisations_visible`); `pending` or `decided`."""
    authorize(actor, Action.AUTHORISATION_LIST)
    qs = Authorisation.objects.filter(authorisations_visible(actor)).select_related(
        "asked_by", "senior", "recipient", "agency", "decided_by"
    )
    if status:
        qs = qs.filter(status__in=AUTHORISATION_STATUSES[status])
    return list(qs)


def child_names(actor: Practitioner, refs: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    """The names of the children among `refs` that the actor works with: a list of
    requests names a child only to those who may see the child."""
    mine = involved_children(actor).filter(child_ref__in=list(refs))
    return {
        c.pk: f"{c.given_name} {c.family_name}"
        for c in Child.objects.filter(pk__in=list(mine.values_list("child_ref", flat=True)))
    }


def authorisations_awaiting(actor: Practitioner) -> list[Authorisation]:
    """The pending authorisations the actor, a senior, may decide."""
    authorize(actor, Action.AUTHORISATION_LIST)
    return list(
        Authorisation.objects.filter(
            authorisations_to_decide(actor), status=Authorisation.Status.PENDING
        ).select_related("asked_by", "senior", "recipient")
    )


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


@dataclass(frozen=True)
class ReportEntry:
    """An entry as the transparency report shows it: the columns it needs, read as
    values (a report lists hundreds), with the names a Concern gives them."""

    pk: uuid.UUID
    occurred_at: dt.datetime
    agency: Agency
    summary: str
    action_taken: str
    indicator_codes: list[str]
    impact: str
    significance: str
    source: str


@dataclass
class Transparency:
    child: Child
    agency: Agency
    held_by: list[dict[str, object]]
    entries: list[ReportEntry]
    disclosures: list[Disclosure]
    withheld_count: int
    withheld_disclosures_count: int
    redact: Callable[[str], str]
    # Each disclosure's event in the audit log (by "disclosure:<id>"), for its proof.
    logged: dict[str, Logged]

    def in_log(self, disclosure: Disclosure) -> Logged | None:
        return self.logged.get(f"disclosure:{disclosure.pk}")


REDACTED = "[another person]"


def third_party_redactor(child_id: uuid.UUID) -> Callable[[str], str]:
    """Removes the names of the people recorded around the child from text meant for the
    family (DOMAIN §4.8: nothing about other people). Free text can name anyone, so
    information governance still reads the report before it is released."""
    return _redactor(held_child(child_id))


def _redactor(child: Child) -> Callable[[str], str]:
    own = {child.given_name.casefold(), child.family_name.casefold()}
    names: set[str] = set()
    around = Person.objects.filter(relationships__child_id=child.pk)
    for person in around.only("given_name", "family_name"):
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
    """The report information governance prepares for the family (DOMAIN §4.8; API.md:
    by information governance of an agency holding records about the child), as that
    agency answers for it: its own entries the family may be shown (never one withheld
    from the family or restricted; summaries with other people's names removed, and no
    detail), the disclosures it made or received with their date, parties, purpose and
    lawful basis (except one the family is not to be told of, as that would put the child
    at risk), and of other agencies only that they hold records (`held_by`, no count).
    Only the family's own view brings every agency's entries together.

    `withheld_count` and `withheld_disclosures_count` are the agency's own entries and
    disclosures held back: for information governance, never for the family (§4.8)."""
    authorize(actor, Action.TRANSPARENCY_READ, child_id=child_id, object=f"child:{child_id}")
    assert actor.agency is not None
    agency = actor.agency
    child = held_child(child_id)
    # A fixed number of queries whatever the size of the report: no query per entry or
    # per disclosure, and the entries read as values, not model instances.
    current = Concern.objects.filter(child_ref=child_id, amended_by__isnull=True)
    for_family = Q(withheld_from_family=False, restricted=False)
    shown = current.filter(for_family)
    own_shown = shown.filter(agency=agency)
    held = (
        shown.values("agency_id", "agency__name")
        .annotate(entries=Count("id"))
        .order_by("agency__name")
    )
    own = current.filter(agency=agency).aggregate(
        all=Count("id"), shown=Count("id", filter=for_family)
    )
    codes: dict[uuid.UUID, list[str]] = defaultdict(list)
    for concern_id, code in (
        ConcernIndicator.objects.filter(concern__in=own_shown.values("pk"))
        .order_by("id")
        .values_list("concern_id", "indicator")
    ):
        codes[concern_id].append(code)
    entries = [
        ReportEntry(
            pk=pk,
            occurred_at=occurred_at,
            agency=agency,
            summary=summary,
            action_taken=action_taken,
            indicator_codes=codes.get(pk, []),
            impact=impact,
            significance=significance,
            source=source,
        )
        for pk, occurred_at, summary, action_taken, impact, significance, source in (
            own_shown.values_list(
                "pk", "occurred_at", "summary", "action_taken", "impact", "significance", "source"
            )
        )
    ]
    # The agency's disclosures in one query; those the family is not to be told of are
    # only counted.
    every_disclosure = list(
        Disclosure.objects.filter(child_ref=child_id)
        .filter(Q(from_agency=agency) | Q(to_agency=agency))
        .select_related("from_agency", "to_agency", "consent")
    )
    hidden = Disclosure.FamilyInformed.NOT_INFORMED
    shown_disclosures = [d for d in every_disclosure if d.family_informed != hidden]
    return Transparency(
        child=child,
        agency=agency,
        held_by=[
            {
                "id": h["agency_id"],
                "name": h["agency__name"],
                # How much another agency holds is theirs to say.
                "entries": h["entries"] if h["agency_id"] == agency.pk else None,
            }
            for h in held
        ],
        entries=entries,
        disclosures=shown_disclosures,
        withheld_count=own["all"] - own["shown"],
        withheld_disclosures_count=len(every_disclosure) - len(shown_disclosures),
        redact=_redactor(child),
        logged=audit_log.logged(Action.DISCLOSE, (f"disclosure:{d.pk}" for d in shown_disclosures)),
    )


def share_request(request_id: uuid.UUID) -> ShareRequest | None:
    """A share request by id (None when there is none), only to know whether deciding it
    needs a fresh two-factor code (api/stepup.py): nothing of it reaches the caller."""
    return ShareRequest.objects.filter(pk=request_id).first()


def share_request_shown(found: ShareRequest) -> ShareRequest:
    """The request a service just made or decided for the caller, with its parties, as
    the API shows it."""
    return ShareRequest.objects.select_related(
        "requested_by", "requesting_agency", "holder_agency", "decided_by"
    ).get(pk=found.pk)


@dataclass(frozen=True)
class ChildSharing:
    """What a child's sharing page lists: consents and views (with the names of those
    who gave them), disclosures, and the share requests the actor has a part in."""

    consents: list[Consent]
    views: list[View]
    names: dict[uuid.UUID, str]
    disclosures: list[Disclosure]
    requests: list[ShareRequest]


def child_sharing(actor: Practitioner, child_id: uuid.UUID) -> ChildSharing:
    found, views = consents(actor, child_id)
    refs = {c.person_ref for c in found if c.person_ref} | {
        v.person_ref for v in views if v.person_ref
    }
    return ChildSharing(
        consents=found,
        views=views,
        names=person_names(refs),
        disclosures=disclosures(actor, child_id),
        requests=[r for r in share_requests(actor) if r.child_ref == child_id],
    )
