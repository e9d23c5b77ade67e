"""The audit log (DOMAIN §4.7; API.md "Transparency and audit"): every read and write of
a child's data is an event, and information governance may read them. The log that makes
them tamper-evident is tested in tests/test_audit_log.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from bairn.agencies.models import Agency
from bairn.audit.models import AuditEvent
from tests.factories import Cast, concern

EVENT_FIELDS = {
    "id",
    "at",
    "actor",
    "agency_id",
    "action",
    "object",
    "child_id",
    "purpose",
    "outcome",
    "reason",
}


def audit(cast: Cast, **params: object) -> list[dict[str, object]]:
    """The audit as the school's information governance lead reads it."""
    response = cast.api("ig_school").get("/audit", params)
    assert response.status_code == 200, response.content
    return response.json()["events"]


def audit_of(cast: Cast, agency: Agency, **params: object) -> list[dict[str, object]]:
    """The audit as another agency's information governance lead reads it."""
    from tests.test_sharing import ig

    response = ig(cast, agency).get("/audit", params)
    assert response.status_code == 200, response.content
    return response.json()["events"]


# --- events are recorded ----------------------------------------------------------------


def test_an_allowed_read_of_a_child_is_an_event(cast: Cast) -> None:
    child = str(cast.leeann.pk)
    before = audit(cast, child_id=child, actor="ross", action="child.read")

    response = cast.api("head_teacher").get(f"/children/{child}")

    assert response.status_code == 200
    after = audit(cast, child_id=child, actor="ross", action="child.read")
    new = [e for e in after if e["id"] not in {b["id"] for b in before}]
    assert len(new) == 1
    event = new[0]
    assert event["outcome"] == "allowed"
    assert event["actor"] == "ross"
    assert event["agency_id"] == str(cast.school.pk)
    assert event["child_id"] == child
    assert child in event["object"]
    assert "named_person" in event["reason"]


def test_a_refused_read_is_an_event_with_its_reason(cast: Cast) -> None:
    child = str(cast.leeann.pk)

    response = cast.api("charlie").get(f"/children/{child}")

    assert response.status_code == 404
    # Charlie's own agency answers for what he does; the school reads nothing of it.
    assert audit(cast, actor="charlie") == []
    events = audit_of(cast, cast.housing, actor="charlie", child_id=child)
    reads = [e for e in events if e["action"] == "child.read"]
    assert len(reads) == 1
    assert reads[0]["outcome"] == "refused"
    assert reads[0]["agency_id"] == str(cast.housing.pk)
    assert "not involved" in reads[0]["reason"]


def test_recording_a_concern_is_an_event(cast: Cast) -> None:
    child = str(cast.leeann.pk)
    response = cast.api("class_teacher").post(
        f"/children/{child}/concerns",
        {
            "occurred_at": (timezone.now() - dt.timedelta(hours=2)).isoformat(),
            "summary": "No packed lunch again",
            "source": "observation",
            "indicators": ["nurtured", "healthy"],
            "impact": "negative",
            "significance": "medium",
        },
    )
    assert response.status_code == 201, response.content
    concern_id = response.json()["id"]

    events = audit(cast, action="concern.create", actor="baird")

    assert [e["object"] for e in events] == [f"concern:{concern_id}"]
    assert events[0]["outcome"] == "allowed"
    assert events[0]["child_id"] == child
    assert events[0]["agency_id"] == str(cast.school.pk)


def test_a_refused_write_is_an_event(cast: Cast) -> None:
    child = str(cast.leeann.pk)
    response = cast.api("charlie").post(
        f"/children/{child}/concerns",
        {
            "occurred_at": timezone.now().isoformat(),
            "summary": "Heard shouting",
            "source": "observation",
            "indicators": ["safe"],
            "impact": "negative",
            "significance": "low",
        },
    )
    assert response.status_code == 404

    events = audit_of(cast, cast.housing, actor="charlie", action="concern.create")
    assert len(events) == 1
    assert events[0]["outcome"] == "refused"
    assert events[0]["reason"]


def test_reading_the_chronology_is_an_event(cast: Cast) -> None:
    concern(cast.class_teacher, cast.leeann)
    child = str(cast.leeann.pk)

    assert cast.api("head_teacher").get(f"/children/{child}/chronology").status_code == 200

    events = audit(cast, actor="ross", action="chronology.read")
    assert len(events) == 1
    assert events[0]["child_id"] == child
    assert events[0]["outcome"] == "allowed"


