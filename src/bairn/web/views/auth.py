"""Signing in with two-factor authentication, and out (issue 5: "Sign in with
two-factor (TOTP, django-otp) for practitioners; lockout after repeated failures
(django-axes)")."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import devices_for_user, match_token
from django_otp import login as otp_login

from bairn.access.actions import AuditAction
from bairn.access.declare import PUBLIC, policy
from bairn.agencies import lockout, services
from bairn.agencies.models import Practitioner
from bairn.audit import services as audit
from bairn.web.forms import CodeForm, SignInForm
from bairn.web.pages import NEXT, verified
from bairn.web.stepup import confirmed

SETUP_CODE = "bairn_setup_code"


def _onward(request: HttpRequest) -> HttpResponse:
    target = request.session.pop(NEXT, None)
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("web:home")


@policy(PUBLIC)
def sign_in(request: HttpRequest) -> HttpResponse:
    if verified(request):
        return _onward(request)
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = authenticate(
            request,
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
        )
        if isinstance(user, Practitioner):
            login(request, user)
            audit.record(actor=user, action=AuditAction.AUTH_SIGN_IN, reason="password accepted")
            return redirect("web:two-factor")
        locked = getattr(request, "axes_locked_out", False)
        audit.record(
            actor=None,
            actor_name=form.cleaned_data["username"],
            action=AuditAction.AUTH_SIGN_IN,
            outcome=audit.REFUSED,
            reason="locked out" if locked else "wrong username or password",
        )
        form.add_error(None, lockout.message() if locked else "The username or password is wrong.")
    return render(request, "web/sign_in.html", {"form": form})


def _pending_user(request: HttpRequest) -> Practitioner | None:
    user = request.user
    return user if isinstance(user, Practitioner) and user.is_authenticated else None


@policy(PUBLIC)
def two_factor(request: HttpRequest) -> HttpResponse:
    """The second step: a code from the practitioner's authenticator app."""
    user = _pending_user(request)
    if user is None:
        return redirect("web:sign-in")
    if not any(devices_for_user(user, confirmed=True)):
        return redirect("web:two-factor-setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # django-otp makes each try after a wrong one wait a little longer.
        throttled = not any(
            d.verify_is_allowed()[0] for d in devices_for_user(user, confirmed=True)
        )
        device = None if throttled else match_token(user, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            confirmed(request)
            audit.record(actor=user, action=AuditAction.AUTH_TWO_FACTOR, reason="code accepted")
            return _onward(request)
        audit.record(
            actor=user,
            action=AuditAction.AUTH_TWO_FACTOR,
            outcome=audit.REFUSED,
            reason="throttled" if throttled else "wrong code",
        )
        form.add_error(
            "code",
            "Too many wrong codes: wait a few seconds, then try the one your app shows now."
            if throttled
            else "This code is wrong or has expired: try the one your app shows now.",
        )
    return render(request, "web/two_factor.html", {"form": form})


@policy(PUBLIC)
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """First sign-in: link an authenticator app by scanning a code, then confirm it. Only
    with the one-time set-up link the administrator gave (`?code=`, kept in the session
    over signing in): a password alone never links an app, and never another one."""
    import qrcode
    import qrcode.image.svg

    if request.GET.get("code"):
        request.session[SETUP_CODE] = request.GET["code"][:100]
    user = _pending_user(request)
    if user is None:
        return redirect("web:sign-in")
    if any(devices_for_user(user, confirmed=True)):
        return redirect("web:two-factor")
    held = str(request.session.get(SETUP_CODE, ""))
    if not (held and services.setup_link_valid(user, held)):
        audit.record(
            actor=user,
            action=AuditAction.AUTH_TWO_FACTOR_SETUP,
            outcome=audit.REFUSED,
            reason="set-up link spent or expired" if held else "no set-up link",
        )
        return render(request, "web/two_factor_setup_link.html", {"spent": bool(held)}, status=403)
    device = services.pending_authenticator(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]) and services.use_setup_link(user, held):
            request.session.pop(SETUP_CODE, None)
            services.confirm_authenticator(device)
            otp_login(request, device)
            confirmed(request)
            audit.record(actor=user, action=AuditAction.AUTH_TWO_FACTOR_SETUP, reason="app linked")
            messages.success(request, "Two-factor authentication is set up.")
            return _onward(request)
        form.add_error("code", "This code is wrong: check the app shows Bairn and try again.")
    qr = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    secret = device.config_url.split("secret=")[1].split("&")[0]
    return render(
        request,
        "web/two_factor_setup.html",
        {
            "form": form,
            "qr_svg": qr.to_string(encoding="unicode"),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        },
    )


@require_POST
@policy(PUBLIC)
def sign_out(request: HttpRequest) -> HttpResponse:
    user = _pending_user(request)
    if user is not None:
        audit.record(actor=user, action=AuditAction.AUTH_SIGN_OUT)
    logout(request)
    messages.info(request, "You have signed out.")
    return redirect("web:sign-in")
