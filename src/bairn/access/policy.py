"""THE access policy: may this person do this to this record, and why (DOMAIN §4).

Deny by default. `decide()` answers without side effects; `authorize()` is what the
services call: it audits every refusal (and every allowed read) and raises the refusal
as *not found* or *forbidden*. Each action has one rule (`bairn.access.rules`, a module
per domain, each rule citing its DOMAIN or API section); lists use the rule's filter
(`visible_entries`), so a list and a detail page can never disagree.

A child the caller is not involved with is always *not found*, never *forbidden*
(DOMAIN §4.1): the answer must not hint that the child exists.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from bairn.access.actions import AUDITED_READS, Action, AuditAction
from bairn.access.errors import NotVisible
from bairn.access.lookup import current_scope
from bairn.access.rules import RULES, Decision, Rule
from bairn.access.rules.children import named_person_successor
from bairn.access.rules.chronology import own_entries, visible_because, visible_entries
from bairn.access.rules.facts import (
    NOT_A_WAY_IN,
    NOT_INVOLVED,
    PLAN_CIRCLE,
    agency_knows_child,
    child_exists,
    current_assignee,
    in_plan_circle,
    involved_children,
    involvement_bases,
    works_with_children,
)
from bairn.access.rules.planning import IRD_AGENCIES, irds_visible
from bairn.access.rules.sharing import (
    authorisations_to_decide,
    authorisations_visible,
    isps_visible,
    share_request_deciders,
    share_requests_to_decide,
    share_requests_visible,
)
from bairn.audit import services as audit

if TYPE_CHECKING:
    from bairn.agencies.models import Practitioner
    from bairn.chronology.models import Concern

# The rules, one per action, live in `bairn.access.rules` (a module per domain); the
# facts and list filters the callers use are re-exported here.
__all__ = [
    "AUDITED_READS",
    "IRD_AGENCIES",
    "NOT_A_WAY_IN",
    "NOT_INVOLVED",
    "PLAN_CIRCLE",
    "RULES",
    "Action",
    "AuditAction",
    "Decision",
    "Forbidden",
    "NotVisible",
    "Rule",
    "agency_knows_child",
    "authorisations_to_decide",
    "authorisations_visible",
    "authorize",
    "child_exists",
    "current_assignee",
    "decide",
    "in_plan_circle",
    "involved_children",
    "involvement_bases",
    "irds_visible",
    "isps_visible",
    "named_person_successor",
    "own_entries",
    "share_request_deciders",
    "share_requests_to_decide",
    "share_requests_visible",
    "visible_because",
    "visible_entries",
    "works_with_children",
]


class Forbidden(Exception):
    def __init__(self, decision: Decision) -> None:
        super().__init__("; ".join(decision.reasons))
        self.decision = decision


def decide(
    actor: Practitioner,
    action: Action,
    *,
    child_id: uuid.UUID | None = None,
    record: Concern | Any = None,
) -> Decision:
    """May `actor` do `action` (to the child or record)? With the reasons. No side effects.
    The action's rule decides (`bairn.access.rules.RULES`); with none, deny by default."""
    found = RULES.get(action)
    if found is None:
        return Decision.forbid(f"no rule allows {action}")
    return found.decide(actor, child_id, record)


def authorize(
    actor: Practitioner,
    action: Action,
    *,
    child_id: uuid.UUID | None = None,
    record: Concern | Any = None,
    object: str = "",
    purpose: str = "",
) -> Decision:
    """Decide, audit, and raise on refusal. Call it before opening a write transaction,
    so that the audit of a refusal is not rolled back with the refused request."""
    decision = decide(actor, action, child_id=child_id, record=record)
    if record is not None and child_id is None:
        child_id = getattr(record, "child_ref", None)
    if not object and record is not None:
        object = f"{type(record).__name__.lower()}:{record.pk}"  # concern:<id>
    if not object and child_id is not None:
        object = f"child:{child_id}"
    scope = current_scope()
    if scope is not None:
        scope.reach(action, child_id)
    if not decision.allowed:
        audit.record(
            actor=actor,
            action=action,
            outcome=audit.REFUSED,
            object=object,
            child_id=child_id or "",
            purpose=purpose,
            reason="; ".join(decision.reasons),
            record_agencies=audit.agencies_of(record),
        )
        if decision.hidden:
            raise NotVisible(action)
        raise Forbidden(decision)
    # One event per (action, object) read in a request (its services may authorize
    # again); two records read by the same action are two events.
    once = scope is None or scope.first_audit((action, str(child_id or ""), object))
    if action in AUDITED_READS and once:
        audit.record(
            actor=actor,
            action=action,
            object=object,
            child_id=child_id or "",
            purpose=purpose,
            reason="; ".join(decision.reasons),
            record_agencies=audit.agencies_of(record),
        )
    return decision
