"""Every route declares the policy action it goes through, and the declaration acts
(STYLE: "make the decorator do the lookup"). On an API operation, `@policy(Action.X,
lookup=CHILD)` runs `access.lookup.look_up_and_authorize` after the token is checked and
before the body is read; `@page(...)` (web/pages.py) does the same for a page.
tests/test_structure.py fails on a route without a declaration, and on one whose URL
names a child or record without a lookup."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

from bairn.access.lookup import (
    GRANT_ATTRIBUTE,
    Declaration,
    Lookup,
    look_up_and_authorize,
    scoped,
)
from bairn.access.policy import Action

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

F = TypeVar("F", bound=Callable[..., object])

PUBLIC = "public"  # for the few routes anyone may call, such as asking for a token
DECLARATION = "__bairn_policy__"


def policy(
    action: Action | str, *, lookup: Lookup | None = None, also: Iterable[Action] = ()
) -> Callable[[F], F]:
    """Declare an API operation's action and lookup, and make them run: the grant is
    `access.lookup.granted(request)` in the view."""
    declaration = Declaration(str(action), lookup, frozenset(str(a) for a in also))

    def mark(view: F) -> F:
        setattr(view, DECLARATION, declaration)
        if declaration.action != PUBLIC:
            from ninja.decorators import decorate_view

            decorate_view(lambda run: _enforce(run, declaration))(view)
        return view

    return mark


def _enforce(run: Callable[..., HttpResponse], declaration: Declaration) -> Callable[..., Any]:
    """Wire the declaration into a ninja operation (ninja applies this to each copy of
    the operation it mounts, through `decorate_view`): the whole request runs in an
    access scope, and once the token is known the record is looked up and authorized —
    before the body is parsed, so a caller who may not act gets 403/404, not a 422 about
    the body."""
    operation: Any = getattr(run, "__self__")  # noqa: B009 - the bound operation
    checks = operation._run_checks

    def run_checks(request: HttpRequest) -> HttpResponse | None:
        error: HttpResponse | None = checks(request)
        if error is not None:
            return error
        try:
            kwargs = request.resolver_match.kwargs if request.resolver_match else {}
            grant = look_up_and_authorize(request.auth, declaration, kwargs)  # type: ignore[attr-defined]
        except Exception as exc:
            response: HttpResponse = operation.api.on_exception(request, exc)
            return response
        setattr(request, GRANT_ATTRIBUTE, grant)
        return None

    operation._run_checks = run_checks

    @wraps(run)
    def run_scoped(request: HttpRequest, **kw: Any) -> HttpResponse:
        with scoped(declaration, f"{request.method} {request.path}"):
            return run(request, **kw)

    return run_scoped


def declaration_of(view: Callable[..., object]) -> Declaration | None:
    found = getattr(view, DECLARATION, None)
    if isinstance(found, str):
        return Declaration(found)
    return found if isinstance(found, Declaration) else None


def declared_policy(view: Callable[..., object]) -> str | None:
    found = declaration_of(view)
    return found.action if found else None
