"""Who may and who may not: roles × involvement × endpoints (DOMAIN §1, §4.1, §4.9).

Leeann's Named Person is the head teacher (a senior), who created her record; the class
teacher is on her team, brought in by the head teacher. The nursery teacher of the same
school recorded a concern about her, which lets her see that entry and nothing more
(recording is not reading, DOMAIN §4.1). Everyone else is not involved: Trent's health
visitor, a police sergeant, the school's information governance lead, the administrator
and Charlie, the outsider.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from bairn.agencies.models import Involvement
from bairn.agencies.services import add_to_team
from bairn.audit.models import AuditEvent
from bairn.planning.services import start_assessment
from bairn.sharing.services import disclose, request_share
from tests.factories import CONCERN, Api, Cast, concern, corinne, plan, practitioner

CALLERS = [
    "head_teacher",
    "class_teacher",
    "nursery_teacher",
    "health_visitor",
    "police_sergeant",
    "ig_school",
    "admin",
    "charlie",
]

PLAN = {
    "reason_for_plan": "Leeann's behaviour and what she says of home need several agencies",
    "needs": [
        {
            "indicators": ["safe"],
            "description": "To feel safe at home",
            "outcome": "Leeann says she feels safe",
            "evidence": "Her own words, weekly",
            "actions": [],
        }
    ],
    "child_views": "I like my classroom assistant",
    "family_views": "Corinne wants help with Trent",
    "review_date": "2030-01-31",
}


def _sealed(cast: Cast) -> int:
    """An event of the school's, sealed into the log: its id."""
    from bairn.audit import log

    log.seal()
    return AuditEvent.objects.filter(agency_id=str(cast.school.pk)).values_list("seq", flat=True)[0]


def _signed_size() -> int:
    from bairn.audit import log

    latest = log.latest_checkpoint()
    assert latest is not None
    return latest.tree_size


def _setup(cast: Cast) -> dict[str, Any]:
    entry = concern(cast.head_teacher, cast.leeann, "Leeann upset at drop-off")
    add_to_team(cast.head_teacher, cast.leeann.pk, cast.class_teacher.pk, reason="Class teacher")
    concern(cast.class_teacher, cast.leeann, "Leeann pushed another child", significance="medium")
    own = concern(cast.nursery_teacher, cast.leeann, "Leeann collecting Trent, alone")
    start_assessment(
        cast.head_teacher, cast.leeann.pk, indicators={"safe": {"rating": "some_concern"}}
    )
    plan(cast, **{**PLAN, "review_date": dt.date(2030, 1, 31)})
    mother = corinne(cast)
    add_to_team(cast.head_teacher, cast.leeann.pk, cast.social_worker.pk, reason="Family support")
    # Trent's health visitor asks the school for what it holds about him (Leeann's rows
    # stay as they are); the class teacher asks the head teacher to authorise a child
    # protection share about Leeann.
    asked = request_share(
        cast.health_visitor,
        cast.trent.pk,
        holder_agency_id=cast.school.pk,
        purpose="wellbeing_support",
        necessity="Trent's nursery attendance, for his health review",
        categories=["chronology"],
    )
    authorisation = disclose(
        cast.class_teacher,
        cast.leeann.pk,
        recipient_agency_id=cast.police.pk,
        purpose="child_protection",
        categories=["core"],
        justification="Leeann disclosed an assault at home",
        authorised_by_id=cast.head_teacher.pk,
    )
    return {
        "leeann": cast.leeann.pk,
        "entry": entry.pk,
        "own": own.pk,
        "corinne": mother,
        "share_request": asked.pk,
        "authorisation": authorisation.pk,
    }


Call = Callable[[Cast, dict[str, Any], str], Any]


