"""What every page needs: the navigation and the count of unread notifications."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from bairn.notify import queries as notifications
from bairn.reference import Role
from bairn.web.pages import verified


def bairn(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not verified(request):
        return {"nav_items": [], "idle_minutes": settings.BAIRN_IDLE_MINUTES}
    path = request.path
    items = [("Home", reverse("web:home")), ("Find a child", reverse("web:find-child"))]
    if user.agency_id:
        items.append(("Sharing", reverse("web:sharing")))
    if user.has_role(Role.INFORMATION_GOVERNANCE):
        items.append(("Information governance", reverse("web:governance")))
    unread = notifications.unread_count(user)
    return {
        "nav_items": [
            {
                "label": label,
                "url": url,
                "current": path == url or (url != "/" and path.startswith(url)),
            }
            for label, url in items
        ],
        "unread_notifications": unread,
        "idle_minutes": settings.BAIRN_IDLE_MINUTES,
    }
