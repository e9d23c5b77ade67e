"""The Child's Plan through its whole life (API.md "Plans and assessments";
practice-model.md, Child's Plan): made by the Named Person, who names the Lead Professional;
edited by the Lead Professional with every version kept and what changed in words; 409 on
a stale edit with nothing changed; read by the plan's team only; printed as a PDF holding
its content; Team Around the Child meetings whose actions join the plan; IRDs and the
child protection register; overdue actions and reviews announced once (`bairn overdue`).

One cast for the module (tests/conftest.py `module_cast`): each test runs in a savepoint
and starts with no plan, no assessment and no meeting.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.db import IntegrityError
from django.utils import timezone
from pypdf import PdfReader

from bairn.agencies.models import Assignment, Involvement
from bairn.agencies.services import add_to_team
from bairn.planning import services
from bairn.planning.models import Meeting, PlanVersion
from tests.factories import Api, Cast, new_id, practitioner

CALLERS = [
    "head_teacher",
    "class_teacher",
    "health_visitor",
    "hv_team_leader",
    "police_officer",
    "police_sergeant",
    "social_worker",
    "charlie",
]


@pytest.fixture(scope="module")
def world(module_cast: Cast) -> Cast:
    """The cast, with a senior social worker (who may register a child), a second
    Lead Professional, and every caller's token made once, outside the tests' savepoints."""
    cast = module_cast
    senior = practitioner(cast.admin, "sw_senior", "Jo Kerr", cast.social_work, "senior")
    cast.apis["sw_senior"] = Api(senior)
    other_lead = practitioner(cast.admin, "reid", "Sam Reid", cast.social_work, "lead_professional")
    cast.apis["reid"] = Api(other_lead)
    # A second client of the Named Person, for a request made while another is under way.
    cast.apis["head_teacher_2"] = Api(cast.head_teacher)
    for who in CALLERS:
        cast.api(who)
    return cast


# --- helpers -----------------------------------------------------------------------------


def day(offset: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=offset)).isoformat()


def ids(*people: Any) -> list[str]:
    return [str(p.pk) for p in people]


def leeann(cast: Cast, rest: str = "") -> str:
    return f"/children/{cast.leeann.pk}{rest}"


def new_plan(cast: Cast, **changes: Any) -> dict[str, Any]:
    """A first plan for Leeann, as her Named Person (the head teacher) makes it: the social
    worker is Lead Professional, the health visitor is on the team, and the police
    officer owns an action without being named in team_ids."""
    body: dict[str, Any] = {
        "version": 0,
        "lead_professional_id": str(cast.social_worker.pk),
        "team_ids": ids(cast.health_visitor),
        "reason_for_plan": "Leeann's needs at home and at school call for several agencies",
        "needs": [
            {
                "indicators": ["safe", "nurtured"],
                "description": "Leeann to feel safe and cared for at home",
                "outcome": "Leeann says she feels safe at home",
                "evidence": "Her own words at weekly check-ins",
                "actions": [
                    {
                        "description": "Weekly check-in with Leeann",
                        "owner_id": str(cast.head_teacher.pk),
                        "due_on": day(14),
                        "status": "planned",
                    },
                    {
                        "description": "Parenting support for Corinne",
                        "owner_id": str(cast.social_worker.pk),
                        "due_on": day(28),
                        "status": "planned",
                    },
                    {
                        "description": "Share police attendance at the flat",
                        "owner_id": str(cast.police_officer.pk),
                        "due_on": day(7),
                        "status": "planned",
                    },
                ],
            },
            {
                "indicators": ["healthy"],
                "description": "Dental and health checks up to date",
                "outcome": "Every check done by the summer",
                "evidence": "The health record",
                "actions": [
                    {
                        "description": "Arrange a dental appointment",
                        "owner_id": str(cast.health_visitor.pk),
                        "due_on": day(21),
                        "status": "planned",
                    }
                ],
            },
        ],
        "child_views": "I like my classroom assistant and want to stay at this school",
        "family_views": "Corinne wants help with Trent and with the mornings",
        "review_date": day(90),
        "contingency": "If Leeann discloses harm, the school follows child protection",
    }
    body.update(changes)
    return body


def body_from(plan: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """An edit of a plan as GET returned it, sending back the ids of needs and actions."""
    body = {
        "version": plan["version"],
        "lead_professional_id": plan["lead_professional_id"],
        "team_ids": list(plan["team_ids"]),
        "reason_for_plan": plan["reason_for_plan"],
        "needs": [
            {
                **{k: need[k] for k in ("id", "indicators", "description", "outcome", "evidence")},
                "actions": [
                    {k: a[k] for k in ("id", "description", "owner_id", "due_on", "status")}
                    for a in need["actions"]
                ],
            }
            for need in plan["needs"]
        ],
        "child_views": plan["child_views"],
        "family_views": plan["family_views"],
        "review_date": plan["review_date"],
        "contingency": plan["contingency"],
    }
    body.update(changes)
    return body


def make_plan(cast: Cast, **changes: Any) -> dict[str, Any]:
    """The Named Person makes the plan; returns it as the Lead Professional reads it."""
    response = cast.api("head_teacher").put(leeann(cast, "/plan"), new_plan(cast, **changes))
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 1
    return get_plan(cast, "social_worker")


def get_plan(cast: Cast, who: str) -> dict[str, Any]:
    response = cast.api(who).get(leeann(cast, "/plan"))
    assert response.status_code == 200, response.content
    return response.json()


def put(cast: Cast, who: str, body: dict[str, Any]) -> Any:
    return cast.api(who).put(leeann(cast, "/plan"), body)


def state(cast: Cast) -> dict[str, Any]:
    """Everything a write about Leeann's plan may change, as the API (to her Named
    Person) and the stores show it."""
    named = cast.api("head_teacher")
    plan = named.get(leeann(cast, "/plan"))
    versions = named.get(leeann(cast, "/plan/versions"))
    contents = {
        v["version"]: named.get(leeann(cast, f"/plan/versions/{v['version']}")).json()
        for v in (versions.json()["versions"] if versions.status_code == 200 else [])
    }
    return {
        "plan": (plan.status_code, plan.json()),
        "versions": (versions.status_code, versions.json()),
        "contents": contents,
        **stored(cast),
    }


def stored(cast: Cast) -> dict[str, Any]:
    """What the stores hold of Leeann's plan, and who is involved and assigned."""
    child_id = cast.leeann.pk
    return {
        "stored_versions": list(
            PlanVersion.objects.filter(plan__child_ref=child_id)
            .order_by("version")
            .values_list("version", "content", "changes")
        ),
        "involvements": sorted(
            Involvement.objects.filter(child_ref=child_id).values_list(
                "practitioner__username", "basis", "ended_at"
            ),
            key=str,
        ),
        "assignments": sorted(
            Assignment.objects.filter(child_ref=child_id).values_list(
                "practitioner__username", "kind", "ended_at"
            ),
            key=str,
        ),
        "meetings": Meeting.objects.filter(child_ref=child_id).count(),
    }


