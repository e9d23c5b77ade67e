"""Sharing across agencies (DOMAIN §2, §4.3–4.6; API.md "Sharing"): Information Sharing
Protocols as data the system enforces, consent and who may give it, the child
protection exception, restricted entries, no onward sharing, and what a disclosure
lets the recipient see — each rule with what it allows and what it refuses, through
the HTTP API.

Leeann (9) is at Riverside Primary: the head teacher is her Named Person and a senior,
the class teacher is not senior. The health visitor works with the family too.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from bairn.agencies.models import Agency, Involvement
from bairn.agencies.services import involve
from bairn.audit.models import AuditEvent
from bairn.people.models import Child, Person
from bairn.sharing.models import Authorisation, Consent, Disclosure, Isp
from tests.factories import Api, Cast, concern, ig, practitioner

TEAM = Involvement.Basis.TEAM_MEMBER
NEXT_YEAR = (dt.date.today() + dt.timedelta(days=365)).isoformat()


# --- helpers ------------------------------------------------------------------------------


def isp_body(cast: Cast, *parties: Agency, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": overrides.pop("title", "Fife GIRFEC information sharing"),
        "party_agency_ids": [str(a.pk) for a in parties],
        "purposes": ["wellbeing_support", "plan_coordination"],
        "categories": ["core", "chronology"],
        "lawful_basis": "public_task",
        "consent_required": False,
        "onward_sharing": False,
        "retention_days": 365,
        "review_date": NEXT_YEAR,
    }
    body.update(overrides)
    return body


def isp(cast: Cast, *parties: Agency, **overrides: Any) -> str:
    """An ISP drafted by the first party's IG lead and approved by every party's: active."""
    response = ig(cast, parties[0]).post("/isps", isp_body(cast, *parties, **overrides))
    assert response.status_code == 201, response.content
    isp_id = response.json()["id"]
    for agency in parties:
        response = ig(cast, agency).post(f"/isps/{isp_id}/approve")
        assert response.status_code == 200, response.content
    assert response.json()["status"] == "active"
    return isp_id


def check(
    cast: Cast,
    who: str,
    recipient: Agency,
    purpose: str = "wellbeing_support",
    categories: tuple[str, ...] = ("chronology",),
    **params: Any,
) -> dict[str, Any]:
    response = cast.api(who).get(
        f"/children/{cast.leeann.pk}/sharing-check",
        {
            "recipient_agency_id": str(recipient.pk),
            "purpose": purpose,
            "category": list(categories),
            **params,
        },
    )
    assert response.status_code == 200, response.content
    return response.json()


def disclose(
    cast: Cast,
    who: str,
    recipient: Agency,
    purpose: str = "wellbeing_support",
    categories: tuple[str, ...] = ("chronology",),
    **extra: Any,
) -> Any:
    return cast.api(who).post(
        "/disclosures",
        {
            "child_id": str(cast.leeann.pk),
            "recipient_agency_id": str(recipient.pk),
            "purpose": purpose,
            "categories": list(categories),
            "justification": extra.pop(
                "justification", "Leeann's health visitor needs the school's picture"
            ),
            **extra,
        },
    )


def ask_the_head_teacher(cast: Cast, **extra: Any) -> Any:
    """Tom Baird asks Elaine Ross to authorise a child protection disclosure to the police."""
    return disclose(
        cast,
        "class_teacher",
        cast.police,
        purpose="child_protection",
        authorised_by=str(cast.head_teacher.pk),
        **extra,
    )


def _split(kwargs: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """The same share as sharing-check's query and as a disclosure's body."""
    common = {k: v for k, v in kwargs.items() if k in ("purpose", "categories")}
    body = {k: v for k, v in kwargs.items() if k not in common}
    query: dict[str, Any] = {}
    if "entry_ids" in body:
        body["entry_ids"] = query["entry_id"] = [str(e) for e in body["entry_ids"]]
    if "authorised_by" in body:
        body["authorised_by"] = query["authorised_by"] = str(body["authorised_by"])
    return common, query, body


def refused(cast: Cast, who: str, recipient: Agency, **kwargs: Any) -> list[str]:
    """A share the rules forbid: sharing-check says no, and the disclosure is a 403 with
    the very same reasons (DOMAIN §4.6). Returns the reasons."""
    common, query, body = _split(kwargs)
    explained = check(cast, who, recipient, **common, **query)
    assert explained["allowed"] is False, explained
    assert explained["reasons"]
    response = disclose(cast, who, recipient, **common, **body)
    assert response.status_code == 403, response.content
    assert response.json()["reasons"] == explained["reasons"]
    assert response.json()["detail"]
    return explained["reasons"]


def allowed(cast: Cast, who: str, recipient: Agency, **kwargs: Any) -> dict[str, Any]:
    """A share the rules allow: sharing-check says yes, and the disclosure is made."""
    common, query, body = _split(kwargs)
    explained = check(cast, who, recipient, **common, **query)
    assert explained["allowed"] is True, explained
    response = disclose(cast, who, recipient, **common, **body)
    assert response.status_code == 201, response.content
    return response.json()


def authorised(
    cast: Cast, who: str, senior: str, recipient: Agency, **kwargs: Any
) -> dict[str, Any]:
    """A share that needs a senior's authorisation, asked and then authorised (DOMAIN
    §4.4): sharing-check says it is allowed with their authorisation, the disclosure
    answers 202 and shares nothing, and the senior authorises it. The disclosure made."""
    common, query, body = _split(kwargs)
    explained = check(cast, who, recipient, **common, **query)
    assert explained["allowed"] is True, explained
    before = Disclosure.objects.count()
    response = disclose(cast, who, recipient, **common, **body)
    assert response.status_code == 202, response.content
    assert response.json()["status"] == "awaiting_authorisation"
    assert Disclosure.objects.count() == before
    decided = decide_authorisation(cast, senior, response.json()["authorisation_id"])
    assert decided.status_code == 200, decided.content
    assert decided.json()["status"] == "authorised"
    listed = cast.api(senior).get(f"/children/{cast.leeann.pk}/disclosures").json()
    (made,) = [d for d in listed["disclosures"] if d["id"] == decided.json()["disclosure_id"]]
    return made


def decide_authorisation(
    cast: Cast, who: str, authorisation_id: str, decision: str = "authorise", **extra: Any
) -> Any:
    return cast.api(who).post(
        f"/authorisations/{authorisation_id}/decision",
        {"decision": decision, "reason": extra.pop("reason", "Risk of significant harm")},
    )


def chronology(cast: Cast, who: str | Api) -> dict[str, str]:
    """summary → visible_because, as `who` sees Leeann's chronology."""
    api = cast.api(who) if isinstance(who, str) else who
    response = api.get(f"/children/{cast.leeann.pk}/chronology")
    assert response.status_code == 200, response.content
    return {e["summary"]: e["visible_because"] for e in response.json()["entries"]}