# --- reading the audit ------------------------------------------------------------------


def test_information_governance_reads_the_audit_with_every_field(cast: Cast) -> None:
    cast.api("head_teacher").get(f"/children/{cast.leeann.pk}")

    events = audit(cast)

    assert events
    for event in events:
        assert event.keys() >= EVENT_FIELDS
        assert event["outcome"] in {"allowed", "refused"}
        dt.datetime.fromisoformat(str(event["at"]))
    # Newest first.
    ids = [e["id"] for e in events]
    assert ids == sorted(ids, reverse=True)


@pytest.mark.parametrize("who", ["head_teacher", "charlie", "admin"])
def test_others_may_not_read_the_audit(cast: Cast, who: str) -> None:
    response = cast.api(who).get("/audit")

    assert response.status_code == 403
    body = response.json()
    assert body["detail"]
    assert isinstance(body["reasons"], list)
    assert body["reasons"]


def test_a_refused_audit_read_is_itself_audited(cast: Cast) -> None:
    assert cast.api("class_teacher").get("/audit").status_code == 403

    events = audit(cast, actor="baird", action="audit.read")
    assert [e["outcome"] for e in events] == ["refused"]


def test_the_audit_needs_a_token(db: None) -> None:
    from django.test import Client

    assert Client().get("/api/v1/audit").status_code == 401


def test_filter_by_child(cast: Cast) -> None:
    leeann, trent = str(cast.leeann.pk), str(cast.trent.pk)
    concern(cast.class_teacher, cast.leeann)
    # The school comes to know Trent too, so his events are the school's to see.
    declared = cast.api("nursery_teacher").post(
        f"/children/{trent}/involvement", {"reason": "Trent is starting at our nursery"}
    )
    assert declared.status_code == 201, declared.content
    concern(cast.nursery_teacher, cast.trent, "Collected late from nursery")

    everything = audit(cast)
    only_leeann = audit(cast, child_id=leeann)
    only_trent = audit(cast, child_id=trent)

    assert {e["child_id"] for e in everything} >= {leeann, trent}
    assert only_leeann
    assert only_trent
    assert all(e["child_id"] == leeann for e in only_leeann)
    assert all(e["child_id"] == trent for e in only_trent)
    # Every event about Leeann is there (the later list also holds the audit reads since).
    assert {e["id"] for e in only_leeann} >= {
        e["id"] for e in everything if e["child_id"] == leeann
    }


def test_filter_by_actor_name_or_id(cast: Cast) -> None:
    cast.api("charlie").get(f"/children/{cast.leeann.pk}")
    cast.api("head_teacher").get(f"/children/{cast.leeann.pk}")

    by_name = audit(cast, actor="ross")
    by_id = audit(cast, actor=str(cast.head_teacher.pk))

    assert by_name
    assert {e["actor"] for e in by_name} == {"ross"}
    assert [e["id"] for e in by_id] == [e["id"] for e in by_name]
    assert {e["actor"] for e in audit_of(cast, cast.housing, actor="charlie")} == {"charlie"}
    assert audit(cast, actor="charlie") == []  # not the school's staff, nor its records
    assert audit(cast, actor="nobody-at-all") == []


def test_filter_by_time(cast: Cast) -> None:
    start = timezone.now()
    cast.api("head_teacher").get(f"/children/{cast.leeann.pk}")
    end = timezone.now() + dt.timedelta(microseconds=1)

    within = audit(cast, **{"from": start.isoformat(), "to": end.isoformat()})
    everything = audit(cast)

    # Only the read made in the window (and the reader's token, made lazily, is before it
    # or in it): nothing of the cast's set-up.
    assert "child.read" in {e["action"] for e in within}
    assert len(within) < len(everything)
    # Times are given to the millisecond.
    for event in within:
        at = dt.datetime.fromisoformat(str(event["at"]))
        assert start - dt.timedelta(milliseconds=1) <= at < end
    assert not {"agency.create", "practitioner.create"} & {e["action"] for e in within}


def test_filter_by_day(cast: Cast) -> None:
    today = timezone.localdate()
    yesterday = today - dt.timedelta(days=1)
    tomorrow = today + dt.timedelta(days=1)

    assert audit(cast, **{"from": today.isoformat(), "to": today.isoformat()})
    assert audit(cast, to=yesterday.isoformat()) == []
    assert audit(cast, **{"from": tomorrow.isoformat()}) == []


