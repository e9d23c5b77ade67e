"""Every page goes through the one access policy (STYLE.md): `@page(Action.X)` declares
the policy for the structural test, requires a signed-in practitioner who has passed
two-factor authentication, and turns the policy's refusals into the same answers the API
gives — not found (404) for a child the user is not involved with, forbidden (403) with
the reasons otherwise."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from bairn.access.declare import DECLARATION
from bairn.access.lookup import (
    GRANT_ATTRIBUTE,
    Declaration,
    Lookup,
    look_up_and_authorize,
    scoped,
)
from bairn.access.policy import Action, Forbidden, NotVisible
from bairn.agencies.models import Practitioner

View = Callable[..., HttpResponse]
NEXT = "bairn_after_sign_in"


def signed_in(request: HttpRequest) -> Practitioner:
    user = request.user
    assert isinstance(user, Practitioner)
    return user


def verified(request: HttpRequest) -> bool:
    """Signed in and past the second factor (django-otp's middleware adds is_verified)."""
    user = request.user
    return bool(user.is_authenticated and getattr(user, "is_verified", lambda: False)())


def remember_destination(request: HttpRequest) -> None:
    """Where to return after signing in — kept in the session, not in the query string,
    so that no child's id travels in a URL parameter."""
    if request.method == "GET":
        request.session[NEXT] = request.get_full_path()


def page(
    action: Action,
    *,
    lookup: Lookup | None = None,
    also: Iterable[Action] = (),
    two_factor: bool = True,
) -> Callable[[View], View]:
    """Declare a page's action and where its record comes from, and make them act:
    before the view runs, the record the URL names is looked up and authorized once
    (`access.lookup`); the view finds the grant with `granted(request)`."""
    declaration = Declaration(str(action), lookup, frozenset(str(a) for a in also))

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                remember_destination(request)
                return redirect("web:sign-in")
            if two_factor and not verified(request):
                remember_destination(request)
                return redirect("web:two-factor")
            try:
                with scoped(declaration, f"{request.method} {request.path}"):
                    grant = look_up_and_authorize(signed_in(request), declaration, kwargs)
                    setattr(request, GRANT_ATTRIBUTE, grant)
                    return view(request, *args, **kwargs)
            except NotVisible:
                return render(request, "web/errors/404.html", status=404)
            except Forbidden as refusal:
                return render(
                    request,
                    "web/errors/403.html",
                    {"reasons": refusal.decision.reasons},
                    status=403,
                )

        setattr(wrapped, DECLARATION, declaration)
        return wrapped

    return decorate
