"""Step-up on the API, as the pages' (web/stepup.py): the dangerous acts (breaking glass, a
child protection disclosure or its authorisation, releasing a restricted entry, the plan
PDF, changing roles) need a fresh code from the caller's authenticator app in the request,
as `"otp"` in the JSON body or an `X-Bairn-OTP` header. A code accepted on a token counts
for BAIRN_STEP_UP_MINUTES on that token, as one entered on a page does for the session.

Without one the answer is 403 with `reasons` naming what is needed (the token is valid, so
not 401). Wrong codes are throttled and audited (`auth.step_up`) exactly as on the pages:
both go through `agencies.services.check_step_up_code`."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from typing import Any

from django.http import HttpRequest

from bairn.agencies import services
from bairn.agencies.models import Practitioner
from bairn.api.schemas import StepUpIn

__all__ = ["StepUpIn", "StepUpRequired", "require_fresh_otp"]

HEADER = "X-Bairn-OTP"
FIELD = "otp"
NEEDED = (
    'a fresh two-factor code is needed: send the code your authenticator app shows as "otp" '
    "in the body or in the X-Bairn-OTP header"
)


class StepUpRequired(Exception):
    """The act needs a fresh two-factor code (→ 403 with reasons)."""

    def __init__(self, detail: str, reasons: list[str]) -> None:
        super().__init__(detail)
        self.detail = detail
        self.reasons = reasons


def sent_code(request: HttpRequest) -> str:
    """The code the request carries: the header, else `"otp"` in a JSON object body."""
    code = request.headers.get(HEADER, "").strip()
    if code or request.method in {"GET", "HEAD"}:
        return code
    try:
        body = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        return ""
    value = body.get(FIELD) if isinstance(body, dict) else None
    return value.strip() if isinstance(value, str) else ""


def bearer(request: HttpRequest) -> str:
    header = request.headers.get("Authorization", "")
    return header.partition(" ")[2].strip()


def require_fresh_otp(request: HttpRequest, me: Practitioner, what: str = "this act") -> None:
    """Raise StepUpRequired unless the request carries a right code, or a code was accepted
    on this token in the last BAIRN_STEP_UP_MINUTES."""
    token = bearer(request)
    if services.token_stepped_up(token):
        return
    code = sent_code(request)
    if not code:
        raise StepUpRequired(f"Enter a two-factor code to do this: {what}.", [NEEDED])
    refused = services.check_step_up_code(me, code, what)
    if refused is not None:
        raise StepUpRequired(refused, [refused, NEEDED])
    services.mark_stepped_up(token)


def for_disclosure(request: HttpRequest, me: Practitioner, payload: Any) -> None:
    """A disclosure for child protection, or one that releases a restricted entry."""
    if payload.purpose == "child_protection":
        require_fresh_otp(request, me, "sharing for child protection")
    elif _releases_restricted(me, payload.child_id, payload.categories, payload.entry_ids):
        require_fresh_otp(request, me, "releasing a restricted entry")


def for_share_decision(
    request: HttpRequest, me: Practitioner, request_id: uuid.UUID, payload: Any
) -> None:
    """Deciding to share what a share request asked for, when it releases a restricted
    entry (or the request is for child protection)."""
    if payload.decision != "share":
        return
    from bairn.sharing import queries

    found = queries.share_request(request_id)
    if found is None:
        return  # the service answers 404
    if found.purpose == "child_protection":
        require_fresh_otp(request, me, "sharing for child protection")
    elif _releases_restricted(me, found.child_ref, found.categories, payload.entry_ids):
        require_fresh_otp(request, me, "releasing a restricted entry")


def _releases_restricted(
    me: Practitioner,
    child_id: uuid.UUID,
    categories: Sequence[Any],
    entry_ids: Sequence[uuid.UUID] | None,
) -> bool:
    from bairn.chronology.queries import releases_restricted

    if "chronology" not in {getattr(c, "value", c) for c in categories}:
        return False
    return releases_restricted(me.agency_id, child_id, entry_ids)
