"""Reads of one's own notifications: the menu's count and the pages of the list, newest
first, by keyset (bairn.pagination) so a busy Named Person's millionth is as quick as the
first."""

from __future__ import annotations

from django.db.models import Q

from bairn import pagination
from bairn.access.policy import Action, authorize
from bairn.agencies.models import Practitioner
from bairn.errors import Invalid
from bairn.notify.models import Notification
from bairn.pagination import Page

DEFAULT_LIMIT = 100
MAX_LIMIT = 500
CURSOR = "notifications"


def unread_count(recipient: Practitioner) -> int:
    """How many of the recipient's own notifications are unread (every page's menu)."""
    return Notification.objects.filter(recipient=recipient, read_at__isnull=True).count()


def is_cursor(cursor: str) -> bool:
    """Whether this is a cursor `page` gave (a page's link may be mangled)."""
    try:
        pagination.decode_moment_id(CURSOR, cursor)
    except Invalid:
        return False
    return True


def page(
    actor: Practitioner,
    *,
    unread: bool | None = None,
    kind: str | None = None,
    limit: int = DEFAULT_LIMIT,
    cursor: str | None = None,
) -> Page[Notification]:
    """A page of the actor's own notifications, newest first (created_at, then id), and
    the cursor of the next: `unread` True for the unread only, False for those read.
    Whatever the cursor says, only the actor's own are read (`recipient=actor` is the
    first condition of every page; the indexes on (recipient, created_at, id) make each
    page a range scan)."""
    pagination.check_limit(limit, MAX_LIMIT)
    after = pagination.decode_moment_id(CURSOR, cursor) if cursor else None
    authorize(actor, Action.NOTIFICATIONS_READ)
    qs = Notification.objects.filter(recipient=actor)
    if unread is not None:
        qs = qs.filter(read_at__isnull=unread)
    if kind is not None:
        qs = qs.filter(kind=kind)
    if after is not None:
        at, pk = after
        # (created_at, id) < (at, pk), spelled so the index's range starts at `at`.
        qs = qs.filter(created_at__lte=at).filter(Q(created_at__lt=at) | Q(id__lt=pk))
    rows, more = pagination.cut(list(qs.order_by("-created_at", "-id")[: limit + 1]), limit)
    last = rows[-1] if more else None
    return Page(
        rows,
        pagination.encode_moment_id(CURSOR, last.created_at, last.pk) if last else None,
    )
