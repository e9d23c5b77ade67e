"""Signing out after a time without activity (issue: "idle timeout that keeps the
half-written form as a draft" — the draft is kept by bairn.web.drafts as people type)."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect

LAST_SEEN = "bairn_last_seen"


class IdleTimeout:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/") or not request.user.is_authenticated:
            return self.get_response(request)
        now = time.time()
        last = request.session.get(LAST_SEEN)
        if last is not None and now - float(last) > settings.BAIRN_IDLE_MINUTES * 60:
            path = request.get_full_path() if request.method == "GET" else request.path
            logout(request)
            request.session["bairn_after_sign_in"] = path
            if request.headers.get("HX-Request") or request.headers.get("X-Bairn-Draft"):
                return JsonResponse(
                    {"detail": "Signed out after a time without activity."}, status=401
                )
            messages.info(
                request,
                f"You were signed out after {settings.BAIRN_IDLE_MINUTES} minutes without "
                "activity. Anything you were writing has been kept: sign in to carry on.",
            )
            return redirect("web:sign-in")
        # Typing counts as activity: the draft autosave is a request too.
        request.session[LAST_SEEN] = now
        return self.get_response(request)
