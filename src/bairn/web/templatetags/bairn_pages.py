"""Small filters the pages share: labels from the reference data, tag colours."""

from __future__ import annotations

from typing import Any

from django import template

from bairn.agencies.models import Involvement
from bairn.notify.models import Notification
from bairn.reference import Indicator, Significance

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
