"""The web app's own writes: keeping and forgetting a writer's draft of a form
(`web.drafts`). A draft is its writer's alone: nothing here reaches a child's record."""

from __future__ import annotations

from bairn.agencies.models import Practitioner
from bairn.web.models import Draft


def keep_draft(practitioner: Practitioner, key: str, fields: dict[str, list[str]]) -> None:
    """Keep (or replace) the writer's draft of the form on page `key`."""
    Draft.objects.update_or_create(practitioner=practitioner, key=key, defaults={"data": fields})


def forget_draft(practitioner: Practitioner, key: str) -> None:
    """Forget the writer's draft of the form on page `key` (once the form is saved)."""
    Draft.objects.filter(practitioner=practitioner, key=key).delete()