def errors(response: Any) -> dict[str, str]:
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["detail"]
    return {e["field"]: e["message"] for e in body["errors"]}


def notes(cast: Cast, who: str, kind: str) -> list[dict[str, Any]]:
    response = cast.api(who).get("/notifications")
    assert response.status_code == 200
    return [n for n in response.json()["notifications"] if n["kind"] == kind]


def overdue() -> str:
    out = io.StringIO()
    call_command("overdue", stdout=out)
    return out.getvalue()


# --- the plan's life -------------------------------------------------------------------------


def test_named_person_makes_the_plan_and_names_the_lead_professional(world: Cast) -> None:
    cast = world
    assert cast.api("head_teacher").get(leeann(cast, "/plan")).status_code == 404
    sent = new_plan(cast)
    response = put(cast, "head_teacher", sent)
    assert response.status_code == 200, response.content
    assert response.json() == {"version": 1, "changes": ["Plan made."]}

    # The social worker is now Leeann's Lead Professional, and involved as such.
    child = cast.api("head_teacher").get(leeann(cast)).json()
    assert child["lead_professional"]["name"] == "Chris Devlin"
    assert (
        "lead_professional"
        in cast.api("social_worker").get(leeann(cast)).json()["your_involvement"]
    )

    plan = get_plan(cast, "social_worker")
    assert plan["version"] == 1
    assert plan["child_id"] == str(cast.leeann.pk)
    assert plan["saved_by"] == "Elaine Ross"
    assert plan["lead_professional_id"] == str(cast.social_worker.pk)
    assert plan["lead_professional"] == "Chris Devlin"
    assert plan["changes"] == ["Plan made."]
    for key in ("reason_for_plan", "child_views", "family_views", "review_date", "contingency"):
        assert plan[key] == sent[key], key
    assert len(plan["needs"]) == 2
    for got, want in zip(plan["needs"], sent["needs"], strict=True):
        assert got["id"]
        for key in ("indicators", "description", "outcome", "evidence"):
            assert got[key] == want[key]
        for action, asked in zip(got["actions"], want["actions"], strict=True):
            assert action["id"]
            for key in ("description", "owner_id", "due_on", "status"):
                assert action[key] == asked[key]
    officer = plan["needs"][0]["actions"][2]
    assert officer["owner"] == "PC Jamie Wallace"
    assert officer["agency"] == "Police Scotland"
    assert officer["agency_id"] == str(cast.police.pk)

    # Action owners are on the team without being named in team_ids.
    assert set(plan["team_ids"]) == set(
        ids(cast.health_visitor, cast.head_teacher, cast.social_worker, cast.police_officer)
    )
    assert get_plan(cast, "police_officer")["version"] == 1
    assert get_plan(cast, "health_visitor")["version"] == 1
    assert get_plan(cast, "head_teacher")["version"] == 1


def test_lead_professional_edits_and_every_version_is_kept_with_its_changes(
    world: Cast,
) -> None:
    cast = world
    first = make_plan(cast)
    old_review = first["review_date"]

    edit = body_from(first, review_date=day(120))
    edit["needs"][0]["actions"][0]["status"] = "in_progress"
    edit["needs"].append(
        {
            "indicators": ["achieving"],
            "description": "Reading support in class",
            "outcome": "Reading at the expected level",
            "evidence": "Termly reading assessment",
            "actions": [],
        }
    )
    response = put(cast, "social_worker", edit)
    assert response.status_code == 200, response.content
    saved = response.json()
    assert saved["version"] == 2
    assert f"Review date: {old_review} → {day(120)}" in saved["changes"]
    assert "Action “Weekly check-in with Leeann”: planned → in progress" in saved["changes"]
    assert "Need added: Reading support in class" in saved["changes"]
    assert len(saved["changes"]) == 3, saved["changes"]

    second = get_plan(cast, "head_teacher")
    assert second["version"] == 2
    assert second["saved_by"] == "Chris Devlin"
    assert second["changes"] == saved["changes"]
    # Needs and actions sent back keep their ids; the new need has its own.
    for before, after in zip(first["needs"], second["needs"][:2], strict=True):
        assert after["id"] == before["id"]
        assert [a["id"] for a in after["actions"]] == [a["id"] for a in before["actions"]]
    assert second["needs"][2]["id"] not in {n["id"] for n in first["needs"]}
    assert second["needs"][0]["actions"][0]["status"] == "in_progress"

    # A third version: an action done and dropped, a need removed, new views.
    edit = body_from(second, child_views="I feel better now")
    edit["needs"][0]["actions"][2]["status"] = "done"
    del edit["needs"][1]
    response = put(cast, "social_worker", edit)
    assert response.status_code == 200, response.content
    changes = response.json()["changes"]
    assert "Action “Share police attendance at the flat”: planned → done" in changes
    assert "Need removed: Dental and health checks up to date" in changes
    assert "The child's views changed: “I feel better now”" in changes

    listed = cast.api("social_worker").get(leeann(cast, "/plan/versions"))
    assert listed.status_code == 200
    versions = listed.json()["versions"]
    assert [v["version"] for v in versions] == [1, 2, 3]
    assert [v["saved_by"] for v in versions] == ["Elaine Ross", "Chris Devlin", "Chris Devlin"]
    assert versions[0]["changes"] == ["Plan made."]
    assert versions[1]["changes"] == saved["changes"]
    assert versions[2]["changes"] == changes
    assert all(v["saved_at"] for v in versions)

    # Each earlier version, exactly as it was.
    api = cast.api("health_visitor")
    assert api.get(leeann(cast, "/plan/versions/1")).json() == first
    assert api.get(leeann(cast, "/plan/versions/2")).json() == second
    assert api.get(leeann(cast, "/plan/versions/3")).json() == get_plan(cast, "health_visitor")
    assert api.get(leeann(cast, "/plan/versions/4")).status_code == 404
    assert api.get(leeann(cast, "/plan/versions/two")).status_code == 404


