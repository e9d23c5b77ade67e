"""Share requests, the review of child protection overrides, and the transparency
report (DOMAIN §2, §4.4, §4.6–4.8; API.md "Sharing", "Transparency and audit").

Leeann's health visitor asks Riverside Primary for what it holds. The head teacher is
Leeann's Named Person and a senior; the class teacher has no deciding role; Morag Bell
is the school's information governance lead.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from bairn.agencies.models import Agency, Involvement
from bairn.agencies.services import involve
from bairn.chronology.models import Concern
from bairn.sharing.models import Disclosure, ShareRequest
from tests.factories import Api, Cast, concern, ig, practitioner

TEAM = Involvement.Basis.TEAM_MEMBER
NEXT_YEAR = (dt.date.today() + dt.timedelta(days=365)).isoformat()


# --- helpers ------------------------------------------------------------------------------


def isp(cast: Cast, *parties: Agency, **overrides: Any) -> str:
    """An active ISP: drafted by the first party's IG lead, approved by every party's."""
    body: dict[str, Any] = {
        "title": "Fife GIRFEC information sharing",
        "party_agency_ids": [str(a.pk) for a in parties],
        "purposes": ["wellbeing_support", "plan_coordination", "child_protection"],
        "categories": ["core", "chronology"],
        "lawful_basis": "public_task",
        "consent_required": False,
        "onward_sharing": False,
        "retention_days": 365,
        "review_date": NEXT_YEAR,
        **overrides,
    }
    response = ig(cast, parties[0]).post("/isps", body)
    assert response.status_code == 201, response.content
    isp_id = response.json()["id"]
    for agency in parties:
        response = ig(cast, agency).post(f"/isps/{isp_id}/approve")
        assert response.status_code == 200, response.content
    assert response.json()["status"] == "active"
    return isp_id


def ask(cast: Cast, who: str = "health_visitor", **overrides: Any) -> Any:
    body = {
        "child_id": str(cast.leeann.pk),
        "holder_agency_id": str(cast.school.pk),
        "purpose": "wellbeing_support",
        "necessity": "Leeann was distressed at her health check; I need the school's picture",
        "categories": ["chronology"],
        "urgency": "urgent",
        **overrides,
    }
    return cast.api(who).post("/share-requests", body)


def asked(cast: Cast, who: str = "health_visitor", **overrides: Any) -> str:
    response = ask(cast, who, **overrides)
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "pending"
    return response.json()["id"]


def decide(cast: Cast, who: str, request_id: str, decision: str = "share", **extra: Any) -> Any:
    return cast.api(who).post(
        f"/share-requests/{request_id}/decision",
        {"decision": decision, "reason": extra.pop("reason", "Needed for her care"), **extra},
    )


def notes(cast: Cast, who: str, kind: str) -> list[dict[str, Any]]:
    response = cast.api(who).get("/notifications")
    assert response.status_code == 200
    return [n for n in response.json()["notifications"] if n["kind"] == kind]


def requests(cast: Cast, who: str, status: str | None = None) -> list[str]:
    response = cast.api(who).get("/share-requests", {"status": status} if status else {})
    assert response.status_code == 200, response.content
    return [r["id"] for r in response.json()]


def chronology(cast: Cast, who: str) -> dict[str, str]:
    response = cast.api(who).get(f"/children/{cast.leeann.pk}/chronology")
    assert response.status_code == 200, response.content
    return {e["summary"]: e["visible_because"] for e in response.json()["entries"]}


def entry(summary: str) -> str:
    return str(Concern.objects.get(summary=summary, amended_by__isnull=True).pk)


def status_of(request_id: str) -> str:
    return ShareRequest.objects.get(pk=request_id).status


@pytest.fixture
def story(cast: Cast) -> Cast:
    """The school holds part of Leeann's story; the health visitor works with the family."""
    involve(cast.health_visitor, cast.leeann.pk, TEAM, reason="health visits at home")
    concern(cast.class_teacher, cast.leeann, "Arrived hungry three days running", days_ago=30)
    concern(cast.head_teacher, cast.leeann, "Clinging to her teacher at home time", days_ago=10)
    return cast