def test_a_period_that_ends_before_it_starts_is_refused(cast: Cast) -> None:
    today = timezone.localdate()
    response = cast.api("ig_school").get(
        "/audit", {"from": today.isoformat(), "to": (today - dt.timedelta(days=3)).isoformat()}
    )

    assert response.status_code in {400, 422}
    assert "from" in {e["field"] for e in response.json()["errors"]}


def test_the_audit_shows_what_an_agencys_own_staff_did_not_others(cast: Cast) -> None:
    """Police break glass on Leeann, whom the school knows: the police's lead answers for
    it and sees it; the school's lead, whose records it did not touch, does not (issue 9:
    each agency's lead reads its own staff's events and those on its own records); nor
    does health's. The reason given stays with the involvement, for the review."""
    police = cast.api("police_officer")
    response = police.post(
        f"/children/{cast.leeann.pk}/involvement",
        {"reason": "Called to the flat tonight; Steve Lennox is there"},
    )
    assert response.status_code == 201
    assert police.get(f"/children/{cast.leeann.pk}").status_code == 200
    seen = audit_of(cast, cast.police, actor="pc_wallace")
    assert {"involvement.break_glass", "child.read"} <= {e["action"] for e in seen}
    assert {e["child_id"] for e in seen} == {str(cast.leeann.pk), ""}  # "": his token
    assert audit(cast, actor="pc_wallace") == []
    health = cast.api("ig_health").get("/audit", {"actor": "pc_wallace"})
    assert health.json()["events"] == []
    assert "Lennox" not in every_event_text()


def test_the_audit_shows_only_what_the_agency_answers_for(cast: Cast) -> None:
    """Health's Trent, read by health: not the school's to see (it does not know him)."""
    cast.api("health_visitor").get(f"/children/{cast.trent.pk}")

    # Only the school's own lead asking about him, nothing of health's.
    about_trent = audit(cast, child_id=str(cast.trent.pk))
    assert {e["actor"] for e in about_trent} <= {"ig_school"}
    assert audit(cast, actor="mcleod") == []
    health = cast.api("ig_health").get("/audit", {"actor": "mcleod", "action": "child.read"})
    assert health.status_code == 200
    assert len(health.json()["events"]) == 1


# --- events name records by id, and each agency's lead reads what it answers for --------
# (issue 9: "The audit leaks what it records")


def every_event_text() -> str:
    """All that the audit holds in the fields that describe an event, as one text."""
    return "\n".join(
        f"{e.object}\n{e.reason}" for e in AuditEvent.objects.order_by("seq").iterator()
    )


@pytest.fixture
def police_intelligence(cast: Cast) -> tuple[Cast, str]:
    """Police record a restricted entry about Leeann, naming a man around her; police and
    the school have an ISP. The id of the restricted entry."""
    from bairn.agencies.models import Involvement
    from bairn.agencies.services import involve
    from tests.test_sharing import isp

    involve(cast.police_officer, cast.leeann.pk, Involvement.Basis.TEAM_MEMBER)
    secret = concern(
        cast.police_officer,
        cast.leeann,
        "Intelligence that Steve Lennox deals from the flat",
        significance="high",
        restricted=True,
        detail="Source: a neighbour at number 4",
    )
    isp(cast, cast.police, cast.school, purposes=["wellbeing_support"])
    return cast, str(secret.pk)


def test_a_refused_share_of_a_restricted_entry_writes_its_id_not_its_summary(
    police_intelligence: tuple[Cast, str],
) -> None:
    cast, secret = police_intelligence
    police = cast.api("police_officer")
    query = {
        "recipient_agency_id": str(cast.school.pk),
        "purpose": "wellbeing_support",
        "category": ["chronology"],
        "entry_id": [secret],
    }
    checked = police.get(f"/children/{cast.leeann.pk}/sharing-check", query)
    assert checked.status_code == 200
    assert checked.json()["allowed"] is False
    made = police.post(
        "/disclosures",
        {
            "child_id": str(cast.leeann.pk),
            "recipient_agency_id": str(cast.school.pk),
            "purpose": "wellbeing_support",
            "categories": ["chronology"],
            "entry_ids": [secret],
            "justification": "The school needs to know",
        },
    )
    assert made.status_code == 403
    assert any("restricted" in r for r in made.json()["reasons"])

    checked_event = AuditEvent.objects.get(action="sharing.check")
    assert checked_event.outcome == "allowed"  # the check was answered
    assert checked_event.reason.startswith("the share would be refused")
    refused = AuditEvent.objects.filter(action="disclosure.create", outcome="refused")
    assert refused.count() == 1
    refusals = [checked_event, *refused]
    for event in refusals:
        assert secret in event.reason, event.reason  # named by its id
        assert "Steve" not in event.reason
        assert "Lennox" not in event.reason
        assert "Intelligence" not in event.reason
    text = every_event_text()
    for words in ("Steve", "Lennox", "deals from the flat", "neighbour"):
        assert words not in text


