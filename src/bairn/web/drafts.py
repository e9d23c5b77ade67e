"""Keeping what was being written (the idle timeout must not lose a half-written form).

The page's script sends the form's fields here as people type (`/drafts`, POST, JSON);
the form's view offers the draft back when the page is opened again, and forgets it
once the form is saved. Drafts belong to their writer only and expire after a week."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_POST

from bairn.access.declare import policy
from bairn.access.lookup import NONE
from bairn.access.policy import Action
from bairn.agencies.models import Practitioner
from bairn.web import queries, services
from bairn.web.pages import verified

MAX_BYTES = 200_000
NEVER_KEPT = {"csrfmiddlewaretoken", "password", "otp_token", "token"}


def load(practitioner: Practitioner, key: str) -> dict[str, list[str]] | None:
    return queries.draft(practitioner, key)


def forget(practitioner: Practitioner, key: str) -> None:
    services.forget_draft(practitioner, key)


@require_POST
@policy(Action.SELF, lookup=NONE)
def save(request: HttpRequest) -> HttpResponse:
    """Keep a draft of the form on the page `key` (the page's path) for the signed-in user."""
    if not verified(request):
        return JsonResponse({"detail": "Sign in first."}, status=401)
    if len(request.body) > MAX_BYTES:
        return JsonResponse({"detail": "This draft is too large to keep."}, status=400)
    try:
        body = json.loads(request.body)
        key = str(body["key"])[:200]
        fields = {
            str(name): [str(v)[:20_000] for v in values][:50]
            for name, values in dict(body["fields"]).items()
            if name not in NEVER_KEPT
        }
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"detail": "A draft is {key, fields}."}, status=400)
    user = request.user
    assert isinstance(user, Practitioner)
    services.keep_draft(user, key, fields)
    return JsonResponse({"saved": True})
