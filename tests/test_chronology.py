"""The multi-agency chronology: each agency's entries stay with it, restricted entries stay
with the recorder and the agency's seniors, amendments supersede without erasing
(DOMAIN §2, §4.3)."""

from __future__ import annotations

import datetime as dt

import pytest

from bairn.agencies.models import Involvement
from bairn.agencies.services import add_to_team, involve
from bairn.chronology.models import Concern, ImmutableRecord
from bairn.sharing.services import record_consent
from tests.factories import Api, Cast, concern, corinne, practitioner

TEAM = Involvement.Basis.TEAM_MEMBER


def summaries(cast: Cast, who: str, **params: object) -> list[str]:
    response = cast.api(who).get(f"/children/{cast.leeann.pk}/chronology", params)
    assert response.status_code == 200, response.content
    return [e["summary"] for e in response.json()["entries"]]


@pytest.fixture
def multi_agency(cast: Cast) -> Cast:
    """School, health and police each hold a part of Leeann's story."""
    for who in (cast.health_visitor, cast.police_officer, cast.police_sergeant):
        involve(who, cast.leeann.pk, TEAM, reason="works with the family")
    concern(cast.class_teacher, cast.leeann, "Disruptive in class", days_ago=40)
    concern(cast.health_visitor, cast.leeann, "Missed dental appointment", days_ago=30)
    concern(cast.police_officer, cast.leeann, "Disturbance at the home", days_ago=20)
    concern(
        cast.police_officer,
        cast.leeann,
        "Intelligence about an adult in the household",
        days_ago=10,
        restricted=True,
    )
    return cast


def test_each_agency_sees_only_its_own_entries(multi_agency: Cast) -> None:
    cast = multi_agency
    assert summaries(cast, "head_teacher") == ["Disruptive in class"]
    assert summaries(cast, "health_visitor") == ["Missed dental appointment"]
    assert summaries(cast, "police_officer") == [
        "Disturbance at the home",
        "Intelligence about an adult in the household",
    ]


def test_entries_say_where_they_came_from_and_why_they_are_visible(multi_agency: Cast) -> None:
    cast = multi_agency
    entries = cast.api("head_teacher").get(f"/children/{cast.leeann.pk}/chronology").json()
    (entry,) = entries["entries"]
    assert entry["agency_id"] == str(cast.school.pk)
    assert entry["agency_name"] == cast.school.name
    assert entry["recorded_by"] == "Tom Baird"
    assert entry["visible_because"] == "own_agency"
    for name in ("id", "occurred_at", "recorded_at", "indicators", "impact", "significance"):
        assert name in entry
    assert entry["source"] == "observation"


def test_restricted_entry_reaches_only_recorder_and_seniors_of_the_agency(
    multi_agency: Cast,
) -> None:
    cast = multi_agency
    secret = "Intelligence about an adult in the household"
    # The sergeant (a senior of the holding agency) sees it.
    assert secret in summaries(cast, "police_sergeant")
    # Another police practitioner, involved but not senior and not the recorder, does not.
    constable = practitioner(cast.admin, "pc_two", "PC Two", cast.police, "practitioner")
    involve(constable, cast.leeann.pk, TEAM)
    assert cast.api("police_officer").get(f"/children/{cast.leeann.pk}").status_code == 200
    two = Api(constable)
    seen = [
        e["summary"] for e in two.get(f"/children/{cast.leeann.pk}/chronology").json()["entries"]
    ]
    assert seen == ["Disturbance at the home"]
    # Nobody outside the police sees it, whatever their role.
    for who in ("head_teacher", "health_visitor"):
        assert secret not in summaries(cast, who)
    restricted = Concern.objects.get(summary=secret)
    assert two.get(f"/concerns/{restricted.pk}").status_code == 404
    assert cast.api("head_teacher").get(f"/concerns/{restricted.pk}").status_code == 404


def test_chronology_is_in_date_order_with_strengths_as_well(cast: Cast) -> None:
    concern(cast.head_teacher, cast.leeann, "Third", days_ago=1)
    concern(cast.head_teacher, cast.leeann, "First", days_ago=90)
    concern(cast.head_teacher, cast.leeann, "Proud of her painting", days_ago=45, impact="positive")
    assert summaries(cast, "head_teacher") == ["First", "Proud of her painting", "Third"]


