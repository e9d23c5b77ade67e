"""No page answers 500, whatever is sent to it: every page of the web application, as the
people of the case study see it, fetched and then every form on it sent back with empty,
oversized, NUL-bearing and nonsensical values ("No 500s"; what the API gets from
schemathesis, tests/test_fuzz.py, the pages get here). The demo is loaded once for the
module; each test runs in a savepoint, so what one sends never reaches the next."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from bairn.agencies.models import Practitioner
from bairn.chronology.models import Concern
from bairn.notify.models import Notification
from bairn.people.models import Child, ChildRelationship
from bairn.planning.models import Assessment
from bairn.sharing.models import Consent, Disclosure, Isp, ShareRequest
from tests.web import web_client

# Pages that end the session or belong to signing in are left out: they would sign the
# client out half-way (tests/test_web_auth.py covers them).
SKIP = {"sign-in", "two-factor", "two-factor-setup", "sign-out", "healthz"}
# Fields of a form spoiled one at a time (the rest as the page gave them).
MUTATED = 8
JUNK = [
    lambda n, i: "",
    lambda n, i: "x" * 25_000 + "\x00",
    lambda n, i: ["2026-02-30", "-1", "<script>alert(1)</script>", str(uuid.uuid4()), "∞"][i % 5],
]


class Forms(HTMLParser):
    """The POST forms of a page: where each goes, and its fields with the values the page
    gives them (what is typed in, ticked or chosen; the first choice of a list)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []
        self._fields: dict[str, str] | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "form" and (found.get("method") or "").lower() == "post":
            self._fields = {}
            self.forms.append((found.get("action") or "", self._fields))
            return
        if self._fields is None:
            return
        name = found.get("name") or ""
        if not name or name == "csrfmiddlewaretoken":
            return
        if tag == "input":
            kind = (found.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if name not in self._fields or "checked" in found:
                    self._fields[name] = found.get("value") or "on"
            else:
                self._fields.setdefault(name, found.get("value") or "")
        elif tag == "select":
            self._select = name
            self._fields.setdefault(name, "")
        elif tag == "option" and self._select and not self._fields.get(self._select):
            self._fields[self._select] = found.get("value") or ""
        elif tag == "textarea":
            self._textarea = name
            self._fields.setdefault(name, "")
        elif tag == "button" and found.get("value") is not None:
            self._fields.setdefault(name, found.get("value") or "")

    def handle_data(self, data: str) -> None:
        if self._fields is not None and self._textarea:
            self._fields[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._fields = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _patterns(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _patterns(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern) and p.name:
            yield prefix + str(p.pattern), p.name


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, str]]:
    with (
        django_db_blocker.unblock(),
        transaction.atomic(using="default"),
        transaction.atomic(using="identity"),
    ):
        call_command("demo", verbosity=0)
        leeann = Child.objects.get(given_name="Leeann")
        isp = Isp.objects.first()
        assert isp is not None
        ids = {
            "child_id": str(leeann.pk),
            "person_id": str(ChildRelationship.objects.filter(child=leeann).first().person_id),  # type: ignore[union-attr]
            "practitioner_id": str(Practitioner.objects.get(username="socialworker").pk),
            "isp_id": str(isp.pk),
            "consent_id": str(Consent.objects.filter(child_ref=leeann.pk).first().pk),  # type: ignore[union-attr]
            "disclosure_id": str(Disclosure.objects.filter(child_ref=leeann.pk).first().pk),  # type: ignore[union-attr]
            "assessment_id": str(Assessment.objects.filter(child_ref=leeann.pk).first().pk),  # type: ignore[union-attr]
            "notification_id": str(Notification.objects.first().pk),  # type: ignore[union-attr]
            "request_id": str((ShareRequest.objects.first() or _share_request(leeann.pk)).pk),
            "number": "1",
            "concern_id": str(Concern.objects.filter(child_ref=leeann.pk).first().pk),  # type: ignore[union-attr]
            # None in the demo: a page about one that does not exist must answer 404.
            "authorisation_id": str(uuid.uuid4()),
        }
        yield ids
        transaction.set_rollback(True, using="identity")
        transaction.set_rollback(True, using="default")


def _share_request(child_id: uuid.UUID) -> ShareRequest:
    from bairn.sharing.services import request_share

    police = Practitioner.objects.get(username="sergeant")
    school = Practitioner.objects.get(username="headteacher")
    return request_share(
        police,
        child_id,
        holder_agency_id=school.agency_id,  # type: ignore[arg-type]
        purpose="wellbeing_support",
        necessity="To understand what happened at home",
        categories=["chronology"],
    )


def _path(pattern: str, ids: dict[str, str]) -> str:
    path = "/" + pattern
    for name, value in ids.items():
        path = path.replace(f"<uuid:{name}>", value).replace(f"<int:{name}>", value)
    assert "<" not in path, path
    return path


@pytest.mark.parametrize("username", ["headteacher", "socialworker", "ig.school", "sergeant"])
def test_no_page_or_form_answers_500(demo: dict[str, str], username: str) -> None:
    browser: Client = web_client(Practitioner.objects.get(username=username))
    sent = 0
    for pattern, name in _patterns(get_resolver().url_patterns):
        if pattern.startswith("api/") or name in SKIP:
            continue
        path = _path(pattern, demo)
        page = browser.get(path)
        assert page.status_code < 500, (path, page.status_code)
        forms = Forms()
        if page.status_code == 200 and page["Content-Type"].startswith("text/html"):
            forms.feed(page.content.decode())
        targets = forms.forms or [("", {"anything": ""})]
        for action, defaults in targets:
            if action.endswith(("/sign-out", "/notifications/read")):
                continue
            bodies = [{field: junk(field, i) for i, field in enumerate(defaults)} for junk in JUNK]
            # The form as the page gives it, with one field at a time spoiled.
            for i, field in enumerate(list(defaults)[:MUTATED]):
                bodies.append({**defaults, field: JUNK[1 + i % 2](field, i)})
            for body in bodies:
                answer = browser.post(action or path, body)
                sent += 1
                assert answer.status_code < 500, (action or path, body, answer.status_code)
    assert sent > 60