def test_stale_edit_is_409_and_nothing_changes(world: Cast) -> None:
    cast = world
    first = make_plan(cast)
    moved = body_from(first, review_date=day(100))
    assert put(cast, "social_worker", moved).json()["version"] == 2

    before = state(cast)
    # The Named Person still holds version 1: a different reason, Charlie on the team,
    # a new need and the first need's action marked done.
    stale = body_from(
        first,
        reason_for_plan="A stale reason that must never be saved",
        team_ids=[*first["team_ids"], str(cast.charlie.pk)],
    )
    stale["needs"][0]["actions"][0]["status"] = "done"
    stale["needs"].append({**stale["needs"][1], "id": None, "description": "Stale need"})
    response = put(cast, "head_teacher", stale)
    assert response.status_code == 409, response.content
    body = response.json()
    assert body["current_version"] == 2
    assert "version 2" in body["detail"]
    assert body["errors"][0]["field"] == "version"
    assert state(cast) == before
    assert cast.api("charlie").get(leeann(cast, "/plan")).status_code == 404
    assert "A stale reason" not in str(before)

    # A version that never was, or a second "new" plan, is stale too.
    for version in (0, 3, 7):
        response = put(cast, "social_worker", {**moved, "version": version})
        assert response.status_code == 409, (version, response.content)
        assert response.json()["current_version"] == 2
    assert state(cast) == before

    # The Named Person reloads and makes the change again: it is saved as version 3.
    again = body_from(get_plan(cast, "head_teacher"), reason_for_plan="Reason after reload")
    response = put(cast, "head_teacher", again)
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 3


def test_two_edits_of_the_same_version_one_wins_and_the_loser_is_nowhere(
    world: Cast,
) -> None:
    cast = world
    base = make_plan(cast)
    # Both read version 1, then save one after the other.
    lead = body_from(base, family_views="Corinne agrees to the parenting group")
    named = body_from(base, child_views="LOSER-TEXT: Leeann wants to change class")
    first = put(cast, "social_worker", lead)
    second = put(cast, "head_teacher", named)
    assert sorted([first.status_code, second.status_code]) == [200, 409]
    assert first.json()["version"] == 2
    assert second.json()["current_version"] == 2

    versions = cast.api("social_worker").get(leeann(cast, "/plan/versions")).json()["versions"]
    assert [v["version"] for v in versions] == [1, 2]
    for v in versions:
        content = cast.api("social_worker").get(leeann(cast, f"/plan/versions/{v['version']}"))
        assert "LOSER-TEXT" not in content.content.decode()
    assert not PlanVersion.objects.filter(content__child_views__icontains="LOSER-TEXT").exists()
    assert get_plan(cast, "head_teacher")["family_views"] == "Corinne agrees to the parenting group"