def test_filters(cast: Cast) -> None:
    concern(cast.head_teacher, cast.leeann, "Hungry", days_ago=100, indicators=("nurtured",))
    concern(
        cast.head_teacher,
        cast.leeann,
        "Bruise",
        days_ago=5,
        indicators=("safe", "healthy"),
        significance="high",
    )
    concern(
        cast.head_teacher,
        cast.leeann,
        "Reading well",
        days_ago=3,
        impact="positive",
        indicators=("achieving",),
    )
    assert summaries(cast, "head_teacher", indicator="safe") == ["Bruise"]
    assert summaries(cast, "head_teacher", indicator=["safe", "nurtured"]) == ["Hungry", "Bruise"]
    assert summaries(cast, "head_teacher", significance="high") == ["Bruise"]
    assert summaries(cast, "head_teacher", impact="positive") == ["Reading well"]
    since = (dt.date.today() - dt.timedelta(days=10)).isoformat()
    assert summaries(cast, "head_teacher", **{"from": since}) == ["Bruise", "Reading well"]
    until = (dt.date.today() - dt.timedelta(days=50)).isoformat()
    assert summaries(cast, "head_teacher", to=until) == ["Hungry"]


def test_amendment_supersedes_without_erasing(cast: Cast) -> None:
    original = concern(cast.class_teacher, cast.leeann, "Bruise on left wrist", days_ago=2)
    api = cast.api("class_teacher")
    response = api.post(
        f"/concerns/{original.pk}/amendments",
        {"reason": "It was the right wrist", "summary": "Bruise on right wrist"},
    )
    assert response.status_code == 201, response.content
    amended = response.json()
    assert amended["amends"] == str(original.pk)
    assert amended["amendment_reason"] == "It was the right wrist"
    # Unchanged fields carry over.
    carried = dt.datetime.fromisoformat(amended["occurred_at"])
    assert abs(carried - original.occurred_at) < dt.timedelta(milliseconds=1)
    assert amended["indicators"] == ["nurtured"]
    # The chronology shows the current version only…
    assert summaries(cast, "head_teacher") == ["Bruise on right wrist"]
    # …the history keeps the old one, readable.
    both = summaries(cast, "head_teacher", include_superseded="true")
    assert both == ["Bruise on left wrist", "Bruise on right wrist"]
    detail = api.get(f"/concerns/{amended['id']}").json()
    assert [h["summary"] for h in detail["history"]] == ["Bruise on left wrist"]
    old = api.get(f"/concerns/{original.pk}").json()
    assert old["summary"] == "Bruise on left wrist"
    assert old["superseded_by"] == amended["id"]
    # Amending the old version again is a conflict: amend the latest.
    again = api.post(f"/concerns/{original.pk}/amendments", {"reason": "x", "summary": "y"})
    assert again.status_code == 409
    assert again.json()["current_id"] == amended["id"]


def test_only_the_recording_agency_amends(multi_agency: Cast) -> None:
    cast = multi_agency
    police_entry = Concern.objects.get(summary="Disturbance at the home")
    # The school cannot even see it…
    response = cast.api("head_teacher").post(
        f"/concerns/{police_entry.pk}/amendments", {"reason": "r", "summary": "s"}
    )
    assert response.status_code == 404
    # …and the sergeant, who can, amends as the police.
    response = cast.api("police_sergeant").post(
        f"/concerns/{police_entry.pk}/amendments",
        {"reason": "Time corrected", "occurred_at": "2026-06-01T23:40:00+01:00"},
    )
    assert response.status_code == 201
    assert response.json()["agency_id"] == str(cast.police.pk)


def test_entries_cannot_be_changed_or_deleted_even_by_code(cast: Cast) -> None:
    entry = concern(cast.head_teacher, cast.leeann, "Original")
    entry.summary = "Rewritten"
    with pytest.raises(ImmutableRecord):
        entry.save()
    with pytest.raises(ImmutableRecord):
        entry.delete()
    assert Concern.objects.get(pk=entry.pk).summary == "Original"


NURSERY_CONCERN = {
    "occurred_at": "2026-06-12T08:50:00+01:00",
    "summary": "Leeann brought Trent to nursery alone",
    "source": "observation",
    "indicators": ["safe"],
    "impact": "negative",
    "significance": "medium",
    "action_taken": "Told the head teacher",
}