def _to_police(c: Cast, d: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """A child protection disclosure of Leeann's core details to the police."""
    return {
        "child_id": str(d["leeann"]),
        "recipient_agency_id": str(c.police.pk),
        "purpose": "child_protection",
        "categories": ["core"],
        "justification": "Leeann disclosed an assault at home",
        **extra,
    }


ENDPOINTS: dict[str, Call] = {
    "GET child": lambda c, d, w: c.api(w).get(f"/children/{d['leeann']}"),
    "GET people": lambda c, d, w: c.api(w).get(f"/children/{d['leeann']}/people"),
    "POST people": lambda c, d, w: c.api(w).post(
        f"/children/{d['leeann']}/people",
        {
            "given_name": "Corinne",
            "family_name": "Cairns",
            "relationship": "mother",
            "parental_responsibility": True,
            "lives_with": True,
            "stays_overnight": False,
        },
    ),
    "PATCH person": lambda c, d, w: c.api(w).patch(
        f"/children/{d['leeann']}/people/{d['corinne']}",
        {"lives_with": False, "reason": "Corinne has moved to her sister's"},
    ),
    "GET household changes": lambda c, d, w: c.api(w).get(
        f"/children/{d['leeann']}/household-changes"
    ),
    "GET team": lambda c, d, w: c.api(w).get(f"/children/{d['leeann']}/team"),
    "POST team": lambda c, d, w: c.api(w).post(
        f"/children/{d['leeann']}/team",
        {"practitioner_id": str(c.health_visitor.pk), "reason": "Health visitor for Trent too"},
    ),
    "DELETE team member": lambda c, d, w: c.api(w).delete(
        f"/children/{d['leeann']}/team/{c.social_worker.pk}"
    ),
    "POST named-person offer": lambda c, d, w: c.api(w).post(
        f"/children/{d['leeann']}/named-person-offer",
        {"decision": "declined", "given_by": d["corinne"]},
    ),
    "GET named-person offer": lambda c, d, w: c.api(w).get(
        f"/children/{d['leeann']}/named-person-offer"
    ),
    "GET chronology": lambda c, d, w: c.api(w).get(f"/children/{d['leeann']}/chronology"),
    "POST concern": lambda c, d, w: c.api(w).post(f"/children/{d['leeann']}/concerns", CONCERN),
    "GET concern": lambda c, d, w: c.api(w).get(f"/concerns/{d['entry']}"),
    "POST amendment": lambda c, d, w: c.api(w).post(
        f"/concerns/{d['entry']}/amendments", {"reason": "Wrong day", "summary": "Corrected"}
    ),
    "GET own concern": lambda c, d, w: c.api(w).get(f"/concerns/{d['own']}"),
    "POST amendment of own": lambda c, d, w: c.api(w).post(
        f"/concerns/{d['own']}/amendments", {"reason": "Wrong time", "summary": "Corrected"}
    ),
    "PUT named-person": lambda c, d, w: c.api(w).put(
        f"/children/{d['leeann']}/named-person", {"practitioner_id": str(c.head_teacher.pk)}
    ),
    "PUT lead-professional": lambda c, d, w: c.api(w).put(
        f"/children/{d['leeann']}/lead-professional",
        {"practitioner_id": str(c.social_worker.pk)},
    ),
    "POST break glass": lambda c, d, w: c.api(w).post(
        f"/children/{d['leeann']}/involvement",
        {"reason": "Police report of a child at risk at the address tonight"},
    ),
    "GET audit": lambda c, d, w: c.api(w).get("/audit"),
    "GET audit checkpoint": lambda c, d, w: c.api(w).get("/audit/checkpoint"),
    "GET audit proof": lambda c, d, w: c.api(w).get(f"/audit/events/{_sealed(c)}/proof"),
    "GET audit consistency": lambda c, d, w: c.api(w).get(
        "/audit/consistency", {"from": 1, "to": _sealed(c) and _signed_size()}
    ),
    "POST cosignature": lambda c, d, w: c.api(w).post(
        "/audit/cosignatures", {"witness": "not-registered", "signed_note": "x\n\n— y z\n"}
    ),
    "POST agency": lambda c, d, w: c.api(w).post(
        "/agencies", {"name": f"New agency {w}", "kind": "other"}
    ),
    "POST practitioner": lambda c, d, w: c.api(w).post(
        "/practitioners",
        {
            "username": f"new_{w}",
            "full_name": "New Person",
            "agency_id": str(c.school.pk),
            "roles": ["practitioner"],
            "email": "new@example.org",
        },
    ),
    "POST child": lambda c, d, w: c.api(w).post(
        "/children", {"given_name": "Ava", "family_name": "Stone", "date_of_birth": "2019-01-05"}
    ),
    "POST match": lambda c, d, w: c.api(w).post(
        "/children/match",
        {
            "given_name": "Leeann",
            "family_name": "Cairns",
            "date_of_birth": "2017-03-14",
            "postcode": "KY1 2AB",
        },
    ),
    "GET notifications": lambda c, d, w: c.api(w).get("/notifications"),
    "GET me": lambda c, d, w: c.api(w).get("/me"),
    "POST isp": lambda c, d, w: c.api(w).post(
        "/isps",
        {
            "title": f"School and health ({w})",
            "party_agency_ids": [str(c.school.pk), str(c.health.pk)],
            "purposes": ["wellbeing_support"],
            "categories": ["chronology"],
            "lawful_basis": "public_task",
            "consent_required": False,
            "onward_sharing": False,
            "retention_days": 365,
            "review_date": "2030-01-01",
        },
    ),
    "GET isps": lambda c, d, w: c.api(w).get("/isps"),
    "POST consent": lambda c, d, w: c.api(w).post(
        f"/children/{d['leeann']}/consents",
        {
            "given_by": "child",
            "child_understands": True,
            "capacity_reason": "Explained with pictures; she could say what it means",
            "decision": "refused",
            "purposes": ["wellbeing_support"],
            "recipient_agency_ids": [str(c.health.pk)],
            "categories": ["chronology"],
        },
    ),
    "GET consents": lambda c, d, w: c.api(w).get(f"/children/{d['leeann']}/consents"),
    "POST views": lambda c, d, w: c.api(w).post(
        f"/children/{d['leeann']}/views", {"whose": "child", "views": "I like art"}
    ),
    "GET sharing-check": lambda c, d, w: c.api(w).get(
        f"/children/{d['leeann']}/sharing-check",
        {
            "recipient_agency_id": str(c.police.pk),
            "purpose": "child_protection",
            "category": "core",
        },
    ),
    "POST child protection disclosure": lambda c, d, w: c.api(w).post(
        "/disclosures",
        {
            "child_id": str(d["leeann"]),
            "recipient_agency_id": str(c.police.pk),
            "purpose": "child_protection",
            "categories": ["core", "chronology"],
            "justification": "Leeann disclosed an assault at home",
        },
    ),
    "GET disclosures": lambda c, d, w: c.api(w).get(f"/children/{d['leeann']}/disclosures"),
    "POST share request": lambda c, d, w: c.api(w).post(
        "/share-requests",
        {
            "child_id": str(d["leeann"]),
            "holder_agency_id": str(c.police.pk),
            "purpose": "wellbeing_support",
            "necessity": "To understand what happened at home",
            "categories": ["chronology"],
        },
    ),
    "GET share requests": lambda c, d, w: c.api(w).get("/share-requests"),
    "POST share request decision": lambda c, d, w: c.api(w).post(
        f"/share-requests/{d['share_request']}/decision",
        {"decision": "decline", "reason": "Trent is not at the nursery yet"},
    ),
    "POST disclosure asking a senior": lambda c, d, w: c.api(w).post(
        "/disclosures", _to_police(c, d, authorised_by=str(c.head_teacher.pk))
    ),
    "POST urgent disclosure": lambda c, d, w: c.api(w).post(
        "/disclosures",
        _to_police(
            c,
            d,
            urgent=True,
            urgent_reason="She goes home with him at 3.15 and no senior can be reached",
        ),
    ),
    "GET authorisations": lambda c, d, w: c.api(w).get("/authorisations"),
    "POST authorisation decision": lambda c, d, w: c.api(w).post(
        f"/authorisations/{d['authorisation']}/decision",
        {"decision": "refuse", "reason": "Talk to the family first"},
    ),
    "GET transparency": lambda c, d, w: c.api(w).get(f"/children/{d['leeann']}/transparency"),
    "GET review queue": lambda c, d, w: c.api(w).get("/review-queue"),
    "POST assessment": lambda c, d, w: c.api(w).post(
        f"/children/{d['leeann']}/assessments",
        {"indicators": {"achieving": {"rating": "strength", "notes": "Reading improving"}}},
    ),
    "GET assessments": lambda c, d, w: c.api(w).get(f"/children/{d['leeann']}/assessments"),
    "GET wellbeing wheel": lambda c, d, w: c.api(w).get(
        f"/children/{d['leeann']}/wellbeing-wheel.svg"
    ),
    "PUT plan": lambda c, d, w: c.api(w).put(
        f"/children/{d['leeann']}/plan",
        {**PLAN, "version": 1, "lead_professional_id": str(c.social_worker.pk), "team_ids": []},
    ),
    "GET plan": lambda c, d, w: c.api(w).get(f"/children/{d['leeann']}/plan"),
    "GET plan versions": lambda c, d, w: c.api(w).get(f"/children/{d['leeann']}/plan/versions"),
    "GET plan pdf": lambda c, d, w: c.api(w).get(f"/children/{d['leeann']}/plan.pdf"),
    "POST meeting": lambda c, d, w: c.api(w).post(
        f"/children/{d['leeann']}/meetings",
        {
            "held_on": "2026-06-01",
            "attendee_ids": [str(c.head_teacher.pk)],
            "family_attended": True,
            "decisions": "Meet again in six weeks",
        },
    ),
    "POST ird": lambda c, d, w: c.api(w).post(
        f"/children/{d['leeann']}/ird",
        {
            "started_at": "2026-06-12T16:00:00+01:00",
            "reason": "Disclosure of harm",
            "participant_agency_ids": [str(c.police.pk)],
            "information_shared": "The school's chronology",
            "decisions": "Joint investigation",
        },
    ),
    "GET child protection": lambda c, d, w: c.api(w).get(
        f"/children/{d['leeann']}/child-protection"
    ),
    "POST register": lambda c, d, w: c.api(w).post(
        f"/children/{d['leeann']}/register",
        {"cppm_held_on": "2026-06-20", "registered_on": "2026-06-20", "concerns": ["physical"]},
    ),
}

# Expected status per caller, in the order of CALLERS:
#   head  class  nursery  hv  sergeant  ig  admin  charlie
TABLE: dict[str, tuple[int, ...]] = {
    "GET child": (200, 200, 404, 404, 404, 404, 404, 404),
    "GET people": (200, 200, 404, 404, 404, 404, 404, 404),
    "POST people": (201, 201, 404, 404, 404, 404, 404, 404),
    "PATCH person": (200, 200, 404, 404, 404, 404, 404, 404),
    "GET household changes": (200, 200, 404, 404, 404, 404, 404, 404),
    # The Named Person brings people into the team; the class teacher, on it, may see who
    # is on it but not change it. The nursery teacher only recorded: she sees none of it.
    "GET team": (200, 200, 404, 404, 404, 404, 404, 404),
    "POST team": (201, 403, 404, 404, 404, 404, 404, 404),
    "DELETE team member": (200, 403, 404, 404, 404, 404, 404, 404),
    "POST named-person offer": (201, 201, 404, 404, 404, 404, 404, 404),
    "GET named-person offer": (200, 200, 404, 404, 404, 404, 404, 404),
    "GET chronology": (200, 200, 404, 404, 404, 404, 404, 404),
    # The school already knows Leeann, so its people may record about her (without
    # becoming involved); other agencies must declare involvement first. Recording is not
    # reading: the nursery teacher sees and amends her own entry, not a colleague's.
    "POST concern": (201, 201, 201, 404, 404, 201, 404, 404),
    "GET concern": (200, 200, 404, 404, 404, 404, 404, 404),
    "POST amendment": (201, 201, 404, 404, 404, 404, 404, 404),
    "GET own concern": (200, 200, 200, 404, 404, 404, 404, 404),
    "POST amendment of own": (201, 201, 201, 404, 404, 404, 404, 404),
    # A Named Person is assigned: only they or a senior may change it.
    "PUT named-person": (200, 403, 404, 404, 404, 404, 404, 404),
    # The plan made the social worker Lead Professional: the Named Person may change that,
    # the class teacher may not.
    "PUT lead-professional": (200, 403, 404, 404, 404, 404, 404, 404),
    "POST break glass": (201, 201, 201, 201, 201, 201, 403, 201),
    "GET audit": (403, 403, 403, 403, 403, 200, 403, 403),
    # The log's checkpoints and consistency proofs are public (a witness needs no
    # account); an event's inclusion proof is for the information governance answering
    # for it; only a registered witness's cosignature is kept.
    "GET audit checkpoint": (200,) * 8,
    "GET audit proof": (403, 403, 403, 403, 403, 200, 403, 403),
    "GET audit consistency": (200,) * 8,
    "POST cosignature": (403,) * 8,
    "POST agency": (403, 403, 403, 403, 403, 403, 201, 403),
    "POST practitioner": (403, 403, 403, 403, 403, 403, 201, 403),
    "POST child": (201, 201, 201, 201, 201, 201, 403, 201),
    "POST match": (200, 200, 200, 200, 200, 200, 403, 200),
    "GET notifications": (200,) * 8,
    "GET me": (200,) * 8,
    # Information governance drafts ISPs; everyone working with children sees the register.
    "POST isp": (403, 403, 403, 403, 403, 201, 403, 403),
    "GET isps": (200, 200, 200, 200, 200, 200, 403, 200),
    "POST consent": (201, 201, 404, 404, 404, 404, 404, 404),
    "GET consents": (200, 200, 404, 404, 404, 404, 404, 404),
    "POST views": (201, 201, 404, 404, 404, 404, 404, 404),
    "GET sharing-check": (200, 200, 404, 404, 404, 404, 404, 404),
    # Child protection sharing needs a senior: the head teacher is one, the class teacher not.
    "POST child protection disclosure": (201, 403, 404, 404, 404, 404, 404, 404),
    "GET disclosures": (200, 200, 404, 404, 404, 404, 404, 404),
    "POST share request": (201, 201, 404, 404, 404, 404, 404, 404),
    "GET share requests": (200, 200, 200, 200, 200, 200, 403, 200),
    # A request to the school about Trent: its seniors, its information governance and
    # those of its people involved with him decide (DOMAIN §4.4); to anyone else, even
    # the health visitor who asked, it is not found.
    "POST share request decision": (200, 404, 404, 404, 404, 200, 404, 404),
    # Naming a senior asks her (202); the head teacher naming herself shares at once.
    "POST disclosure asking a senior": (201, 202, 404, 404, 404, 404, 404, 404),
    # Shared at once without authorisation; a senior sharing authorises it herself.
    "POST urgent disclosure": (201, 201, 404, 404, 404, 404, 404, 404),
    "GET authorisations": (200, 200, 200, 200, 200, 200, 403, 200),
    # The class teacher asked the head teacher: she decides, he may not authorise his own.
    "POST authorisation decision": (200, 403, 404, 404, 404, 404, 404, 404),
    # The family's report is prepared by information governance of an agency holding
    # records; to the involved it is forbidden, to the rest the child is not found.
    "GET transparency": (403, 403, 404, 404, 404, 200, 404, 404),
    "GET review queue": (403, 403, 403, 403, 403, 200, 403, 403),
    # Assessments and the plan: the Named Person, the Lead Professional and the plan's
    # team; the class teacher is involved but not in that circle, so not found either.
    "POST assessment": (201, 404, 404, 404, 404, 404, 404, 404),
    "GET assessments": (200, 404, 404, 404, 404, 404, 404, 404),
    "GET wellbeing wheel": (200, 404, 404, 404, 404, 404, 404, 404),
    "PUT plan": (200, 404, 404, 404, 404, 404, 404, 404),
    "GET plan": (200, 404, 404, 404, 404, 404, 404, 404),
    "GET plan versions": (200, 404, 404, 404, 404, 404, 404, 404),
    "GET plan pdf": (200, 404, 404, 404, 404, 404, 404, 404),
    "POST meeting": (201, 404, 404, 404, 404, 404, 404, 404),
    # An IRD is police, social work or health: the school is refused, outsiders not found.
    "POST ird": (403, 403, 404, 404, 404, 404, 404, 404),
    "GET child protection": (200, 200, 404, 404, 404, 404, 404, 404),
    "POST register": (403, 403, 404, 404, 404, 404, 404, 404),
}

CASES = [
    pytest.param(endpoint, who, TABLE[endpoint][i], id=f"{endpoint}-{who}")
    for endpoint in TABLE
    for i, who in enumerate(CALLERS)
]


def test_table_covers_every_endpoint() -> None:
    assert set(TABLE) == set(ENDPOINTS)
    assert all(len(row) == len(CALLERS) for row in TABLE.values())


@pytest.fixture(scope="module")
def table(module_cast: Cast) -> tuple[Cast, dict[str, Any]]:
    cast = module_cast
    data = _setup(cast)
    for who in CALLERS:
        cast.api(who)  # tokens made once, outside the tests' savepoints
    return cast, data


@pytest.mark.parametrize(("endpoint", "who", "expected"), CASES)
def test_who_may_and_who_may_not(
    table: tuple[Cast, dict[str, Any]], endpoint: str, who: str, expected: int
) -> None:
    cast, data = table
    before = AuditEvent.objects.filter(outcome="refused").count()
    response = ENDPOINTS[endpoint](cast, data, who)
    assert response.status_code == expected, response.content
    if expected == 200 and not response["Content-Type"].startswith("application/json"):
        assert response.content  # a picture or a PDF
        return
    body = response.json()
    if expected == 403:
        # The refusal explains itself.
        assert body["reasons"], body
        assert body["detail"]
    if expected == 404:
        # Not found says nothing about the child.
        assert body == {"detail": "Not found."}
    if expected in (403, 404):
        assert AuditEvent.objects.filter(outcome="refused").count() == before + 1


class _SpoiledBodies:
    """Sends every request body as an object with one unknown field; reads as they are."""

    def __init__(self, api: Any) -> None:
        self.api = api

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return self.api.get(path, params)

    def delete(self, path: str) -> Any:
        return self.api.delete(path)

    def __getattr__(self, method: str) -> Callable[..., Any]:
        return lambda path, body=None: self.api._send(method, path, {"not_a_field": 1})


class _SpoilingCast:
    def __init__(self, cast: Cast) -> None:
        self._cast = cast

    def api(self, who: str) -> _SpoiledBodies:
        return _SpoiledBodies(self._cast.api(who))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cast, name)


