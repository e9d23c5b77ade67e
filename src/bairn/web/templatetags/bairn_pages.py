"""Small filters the pages share: labels from the reference data, tag colours."""

from __future__ import annotations

from typing import Any

from django import template

from bairn.agencies.models import Involvement
from bairn.notify.models import Notification
from bairn.reference import Indicator, Relationship, Significance

register = template.Library()

KIND_COLOURS = {
    Notification.Kind.CHILD_PROTECTION_CONCERN: "red",
    Notification.Kind.PATTERN_ALERT: "orange",
    Notification.Kind.SHARE_REQUEST: "blue",
    Notification.Kind.DISCLOSURE_RECEIVED: "purple",
    Notification.Kind.REVIEW_NEEDED: "yellow",
    Notification.Kind.OVERDUE_ACTION: "orange",
    Notification.Kind.OVERDUE_REVIEW: "orange",
}
SIGNIFICANCE_COLOURS = {
    Significance.LOW: "grey",
    Significance.MEDIUM: "yellow",
    Significance.HIGH: "orange",
    Significance.CHILD_PROTECTION: "red",
}


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key) if mapping else None


@register.filter
def basis_label(code: str) -> str:
    try:
        return str(Involvement.Basis(code).label)
    except ValueError:
        return code


@register.filter
def kind_colour(kind: str) -> str:
    return KIND_COLOURS.get(kind, "grey")  # type: ignore[call-overload]


@register.filter
def indicator_label(code: str) -> str:
    try:
        return str(Indicator(code).label)
    except ValueError:
        return code


@register.filter
def significance_label(code: str) -> str:
    return str(Significance(code).label)


@register.filter
def significance_colour(code: str) -> str:
    return SIGNIFICANCE_COLOURS.get(code, "grey")  # type: ignore[call-overload]


@register.filter
def urgency_colour(code: str) -> str:
    return {"immediate": "red", "urgent": "orange"}.get(code, "grey")


HOUSEHOLD_LABELS = {
    "relationship": "relationship",
    "parental_responsibility": "parental responsibility",
    "lives_with": "lives with the child",
    "stays_overnight": "stays overnight",
    "caring_role": "what they do for the child",
}


def _household_value(name: str, value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if name == "relationship":
        try:
            return str(Relationship(value).label).lower()
        except ValueError:
            return str(value)
    return f"“{value}”" if value else "nothing recorded"


@register.filter
def household_change(change: Any) -> list[str]:
    """A change to the household in words: 'stays overnight: yes → no'."""
    return [
        f"{label}: {_household_value(name, change.before.get(name))} → "
        f"{_household_value(name, change.after.get(name))}"
        for name, label in HOUSEHOLD_LABELS.items()
        if change.before.get(name) != change.after.get(name)
    ]
