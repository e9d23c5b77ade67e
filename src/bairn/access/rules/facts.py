"""The facts the rules consult, and the few checks many rules share (DOMAIN §4.1)."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from bairn.access.rules import Decision
from bairn.agencies.models import Assignment, Involvement, Practitioner
from bairn.reference import PRACTICE_ROLES, Role

NOT_INVOLVED = "not involved with this child (DOMAIN §4.1)"

Basis = Involvement.Basis

# Who may read a child's assessments and plan (API.md "Plans and assessments"): the
# Named Person, the Lead Professional and the plan's team.
PLAN_CIRCLE = frozenset({Basis.NAMED_PERSON, Basis.LEAD_PROFESSIONAL, Basis.PLAN_TEAM})

# The Named Person and the Lead Professional: who bring people into the team and change
# the plan (DOMAIN §1).
ASSIGNED = frozenset({Basis.NAMED_PERSON, Basis.LEAD_PROFESSIONAL})

# Recording is not reading (DOMAIN §4.1): a concern recorded without being involved lets
# the recorder see their own entries only. Involvements on this basis, made before that
# rule, stay on the record but let nobody see the child.
NOT_A_WAY_IN = frozenset({Basis.RECORDED_CONCERN.value})


def works_with_children(actor: Practitioner) -> bool:
    """A practitioner of an agency, in a role that works with children's records."""
    return actor.is_active and actor.agency_id is not None and bool(actor.roles & PRACTICE_ROLES)


def child_exists(child_id: uuid.UUID) -> bool:
    from bairn.people.models import Child

    return Child.objects.filter(pk=child_id).exists()


def involvement_bases(actor: Practitioner, child_id: uuid.UUID) -> tuple[str, ...]:
    """The current bases of the actor's involvement with a child (DOMAIN §4.1)."""
    if not works_with_children(actor):
        return ()
    return tuple(
        sorted(
            set(
                Involvement.objects.filter(
                    child_ref=child_id, practitioner=actor, ended_at__isnull=True
                )
                .exclude(basis__in=NOT_A_WAY_IN)
                .values_list("basis", flat=True)
            )
        )
    )


def involved_children(actor: Practitioner) -> QuerySet[Involvement]:
    """The actor's current involvements: the children they may see at all."""
    if not works_with_children(actor):
        return Involvement.objects.none()
    return Involvement.objects.filter(practitioner=actor, ended_at__isnull=True).exclude(
        basis__in=NOT_A_WAY_IN
    )


def agency_knows_child(agency_id: uuid.UUID, child_id: uuid.UUID) -> bool:
    """Someone in the agency is or was involved with the child, or it recorded about them."""
    from bairn.chronology.models import Concern

    return (
        Involvement.objects.filter(child_ref=child_id, practitioner__agency_id=agency_id).exists()
        or Concern.objects.filter(child_ref=child_id, agency_id=agency_id).exists()
    )


def current_assignee(child_id: uuid.UUID, kind: str) -> Practitioner | None:
    assignment = (
        Assignment.objects.filter(child_ref=child_id, kind=kind, ended_at__isnull=True)
        .select_related("practitioner__agency")
        .first()
    )
    return assignment.practitioner if assignment else None


def in_plan_circle(basis: tuple[str, ...]) -> bool:
    """The Named Person, the Lead Professional or the plan's team (API.md "Plans and
    assessments"), given the bases of someone's involvement."""
    return bool(set(basis) & PLAN_CIRCLE)


# --- checks many rules share -------------------------------------------------------------


def admin_only(actor: Practitioner, what: str) -> Decision:
    if actor.is_active and actor.has_role(Role.ADMIN):
        return Decision.allow(f"administrator may {what}")
    return Decision.forbid(f"only an administrator may {what}")


def practitioner_only(actor: Practitioner, what: str) -> Decision:
    if works_with_children(actor):
        return Decision.allow(f"practitioner of an agency may {what}")
    return Decision.forbid(
        f"only a practitioner of an agency may {what}; the administrator role alone never "
        "works with children's records (DOMAIN §1)"
    )


def governance_only(actor: Practitioner, what: str) -> Decision:
    if actor.is_active and actor.agency_id and actor.has_role(Role.INFORMATION_GOVERNANCE):
        return Decision.allow(f"information governance may {what}")
    return Decision.forbid(f"only information governance may {what}")


def involved(actor: Practitioner, child_id: uuid.UUID | None) -> Decision:
    """Need to know (DOMAIN §4.1): involved with the child now, or the child is not found."""
    if child_id is None or not works_with_children(actor):
        return Decision.hide(NOT_INVOLVED)
    bases = involvement_bases(actor, child_id)
    if not bases:
        return Decision.hide(NOT_INVOLVED)
    return Decision.allow(f"involved with this child as {', '.join(bases)}", basis=bases)