# The child (and the purpose, on which a refusal may rest) is named in these bodies: until
# the body is valid nobody can say whose it is, so a spoiled body is a 422 for anyone who
# may act at all.
CHILD_IN_BODY = {
    "POST child protection disclosure",
    "POST disclosure asking a senior",
    "POST urgent disclosure",
    "POST share request",
    # Public: the witness is named in the body, and its signature there is its credential.
    "POST cosignature",
}

REFUSALS = [
    pytest.param(endpoint, who, TABLE[endpoint][i], id=f"{endpoint}-{who}")
    for endpoint in TABLE
    if endpoint.split()[0] in {"POST", "PUT", "PATCH"}
    for i, who in enumerate(CALLERS)
    if TABLE[endpoint][i] in (403, 404) and endpoint not in CHILD_IN_BODY
]


@pytest.mark.parametrize(("endpoint", "who", "expected"), REFUSALS)
def test_who_may_not_is_refused_before_the_body_is_read(
    table: tuple[Cast, dict[str, Any]], endpoint: str, who: str, expected: int
) -> None:
    """Authorize before validate: someone who may not act is refused (403) or not shown
    the child (404) whatever they send; a 422 about the body would tell them the route
    and the child are there to be written to."""
    cast, data = table
    before = AuditEvent.objects.filter(outcome="refused").count()
    response = ENDPOINTS[endpoint](_SpoilingCast(cast), data, who)  # type: ignore[arg-type]
    assert response.status_code == expected, response.content
    assert AuditEvent.objects.filter(outcome="refused").count() == before + 1


