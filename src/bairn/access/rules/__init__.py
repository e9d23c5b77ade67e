"""One rule per action (DOMAIN §4): the registry `RULES` the policy decides by.

Each rule is a named function of `(actor, child_id, record)` that returns a `Decision`
and cites the section of DOMAIN.md or API.md it enforces; where the action lists
records, the rule names its list filter (a `Q` for the actor), so that a list and a
detail page can never disagree. A module per domain (`children`, `chronology`,
`sharing`, `planning`, `governance`, `setup`) registers its rules with `@rule(...)`;
an action with no rule is denied (`bairn.access.policy.decide`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import Q

from bairn.access.actions import Action

if TYPE_CHECKING:
    from bairn.agencies.models import Practitioner

__all__ = [
    "RULES",
    "Decision",
    "Rule",
    "children",
    "chronology",
    "governance",
    "planning",
    "rule",
    "setup",
    "sharing",
]


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reasons: tuple[str, ...]
    # A refusal that must look like "not found" (the child is not visible to the caller).
    hidden: bool = False
    # Why the caller may see the child: the bases of their involvement.
    basis: tuple[str, ...] = field(default=())

    @classmethod
    def allow(cls, *reasons: str, basis: tuple[str, ...] = ()) -> Decision:
        return cls(True, reasons, basis=basis)

    @classmethod
    def forbid(cls, *reasons: str) -> Decision:
        return cls(False, reasons)

    @classmethod
    def hide(cls, *reasons: str) -> Decision:
        return cls(False, reasons, hidden=True)


Decide = Callable[["Practitioner", uuid.UUID | None, Any], Decision]
# A list filter: a `Q` of the records the actor may see (some take the child as well).
ListFilter = Callable[..., Q | Any]
D = TypeVar("D", bound=Decide)


@dataclass(frozen=True)
class Rule:
    action: Action
    name: str
    cites: str  # the section of DOMAIN.md or API.md the rule enforces
    decide: Decide
    lists: ListFilter | None = None  # the list filter, where the action lists records


RULES: dict[Action, Rule] = {}


def rule(*actions: Action, cites: str, lists: ListFilter | None = None) -> Callable[[D], D]:
    """Register the decorated function as the rule of each of `actions` (once each)."""

    def register(decide: D) -> D:
        for action in actions:
            if action in RULES:
                raise ValueError(f"{action} has two rules: {RULES[action].name}, {decide.__name__}")
            RULES[action] = Rule(action, decide.__name__, cites, decide, lists)
        return decide

    return register


# The domains' rules register themselves when imported (after the names above exist).
from bairn.access.rules import (  # noqa: E402
    children,
    chronology,
    governance,
    planning,
    setup,
    sharing,
)
