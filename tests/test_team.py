"""The team around a child (DOMAIN §4.1: "assigned as Named Person, Lead Professional or
member of the child's team"): the way in that is not an emergency. The Named Person or
Lead Professional brings a practitioner of any agency in, with the reason; they are told,
and see what their own agency holds and what is shared with it — nothing more."""

from __future__ import annotations

import uuid

import pytest

from bairn.agencies.models import Involvement
from bairn.agencies.services import add_to_team, assign
from tests.factories import Cast, concern
from tests.web import web_client

REASON = "Community officer for the estate; will visit with the health visitor"


def team_url(cast: Cast) -> str:
    return f"/children/{cast.leeann.pk}/team"


def test_the_named_person_brings_a_police_officer_into_the_team(cast: Cast) -> None:
    school_entry = concern(cast.class_teacher, cast.leeann, "Arrived hungry")
    officer = cast.api("police_officer")
    assert officer.get(f"/children/{cast.leeann.pk}").status_code == 404
    added = cast.api("head_teacher").post(
        team_url(cast), {"practitioner_id": str(cast.police_officer.pk), "reason": REASON}
    )
    assert added.status_code == 201, added.content
    body = added.json()
    assert body["practitioner"]["name"] == "PC Jamie Wallace"
    assert body["bases"] == ["team_member"]
    assert body["team_reason"] == REASON
    # In at once, told by whom and why, and seeing only what police hold.
    assert officer.get(f"/children/{cast.leeann.pk}").status_code == 200
    (note,) = officer.get("/notifications").json()["notifications"]
    assert note["kind"] == "assigned"
    assert "Elaine Ross" in note["text"]
    assert REASON in note["text"]
    entries = officer.get(f"/children/{cast.leeann.pk}/chronology").json()["entries"]
    assert str(school_entry.pk) not in {e["id"] for e in entries}
    # Now involved, the officer records what police know.
    recorded = officer.post(
        f"/children/{cast.leeann.pk}/concerns",
        {
            "occurred_at": "2026-06-01T22:00:00+01:00",
            "summary": "Police called to a disturbance at the flat",
            "source": "observation",
            "indicators": ["safe"],
            "impact": "negative",
            "significance": "medium",
        },
    )
    assert recorded.status_code == 201, recorded.content
    team = cast.api("head_teacher").get(team_url(cast)).json()["team"]
    bases = {m["practitioner"]["name"]: m["bases"] for m in team}
    # Recording adds no reason to be involved (DOMAIN §4.1: recording is not reading).
    assert sorted(bases["PC Jamie Wallace"]) == ["team_member"]
    assert sorted(bases["Elaine Ross"]) == ["created_record", "named_person"]


def test_leaving_the_team_ends_that_reason_only(cast: Cast) -> None:
    head = cast.api("head_teacher")
    member = {"practitioner_id": str(cast.police_officer.pk), "reason": REASON}
    assert head.post(team_url(cast), member).status_code == 201
    assert head.post(team_url(cast), member).status_code == 409  # already on it
    removed = head.delete(f"{team_url(cast)}/{cast.police_officer.pk}")
    assert removed.status_code == 200, removed.content
    assert "PC Jamie Wallace" not in {m["practitioner"]["name"] for m in removed.json()["team"]}
    assert cast.api("police_officer").get(f"/children/{cast.leeann.pk}").status_code == 404
    again = head.delete(f"{team_url(cast)}/{cast.police_officer.pk}")
    assert again.status_code == 422
    # Someone involved for another reason stays involved.
    assign(cast.head_teacher, cast.leeann.pk, "lead_professional", cast.social_worker.pk)
    worker = {"practitioner_id": str(cast.social_worker.pk), "reason": "Family support"}
    assert head.post(team_url(cast), worker).status_code == 201
    assert head.delete(f"{team_url(cast)}/{cast.social_worker.pk}").status_code == 200
    assert cast.api("social_worker").get(f"/children/{cast.leeann.pk}").status_code == 200
    assert Involvement.objects.filter(
        practitioner=cast.social_worker, basis="team_member", ended_at__isnull=False
    ).exists()
    # A concern recorded is no reason to stay: recording is not reading (DOMAIN §4.1).
    concern(cast.class_teacher, cast.leeann, "Upset at home time")
    teacher = {"practitioner_id": str(cast.class_teacher.pk), "reason": "Class teacher"}
    assert head.post(team_url(cast), teacher).status_code == 201
    assert head.delete(f"{team_url(cast)}/{cast.class_teacher.pk}").status_code == 200
    assert cast.api("class_teacher").get(f"/children/{cast.leeann.pk}").status_code == 404


