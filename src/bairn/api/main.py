"""The HTTP API, v1 (API.md). Thin routers over the services; errors made clear here."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer

from bairn import __version__
from bairn.access.policy import Forbidden, NotVisible
from bairn.agencies.models import Practitioner
from bairn.agencies.services import practitioner_for_token
from bairn.errors import Conflict, Invalid

log = logging.getLogger(__name__)


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Practitioner | None:
        return practitioner_for_token(token)


api = NinjaAPI(
    title="Bairn API",
    version=f"1 ({__version__})",
    description=(
        "Getting it right for every child: concerns, the multi-agency chronology, lawful "
        "information sharing and one Child's Plan. A child the caller is not involved "
        "with is always 404. Bad input is 422 (or 400 for a body that is not JSON) with "
        '`{"detail", "errors": [{"field", "message"}]}`.'
    ),
    auth=BearerToken(),
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


@api.exception_handler(NotVisible)
def on_not_visible(request: HttpRequest, exc: NotVisible) -> HttpResponse:
    return api.create_response(request, {"detail": "Not found."}, status=404)


@api.exception_handler(Forbidden)
def on_forbidden(request: HttpRequest, exc: Forbidden) -> HttpResponse:
    reasons = list(exc.decision.reasons)
    return api.create_response(
        request, {"detail": "; ".join(reasons), "reasons": reasons}, status=403
    )


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request,
        {"detail": "Sign in first: send Authorization: Bearer <token>."},
        status=401,
    )


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
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