def test_first_plan_saved_twice_at_once_one_wins_the_other_is_409(
    world: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two first plans (version 0) at once. The second request is made to land between
    the first one finding no plan and it saving one — the window two simultaneous
    requests share on PostgreSQL, where there is no plan row yet to lock."""
    cast = world
    real = services._normalise
    interleaved: list[int] = []

    def rival_saves_first(**kwargs: Any) -> Any:
        if not interleaved:
            interleaved.append(1)
            rival = put(cast, "head_teacher_2", new_plan(cast, child_views="WINNER"))
            assert rival.status_code == 200, rival.content
        return real(**kwargs)

    monkeypatch.setattr(services, "_normalise", rival_saves_first)
    try:
        response = put(cast, "head_teacher", new_plan(cast, child_views="LOSER-TEXT"))
    except IntegrityError as exc:
        pytest.fail(f"a second first plan crashed instead of a 409: {exc}")
    assert interleaved
    assert response.status_code == 409, response.content
    assert response.json()["current_version"] == 1
    assert get_plan(cast, "social_worker")["child_views"] == "WINNER"
    versions = cast.api("social_worker").get(leeann(cast, "/plan/versions")).json()["versions"]
    assert [v["version"] for v in versions] == [1]


def test_the_team_reads_the_plan_and_loses_it_when_removed(world: Cast) -> None:
    cast = world
    plan = make_plan(
        cast, team_ids=ids(cast.health_visitor, cast.hv_team_leader, cast.police_sergeant)
    )
    for who in ("health_visitor", "hv_team_leader", "police_sergeant", "police_officer"):
        assert get_plan(cast, who)["version"] == 1, who
        assert cast.api(who).get(leeann(cast, "/plan.pdf")).status_code == 200, who
        assert cast.api(who).get(leeann(cast, "/plan/versions")).status_code == 200, who

    # The Lead Professional takes the sergeant off the team.
    team = [t for t in plan["team_ids"] if t != str(cast.police_sergeant.pk)]
    response = put(cast, "social_worker", body_from(plan, team_ids=team))
    assert response.status_code == 200, response.content
    assert "Team: 1 removed" in response.json()["changes"]
    sergeant = cast.api("police_sergeant")
    for path in ("/plan", "/plan/versions", "/plan/versions/1", "/plan.pdf", "/assessments"):
        assert sergeant.get(leeann(cast, path)).status_code == 404, path
    assert sergeant.get(leeann(cast)).status_code == 404  # no other reason to see Leeann
    assert get_plan(cast, "hv_team_leader")["version"] == 2

    # An action owner cannot be taken off the team while they own an action.
    plan = get_plan(cast, "social_worker")
    team = [t for t in plan["team_ids"] if t != str(cast.police_officer.pk)]
    response = put(cast, "social_worker", body_from(plan, team_ids=team))
    assert response.status_code == 200
    assert str(cast.police_officer.pk) in get_plan(cast, "police_officer")["team_ids"]


def test_only_the_lead_professional_or_named_person_changes_the_plan(world: Cast) -> None:
    cast = world
    plan = make_plan(cast)
    before = state(cast)
    for who in ("health_visitor", "police_officer"):  # on the team, but neither
        response = put(cast, who, body_from(plan, child_views=f"Changed by {who}"))
        assert response.status_code == 403, (who, response.content)
        assert response.json()["reasons"]
    assert state(cast) == before
    # The Named Person may still edit, as may the Lead Professional.
    assert put(cast, "head_teacher", body_from(plan, child_views="A")).status_code == 200
    plan = get_plan(cast, "social_worker")
    assert put(cast, "social_worker", body_from(plan, child_views="B")).status_code == 200


PLAN_ROUTES = [
    ("put", "/plan"),
    ("get", "/plan"),
    ("get", "/plan/versions"),
    ("get", "/plan/versions/1"),
    ("get", "/plan.pdf"),
    ("post", "/meetings"),
    ("get", "/meetings"),
    ("post", "/assessments"),
    ("get", "/assessments"),
    ("get", "/wellbeing-wheel.svg"),
    ("get", "/resilience-matrix.svg"),
]


def test_outsiders_and_the_involved_outside_the_team_get_404_everywhere(world: Cast) -> None:
    cast = world
    plan = make_plan(cast)
    made = cast.api("head_teacher").post(
        leeann(cast, "/assessments"), {"indicators": {"safe": {"rating": "some_concern"}}}
    )
    assert made.status_code == 201
    # On the team around Leeann, so involved, but not on the plan's team.
    add_to_team(cast.head_teacher, cast.leeann.pk, cast.class_teacher.pk, reason="Class teacher")
    assert cast.api("class_teacher").get(leeann(cast)).status_code == 200
    bodies = {
        "put": body_from(plan, child_views="Changed by an outsider"),
        "post /meetings": {
            "held_on": day(-1),
            "attendee_ids": ids(cast.head_teacher),
            "family_attended": False,
            "decisions": "Meet again",
        },
        "post /assessments": {"indicators": {"safe": {"rating": "strength"}}},
    }
    before = state(cast)
    for who in ("charlie", "class_teacher", "police_sergeant", "hv_team_leader"):
        api = cast.api(who)
        for method, path in PLAN_ROUTES:
            if method == "get":
                response = api.get(leeann(cast, path))
            else:
                body = bodies["put"] if method == "put" else bodies[f"post {path}"]
                response = getattr(api, method)(leeann(cast, path), body)
            assert response.status_code == 404, (who, method, path, response.content)
            assert response.json() == {"detail": "Not found."}
        response = api.post(
            f"/assessments/{made.json()['id']}/contributions",
            {"indicators": {"safe": {"rating": "strength"}}},
        )
        assert response.status_code == 404, (who, response.content)
    assert state(cast) == before


def test_plan_pdf_holds_the_plan(world: Cast) -> None:
    cast = world
    plan = make_plan(cast)
    response = cast.api("health_visitor").get(leeann(cast, "/plan.pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "Leeann" not in response["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    assert "Leeann Cairns" in text
    assert "14 March 2017" in text  # date of birth
    assert plan["reason_for_plan"] in text
    for need in plan["needs"]:
        assert need["description"] in text
        assert need["outcome"] in text
        assert need["evidence"] in text
        for action in need["actions"]:
            assert action["description"] in text
            assert action["owner"] in text
            assert action["agency"] in text
    for name in ("Elaine Ross", "Chris Devlin", "PC Jamie Wallace", "Fiona McLeod"):
        assert name in text
    assert plan["child_views"] in text
    assert plan["family_views"] in text
    assert plan["contingency"] in text
    review = dt.date.fromisoformat(plan["review_date"])
    assert f"{review.day} {review:%B %Y}" in text  # printed as people write dates
    assert "Version 1" in text


# --- Team Around the Child meetings ----------------------------------------------------------


def meeting(cast: Cast, **changes: Any) -> dict[str, Any]:
    body = {
        "held_on": day(-1),
        "attendee_ids": ids(cast.head_teacher, cast.social_worker, cast.health_visitor),
        "invitee_ids": ids(cast.police_officer),
        "family_attended": True,
        "decisions": "Referral to the school nurse; Leeann keeps a feelings diary",
        "minutes": "Corinne attended with Leeann's aunt. Leeann's views were read out.",
        "actions": [
            {
                "need_index": 1,
                "description": "Referral to the school nurse",
                "owner_id": str(cast.health_visitor.pk),
                "due_on": day(21),
            },
            {
                "description": "Daily feelings diary in class",
                "owner_id": str(cast.class_teacher.pk),
                "due_on": day(10),
            },
        ],
    }
    body.update(changes)
    return body


def test_meeting_actions_join_the_plan_as_a_new_version(world: Cast) -> None:
    cast = world
    before = make_plan(cast)
    assert cast.api("class_teacher").get(leeann(cast, "/plan")).status_code == 404
    response = cast.api("head_teacher").post(leeann(cast, "/meetings"), meeting(cast))
    assert response.status_code == 201, response.content
    held = response.json()
    assert held["id"]
    assert held["held_on"] == day(-1)
    assert held["family_attended"] is True
    assert set(held["attendees"]) == {"Elaine Ross", "Chris Devlin", "Fiona McLeod"}
    assert set(held["invitees"]) >= {"PC Jamie Wallace", *held["attendees"]}
    assert held["decisions"].startswith("Referral to the school nurse")
    assert held["minutes"].startswith("Corinne attended")

    after = get_plan(cast, "social_worker")
    assert after["version"] == 2
    assert after["saved_by"] == "Elaine Ross"
    nurse = after["needs"][1]["actions"][-1]
    assert nurse["description"] == "Referral to the school nurse"
    assert nurse["owner"] == "Fiona McLeod"
    assert nurse["status"] == "planned"
    assert nurse["due_on"] == day(21)
    diary = after["needs"][0]["actions"][-1]
    assert diary["description"] == "Daily feelings diary in class"
    # Everything else is as it was, ids and all.
    assert [a["id"] for a in after["needs"][0]["actions"][:-1]] == [
        a["id"] for a in before["needs"][0]["actions"]
    ]
    assert after["reason_for_plan"] == before["reason_for_plan"]
    assert after["changes"] == [
        "Team: 1 added",  # the class teacher, owner of a new action
        f"Action added: Daily feelings diary in class (Tom Baird, by {day(10)})",
        f"Action added: Referral to the school nurse (Fiona McLeod, by {day(21)})",
    ]
    versions = cast.api("social_worker").get(leeann(cast, "/plan/versions")).json()["versions"]
    assert versions[-1]["changes"] == after["changes"]
    # The new owner is on the team and may now read the plan.
    assert str(cast.class_teacher.pk) in after["team_ids"]
    assert get_plan(cast, "class_teacher")["version"] == 2

    listed = cast.api("health_visitor").get(leeann(cast, "/meetings"))
    assert listed.status_code == 200
    assert [m["id"] for m in listed.json()["meetings"]] == [held["id"]]


def test_meeting_without_actions_leaves_the_plan_alone(world: Cast) -> None:
    cast = world
    make_plan(cast)
    response = cast.api("health_visitor").post(
        leeann(cast, "/meetings"), meeting(cast, actions=[], family_attended=False)
    )
    assert response.status_code == 201, response.content
    assert response.json()["family_attended"] is False
    assert get_plan(cast, "social_worker")["version"] == 1


def test_meeting_refusals_save_nothing(world: Cast) -> None:
    cast = world
    # No plan yet: actions have nowhere to go.
    before = state(cast)
    response = cast.api("head_teacher").post(leeann(cast, "/meetings"), meeting(cast))
    assert "actions" in errors(response)
    assert state(cast) == before

    make_plan(cast)
    before = state(cast)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"held_on": day(1)}, "held_on"),
        ({"held_on": "yesterday"}, "held_on"),
        ({"attendee_ids": []}, "attendee_ids"),
        ({"attendee_ids": [new_id()]}, "attendee_ids.0"),
        ({"decisions": ""}, "decisions"),
        ({"decisions": "   "}, "decisions"),
        ({"family_attended": "perhaps"}, "family_attended"),
        ({"venue": "School"}, "venue"),
        ({"actions": [{"description": "No date", "owner_id": new_id()}]}, "actions.0.due_on"),
        (
            {
                "actions": [
                    {"need_index": 5, "description": "x", "owner_id": new_id(), "due_on": day(3)}
                ]
            },
            "actions.0.need_index",
        ),
    ]
    for changes, field in cases:
        response = cast.api("head_teacher").post(
            leeann(cast, "/meetings"), meeting(cast, **changes)
        )
        found = errors(response)
        assert field in found, (changes, found)
    body = meeting(cast)
    del body["family_attended"]
    found = errors(cast.api("head_teacher").post(leeann(cast, "/meetings"), body))
    assert "family_attended" in found
    # A team member who may not change the plan may not add actions to it through a meeting.
    response = cast.api("health_visitor").post(leeann(cast, "/meetings"), meeting(cast))
    assert response.status_code == 403, response.content
    assert state(cast) == before


def test_meeting_action_for_an_unknown_owner_names_the_callers_field(world: Cast) -> None:
    cast = world
    make_plan(cast)
    before = state(cast)
    body = meeting(cast)
    body["actions"][1]["owner_id"] = new_id()
    found = errors(cast.api("head_teacher").post(leeann(cast, "/meetings"), body))
    # The field the caller sent, not the plan's needs.0.actions.3.owner_id, which is
    # nowhere in their request.
    assert "actions.1.owner_id" in found, found
    assert state(cast) == before


# --- child protection: IRD and register -------------------------------------------------------


def ird(cast: Cast, *agencies: Any, **changes: Any) -> dict[str, Any]:
    body = {
        "started_at": (timezone.now() - dt.timedelta(hours=2)).isoformat(),
        "reason": "Leeann disclosed being hit by her mother's partner",
        "participant_agency_ids": ids(*(agencies or (cast.police, cast.social_work))),
        "information_shared": "The school's chronology; police attendance at the flat",
        "decisions": "Joint investigation; Leeann stays with her aunt tonight",
    }
    body.update(changes)
    return body


def test_ird_is_recorded_by_police_social_work_or_health_and_seen_by_participants(
    world: Cast,
) -> None:
    cast = world
    make_plan(cast)  # police officer (action owner) and health visitor on the team
    api = cast.api
    response = api("social_worker").post(
        leeann(cast, "/ird"), ird(cast, cast.police, cast.social_work)
    )
    assert response.status_code == 201, response.content
    first = response.json()
    assert first["agency"] == "Children and Families Social Work"
    assert first["recorded_by"] == "Chris Devlin"
    assert set(first["participants"]) == {"Police Scotland", "Children and Families Social Work"}
    assert first["decisions"].startswith("Joint investigation")
    response = api("police_officer").post(leeann(cast, "/ird"), ird(cast, cast.police, cast.school))
    assert response.status_code == 201, response.content
    with_school = response.json()
    response = api("health_visitor").post(leeann(cast, "/ird"), ird(cast, cast.health))
    assert response.status_code == 201, response.content
    health_only = response.json()

    # Education does not record an IRD; the not-involved do not learn the child exists.
    response = api("head_teacher").post(leeann(cast, "/ird"), ird(cast))
    assert response.status_code == 403
    assert response.json()["reasons"]
    for who in ("police_sergeant", "charlie"):
        assert api(who).post(leeann(cast, "/ird"), ird(cast)).status_code == 404
        assert api(who).get(leeann(cast, "/child-protection")).status_code == 404

    def seen(who: str) -> set[str]:
        response = api(who).get(leeann(cast, "/child-protection"))
        assert response.status_code == 200, response.content
        return {i["id"] for i in response.json()["irds"]}

    assert seen("police_officer") == {first["id"], with_school["id"]}
    assert seen("social_worker") == {first["id"]}
    assert seen("head_teacher") == {with_school["id"]}
    assert seen("health_visitor") == {health_only["id"]}

    bad = api("social_worker").post(
        leeann(cast, "/ird"),
        ird(cast, started_at=(timezone.now() + dt.timedelta(days=1)).isoformat()),
    )
    assert "started_at" in errors(bad)
    bad = api("social_worker").post(
        leeann(cast, "/ird"), ird(cast, participant_agency_ids=[new_id()])
    )
    assert "participant_agency_ids" in errors(bad)
    bad = api("social_worker").post(leeann(cast, "/ird"), ird(cast, reason=" "))
    assert "reason" in errors(bad)
    bad = api("social_worker").post(leeann(cast, "/ird"), ird(cast, started_at="last night"))
    assert "started_at" in errors(bad)
    assert seen("police_officer") == {first["id"], with_school["id"]}


def test_register_is_kept_by_social_work_seniors_once(world: Cast) -> None:
    cast = world
    senior = cast.apis["sw_senior"].user
    assert senior is not None
    make_plan(cast, team_ids=ids(cast.health_visitor, senior))
    body = {"cppm_held_on": day(-3), "registered_on": day(-2), "concerns": ["neglect"]}
    path = leeann(cast, "/register")

    response = cast.api("social_worker").post(path, body)  # Lead Professional, not a senior
    assert response.status_code == 403
    assert response.json()["reasons"]
    assert cast.api("head_teacher").post(path, body).status_code == 403  # not social work
    assert cast.api("police_sergeant").post(path, body).status_code == 404

    assert "registered_on" in errors(
        cast.apis["sw_senior"].post(path, {**body, "registered_on": day(-5)})
    )
    assert "registered_on" in errors(
        cast.apis["sw_senior"].post(path, {**body, "registered_on": day(2)})
    )
    assert "concerns" in errors(cast.apis["sw_senior"].post(path, {**body, "concerns": []}))
    assert "cppm_held_on" in errors(
        cast.apis["sw_senior"].post(path, {**body, "cppm_held_on": "x"})
    )
    shown = cast.api("head_teacher").get(leeann(cast, "/child-protection")).json()
    assert shown["registration"] is None

    response = cast.apis["sw_senior"].post(path, body)
    assert response.status_code == 201, response.content
    entry = response.json()
    assert entry["local_authority"] == "Children and Families Social Work"
    assert entry["concerns"] == ["neglect"]
    assert entry["registered_on"] == day(-2)

    again = cast.apis["sw_senior"].post(path, {**body, "concerns": ["physical"]})
    assert again.status_code == 409, again.content
    shown = cast.api("head_teacher").get(leeann(cast, "/child-protection")).json()
    assert shown["registration"]["id"] == entry["id"]
    assert shown["registration"]["concerns"] == ["neglect"]


# --- overdue actions and reviews -----------------------------------------------------------------


def test_overdue_action_is_announced_to_its_owner_and_the_lead_professional_once(
    world: Cast,
) -> None:
    cast = world
    plan = new_plan(cast)
    check_in, support, police = plan["needs"][0]["actions"]
    (dentist,) = plan["needs"][1]["actions"]
    police.update(due_on=day(-1), status="planned")
    check_in.update(due_on=day(-2), status="in_progress")  # the head teacher's
    support.update(due_on=day(-1), status="done")  # the social worker's own, but done
    dentist.update(due_on=day(-1), status="dropped")  # the health visitor's, dropped
    assert put(cast, "head_teacher", plan).status_code == 200

    assert overdue().startswith("2 overdue")
    (note,) = notes(cast, "police_officer", "overdue_action")
    assert note["child_id"] == str(cast.leeann.pk)
    assert "Share police attendance at the flat" in note["text"]
    assert day(-1) in note["text"]
    (note,) = notes(cast, "head_teacher", "overdue_action")
    assert "Weekly check-in with Leeann" in note["text"]
    assert "in progress" in note["text"]
    # The Lead Professional hears of both, and not of the done one.
    lead = notes(cast, "social_worker", "overdue_action")
    assert len(lead) == 2
    assert not any("Parenting support" in n["text"] for n in lead)
    assert notes(cast, "health_visitor", "overdue_action") == []
    assert notes(cast, "social_worker", "overdue_review") == []

    # The next day's run sends nothing more.
    assert overdue().startswith("0 overdue")
    assert len(notes(cast, "police_officer", "overdue_action")) == 1
    assert len(notes(cast, "head_teacher", "overdue_action")) == 1
    assert len(notes(cast, "social_worker", "overdue_action")) == 2


def test_every_overdue_action_is_announced_even_when_a_plan_repeats_an_id(
    world: Cast,
) -> None:
    """Ids of actions come from the caller. Three overdue actions sent with one id must
    still be three actions to announce: refused as bad input, or each given its own id."""
    cast = world
    body = new_plan(cast)
    same = new_id()
    for action in body["needs"][0]["actions"]:
        action.update(id=same, due_on=day(-1))
    before = state(cast)
    response = put(cast, "head_teacher", body)
    if response.status_code == 422:
        assert any(field.startswith("needs.") for field in errors(response))
        assert state(cast) == before
        return
    assert response.status_code == 200, response.content
    actions = [a["id"] for n in get_plan(cast, "social_worker")["needs"] for a in n["actions"]]
    assert len(set(actions)) == len(actions), "two actions of one plan share an id"
    overdue()
    for who in ("head_teacher", "police_officer"):
        assert len(notes(cast, who, "overdue_action")) == 1, who


def test_a_plan_copied_from_a_siblings_announces_its_own_overdue_actions(
    world: Cast,
) -> None:
    """Trent's plan is made from Leeann's as GET returned it, ids and all (the caller may
    send ids): each child's overdue action is still announced."""
    cast = world
    body = new_plan(cast)
    body["needs"][0]["actions"][1]["due_on"] = day(-1)  # the social worker's, for Corinne
    assert put(cast, "head_teacher", body).status_code == 200
    leeanns = get_plan(cast, "social_worker")
    copy = body_from(leeanns, version=0, team_ids=[])
    copy["needs"] = [copy["needs"][0]]
    copy["needs"][0]["actions"] = [copy["needs"][0]["actions"][1]]
    trent = f"/children/{cast.trent.pk}/plan"
    response = cast.api("health_visitor").put(trent, copy)  # Trent's Named Person
    assert response.status_code == 200, response.content

    overdue()
    told = sorted(n["child_id"] for n in notes(cast, "social_worker", "overdue_action"))
    both = sorted([str(cast.leeann.pk), str(cast.trent.pk)])
    assert told == both, "one child's overdue action was never announced"


def test_a_new_lead_professional_who_edits_the_plan_stays_lead_professional(
    world: Cast,
) -> None:
    """The Named Person hands the case to another Lead Professional (PUT
    /lead-professional). The plan then names them, and their first edit of it (sent back
    as GET returned it) does not silently give the case back to the previous one."""
    cast = world
    make_plan(cast)
    reid = cast.apis["reid"].user
    assert reid is not None
    response = cast.api("head_teacher").put(
        leeann(cast, "/lead-professional"), {"practitioner_id": str(reid.pk)}
    )
    assert response.status_code == 200, response.content
    plan = get_plan(cast, "reid")
    response = cast.apis["reid"].put(leeann(cast, "/plan"), body_from(plan, child_views="Hi"))
    assert response.status_code == 200, response.content
    child = cast.api("head_teacher").get(leeann(cast)).json()
    assert child["lead_professional"]["name"] == "Sam Reid", response.json()["changes"]
    assert get_plan(cast, "reid")["lead_professional"] == "Sam Reid"


def test_overdue_review_is_announced_to_the_lead_professional_once(world: Cast) -> None:
    cast = world
    make_plan(cast)
    assert overdue().startswith("0 overdue")
    assert notes(cast, "social_worker", "overdue_review") == []
    # A new plan refuses a review date in the past, so time is made to pass by moving the
    # stored version's review date back (as if the plan had been made months ago).
    stored = PlanVersion.objects.get(plan__child_ref=cast.leeann.pk, version=1)
    PlanVersion.objects.filter(pk=stored.pk).update(
        content={**stored.content, "review_date": day(-1)}
    )
    assert overdue().startswith("1 overdue")
    (note,) = notes(cast, "social_worker", "overdue_review")
    assert day(-1) in note["text"]
    assert note["child_id"] == str(cast.leeann.pk)
    for who in ("head_teacher", "police_officer", "health_visitor"):
        assert notes(cast, who, "overdue_review") == []
    assert overdue().startswith("0 overdue")
    assert len(notes(cast, "social_worker", "overdue_review")) == 1


def test_an_edit_sent_without_ids_reports_only_what_changed(world: Cast) -> None:
    """A client that does not keep the ids of needs and actions: unchanged items keep
    theirs (matched by description), so the version says only what changed."""
    cast = world
    first = make_plan(cast)
    edit = body_from(first, contingency="Call the duty social worker")
    for need in edit["needs"]:
        del need["id"]
        for action in need["actions"]:
            del action["id"]
    edit["needs"][1]["actions"][0]["status"] = "done"
    response = put(cast, "social_worker", edit)
    assert response.status_code == 200, response.content
    changes = response.json()["changes"]
    assert not any(c.startswith(("Need added", "Need removed", "Action added")) for c in changes)
    assert "Action “Arrange a dental appointment”: planned → done" in changes
    second = get_plan(cast, "social_worker")
    assert [n["id"] for n in second["needs"]] == [n["id"] for n in first["needs"]]


def test_a_plan_past_its_review_is_edited_but_not_moved_into_the_past(world: Cast) -> None:
    cast = world
    make_plan(cast)
    stored = PlanVersion.objects.get(plan__child_ref=cast.leeann.pk, version=1)
    PlanVersion.objects.filter(pk=stored.pk).update(
        content={**stored.content, "review_date": day(-3)}
    )
    plan = get_plan(cast, "social_worker")
    # Moving the review to another past date is refused, and nothing changes.
    refused = put(cast, "social_worker", body_from(plan, review_date=day(-10)))
    assert "review_date" in errors(refused)
    assert get_plan(cast, "social_worker")["version"] == 1
    # An edit that keeps the overdue review date is taken; so is a coming date.
    kept = put(cast, "social_worker", body_from(plan, contingency="Call the duty team"))
    assert kept.status_code == 200, kept.content
    later = put(
        cast, "social_worker", body_from(get_plan(cast, "social_worker"), review_date=day(30))
    )
    assert later.status_code == 200, later.content
    assert get_plan(cast, "social_worker")["review_date"] == day(30)


# --- bad input ---------------------------------------------------------------------------------


def _without(key: str) -> Any:
    def change(body: dict[str, Any]) -> None:
        del body[key]

    return change


def _set(path: str, value: Any) -> Any:
    def change(body: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = body
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        if isinstance(target, list):
            target[int(last)] = value
        else:
            target[last] = value

    return change


def _drop(path: str) -> Any:
    def change(body: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = body
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        del target[last]

    return change


BAD_EDITS = [
    (_without("reason_for_plan"), "reason_for_plan"),
    (_set("reason_for_plan", "   "), "reason_for_plan"),
    (_without("needs"), "needs"),
    (_set("needs", []), "needs"),
    (_without("child_views"), "child_views"),
    (_without("review_date"), "review_date"),
    (_without("version"), "version"),
    (_without("lead_professional_id"), "lead_professional_id"),
    (_set("version", -1), "version"),
    (_set("version", "latest"), "version"),
    (_set("review_date", "31/01/2030"), "review_date"),
    (_set("review_date", "2030-02-30"), "review_date"),
    (_set("review_date", "3030-01-01"), "review_date"),
    (_set("priority", "high"), "priority"),
    (_set("needs.0.priority", "high"), "needs.0.priority"),
    (_set("needs.0.actions.0.priority", "high"), "needs.0.actions.0.priority"),
    (_drop("needs.0.outcome"), "needs.0.outcome"),
    (_set("needs.0.description", ""), "needs.0.description"),
    (_set("needs.0.indicators", []), "needs.0.indicators"),
    (_set("needs.0.indicators.0", "happy"), "needs.0.indicators.0"),
    (_set("needs.0.actions.0.status", "started"), "needs.0.actions.0.status"),
    (_set("needs.0.actions.0.status", "DONE"), "needs.0.actions.0.status"),
    (_set("needs.0.actions.0.due_on", "next week"), "needs.0.actions.0.due_on"),
    (_drop("needs.0.actions.0.owner_id"), "needs.0.actions.0.owner_id"),
    (_set("needs.0.actions.0.owner_id", "ross"), "needs.0.actions.0.owner_id"),
    (_set("needs.1.actions.0.owner_id", new_id()), "needs.1.actions.0.owner_id"),
    (_set("team_ids", [new_id()]), "team_ids.0"),
    (_set("lead_professional_id", new_id()), "lead_professional_id"),
]


BAD_EDIT_IDS = [f"{i:02d}-{field}" for i, (_, field) in enumerate(BAD_EDITS)]


@pytest.mark.parametrize(("change", "field"), BAD_EDITS, ids=BAD_EDIT_IDS)
def test_bad_plan_edit_names_the_field_and_saves_nothing(
    world: Cast, change: Any, field: str
) -> None:
    cast = world
    plan = make_plan(cast)
    before = stored(cast)
    body = body_from(plan, review_date=day(60))
    change(body)
    found = errors(put(cast, "social_worker", body))
    assert field in found, found
    assert found[field]
    assert stored(cast) == before


def test_bad_lead_professional_names_the_field(world: Cast) -> None:
    cast = world
    plan = make_plan(cast)
    before = state(cast)
    # The health visitor does not hold the Lead Professional role.
    body = body_from(plan, lead_professional_id=str(cast.health_visitor.pk))
    found = errors(put(cast, "head_teacher", body))
    assert "Lead Professional" in found["lead_professional_id"]
    assert state(cast) == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"review_date": day(0)}, "review_date"),
        ({"review_date": day(-30)}, "review_date"),
        ({"needs": []}, "needs"),
        ({"reason_for_plan": ""}, "reason_for_plan"),
        ({"team_ids": ["not-an-id"]}, "team_ids.0"),
    ],
    ids=["review today", "review past", "no needs", "no reason", "team id"],
)
def test_bad_new_plan_saves_nothing(world: Cast, changes: dict[str, Any], field: str) -> None:
    cast = world
    before = state(cast)
    assert before["plan"][0] == 404
    found = errors(put(cast, "head_teacher", new_plan(cast, **changes)))
    assert field in found, found
    assert state(cast) == before
    assert cast.api("social_worker").get(leeann(cast)).status_code == 404  # not made Lead


def test_body_that_is_not_json_is_refused(world: Cast) -> None:
    cast = world
    response = cast.api("head_teacher").put(leeann(cast, "/plan"), "{not json")
    assert response.status_code in (400, 422)
    assert cast.api("head_teacher").get(leeann(cast, "/plan")).status_code == 404
