"""The chronology as the API answers it, field by field, for a child whose record mixes an
agency's own entries with entries disclosed to it (API.md "Concerns and the chronology").

The chronology is read without model instances and encoded by orjson (issue 11): these
tests pin down what it answers — every field, in order, with its value and format —
so that a faster read can never answer something else. The expected values are written
out here, not computed by the code under test.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import uuid
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import gettext_lazy
from ninja.responses import NinjaJSONEncoder

from bairn.agencies.models import Involvement
from bairn.agencies.services import involve
from bairn.api.main import FastJson
from bairn.chronology.models import Concern
from bairn.chronology.services import record_concern
from bairn.reference import Significance
from tests.factories import Cast, ig

TEAM = Involvement.Basis.TEAM_MEMBER
UTC = dt.UTC

# The fields of an entry, in the order API.md lists them.
FIELDS = [
    "id",
    "child_id",
    "occurred_at",
    "recorded_at",
    "agency_id",
    "agency_name",
    "recorded_by",
    "recorded_by_id",
    "summary",
    "detail",
    "source",
    "indicators",
    "impact",
    "significance",
    "action_taken",
    "restricted",
    "withheld_from_family",
    "withheld_reason",
    "amends",
    "amendment_reason",
    "superseded_by",
    "visible_because",
]


def stamp(moment: dt.datetime) -> str:
    """A time as the API writes it (ECMA-262, as Django's encoder does): UTC with a `Z`,
    milliseconds only when there is a fraction of a second."""
    moment = moment.astimezone(UTC)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if moment.microsecond:
        text += f".{moment.microsecond // 1000:03d}"
    return text + "Z"


def recorded_at(entry_id: str) -> str:
    return stamp(Concern.objects.get(pk=entry_id).recorded_at)


def entry(who: Any, summary: str, at: dt.datetime, **fields: Any) -> str:
    made = record_concern(
        who,
        fields.pop("child").pk,
        occurred_at=at,
        summary=summary,
        source=fields.pop("source", "observation"),
        indicators=fields.pop("indicators", ["nurtured"]),
        impact=fields.pop("impact", "negative"),
        significance=fields.pop("significance", "low"),
        **fields,
    )
    return str(made.pk)


def active_isp(cast: Cast) -> None:
    body = {
        "title": "School and health",
        "party_agency_ids": [str(cast.school.pk), str(cast.health.pk)],
        "purposes": ["wellbeing_support"],
        "categories": ["chronology"],
        "lawful_basis": "public_task",
        "consent_required": False,
        "onward_sharing": False,
        "retention_days": 365,
        "review_date": (timezone.localdate() + dt.timedelta(days=365)).isoformat(),
    }
    response = ig(cast, cast.school).post("/isps", body)
    assert response.status_code == 201, response.content
    for agency in (cast.school, cast.health):
        approved = ig(cast, agency).post(f"/isps/{response.json()['id']}/approve")
        assert approved.status_code == 200, approved.content


def mixed(cast: Cast) -> dict[str, str]:
    """Leeann's record: three school entries (one amended, one restricted), two of the
    health visitor's own, and the school's first entry and its amendment disclosed to
    health. The ids by name, and the disclosure's as `disclosure`."""
    involve(cast.class_teacher, cast.leeann.pk, TEAM, reason="Leeann's class teacher")
    involve(cast.health_visitor, cast.leeann.pk, TEAM, reason="health visits at home")
    ids = {
        "hungry": entry(
            cast.class_teacher,
            "Arrived hungry",
            dt.datetime(2026, 3, 2, 8, 45, 0, 123456, tzinfo=UTC),
            child=cast.leeann,
            indicators=["safe", "nurtured"],
            detail="No breakfast, third day",
            action_taken="Breakfast club",
            significance="medium",
        ),
        "weighed": entry(
            cast.health_visitor,
            "Weighed at home visit",
            # Summer: sent with the UK offset, answered in UTC.
            dt.datetime(2026, 6, 12, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=1))),
            child=cast.leeann,
            indicators=["healthy"],
            impact="positive",
            source="other_agency",
            withheld_from_family=True,
            withheld_reason="Telling the family would put her at risk",
        ),
        "secret": entry(
            cast.head_teacher,
            "Said something worrying about home",
            dt.datetime(2026, 4, 1, 12, 0, tzinfo=UTC),
            child=cast.leeann,
            restricted=True,
        ),
        "dentist": entry(
            cast.health_visitor,
            "Missed dental appointment",
            dt.datetime(2026, 2, 1, 9, 30, 0, 500, tzinfo=UTC),
            child=cast.leeann,
            indicators=["healthy", "respected", "nurtured"],
        ),
    }
    active_isp(cast)
    response = cast.api("class_teacher").post(
        "/disclosures",
        {
            "child_id": str(cast.leeann.pk),
            "recipient_agency_id": str(cast.health.pk),
            "purpose": "wellbeing_support",
            "categories": ["chronology"],
            "entry_ids": [ids["hungry"]],
            "justification": "The health visitor needs the school's picture",
        },
    )
    assert response.status_code == 201, response.content
    ids["disclosure"] = response.json()["id"]
    amended = cast.api("class_teacher").post(
        f"/concerns/{ids['hungry']}/amendments",
        {"reason": "It was the fourth day", "summary": "Arrived hungry, fourth day"},
    )
    assert amended.status_code == 201, amended.content
    ids["hungry_v2"] = amended.json()["id"]
    return ids


