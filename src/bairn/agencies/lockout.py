"""What a locked-out sign-in gets (django-axes calls this instead of its own page)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse

MESSAGE = "Too many failed attempts: this account is locked for a while. Try again later."


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, *args: Any
) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": MESSAGE, "reasons": ["locked out after repeated failed sign-ins"]},
            status=403,
        )
    return HttpResponse(MESSAGE, status=403, content_type="text/plain; charset=utf-8")
