"""Reads about children shaped as the API and the pages show them: each goes through the
access policy and audits each read once per request (DOMAIN §2, §4.1)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bairn.access import policy
from bairn.access.errors import NotVisible
from bairn.access.policy import Action, authorize, current_assignee, involved_children
from bairn.agencies.models import Assignment, NamedPersonOffer, Practitioner
from bairn.people.models import Child, ChildRelationship, RelationshipChange

if TYPE_CHECKING:
    from bairn.access.lookup import Grant


@dataclass(frozen=True)
class MyChild:
    child: Child
    bases: tuple[str, ...]  # why the actor may see them


def my_children(actor: Practitioner) -> list[MyChild]:
    """The children the actor is involved with, and why (DOMAIN §4.1), by name: the API's
    `GET /children` and the home page. The list is audited once (child.list)."""
    authorize(actor, Action.CHILD_LIST)
    bases: dict[uuid.UUID, set[str]] = {}
    for ref, basis in involved_children(actor).values_list("child_ref", "basis"):
        bases.setdefault(ref, set()).add(basis)
    found = Child.objects.filter(pk__in=list(bases)).order_by("family_name", "given_name", "pk")
    return [MyChild(child, tuple(sorted(bases[child.pk]))) for child in found]


@dataclass(frozen=True)
class Household:
    people: list[ChildRelationship]
    changes: list[RelationshipChange]  # oldest first


def household(actor: Practitioner, child_id: uuid.UUID) -> Household:
    """The people around the child and every change to them: one read (people.read)."""
    authorize(actor, Action.PEOPLE_READ, child_id=child_id, object=f"child:{child_id}")
    return Household(
        list(ChildRelationship.objects.filter(child_id=child_id).select_related("person")),
        list(
            RelationshipChange.objects.filter(relation__child_id=child_id).select_related(
                "relation__person"
            )
        ),
    )


# What the child's page offers, each only to those the policy allows (DOMAIN §4).
PAGE_ACTIONS = {
    "people_add": Action.PEOPLE_ADD,
    "people_change": Action.PEOPLE_CHANGE,
    "offer": Action.NAMED_PERSON_OFFER,
    "assign_np": Action.NAMED_PERSON_ASSIGN,
    "assign_lp": Action.LEAD_PROFESSIONAL_ASSIGN,
    "team_change": Action.TEAM_CHANGE,
    "concern": Action.CONCERN_CREATE,
    "share": Action.DISCLOSE,
    "plan": Action.PLAN_READ,
}


def allowed(actor: Practitioner, child_id: uuid.UUID) -> dict[str, bool]:
    """Which of the page's acts the actor may do: asked of the policy, not audited."""
    return {
        name: policy.decide(actor, action, child_id=child_id).allowed
        for name, action in PAGE_ACTIONS.items()
    }


@dataclass(frozen=True)
class ChildPage:
    record: Child
    household: Household
    named_person: Practitioner | None
    lead_professional: Practitioner | None
    offer: NamedPersonOffer | None
    bases: tuple[str, ...]
    may: dict[str, bool]


def child_page(actor: Practitioner, child_id: uuid.UUID) -> ChildPage:
    """The child's core record, the people around them and who is assigned, with what the
    actor may do: child.read and people.read, each audited once."""
    from bairn.people import services

    record = services.get_child(actor, child_id)
    return ChildPage(
        record=record,
        household=household(actor, child_id),
        named_person=current_assignee(child_id, Assignment.Kind.NAMED_PERSON),
        lead_professional=current_assignee(child_id, Assignment.Kind.LEAD_PROFESSIONAL),
        offer=services.named_person_offer(child_id),
        bases=policy.involvement_bases(actor, child_id),
        may=allowed(actor, child_id),
    )


def granted_child(grant: Grant) -> Child:
    """The child the route's lookup found and its policy allowed (`granted(request)`): the
    record a form about the child names, read once more without a second audit. A grant
    that names no child, or was refused, finds none."""
    if grant.child_id is None or not grant.decision.allowed:
        raise NotVisible("the route's grant names no child")
    from bairn.people import services

    return services.held_child(grant.child_id)


def relation(grant: Grant, person_id: uuid.UUID) -> ChildRelationship:
    """Someone around the child the route's grant names, with the person and the child;
    someone who is not around that child is not found."""
    if grant.child_id is None or not grant.decision.allowed:
        raise NotVisible("the route's grant names no child")
    found = (
        ChildRelationship.objects.filter(child_id=grant.child_id, person_id=person_id)
        .select_related("person", "child")
        .first()
    )
    if found is None:
        raise NotVisible("no such person around this child")
    return found


def offer_history(actor: Practitioner, child_id: uuid.UUID) -> list[NamedPersonOffer]:
    """Every answer the family gave to the Named Person offer (child.read, audited once)."""
    from bairn.people import services

    child = services.get_child(actor, child_id)
    return list(NamedPersonOffer.objects.filter(child_ref=child.pk).select_related("recorded_by"))