# --- asking -------------------------------------------------------------------------------


def test_a_request_reaches_the_holders_named_person_senior_and_information_governance(
    story: Cast,
) -> None:
    cast = story
    assert cast.api("ig_school").get(f"/children/{cast.leeann.pk}").status_code == 404
    response = ask(cast)
    assert response.status_code == 201, response.content
    made = response.json()
    assert made["status"] == "pending"
    assert made["requesting_agency_id"] == str(cast.health.pk)
    assert made["holder_agency_id"] == str(cast.school.pk)
    assert made["purpose"] == "wellbeing_support"
    assert made["categories"] == ["chronology"]
    assert made["urgency"] == "urgent"
    assert made["requested_by"] == "Fiona McLeod"
    for who in ("head_teacher", "ig_school"):
        (note,) = notes(cast, who, "share_request")
        assert note["child_id"] == str(cast.leeann.pk)
        assert note["data"]["share_request_id"] == made["id"]
        # Those who decide may open the child's record to do so.
        assert cast.api(who).get(f"/children/{cast.leeann.pk}").status_code == 200
    # No one who may not decide, and no one of another agency, is told: the class
    # teacher only recorded a concern (recording is not reading, DOMAIN §4.1).
    for who in ("class_teacher", "nursery_teacher", "hv_team_leader", "police_sergeant"):
        assert notes(cast, who, "share_request") == []
    assert cast.api("nursery_teacher").get(f"/children/{cast.leeann.pk}").status_code == 404


def test_a_request_reaches_the_holders_practitioners_involved_with_the_child(
    story: Cast,
) -> None:
    """DOMAIN §4.4: its practitioners who are involved with the child hold the
    information and know the family; they are told, and decide, as its seniors and
    information governance do."""
    cast = story
    isp(cast, cast.school, cast.health)
    involve(cast.class_teacher, cast.leeann.pk, TEAM, reason="Leeann's class teacher")
    request_id = asked(cast)
    (note,) = notes(cast, "class_teacher", "share_request")
    assert note["data"]["share_request_id"] == request_id
    assert request_id in requests(cast, "class_teacher", "pending")
    assert notes(cast, "nursery_teacher", "share_request") == []
    response = decide(cast, "class_teacher", request_id, reason="Her teacher knows her best")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "shared"
    assert response.json()["decided_by"] == "Tom Baird"


def test_the_requester_must_be_involved_and_ask_another_agency(story: Cast) -> None:
    cast = story
    # Charlie, the outsider, learns nothing about Leeann: not found.
    response = ask(cast, "charlie")
    assert response.status_code == 404
    assert "Leeann" not in response.content.decode()
    # Trent's health visitor's senior is not involved with Leeann either.
    assert ask(cast, "hv_team_leader").status_code == 404
    # One's own agency's records need no request.
    response = ask(cast, holder_agency_id=str(cast.health.pk))
    assert response.status_code in (400, 422)
    assert "holder_agency_id" in response.content.decode()
    # Why it is necessary must be said.
    assert ask(cast, necessity="  ").status_code in (400, 422)
    assert not ShareRequest.objects.exists()
    assert notes(cast, "head_teacher", "share_request") == []


def test_requests_are_listed_to_the_agencies_that_sent_and_received_them(story: Cast) -> None:
    cast = story
    isp(cast, cast.school, cast.health)
    first = asked(cast)
    second = asked(cast, categories=["core"])
    assert decide(
        cast, "head_teacher", second, "decline", reason="Core is on file"
    ).status_code == (200)
    # Sent…
    assert set(requests(cast, "health_visitor")) == {first, second}
    assert requests(cast, "health_visitor", "pending") == [first]
    assert requests(cast, "health_visitor", "declined") == [second]
    assert requests(cast, "health_visitor", "shared") == []
    # …and received.
    assert set(requests(cast, "head_teacher")) == {first, second}
    assert requests(cast, "ig_school", "pending") == [first]
    # Other agencies, and the outsider, see none of them.
    for who in ("police_sergeant", "charlie"):
        assert requests(cast, who) == []
    assert cast.api("head_teacher").get("/share-requests", {"status": "lost"}).status_code in (
        400,
        422,
    )


