"""The pages' truth table, beside the API's (tests/test_access.py): every page of
bairn.web.urls × the same callers (Charlie the outsider included) → the status, exactly
one refused audit event for each refusal, and every allowed read of a child's page
audited once per request — once per action and object (DOMAIN §2, §4.1).

The setup is the API table's (its share request is the health visitor's to the school
about Trent), with a draft ISP, Corinne's consent and a child protection disclosure to
social work: records the pages need, none of which involves another caller.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from bairn.access.policy import AUDITED_READS
from bairn.audit.models import AuditEvent
from bairn.notify.models import Notification
from bairn.planning.models import Assessment
from bairn.sharing import services as sharing
from tests.factories import Cast
from tests.test_access import CALLERS, _setup
from tests.web import web_client

Data = dict[str, Any]
Path = Callable[[Cast, Data], str]
Body = Callable[[Cast, Data], dict[str, Any]]


def _child(tail: str = "") -> Path:
    return lambda c, d: f"/children/{d['leeann']}{tail}"


# name → (path, the body of a valid POST or None for a GET)
PAGES: dict[str, tuple[str, Path, Body | None]] = {
    "home": ("web:home", lambda c, d: "/", None),
    "mark all read": ("web:mark-all-read", lambda c, d: "/notifications/read", lambda c, d: {}),
    "mark read": (
        "web:mark-read",
        lambda c, d: f"/notifications/{d['notification']}/read",
        lambda c, d: {},
    ),
    "find child": ("web:find-child", lambda c, d: "/find", None),
    "POST find child": (
        "web:find-child",
        lambda c, d: "/find",
        lambda c, d: {
            "given_name": "Leeann",
            "family_name": "Cairns",
            "date_of_birth": "14/03/2017",
            "postcode": "KY1 2AB",
        },
    ),
    "POST break glass": (
        "web:break-glass",
        lambda c, d: "/find/emergency-access",
        lambda c, d: {
            "given_name": "Leeann",
            "family_name": "Cairns",
            "date_of_birth": "14/03/2017",
            "postcode": "KY1 2AB",
            "reason": "Police at the address tonight: need the Named Person now",
        },
    ),
    "new child": ("web:new-child", lambda c, d: "/children/new", None),
    "POST new child": (
        "web:new-child",
        lambda c, d: "/children/new",
        lambda c, d: {"given_name": "Ava", "family_name": "Stone", "date_of_birth": "05/01/2019"},
    ),
    "child": ("web:child", _child(), None),
    "add person": ("web:add-person", _child("/people/new"), None),
    "POST add person": (
        "web:add-person",
        _child("/people/new"),
        lambda c, d: {"given_name": "Steve", "family_name": "Reid", "relationship": "other"},
    ),
    "change person": (
        "web:change-person",
        lambda c, d: f"/children/{d['leeann']}/people/{d['corinne']}/change",
        None,
    ),
    "POST change person": (
        "web:change-person",
        lambda c, d: f"/children/{d['leeann']}/people/{d['corinne']}/change",
        lambda c, d: {"relationship": "mother", "parental_responsibility": "on", "reason": "Moved"},
    ),
    "named person": ("web:assign-named-person", _child("/named-person"), None),
    "POST named person": (
        "web:assign-named-person",
        _child("/named-person"),
        lambda c, d: {"practitioner": str(c.head_teacher.pk)},
    ),
    "lead professional": ("web:assign-lead-professional", _child("/lead-professional"), None),
    "POST lead professional": (
        "web:assign-lead-professional",
        _child("/lead-professional"),
        lambda c, d: {"practitioner": str(c.social_worker.pk)},
    ),
    "team add": ("web:team-add", _child("/team/new"), None),
    "POST team add": (
        "web:team-add",
        _child("/team/new"),
        lambda c, d: {"practitioner": str(c.police_officer.pk), "reason": "Community officer"},
    ),
    "POST team remove": (
        "web:team-remove",
        lambda c, d: f"/children/{d['leeann']}/team/{c.social_worker.pk}/remove",
        lambda c, d: {},
    ),
    "offer": ("web:named-person-offer", _child("/named-person-offer"), None),
    "POST offer": (
        "web:named-person-offer",
        _child("/named-person-offer"),
        lambda c, d: {"decision": "declined", "given_by": d["corinne"], "decided_on": ""},
    ),
    "record concern": ("web:record-concern", _child("/concerns/new"), None),
    "POST record concern": (
        "web:record-concern",
        _child("/concerns/new"),
        lambda c, d: {
            "occurred_at": "12/06/2026 10:00",
            "summary": "Leeann said she had no breakfast",
            "source": "child_disclosure",
            "indicators": ["nurtured"],
            "impact": "negative",
            "significance": "low",
        },
    ),
    "concern": ("web:concern", lambda c, d: f"/concerns/{d['entry']}", None),
    "sharing": ("web:sharing", lambda c, d: "/sharing", None),
    "isp new": ("web:isp-new", lambda c, d: "/sharing/isps/new", None),
    "isp": ("web:isp", lambda c, d: f"/sharing/isps/{d['isp']}", None),
    "POST isp approve": (
        "web:isp-approve",
        lambda c, d: f"/sharing/isps/{d['isp']}/approve",
        lambda c, d: {},
    ),
    "POST isp status": (
        "web:isp-status",
        lambda c, d: f"/sharing/isps/{d['isp']}/status",
        lambda c, d: {"change": "suspend", "reason": "Under review"},
    ),
    "share request": (
        "web:share-request",
        lambda c, d: f"/sharing/requests/{d['share_request']}",
        None,
    ),
    "authorisations": ("web:authorisations", lambda c, d: "/sharing/authorisations", None),
    "POST authorisation decide": (
        "web:authorisation-decide",
        lambda c, d: f"/sharing/authorisations/{d['authorisation']}",
        lambda c, d: {
            f"{d['authorisation']}-decision": "refuse",
            f"{d['authorisation']}-reason": "Not enough to share without agreement",
        },
    ),
    "child sharing": ("web:child-sharing", _child("/sharing"), None),
    "sharing explain": ("web:sharing-explain", _child("/sharing/explain"), None),
    "POST share ask": (
        "web:child-share-ask",
        _child("/sharing/ask"),
        lambda c, d: {
            "ask-holder": str(c.health.pk),
            "ask-purpose": "wellbeing_support",
            "ask-categories": ["chronology"],
            "ask-necessity": "To understand her health",
            "ask-urgency": "routine",
        },
    ),
    "POST consent": (
        "web:child-consent",
        _child("/consents"),
        lambda c, d: {
            "consent-given_by": d["corinne"],
            "consent-decision": "given",
            "consent-purposes": ["wellbeing_support"],
            "consent-recipients": [str(c.health.pk)],
            "consent-categories": ["chronology"],
        },
    ),
    "POST consent withdraw": (
        "web:consent-withdraw",
        lambda c, d: f"/children/{d['leeann']}/consents/{d['consent']}/withdraw",
        lambda c, d: {"reason": "Corinne changed her mind"},
    ),
    "POST views": (
        "web:child-views",
        _child("/views"),
        lambda c, d: {"views-whose": "child", "views-views": "I like art"},
    ),
    "POST family informed": (
        "web:family-informed",
        lambda c, d: f"/children/{d['leeann']}/disclosures/{d['disclosure']}/family-informed",
        lambda c, d: {},
    ),
    "plan": ("web:child-plan", _child("/plan"), None),
    "plan pdf": ("web:plan-pdf", _child("/plan.pdf"), None),
    "plan edit": ("web:plan-edit", _child("/plan/edit"), None),
    "plan version": ("web:plan-version", _child("/plan/versions/1"), None),
    "assessment new": ("web:assessment-new", _child("/assessments/new"), None),
    "assessment contribute": (
        "web:assessment-contribute",
        lambda c, d: f"/assessments/{d['assessment']}/contribute",
        None,
    ),
    "meeting new": ("web:meeting-new", _child("/meetings/new"), None),
    "POST meeting new": (
        "web:meeting-new",
        _child("/meetings/new"),
        lambda c, d: {
            "held_on": "01/06/2026",
            "attendees": [str(c.head_teacher.pk)],
            "family_attended": "yes",
            "decisions": "Meet again in six weeks",
            "action_rows": "0",
        },
    ),
    "governance": ("web:governance", lambda c, d: "/governance", None),
    "audit": ("web:audit", lambda c, d: "/governance/audit", None),
    "audit csv": ("web:audit-csv", lambda c, d: "/governance/audit.csv", None),
    "audit csv filtered": (
        "web:audit-csv",
        lambda c, d: f"/governance/audit.csv?child={d['leeann']}&outcome=allowed",
        None,
    ),
    "review queue": ("web:review-queue", lambda c, d: "/governance/review", None),
    "transparency": (
        "web:transparency",
        lambda c, d: f"/governance/children/{d['leeann']}/transparency",
        None,
    ),
}

# Pages anyone may open, signed in or not, and the signing in itself (tests/test_web_auth.py).
NOT_IN_TABLE = {
    "web:healthz",
    "web:accessibility",
    "web:privacy",
    "web:sign-in",
    "web:two-factor",
    "web:two-factor-setup",
    "web:sign-out",
    "web:drafts",
}

# Expected status per caller, in the order of CALLERS:
#   head  class  nursery  hv  sergeant  ig  admin  charlie
TABLE: dict[str, tuple[int, ...]] = {
    # Signed in, everyone has a home page; an administrator's lists no child.
    "home": (200, 200, 200, 200, 200, 200, 200, 200),
    "mark all read": (302, 302, 302, 302, 302, 302, 302, 302),
    "mark read": (302, 302, 302, 302, 302, 302, 302, 302),
    # Anyone working with children may ask whether a child is known (DOMAIN §4.2).
    "find child": (200, 200, 200, 200, 200, 200, 403, 200),
    "POST find child": (200, 200, 200, 200, 200, 200, 403, 200),
    "POST break glass": (302, 302, 302, 302, 302, 302, 403, 302),
    "new child": (200, 200, 200, 200, 200, 200, 403, 200),
    "POST new child": (302, 302, 302, 302, 302, 302, 403, 302),
    # Leeann's page: her Named Person and the class teacher on her team; nobody else.
    "child": (200, 200, 404, 404, 404, 404, 404, 404),
    "add person": (200, 200, 404, 404, 404, 404, 404, 404),
    "POST add person": (302, 302, 404, 404, 404, 404, 404, 404),
    "change person": (200, 200, 404, 404, 404, 404, 404, 404),
    "POST change person": (302, 302, 404, 404, 404, 404, 404, 404),
    # The Named Person changes within her agency; the class teacher may not.
    "named person": (200, 403, 404, 404, 404, 404, 404, 404),
    "POST named person": (302, 403, 404, 404, 404, 404, 404, 404),
    "lead professional": (200, 403, 404, 404, 404, 404, 404, 404),
    "POST lead professional": (302, 403, 404, 404, 404, 404, 404, 404),
    "team add": (200, 403, 404, 404, 404, 404, 404, 404),
    "POST team add": (302, 403, 404, 404, 404, 404, 404, 404),
    "POST team remove": (302, 403, 404, 404, 404, 404, 404, 404),
    "offer": (200, 200, 404, 404, 404, 404, 404, 404),
    "POST offer": (302, 302, 404, 404, 404, 404, 404, 404),
    # Recording is not reading: anyone of the school, which knows her, may record.
    "record concern": (200, 200, 200, 404, 404, 200, 404, 404),
    "POST record concern": (302, 302, 302, 404, 404, 302, 404, 404),
    # The head teacher's entry: her school's own.
    "concern": (200, 200, 404, 404, 404, 404, 404, 404),
    # The ISP register and share requests, for everyone working with children.
    "sharing": (200, 200, 200, 200, 200, 200, 403, 200),
    # Information governance drafts and approves ISPs.
    "isp new": (403, 403, 403, 403, 403, 200, 403, 403),
    # A draft ISP of the school and health: seen by their people.
    "isp": (200, 200, 200, 200, 404, 200, 403, 404),
    "POST isp approve": (403, 403, 403, 403, 403, 302, 403, 403),
    "POST isp status": (403, 403, 403, 403, 403, 200, 403, 403),
    # The health visitor's request to the school about Trent.
    "share request": (200, 404, 404, 200, 404, 200, 403, 404),
    # The authorisation the class teacher asked of the head teacher (a senior).
    "authorisations": (200, 200, 200, 200, 200, 200, 403, 200),
    "POST authorisation decide": (302, 403, 404, 404, 404, 404, 404, 404),
    # Sharing about Leeann: those involved with her.
    "child sharing": (200, 200, 404, 404, 404, 404, 404, 404),
    "sharing explain": (200, 200, 404, 404, 404, 404, 404, 404),
    "POST share ask": (302, 302, 404, 404, 404, 404, 404, 404),
    "POST consent": (302, 302, 404, 404, 404, 404, 404, 404),
    "POST consent withdraw": (302, 302, 404, 404, 404, 404, 404, 404),
    "POST views": (302, 302, 404, 404, 404, 404, 404, 404),
    "POST family informed": (302, 302, 404, 404, 404, 404, 404, 404),
    # The plan's circle: her Named Person (the Lead Professional is not a caller).
    "plan": (200, 404, 404, 404, 404, 404, 404, 404),
    "plan pdf": (200, 404, 404, 404, 404, 404, 404, 404),
    "plan edit": (200, 404, 404, 404, 404, 404, 404, 404),
    "plan version": (200, 404, 404, 404, 404, 404, 404, 404),
    "assessment new": (200, 404, 404, 404, 404, 404, 404, 404),
    "assessment contribute": (302, 404, 404, 404, 404, 404, 404, 404),
    "meeting new": (200, 404, 404, 404, 404, 404, 404, 404),
    "POST meeting new": (302, 404, 404, 404, 404, 404, 404, 404),
    # Information governance.
    "governance": (403, 403, 403, 403, 403, 200, 403, 403),
    "audit": (403, 403, 403, 403, 403, 200, 403, 403),
    "audit csv": (403, 403, 403, 403, 403, 200, 403, 403),
    "audit csv filtered": (403, 403, 403, 403, 403, 200, 403, 403),
    "review queue": (403, 403, 403, 403, 403, 200, 403, 403),
    # Prepared by information governance of an agency holding records.
    "transparency": (403, 403, 404, 404, 404, 200, 404, 404),
}


def _names(patterns: list[URLPattern | URLResolver], namespace: str = "") -> set[str]:
    found: set[str] = set()
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if "api/v1" in str(entry.pattern):
                continue  # the API's own table
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found |= _names(entry.url_patterns, inner)
        elif entry.name:
            found.add(namespace + entry.name)
    return found


def test_every_page_has_a_row() -> None:
    """A page added later without a row in this table fails here."""
    pages = {n for n in _names(get_resolver().url_patterns) if n.startswith("web:")}
    assert pages - NOT_IN_TABLE - {name for name, _, _ in PAGES.values()} == set()
    assert set(TABLE) == set(PAGES)
    assert all(len(row) == len(CALLERS) for row in TABLE.values())


@pytest.fixture(scope="module")
def pages(module_cast: Cast) -> tuple[Cast, Data]:
    cast = module_cast
    data = _setup(cast)
    data["assessment"] = Assessment.objects.get(child_ref=cast.leeann.pk).pk
    data["isp"] = sharing.draft_isp(
        cast.ig_school,
        title="School and health",
        party_agency_ids=[cast.school.pk, cast.health.pk],
        purposes=["wellbeing_support"],
        categories=["chronology"],
        lawful_basis="public_task",
        consent_required=False,
        onward_sharing=False,
        retention_days=365,
        review_date=dt.date(2030, 1, 1),
    ).pk
    data["consent"] = sharing.record_consent(
        cast.head_teacher,
        cast.leeann.pk,
        given_by=data["corinne"],
        decision="given",
        purposes=["wellbeing_support"],
        recipient_agency_ids=[cast.health.pk],
        categories=["chronology"],
    ).pk
    data["disclosure"] = sharing.disclose(
        cast.head_teacher,
        cast.leeann.pk,
        recipient_agency_id=cast.social_work.pk,
        purpose="child_protection",
        categories=["chronology"],
        justification="Leeann disclosed an assault at home",
        family_not_informed_reason="Telling the household would put her at risk",
    ).pk
    data["notification"] = Notification.objects.filter(recipient=cast.head_teacher).first().pk  # type: ignore[union-attr]
    return cast, data


CASES = [
    pytest.param(name, who, i, id=f"{name}-{who}")
    for name in PAGES
    for i, who in enumerate(CALLERS)
]


def _send(client: Client, cast: Cast, data: Data, name: str) -> Any:
    _, path, body = PAGES[name]
    if body is None:
        return client.get(path(cast, data))
    return client.post(path(cast, data), body(cast, data))


@pytest.mark.parametrize(("name", "who", "column"), CASES)
def test_who_may_open_each_page(pages: tuple[Cast, Data], name: str, who: str, column: int) -> None:
    cast, data = pages
    client = web_client(getattr(cast, who))
    before = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    response = _send(client, cast, data, name)
    written = list(AuditEvent.objects.filter(seq__gt=before))
    expected = TABLE[name][column]
    assert response.status_code == expected, (name, who, response.status_code)
    refused = [e for e in written if e.outcome == "refused"]
    if expected in (403, 404):
        # Exactly one refusal, on the record; nothing allowed beside it.
        assert len(refused) == 1, [(e.action, e.reason) for e in refused]
        assert not [e for e in written if e.outcome == "allowed" and e.child_id]
    else:
        assert refused == [], [(e.action, e.reason) for e in refused]
    if expected == 200 and PAGES[name][2] is None:
        reads = [(e.action, e.child_id, e.object) for e in written if e.action in AUDITED_READS]
        twice = {r for r in reads if reads.count(r) > 1}
        assert twice == set(), f"{name} audits a read more than once: {sorted(twice)}"
