"""Tokens (API.md "Conventions")."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import authenticate
from django.http import HttpRequest
from django_otp import devices_for_user, match_token
from ninja import Router, Status

from bairn.access.declare import PUBLIC, policy
from bairn.access.policy import Action
from bairn.agencies import services
from bairn.agencies.models import Practitioner
from bairn.api.schemas import ERRORS, DetailOut, Input, Name
from bairn.audit import services as audit
from bairn.errors import Invalid

router = Router()


class TokenIn(Input):
    username: Name
    password: str
    otp: str | None = None


class TokenOut(Input):
    token: str
    expires_at: dt.datetime


@router.post("/token", auth=None, response={200: TokenOut, 401: DetailOut, **ERRORS})
@policy(PUBLIC)
def create_token(request: HttpRequest, payload: TokenIn) -> Status[dict[str, object]]:
    """Exchange a username and password (and a one-time code where the user has two-factor
    authentication) for a bearer token. Repeated failures lock the account for a while."""
    user = authenticate(request, username=payload.username, password=payload.password)
    if not isinstance(user, Practitioner):
        locked = getattr(request, "axes_locked_out", False)
        audit.record(
            actor=None,
            actor_name=payload.username,
            action="auth.token",
            outcome=audit.REFUSED,
            reason="locked out" if locked else "wrong username or password",
        )
        if locked:
            return Status(
                403,
                {
                    "detail": "Too many failed attempts: this account is locked for a while.",
                    "reasons": ["locked out after repeated failures"],
                },
            )
        return Status(401, {"detail": "The username or password is wrong."})
    if any(devices_for_user(user, confirmed=True)):
        if not payload.otp:
            raise Invalid({"otp": "This account has two-factor authentication: give the code."})
        if match_token(user, payload.otp) is None:
            audit.record(
                actor=user, action="auth.token", outcome=audit.REFUSED, reason="wrong code"
            )
            return Status(401, {"detail": "The two-factor code is wrong."})
    lifetime = dt.timedelta(hours=settings.BAIRN_API_TOKEN_HOURS)
    token = services.issue_token(user, label="api", lifetime=lifetime)
    return Status(200, {"token": token, "expires_at": dt.datetime.now(dt.UTC) + lifetime})


@router.delete("/token", response={200: DetailOut})
@policy(Action.SELF)
def revoke_token(request: HttpRequest) -> dict[str, str]:
    """Revoke the token this request was made with."""
    header = request.headers.get("Authorization", "")
    services.revoke_token(header.partition(" ")[2].strip())
    return {"detail": "Token revoked."}