def test_a_refused_onward_share_names_the_received_entry_by_id(cast: Cast) -> None:
    from bairn.agencies.models import Involvement
    from bairn.agencies.services import involve
    from tests.test_sharing import isp

    involve(cast.health_visitor, cast.leeann.pk, Involvement.Basis.TEAM_MEMBER)
    involve(cast.police_officer, cast.leeann.pk, Involvement.Basis.TEAM_MEMBER)
    hungry = concern(cast.class_teacher, cast.leeann, "Corinne Cairns forgot the lunch again")
    isp(cast, cast.school, cast.health)
    isp(cast, cast.health, cast.police, title="Health and police")
    body = {
        "child_id": str(cast.leeann.pk),
        "purpose": "wellbeing_support",
        "categories": ["chronology"],
        "entry_ids": [str(hungry.pk)],
        "justification": "Needed",
    }
    shared = cast.api("head_teacher").post(
        "/disclosures", {**body, "recipient_agency_id": str(cast.health.pk)}
    )
    assert shared.status_code == 201, shared.content
    onward = cast.api("health_visitor").post(
        "/disclosures", {**body, "recipient_agency_id": str(cast.police.pk)}
    )
    assert onward.status_code == 403
    (event,) = AuditEvent.objects.filter(action="disclosure.create", outcome="refused")
    assert "onward sharing" in event.reason
    assert str(hungry.pk) in event.reason
    assert "Corinne" not in every_event_text()
    assert "lunch" not in every_event_text()


def test_recording_a_concern_writes_neither_its_significance_nor_its_summary(
    police_intelligence: tuple[Cast, str],
) -> None:
    cast, secret = police_intelligence
    (event,) = AuditEvent.objects.filter(action="concern.create", object=f"concern:{secret}")
    assert event.agency_id == str(cast.police.pk)
    assert "high" not in event.reason
    assert "restricted" not in event.reason
    assert "Intelligence" not in event.reason
    # And the school, which works with Leeann, reads nothing of the police's entry.
    school = audit(cast, child_id=str(cast.leeann.pk))
    assert f"concern:{secret}" not in {e["object"] for e in school}
    assert "pc_wallace" not in {e["actor"] for e in school}


def test_an_amendment_event_names_the_entry_it_amends_but_not_why(cast: Cast) -> None:
    entry = concern(cast.class_teacher, cast.leeann, "Arrived hungry")
    response = cast.api("class_teacher").post(
        f"/concerns/{entry.pk}/amendments",
        {"reason": "Corinne Cairns phoned: it was Steve who forgot", "summary": "Hungry"},
    )
    assert response.status_code == 201, response.content
    (event,) = audit(cast, action="concern.amend")
    assert event["object"] == f"concern:{response.json()['id']}"
    assert str(entry.pk) in str(event["reason"])
    assert "Corinne" not in every_event_text()
    assert "Steve" not in every_event_text()


def police_disclose_to_school(cast: Cast) -> Any:
    """PC Wallace records a disturbance and discloses it to Leeann's school: the answer."""
    disturbance = concern(cast.police_officer, cast.leeann, "Disturbance at the flat")
    made = cast.api("police_officer").post(
        "/disclosures",
        {
            "child_id": str(cast.leeann.pk),
            "recipient_agency_id": str(cast.school.pk),
            "purpose": "wellbeing_support",
            "categories": ["chronology"],
            "entry_ids": [str(disturbance.pk)],
            "justification": "The school should know",
        },
    )
    assert made.status_code == 201, made.content
    return made


def police_ig(cast: Cast) -> object:
    from tests.test_sharing import ig

    return ig(cast, cast.police)