def test_not_involved_gets_404_on_every_child_route(cast: Cast, client: Any) -> None:
    """Walks the OpenAPI document: any route about a child, including ones added later,
    answers the outsider with 404, exactly as for a child that does not exist."""
    spec = client.get("/api/v1/openapi.json").json()
    child_routes = [
        (method, path)
        for path, ops in spec["paths"].items()
        if "{child_id}" in path
        for method in ops
        # Break glass is the way in (tested below); the plan's version list is a sub-path
        # needing a number.
        if not path.endswith("/involvement") and "{number}" not in path
    ]
    assert len(child_routes) >= 6
    bodies = {
        "post /api/v1/children/{child_id}/concerns": CONCERN,
        "post /api/v1/children/{child_id}/people": {
            "given_name": "A",
            "family_name": "B",
            "relationship": "other",
            "parental_responsibility": False,
            "lives_with": False,
            "stays_overnight": False,
        },
        "put /api/v1/children/{child_id}/named-person": {
            "practitioner_id": str(cast.health_visitor.pk)
        },
        "put /api/v1/children/{child_id}/lead-professional": {
            "practitioner_id": str(cast.social_worker.pk)
        },
        "post /api/v1/children/{child_id}/consents": {
            "given_by": "child",
            "decision": "given",
            "purposes": ["wellbeing_support"],
            "recipient_agency_ids": [str(cast.health.pk)],
            "categories": ["chronology"],
        },
        "post /api/v1/children/{child_id}/views": {"whose": "child", "views": "I like school"},
        "post /api/v1/children/{child_id}/named-person-offer": {
            "decision": "declined",
            "given_by": "child",
        },
        "post /api/v1/children/{child_id}/team": {
            "practitioner_id": str(cast.police_officer.pk),
            "reason": "Community officer",
        },
        "patch /api/v1/children/{child_id}/people/{person_id}": {
            "lives_with": False,
            "reason": "Moved out",
        },
        "post /api/v1/children/{child_id}/assessments": {
            "indicators": {"safe": {"rating": "some_concern"}}
        },
        "put /api/v1/children/{child_id}/plan": {
            **PLAN,
            "version": 0,
            "lead_professional_id": str(cast.social_worker.pk),
        },
        "post /api/v1/children/{child_id}/meetings": {
            "held_on": "2026-06-01",
            "attendee_ids": [str(cast.head_teacher.pk)],
            "family_attended": False,
            "decisions": "None",
        },
        "post /api/v1/children/{child_id}/ird": {
            "started_at": "2026-06-12T16:00:00+01:00",
            "reason": "Disclosure",
            "participant_agency_ids": [str(cast.police.pk)],
            "information_shared": "Chronology",
            "decisions": "Joint investigation",
        },
        "post /api/v1/children/{child_id}/register": {
            "cppm_held_on": "2026-06-20",
            "registered_on": "2026-06-20",
            "concerns": ["physical"],
        },
    }
    queries = {
        "get /api/v1/children/{child_id}/sharing-check": {
            "recipient_agency_id": str(cast.police.pk),
            "purpose": "wellbeing_support",
            "category": "chronology",
        },
    }
    charlie = cast.api("charlie")
    for method, path in child_routes:
        key = f"{method} {path}"
        someone = path.replace("{person_id}", str(uuid.uuid4()))
        someone = someone.replace("{practitioner_id}", str(cast.police_officer.pk))
        real = someone.replace("{child_id}", str(cast.leeann.pk)).removeprefix("/api/v1")
        missing = someone.replace("{child_id}", "0" * 8 + "-0000-4000-8000-" + "0" * 12)
        missing = missing.removeprefix("/api/v1")
        for target in (real, missing):
            if method == "get":
                response = charlie.get(target, queries.get(key))
            elif method == "delete":
                response = charlie.delete(target)
            else:
                assert key in bodies, f"add a valid body for {key} to this test"
                response = getattr(charlie, method)(target, bodies[key])
            assert response.status_code == 404, (key, target, response.content)
            assert response.json() == {"detail": "Not found."}


