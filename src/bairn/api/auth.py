"""Tokens (API.md "Conventions")."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import authenticate
from django.http import HttpRequest
from django_otp import devices_for_user, match_token
from ninja import Router, Status

from bairn.access.declare import PUBLIC, policy
from bairn.access.lookup import NONE
from bairn.access.policy import Action, AuditAction
from bairn.agencies import services
from bairn.agencies.lockout import locked_body
from bairn.agencies.models import Practitioner
from bairn.api.schemas import ERRORS, DetailOut, ForbiddenOut, Input, Name, Output
from bairn.audit import services as audit
from bairn.errors import Invalid

router = Router()


class TokenIn(Input):
    username: Name
    password: str
    otp: str | None = None


class TokenOut(Output):
    token: str
    expires_at: dt.datetime


@router.post(
    "/token", auth=None, response={200: TokenOut, 401: DetailOut, 403: ForbiddenOut, **ERRORS}
)
@policy(PUBLIC)
def create_token(request: HttpRequest, payload: TokenIn) -> Status[dict[str, object]]:
    """Exchange a username, password and a code from the user's authenticator app for a
    bearer token. An account without an app gets none (403): it links one on the pages,
    with the one-time set-up link its administrator gave. Repeated failures lock the
    username for BAIRN_LOCKOUT_MINUTES (403 saying so)."""
    user = authenticate(request, username=payload.username, password=payload.password)
    if not isinstance(user, Practitioner):
        locked = getattr(request, "axes_locked_out", False)
        audit.record(
            actor=None,
            actor_name=payload.username,
            action=AuditAction.AUTH_TOKEN,
            outcome=audit.REFUSED,
            reason="locked out" if locked else "wrong username or password",
        )
        if locked:
            return Status(403, locked_body())
        return Status(401, {"detail": "The username or password is wrong."})
    if not any(devices_for_user(user, confirmed=True)):
        audit.record(
            actor=user, action=AuditAction.AUTH_TOKEN, outcome=audit.REFUSED, reason="no two-factor"
        )
        return Status(403, NO_TWO_FACTOR)
    if not payload.otp:
        raise Invalid({"otp": "Give the code your authenticator app shows now."})
    if match_token(user, payload.otp) is None:
        audit.record(
            actor=user, action=AuditAction.AUTH_TOKEN, outcome=audit.REFUSED, reason="wrong code"
        )
        return Status(401, {"detail": "The two-factor code is wrong."})
    lifetime = dt.timedelta(hours=settings.BAIRN_API_TOKEN_HOURS)
    token = services.issue_token(user, label="api", lifetime=lifetime)
    return Status(200, {"token": token, "expires_at": dt.datetime.now(dt.UTC) + lifetime})


NO_TWO_FACTOR: dict[str, object] = {
    "detail": (
        "Set up two-factor authentication first: this account has no authenticator app, "
        "and a password alone gets no token. Open the set-up link your administrator gave "
        "you and sign in on the pages; then ask for a token with the app's code."
    ),
    "reasons": ["two-factor authentication is not set up for this account"],
}


@router.delete("/token", response={200: DetailOut})
@policy(Action.SELF, lookup=NONE)
def revoke_token(request: HttpRequest) -> dict[str, str]:
    """Revoke the token this request was made with."""
    header = request.headers.get("Authorization", "")
    services.revoke_token(header.partition(" ")[2].strip())
    return {"detail": "Token revoked."}
