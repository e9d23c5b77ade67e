"""`bairn demo`: the case study (DOMAIN §7) loads through the services, and what it holds
is what a practitioner sees through the API."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from bairn.agencies.models import Agency, Practitioner
from bairn.agencies.services import create_agency
from bairn.chronology.models import Concern
from bairn.demo import afterwards, casestudy
from bairn.people.models import Child
from bairn.planning.models import Assessment, Ird, Meeting, Plan, RegisterEntry
from bairn.sharing.models import Consent, Disclosure, Isp
from tests.factories import Api


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def user(username: str) -> Practitioner:
    return Practitioner.objects.get(username=username)


def child(given_name: str) -> Child:
    return Child.objects.get(given_name=given_name, family_name=casestudy.FAMILY_NAME)


def age(born: dt.date, today: dt.date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def get(api: Api, path: str, params: dict[str, Any] | None = None) -> Any:
    response = api.get(path, params)
    assert response.status_code == 200, response.content
    return response.json()


def agency(key: str) -> Agency:
    return Agency.objects.get(name=casestudy.AGENCY_NAMES[key])


def friday_start() -> dt.datetime:
    friday = casestudy.that_friday(timezone.localdate())
    return timezone.make_aware(dt.datetime.combine(friday, dt.time()))


def entry_count(events: tuple[casestudy.Event, ...]) -> int:
    return sum(len(e.children) for e in events if isinstance(e, casestudy.Entry))


def test_that_friday_is_the_last_friday_before_today() -> None:
    thursday = dt.date(2026, 6, 25)
    friday = dt.date(2026, 6, 26)
    assert casestudy.that_friday(friday + dt.timedelta(days=1)) == friday
    assert casestudy.that_friday(friday) == friday - dt.timedelta(days=7)
    assert casestudy.that_friday(thursday) == dt.date(2026, 6, 19)
    assert casestudy.born(dt.date(2028, 2, 29), 9, 0) == dt.date(2019, 2, 28)


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


@pytest.mark.parametrize("option", [(), ("--before-friday",)])
def test_named_persons_and_after_the_friday_the_lead_professional(option: tuple[str]) -> None:
    run(*option)
    lead = None if option else user("socialworker").full_name
    trent = get(Api(user("healthvisitor")), f"/children/{child('Trent').pk}")
    assert trent["named_person"]["name"] == user("healthvisitor").full_name
    assert (trent["lead_professional"] or {}).get("name") == lead
    leeann = get(Api(user("headteacher")), f"/children/{child('Leeann').pk}")
    assert leeann["named_person"]["name"] == user("headteacher").full_name
    assert (leeann["lead_professional"] or {}).get("name") == lead


def test_before_friday_stops_short_of_that_friday() -> None:
    out = run("--before-friday")
    assert "The demo stops before it" in out
    entries = Concern.objects.all()
    assert entries.count() == entry_count(casestudy.HISTORY)
    assert all(e.occurred_at < friday_start() for e in entries)
    assert all(e.occurred_at < e.recorded_at <= timezone.now() for e in entries)
    assert min(e.occurred_at for e in entries) < friday_start() - dt.timedelta(days=140)
    assert not entries.filter(significance="child_protection").exists()
    assert entries.filter(significance="high").count() <= 2
    assert all(e.action_taken for e in entries)
    # The protocols, consent and the sharing before the Friday are there; the child
    # protection disclosures are not.
    assert Isp.objects.filter(status=Isp.Status.ACTIVE).count() == 4
    assert Consent.objects.count() == 2
    assert Disclosure.objects.count() == 2
    assert not Disclosure.objects.filter(child_protection_override=True).exists()
    assert not Disclosure.objects.filter(purpose="child_protection").exists()
    # Nor is anything that came after it.
    for model in (Ird, Assessment, Plan, Meeting, RegisterEntry):
        assert not model.objects.exists(), model
    assert "Child Protection Planning Meeting" not in out


def check(username: str, **params: Any) -> dict[str, Any]:
    leeann = child("Leeann")
    query = {
        "recipient_agency_id": str(agency("police").pk),
        "purpose": "child_protection",
        "category": ["core", "household", "chronology"],
        **params,
    }
    return get(Api(user(username)), f"/children/{leeann.pk}/sharing-check", query)


@pytest.mark.parametrize("option", [(), ("--before-friday",)])
def test_only_a_senior_of_the_school_discloses_for_child_protection(option: tuple[str]) -> None:
    run(*option)
    head = check("headteacher")
    assert head["allowed"] is True, head["reasons"]
    assert head["child_protection"] is True
    assert head["isp_id"] is not None  # the area's child protection protocol
    teacher = check("classteacher")
    assert teacher["allowed"] is False
    assert any("senior" in r for r in teacher["reasons"])
    # With the depute head teacher (a senior) authorising, she may.
    authorised = check("classteacher", authorised_by=str(user("depute").pk))
    assert authorised["allowed"] is True, authorised["reasons"]


# --- after that Friday: the IRD, the assessments and the Child's Plans ---------------------

SVG = "{http://www.w3.org/2000/svg}"


def after_friday() -> list[Concern]:
    keys = {e.summary for e in afterwards.ENTRIES}
    return list(Concern.objects.filter(summary__in=keys))


def test_loaded_the_day_after_the_friday(monkeypatch: pytest.MonkeyPatch) -> None:
    """With no room after the Friday, the later steps squeeze in before the load."""
    friday = casestudy.that_friday(timezone.localdate())
    saturday = timezone.make_aware(dt.datetime.combine(friday, dt.time(0, 20)))
    saturday += dt.timedelta(days=1)
    monkeypatch.setattr(timezone, "now", lambda: saturday)
    out = run()
    assert casestudy.that_friday(timezone.localdate()) == friday
    ird = Ird.objects.get(child_ref=child("Leeann").pk)
    assert ird.started_at == timezone.make_aware(dt.datetime.combine(friday, dt.time(17)))
    entries = sorted(after_friday(), key=lambda e: e.occurred_at)
    assert entries
    for e in entries:
        assert ird.started_at < e.occurred_at < e.recorded_at <= saturday
    assert {m.held_on for m in Meeting.objects.all()} == {friday + dt.timedelta(days=1)}
    assert Plan.objects.filter(version=2).count() == 2
    assert "Child Protection Planning Meeting is due by" in " ".join(out.split())


def test_the_schedule_keeps_the_order_and_stays_in_the_past() -> None:
    base = timezone.make_aware(dt.datetime(2026, 6, 26, 17))
    wanted = [base + dt.timedelta(days=d) for d in (0, 1, 3, 4, 5)]
    assert afterwards.schedule(wanted, base + dt.timedelta(days=9)) == wanted
    now = base + dt.timedelta(hours=8)
    got = afterwards.schedule(wanted, now)
    assert got[0] == base
    assert got == sorted(got)
    assert len(set(got)) == len(got)
    assert got[-1] < now


def test_the_progress_bar_counts_every_step() -> None:
    ticks: list[None] = []
    result = casestudy.load(lambda _: None, tick=lambda: ticks.append(None))
    assert len(ticks) == casestudy.step_count()
    assert result.after is not None
    assert result.counts["plan versions"] == 4
