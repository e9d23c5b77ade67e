"""Dates that cannot be right are refused, naming the field, and nothing is saved: a
consent that expired before it was recorded, an ISP whose review date has come, a
concern dated before the pregnancy. A concern in pregnancy is taken: pre-birth support
and child protection start before the child is born."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bairn.chronology.models import Concern
from bairn.sharing.models import Consent, Isp
from tests.factories import LEEANN_DOB, Cast, corinne


def fields(response: Any) -> set[str]:
    assert response.status_code in (400, 422), response.content
    return {e["field"] for e in response.json()["errors"]}


def test_a_concern_in_pregnancy_is_taken_and_one_before_it_is_not(cast: Cast) -> None:
    api = cast.api("head_teacher")
    body = {
        "summary": "Midwife: mother misses antenatal appointments",
        "source": "other_agency",
        "indicators": ["healthy"],
        "impact": "negative",
        "significance": "medium",
    }
    in_pregnancy = dt.datetime.combine(LEEANN_DOB - dt.timedelta(days=90), dt.time(10))
    taken = api.post(
        f"/children/{cast.leeann.pk}/concerns",
        {**body, "occurred_at": in_pregnancy.isoformat() + "+00:00"},
    )
    assert taken.status_code == 201, taken.content
    long_before = dt.datetime.combine(LEEANN_DOB - dt.timedelta(days=400), dt.time(10))
    refused = api.post(
        f"/children/{cast.leeann.pk}/concerns",
        {**body, "occurred_at": long_before.isoformat() + "+00:00"},
    )
    assert fields(refused) == {"occurred_at"}
    assert "before the child was born" in refused.content.decode()
    assert Concern.objects.filter(child_ref=cast.leeann.pk).count() == 1


def test_a_consent_that_has_already_expired_is_not_recorded(cast: Cast) -> None:
    mother = corinne(cast)
    body = {
        "given_by": mother,
        "decision": "given",
        "purposes": ["wellbeing_support"],
        "recipient_agency_ids": [str(cast.health.pk)],
        "categories": ["chronology"],
    }
    api = cast.api("head_teacher")
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    assert fields(
        api.post(f"/children/{cast.leeann.pk}/consents", {**body, "expires_on": yesterday})
    ) == {"expires_on"}
    assert not Consent.objects.exists()
    today = dt.date.today().isoformat()
    assert (
        api.post(f"/children/{cast.leeann.pk}/consents", {**body, "expires_on": today}).status_code
        == 201
    )


ISP = {
    "title": "School and health: wellbeing support",
    "purposes": ["wellbeing_support"],
    "categories": ["chronology"],
    "lawful_basis": "public_task",
    "consent_required": False,
    "onward_sharing": False,
    "retention_days": 365,
}


def test_an_isp_is_drafted_with_a_review_date_to_come(cast: Cast) -> None:
    school_ig = cast.api("ig_school")
    parties = [str(cast.school.pk), str(cast.health.pk)]
    today = dt.date.today().isoformat()
    refused = school_ig.post("/isps", {**ISP, "party_agency_ids": parties, "review_date": today})
    assert fields(refused) == {"review_date"}
    past = (dt.date.today() - dt.timedelta(days=30)).isoformat()
    refused = school_ig.post("/isps", {**ISP, "party_agency_ids": parties, "review_date": past})
    assert fields(refused) == {"review_date"}
    assert not Isp.objects.exists()
    next_year = (dt.date.today() + dt.timedelta(days=365)).isoformat()
    made = school_ig.post("/isps", {**ISP, "party_agency_ids": parties, "review_date": next_year})
    assert made.status_code == 201, made.content
