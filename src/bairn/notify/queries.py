"""Reads of one's own notifications."""

from __future__ import annotations

from bairn.agencies.models import Practitioner
from bairn.notify.models import Notification


def unread_count(recipient: Practitioner) -> int:
    """How many of the recipient's own notifications are unread (every page's menu)."""
    return Notification.objects.filter(recipient=recipient, read_at__isnull=True).count()
