"""Look up and authorize in one call (STYLE.md): the only way a route or page reaches a
child's data.

A route declares what it does and where its record comes from —
`@policy(Action.CHILD_READ, lookup=CHILD)` on an API operation, `@page(...)` on a page —
and the declaration *acts*: before the view runs (and before a request body is even
read) the lookup resolves the child or record named in the URL, the policy decides once
and audits once, and the view receives the result as `granted(request)`. A child the
caller may not see is *not found*, exactly as one that does not exist (healthchecks'
`_get_check_for_user`, Zulip's `access_stream_by_id`).

While a declared request runs, the policy keeps a `Scope`: which actions were
authorized, for which child. A service called by the view still authorizes its own act
(services are safe wherever they are called from), but a read already audited in this
request is not audited again, and a route that reaches a child other than the one it
looked up — or any child, when it declared none — is stopped (`Misdeclared`): a label
cannot say one thing while the code does another.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bairn.access.errors import NotVisible

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from django.http import HttpRequest

    from bairn.access.policy import Action, Decision
    from bairn.agencies.models import Practitioner


class Misdeclared(NotVisible):
    """A route reached a child its declaration does not cover: a programming error, or a
    URL whose parts name different children (one child's path, another's consent). It
    is answered as *not found* — never served — and logged, so that a wrong declaration
    fails the truth tables (an allowed caller gets 404) instead of leaking."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        log.error("access misdeclared: %s", message)


@dataclass(frozen=True)
class Target:
    """What a lookup found in the URL: the child, and the record when there is one."""

    child_id: uuid.UUID | None = None
    record: Any = None
    object: str = ""
    # The record's purpose, where it has one (a share request): audited with a refusal.
    purpose: str = ""


@dataclass(frozen=True)
class Lookup:
    """Where a route's record comes from. `find` turns the URL's parameters into a
    Target, raising NotVisible for an id that is not one of ours."""

    name: str
    find: Callable[[Mapping[str, Any]], Target]
    # The child is not in the URL's path but in the request body (or its query string):
    # the service authorizes it once the body is valid, and the route may reach that one
    # child only.
    child_from_body: bool = False


@dataclass(frozen=True)
class Missing:
    """What a lookup hands the policy for an id that names no record: every rule refuses
    it as *not found*, and the refusal is audited as any other."""

    pk: uuid.UUID
    child_ref: None = None


def _uuid(value: Any) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise NotVisible(value) from None


def _child(kwargs: Mapping[str, Any]) -> Target:
    from bairn.access.rules.facts import child_exists

    child_id = _uuid(kwargs["child_id"])
    if not child_exists(child_id):
        # The transactional store may still name a child the identity store no longer
        # holds (an older copy of it restored, an erasure): not found, on every route,
        # and refused by the rule like any record the caller may not see.
        return Target(record=Missing(child_id), object=f"child:{child_id}")
    return Target(child_id=child_id)


def _entry(kwargs: Mapping[str, Any]) -> Target:
    from bairn.chronology.models import Concern

    key = next(k for k in ("concern_id", "entry_id") if k in kwargs)
    pk = _uuid(kwargs[key])
    entry = Concern.objects.filter(pk=pk).first()
    return Target(child_id=entry.child_ref if entry else None, record=entry, object=f"concern:{pk}")


def _record_of(model_path: str, key: str, label: str) -> Callable[[Mapping[str, Any]], Target]:
    """A record found by its id in the URL (about one child, where it has `child_ref`);
    the policy then decides about it (a record the caller may not see is not found)."""

    def find(kwargs: Mapping[str, Any]) -> Target:
        from django.apps import apps

        app, name = model_path.split(".")
        model = apps.get_model(app, name)
        pk = _uuid(kwargs[key])
        row = model._default_manager.filter(pk=pk).first()
        if row is None:
            # Refused by the rule like any record the caller may not see, and audited.
            return Target(record=Missing(pk), object=f"{label}:{pk}")
        return Target(
            child_id=getattr(row, "child_ref", None),
            record=row,
            object=f"{label}:{pk}",
            purpose=str(getattr(row, "purpose", "") or ""),
        )

    return find


