"""Children and the people around them (API.md)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from django.http import HttpRequest
from ninja import Router, Status
from pydantic import Field

from bairn.access.declare import policy
from bairn.access.lookup import CHILD, NONE, granted
from bairn.access.policy import Action, current_assignee
from bairn.agencies import queries as agency_queries
from bairn.agencies import services as agency_services
from bairn.agencies.models import Assignment, Involvement, NamedPersonOffer, Practitioner
from bairn.api.main import actor
from bairn.api.schemas import (
    ERRORS,
    Day,
    DetailOut,
    Input,
    Name,
    Output,
    Postcode,
    Reason,
    ShortText,
    Text,
    parse_id,
)
from bairn.api.stepup import StepUpIn, require_fresh_otp
from bairn.people import queries as child_queries
from bairn.people import services
from bairn.people.models import Child, ChildRelationship
from bairn.reference import Relationship, Sex

router = Router()


class ChildIn(Input):
    given_name: Name
    family_name: Name
    date_of_birth: Day
    chi_number: str | None = Field(default=None, max_length=12)
    scottish_candidate_number: str = Field(default="", max_length=9)
    sex: Sex | None = None
    ethnicity: ShortText = ""
    religion: ShortText = ""
    languages: list[ShortText] = Field(default_factory=list, max_length=10)
    address: str = Field(default="", max_length=500)
    postcode: Postcode = ""


class ContactOut(Output):
    id: uuid.UUID
    name: str
    agency: str | None
    email: str
    phone: str


class OfferIn(Input):
    decision: Literal["accepted", "declined"]
    given_by: str = Field(
        max_length=40,
        description="'child' (where old enough to decide) or the id of a person around the "
        "child with parental responsibility",
    )
    decided_on: Day | None = Field(
        default=None, description="When they answered; today if left out"
    )
    note: Text = ""


class OfferOut(Output):
    id: uuid.UUID
    child_id: uuid.UUID
    decision: str
    given_by: str
    decided_on: dt.date
    note: str
    recorded_by: str
    recorded_at: dt.datetime


class OffersOut(Output):
    answers: list[OfferOut]


class ChildOut(Output):
    id: uuid.UUID
    given_name: str
    family_name: str
    date_of_birth: dt.date
    chi_number: str | None
    scottish_candidate_number: str
    sex: str
    ethnicity: str
    religion: str
    languages: list[str]
    address: str
    postcode: str
    created_at: dt.datetime
    named_person: ContactOut | None
    lead_professional: ContactOut | None
    named_person_offer: OfferOut | None = Field(
        description="The family's latest answer to the offer of a Named Person, if recorded"
    )
    your_involvement: list[str]


class ChildSummaryOut(Output):
    id: uuid.UUID
    given_name: str
    family_name: str
    date_of_birth: Day
    your_involvement: list[str]


class MatchIn(Input):
    given_name: Name
    family_name: Name
    date_of_birth: dt.date
    postcode: Postcode | None = None
    chi_number: str | None = Field(default=None, max_length=12)


class NamedPersonContact(Output):
    name: str
    agency: str | None
    email: str
    phone: str


class MatchOut(Output):
    matched: bool
    named_person: NamedPersonContact | None
    named_persons: list[NamedPersonContact] = Field(
        description="Every Named Person of the records that match, the oldest record first; "
        "`named_person` is the first. More than one only where a child was recorded twice "
        "before duplicates were refused."
    )


class PersonIn(Input):
    given_name: Name | None = None
    family_name: Name | None = None
    date_of_birth: Day | None = None
    person_id: uuid.UUID | None = None
    relationship: Relationship
    parental_responsibility: bool
    lives_with: bool
    stays_overnight: bool
    caring_role: str = Field(default="", max_length=2000)


class PersonOut(Output):
    id: uuid.UUID
    relationship_id: uuid.UUID
    given_name: str
    family_name: str
    date_of_birth: dt.date | None
    relationship: str
    parental_responsibility: bool
    lives_with: bool
    stays_overnight: bool
    caring_role: str


class PeopleOut(Output):
    people: list[PersonOut]


class PersonChangeIn(Input):
    reason: Reason
    relationship: Relationship | None = None
    parental_responsibility: bool | None = None
    lives_with: bool | None = None
    stays_overnight: bool | None = None
    caring_role: str | None = Field(default=None, max_length=2000)


class ChangeOut(Output):
    id: uuid.UUID
    person_id: uuid.UUID
    given_name: str
    family_name: str
    before: dict[str, object]
    after: dict[str, object]
    reason: str
    changed_by: str
    changed_at: dt.datetime


class ChangesOut(Output):
    changes: list[ChangeOut]


class AssignIn(Input):
    practitioner_id: uuid.UUID


class AssignmentOut(Output):
    child_id: uuid.UUID
    role: str
    practitioner: ContactOut
    started_at: dt.datetime


class TeamIn(Input):
    practitioner_id: uuid.UUID
    reason: Reason


class TeamMemberOut(Output):
    practitioner: ContactOut
    bases: list[str] = Field(description="Why they are involved: team_member, named_person…")
    since: dt.datetime
    team_reason: str = Field(description="Why they joined the team, where they did")


class TeamOut(Output):
    team: list[TeamMemberOut]


class BreakGlassIn(StepUpIn):
    reason: Reason


class InvolvementOut(Output):
    id: uuid.UUID
    child_id: uuid.UUID
    basis: str
    reason: str
    flagged: bool
    started_at: dt.datetime


def contact(p: Practitioner | None) -> dict[str, object] | None:
    if p is None:
        return None
    return {
        "id": p.pk,
        "name": p.display_name,
        "agency": p.agency.name if p.agency else None,
        "email": p.email,
        "phone": p.phone,
    }


def child_out(child: Child, bases: list[str]) -> dict[str, object]:
    offer = services.named_person_offer(child.pk)
    return {
        "id": child.pk,
        "given_name": child.given_name,
        "family_name": child.family_name,
        "date_of_birth": child.date_of_birth,
        "chi_number": child.chi_number,
        "scottish_candidate_number": child.scottish_candidate_number,
        "sex": child.sex,
        "ethnicity": child.ethnicity,
        "religion": child.religion,
        "languages": child.languages,
        "address": child.address,
        "postcode": child.postcode,
        "created_at": child.created_at,
        "named_person": contact(current_assignee(child.pk, Assignment.Kind.NAMED_PERSON)),
        "lead_professional": contact(current_assignee(child.pk, Assignment.Kind.LEAD_PROFESSIONAL)),
        "named_person_offer": offer_out(offer) if offer else None,
        "your_involvement": bases,
    }


def offer_out(answer: NamedPersonOffer) -> dict[str, object]:
    return {
        "id": answer.pk,
        "child_id": answer.child_ref,
        "decision": answer.decision,
        "given_by": "child" if answer.person_ref is None else str(answer.person_ref),
        "decided_on": answer.decided_on,
        "note": answer.note,
        "recorded_by": answer.recorded_by.display_name,
        "recorded_at": answer.recorded_at,
    }


def person_out(rel: ChildRelationship) -> dict[str, object]:
    return {
        "id": rel.person.pk,
        "relationship_id": rel.pk,
        "given_name": rel.person.given_name,
        "family_name": rel.person.family_name,
        "date_of_birth": rel.person.date_of_birth,
        "relationship": rel.relationship,
        "parental_responsibility": rel.parental_responsibility,
        "lives_with": rel.lives_with,
        "stays_overnight": rel.stays_overnight,
        "caring_role": rel.caring_role,
    }


@router.post("", response={201: ChildOut, **ERRORS})
@policy(Action.CHILD_CREATE, lookup=NONE)
def create_child(request: HttpRequest, payload: ChildIn) -> Status[dict[str, object]]:
    """Record a child. The caller becomes involved with them."""
    me = actor(request)
    data = payload.model_dump()
    data["sex"] = payload.sex.value if payload.sex else ""
    child = services.create_child(me, **data)
    return Status(201, child_out(child, [Involvement.Basis.CREATED_RECORD.value]))


@router.get("", response={200: list[ChildSummaryOut], **ERRORS})
@policy(Action.CHILD_LIST, lookup=NONE)
def list_children(request: HttpRequest) -> list[dict[str, object]]:
    """The children the caller is involved with, and why (the home page's list)."""
    return [
        {
            "id": c.child.pk,
            "given_name": c.child.given_name,
            "family_name": c.child.family_name,
            "date_of_birth": c.child.date_of_birth,
            "your_involvement": list(c.bases),
        }
        for c in child_queries.my_children(actor(request))
    ]


def named_person_contact(named: Practitioner) -> dict[str, object]:
    return {
        "name": named.display_name,
        "agency": named.agency.name if named.agency else None,
        "email": named.email,
        "phone": named.phone,
    }


@router.post("/match", response={200: MatchOut, 429: DetailOut, **ERRORS})
@policy(Action.CHILD_MATCH, lookup=NONE)
def match(request: HttpRequest, payload: MatchIn) -> dict[str, object]:
    """Is this child known, and who is their Named Person? Nothing else is revealed.
    More than BAIRN_MATCH_LIMIT searches in BAIRN_MATCH_WINDOW_MINUTES (20 in 10 by
    default) by one practitioner are refused with 429."""
    result = services.match(actor(request), **payload.model_dump())
    named = result.named_person
    return {
        "matched": result.matched,
        "named_person": None if named is None else named_person_contact(named),
        "named_persons": [named_person_contact(p) for p in result.named_persons],
    }


@router.get("/{child_id}", response={200: ChildOut, **ERRORS})
@policy(Action.CHILD_READ, lookup=CHILD)
def get_child(request: HttpRequest, child_id: str) -> dict[str, object]:
    child = services.get_child(actor(request), parse_id(child_id))
    # The declaration's decision already says how the caller is involved (need to know).
    return child_out(child, list(granted(request).decision.basis))


@router.post("/{child_id}/people", response={201: PersonOut, **ERRORS})
@policy(Action.PEOPLE_ADD, lookup=CHILD)
def add_person(request: HttpRequest, child_id: str, payload: PersonIn) -> Status[dict[str, object]]:
    data = payload.model_dump()
    data["relationship"] = payload.relationship.value
    rel = services.add_person(actor(request), parse_id(child_id), **data)
    return Status(201, person_out(rel))


@router.get("/{child_id}/people", response={200: PeopleOut, **ERRORS})
@policy(Action.PEOPLE_READ, lookup=CHILD)
def list_people(request: HttpRequest, child_id: str) -> dict[str, object]:
    rels = services.list_people(actor(request), parse_id(child_id))
    return {"people": [person_out(r) for r in rels]}


@router.patch("/{child_id}/people/{person_id}", response={200: PersonOut, **ERRORS})
@policy(Action.PEOPLE_CHANGE, lookup=CHILD)
def change_person(
    request: HttpRequest, child_id: str, person_id: str, payload: PersonChangeIn
) -> dict[str, object]:
    """Change how a person relates to the child (the fields given), with the reason.
    What it was is kept: see `household-changes`."""
    data = payload.model_dump(exclude_unset=True)
    if payload.relationship is not None:
        data["relationship"] = payload.relationship.value
    rel = services.change_person(actor(request), parse_id(child_id), parse_id(person_id), **data)
    return person_out(rel)


@router.get("/{child_id}/household-changes", response={200: ChangesOut, **ERRORS})
@policy(Action.PEOPLE_READ, lookup=CHILD)
def household_changes(request: HttpRequest, child_id: str) -> dict[str, object]:
    """Every change to the people around the child, oldest first, with what it was."""
    changes = services.household_changes(actor(request), parse_id(child_id))
    names = agency_queries.practitioner_names(c.changed_by_ref for c in changes)
    return {
        "changes": [
            {
                "id": c.pk,
                "person_id": c.relation.person_id,
                "given_name": c.relation.person.given_name,
                "family_name": c.relation.person.family_name,
                "before": c.before,
                "after": c.after,
                "reason": c.reason,
                "changed_by": names.get(c.changed_by_ref, ""),
                "changed_at": c.changed_at,
            }
            for c in changes
        ]
    }


def _assign(request: HttpRequest, child_id: str, kind: str, payload: AssignIn) -> dict[str, object]:
    assignment = agency_services.assign(
        actor(request), parse_id(child_id), kind, payload.practitioner_id
    )
    return {
        "child_id": assignment.child_ref,
        "role": assignment.kind,
        "practitioner": contact(assignment.practitioner),
        "started_at": assignment.started_at,
    }


@router.put("/{child_id}/named-person", response={200: AssignmentOut, **ERRORS})
@policy(Action.NAMED_PERSON_ASSIGN, lookup=CHILD)
def put_named_person(request: HttpRequest, child_id: str, payload: AssignIn) -> dict[str, object]:
    """Assign the child's Named Person (who must hold that role)."""
    return _assign(request, child_id, Assignment.Kind.NAMED_PERSON, payload)


@router.put("/{child_id}/lead-professional", response={200: AssignmentOut, **ERRORS})
@policy(Action.LEAD_PROFESSIONAL_ASSIGN, lookup=CHILD)
def put_lead_professional(
    request: HttpRequest, child_id: str, payload: AssignIn
) -> dict[str, object]:
    """Assign the child's Lead Professional (who must hold that role)."""
    return _assign(request, child_id, Assignment.Kind.LEAD_PROFESSIONAL, payload)


@router.post("/{child_id}/named-person-offer", response={201: OfferOut, **ERRORS})
@policy(Action.NAMED_PERSON_OFFER, lookup=CHILD)
def answer_offer(
    request: HttpRequest, child_id: str, payload: OfferIn
) -> Status[dict[str, object]]:
    """Record the family's answer to the offer of a Named Person (DOMAIN §2). A family may
    decline it; that is recorded and is not in itself a concern. A later answer
    supersedes an earlier one, which stays in the history."""
    answer = services.record_named_person_offer(
        actor(request), parse_id(child_id), **payload.model_dump()
    )
    return Status(201, offer_out(answer))


@router.get("/{child_id}/named-person-offer", response={200: OffersOut, **ERRORS})
@policy(Action.CHILD_READ, lookup=CHILD)
def offer_history(request: HttpRequest, child_id: str) -> dict[str, object]:
    """Every answer the family gave to the Named Person offer, oldest first."""
    answers = child_queries.offer_history(actor(request), parse_id(child_id))
    return {"answers": [offer_out(a) for a in answers]}


def team_out(rows: list[agency_services.TeamMember]) -> list[dict[str, object]]:
    return [
        {
            "practitioner": contact(m.practitioner),
            "bases": list(m.bases),
            "since": m.since,
            "team_reason": m.team_reason,
        }
        for m in rows
    ]


@router.get("/{child_id}/team", response={200: TeamOut, **ERRORS})
@policy(Action.TEAM_READ, lookup=CHILD)
def get_team(request: HttpRequest, child_id: str) -> dict[str, object]:
    """Who works with the child now, and why: everyone involved (DOMAIN §4.1)."""
    return {"team": team_out(agency_services.team(actor(request), parse_id(child_id)))}


@router.post("/{child_id}/team", response={201: TeamMemberOut, **ERRORS})
@policy(Action.TEAM_CHANGE, lookup=CHILD)
def add_to_team(request: HttpRequest, child_id: str, payload: TeamIn) -> Status[dict[str, object]]:
    """The Named Person or Lead Professional brings a practitioner of any agency into the
    team around the child, with the reason. They are told, and become involved: they see
    what their own agency holds and what is shared with it."""
    joined = agency_services.add_to_team(
        actor(request), parse_id(child_id), payload.practitioner_id, reason=payload.reason
    )
    return Status(201, team_out([joined])[0])


@router.delete("/{child_id}/team/{practitioner_id}", response={200: TeamOut, **ERRORS})
@policy(Action.TEAM_CHANGE, lookup=CHILD, also=(Action.TEAM_READ,))
def remove_from_team(
    request: HttpRequest, child_id: str, practitioner_id: str
) -> dict[str, object]:
    """A practitioner leaves the team; other reasons they are involved stay. Returns the
    team as it now is."""
    me = actor(request)
    child = parse_id(child_id)
    agency_services.remove_from_team(me, child, parse_id(practitioner_id))
    return {"team": team_out(agency_services.team(me, child))}


@router.post("/{child_id}/involvement", response={201: InvolvementOut, **ERRORS})
@policy(Action.BREAK_GLASS, lookup=CHILD)
def break_glass(
    request: HttpRequest, child_id: str, payload: BreakGlassIn
) -> Status[dict[str, object]]:
    """Break glass: declare involvement in an emergency, with a reason. It works at once,
    is flagged, and is reviewed by information governance."""
    require_fresh_otp(request, actor(request), "breaking glass")
    inv = agency_services.break_glass(actor(request), parse_id(child_id), payload.reason)
    return Status(
        201,
        {
            "id": inv.pk,
            "child_id": inv.child_ref,
            "basis": inv.basis,
            "reason": inv.reason,
            "flagged": inv.flagged,
            "started_at": inv.started_at,
        },
    )
