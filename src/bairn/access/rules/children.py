"""Children and the people around them (DOMAIN §1, §4.1, §4.2, §4.9): who sees a child,
who changes the team, the Named Person and the Lead Professional, break glass."""

from __future__ import annotations

import uuid
from typing import Any

from bairn.access.actions import Action
from bairn.access.rules import Decision, rule
from bairn.access.rules.facts import (
    ASSIGNED,
    child_exists,
    current_assignee,
    involved,
    involved_children,
    practitioner_only,
)
from bairn.agencies.models import Assignment, Practitioner
from bairn.reference import Role


@rule(Action.CHILD_CREATE, cites="DOMAIN §4.1")
def practitioner_creates_child(
    actor: Practitioner, child_id: uuid.UUID | None, record: Any
) -> Decision:
    return practitioner_only(actor, "create a child's record")


@rule(Action.CHILD_LIST, cites="DOMAIN §4.1", lists=involved_children)
def practitioner_lists_own_children(
    actor: Practitioner, child_id: uuid.UUID | None, record: Any
) -> Decision:
    return practitioner_only(actor, "list the children they are involved with")


@rule(Action.CHILD_MATCH, cites="DOMAIN §4.2")
def practitioner_asks_for_named_person(
    actor: Practitioner, child_id: uuid.UUID | None, record: Any
) -> Decision:
    return practitioner_only(actor, "ask whether a child is known (DOMAIN §4.2)")


@rule(
    Action.CHILD_READ,
    Action.PEOPLE_READ,
    Action.PEOPLE_ADD,
    Action.PEOPLE_CHANGE,
    Action.TEAM_READ,
    Action.NAMED_PERSON_OFFER,
    cites="DOMAIN §4.1",
)
def need_to_know(actor: Practitioner, child_id: uuid.UUID | None, record: Any = None) -> Decision:
    """Involved with the child now; to anyone else the child is not found."""
    return involved(actor, child_id)


@rule(Action.TEAM_CHANGE, cites="DOMAIN §1")
def named_person_or_lead_changes_team(
    actor: Practitioner, child_id: uuid.UUID | None, record: Any = None
) -> Decision:
    seen = involved(actor, child_id)
    if not seen.allowed:
        return seen
    if ASSIGNED & set(seen.basis):
        return Decision.allow(
            "the Named Person or Lead Professional brings people into the team",
            basis=seen.basis,
        )
    return Decision.forbid(
        "only the child's Named Person or Lead Professional changes the team around them"
    )


@rule(Action.NAMED_PERSON_ASSIGN, cites="DOMAIN §1")
def who_assigns_named_person(
    actor: Practitioner, child_id: uuid.UUID | None, record: Any = None
) -> Decision:
    return _assign(actor, child_id, Assignment.Kind.NAMED_PERSON)


@rule(Action.LEAD_PROFESSIONAL_ASSIGN, cites="DOMAIN §1")
def who_assigns_lead_professional(
    actor: Practitioner, child_id: uuid.UUID | None, record: Any = None
) -> Decision:
    return _assign(actor, child_id, Assignment.Kind.LEAD_PROFESSIONAL)


def _assign(actor: Practitioner, child_id: uuid.UUID | None, kind: str) -> Decision:
    seen = involved(actor, child_id)
    if not seen.allowed or child_id is None:
        return seen
    label = Assignment.Kind(kind).label
    current = current_assignee(child_id, kind)
    if current is None:
        return Decision.allow(
            f"no {label} is assigned yet; an involved practitioner may assign one who holds "
            "the role",
            basis=seen.basis,
        )
    if kind == Assignment.Kind.NAMED_PERSON:
        return _change_named_person(actor, current, seen.basis)
    if current.pk == actor.pk:
        return Decision.allow(f"the current {label} may hand over", basis=seen.basis)
    if actor.has_role(Role.SENIOR):
        return Decision.allow(f"a senior may change the {label}", basis=seen.basis)
    if kind == Assignment.Kind.LEAD_PROFESSIONAL:
        named = current_assignee(child_id, Assignment.Kind.NAMED_PERSON)
        if named is not None and named.pk == actor.pk:
            return Decision.allow(
                "the Named Person may change the Lead Professional", basis=seen.basis
            )
    return Decision.forbid(f"only the current {label} or a senior may change the {label}")


TRANSITION = (
    "a Named Person of another agency takes over through a transition with a receipt "
    '(API.md "Transitions"), which Bairn does not offer yet'
)


def _change_named_person(
    actor: Practitioner, current: Practitioner, basis: tuple[str, ...]
) -> Decision:
    """A Named Person changes only by the Named Person's own agency: its seniors, or the
    Named Person handing over to a colleague who holds the role (DOMAIN §1; the colleague
    is checked by `named_person_successor`)."""
    agency = current.agency.name if current.agency else "their agency"
    if actor.agency_id is None or actor.agency_id != current.agency_id:
        return Decision.forbid(
            f"the Named Person is changed only by the Named Person's own agency ({agency}): "
            f"its seniors, or the Named Person handing over to a colleague; {TRANSITION}"
        )
    if current.pk == actor.pk:
        return Decision.allow(
            "the Named Person may hand over to a colleague of their agency who holds the role",
            basis=basis,
        )
    if actor.has_role(Role.SENIOR):
        return Decision.allow(
            f"a senior of the Named Person's agency ({agency}) may change the Named Person",
            basis=basis,
        )
    return Decision.forbid(
        f"only the Named Person or a senior of their agency ({agency}) may change the Named Person"
    )


def named_person_successor(child_id: uuid.UUID, assignee: Practitioner) -> Decision:
    """Who may become the Named Person (DOMAIN §1): one who holds the role; where one is
    assigned already, a colleague in the same agency — another agency's takes over only
    through a transition."""
    current = current_assignee(child_id, Assignment.Kind.NAMED_PERSON)
    if not assignee.has_role(Role.NAMED_PERSON):
        return Decision.forbid(f"{assignee.display_name} does not hold the role Named Person")
    if current is None or current.agency_id == assignee.agency_id:
        return Decision.allow("a practitioner holding the role, of the Named Person's agency")
    agency = current.agency.name if current.agency else "the Named Person's agency"
    return Decision.forbid(
        f"{assignee.display_name} is not of {agency}, the Named Person's agency: {TRANSITION}"
    )


@rule(Action.BREAK_GLASS, cites="DOMAIN §4.9")
def break_glass(actor: Practitioner, child_id: uuid.UUID | None, record: Any = None) -> Decision:
    allowed = practitioner_only(actor, "declare emergency involvement")
    if not allowed.allowed:
        return allowed
    if child_id is None or not child_exists(child_id):
        return Decision.hide("no such child")
    return Decision.allow(
        "emergency involvement declared with a reason; flagged for review (DOMAIN §4.9)"
    )
