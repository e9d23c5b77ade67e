"""Information governance (DOMAIN §2, §4.7–4.9): the audit, ISPs, the review of
overrides and break glass, and the family's transparency report."""

from __future__ import annotations

import uuid
from typing import Any

from bairn.access.actions import Action
from bairn.access.rules import Decision, rule
from bairn.access.rules.facts import (
    NOT_INVOLVED,
    agency_knows_child,
    governance_only,
    involvement_bases,
)
from bairn.agencies.models import Practitioner
from bairn.reference import Role


@rule(Action.AUDIT_READ, cites="DOMAIN §4.7")
def governance_reads_audit(
    actor: Practitioner, child_id: uuid.UUID | None, record: Any = None
) -> Decision:
    return governance_only(actor, "read the audit")


@rule(Action.ISP_CREATE, Action.ISP_APPROVE, Action.ISP_SUSPEND, cites="DOMAIN §4.4")
def governance_keeps_isps(
    actor: Practitioner, child_id: uuid.UUID | None, record: Any = None
) -> Decision:
    return governance_only(actor, "draft, approve, suspend or resume ISPs")


@rule(Action.REVIEW, cites="DOMAIN §4.9")
def governance_reviews(
    actor: Practitioner, child_id: uuid.UUID | None, record: Any = None
) -> Decision:
    return governance_only(actor, "review child protection overrides and break glass")


@rule(Action.TRANSPARENCY_READ, cites="DOMAIN §4.8")
def governance_prepares_transparency(
    actor: Practitioner, child_id: uuid.UUID | None, record: Any = None
) -> Decision:
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
