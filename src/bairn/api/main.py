"""The HTTP API, v1 (API.md). Thin routers over the services; errors made clear here."""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

import orjson
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder
from ninja.security import HttpBearer

from bairn import __version__
from bairn.access.policy import Forbidden, NotVisible
from bairn.agencies.models import Practitioner
from bairn.agencies.services import practitioner_for_token
from bairn.api.stepup import StepUpRequired
from bairn.errors import Conflict, Invalid, TooMany

log = logging.getLogger(__name__)


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Practitioner | None:
        return practitioner_for_token(token)


JSON = "application/json"
UNSUPPORTED = "bairn_unsupported_media_type"


class JsonOnly(Parser):
    """A request body is JSON and says so (`Content-Type: application/json`): a body sent
    as text/plain, a form, or with no type at all is refused with 415, not guessed at."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        media_type = request.content_type or ""
        if media_type != JSON and not media_type.endswith("+json"):
            setattr(request, UNSUPPORTED, media_type or "none")
            raise ValueError(f"unsupported media type {media_type!r}")
        return super().parse_body(request)


class FastJson(JSONRenderer):
    """The answers encoded by orjson, as the same JSON ninja's `json.dumps` wrote: UUIDs,
    dates and decimals as text, and times as Django writes them (ECMA-262: milliseconds,
    `Z` for UTC, the offset otherwise). Only the layout differs: no spaces between items,
    and text as UTF-8 rather than \\u escapes. Anything orjson refuses (an integer
    beyond 64 bits) is written by `json.dumps`, as before."""

    encoder = NinjaJSONEncoder()
    options = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS

    def _default(self, value: Any) -> Any:
        if type(value) is dt.datetime:
            text = value.isoformat()
            if value.microsecond:
                text = text[:23] + text[26:]
            if text.endswith("+00:00"):
                text = text[:-6] + "Z"
            return text
        return self.encoder.default(value)

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> Any:
        try:
            return orjson.dumps(data, default=self._default, option=self.options)
        except orjson.JSONEncodeError:
            return json.dumps(data, cls=NinjaJSONEncoder)


UNAUTHENTICATED = {
    "description": "No token, or one that is wrong, expired or revoked.",
    "content": {JSON: {"schema": {"$ref": "#/components/schemas/DetailOut"}}},
}
UNSUPPORTED_BODY = {
    "description": "The body is not sent as JSON (Content-Type: application/json).",
    "content": {JSON: {"schema": {"$ref": "#/components/schemas/ErrorOut"}}},
}


class BairnApi(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        """Every operation that needs a token documents its 401, and every one that takes
        a body its 415 (ninja lists only the answers the routes declare)."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                if not isinstance(operation, dict) or "responses" not in operation:
                    continue
                responses = operation["responses"]
                if operation.get("security"):
                    responses.setdefault(401, UNAUTHENTICATED)
                if "requestBody" in operation:
                    responses.setdefault(415, UNSUPPORTED_BODY)
        return schema


api = BairnApi(
    title="Bairn API",
    version=f"1 ({__version__})",
    description=(
        "Getting it right for every child: concerns, the multi-agency chronology, lawful "
        "information sharing and one Child's Plan. A child the caller is not involved "
        "with is always 404. Bad input is 422 (or 400 for a body that is not JSON) with "
        '`{"detail", "errors": [{"field", "message"}]}`; a body not sent as '
        "`application/json` is 415. No token, or a wrong, expired or revoked one, is 401. "
        "The dangerous acts (breaking glass, a child protection disclosure or its "
        "authorisation, releasing a restricted entry, the plan PDF, giving an account its "
        "roles) need a fresh two-factor code: the code the caller's authenticator app "
        'shows, as `"otp"` in the JSON body or in the `X-Bairn-OTP` header. Without a '
        "right one the answer is 403 with `reasons` saying so. A code accepted on a token "
        "counts for BAIRN_STEP_UP_MINUTES (10) on that token, as on the pages; the code "
        "used to get the token does not count."
    ),
    auth=BearerToken(),
    parser=JsonOnly(),
    renderer=FastJson(),
    urls_namespace="api",
    openapi_extra={"info": {"license": {"name": "AGPL-3.0-or-later"}}},
)


def actor(request: HttpRequest) -> Practitioner:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, Practitioner)
    return user


# Query parameters gathered in a schema are declared as one parameter of this name.
QUERY_SCHEMA_PARAM = "filters"
# pydantic tags an error in a union with the member tried (`from` may be a date or a time).
UNION_TAGS = {"date", "datetime"}