def add_person(cast: Cast, given: str, family: str, relationship: str, pr: bool) -> str:
    response = cast.api("head_teacher").post(
        f"/children/{cast.leeann.pk}/people",
        {
            "given_name": given,
            "family_name": family,
            "relationship": relationship,
            "parental_responsibility": pr,
            "lives_with": pr,
            "stays_overnight": True,
            "caring_role": "" if pr else "stays overnight and cares for the children",
        },
    )
    assert response.status_code == 201, response.content
    return response.json()["id"]


def consent(cast: Cast, given_by: str, decision: str = "given", **overrides: Any) -> Any:
    body: dict[str, Any] = {
        "given_by": given_by,
        "decision": decision,
        "purposes": ["wellbeing_support"],
        "recipient_agency_ids": [str(cast.health.pk)],
        "categories": ["core", "chronology"],
        "views": "Corinne wants Leeann to have help with her reading",
    }
    body.update(overrides)
    return cast.api("head_teacher").post(f"/children/{cast.leeann.pk}/consents", body)


def given(cast: Cast, given_by: str, decision: str = "given", **overrides: Any) -> str:
    response = consent(cast, given_by, decision, **overrides)
    assert response.status_code == 201, response.content
    return response.json()["id"]


@pytest.fixture
def school_health(cast: Cast) -> Cast:
    """The school holds Leeann's story; her class teacher and the health visitor work
    with her and the family."""
    involve(cast.class_teacher, cast.leeann.pk, TEAM, reason="Leeann's class teacher")
    involve(cast.health_visitor, cast.leeann.pk, TEAM, reason="health visits at home")
    involve(cast.police_officer, cast.leeann.pk, TEAM, reason="called to the home")
    concern(cast.class_teacher, cast.leeann, "Arrived hungry three days running", days_ago=30)
    concern(cast.head_teacher, cast.leeann, "Clinging to her teacher at home time", days_ago=10)
    return cast


# --- Information Sharing Protocols ----------------------------------------------------


def test_isp_is_a_draft_until_every_partys_information_governance_approves(cast: Cast) -> None:
    response = cast.api("ig_school").post("/isps", isp_body(cast, cast.school, cast.health))
    assert response.status_code == 201, response.content
    drafted = response.json()
    assert drafted["status"] == "draft"
    isp_id = drafted["id"]
    assert {p["agency_id"] for p in drafted["parties"]} == {
        str(cast.school.pk),
        str(cast.health.pk),
    }

    response = cast.api("ig_school").post(f"/isps/{isp_id}/approve")
    assert response.status_code == 200
    assert response.json()["status"] == "draft"  # health has not approved yet
    approved = {p["agency_name"]: p["approved"] for p in response.json()["parties"]}
    assert approved == {cast.school.name: True, cast.health.name: False}

    response = cast.api("ig_health").post(f"/isps/{isp_id}/approve")
    assert response.status_code == 200
    assert response.json()["status"] == "active"
    assert all(p["approved"] for p in response.json()["parties"])
    assert cast.api("head_teacher").get(f"/isps/{isp_id}").json()["status"] == "active"


def test_only_information_governance_of_a_party_drafts_and_approves(cast: Cast) -> None:
    # A practitioner, even a senior Named Person, is not information governance.
    body = isp_body(cast, cast.school, cast.health)
    for who in ("head_teacher", "class_teacher"):
        response = cast.api(who).post("/isps", body)
        assert response.status_code == 403, response.content
        assert response.json()["reasons"]
    # Information governance may draft an ISP for others (a council's lead often does);
    # only the parties' own leads approve it.
    response = cast.api("ig_school").post("/isps", isp_body(cast, cast.health, cast.police))
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "draft"
    others = response.json()["id"]
    assert cast.api("ig_school").post(f"/isps/{others}/approve").status_code == 404

    # With consent as the lawful basis, consent is required.
    response = cast.api("ig_school").post(
        "/isps", isp_body(cast, cast.school, cast.health, lawful_basis="consent")
    )
    assert response.status_code in (400, 422)
    assert "consent_required" in response.content.decode()

    isp_id = cast.api("ig_school").post("/isps", body).json()["id"]
    response = cast.api("head_teacher").post(f"/isps/{isp_id}/approve")
    assert response.status_code == 403
    # Information governance of an agency that is not a party: not found.
    response = ig(cast, cast.police).post(f"/isps/{isp_id}/approve")
    assert response.status_code == 404
    assert cast.api("ig_school").post(f"/isps/{isp_id}/approve").status_code == 200
    # Approving twice is a conflict, and does not activate the ISP.
    response = cast.api("ig_school").post(f"/isps/{isp_id}/approve")
    assert response.status_code == 409
    assert cast.api("ig_school").get(f"/isps/{isp_id}").json()["status"] == "draft"


def test_suspend_and_resume(cast: Cast) -> None:
    isp_id = isp(cast, cast.school, cast.health)
    reason = {"reason": "Breach under investigation"}
    assert cast.api("head_teacher").post(f"/isps/{isp_id}/suspend", reason).status_code == 403
    assert ig(cast, cast.police).post(f"/isps/{isp_id}/suspend", reason).status_code == 404
    response = cast.api("ig_health").post(f"/isps/{isp_id}/suspend", reason)
    assert response.status_code == 200
    assert response.json()["status"] == "suspended"
    assert response.json()["status_reason"] == "Breach under investigation"
    assert cast.api("ig_school").post(f"/isps/{isp_id}/suspend", reason).status_code == 409
    assert cast.api("ig_school").post(f"/isps/{isp_id}/approve").status_code == 409
    response = cast.api("ig_school").post(f"/isps/{isp_id}/resume", {"reason": "Resolved"})
    assert response.status_code == 200
    assert response.json()["status"] == "active"
    assert cast.api("ig_school").post(f"/isps/{isp_id}/resume", {"reason": "x"}).status_code == 409


# --- an active ISP covering purpose and category (DOMAIN §4.4) ----------------------------