def test_recording_is_not_reading(cast: Cast) -> None:
    """DOMAIN §4.1 (changed): a practitioner of an agency that knows the child records a
    concern without being involved, the Named Person is told, and the recorder sees their
    own entries only. Before, one concern made them involved: they read the agency's
    whole chronology, the child protection disclosure and the family's names, amended a
    colleague's entry and withdrew a consent."""
    leeann = cast.leeann.pk
    colleague = concern(cast.head_teacher, cast.leeann, "Disclosed being hit at home")
    mother = corinne(cast)
    consent = record_consent(
        cast.head_teacher,
        leeann,
        given_by=mother,
        decision="given",
        purposes=["wellbeing_support"],
        recipient_agency_ids=[cast.health.pk],
        categories=["chronology"],
    )
    shared = cast.api("head_teacher").post(
        "/disclosures",
        {
            "child_id": str(leeann),
            "recipient_agency_id": str(cast.police.pk),
            "purpose": "child_protection",
            "categories": ["core", "chronology"],
            "justification": "Leeann disclosed being hit at home",
        },
    )
    assert shared.status_code in (201, 202), shared.content
    nursery = cast.api("nursery_teacher")
    assert nursery.get(f"/children/{leeann}").status_code == 404
    response = nursery.post(f"/children/{leeann}/concerns", NURSERY_CONCERN)
    assert response.status_code == 201, response.content
    own = response.json()
    assert own["recorded_by"] == "Aisha Khan"
    assert own["visible_because"] == "own_agency"
    # The Named Person is told.
    notes = cast.api("head_teacher").get("/notifications").json()["notifications"]
    assert any(n["kind"] == "concern_recorded" and "Aisha Khan" in n["text"] for n in notes), notes
    # Her own entry, and amending it, are hers; its history shows only her versions.
    assert nursery.get(f"/concerns/{own['id']}").status_code == 200
    amended = nursery.post(
        f"/concerns/{own['id']}/amendments", {"reason": "Wrong time", "summary": "Corrected"}
    )
    assert amended.status_code == 201, amended.content
    detail = nursery.get(f"/concerns/{amended.json()['id']}").json()
    assert [h["id"] for h in detail["history"]] == [own["id"]]
    # Nothing else of the child's record.
    for path in (
        f"/children/{leeann}",
        f"/children/{leeann}/chronology",
        f"/children/{leeann}/people",
        f"/children/{leeann}/team",
        f"/children/{leeann}/disclosures",
        f"/children/{leeann}/consents",
        f"/concerns/{colleague.pk}",
    ):
        assert nursery.get(path).status_code == 404, path
    assert (
        nursery.post(
            f"/concerns/{colleague.pk}/amendments", {"reason": "Wrong", "summary": "Changed"}
        ).status_code
        == 404
    )
    assert (
        nursery.post(f"/consents/{consent.pk}/withdraw", {"reason": "The mother said so"})
    ).status_code == 404
    assert Concern.objects.get(pk=colleague.pk).summary == "Disclosed being hit at home"
    assert not Involvement.objects.filter(practitioner=cast.nursery_teacher).exists()
    # Reading more needs the team (or an assignment, or a flagged break glass).
    add_to_team(cast.head_teacher, leeann, cast.nursery_teacher.pk, reason="Trent's key worker")
    assert nursery.get(f"/children/{leeann}/chronology").status_code == 200


def test_a_recorded_concern_from_before_the_rule_lets_nobody_in(cast: Cast) -> None:
    """Involvements made by recording under the old rule stay on the record but let
    nobody see the child (DOMAIN §4.1)."""
    concern(cast.nursery_teacher, cast.leeann, "Leeann alone at the gate")
    involve(cast.nursery_teacher, cast.leeann.pk, Involvement.Basis.RECORDED_CONCERN)
    nursery = cast.api("nursery_teacher")
    assert nursery.get(f"/children/{cast.leeann.pk}").status_code == 404
    assert nursery.get(f"/children/{cast.leeann.pk}/chronology").status_code == 404
    assert not [c for c in nursery.get("/children").json() if c["id"] == str(cast.leeann.pk)]
    team = cast.api("head_teacher").get(f"/children/{cast.leeann.pk}/team").json()["team"]
    assert "Aisha Khan" not in {m["practitioner"]["name"] for m in team}
