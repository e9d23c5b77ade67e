"""Step-up for dangerous acts (STYLE.md, after healthchecks' `require_sudo_mode`): breaking
glass, a child protection disclosure and printing a child's plan ask the practitioner to
enter a code from their authenticator app again, unless they entered one in the last
BAIRN_STEP_UP_MINUTES. Someone who finds a signed-in screen unattended cannot do them.

What was typed is not lost: a form sent without a fresh code comes back as the code page,
carrying the form's fields, and is sent on once the code is right."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from bairn.agencies.models import Practitioner
from bairn.agencies.services import check_step_up_code
from bairn.web.forms import StepUpForm

CONFIRMED_AT = "bairn_confirmed_at"
CODE = "bairn_step_up_code"
AFTER_GET = "bairn_step_up_get"
OWN_FIELDS = {CODE, AFTER_GET, "csrfmiddlewaretoken"}

View = Callable[..., HttpResponse]


def confirmed(request: HttpRequest) -> None:
    """The practitioner has just entered a code (signing in, or stepping up)."""
    request.session[CONFIRMED_AT] = time.time()


def fresh(request: HttpRequest) -> bool:
    at = request.session.get(CONFIRMED_AT)
    return at is not None and time.time() - float(at) <= settings.BAIRN_STEP_UP_MINUTES * 60


def step_up(
    what: str, when: Callable[[HttpRequest], bool] = lambda r: True
) -> Callable[[View], View]:
    """Ask for a fresh code before the view does `what`, where `when(request)` says the
    request is the dangerous act. Goes inside `@page`, which has already checked who the
    user is and that they passed two-factor sign-in."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method == "POST" and CODE in request.POST:
                form = StepUpForm({CODE: request.POST[CODE]})
                if _accept(request, form, what):
                    if request.POST.get(AFTER_GET):
                        return redirect(request.path)
                    kept = request.POST.copy()
                    for name in OWN_FIELDS - {"csrfmiddlewaretoken"}:
                        kept.pop(name, None)
                    request.POST = kept  # type: ignore[assignment]
                    return view(request, *args, **kwargs)
                return _ask(request, what, form)
            if when(request) and not fresh(request):
                return _ask(request, what, StepUpForm())
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def _accept(request: HttpRequest, form: StepUpForm, what: str) -> bool:
    user = request.user
    assert isinstance(user, Practitioner)
    if not form.is_valid():
        return False
    refused = check_step_up_code(user, form.cleaned_data[CODE], what)
    if refused is not None:
        form.add_error(CODE, refused)
        return False
    confirmed(request)
    return True


def _ask(request: HttpRequest, what: str, form: StepUpForm) -> HttpResponse:
    carried = (
        [(k, v) for k, values in request.POST.lists() if k not in OWN_FIELDS for v in values]
        if request.method == "POST"
        else []
    )
    return render(
        request,
        "web/step_up.html",
        {
            "form": form,
            "what": what,
            "carried": carried,
            "after_get": request.method != "POST",
            "after_get_name": AFTER_GET,
        },
    )