def test_no_isp_refuses_and_the_403_gives_the_reasons_of_sharing_check(
    school_health: Cast,
) -> None:
    cast = school_health
    reasons = refused(cast, "head_teacher", cast.health)
    assert any("no Information Sharing Protocol" in r for r in reasons), reasons
    assert not Disclosure.objects.exists()
    assert chronology(cast, "health_visitor") == {}
    # Someone not involved with Leeann learns nothing, not even that the rules say no.
    isp(cast, cast.housing, cast.health, title="Housing and health")
    query = {"recipient_agency_id": str(cast.health.pk), "purpose": "wellbeing_support"}
    response = cast.api("charlie").get(
        f"/children/{cast.leeann.pk}/sharing-check", {**query, "category": "chronology"}
    )
    assert response.status_code == 404
    assert disclose(cast, "charlie", cast.health).status_code == 404
    assert not Disclosure.objects.exists()


def test_a_draft_isp_refuses_until_approved(school_health: Cast) -> None:
    cast = school_health
    isp_id = (
        cast.api("ig_school").post("/isps", isp_body(cast, cast.school, cast.health)).json()["id"]
    )
    cast.api("ig_school").post(f"/isps/{isp_id}/approve")
    reasons = refused(cast, "head_teacher", cast.health)
    assert any("draft" in r and cast.health.name in r for r in reasons), reasons
    cast.api("ig_health").post(f"/isps/{isp_id}/approve")
    made = allowed(cast, "head_teacher", cast.health)
    assert made["isp_id"] == isp_id


def test_an_isp_covers_only_its_purposes_and_categories(school_health: Cast) -> None:
    cast = school_health
    isp(cast, cast.school, cast.health, purposes=["wellbeing_support"])
    for purpose, categories, missing in [
        ("plan_coordination", ("chronology",), "purpose plan_coordination"),
        ("wellbeing_support", ("chronology", "household"), "household"),
        ("wellbeing_support", ("assessment",), "assessment"),
    ]:
        reasons = refused(cast, "head_teacher", cast.health, purpose=purpose, categories=categories)
        assert any("does not cover" in r and missing in r for r in reasons), reasons
    assert not Disclosure.objects.exists()
    # What it does cover is allowed.
    allowed(cast, "head_teacher", cast.health, categories=("core", "chronology"))


def test_an_isp_between_other_agencies_does_not_cover_this_pair(school_health: Cast) -> None:
    cast = school_health
    isp(cast, cast.school, cast.police)
    reasons = refused(cast, "head_teacher", cast.health)
    assert any("no Information Sharing Protocol" in r for r in reasons), reasons
    allowed(cast, "head_teacher", cast.police)


def test_public_task_share_is_allowed_and_the_family_is_to_be_told(school_health: Cast) -> None:
    cast = school_health
    isp_id = isp(cast, cast.school, cast.health)
    explained = check(cast, "class_teacher", cast.health, categories=("core", "chronology"))
    assert explained["allowed"] is True
    assert explained["isp_id"] == isp_id
    assert explained["consent_id"] is None
    assert explained["lawful_basis"] == "public_task"
    assert any("family is to be told" in r for r in explained["reasons"])

    made = allowed(cast, "class_teacher", cast.health, categories=("core", "chronology"))
    assert made["lawful_basis"] == "public_task"
    assert made["isp_id"] == isp_id
    assert made["consent_id"] is None
    assert made["family_informed"] == "to_inform"
    assert made["child_protection"] is False
    assert made["review"] == "not_needed"
    assert made["from_agency_id"] == str(cast.school.pk)
    assert made["to_agency_id"] == str(cast.health.pk)
    assert len(made["entry_ids"]) == 2

    # Telling the family would put Leeann at risk: recorded with the reason.
    made = allowed(
        cast,
        "class_teacher",
        cast.health,
        family_not_informed_reason="Steve would learn that Leeann told us",
    )
    assert made["family_informed"] == "not_informed"
    assert made["family_not_informed_reason"] == "Steve would learn that Leeann told us"


def test_a_reason_why_it_is_necessary_is_required(school_health: Cast) -> None:
    cast = school_health
    isp(cast, cast.school, cast.health)
    response = disclose(cast, "head_teacher", cast.health, justification="   ")
    assert response.status_code in (400, 422)
    assert "justification" in response.content.decode()
    # Even child protection sharing needs the written justification.
    response = disclose(
        cast, "head_teacher", cast.police, purpose="child_protection", justification=""
    )
    assert response.status_code in (400, 422)
    assert not Disclosure.objects.exists()


def test_a_suspended_isp_stops_sharing_at_once(school_health: Cast) -> None:
    cast = school_health
    isp_id = isp(cast, cast.school, cast.health)
    assert check(cast, "head_teacher", cast.health)["allowed"] is True
    cast.api("ig_health").post(f"/isps/{isp_id}/suspend", {"reason": "Data breach"})
    reasons = refused(cast, "head_teacher", cast.health)
    assert any("suspended" in r for r in reasons), reasons
    assert not Disclosure.objects.exists()
    cast.api("ig_health").post(f"/isps/{isp_id}/resume", {"reason": "Resolved"})
    allowed(cast, "head_teacher", cast.health)


def test_an_expired_isp_stops_sharing_at_once(school_health: Cast) -> None:
    cast = school_health
    isp_id = isp(cast, cast.school, cast.health)
    assert check(cast, "head_teacher", cast.health)["allowed"] is True
    # Time passes beyond the review date.
    Isp.objects.filter(pk=isp_id).update(review_date=timezone.localdate() - dt.timedelta(days=1))
    assert cast.api("ig_school").get(f"/isps/{isp_id}").json()["status"] == "expired"
    reasons = refused(cast, "head_teacher", cast.health)
    assert any("expired" in r for r in reasons), reasons
    assert not Disclosure.objects.exists()


# --- consent, where the ISP relies on the family's agreement (DOMAIN §4.4) ----------------


@pytest.fixture
def by_consent(school_health: Cast) -> Cast:
    """Optional support where the family has a genuine choice: consent is the basis."""
    cast = school_health
    isp(
        cast,
        cast.school,
        cast.health,
        title="Optional reading support",
        purposes=["wellbeing_support"],
        lawful_basis="consent",
        consent_required=True,
    )
    add_person(cast, "Corinne", "Cairns", "mother", pr=True)
    return cast


def corinne() -> str:
    """Leeann's mother, who has parental responsibility (the person's id)."""
    return str(Person.objects.get(given_name="Corinne").pk)