def test_who_may_change_the_team(cast: Cast) -> None:
    body = {"practitioner_id": str(cast.police_officer.pk), "reason": REASON}
    # Having recorded a concern, the nursery teacher sees nothing of the team (§4.1).
    concern(cast.nursery_teacher, cast.leeann, "Upset at home time")
    assert cast.api("nursery_teacher").get(team_url(cast)).status_code == 404
    assert cast.api("nursery_teacher").post(team_url(cast), body).status_code == 404
    add_to_team(cast.head_teacher, cast.leeann.pk, cast.class_teacher.pk, reason="Class teacher")
    refused = cast.api("class_teacher").post(team_url(cast), body)
    assert refused.status_code == 403
    assert "Named Person or Lead Professional" in refused.json()["reasons"][0]
    assert cast.api("class_teacher").get(team_url(cast)).status_code == 200
    for outsider in ("charlie", "admin", "police_sergeant"):
        assert cast.api(outsider).post(team_url(cast), body).status_code == 404
        assert cast.api(outsider).get(team_url(cast)).status_code == 404
    # The Lead Professional may.
    assign(cast.head_teacher, cast.leeann.pk, "lead_professional", cast.social_worker.pk)
    assert cast.api("social_worker").post(team_url(cast), body).status_code == 201


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"practitioner_id": str(uuid.uuid4()), "reason": REASON}, "practitioner_id"),
        ({"practitioner_id": "admin", "reason": REASON}, "practitioner_id"),
        ({"practitioner_id": "ADMIN_ID", "reason": REASON}, "practitioner_id"),
        ({"practitioner_id": "OFFICER_ID", "reason": "  "}, "reason"),
        ({"practitioner_id": "OFFICER_ID"}, "reason"),
    ],
)
def test_bad_team_changes_name_the_field(cast: Cast, body: dict[str, str], field: str) -> None:
    ids = {"ADMIN_ID": str(cast.admin.pk), "OFFICER_ID": str(cast.police_officer.pk)}
    sent = {k: ids.get(v, v) for k, v in body.items()}
    response = cast.api("head_teacher").post(team_url(cast), sent)
    assert response.status_code in (400, 422), response.content
    assert field in {e["field"] for e in response.json()["errors"]}
    assert not Involvement.objects.filter(basis="team_member").exists()


def test_a_new_named_person_or_lead_professional_is_told(cast: Cast) -> None:
    assign(cast.head_teacher, cast.leeann.pk, "lead_professional", cast.social_worker.pk)
    notes = cast.api("social_worker").get("/notifications").json()["notifications"]
    assert [(n["kind"], n["child_id"]) for n in notes] == [("assigned", str(cast.leeann.pk))]
    assert "made you Lead Professional" in notes[0]["text"]


def test_the_team_on_the_childs_page(cast: Cast) -> None:
    head = web_client(cast.head_teacher)
    child_page = f"/children/{cast.leeann.pk}"
    assert f"{child_page}/team/new" in head.get(child_page).content.decode()
    form = head.get(f"{child_page}/team/new").content.decode()
    assert "PC Jamie Wallace, Police Scotland" in form
    assert "admin" not in form.split('name="practitioner"')[1].split("</select>")[0]
    missing = head.post(f"{child_page}/team/new", {"practitioner": str(cast.police_officer.pk)})
    assert 'id="id_reason_error"' in missing.content.decode()
    sent = head.post(
        f"{child_page}/team/new",
        {"practitioner": str(cast.police_officer.pk), "reason": REASON},
    )
    assert sent.status_code == 302
    shown = head.get(child_page).content.decode()
    assert "PC Jamie Wallace" in shown
    # Why they joined is told within their own agency only: it is often what police know.
    assert REASON not in shown
    assert REASON in web_client(cast.police_officer).get(child_page).content.decode()
    removed = head.post(f"{child_page}/team/{cast.police_officer.pk}/remove")
    assert removed.status_code == 302
    assert "PC Jamie Wallace" not in head.get(child_page).content.decode()
    # Involved but neither Named Person nor Lead Professional: no way to change the team.
    add_to_team(cast.head_teacher, cast.leeann.pk, cast.class_teacher.pk, reason="Class teacher")
    teacher = web_client(cast.class_teacher)
    assert f"{child_page}/team/new" not in teacher.get(child_page).content.decode()
    assert teacher.get(f"{child_page}/team/new").status_code == 403
    assert web_client(cast.charlie).get(f"{child_page}/team/new").status_code == 404