# --- deciding -----------------------------------------------------------------------------


def test_only_the_holders_involved_practitioners_seniors_or_information_governance_decide(
    story: Cast,
) -> None:
    cast = story
    isp(cast, cast.school, cast.health)
    request_id = asked(cast)
    # The class teacher works at the holder but only recorded a concern, and the nursery
    # teacher does not work with Leeann: to them the request is not found. So it is to
    # the requester, another agency and the outsider.
    for who in ("class_teacher", "nursery_teacher", "health_visitor", "police_sergeant"):
        response = decide(cast, who, request_id)
        assert response.status_code == 404, (who, response.content)
    assert decide(cast, "charlie", request_id).status_code == 404
    assert status_of(request_id) == "pending"
    assert not Disclosure.objects.exists()
    assert chronology(cast, "health_visitor") == {}


def test_share_all_makes_the_holders_entries_visible_to_the_requester(story: Cast) -> None:
    cast = story
    isp_id = isp(cast, cast.school, cast.health)
    request_id = asked(cast)
    response = decide(cast, "head_teacher", request_id, reason="Relevant to her health")
    assert response.status_code == 200, response.content
    decided = response.json()
    assert decided["status"] == "shared"
    assert decided["decided_by"] == "Elaine Ross"
    assert decided["decision_reason"] == "Relevant to her health"
    disclosure_id = decided["disclosure_id"]
    assert disclosure_id
    disclosure = Disclosure.objects.get(pk=disclosure_id)
    assert str(disclosure.isp_id) == isp_id
    assert disclosure.to_agency_id == cast.health.pk
    assert chronology(cast, "health_visitor") == {
        "Arrived hungry three days running": f"disclosure:{disclosure_id}",
        "Clinging to her teacher at home time": f"disclosure:{disclosure_id}",
    }
    (note,) = notes(cast, "health_visitor", "disclosure_received")
    assert note["data"]["disclosure_id"] == disclosure_id
    # Deciding twice is a conflict; nothing more is disclosed.
    assert decide(cast, "ig_school", request_id, "decline").status_code == 409
    assert decide(cast, "head_teacher", request_id).status_code == 409
    assert Disclosure.objects.count() == 1


def test_share_chosen_entries_only(story: Cast) -> None:
    cast = story
    isp(cast, cast.school, cast.health)
    request_id = asked(cast)
    hungry = entry("Arrived hungry three days running")
    response = decide(cast, "ig_school", request_id, entry_ids=[hungry])
    assert response.status_code == 200, response.content
    disclosure_id = response.json()["disclosure_id"]
    assert chronology(cast, "health_visitor") == {
        "Arrived hungry three days running": f"disclosure:{disclosure_id}"
    }
    clinging = entry("Clinging to her teacher at home time")
    assert cast.api("health_visitor").get(f"/concerns/{clinging}").status_code == 404


