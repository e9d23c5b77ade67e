"""The caller's own notifications (API.md)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.http import HttpRequest
from ninja import Query, Router
from pydantic import Field

from bairn.access.declare import policy
from bairn.access.lookup import NONE
from bairn.access.policy import Action, NotVisible
from bairn.api.main import actor
from bairn.api.schemas import ERRORS, Input, Output, parse_id, reject_unknown_query
from bairn.notify import queries, services
from bairn.notify.models import Notification

router = Router()


class NotificationQuery(Input):
    unread: bool = False
    limit: int = Field(
        default=queries.DEFAULT_LIMIT,
        description=f"How many, newest first: 1 to {queries.MAX_LIMIT}.",
    )
    cursor: str | None = Field(
        default=None,
        max_length=200,
        description="The `next` of the previous page, to read the next (older) one.",
    )


class NotificationOut(Output):
    id: uuid.UUID
    kind: str
    child_id: uuid.UUID | None
    created_at: dt.datetime
    text: str
    data: dict[str, object]
    read_at: dt.datetime | None


class NotificationsOut(Output):
    notifications: list[NotificationOut]
    next: str | None = Field(
        description="The cursor of the next (older) page; null on the last page."
    )


def notification_out(n: Notification) -> dict[str, object]:
    return {
        "id": n.pk,
        "kind": n.kind,
        "child_id": n.child_ref,
        "created_at": n.created_at,
        "text": n.text,
        "data": n.data,
        "read_at": n.read_at,
    }


@router.get("", response={200: NotificationsOut, **ERRORS})
@policy(Action.NOTIFICATIONS_READ, lookup=NONE)
def list_notifications(request: HttpRequest, params: Query[NotificationQuery]) -> dict[str, object]:
    """The caller's notifications, newest first, a page at a time: `limit` of them
    (default 100, at most 500) and `next`, the cursor to send back as `cursor` for the
    older ones (null on the last page). Kinds: concern_recorded, concern_amended,
    child_protection_concern, pattern_alert, share_request."""
    reject_unknown_query(request, NotificationQuery)
    found = queries.page(
        actor(request),
        unread=True if params.unread else None,
        limit=params.limit,
        cursor=params.cursor,
    )
    return {"notifications": [notification_out(n) for n in found.items], "next": found.next}


@router.post("/{notification_id}/read", response={200: NotificationOut, **ERRORS})
@policy(Action.NOTIFICATIONS_READ, lookup=NONE)
def mark_read(request: HttpRequest, notification_id: str) -> dict[str, object]:
    note = services.mark_read(actor(request), parse_id(notification_id))
    if note is None:
        raise NotVisible(notification_id)
    return notification_out(note)
