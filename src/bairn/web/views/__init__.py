"""Pages that are not about children: health, accessibility, privacy."""

from __future__ import annotations

from django.db import connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from bairn.access.declare import PUBLIC, policy


@policy(PUBLIC)
def healthz(request: HttpRequest) -> HttpResponse:
    """Both stores answer: for load balancers and `make run`'s wait."""
    status = {}
    for alias in ("default", "identity"):
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
        status[alias] = "ok"
    return JsonResponse({"status": "ok", "databases": status})


@policy(PUBLIC)
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "web/accessibility.html")


@policy(PUBLIC)
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "web/privacy.html")
