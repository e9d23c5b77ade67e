"""Assessments, the Child's Plan and child protection (DOMAIN §1, §2; API.md "Plans and
assessments"): the plan's circle reads and meets, the Lead Professional and the Named
Person change the plan, the core agencies record an IRD, social work keeps the register."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Q

from bairn.access.actions import Action
from bairn.access.rules import Decision, rule
from bairn.access.rules.facts import (
    ASSIGNED,
    PLAN_CIRCLE,
    in_plan_circle,
    involved,
    involvement_bases,
)
from bairn.agencies.models import Practitioner
from bairn.reference import AgencyKind, Role

PLANS = 'API.md "Plans and assessments"'

# The agencies of an inter-agency referral discussion (DOMAIN §2).
IRD_AGENCIES = frozenset({AgencyKind.POLICE, AgencyKind.SOCIAL_WORK, AgencyKind.HEALTH})


@rule(
    Action.ASSESSMENT_READ,
    Action.ASSESSMENT_WRITE,
    Action.PLAN_READ,
    Action.MEETING_RECORD,
    cites=PLANS,
)
def plan_circle(actor: Practitioner, child_id: uuid.UUID | None, record: Any = None) -> Decision:
    """The Named Person, the Lead Professional and the plan's team; to anyone else the
    plan is not found."""
    seen = involved(actor, child_id)
    if not seen.allowed:
        return seen
    circle = sorted(b for b in seen.basis if b in PLAN_CIRCLE)
    if not circle:
        return Decision.hide(
            "not the Named Person, the Lead Professional or on the plan's team (API.md)"
        )
    return Decision.allow(f"in the plan's circle as {', '.join(circle)}", basis=seen.basis)


@rule(Action.PLAN_WRITE, cites="DOMAIN §1")
def plan_writer(actor: Practitioner, child_id: uuid.UUID | None, record: Any = None) -> Decision:
    """The Lead Professional owns the plan and its reviews; the Named Person may start it
    (DOMAIN §1)."""
    circle = plan_circle(actor, child_id)
    if not circle.allowed:
        return circle
    if ASSIGNED & set(circle.basis):
        return Decision.allow("the Lead Professional or the Named Person", basis=circle.basis)
    return Decision.forbid("only the Lead Professional or the Named Person changes the plan")


@rule(Action.IRD_RECORD, cites="DOMAIN §2")
def core_agency_records_ird(
    actor: Practitioner, child_id: uuid.UUID | None, record: Any = None
) -> Decision:
    seen = involved(actor, child_id)
    if not seen.allowed:
        return seen
    if actor.agency is None or actor.agency.kind not in IRD_AGENCIES:
        return Decision.forbid("an IRD is recorded by police, social work or health")
    return Decision.allow("core IRD agency", basis=seen.basis)


def irds_visible(
    actor: Practitioner, child_id: uuid.UUID, basis: tuple[str, ...] | None = None
) -> Q:
    """The list filter of `child_protection_read`: the IRDs about the child that the
    actor's agency took part in — all of them for its seniors and the plan's circle, and
    otherwise only those the actor recorded. An IRD holds what each agency shared for
    child protection, not for everyone involved. `basis`: the actor's involvement bases,
    when the caller has them from the decision."""
    if actor.agency_id is None:
        return Q(pk__in=[])
    about = Q(child_ref=child_id, participants=actor.agency_id)
    if basis is None:
        basis = involvement_bases(actor, child_id)
    if actor.has_role(Role.SENIOR) or in_plan_circle(basis):
        return about
    return about & Q(recorded_by=actor)


@rule(Action.IRD_READ, Action.REGISTER_READ, cites="DOMAIN §2", lists=irds_visible)
def child_protection_read(
    actor: Practitioner, child_id: uuid.UUID | None, record: Any = None
) -> Decision:
    """Involved with the child: the register entry, and the IRDs `irds_visible` lists."""
    return involved(actor, child_id)


@rule(Action.REGISTER_WRITE, cites="DOMAIN §2")
def social_work_senior_registers(
    actor: Practitioner, child_id: uuid.UUID | None, record: Any = None
) -> Decision:
    seen = involved(actor, child_id)
    if not seen.allowed:
        return seen
    if actor.agency is None or actor.agency.kind != AgencyKind.SOCIAL_WORK:
        return Decision.forbid("the child protection register is kept by the local authority")
    if not actor.has_role(Role.SENIOR):
        return Decision.forbid("a senior of social work records a registration")
    return Decision.allow("senior of the local authority's social work", basis=seen.basis)