def test_consent_based_isp_without_consent_refuses(by_consent: Cast) -> None:
    cast = by_consent
    reasons = refused(cast, "head_teacher", cast.health)
    assert any("no consent is recorded" in r for r in reasons), reasons


def test_consent_in_force_allows_and_no_telling_is_needed(by_consent: Cast) -> None:
    cast = by_consent
    consent_id = given(cast, corinne())
    explained = check(cast, "head_teacher", cast.health)
    assert explained["allowed"] is True
    assert explained["consent_id"] == consent_id
    made = allowed(cast, "head_teacher", cast.health)
    assert made["consent_id"] == consent_id
    assert made["lawful_basis"] == "consent"
    assert made["family_informed"] == "not_needed"


def test_refused_consent_refuses_and_a_later_decision_counts(by_consent: Cast) -> None:
    cast = by_consent
    given(cast, corinne(), "refused")
    reasons = refused(cast, "head_teacher", cast.health)
    assert any("refused" in r for r in reasons), reasons
    # Corinne changes her mind…
    given(cast, corinne())
    assert check(cast, "head_teacher", cast.health)["allowed"] is True
    # …and back again: the latest decision counts.
    given(cast, corinne(), "refused")
    refused(cast, "head_teacher", cast.health)
    assert not Disclosure.objects.exists()


def test_a_later_refusal_of_one_category_is_not_overridden_by_an_earlier_wider_consent(
    by_consent: Cast,
) -> None:
    """Corinne agreed to core and chronology, then refused the chronology. Asking for both
    together must not slip the chronology past her refusal."""
    cast = by_consent
    given(cast, corinne(), categories=["core", "chronology"])
    given(cast, corinne(), "refused", categories=["chronology"])
    refused(cast, "head_teacher", cast.health, categories=("chronology",))
    refused(cast, "head_teacher", cast.health, categories=("core", "chronology"))
    # What she still agrees to may be shared.
    allowed(cast, "head_teacher", cast.health, categories=("core",))


