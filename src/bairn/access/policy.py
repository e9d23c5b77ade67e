"""THE access policy: may this person do this to this record, and why (DOMAIN §4).

Deny by default. `decide()` answers without side effects; `authorize()` is what the
services call: it audits every refusal (and every allowed read) and raises the refusal
as *not found* or *forbidden*. Lists use the same filters (`visible_entries`), so a list
and a detail page can never disagree.

A child the caller is not involved with is always *not found*, never *forbidden*
(DOMAIN §4.1): the answer must not hint that the child exists.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from bairn.agencies.models import Assignment, Involvement, Practitioner
from bairn.audit import services as audit
from bairn.reference import PRACTICE_ROLES, Role

if TYPE_CHECKING:
    from bairn.chronology.models import Concern


class Action(StrEnum):
    AGENCY_CREATE = "agency.create"
    AGENCY_LIST = "agency.list"
    PRACTITIONER_CREATE = "practitioner.create"
    PRACTITIONER_LIST = "practitioner.list"
    SELF = "self"
    CHILD_CREATE = "child.create"
    CHILD_LIST = "child.list"
    CHILD_MATCH = "child.match"
    CHILD_READ = "child.read"
    PEOPLE_READ = "people.read"
    PEOPLE_ADD = "people.add"
    PEOPLE_CHANGE = "people.change"
    TEAM_READ = "team.read"
    TEAM_CHANGE = "team.change"
    NAMED_PERSON_ASSIGN = "named_person.assign"
    LEAD_PROFESSIONAL_ASSIGN = "lead_professional.assign"
    NAMED_PERSON_OFFER = "named_person.offer"
    BREAK_GLASS = "involvement.break_glass"
    CONCERN_CREATE = "concern.create"
    CONCERN_READ = "concern.read"
    CONCERN_AMEND = "concern.amend"
    CHRONOLOGY_READ = "chronology.read"
    NOTIFICATIONS_READ = "notification.read"
    AUDIT_READ = "audit.read"
    ISP_CREATE = "isp.create"
    ISP_APPROVE = "isp.approve"
    ISP_SUSPEND = "isp.status"
    ISP_READ = "isp.read"
    CONSENT_RECORD = "consent.record"
    CONSENT_WITHDRAW = "consent.withdraw"
    CONSENT_READ = "consent.read"
    VIEWS_RECORD = "views.record"
    SHARING_CHECK = "sharing.check"
    DISCLOSE = "disclosure.create"
    DISCLOSURE_READ = "disclosure.read"
    SHARE_REQUEST_CREATE = "share_request.create"
    SHARE_REQUEST_LIST = "share_request.list"
    SHARE_REQUEST_DECIDE = "share_request.decide"
    TRANSPARENCY_READ = "transparency.read"
    REVIEW = "review"
    ASSESSMENT_WRITE = "assessment.write"
    ASSESSMENT_READ = "assessment.read"
    PLAN_READ = "plan.read"
    PLAN_WRITE = "plan.write"
    MEETING_RECORD = "meeting.record"
    IRD_RECORD = "ird.record"
    IRD_READ = "ird.read"
    REGISTER_WRITE = "register.write"
    REGISTER_READ = "register.read"


# Reads of a child's data are audited when allowed, not only when refused (DOMAIN §2).
AUDITED_READS = frozenset(
    {
        Action.CHILD_READ,
        Action.CHILD_LIST,
        Action.PEOPLE_READ,
        Action.TEAM_READ,
        Action.CONCERN_READ,
        Action.CHRONOLOGY_READ,
        Action.AUDIT_READ,
        Action.CONSENT_READ,
        Action.DISCLOSURE_READ,
        Action.TRANSPARENCY_READ,
        Action.ASSESSMENT_READ,
        Action.PLAN_READ,
        Action.IRD_READ,
        Action.REGISTER_READ,
    }
)

# Who may read a child's assessments and plan (API.md "Plans and assessments"): the
# Named Person, the Lead Professional and the plan's team.
PLAN_CIRCLE = frozenset({"named_person", "lead_professional", "plan_team"})


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reasons: tuple[str, ...]
    # A refusal that must look like "not found" (the child is not visible to the caller).
    hidden: bool = False
    # Why the caller may see the child: the bases of their involvement.
    basis: tuple[str, ...] = field(default=())
    flagged: bool = False

    @classmethod
    def allow(cls, *reasons: str, basis: tuple[str, ...] = (), flagged: bool = False) -> Decision:
        return cls(True, reasons, basis=basis, flagged=flagged)

    @classmethod
    def forbid(cls, *reasons: str) -> Decision:
        return cls(False, reasons)

    @classmethod
    def hide(cls, *reasons: str) -> Decision:
        return cls(False, reasons, hidden=True)


class NotVisible(Exception):
    """Not found, or not visible to the caller: the two are indistinguishable outside."""


class Forbidden(Exception):
    def __init__(self, decision: Decision) -> None:
        super().__init__("; ".join(decision.reasons))
        self.decision = decision


# --- facts the rules consult ---------------------------------------------------------


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
                ).values_list("basis", flat=True)
            )
        )
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


def visible_entries(actor: Practitioner) -> Q:
    """Which chronology entries the actor may see, for a child they are involved with
    (DOMAIN §4.3): their own agency's entries (restricted ones only for the recorder and
    the agency's seniors), and entries another agency disclosed to theirs while the
    disclosure is in force. Callers must check involvement with the child first."""
    from bairn.sharing.engine import disclosed_to

    if actor.agency_id is None:
        return Q(pk__in=[])
    own = Q(agency_id=actor.agency_id)
    if not actor.has_role(Role.SENIOR):
        own &= Q(restricted=False) | Q(recorded_by=actor)
    return own | disclosed_to(actor.agency_id)


def visible_because(
    actor: Practitioner, entry: Concern, disclosures: dict[uuid.UUID, uuid.UUID] | None = None
) -> str:
    """`own_agency`, or `disclosure:<id>` naming the disclosure that lets the actor see it."""
    if entry.agency_id == actor.agency_id:
        return "own_agency"
    disclosure = (disclosures or {}).get(entry.pk)
    return f"disclosure:{disclosure}" if disclosure else "not_visible"


# --- the rules -------------------------------------------------------------------------


NOT_INVOLVED = "not involved with this child (DOMAIN §4.1)"


def _admin_only(actor: Practitioner, what: str) -> Decision:
    if actor.is_active and actor.has_role(Role.ADMIN):
        return Decision.allow(f"administrator may {what}")
    return Decision.forbid(f"only an administrator may {what}")


def _practitioner_only(actor: Practitioner, what: str) -> Decision:
    if works_with_children(actor):
        return Decision.allow(f"practitioner of an agency may {what}")
    return Decision.forbid(
        f"only a practitioner of an agency may {what}; the administrator role alone never "
        "works with children's records (DOMAIN §1)"
    )


def _involved(actor: Practitioner, child_id: uuid.UUID | None) -> Decision:
    if child_id is None or not works_with_children(actor):
        return Decision.hide(NOT_INVOLVED)
    bases = involvement_bases(actor, child_id)
    if not bases:
        return Decision.hide(NOT_INVOLVED)
    return Decision.allow(f"involved with this child as {', '.join(bases)}", basis=bases)


def _assign(actor: Practitioner, child_id: uuid.UUID | None, kind: str) -> Decision:
    involved = _involved(actor, child_id)
    if not involved.allowed or child_id is None:
        return involved
    label = Assignment.Kind(kind).label
    current = current_assignee(child_id, kind)
    if current is None:
        return Decision.allow(
            f"no {label} is assigned yet; an involved practitioner may assign one",
            basis=involved.basis,
        )
    if current.pk == actor.pk:
        return Decision.allow(f"the current {label} may hand over", basis=involved.basis)
    if actor.has_role(Role.SENIOR):
        return Decision.allow(f"a senior may change the {label}", basis=involved.basis)
    if kind == Assignment.Kind.LEAD_PROFESSIONAL:
        named = current_assignee(child_id, Assignment.Kind.NAMED_PERSON)
        if named is not None and named.pk == actor.pk:
            return Decision.allow(
                "the Named Person may change the Lead Professional", basis=involved.basis
            )
    return Decision.forbid(f"only the current {label} or a senior may change the {label}")


def _team_change(actor: Practitioner, child_id: uuid.UUID | None) -> Decision:
    involved = _involved(actor, child_id)
    if not involved.allowed:
        return involved
    if {"named_person", "lead_professional"} & set(involved.basis):
        return Decision.allow(
            "the Named Person or Lead Professional brings people into the team",
            basis=involved.basis,
        )
    return Decision.forbid(
        "only the child's Named Person or Lead Professional changes the team around them"
    )


def _concern_create(actor: Practitioner, child_id: uuid.UUID | None) -> Decision:
    if child_id is None or not works_with_children(actor):
        return Decision.hide(NOT_INVOLVED)
    bases = involvement_bases(actor, child_id)
    if bases:
        return Decision.allow(f"involved with this child as {', '.join(bases)}", basis=bases)
    assert actor.agency_id is not None
    if agency_knows_child(actor.agency_id, child_id):
        return Decision.allow(
            "the practitioner's agency already knows this child; recording makes them involved"
        )
    return Decision.hide(NOT_INVOLVED)


def _entry(actor: Practitioner, record: Concern | None) -> Decision:
    from bairn.chronology.models import Concern

    if record is None:
        return Decision.hide("no such entry")
    involved = _involved(actor, record.child_ref)
    if not involved.allowed:
        return involved
    if not Concern.objects.filter(pk=record.pk).filter(visible_entries(actor)).exists():
        return Decision.hide("this entry is not visible to the practitioner's agency (§4.3)")
    return Decision.allow(
        "an entry the practitioner's agency recorded or received", basis=involved.basis
    )


def _amend(actor: Practitioner, record: Concern | None) -> Decision:
    seen = _entry(actor, record)
    if not seen.allowed or record is None:
        return seen
    if record.agency_id != actor.agency_id:
        return Decision.forbid("only the agency that recorded an entry may amend it")
    return Decision.allow("the recording agency may amend its entry", basis=seen.basis)


def _governance(actor: Practitioner, what: str) -> Decision:
    if actor.is_active and actor.agency_id and actor.has_role(Role.INFORMATION_GOVERNANCE):
        return Decision.allow(f"information governance may {what}")
    return Decision.forbid(f"only information governance may {what}")


def _transparency(actor: Practitioner, child_id: uuid.UUID | None) -> Decision:
    """The family's report is prepared by information governance of an agency holding
    records about the child (DOMAIN §4.8); to anyone else the child is not found, or,
    if they are involved, the report is not theirs to prepare."""
    if child_id is None or not actor.is_active or actor.agency_id is None:
        return Decision.hide(NOT_INVOLVED)
    if actor.has_role(Role.INFORMATION_GOVERNANCE) and agency_knows_child(
        actor.agency_id, child_id
    ):
        return Decision.allow("information governance of an agency holding records")
    if involvement_bases(actor, child_id):
        return Decision.forbid(
            "only information governance of an agency holding records prepares the "
            "transparency report"
        )
    return Decision.hide(NOT_INVOLVED)


def _plan_circle(actor: Practitioner, child_id: uuid.UUID | None) -> Decision:
    involved = _involved(actor, child_id)
    if not involved.allowed:
        return involved
    circle = set(involved.basis) & PLAN_CIRCLE
    if not circle:
        return Decision.hide(
            "not the Named Person, the Lead Professional or on the plan's team (API.md)"
        )
    return Decision.allow(
        f"in the plan's circle as {', '.join(sorted(circle))}", basis=involved.basis
    )


def _plan_writer(actor: Practitioner, child_id: uuid.UUID | None) -> Decision:
    """The Lead Professional owns the plan and its reviews; the Named Person may start it
    (DOMAIN §1)."""
    circle = _plan_circle(actor, child_id)
    if not circle.allowed:
        return circle
    if {"lead_professional", "named_person"} & set(circle.basis):
        return Decision.allow("the Lead Professional or the Named Person", basis=circle.basis)
    return Decision.forbid("only the Lead Professional or the Named Person changes the plan")


IRD_AGENCIES = frozenset({"police", "social_work", "health"})


def _ird(actor: Practitioner, child_id: uuid.UUID | None) -> Decision:
    involved = _involved(actor, child_id)
    if not involved.allowed:
        return involved
    if actor.agency is None or actor.agency.kind not in IRD_AGENCIES:
        return Decision.forbid("an IRD is recorded by police, social work or health")
    return Decision.allow("core IRD agency", basis=involved.basis)


def _register(actor: Practitioner, child_id: uuid.UUID | None) -> Decision:
    involved = _involved(actor, child_id)
    if not involved.allowed:
        return involved
    if actor.agency is None or actor.agency.kind != "social_work":
        return Decision.forbid("the child protection register is kept by the local authority")
    if not actor.has_role(Role.SENIOR):
        return Decision.forbid("a senior of social work records a registration")
    return Decision.allow("senior of the local authority's social work", basis=involved.basis)


def decide(
    actor: Practitioner,
    action: Action,
    *,
    child_id: uuid.UUID | None = None,
    record: Concern | None = None,
) -> Decision:
    """May `actor` do `action` (to the child or record)? With the reasons. No side effects."""
    match action:
        case Action.AGENCY_CREATE:
            return _admin_only(actor, "create agencies")
        case Action.PRACTITIONER_CREATE:
            return _admin_only(actor, "create practitioners")
        case Action.AGENCY_LIST | Action.PRACTITIONER_LIST | Action.SELF:
            if actor.is_active:
                return Decision.allow("any signed-in user may see the directory")
            return Decision.forbid("account is not active")
        case Action.NOTIFICATIONS_READ:
            if actor.is_active:
                return Decision.allow("a user may read their own notifications")
            return Decision.forbid("account is not active")
        case Action.CHILD_CREATE:
            return _practitioner_only(actor, "create a child's record")
        case Action.CHILD_LIST:
            return _practitioner_only(actor, "list the children they are involved with")
        case Action.CHILD_MATCH:
            return _practitioner_only(actor, "ask whether a child is known (DOMAIN §4.2)")
        case (
            Action.CHILD_READ
            | Action.PEOPLE_READ
            | Action.PEOPLE_ADD
            | Action.PEOPLE_CHANGE
            | Action.TEAM_READ
            | Action.NAMED_PERSON_OFFER
        ):
            return _involved(actor, child_id)
        case Action.CHRONOLOGY_READ:
            return _involved(actor, child_id)
        case Action.TEAM_CHANGE:
            return _team_change(actor, child_id)
        case Action.NAMED_PERSON_ASSIGN:
            return _assign(actor, child_id, Assignment.Kind.NAMED_PERSON)
        case Action.LEAD_PROFESSIONAL_ASSIGN:
            return _assign(actor, child_id, Assignment.Kind.LEAD_PROFESSIONAL)
        case Action.BREAK_GLASS:
            allowed = _practitioner_only(actor, "declare emergency involvement")
            if not allowed.allowed:
                return allowed
            if child_id is None or not child_exists(child_id):
                return Decision.hide("no such child")
            return Decision.allow(
                "emergency involvement declared with a reason; flagged for review (DOMAIN §4.9)",
                flagged=True,
            )
        case Action.CONCERN_CREATE:
            return _concern_create(actor, child_id)
        case Action.CONCERN_READ:
            return _entry(actor, record)
        case Action.CONCERN_AMEND:
            return _amend(actor, record)
        case Action.AUDIT_READ:
            return _governance(actor, "read the audit")
        case Action.ISP_CREATE | Action.ISP_APPROVE | Action.ISP_SUSPEND:
            return _governance(actor, "draft, approve, suspend or resume ISPs")
        case Action.REVIEW:
            return _governance(actor, "review child protection overrides and break glass")
        case Action.ISP_READ | Action.SHARE_REQUEST_LIST:
            return _practitioner_only(actor, "see the ISP register and share requests")
        case (
            Action.CONSENT_RECORD
            | Action.CONSENT_WITHDRAW
            | Action.CONSENT_READ
            | Action.VIEWS_RECORD
            | Action.SHARING_CHECK
            | Action.DISCLOSE
            | Action.DISCLOSURE_READ
            | Action.SHARE_REQUEST_CREATE
            | Action.SHARE_REQUEST_DECIDE
        ):
            return _involved(actor, child_id)
        case Action.TRANSPARENCY_READ:
            return _transparency(actor, child_id)
        case Action.ASSESSMENT_READ | Action.ASSESSMENT_WRITE | Action.PLAN_READ:
            return _plan_circle(actor, child_id)
        case Action.MEETING_RECORD:
            return _plan_circle(actor, child_id)
        case Action.PLAN_WRITE:
            return _plan_writer(actor, child_id)
        case Action.IRD_RECORD:
            return _ird(actor, child_id)
        case Action.IRD_READ | Action.REGISTER_READ:
            return _involved(actor, child_id)
        case Action.REGISTER_WRITE:
            return _register(actor, child_id)
    return Decision.forbid(f"no rule allows {action}")  # deny by default


def authorize(
    actor: Practitioner,
    action: Action,
    *,
    child_id: uuid.UUID | None = None,
    record: Concern | None = None,
    object: str = "",
    purpose: str = "",
) -> Decision:
    """Decide, audit, and raise on refusal. Call it before opening a write transaction,
    so that the audit of a refusal is not rolled back with the refused request."""
    decision = decide(actor, action, child_id=child_id, record=record)
    if record is not None and child_id is None:
        child_id = record.child_ref
    if not object and record is not None:
        object = f"concern:{record.pk}"
    if not decision.allowed:
        audit.record(
            actor=actor,
            action=action,
            outcome=audit.REFUSED,
            object=object,
            child_id=child_id or "",
            purpose=purpose,
            reason="; ".join(decision.reasons),
        )
        if decision.hidden:
            raise NotVisible(action)
        raise Forbidden(decision)
    if action in AUDITED_READS:
        audit.record(
            actor=actor,
            action=action,
            object=object,
            child_id=child_id or "",
            purpose=purpose,
            reason="; ".join(decision.reasons),
        )
    return decision


def involved_children(actor: Practitioner) -> QuerySet[Involvement]:
    """The actor's current involvements: the children they may see at all."""
    if not works_with_children(actor):
        return Involvement.objects.none()
    return Involvement.objects.filter(practitioner=actor, ended_at__isnull=True)
