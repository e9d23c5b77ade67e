"""Acting early (DOMAIN §5): who is told of a concern, what they are told, and the
pattern alert, which names counts and never content its recipient has not been given."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from bairn.agencies.models import Involvement
from bairn.agencies.services import assign, involve
from tests.factories import Cast, concern

TEAM = Involvement.Basis.TEAM_MEMBER


def notes(cast: Cast, who: str, kind: str | None = None) -> list[dict[str, Any]]:
    response = cast.api(who).get("/notifications")
    assert response.status_code == 200
    found = response.json()["notifications"]
    return [n for n in found if kind is None or n["kind"] == kind]


def test_named_person_hears_of_a_concern_from_their_own_agency_with_its_content(
    cast: Cast,
) -> None:
    concern(cast.class_teacher, cast.leeann, "Leeann had no coat in the snow")
    (note,) = notes(cast, "head_teacher", "concern_recorded")
    assert note["child_id"] == str(cast.leeann.pk)
    assert "Leeann had no coat in the snow" in note["text"]
    assert "Tom Baird" in note["text"]
    for field in ("id", "kind", "child_id", "created_at", "text"):
        assert field in note


def test_concern_from_another_agency_reaches_named_person_without_its_content(
    cast: Cast,
) -> None:
    involve(cast.police_officer, cast.leeann.pk, TEAM)
    involve(cast.social_worker, cast.leeann.pk, TEAM)
    assign(cast.head_teacher, cast.leeann.pk, "lead_professional", cast.social_worker.pk)
    concern(
        cast.police_officer,
        cast.leeann,
        "Neighbours heard screaming from the flat at midnight",
        significance="medium",
        indicators=("safe",),
    )
    for who in ("head_teacher", "social_worker"):
        (note,) = notes(cast, who, "concern_recorded")
        assert "screaming" not in note["text"]
        assert "PC Jamie Wallace" in note["text"]
        assert "Police Scotland" in note["text"]
        assert "medium" in note["text"]
        assert "share request" in note["text"]
        assert "screaming" not in str(note["data"])


def test_recorder_is_not_told_of_their_own_concern(cast: Cast) -> None:
    concern(cast.head_teacher, cast.leeann, "Seen by me")
    assert notes(cast, "head_teacher", "concern_recorded") == []


def test_child_protection_concern_reaches_named_person_and_seniors_at_once(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    involve(cast.police_officer, cast.leeann.pk, TEAM)
    with django_capture_on_commit_callbacks(execute=True):
        concern(
            cast.police_officer,
            cast.leeann,
            "Leeann says Steve made her sit in a cold bath",
            significance="child_protection",
            indicators=("safe",),
            source="child_disclosure",
        )
    (to_named,) = notes(cast, "head_teacher", "child_protection_concern")
    assert "cold bath" not in to_named["text"]  # another agency's content
    (to_senior,) = notes(cast, "police_sergeant", "child_protection_concern")
    assert "cold bath" in to_senior["text"]  # the senior's own agency: they may read it
    # The senior must act on it, so can now open the child's record.
    assert cast.api("police_sergeant").get(f"/children/{cast.leeann.pk}").status_code == 200
    # No other agency's senior hears of it.
    assert notes(cast, "hv_team_leader") == []
    # E-mail says something is waiting, never what or about whom.
    recipients = {m.to[0] for m in mail.outbox}
    assert {cast.head_teacher.email, cast.police_sergeant.email} <= recipients
    for message in mail.outbox:
        assert "Leeann" not in message.subject + message.body
        assert "bath" not in message.subject + message.body
        assert "Cairns" not in message.subject + message.body


def test_restricted_entry_is_not_announced_outside_its_agency(cast: Cast) -> None:
    involve(cast.police_officer, cast.leeann.pk, TEAM)
    concern(
        cast.police_officer,
        cast.leeann,
        "Intelligence report",
        significance="high",
        restricted=True,
    )
    assert notes(cast, "head_teacher", "concern_recorded") == []
    # Nor does it count towards another agency's pattern alert.
    assert notes(cast, "head_teacher", "pattern_alert") == []


def test_pattern_alert_three_medium_concerns_counts_only(cast: Cast) -> None:
    for i, text in enumerate(["Late three days running", "Fell asleep in class", "Hungry"]):
        concern(cast.class_teacher, cast.leeann, text, days_ago=10 + i, significance="medium")
    (alert,) = notes(cast, "head_teacher", "pattern_alert")
    assert alert["data"]["concerns"] == 3
    assert alert["data"]["medium_or_above"] == 3
    assert alert["data"]["agencies"] == 1
    assert "three_or_more_medium" in alert["data"]["triggers"]
    assert "3 concerns" in alert["text"]
    assert "wellbeing assessment" in alert["text"]
    for text in ("Late three days", "asleep", "Hungry"):
        assert text not in alert["text"]


def test_pattern_alert_two_agencies_carries_no_other_agency_content(cast: Cast) -> None:
    involve(cast.health_visitor, cast.leeann.pk, TEAM)
    concern(cast.class_teacher, cast.leeann, "Untidy uniform", significance="low")
    assert notes(cast, "head_teacher", "pattern_alert") == []
    concern(cast.health_visitor, cast.leeann, "Missed the dentist twice", significance="low")
    (alert,) = notes(cast, "head_teacher", "pattern_alert")
    assert alert["data"]["agencies"] == 2
    assert alert["data"]["triggers"] == ["two_or_more_agencies"]
    assert "dentist" not in alert["text"]
    assert "dentist" not in str(alert["data"])
    # The same pattern does not alert again for every further concern…
    concern(cast.class_teacher, cast.leeann, "Forgot PE kit", significance="low")
    assert len(notes(cast, "head_teacher", "pattern_alert")) == 1
    # …but a new kind of trigger does.
    concern(cast.class_teacher, cast.leeann, "Bruised arm", significance="high")
    assert len(notes(cast, "head_teacher", "pattern_alert")) == 2


def test_strengths_and_old_concerns_do_not_make_a_pattern(cast: Cast) -> None:
    involve(cast.health_visitor, cast.leeann.pk, TEAM)
    concern(cast.class_teacher, cast.leeann, "Star of the week", impact="positive")
    concern(cast.health_visitor, cast.leeann, "Growing well", impact="positive")
    for i in range(3):
        concern(
            cast.class_teacher, cast.leeann, f"Old {i}", days_ago=120 + i, significance="medium"
        )
    assert notes(cast, "head_teacher", "pattern_alert") == []


@pytest.mark.parametrize("significance", ["high", "child_protection"])
def test_any_high_concern_alerts(cast: Cast, significance: str) -> None:
    concern(cast.class_teacher, cast.leeann, "Serious", significance=significance)
    (alert,) = notes(cast, "head_teacher", "pattern_alert")
    assert alert["data"]["high_or_above"] == 1


def test_no_named_person_no_alert_and_nobody_else_gets_one(cast: Cast) -> None:
    involve(cast.class_teacher, cast.trent.pk, TEAM)
    concern(cast.class_teacher, cast.trent, "High concern", significance="high")
    (alert,) = notes(cast, "health_visitor", "pattern_alert")
    assert alert["child_id"] == str(cast.trent.pk)
    assert notes(cast, "class_teacher", "pattern_alert") == []


def test_notifications_are_the_callers_own(cast: Cast) -> None:
    concern(cast.class_teacher, cast.leeann, "For the Named Person only")
    assert notes(cast, "charlie") == []
    note = notes(cast, "head_teacher")[0]
    assert cast.api("charlie").post(f"/notifications/{note['id']}/read").status_code == 404
    marked = cast.api("head_teacher").post(f"/notifications/{note['id']}/read")
    assert marked.status_code == 200
    assert marked.json()["read_at"] is not None