def test_withdrawn_consent_stops_future_disclosures_and_the_report_keeps_the_past(
    by_consent: Cast,
) -> None:
    cast = by_consent
    consent_id = given(cast, corinne())
    made = allowed(cast, "head_teacher", cast.health)
    response = cast.api("head_teacher").post(
        f"/consents/{consent_id}/withdraw", {"reason": "Corinne changed her mind"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "withdrawn"
    reasons = refused(cast, "head_teacher", cast.health)
    assert any("withdrawn" in r for r in reasons), reasons
    assert Disclosure.objects.count() == 1
    # Withdrawing twice is a conflict.
    assert cast.api("head_teacher").post(f"/consents/{consent_id}/withdraw").status_code == 409
    # What was already shared is still reported to the family, marked as such.
    report = cast.api("ig_school").get(f"/children/{cast.leeann.pk}/transparency")
    assert report.status_code == 200, report.content
    (listed,) = report.json()["disclosures"]
    assert listed["id"] == made["id"]
    assert listed["consent_withdrawn"] is True
    assert listed["to_agency"] == cast.health.name


def test_expired_consent_refuses(by_consent: Cast) -> None:
    cast = by_consent
    consent_id = given(
        cast,
        corinne(),
        expires_on=(dt.date.today() + dt.timedelta(days=30)).isoformat(),
    )
    assert check(cast, "head_teacher", cast.health)["allowed"] is True
    # Time passes beyond its end.
    Consent.objects.filter(pk=consent_id).update(
        expires_on=timezone.localdate() - dt.timedelta(days=1)
    )
    reasons = refused(cast, "head_teacher", cast.health)
    assert any("expired" in r for r in reasons), reasons


def test_consent_must_cover_recipient_category_and_purpose(by_consent: Cast) -> None:
    cast = by_consent
    scopes: list[tuple[dict[str, Any], str]] = [
        ({"recipient_agency_ids": [str(cast.police.pk)]}, "does not name"),
        ({"categories": ["core"]}, "does not cover chronology"),
        ({"purposes": ["plan_coordination"]}, "does not cover the purpose"),
    ]
    for scope, why in scopes:
        given(cast, corinne(), **scope)
        reasons = refused(cast, "head_teacher", cast.health)
        assert any(why in r for r in reasons), (why, reasons)
    assert not Disclosure.objects.exists()


# --- who may consent (DOMAIN §2; practice-model.md "Capacity") ----------------------------


def test_maggie_a_family_friend_cannot_consent_for_leeann(cast: Cast) -> None:
    maggie = add_person(cast, "Maggie", "Duncan", "family_friend", pr=False)
    response = consent(cast, maggie)
    assert response.status_code in (400, 422), response.content
    assert "given_by" in response.content.decode()
    assert "parental responsibility" in response.content.decode()
    assert not Consent.objects.exists()
    # Corinne, her mother, can.
    corinne = add_person(cast, "Corinne", "Cairns", "mother", pr=True)
    response = consent(cast, corinne)
    assert response.status_code == 201, response.content
    assert response.json()["capacity"] == "parental_responsibility"
    assert response.json()["given_by"] == corinne
    assert response.json()["state"] == "given"


def test_someone_not_around_the_child_cannot_consent(cast: Cast) -> None:
    response = consent(cast, "8a7c9b1e-0f7d-4a55-9c7e-1234567890ab")
    assert response.status_code in (400, 422)
    assert not Consent.objects.exists()


def test_a_child_of_13_consents_for_herself(cast: Cast) -> None:
    today = timezone.localdate()
    born = dt.date(today.year - 13, 1, 1) if today.month > 1 else dt.date(today.year - 14, 1, 1)
    response = cast.api("head_teacher").post(
        "/children", {"given_name": "Jade", "family_name": "Morrison", "date_of_birth": born}
    )
    assert response.status_code == 201, response.content
    jade = response.json()["id"]
    response = cast.api("head_teacher").post(
        f"/children/{jade}/consents",
        {
            "given_by": "child",
            "decision": "given",
            "purposes": ["wellbeing_support"],
            "recipient_agency_ids": [str(cast.health.pk)],
            "categories": ["chronology"],
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["capacity"] == "child_presumed"
    assert response.json()["given_by"] == "child"


def test_a_parent_cannot_override_the_refusal_of_a_child_able_to_decide(cast: Cast) -> None:
    """Jade is 13: presumed to understand, she decides for herself (DOMAIN §2: a person
    with parental responsibility decides only *otherwise*). Her mother's later agreement
    does not overturn her refusal."""
    today = timezone.localdate()
    born = dt.date(today.year - 13, 1, 1) if today.month > 1 else dt.date(today.year - 14, 1, 1)
    head = cast.api("head_teacher")
    jade = head.post(
        "/children", {"given_name": "Jade", "family_name": "Morrison", "date_of_birth": born}
    ).json()["id"]
    involve(cast.health_visitor, jade, TEAM)
    concern(cast.head_teacher, Child.objects.get(pk=jade), "Upset after PE")
    isp(
        cast,
        cast.school,
        cast.health,
        title="Optional counselling",
        lawful_basis="consent",
        consent_required=True,
    )
    scope = {
        "purposes": ["wellbeing_support"],
        "recipient_agency_ids": [str(cast.health.pk)],
        "categories": ["chronology"],
    }
    response = head.post(
        f"/children/{jade}/consents", {"given_by": "child", "decision": "refused", **scope}
    )
    assert response.status_code == 201, response.content
    mother = head.post(
        f"/children/{jade}/people",
        {
            "given_name": "Lorna",
            "family_name": "Morrison",
            "relationship": "mother",
            "parental_responsibility": True,
            "lives_with": True,
            "stays_overnight": True,
        },
    ).json()["id"]
    head.post(f"/children/{jade}/consents", {"given_by": mother, "decision": "given", **scope})
    query = {
        "recipient_agency_id": str(cast.health.pk),
        "purpose": "wellbeing_support",
        "category": "chronology",
    }
    explained = head.get(f"/children/{jade}/sharing-check", query).json()
    assert explained["allowed"] is False, explained
    response = head.post(
        "/disclosures",
        {
            "child_id": jade,
            "recipient_agency_id": str(cast.health.pk),
            "purpose": "wellbeing_support",
            "categories": ["chronology"],
            "justification": "Counselling referral",
        },
    )
    assert response.status_code == 403, response.content
    assert not Disclosure.objects.exists()


def test_a_child_under_12_consents_only_when_judged_to_understand_with_the_reason(
    cast: Cast,
) -> None:
    # Leeann is 9.
    response = consent(cast, "child")
    assert response.status_code in (400, 422)
    assert "given_by" in response.content.decode()
    response = consent(cast, "child", child_understands=True)  # no reason recorded
    assert response.status_code in (400, 422)
    assert not Consent.objects.exists()
    reason = "Explained with pictures; Leeann could say back who would see what and why"
    response = consent(cast, "child", child_understands=True, capacity_reason=reason)
    assert response.status_code == 201, response.content
    assert response.json()["capacity"] == "child_judged"
    assert response.json()["capacity_reason"] == reason


# --- the child protection exception (DOMAIN §4.4) -----------------------------------------


def test_child_protection_by_a_non_senior_without_a_senior_authoriser_is_refused(
    school_health: Cast,
) -> None:
    cast = school_health
    isp(cast, cast.school, cast.police, purposes=["child_protection"])
    reasons = refused(cast, "class_teacher", cast.police, purpose="child_protection")
    assert any("senior" in r for r in reasons), reasons
    # An authoriser who is not a senior, or a senior of another agency, does not count:
    # the check says why, and asking them is bad input naming authorised_by.
    for authoriser in (cast.nursery_teacher, cast.police_sergeant):
        explained = check(
            cast,
            "class_teacher",
            cast.police,
            purpose="child_protection",
            authorised_by=str(authoriser.pk),
        )
        assert explained["allowed"] is False
        assert any("is not a senior of" in r for r in explained["reasons"]), explained
        response = disclose(
            cast,
            "class_teacher",
            cast.police,
            purpose="child_protection",
            authorised_by=str(authoriser.pk),
        )
        assert response.status_code == 422, response.content
        assert "authorised_by" in response.content.decode()
    assert not Disclosure.objects.exists()
    assert not Authorisation.objects.exists()


def test_naming_a_senior_asks_her_and_nothing_is_shared_until_she_authorises(
    school_health: Cast,
) -> None:
    """Authorising is the senior's own act (DOMAIN §4.4; API.md "Sharing", v1.1)."""
    cast = school_health
    response = ask_the_head_teacher(
        cast, justification="Leeann disclosed that Steve put her in a cold bath: risk of harm"
    )
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["status"] == "awaiting_authorisation"
    authorisation_id = body["authorisation_id"]
    # Nothing is shared, and no one is recorded as having authorised anything.
    assert not Disclosure.objects.exists()
    assert "Arrived hungry three days running" not in chronology(cast, "police_officer")
    # The senior is told at once.
    notes = cast.api("head_teacher").get("/notifications").json()["notifications"]
    (note,) = [n for n in notes if n["kind"] == "authorisation_request"]
    assert note["data"]["authorisation_id"] == authorisation_id
    assert note["child_id"] == str(cast.leeann.pk)
    # It waits for her, and for the asker it is on its way; no one else sees it.
    pending = cast.api("head_teacher").get("/authorisations", {"status": "pending"}).json()
    assert [a["id"] for a in pending["authorisations"]] == [authorisation_id]
    assert pending["authorisations"][0]["asked_by"] == "Tom Baird"
    mine = cast.api("class_teacher").get("/authorisations").json()["authorisations"]
    assert [a["id"] for a in mine] == [authorisation_id]
    for who in ("nursery_teacher", "ig_school", "police_sergeant", "charlie"):
        listed = cast.api(who).get("/authorisations").json()["authorisations"]
        assert listed == [], who
    # The asker does not authorise their own share; others are not found.
    assert decide_authorisation(cast, "class_teacher", authorisation_id).status_code == 403
    for who in ("nursery_teacher", "ig_school", "police_sergeant", "charlie"):
        assert decide_authorisation(cast, who, authorisation_id).status_code == 404, who
    assert cast.api("head_teacher").post(
        f"/authorisations/{authorisation_id}/decision", {"decision": "authorise", "reason": " "}
    ).status_code in (400, 422)
    assert not Disclosure.objects.exists()
    # She authorises: only now is it shared, recorded as authorised by her.
    response = decide_authorisation(cast, "head_teacher", authorisation_id)
    assert response.status_code == 200, response.content
    decided = response.json()
    assert decided["status"] == "authorised"
    assert decided["decided_by"] == "Elaine Ross"
    made = Disclosure.objects.get(pk=decided["disclosure_id"])
    assert made.made_by == cast.class_teacher
    assert made.authorised_by == cast.head_teacher
    assert made.child_protection_override
    assert made.review == Disclosure.Review.PENDING
    assert not made.urgent
    assert "Arrived hungry three days running" in chronology(cast, "police_officer")
    listed = cast.api("head_teacher").get(f"/children/{cast.leeann.pk}/disclosures").json()
    (shown,) = listed["disclosures"]
    assert shown["authorised_by"] == "Elaine Ross"
    assert shown["authorised"] is True
    assert shown["isp_id"] is None  # shared without an ISP
    assert shown["family_informed"] == "to_inform"
    # The asker is told; deciding again is a conflict.
    notes = cast.api("class_teacher").get("/notifications").json()["notifications"]
    assert [n["data"]["disclosure_id"] for n in notes if n["kind"] == "authorisation_decided"] == [
        decided["disclosure_id"]
    ]
    again = decide_authorisation(cast, "head_teacher", authorisation_id, "refuse")
    assert again.status_code == 409
    assert Disclosure.objects.count() == 1
    decided_list = cast.api("head_teacher").get("/authorisations", {"status": "decided"}).json()
    assert [a["id"] for a in decided_list["authorisations"]] == [authorisation_id]
    assert cast.api("head_teacher").get("/authorisations", {"status": "lost"}).status_code in (
        400,
        422,
    )
    # The audit says who asked and who authorised, and nothing else.
    events = AuditEvent.objects.filter(child_id=str(cast.leeann.pk)).order_by("seq")
    acts = [(e.actor, e.action, e.outcome) for e in events]
    assert ("baird", "authorisation.request", "allowed") in acts
    assert ("ross", "authorisation.decide", "allowed") in acts
    assert ("ross", "disclosure.create", "allowed") in acts
    assert ("baird", "disclosure.create", "allowed") not in acts


def test_a_senior_who_refuses_shares_nothing_and_the_asker_is_told_why(
    school_health: Cast,
) -> None:
    cast = school_health
    response = ask_the_head_teacher(cast)
    assert response.status_code == 202, response.content
    decided = decide_authorisation(
        cast,
        "head_teacher",
        response.json()["authorisation_id"],
        "refuse",
        reason="Not a child protection matter: talk to the family first",
    )
    assert decided.status_code == 200, decided.content
    assert decided.json()["status"] == "refused"
    assert decided.json()["disclosure_id"] is None
    assert not Disclosure.objects.exists()
    notes = cast.api("class_teacher").get("/notifications").json()["notifications"]
    (note,) = [n for n in notes if n["kind"] == "authorisation_decided"]
    assert "talk to the family first" in note["text"]


def test_an_urgent_share_is_made_at_once_recorded_as_not_authorised_and_told(
    school_health: Cast,
) -> None:
    """Where waiting would put the child at risk (DOMAIN §4.4): shared at once, recorded
    as shared urgently WITHOUT a senior's authorisation, flagged, and the agency's
    seniors and information governance told at once."""
    cast = school_health
    why = "The head teacher is out; Leeann goes home with Steve at 3.15"
    # Bad input: no reason; asking a senior and not waiting for her; not child protection.
    for extra, field in (
        ({"urgent_reason": " "}, "urgent_reason"),
        ({"urgent_reason": why, "authorised_by": str(cast.head_teacher.pk)}, "urgent"),
        ({"urgent_reason": why, "purpose": "wellbeing_support"}, "urgent"),
    ):
        body = {"purpose": "child_protection", "urgent": True, **extra}
        response = disclose(cast, "class_teacher", cast.police, **body)
        assert response.status_code == 422, response.content
        assert field in response.content.decode()
    assert not Disclosure.objects.exists()
    assert not Authorisation.objects.exists()
    explained = check(cast, "class_teacher", cast.police, purpose="child_protection", urgent=True)
    assert explained["allowed"] is True, explained
    response = disclose(
        cast,
        "class_teacher",
        cast.police,
        purpose="child_protection",
        urgent=True,
        urgent_reason=why,
    )
    assert response.status_code == 201, response.content
    made = response.json()
    assert made["authorised"] is False
    assert made["authorised_by"] is None
    assert made["urgent"] is True
    assert made["urgent_reason"] == why
    assert made["review"] == "pending"
    assert any("WITHOUT a senior's authorisation" in r for r in made["reasons"])
    assert not any("authorised by" in r for r in made["reasons"])
    assert "Arrived hungry three days running" in chronology(cast, "police_officer")
    # The seniors and information governance of the school are told at once.
    notes = cast.api("head_teacher").get("/notifications").json()["notifications"]
    (note,) = [n for n in notes if n["kind"] == "urgent_disclosure"]
    assert note["data"]["disclosure_id"] == made["id"]
    assert cast.api("head_teacher").get(f"/children/{cast.leeann.pk}").status_code == 200
    notes = cast.api("ig_school").get("/notifications").json()["notifications"]
    (note,) = [n for n in notes if n["kind"] == "review_needed"]
    assert "without a senior's authorisation" in note["text"]
    (queued,) = cast.api("ig_school").get("/review-queue").json()["disclosures"]
    assert queued["id"] == made["id"]
    assert queued["authorised_by"] is None
    assert queued["urgent"] is True
    assert queued["urgent_reason"] == why


def test_a_senior_sharing_herself_authorises_it_at_once(school_health: Cast) -> None:
    cast = school_health
    made = allowed(cast, "head_teacher", cast.police, purpose="child_protection")
    assert made["authorised_by"] == "Elaine Ross"
    assert made["authorised"] is True
    assert made["urgent"] is False
    # Naming herself is the same as not naming anyone.
    made = allowed(
        cast,
        "head_teacher",
        cast.social_work,
        purpose="child_protection",
        authorised_by=cast.head_teacher.pk,
    )
    assert made["authorised_by"] == "Elaine Ross"
    assert not Authorisation.objects.exists()


def test_child_protection_by_a_senior_even_against_a_refusal_and_without_an_isp(
    school_health: Cast,
) -> None:
    cast = school_health
    corinne = add_person(cast, "Corinne", "Cairns", "mother", pr=True)
    given(
        cast,
        corinne,
        "refused",
        purposes=["child_protection"],
        recipient_agency_ids=[str(cast.police.pk)],
    )
    explained = check(cast, "head_teacher", cast.police, purpose="child_protection")
    assert explained["allowed"] is True
    assert explained["child_protection"] is True
    assert any("flagged for information governance review" in r for r in explained["reasons"])
    made = allowed(cast, "head_teacher", cast.police, purpose="child_protection")
    assert made["review"] == "pending"
    assert made["consent_id"] is None


# --- restricted entries (DOMAIN §4.3) -----------------------------------------------------


@pytest.fixture
def police_intelligence(school_health: Cast) -> Cast:
    cast = school_health
    involve(cast.police_sergeant, cast.leeann.pk, TEAM)
    concern(cast.police_officer, cast.leeann, "Disturbance at the flat", days_ago=20)
    concern(
        cast.police_officer,
        cast.leeann,
        "Intelligence about an adult in the household",
        days_ago=15,
        restricted=True,
    )
    isp(cast, cast.police, cast.school, purposes=["wellbeing_support"])
    return cast


def _entry(summary: str) -> str:
    from bairn.chronology.models import Concern

    return str(Concern.objects.get(summary=summary).pk)


def test_a_restricted_entry_is_released_only_by_a_senior_of_the_holding_agency(
    police_intelligence: Cast,
) -> None:
    cast = police_intelligence
    secret = _entry("Intelligence about an adult in the household")
    # The recorder, not a senior, may not release it, choosing it or sharing all.
    reasons = refused(cast, "police_officer", cast.school, entry_ids=[secret])
    assert any("restricted" in r and "senior" in r for r in reasons), reasons
    reasons = refused(cast, "police_officer", cast.school)
    assert any("restricted" in r for r in reasons), reasons
    # A senior of another agency cannot authorise it.
    explained = check(
        cast, "police_officer", cast.school, entry_id=[secret], authorised_by=cast.head_teacher.pk
    )
    assert explained["allowed"] is False
    response = disclose(
        cast,
        "police_officer",
        cast.school,
        entry_ids=[secret],
        authorised_by=str(cast.head_teacher.pk),
    )
    assert response.status_code == 422, response.content
    assert "Intelligence about an adult in the household" not in chronology(cast, "head_teacher")
    # The sergeant, asked, authorises it…
    made = sergeant_releases(cast, secret)
    assert made["entry_ids"] == [secret]
    assert chronology(cast, "head_teacher") == {
        "Arrived hungry three days running": "own_agency",
        "Clinging to her teacher at home time": "own_agency",
        "Intelligence about an adult in the household": f"disclosure:{made['id']}",
    }


def sergeant_releases(cast: Cast, secret: str) -> dict[str, Any]:
    """PC Wallace shares the restricted entry `secret` with the school, authorised by his
    sergeant: the disclosure made."""
    return authorised(
        cast,
        "police_officer",
        "police_sergeant",
        cast.school,
        entry_ids=[secret],
        authorised_by=cast.police_sergeant.pk,
    )


def test_a_disclosure_names_the_senior_who_authorised_a_restricted_release(
    police_intelligence: Cast,
) -> None:
    """Every decision can explain itself (DOMAIN §4.6): who released the restricted
    entry is kept with the disclosure, not only checked at the time."""
    cast = police_intelligence
    secret = _entry("Intelligence about an adult in the household")
    made = sergeant_releases(cast, secret)
    assert made["authorised_by"] == "DS Karen Murray"
    assert made["made_by"] == "PC Jamie Wallace"
    listed = cast.api("police_sergeant").get(f"/children/{cast.leeann.pk}/disclosures").json()
    assert [d["authorised_by"] for d in listed["disclosures"]] == ["DS Karen Murray"]


def test_a_senior_of_the_holding_agency_releases_a_restricted_entry_herself(
    police_intelligence: Cast,
) -> None:
    cast = police_intelligence
    made = allowed(cast, "police_sergeant", cast.school)
    assert _entry("Intelligence about an adult in the household") in made["entry_ids"]


def test_sharing_the_whole_chronology_never_sweeps_in_a_restricted_entry_unseen(
    police_intelligence: Cast,
) -> None:
    """A constable who did not record the intelligence cannot see it, and sharing the
    police chronology leaves it out."""
    cast = police_intelligence
    constable = practitioner(cast.admin, "pc_two", "PC Two", cast.police, "practitioner")
    involve(constable, cast.leeann.pk, TEAM)
    cast.apis["pc_two"] = Api(constable)
    made = allowed(cast, "pc_two", cast.school)
    assert made["entry_ids"] == [_entry("Disturbance at the flat")]
    assert "Intelligence about an adult in the household" not in chronology(cast, "head_teacher")
    # Nor may it be chosen by id.
    reasons = refused(
        cast,
        "pc_two",
        cast.school,
        entry_ids=[_entry("Intelligence about an adult in the household")],
    )
    assert any("not an entry of this child you may see" in r for r in reasons), reasons


# --- no onward sharing (DOMAIN §4.5) ------------------------------------------------------


@pytest.mark.parametrize("onward", [False, True])
def test_onward_sharing_only_where_the_isp_allows_it(school_health: Cast, onward: bool) -> None:
    cast = school_health
    isp(cast, cast.school, cast.health, onward_sharing=onward)
    isp(cast, cast.health, cast.police, title="Health and police")
    hungry = _entry("Arrived hungry three days running")
    allowed(cast, "head_teacher", cast.health, entry_ids=[hungry])
    assert "Arrived hungry three days running" in chronology(cast, "health_visitor")
    if onward:
        made = allowed(cast, "health_visitor", cast.police, entry_ids=[hungry])
        assert made["entry_ids"] == [hungry]
        assert "Arrived hungry three days running" in chronology(cast, "police_officer")
    else:
        reasons = refused(cast, "health_visitor", cast.police, entry_ids=[hungry])
        assert any("onward sharing" in r for r in reasons), reasons
        assert "Arrived hungry three days running" not in chronology(cast, "police_officer")


def test_sharing_all_of_the_chronology_shares_only_the_agencys_own_entries(
    school_health: Cast,
) -> None:
    cast = school_health
    isp(cast, cast.school, cast.health)
    isp(cast, cast.health, cast.police, title="Health and police")
    allowed(cast, "head_teacher", cast.health)
    concern(cast.health_visitor, cast.leeann, "Missed her dental appointment")
    made = allowed(cast, "health_visitor", cast.police)
    assert made["entry_ids"] == [_entry("Missed her dental appointment")]
    assert set(chronology(cast, "police_officer")) == {"Missed her dental appointment"}


# --- what a disclosure lets the recipient see (DOMAIN §4.3) -------------------------------


def test_disclosed_entries_reach_the_recipients_involved_practitioners_only(
    school_health: Cast,
) -> None:
    cast = school_health
    isp(cast, cast.school, cast.health)
    isp(cast, cast.school, cast.police, title="School and police")
    assert chronology(cast, "health_visitor") == {}
    hungry = _entry("Arrived hungry three days running")
    made = allowed(cast, "class_teacher", cast.health, entry_ids=[hungry])
    because = f"disclosure:{made['id']}"
    # Only the entry chosen; the one not chosen stays with the school.
    assert chronology(cast, "health_visitor") == {"Arrived hungry three days running": because}
    response = cast.api("health_visitor").get(f"/concerns/{hungry}")
    assert response.status_code == 200
    assert response.json()["visible_because"] == because
    clinging = _entry("Clinging to her teacher at home time")
    assert cast.api("health_visitor").get(f"/concerns/{clinging}").status_code == 404
    # The health visiting team leader, a senior of the recipient, is told and may read it.
    assert chronology(cast, "hv_team_leader") == {"Arrived hungry three days running": because}
    # Other agencies, involved with Leeann, do not see it; the outsider sees nothing.
    assert chronology(cast, "police_officer") == {}
    assert cast.api("police_officer").get(f"/concerns/{hungry}").status_code == 404
    assert cast.api("charlie").get(f"/children/{cast.leeann.pk}/chronology").status_code == 404
    # A health practitioner not involved with Leeann does not see the child at all.
    other = Api(practitioner(cast.admin, "hv_two", "Ann Other", cast.health, "practitioner"))
    assert other.get(f"/children/{cast.leeann.pk}/chronology").status_code == 404
    # Both agencies list the disclosure; a third does not see it.
    for who in ("class_teacher", "health_visitor"):
        listed = cast.api(who).get(f"/children/{cast.leeann.pk}/disclosures").json()
        assert [d["id"] for d in listed["disclosures"]] == [made["id"]]
    listed = cast.api("police_officer").get(f"/children/{cast.leeann.pk}/disclosures").json()
    assert listed["disclosures"] == []


def test_an_expired_disclosure_hides_the_entries_again(school_health: Cast) -> None:
    cast = school_health
    isp(cast, cast.school, cast.health, retention_days=30)
    made = allowed(cast, "head_teacher", cast.health)
    assert len(chronology(cast, "health_visitor")) == 2
    expires = dt.datetime.fromisoformat(made["expires_at"])
    assert dt.timedelta(days=29) < expires - timezone.now() <= dt.timedelta(days=30)
    # Time passes beyond the retention period.
    Disclosure.objects.filter(pk=made["id"]).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    assert chronology(cast, "health_visitor") == {}
    hungry = _entry("Arrived hungry three days running")
    assert cast.api("health_visitor").get(f"/concerns/{hungry}").status_code == 404


def test_an_amendment_of_a_disclosed_entry_reaches_the_recipient(school_health: Cast) -> None:
    cast = school_health
    isp(cast, cast.school, cast.health)
    hungry = _entry("Arrived hungry three days running")
    made = allowed(cast, "class_teacher", cast.health, entry_ids=[hungry])
    response = cast.api("class_teacher").post(
        f"/concerns/{hungry}/amendments",
        {"reason": "It was four days", "summary": "Arrived hungry four days running"},
    )
    assert response.status_code == 201, response.content
    assert chronology(cast, "health_visitor") == {
        "Arrived hungry four days running": f"disclosure:{made['id']}"
    }


# --- telling the family (DOMAIN §4.4) -----------------------------------------------------


def test_the_disclosing_agency_records_that_the_family_was_told(school_health: Cast) -> None:
    cast = school_health
    isp(cast, cast.school, cast.health)
    made = allowed(cast, "head_teacher", cast.health)
    path = f"/disclosures/{made['id']}/family-informed"
    # The recipient does not answer for telling the family.
    response = cast.api("health_visitor").post(path, {"informed": True})
    assert response.status_code == 403
    assert cast.api("charlie").post(path, {"informed": True}).status_code == 404
    # Not telling them needs the reason.
    assert cast.api("head_teacher").post(path, {"informed": False}).status_code in (400, 422)
    response = cast.api("head_teacher").post(
        path, {"informed": False, "reason": "Telling Steve would put Leeann at risk"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["family_informed"] == "not_informed"
    response = cast.api("head_teacher").post(path, {"informed": True})
    assert response.status_code == 200
    assert response.json()["family_informed"] == "informed"
    assert response.json()["family_not_informed_reason"] == ""


# --- every decision is explained and audited (DOMAIN §4.6, §4.7) --------------------------


def test_every_share_decision_is_audited_with_its_purpose(school_health: Cast) -> None:
    cast = school_health

    def events() -> list[dict[str, Any]]:
        response = cast.api("ig_school").get("/audit", {"child_id": str(cast.leeann.pk)})
        assert response.status_code == 200
        return [
            e
            for e in response.json()["events"]
            if e["action"] in ("sharing.check", "disclosure.create")
        ]

    refused(cast, "class_teacher", cast.health)
    refused(cast, "class_teacher", cast.police, purpose="child_protection")
    isp(cast, cast.school, cast.health)
    made = allowed(cast, "class_teacher", cast.health, purpose="plan_coordination")
    seen = {(e["action"], e["outcome"], e["purpose"]) for e in events()}
    # A check is answered either way: what it found is in its reason; the refusals are
    # the disclosures the rules stopped.
    assert seen == {
        ("sharing.check", "allowed", "wellbeing_support"),
        ("disclosure.create", "refused", "wellbeing_support"),
        ("sharing.check", "allowed", "child_protection"),
        ("disclosure.create", "refused", "child_protection"),
        ("sharing.check", "allowed", "plan_coordination"),
        ("disclosure.create", "allowed", "plan_coordination"),
    }
    found = {e["purpose"]: e["reason"] for e in events() if e["action"] == "sharing.check"}
    assert found["wellbeing_support"].startswith("the share would be refused")
    assert found["child_protection"].startswith("the share would be refused")
    assert found["plan_coordination"].startswith("the share would be allowed")
    for event in events():
        assert event["actor"] == "baird"
        assert event["reason"]  # which rule, which ISP
    (made_event,) = [
        e for e in events() if e["action"] == "disclosure.create" and e["outcome"] == "allowed"
    ]
    assert made_event["object"] == f"disclosure:{made['id']}"
    assert "Fife GIRFEC information sharing" in made_event["reason"]
