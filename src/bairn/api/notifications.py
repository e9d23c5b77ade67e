"""The caller's own notifications (API.md)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.http import HttpRequest
from ninja import Router

from bairn.access.declare import policy
from bairn.access.lookup import NONE
from bairn.access.policy import Action, NotVisible
from bairn.api.main import actor
from bairn.api.schemas import ERRORS, Input, parse_id
from bairn.notify import services
from bairn.notify.models import Notification

router = Router()


class NotificationOut(Input):
    id: uuid.UUID
    kind: str
    child_id: uuid.UUID | None
    created_at: dt.datetime
    text: str
    data: dict[str, object]
    read_at: dt.datetime | None


class NotificationsOut(Input):
    notifications: list[NotificationOut]


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
def list_notifications(request: HttpRequest, unread: bool = False) -> dict[str, object]:
    """The caller's notifications, newest first. Kinds: concern_recorded,
    concern_amended, child_protection_concern, pattern_alert, share_request."""
    notes = services.list_for(actor(request), unread_only=unread)
    return {"notifications": [notification_out(n) for n in notes]}


@router.post("/{notification_id}/read", response={200: NotificationOut, **ERRORS})
@policy(Action.NOTIFICATIONS_READ, lookup=NONE)
def mark_read(request: HttpRequest, notification_id: str) -> dict[str, object]:
    note = services.mark_read(actor(request), parse_id(notification_id))
    if note is None:
        raise NotVisible(notification_id)
    return notification_out(note)