NONE = Lookup("none", lambda kwargs: Target())
CHILD = Lookup("child", _child)
ENTRY = Lookup("entry", _entry)
BODY = Lookup("body", lambda kwargs: Target(), child_from_body=True)
# A search that may name one child in its query string (the audit, filtered by child).
QUERY = Lookup("query", lambda kwargs: Target(), child_from_body=True)
SHARE_REQUEST = Lookup(
    "share_request", _record_of("sharing.ShareRequest", "request_id", "share_request")
)
CONSENT = Lookup("consent", _record_of("sharing.Consent", "consent_id", "consent"))
ASSESSMENT = Lookup("assessment", _record_of("planning.Assessment", "assessment_id", "assessment"))
DISCLOSURE = Lookup("disclosure", _record_of("sharing.Disclosure", "disclosure_id", "disclosure"))
ISP = Lookup("isp", _record_of("sharing.Isp", "isp_id", "isp"))
AUTHORISATION = Lookup(
    "authorisation",
    _record_of("sharing.Authorisation", "authorisation_id", "authorisation"),
)


@dataclass(frozen=True)
class Declaration:
    """What a route declares: the action it performs, where its record comes from, and
    the other actions its view may authorize on the same child (a page that shows the
    record, its people and its chronology reads all three)."""

    action: str
    lookup: Lookup | None = None
    also: frozenset[str] = frozenset()

    @property
    def actions(self) -> frozenset[str]:
        return self.also | {self.action}


@dataclass(frozen=True)
class Grant:
    """What the policy gave a request: who, the decision and its reasons, and the child
    or record the URL named."""

    actor: Practitioner
    action: Action
    decision: Decision
    child_id: uuid.UUID | None = None
    record: Any = None


@dataclass
class Scope:
    """One declared request: its declaration, the child it may reach, and the reads
    already audited."""

    declaration: Declaration | None
    where: str = ""
    child_id: uuid.UUID | None = None
    audited: set[tuple[str, str, str]] = field(default_factory=set)

    def reach(self, action: str, child_id: uuid.UUID | None) -> None:
        """The policy calls this for every authorization inside the request."""
        declaration = self.declaration
        if declaration is None or declaration.lookup is None:
            return
        if action not in declaration.actions:
            raise Misdeclared(
                f"{self.where} declared {declaration.action} but authorized {action}: "
                "declare it with also=(...)"
            )
        if child_id is None:
            return
        lookup = declaration.lookup
        if lookup.child_from_body and self.child_id is None:
            self.child_id = child_id  # the first child the body names is the route's
        if self.child_id != child_id:
            raise Misdeclared(
                f"{self.where}: {declaration.action} ({lookup.name} lookup) reached child "
                f"{child_id} "
                f"by {action}; it may reach {self.child_id or 'no child'} only"
            )

    def first_audit(self, key: tuple[str, str, str]) -> bool:
        """True the first time a read of (action, child, object) is audited here."""
        if key in self.audited:
            return False
        self.audited.add(key)
        return True


_scope: ContextVar[Scope | None] = ContextVar("bairn_access_scope", default=None)


def current_scope() -> Scope | None:
    return _scope.get()


@contextmanager
def scoped(declaration: Declaration | None, where: str = "") -> Iterator[Scope]:
    scope = Scope(declaration, where)
    token = _scope.set(scope)
    try:
        yield scope
    finally:
        _scope.reset(token)


def look_up_and_authorize(
    actor: Practitioner, declaration: Declaration, kwargs: Mapping[str, Any]
) -> Grant:
    """Resolve the record the URL names, decide once, audit once; raise NotVisible (the
    same for a missing record as for one the caller may not see) or Forbidden.

    With the child in the body, only what the actor may do at all is checked here (a
    role the action needs: 403 before a body is read); the service decides about the
    child once the body is valid."""
    from bairn.access.policy import Action, authorize, decide

    action = Action(declaration.action)
    lookup = declaration.lookup or NONE
    target = lookup.find(kwargs)
    scope = current_scope()
    if scope is not None:
        scope.child_id = target.child_id
    if lookup.child_from_body:
        early = decide(actor, action)
        if not early.allowed and not early.hidden:
            authorize(actor, action)  # audits the refusal and raises it
        return Grant(actor, action, early)
    decision = authorize(
        actor,
        action,
        child_id=target.child_id,
        record=target.record,
        object=target.object,
        purpose=target.purpose,
    )
    return Grant(actor, action, decision, target.child_id, target.record)


GRANT_ATTRIBUTE = "bairn_grant"


def granted(request: HttpRequest) -> Grant:
    """The grant the route's declaration obtained for this request."""
    grant = getattr(request, GRANT_ATTRIBUTE, None)
    if not isinstance(grant, Grant):
        raise Misdeclared(f"{request.path}: the view asked for a grant its route did not make")
    return grant