def test_police_information_governance_reads_nothing_of_healths_entries(cast: Cast) -> None:
    """Police work with Trent too; his health visitor's entries and reads are health's."""
    from bairn.agencies.models import Involvement
    from bairn.agencies.services import involve

    involve(cast.police_officer, cast.trent.pk, Involvement.Basis.TEAM_MEMBER)
    entry = concern(cast.health_visitor, cast.trent, "Weight below the second centile")
    cast.api("health_visitor").get(f"/children/{cast.trent.pk}/chronology")
    cast.api("police_officer").get(f"/children/{cast.trent.pk}")

    police = police_ig(cast).get("/audit", {"child_id": str(cast.trent.pk)})  # type: ignore[attr-defined]
    assert police.status_code == 200
    events = police.json()["events"]
    assert {e["agency_id"] for e in events} == {str(cast.police.pk)}
    assert f"concern:{entry.pk}" not in {e["object"] for e in events}
    assert "pc_wallace" in {e["actor"] for e in events}
    # Health's lead reads its own.
    health = cast.api("ig_health").get("/audit", {"child_id": str(cast.trent.pk)}).json()
    assert f"concern:{entry.pk}" in {e["object"] for e in health["events"]}


def test_school_information_governance_reads_no_police_restricted_entry(
    police_intelligence: tuple[Cast, str],
) -> None:
    cast, secret = police_intelligence
    cast.api("police_officer").get(f"/concerns/{secret}")
    cast.api("police_officer").get(f"/children/{cast.leeann.pk}/chronology")
    for event in audit(cast):
        assert event["agency_id"] == str(cast.school.pk) or event["object"] != f"concern:{secret}"
        assert event["actor"] not in {"pc_wallace", "sgt_murray"} or event["action"].startswith(
            ("isp.", "disclosure.", "share_request.")
        ), event


def test_school_information_governance_reads_its_staff_and_its_records(
    police_intelligence: tuple[Cast, str],
) -> None:
    """Its own people's events, and others' events on its records: a disclosure police
    made to the school, a share request police sent it, an ISP it is party to."""
    cast, _ = police_intelligence
    cast.api("class_teacher").get(f"/children/{cast.leeann.pk}")
    made = police_disclose_to_school(cast)
    asked = cast.api("police_officer").post(
        "/share-requests",
        {
            "child_id": str(cast.leeann.pk),
            "holder_agency_id": str(cast.school.pk),
            "purpose": "wellbeing_support",
            "necessity": "We need the school's picture",
            "categories": ["chronology"],
        },
    )
    assert asked.status_code == 201, asked.content

    events = audit(cast)
    mine = [e for e in events if e["agency_id"] == str(cast.school.pk)]
    assert ("baird", "child.read") in {(e["actor"], e["action"]) for e in mine}
    theirs = {(e["action"], e["object"]) for e in events if e["agency_id"] == str(cast.police.pk)}
    assert ("disclosure.create", f"disclosure:{made.json()['id']}") in theirs
    assert ("share_request.create", f"share_request:{asked.json()['id']}") in theirs
    assert "isp.create" in {a for a, _ in theirs}
    # Nothing else of the police: not their reads of Leeann, nor their entries.
    assert not {a for a, _ in theirs} & {"child.read", "chronology.read", "concern.create"}
    # Police's lead reads the same disclosure and request, as the police's own.
    police = police_ig(cast).get("/audit").json()["events"]  # type: ignore[attr-defined]
    assert f"disclosure:{made.json()['id']}" in {e["object"] for e in police}
    assert not {e["agency_id"] for e in police} - {str(cast.police.pk), str(cast.school.pk)}


def test_events_recorded_before_are_indexed_by_the_records_they_name(
    police_intelligence: tuple[Cast, str],
) -> None:
    """The migration that made AuditEventAgency indexes the events already recorded, from
    the record each names; no event changes, and the chain still holds."""
    import importlib

    from django.apps import apps

    from bairn.audit.models import AuditEventAgency

    cast, secret = police_intelligence
    made = police_disclose_to_school(cast)
    cast.api("head_teacher").get(f"/concerns/{secret}")  # refused: the police's entry
    recorded = set(AuditEventAgency.objects.values_list("seq", "agency_id"))
    assert recorded
    from bairn.audit import log

    log.seal()
    AuditEventAgency.objects.all().delete()
    assert audit(cast, action="disclosure.create", actor="pc_wallace") == []

    migration = importlib.import_module("bairn.audit.migrations.0004_record_agencies")
    migration.backfill(apps, None)

    assert set(AuditEventAgency.objects.values_list("seq", "agency_id")) == recorded
    seen = audit(cast, actor="pc_wallace")
    assert f"disclosure:{made.json()['id']}" in {e["object"] for e in seen}
    assert f"concern:{secret}" not in {e["object"] for e in seen}
    # The events themselves are untouched: the log still holds.
    assert log.verify().ok