def _field(loc: list[Any] | tuple[Any, ...]) -> str:
    """The caller's name for the field an error is about."""
    parts = [str(p) for p in loc]
    where = parts[0] if parts else "body"
    if where == "body":
        # ninja locates body fields as ("body", "<parameter>", field...): the parameter
        # name is ours, not the caller's.
        parts = parts[2:]
    elif where in {"query", "path"}:
        parts = parts[1:]
        if len(parts) > 1 and parts[0] == QUERY_SCHEMA_PARAM:
            parts = parts[1:]
        parts = parts[:1]  # a query parameter, not the item of it
    if len(parts) > 1 and (parts[-1] in UNION_TAGS or "[" in parts[-1]):
        parts = parts[:-1]
    return ".".join(parts) or "body"


def invalid(request: HttpRequest, errors: list[dict[str, str]], status: int = 422) -> HttpResponse:
    named = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
    return api.create_response(
        request, {"detail": f"Invalid input — {named}", "errors": errors}, status=status
    )


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = []
    named = set()
    for err in exc.errors:
        field = _field(err.get("loc", ()))
        if field in named:
            continue  # one message per field is enough (unions report each member)
        named.add(field)
        message = str(err.get("msg", "invalid")).removeprefix("Value error, ")
        if err.get("type") == "extra_forbidden":
            message = "Unknown field."
        errors.append({"field": field, "message": message, "type": str(err.get("type"))})
    return invalid(request, errors)


@api.exception_handler(Invalid)
def on_invalid(request: HttpRequest, exc: Invalid) -> HttpResponse:
    return invalid(
        request, [{"field": f, "message": m, "type": "invalid"} for f, m in exc.errors.items()]
    )


@api.exception_handler(Conflict)
def on_conflict(request: HttpRequest, exc: Conflict) -> HttpResponse:
    body: dict[str, Any] = {"detail": exc.message, **exc.extra}
    if exc.field:
        body["errors"] = [{"field": exc.field, "message": exc.message, "type": "conflict"}]
    return api.create_response(request, body, status=409)


@api.exception_handler(TooMany)
def on_too_many(request: HttpRequest, exc: TooMany) -> HttpResponse:
    response = api.create_response(request, {"detail": exc.message}, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(NotVisible)
def on_not_visible(request: HttpRequest, exc: NotVisible) -> HttpResponse:
    return api.create_response(request, {"detail": "Not found."}, status=404)


@api.exception_handler(Forbidden)
def on_forbidden(request: HttpRequest, exc: Forbidden) -> HttpResponse:
    reasons = list(exc.decision.reasons)
    return api.create_response(
        request, {"detail": "; ".join(reasons), "reasons": reasons}, status=403
    )


@api.exception_handler(StepUpRequired)
def on_step_up(request: HttpRequest, exc: StepUpRequired) -> HttpResponse:
    return api.create_response(request, {"detail": exc.detail, "reasons": exc.reasons}, status=403)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request,
        {"detail": "Sign in first: send Authorization: Bearer <token>."},
        status=401,
    )


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    unsupported = getattr(request, UNSUPPORTED, None)
    if exc.status_code == 400 and unsupported:
        return invalid(
            request,
            [
                {
                    "field": "body",
                    "message": f"Send the body as JSON with Content-Type: {JSON} "
                    f"(this one's type: {unsupported}).",
                    "type": "media_type",
                }
            ],
            status=415,
        )
    if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
        return invalid(
            request,
            [{"field": "body", "message": "The request body is not valid JSON.", "type": "json"}],
            status=400,
        )
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(RequestDataTooBig)
def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return invalid(
        request,
        [{"field": "body", "message": "The request body is too large.", "type": "too_large"}],
        status=400,
    )


def _register() -> None:
    from bairn.api import (
        audit,
        auth,
        children,
        concerns,
        notifications,
        planning,
        setup,
        sharing,
    )

    api.add_router("/auth", auth.router, tags=["auth"])
    api.add_router("/", setup.router, tags=["set-up"])
    api.add_router("/children", children.router, tags=["children"])
    api.add_router("/", concerns.router, tags=["concerns"])
    api.add_router("/notifications", notifications.router, tags=["notifications"])
    api.add_router("/audit", audit.router, tags=["audit"])
    api.add_router("/", sharing.router, tags=["sharing"])
    api.add_router("/", planning.router, tags=["plans and assessments"])


_register()