def test_break_glass_lets_in_at_once_flagged_and_audited(cast: Cast) -> None:
    charlie = cast.api("charlie")
    assert charlie.get(f"/children/{cast.leeann.pk}").status_code == 404
    reason = "Called to the address by police out of hours; need the Named Person now"
    response = charlie.post(f"/children/{cast.leeann.pk}/involvement", {"reason": reason})
    assert response.status_code == 201
    assert response.json()["flagged"] is True
    assert charlie.get(f"/children/{cast.leeann.pk}").status_code == 200
    involvement = Involvement.objects.get(practitioner=cast.charlie, child_ref=cast.leeann.pk)
    assert involvement.basis == "break_glass"
    assert involvement.flagged
    event = AuditEvent.objects.get(action="involvement.break_glass", outcome="allowed")
    assert event.flagged
    # The reason he gave is kept with the involvement, for the review; the audit names
    # the involvement by id and holds no free text (issue 9).
    assert involvement.reason == reason
    assert reason not in event.reason
    assert event.object == f"involvement:{involvement.pk}"
    assert event.child_id == str(cast.leeann.pk)
    # His own agency's information governance sees it in the audit (and reviews it).
    housing_ig = practitioner(
        cast.admin, "ig_housing", "Pat Reid", cast.housing, "information_governance"
    )
    events = Api(housing_ig).get("/audit", {"child_id": str(cast.leeann.pk)}).json()
    assert any(
        e["action"] == "involvement.break_glass" and e["actor"] == "charlie"
        for e in events["events"]
    )


