"""`bairn demo`: the case study (DOMAIN §7) loads through the services, and what it holds
is what a practitioner sees through the API."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from bairn.agencies.models import Agency, Practitioner
from bairn.agencies.services import create_agency
from bairn.audit.models import AuditEvent
from bairn.chronology.models import Concern
from bairn.demo import casestudy
from bairn.people.chi import validate_chi
from bairn.people.models import Child
from tests.factories import Api


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo() -> str:
    return run()


def user(username: str) -> Practitioner:
    return Practitioner.objects.get(username=username)


def child(given_name: str) -> Child:
    return Child.objects.get(given_name=given_name, family_name=casestudy.FAMILY_NAME)


def age(born: dt.date, today: dt.date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def get(api: Api, path: str) -> Any:
    response = api.get(path)
    assert response.status_code == 200, response.content
    return response.json()


def test_that_friday_is_the_last_friday_before_today() -> None:
    thursday = dt.date(2026, 6, 25)
    friday = dt.date(2026, 6, 26)
    assert casestudy.that_friday(friday + dt.timedelta(days=1)) == friday
    assert casestudy.that_friday(friday) == friday - dt.timedelta(days=7)
    assert casestudy.that_friday(thursday) == dt.date(2026, 6, 19)
    assert casestudy.born(dt.date(2028, 2, 29), 9, 0) == dt.date(2019, 2, 28)


def test_the_demo_loads_into_an_empty_database(demo: str) -> None:
    assert "DEMO DATA ONLY" in demo
    for login in casestudy.logins():
        assert login.username in demo
    assert casestudy.PASSWORD in demo
    assert Agency.objects.count() == len(casestudy.AGENCIES)
    assert Practitioner.objects.count() == len(casestudy.PRACTITIONERS) + 1
    assert Concern.objects.count() == sum(len(e.children) for e in casestudy.CHRONOLOGY)
    # Every role of DOMAIN §1 has somebody; every demo login signs in.
    roles = {r for p in Practitioner.objects.all() for r in p.roles}
    assert roles >= {
        "practitioner",
        "named_person",
        "lead_professional",
        "senior",
        "information_governance",
        "admin",
    }
    admin = user("admin")
    assert admin.is_superuser
    assert admin.agency is None
    response = Api(None).client.post(
        "/api/v1/auth/token",
        {"username": "headteacher", "password": casestudy.PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content


def test_the_children_and_their_ages(demo: str) -> None:
    today = timezone.localdate()
    leeann, trent = child("Leeann"), child("Trent")
    assert age(leeann.date_of_birth, today) == 9
    assert age(trent.date_of_birth, today) == 3
    for c, sex in ((leeann, "female"), (trent, "male")):
        assert c.chi_number is not None
        assert validate_chi(c.chi_number, c.date_of_birth, sex) == c.chi_number
        assert c.sex == sex
        assert c.religion == "Muslim"
        assert c.languages == ["English"]
        assert "Mixed" in c.ethnicity
        assert c.postcode == casestudy.POSTCODE


def test_running_it_twice_refuses(demo: str) -> None:
    with pytest.raises(CommandError, match="not empty"):
        run()
    assert Agency.objects.count() == len(casestudy.AGENCIES)


def test_if_empty_exits_cleanly_with_the_logins(demo: str) -> None:
    events = AuditEvent.objects.count()
    out = run("--if-empty")
    assert "The demo is already loaded." in out
    assert "headteacher" in out
    assert casestudy.PASSWORD in out
    assert AuditEvent.objects.count() == events


def test_if_empty_loads_into_an_empty_database() -> None:
    out = run("--if-empty")
    assert "already loaded" not in out
    assert Child.objects.count() == 2


def test_if_empty_leaves_other_data_alone() -> None:
    admin = Practitioner.objects.create_superuser("root", "root@example.org", None)
    create_agency(admin, name="Somewhere Else", kind="other")
    out = run("--if-empty")
    assert "not the demo" in out
    assert "The demo is already loaded." not in out
    assert not Child.objects.exists()


def test_logins_only_prints() -> None:
    out = run("--logins")
    assert "headteacher" in out
    assert casestudy.PASSWORD in out
    assert not Agency.objects.exists()


def test_named_persons(demo: str) -> None:
    trent = get(Api(user("healthvisitor")), f"/children/{child('Trent').pk}")
    assert trent["named_person"]["name"] == user("healthvisitor").full_name
    assert trent["lead_professional"] is None
    leeann = get(Api(user("headteacher")), f"/children/{child('Leeann').pk}")
    assert leeann["named_person"]["name"] == user("headteacher").full_name
    assert leeann["lead_professional"] is None


def test_maggie_and_greg_care_without_a_legal_tie(demo: str) -> None:
    api = Api(user("headteacher"))
    ids: dict[str, set[str]] = {}
    for name in ("Leeann", "Trent"):
        listed = get(api, f"/children/{child(name).pk}/people")["people"]
        people = {p["given_name"]: p for p in listed}
        assert set(people) == {"Corinne", "Steve", "Maggie", "Greg"}
        for friend in ("Maggie", "Greg"):
            p = people[friend]
            assert p["relationship"] == "family_friend"
            assert p["stays_overnight"] is True
            assert p["parental_responsibility"] is False
            assert p["lives_with"] is False
            assert p["caring_role"]
        assert people["Corinne"]["relationship"] == "mother"
        assert people["Corinne"]["parental_responsibility"] is True
        steve = people["Steve"]
        assert steve["relationship"] == "partner_of_parent"
        assert steve["lives_with"] is True
        assert steve["parental_responsibility"] is False
        for given, p in people.items():
            ids.setdefault(given, set()).add(p["id"])
    # One person each, related to both children.
    assert all(len(v) == 1 for v in ids.values())
    today = timezone.localdate()
    ages = {p["given_name"]: age(dt.date.fromisoformat(p["date_of_birth"]), today) for p in listed}
    assert ages == {"Corinne": 29, "Steve": 23, "Maggie": 40, "Greg": 17}


def test_the_named_person_sees_her_own_agency_but_is_alerted_to_the_pattern(demo: str) -> None:
    head = user("headteacher")
    api = Api(head)
    leeann = child("Leeann")
    entries = get(api, f"/children/{leeann.pk}/chronology")["entries"]
    assert entries
    assert {e["agency_id"] for e in entries} == {str(head.agency_id)}
    assert all(e["visible_because"] == "own_agency" for e in entries)
    assert any(e["impact"] == "positive" for e in entries)  # strengths too
    # Other agencies did record about Leeann.
    assert Concern.objects.filter(child_ref=leeann.pk).values("agency").distinct().count() >= 4

    notes = get(api, "/notifications")["notifications"]
    alerts = [n for n in notes if n["kind"] == "pattern_alert" and n["child_id"] == str(leeann.pk)]
    assert alerts
    latest = max(alerts, key=lambda n: n["data"]["concerns"])
    assert latest["data"]["agencies"] >= 3
    assert "two_or_more_agencies" in latest["data"]["triggers"]
    # She heard of the other agencies' concerns as who, when and how significant only.
    held = {
        n["data"]["agency_name"]
        for n in notes
        if n["kind"] == "concern_recorded" and n["child_id"] == str(leeann.pk)
    }
    assert held >= {casestudy.AGENCY_NAMES["police"], casestudy.AGENCY_NAMES["support"]}
    other = Concern.objects.filter(child_ref=leeann.pk).exclude(agency_id=head.agency_id)
    for n in notes:
        for entry in other:
            assert entry.summary not in n["text"]


def test_trents_named_person_is_alerted_too(demo: str) -> None:
    hv = user("healthvisitor")
    api = Api(hv)
    trent = child("Trent")
    entries = get(api, f"/children/{trent.pk}/chronology")["entries"]
    assert entries
    assert {e["agency_id"] for e in entries} == {str(hv.agency_id)}
    notes = get(api, "/notifications")["notifications"]
    assert any(n["kind"] == "pattern_alert" and n["child_id"] == str(trent.pk) for n in notes)


def test_police_intelligence_stays_with_the_police(demo: str) -> None:
    leeann = child("Leeann")
    restricted = Concern.objects.get(child_ref=leeann.pk, restricted=True)
    assert restricted.withheld_from_family
    assert restricted.withheld_reason
    sergeant = get(Api(user("sergeant")), f"/children/{leeann.pk}/chronology")["entries"]
    assert str(restricted.pk) in {e["id"] for e in sergeant}
    constable = get(Api(user("constable")), f"/children/{leeann.pk}/chronology")["entries"]
    assert constable
    assert str(restricted.pk) not in {e["id"] for e in constable}
    # The head teacher was not even told that it exists.
    notes = get(Api(user("headteacher")), "/notifications")["notifications"]
    assert str(restricted.pk) not in {n["data"].get("concern_id") for n in notes}


def test_outsider_sees_nothing(demo: str) -> None:
    api = Api(user("housing"))
    assert api.get(f"/children/{child('Leeann').pk}").status_code == 404
    assert get(api, "/children") == []


def test_the_chronology_ends_before_that_friday(demo: str) -> None:
    friday = casestudy.that_friday(timezone.localdate())
    start = timezone.make_aware(dt.datetime.combine(friday, dt.time()))
    entries = Concern.objects.all()
    assert all(e.occurred_at < start for e in entries)
    assert all(e.occurred_at < e.recorded_at <= timezone.now() for e in entries)
    assert min(e.occurred_at for e in entries) < start - dt.timedelta(days=140)
    assert not entries.filter(significance="child_protection").exists()
    assert entries.filter(significance="high").count() <= 2
    assert all(e.action_taken for e in entries)


def test_the_audit_holds_after_the_load(demo: str) -> None:
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    assert "Audit chain holds" in out.getvalue()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"agency.create", "practitioner.create", "child.create", "people.add"} <= actions
    assert {"named_person.assign", "concern.create", "child.match"} <= actions
