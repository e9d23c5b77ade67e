"""What is overdue in a Child's Plan (DOMAIN §1: the Lead Professional keeps the plan
under review): the one rule the overdue notices, the plan page and the home page use."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from bairn.planning.models import ActionStatus

# An action still to be done: planned or in progress (not done, not dropped).
OPEN_STATUSES = frozenset({ActionStatus.PLANNED, ActionStatus.IN_PROGRESS})


def _day(value: object) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def action_overdue(action: Mapping[str, Any], today: dt.date) -> bool:
    """An action is overdue when it is still open and its due date has passed (an
    action due today is not yet overdue)."""
    due = _day(action.get("due_on"))
    return action.get("status") in OPEN_STATUSES and due is not None and due < today


def review_overdue(content: Mapping[str, Any], today: dt.date) -> bool:
    """A plan's review is overdue when its review date has passed."""
    review = _day(content.get("review_date"))
    return review is not None and review < today