def test_break_glass_into_a_child_that_does_not_exist_is_404(cast: Cast) -> None:
    response = cast.api("charlie").post(
        "/children/00000000-0000-4000-8000-000000000000/involvement",
        {"reason": "Emergency: police at the address right now"},
    )
    assert response.status_code == 404


def test_match_tells_only_the_named_person_and_adds_no_involvement(cast: Cast) -> None:
    charlie = cast.api("charlie")
    response = charlie.post(
        "/children/match",
        {
            "given_name": "LEEANN",
            "family_name": "cairns",
            "date_of_birth": "2017-03-14",
            "postcode": "ky12ab",
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert body["matched"] is True
    assert body["named_person"]["name"] == "Elaine Ross"
    assert body["named_person"]["agency"] == cast.school.name
    assert body["named_person"]["email"] == cast.head_teacher.email
    assert set(body) == {"matched", "named_person", "named_persons"}
    assert body["named_persons"] == [body["named_person"]]
    assert str(cast.leeann.pk) not in response.content.decode()
    assert charlie.get(f"/children/{cast.leeann.pk}").status_code == 404
    assert not Involvement.objects.filter(practitioner=cast.charlie).exists()
    # The search itself is on the record, against the child.
    assert AuditEvent.objects.filter(
        action="child.match", actor="charlie", child_id=str(cast.leeann.pk)
    ).exists()


@pytest.mark.parametrize(
    "changes",
    [
        {"date_of_birth": "2017-03-15"},
        {"postcode": "KY1 9ZZ"},
        {"given_name": "Lee"},
    ],
    ids=["other birthday", "other postcode", "other name"],
)
def test_match_needs_every_identifier_to_agree(cast: Cast, changes: dict[str, str]) -> None:
    body = {
        "given_name": "Leeann",
        "family_name": "Cairns",
        "date_of_birth": "2017-03-14",
        "postcode": "KY1 2AB",
        **changes,
    }
    response = cast.api("charlie").post("/children/match", body)
    assert response.json() == {"matched": False, "named_person": None, "named_persons": []}


def test_match_by_chi_number(cast: Cast) -> None:
    body = {
        "given_name": "Trent",
        "family_name": "Cairns",
        "date_of_birth": "2023-05-02",
        "chi_number": cast.trent.chi_number,
    }
    response = cast.api("police_sergeant").post("/children/match", body)
    assert response.json()["named_person"]["name"] == "Fiona McLeod"
