"""Set-up and the directory (API.md "Set-up"): agencies, practitioners, one's own account."""

from __future__ import annotations

import uuid
from typing import Any

from bairn.access.actions import Action
from bairn.access.rules import Decision, rule
from bairn.access.rules.facts import admin_only
from bairn.agencies.models import Practitioner


@rule(Action.AGENCY_CREATE, cites='API.md "Set-up (role admin)"')
def admin_creates_agencies(
    actor: Practitioner, child_id: uuid.UUID | None, record: Any
) -> Decision:
    return admin_only(actor, "create agencies")


@rule(Action.PRACTITIONER_CREATE, cites='API.md "Set-up (role admin)"')
def admin_creates_practitioners(
    actor: Practitioner, child_id: uuid.UUID | None, record: Any
) -> Decision:
    return admin_only(actor, "create practitioners")


@rule(Action.AGENCY_LIST, Action.PRACTITIONER_LIST, Action.SELF, cites='API.md "Set-up"')
def signed_in_sees_directory(
    actor: Practitioner, child_id: uuid.UUID | None, record: Any
) -> Decision:
    if actor.is_active:
        return Decision.allow("any signed-in user may see the directory")
    return Decision.forbid("account is not active")


@rule(Action.NOTIFICATIONS_READ, cites="DOMAIN §5")
def own_notifications(actor: Practitioner, child_id: uuid.UUID | None, record: Any) -> Decision:
    if actor.is_active:
        return Decision.allow("a user may read their own notifications")
    return Decision.forbid("account is not active")