def get(cast: Cast, who: str, **params: Any) -> dict[str, Any]:
    response = cast.api(who).get(f"/children/{cast.leeann.pk}/chronology", params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return response.json()


def test_the_health_visitor_reads_her_own_and_the_disclosed_entries_field_by_field(
    cast: Cast,
) -> None:
    ids = mixed(cast)
    leeann = str(cast.leeann.pk)
    because = f"disclosure:{ids['disclosure']}"
    body = get(cast, "health_visitor")
    assert list(body) == ["child_id", "entries"]
    assert body["child_id"] == leeann
    for one in body["entries"]:
        assert list(one) == FIELDS
    assert body["entries"] == [
        {
            "id": ids["dentist"],
            "child_id": leeann,
            "occurred_at": "2026-02-01T09:30:00.000Z",  # 500 µs: a fraction, under 1 ms
            "recorded_at": recorded_at(ids["dentist"]),
            "agency_id": str(cast.health.pk),
            "agency_name": "Health Visiting Team",
            "recorded_by": "Fiona McLeod",
            "recorded_by_id": str(cast.health_visitor.pk),
            "summary": "Missed dental appointment",
            "detail": "",
            "source": "observation",
            "indicators": ["healthy", "nurtured", "respected"],  # SHANARRI's order
            "impact": "negative",
            "significance": "low",
            "action_taken": "",
            "restricted": False,
            "withheld_from_family": False,
            "withheld_reason": "",
            "amends": None,
            "amendment_reason": "",
            "superseded_by": None,
            "visible_because": "own_agency",
        },
        {
            "id": ids["hungry_v2"],
            "child_id": leeann,
            "occurred_at": "2026-03-02T08:45:00.123Z",
            "recorded_at": recorded_at(ids["hungry_v2"]),
            "agency_id": str(cast.school.pk),
            "agency_name": "Riverside Primary School and Nursery",
            "recorded_by": "Tom Baird",
            "recorded_by_id": str(cast.class_teacher.pk),
            "summary": "Arrived hungry, fourth day",
            "detail": "No breakfast, third day",
            "source": "observation",
            "indicators": ["safe", "nurtured"],
            "impact": "negative",
            "significance": "medium",
            "action_taken": "Breakfast club",
            "restricted": False,
            "withheld_from_family": False,
            "withheld_reason": "",
            "amends": ids["hungry"],
            "amendment_reason": "It was the fourth day",
            "superseded_by": None,
            "visible_because": because,
        },
        {
            "id": ids["weighed"],
            "child_id": leeann,
            "occurred_at": "2026-06-12T09:00:00Z",
            "recorded_at": recorded_at(ids["weighed"]),
            "agency_id": str(cast.health.pk),
            "agency_name": "Health Visiting Team",
            "recorded_by": "Fiona McLeod",
            "recorded_by_id": str(cast.health_visitor.pk),
            "summary": "Weighed at home visit",
            "detail": "",
            "source": "other_agency",
            "indicators": ["healthy"],
            "impact": "positive",
            "significance": "low",
            "action_taken": "",
            "restricted": False,
            "withheld_from_family": True,
            "withheld_reason": "Telling the family would put her at risk",
            "amends": None,
            "amendment_reason": "",
            "superseded_by": None,
            "visible_because": "own_agency",
        },
    ]


def test_superseded_versions_name_what_superseded_them(cast: Cast) -> None:
    ids = mixed(cast)
    body = get(cast, "health_visitor", include_superseded="true")
    seen = [(e["id"], e["superseded_by"], e["visible_because"]) for e in body["entries"]]
    because = f"disclosure:{ids['disclosure']}"
    # The first version and its amendment happened at the same moment: recorded order.
    assert seen == [
        (ids["dentist"], None, "own_agency"),
        (ids["hungry"], ids["hungry_v2"], because),
        (ids["hungry_v2"], None, because),
        (ids["weighed"], None, "own_agency"),
    ]
    first = body["entries"][1]
    assert first["summary"] == "Arrived hungry"
    assert first["amends"] is None
    assert first["indicators"] == ["safe", "nurtured"]


def test_the_school_sees_its_own_entries_the_restricted_one_by_its_senior_only(
    cast: Cast,
) -> None:
    ids = mixed(cast)
    head = get(cast, "head_teacher", include_superseded="true")["entries"]
    assert [(e["id"], e["restricted"], e["visible_because"]) for e in head] == [
        (ids["hungry"], False, "own_agency"),
        (ids["hungry_v2"], False, "own_agency"),
        (ids["secret"], True, "own_agency"),
    ]
    assert head[2]["recorded_by"] == "Elaine Ross"
    assert head[2]["occurred_at"] == "2026-04-01T12:00:00Z"
    teacher = get(cast, "class_teacher")["entries"]
    assert [e["id"] for e in teacher] == [ids["hungry_v2"]]


def test_filters_answer_the_same_entries_once_each(cast: Cast) -> None:
    ids = mixed(cast)
    # An entry with two of the indicators asked for is answered once.
    body = get(cast, "health_visitor", indicator=["healthy", "nurtured", "safe"])
    assert [e["id"] for e in body["entries"]] == [ids["dentist"], ids["hungry_v2"], ids["weighed"]]
    body = get(cast, "health_visitor", indicator="respected")
    assert [e["id"] for e in body["entries"]] == [ids["dentist"]]
    body = get(cast, "health_visitor", significance="medium", agency_id=str(cast.school.pk))
    assert [e["id"] for e in body["entries"]] == [ids["hungry_v2"]]
    body = get(cast, "health_visitor", **{"from": "2026-03-01", "to": "2026-06-12"})
    assert [e["id"] for e in body["entries"]] == [ids["hungry_v2"], ids["weighed"]]
    body = get(cast, "health_visitor", impact="positive")
    assert [e["id"] for e in body["entries"]] == [ids["weighed"]]


def test_one_entry_and_a_new_one_are_answered_in_the_same_form(cast: Cast) -> None:
    ids = mixed(cast)
    read = cast.api("health_visitor").get(f"/concerns/{ids['hungry_v2']}").json()
    listed = get(cast, "health_visitor")["entries"][1]
    assert list(read) == [*FIELDS, "history"]
    assert {k: v for k, v in read.items() if k != "history"} == listed
    assert [(h["id"], h["superseded_by"]) for h in read["history"]] == [
        (ids["hungry"], ids["hungry_v2"])
    ]
    # A new entry's answer gives the time in UTC, as stored, whatever offset it was sent with.
    made = cast.api("health_visitor").post(
        f"/children/{cast.leeann.pk}/concerns",
        {
            "occurred_at": "2026-06-12T10:00:00.250+01:00",
            "summary": "Came to clinic",
            "source": "observation",
            "indicators": ["healthy"],
            "impact": "neutral",
            "significance": Significance.LOW,
        },
    )
    assert made.status_code == 201, made.content
    answer = made.json()
    assert list(answer) == FIELDS
    assert answer["occurred_at"] == "2026-06-12T09:00:00.250Z"
    assert answer["recorded_at"] == recorded_at(answer["id"])
    assert answer["indicators"] == ["healthy"]
    assert answer["visible_because"] == "own_agency"


def test_the_chronology_is_read_in_the_same_number_of_queries_whatever_its_length(
    cast: Cast,
) -> None:
    mixed(cast)
    api = cast.api("health_visitor")
    path = f"/children/{cast.leeann.pk}/chronology"
    api.get(path)
    with CaptureQueriesContext(connection) as few:
        assert api.get(path).status_code == 200
    for n in range(30):
        entry(
            cast.health_visitor,
            f"Home visit {n}",
            dt.datetime(2026, 1, 1, tzinfo=UTC) + dt.timedelta(days=n),
            child=cast.leeann,
            indicators=["healthy", "nurtured"],
        )
    with CaptureQueriesContext(connection) as many:
        response = api.get(path)
    assert len(response.json()["entries"]) == 33
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_encoder_writes_what_json_dumps_wrote() -> None:
    london = timezone.get_default_timezone()
    data = {
        "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "utc": dt.datetime(2026, 12, 2, 15, 4, 5, 678901, tzinfo=UTC),
        "whole": dt.datetime(2026, 12, 2, 15, 4, 5, tzinfo=UTC),
        "offset": dt.datetime(
            2026, 6, 2, 15, 4, 5, 1000, tzinfo=dt.timezone(dt.timedelta(hours=1))
        ),
        "london_winter": dt.datetime(2026, 12, 2, 9, 0, tzinfo=london),
        "london_summer": dt.datetime(2026, 7, 2, 9, 0, tzinfo=london),
        "naive": dt.datetime(2026, 12, 2, 9, 0, 0, 999999),
        "day": dt.date(2017, 3, 14),
        "time": dt.time(9, 30, 15, 123456),
        "money": decimal.Decimal("12.50"),
        "lazy": gettext_lazy("Not found."),
        "choice": Significance.CHILD_PROTECTION,
        "text": 'Leeann’s “home” — é, 😀, \\ " \n \t \x01',
        "numbers": [0, -1, 2**63, 1.5, 1e-7, True, False, None],
        "nested": {"list": [{"a": (1, 2)}], 7: "int key"},
        "empty": {},
    }
    ours = FastJson().render(None, data, response_status=200)  # type: ignore[arg-type]
    before = json.dumps(data, cls=NinjaJSONEncoder)
    assert json.loads(ours) == json.loads(before)
    assert json.loads(ours)["utc"] == "2026-12-02T15:04:05.678Z"
    assert json.loads(ours)["london_winter"] == "2026-12-02T09:00:00Z"
    assert json.loads(ours)["london_summer"] == "2026-07-02T09:00:00+01:00"
    assert json.loads(ours)["time"] == "09:30:15.123"
    # Beyond 64 bits orjson gives up: json.dumps writes it, as before.
    huge = {"n": 2**70, "at": dt.datetime(2026, 1, 1, tzinfo=UTC)}
    assert FastJson().render(None, huge, response_status=200) == json.dumps(  # type: ignore[arg-type]
        huge, cls=NinjaJSONEncoder
    )
