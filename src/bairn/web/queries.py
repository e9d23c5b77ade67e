"""The web app's own reads: a writer's draft of a form (`web.drafts`)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from bairn.agencies.models import Practitioner
from bairn.web.models import Draft

KEEP = dt.timedelta(days=7)  # a draft older than this is not offered back


def draft(practitioner: Practitioner, key: str) -> dict[str, list[str]] | None:
    """The writer's own draft of the form on page `key`, if one was kept this week."""
    found = Draft.objects.filter(
        practitioner=practitioner, key=key, updated_at__gte=timezone.now() - KEEP
    ).first()
    return found.data if found else None