def test_decline_records_the_reason_and_tells_the_requester(story: Cast) -> None:
    cast = story
    isp(cast, cast.school, cast.health)
    request_id = asked(cast)
    # The reason for not sharing is recorded too: none, none.
    assert decide(cast, "head_teacher", request_id, "decline", reason=" ").status_code in (
        400,
        422,
    )
    assert status_of(request_id) == "pending"
    response = decide(
        cast, "head_teacher", request_id, "decline", reason="Not relevant to a health check"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "declined"
    assert response.json()["decision_reason"] == "Not relevant to a health check"
    assert response.json()["disclosure_id"] is None
    (note,) = notes(cast, "health_visitor", "share_decided")
    assert "Not relevant to a health check" in note["text"]
    assert note["data"]["share_request_id"] == request_id
    assert not Disclosure.objects.exists()
    assert chronology(cast, "health_visitor") == {}
    assert decide(cast, "head_teacher", request_id).status_code == 409
    assert not Disclosure.objects.exists()


def test_a_share_the_rules_forbid_is_refused_with_reasons_and_stays_pending(
    story: Cast,
) -> None:
    cast = story
    request_id = asked(cast)  # no ISP between the school and health
    response = decide(cast, "head_teacher", request_id)
    assert response.status_code == 403, response.content
    reasons = response.json()["reasons"]
    assert any("no Information Sharing Protocol" in r for r in reasons), reasons
    # The same reasons as sharing-check gives.
    check = cast.api("head_teacher").get(
        f"/children/{cast.leeann.pk}/sharing-check",
        {
            "recipient_agency_id": str(cast.health.pk),
            "purpose": "wellbeing_support",
            "category": "chronology",
        },
    )
    assert check.json()["allowed"] is False
    assert check.json()["reasons"] == reasons
    assert status_of(request_id) == "pending"
    assert requests(cast, "head_teacher", "pending") == [request_id]
    assert not Disclosure.objects.exists()
    assert chronology(cast, "health_visitor") == {}
    # Once the agencies agree an ISP, the same request can be shared.
    isp(cast, cast.school, cast.health)
    response = decide(cast, "head_teacher", request_id)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "shared"


def test_a_request_decision_is_audited_with_its_purpose(story: Cast) -> None:
    cast = story
    request_id = asked(cast, purpose="plan_coordination")
    decide(cast, "class_teacher", request_id)  # no deciding role
    decide(cast, "head_teacher", request_id)  # no ISP
    isp(cast, cast.school, cast.health)
    decide(cast, "head_teacher", request_id)  # shared
    response = cast.api("ig_school").get("/audit", {"child_id": str(cast.leeann.pk)})
    assert response.status_code == 200
    events = [
        (e["actor"], e["action"], e["outcome"], e["purpose"])
        for e in reversed(response.json()["events"])
        if e["action"] in ("share_request.create", "share_request.decide", "disclosure.create")
    ]
    assert events == [
        ("mcleod", "share_request.create", "allowed", "plan_coordination"),
        ("baird", "share_request.decide", "refused", "plan_coordination"),
        ("ross", "disclosure.create", "refused", "plan_coordination"),
        ("ross", "disclosure.create", "allowed", "plan_coordination"),
        ("ross", "share_request.decide", "allowed", "plan_coordination"),
    ]


# --- deciding writes nothing before every check has passed (issue 9) ----------------------


def newcomer(cast: Cast) -> str:
    """A senior who joins the school after the request was made: not involved with Leeann."""
    senior = practitioner(cast.admin, "new_depute", "Ann New", cast.school, "senior")
    cast.apis["new_depute"] = Api(senior)
    return "new_depute"


def sight(cast: Cast, who: str) -> tuple[int, bool]:
    """Whether `who` can open Leeann's record, and whether they are involved at all."""
    status = cast.api(who).get(f"/children/{cast.leeann.pk}").status_code
    user = cast.apis[who].user
    return status, Involvement.objects.filter(practitioner=user, child_ref=cast.leeann.pk).exists()


def test_a_decision_on_a_decided_request_leaves_no_sight_of_the_child(story: Cast) -> None:
    """A senior who joined after a request was decided posts a decision: 409, and the
    child stays not found to them — no involvement was written on the way."""
    cast = story
    isp(cast, cast.school, cast.health)
    request_id = asked(cast)
    assert decide(cast, "head_teacher", request_id).status_code == 200
    who = newcomer(cast)
    assert sight(cast, who) == (404, False)
    response = decide(cast, who, request_id, "decline", reason="Not needed")
    assert response.status_code == 409, response.content
    assert sight(cast, who) == (404, False)


def test_a_refused_share_on_a_request_leaves_no_sight_of_the_child(story: Cast) -> None:
    cast = story
    request_id = asked(cast)  # no ISP between the school and health: the share is refused
    who = newcomer(cast)
    response = decide(cast, who, request_id)
    assert response.status_code == 403, response.content
    assert sight(cast, who) == (404, False)
    assert status_of(request_id) == "pending"
    # Deciding, they may open the record from then on, as those told of it could.
    response = decide(cast, who, request_id, "decline", reason="No ISP with health yet")
    assert response.status_code == 200, response.content
    assert sight(cast, who) == (200, True)


def test_an_invalid_decision_leaves_no_sight_of_the_child(story: Cast) -> None:
    """A 422 saves nothing: not the decision, not the involvement. (The API refuses an
    empty reason in the body already; the service refuses it too, for its other callers.)"""
    from bairn.errors import Invalid
    from bairn.sharing.services import decide_request

    cast = story
    isp(cast, cast.school, cast.health)
    request_id = asked(cast)
    who = newcomer(cast)
    assert decide(cast, who, request_id, reason="  ").status_code in (400, 422)
    with pytest.raises(Invalid):
        decide_request(
            cast.apis[who].user,
            ShareRequest.objects.get(pk=request_id).pk,
            decision="share",
            reason="  ",
        )
    assert sight(cast, who) == (404, False)
    assert status_of(request_id) == "pending"
    assert not Disclosure.objects.exists()


# --- child protection overrides go to information governance (DOMAIN §4.4) ----------------


def test_a_child_protection_disclosure_is_queued_for_review_until_cleared(story: Cast) -> None:
    cast = story
    involve(cast.police_officer, cast.leeann.pk, TEAM, reason="called to the home")
    # A public-task disclosure under an ISP is not queued.
    isp(cast, cast.school, cast.health)
    routine = cast.api("head_teacher").post(
        "/disclosures",
        {
            "child_id": str(cast.leeann.pk),
            "recipient_agency_id": str(cast.health.pk),
            "purpose": "wellbeing_support",
            "categories": ["chronology"],
            "justification": "For her health check",
        },
    )
    assert routine.status_code == 201, routine.content
    assert cast.api("ig_school").get("/review-queue").json()["disclosures"] == []
    # The class teacher asks the head teacher to authorise a share with the police (no
    # ISP); she authorises it, and it is made.
    involve(cast.class_teacher, cast.leeann.pk, TEAM, reason="Leeann's class teacher")
    response = cast.api("class_teacher").post(
        "/disclosures",
        {
            "child_id": str(cast.leeann.pk),
            "recipient_agency_id": str(cast.police.pk),
            "purpose": "child_protection",
            "categories": ["chronology"],
            "justification": "Bruising on both wrists; she said Steve did it",
            "authorised_by": str(cast.head_teacher.pk),
        },
    )
    assert response.status_code == 202, response.content
    response = cast.api("head_teacher").post(
        f"/authorisations/{response.json()['authorisation_id']}/decision",
        {"decision": "authorise", "reason": "Risk of significant harm"},
    )
    assert response.status_code == 200, response.content
    disclosure_id = response.json()["disclosure_id"]
    assert Disclosure.objects.get(pk=disclosure_id).review == "pending"
    (note,) = notes(cast, "ig_school", "review_needed")
    assert note["data"]["disclosure_id"] == disclosure_id

    queue = cast.api("ig_school").get("/review-queue")
    assert queue.status_code == 200
    (queued,) = queue.json()["disclosures"]
    assert queued["id"] == disclosure_id
    assert queued["to_agency"] == cast.police.name
    assert queued["made_by"] == "Tom Baird"
    assert queued["authorised_by"] == "Elaine Ross"
    assert queued["justification"] == "Bruising on both wrists; she said Steve did it"
    # Only information governance reviews; only the disclosing agency's.
    assert cast.api("head_teacher").get("/review-queue").status_code == 403
    assert cast.api("ig_health").get("/review-queue").json()["disclosures"] == []
    review = {"notes": "Justified: risk of significant harm; IRD held the same day"}
    path = f"/review-queue/disclosures/{disclosure_id}"
    assert cast.api("head_teacher").post(path, review).status_code == 403
    assert cast.api("ig_health").post(path, review).status_code == 404
    assert cast.api("ig_school").post(path, {"notes": " "}).status_code in (400, 422)
    response = cast.api("ig_school").post(path, review)
    assert response.status_code == 200, response.content
    assert response.json()["disclosures"] == []
    assert cast.api("ig_school").get("/review-queue").json()["disclosures"] == []
    reviewed = Disclosure.objects.get(pk=disclosure_id)
    assert reviewed.review == Disclosure.Review.REVIEWED
    assert reviewed.reviewed_by_id == cast.ig_school.pk
    # Reviewed once.
    assert cast.api("ig_school").post(path, review).status_code == 404


def test_a_child_protection_request_decided_by_a_senior_is_queued_for_review(
    story: Cast,
) -> None:
    cast = story
    involve(cast.police_sergeant, cast.leeann.pk, TEAM, reason="IRD")
    request_id = asked(cast, "police_sergeant", purpose="child_protection", urgency="immediate")
    # The class teacher, involved, decides requests, but child protection sharing without
    # agreement needs a senior; the head teacher, a senior, shares.
    involve(cast.class_teacher, cast.leeann.pk, TEAM, reason="Leeann's class teacher")
    refused = decide(cast, "class_teacher", request_id)
    assert refused.status_code == 403, refused.content
    assert any("senior" in r for r in refused.json()["reasons"])
    response = decide(cast, "head_teacher", request_id, reason="Risk of significant harm")
    assert response.status_code == 200, response.content
    disclosure_id = response.json()["disclosure_id"]
    (queued,) = cast.api("ig_school").get("/review-queue").json()["disclosures"]
    assert queued["id"] == disclosure_id
    assert chronology(cast, "police_sergeant") == {
        "Arrived hungry three days running": f"disclosure:{disclosure_id}",
        "Clinging to her teacher at home time": f"disclosure:{disclosure_id}",
    }


def test_a_child_protection_request_decided_by_information_governance_alone_is_refused(
    story: Cast,
) -> None:
    """Information governance decides requests, but is not a senior: child protection
    sharing without agreement needs a senior's authority."""
    cast = story
    involve(cast.police_sergeant, cast.leeann.pk, TEAM, reason="IRD")
    request_id = asked(cast, "police_sergeant", purpose="child_protection")
    response = decide(cast, "ig_school", request_id)
    assert response.status_code == 403, response.content
    assert any("senior" in r for r in response.json()["reasons"])
    assert status_of(request_id) == "pending"


# --- the transparency report (DOMAIN §4.8) ------------------------------------------------


def person(cast: Cast, given: str, family: str, relationship: str, pr: bool) -> str:
    response = cast.api("head_teacher").post(
        f"/children/{cast.leeann.pk}/people",
        {
            "given_name": given,
            "family_name": family,
            "relationship": relationship,
            "parental_responsibility": pr,
            "lives_with": relationship != "family_friend",
            "stays_overnight": True,
            "caring_role": "Looks after Leeann and Trent overnight",
        },
    )
    assert response.status_code == 201, response.content
    return response.json()["id"]


@pytest.fixture
def report_case(story: Cast) -> Cast:
    """Leeann's story as the family would be told it: the people around her, a withheld
    entry, a restricted police entry, and disclosures made and received."""
    cast = story
    corinne = person(cast, "Corinne", "Cairns", "mother", pr=True)
    person(cast, "Steve", "Lennox", "partner_of_parent", pr=False)
    person(cast, "Maggie", "Duncan", "family_friend", pr=False)
    involve(cast.police_officer, cast.leeann.pk, TEAM)
    concern(
        cast.class_teacher,
        cast.leeann,
        "Bruising on both wrists",
        days_ago=2,
        significance="high",
        indicators=("safe",),
        detail="Leeann said Steve held her wrists; Maggie was not there that night",
    )
    concern(
        cast.head_teacher,
        cast.leeann,
        "Disclosure about the cold bath",
        days_ago=1,
        significance="child_protection",
        indicators=("safe",),
        source="child_disclosure",
        withheld_from_family=True,
        withheld_reason="Telling the household would put Leeann at risk",
    )
    concern(
        cast.class_teacher,
        cast.leeann,
        "Collected from school by Maggie Duncan",
        days_ago=3,
        impact="neutral",
        action_taken="Phoned Corinne to check",
    )
    concern(cast.police_officer, cast.leeann, "Police called to the flat", days_ago=5)
    concern(cast.police_officer, cast.leeann, "Intelligence report", days_ago=4, restricted=True)
    response = cast.api("head_teacher").post(
        f"/children/{cast.leeann.pk}/consents",
        {
            "given_by": corinne,
            "decision": "given",
            "purposes": ["wellbeing_support"],
            "recipient_agency_ids": [str(cast.health.pk)],
            "categories": ["chronology"],
            "views": "Corinne says Maggie helps a lot with the children",
        },
    )
    assert response.status_code == 201, response.content
    isp(cast, cast.school, cast.health)
    made = cast.api("head_teacher").post(
        "/disclosures",
        {
            "child_id": str(cast.leeann.pk),
            "recipient_agency_id": str(cast.police.pk),
            "purpose": "child_protection",
            "categories": ["chronology"],
            "entry_ids": [entry("Bruising on both wrists")],
            "justification": "Steve named by Leeann; risk of significant harm",
        },
    )
    assert made.status_code == 201, made.content
    cast.cp_disclosure = made.json()["id"]  # type: ignore[attr-defined]
    request_id = asked(cast)
    shared = decide(
        cast, "ig_school", request_id, entry_ids=[entry("Arrived hungry three days running")]
    )
    assert shared.status_code == 200, shared.content
    cast.hv_disclosure = shared.json()["disclosure_id"]  # type: ignore[attr-defined]
    return cast


def report(cast: Cast, who: str = "ig_school") -> Any:
    return cast.api(who).get(f"/children/{cast.leeann.pk}/transparency")


def test_only_information_governance_of_an_agency_holding_records_prepares_the_report(
    report_case: Cast,
) -> None:
    cast = report_case
    assert report(cast, "ig_school").status_code == 200
    # Health received a disclosure and works with Leeann: its IG answers for that.
    assert report(cast, "ig_health").status_code == 200
    # Practitioners involved with Leeann, even a senior Named Person: not theirs to prepare.
    for who in ("head_teacher", "health_visitor", "police_officer"):
        response = report(cast, who)
        assert response.status_code == 403, (who, response.content)
        assert response.json()["reasons"]
    # The class teacher only recorded a concern: recording is not reading (DOMAIN §4.1).
    assert report(cast, "class_teacher").status_code == 404
    # Information governance of an agency with nothing about Leeann, and the outsider:
    # not found.
    assert report(cast, "charlie").status_code == 404
    housing_ig = ig(cast, cast.housing)
    assert housing_ig.get(f"/children/{cast.leeann.pk}/transparency").status_code == 404


def test_the_report_lists_what_is_held_and_by_whom_minus_what_is_withheld(
    report_case: Cast,
) -> None:
    cast = report_case
    response = report(cast)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["child"]["given_name"] == "Leeann"
    assert body["prepared_by_agency"] == cast.school.name
    # Who holds what the family may be told of: the school counts its own entries, never
    # one withheld from the family; of the police only that they hold records (issue 9).
    held = {h["name"]: h["entries"] for h in body["held_by"]}
    assert held == {cast.school.name: 4, cast.police.name: None}
    summaries = {e["summary"] for e in body["entries"]}
    assert summaries == {
        "Arrived hungry three days running",
        "Clinging to her teacher at home time",
        "Bruising on both wrists",
        "Collected from school by [another person]",
    }
    # Held back, for information governance: the school's entry withheld from the
    # family. The police's unreleased intelligence is the police's to count.
    assert body["withheld_count"] == 1
    text = response.content.decode()
    assert "cold bath" not in text
    assert "Telling the household" not in text
    assert "Intelligence report" not in text
    assert "Police called to the flat" not in text  # the police's to report


def test_the_report_lists_every_disclosure_with_date_parties_purpose_and_basis(
    report_case: Cast,
) -> None:
    cast = report_case
    body = report(cast).json()
    listed = {d["id"]: d for d in body["disclosures"]}
    assert set(listed) == {cast.cp_disclosure, cast.hv_disclosure}  # type: ignore[attr-defined]
    cp = listed[cast.cp_disclosure]  # type: ignore[attr-defined]
    assert cp["date"] == dt.date.today().isoformat()
    assert cp["from_agency"] == cast.school.name
    assert cp["to_agency"] == cast.police.name
    assert cp["purpose"] == "child_protection"
    assert cp["lawful_basis"] == "public_task"
    assert cp["categories"] == ["chronology"]
    hv = listed[cast.hv_disclosure]  # type: ignore[attr-defined]
    assert hv["to_agency"] == cast.health.name
    assert hv["purpose"] == "wellbeing_support"
    assert hv["consent_withdrawn"] is False
    # Health's information governance answers for what health received, and for none of
    # the school's entries nor its disclosure to the police (issue 9).
    received = report(cast, "ig_health").json()
    assert {d["id"] for d in received["disclosures"]} == {cast.hv_disclosure}  # type: ignore[attr-defined]
    assert received["entries"] == []
    assert {h["name"]: h["entries"] for h in received["held_by"]} == {
        cast.school.name: None,
        cast.police.name: None,
    }


def test_the_report_names_no_one_around_the_child_and_carries_no_entry_detail(
    report_case: Cast,
) -> None:
    cast = report_case
    for who in ("ig_school", "ig_health"):
        response = report(cast, who)
        assert response.status_code == 200
        text = response.content.decode()
        # Names recorded around Leeann are absent even where an entry's summary or
        # action named them.
        for name in ("Corinne", "Steve", "Lennox", "Maggie", "Duncan"):
            assert name not in text, (who, name)
        assert "held her wrists" not in text
        for item in response.json()["entries"]:
            assert "detail" not in item
            assert "recorded_by" not in item


def test_a_disclosure_the_family_is_not_to_be_told_of_stays_out_of_the_report(
    report_case: Cast,
) -> None:
    """Telling the family of it would put Leeann at risk (DOMAIN §4.4): the report must
    not tell them either."""
    cast = report_case
    response = cast.api("head_teacher").post(
        f"/disclosures/{cast.cp_disclosure}/family-informed",  # type: ignore[attr-defined]
        {"informed": False, "reason": "Steve would learn that Leeann told the school"},
    )
    assert response.status_code == 200, response.content
    body = report(cast).json()
    assert [d["id"] for d in body["disclosures"]] == [cast.hv_disclosure]  # type: ignore[attr-defined]
    assert cast.police.name not in {d["to_agency"] for d in body["disclosures"]}


def test_a_withheld_entry_stays_out_of_the_report_when_amended(report_case: Cast) -> None:
    cast = report_case
    withheld = entry("Disclosure about the cold bath")
    response = cast.api("head_teacher").post(
        f"/concerns/{withheld}/amendments",
        {"reason": "Wording", "summary": "Disclosure about a cold bath at home"},
    )
    assert response.status_code == 201, response.content
    body = report(cast).json()
    assert body["withheld_count"] == 1  # the amended entry once (the intelligence is police's)
    assert "cold bath" not in report(cast).content.decode()
    # An entry newly withheld by amendment leaves the report too.
    bruising = entry("Bruising on both wrists")
    response = cast.api("class_teacher").post(
        f"/concerns/{bruising}/amendments",
        {
            "reason": "Steve must not learn of it",
            "withheld_from_family": True,
            "withheld_reason": "Risk to Leeann",
        },
    )
    assert response.status_code == 201, response.content
    body = report(cast).json()
    assert body["withheld_count"] == 2
    assert "Bruising" not in report(cast).content.decode()


def test_the_polices_report_holds_the_polices_entries_and_what_it_received(
    report_case: Cast,
) -> None:
    """Issue 9: each agency's information governance prepares its own part; only the
    family's own view brings every agency's entries together."""
    cast = report_case
    body = ig(cast, cast.police).get(f"/children/{cast.leeann.pk}/transparency").json()
    assert {e["summary"] for e in body["entries"]} == {"Police called to the flat"}
    assert {e["agency_name"] for e in body["entries"]} == {cast.police.name}
    assert [d["id"] for d in body["disclosures"]] == [cast.cp_disclosure]  # type: ignore[attr-defined]
    held = {h["name"]: h["entries"] for h in body["held_by"]}
    assert held == {cast.school.name: None, cast.police.name: 1}
    assert body["withheld_count"] == 1  # its restricted intelligence
    text = json.dumps(body)
    for school_only in ("Bruising", "hungry", "Clinging", "cold bath"):
        assert school_only not in text
