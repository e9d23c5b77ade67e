"""Every route declares the policy action it goes through (STYLE: "a structural test
that every URL has a policy"). The declaration is checked by tests/test_structure.py;
the enforcement is `bairn.access.policy.authorize`, called by the services."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from bairn.access.policy import Action

F = TypeVar("F", bound=Callable[..., object])

PUBLIC = "public"  # for the few routes anyone may call, such as asking for a token


def policy(action: Action | str) -> Callable[[F], F]:
    def mark(view: F) -> F:
        view.__bairn_policy__ = str(action)  # type: ignore[attr-defined]
        return view

    return mark


def declared_policy(view: Callable[..., object]) -> str | None:
    return getattr(view, "__bairn_policy__", None)
