"""`bairn demo`: the case study (DOMAIN §7) loads through the services, and what it holds
is what a practitioner sees through the API."""

from __future__ import annotations

import datetime as dt
import json
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
from bairn.people.models import Child, Person
from bairn.sharing.models import Consent, Disclosure, Isp
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


def test_the_demo_loads_into_an_empty_database(demo: str) -> None:
    assert "DEMO DATA ONLY" in demo
    for login in casestudy.logins():
        assert login.username in demo
    assert casestudy.PASSWORD in demo
    assert Agency.objects.count() == len(casestudy.AGENCIES)
    assert Practitioner.objects.count() == len(casestudy.PRACTITIONERS) + 1
    assert Concern.objects.count() == entry_count(casestudy.HISTORY + casestudy.FRIDAY)
    assert "it is in the demo" in demo
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
    own = [e for e in entries if e["agency_id"] == str(head.agency_id)]
    assert own
    assert all(e["visible_because"] == "own_agency" for e in own)
    assert any(e["impact"] == "positive" for e in own)  # strengths too
    # Of the other agencies' entries she sees only the one shared with the school: the
    # holiday club, shared by the family support project with Corinne's consent.
    others = [e for e in entries if e not in own]
    assert [e["agency_id"] for e in others] == [str(agency("support").pk)]
    assert others[0]["visible_because"].startswith("disclosure:")
    # Other agencies did record more about Leeann.
    assert Concern.objects.filter(child_ref=leeann.pk).values("agency").distinct().count() >= 4
    assert Concern.objects.filter(child_ref=leeann.pk).count() > len(entries)

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


def test_that_friday_as_the_school_recorded_it(demo: str) -> None:
    start = friday_start()
    friday = Concern.objects.filter(occurred_at__gte=start)
    assert friday.count() == entry_count(casestudy.FRIDAY)
    assert all(e.occurred_at < start + dt.timedelta(days=1) for e in friday)
    assert all(e.occurred_at < e.recorded_at <= timezone.now() for e in friday)
    assert all(e.recorded_at - e.occurred_at < dt.timedelta(hours=2) for e in friday)
    assert {e.agency_id for e in friday} == {agency("school").pk}
    leeann = friday.filter(child_ref=child("Leeann").pk)
    assert {e.source for e in leeann} >= {"observation", "parent_or_carer", "child_disclosure"}
    assert leeann.filter(significance="high", source="child_disclosure").count() == 1
    cold_bath = leeann.get(significance="child_protection")
    assert cold_bath.source == "child_disclosure"
    assert "cool down" in cold_bath.summary
    assert cold_bath.withheld_from_family
    assert "risk" in cold_bath.withheld_reason
    assert cold_bath.recorded_by.username == "classteacher"
    trent = friday.filter(child_ref=child("Trent").pk)
    assert any("poorly" in e.summary for e in trent)


def test_the_isps_of_the_area(demo: str) -> None:
    school = get(Api(user("ig.school")), "/isps")
    assert len(school) == 4
    assert {i["status"] for i in school} == {"active"}
    by_purpose = {tuple(i["purposes"]): i for i in school}
    consented = by_purpose[("wellbeing_support",)]
    assert consented["lawful_basis"] == "consent"
    assert consented["consent_required"] is True
    protection = by_purpose[("child_protection",)]
    assert protection["onward_sharing"] is True
    assert {p["agency_name"] for p in protection["parties"]} == {
        casestudy.AGENCY_NAMES[k] for k in ("school", "health", "police", "social_work")
    }
    health = next(
        i
        for i in school
        if {p["agency_name"] for p in i["parties"]}
        == {casestudy.AGENCY_NAMES["school"], casestudy.AGENCY_NAMES["health"]}
    )
    assert set(health["purposes"]) == {"wellbeing_support", "plan_coordination"}
    assert set(health["categories"]) == {"core", "household", "chronology", "assessment", "plan"}
    assert health["lawful_basis"] == "public_task"
    assert health["special_category_condition"] == "substantial_public_interest"
    assert health["consent_required"] is False
    assert health["onward_sharing"] is False
    assert 700 <= health["retention_days"] <= 760
    assert dt.date.fromisoformat(health["review_date"]) > timezone.localdate() + dt.timedelta(
        days=600
    )
    for isp in school:
        assert isp["security_conditions"]
        assert isp["privacy_impact_assessment"]
        for party in isp["parties"]:
            assert party["approved"]
            assert party["data_protection_officer"]
            assert party["senior_information_risk_owner"]
    # Housing's protocol with social work is still a draft: social work has not approved.
    social_work = get(Api(user("ig.socialwork")), "/isps")
    draft = [i for i in social_work if i["status"] == "draft"]
    assert len(draft) == 1
    waiting = {p["agency_name"]: p["approved"] for p in draft[0]["parties"]}
    assert waiting == {
        casestudy.AGENCY_NAMES["housing"]: True,
        casestudy.AGENCY_NAMES["social_work"]: False,
    }
    assert len([i for i in social_work if i["status"] == "active"]) == 3


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


def test_the_police_and_social_work_receive_the_schools_friday(demo: str) -> None:
    leeann = child("Leeann")
    school = agency("school")
    made = Disclosure.objects.filter(
        child_ref=leeann.pk, from_agency=school, child_protection_override=True
    )
    assert {d.to_agency.name for d in made} == {
        casestudy.AGENCY_NAMES["police"],
        casestudy.AGENCY_NAMES["social_work"],
    }
    for d in made:
        assert d.made_by.username == "headteacher"
        assert d.authorised_by is not None
        assert d.authorised_by.username == "headteacher"
        assert set(d.categories) == {"core", "household", "chronology"}
        assert d.justification
        assert d.review == Disclosure.Review.PENDING
        assert d.family_informed == Disclosure.FamilyInformed.NOT_INFORMED
        assert d.family_not_informed_reason
    to_police = made.get(to_agency=agency("police"))

    entries = get(Api(user("sergeant")), f"/children/{leeann.pk}/chronology")["entries"]
    from_school = [e for e in entries if e["agency_id"] == str(school.pk)]
    on_friday = [
        e for e in from_school if dt.datetime.fromisoformat(e["occurred_at"]) >= friday_start()
    ]
    assert len(on_friday) == 4
    assert {e["visible_because"] for e in from_school} == {f"disclosure:{to_police.pk}"}
    assert any(e["significance"] == "child_protection" for e in on_friday)
    # The constable sees it too: it was disclosed to Police Scotland.
    constable = get(Api(user("constable")), f"/children/{leeann.pk}/chronology")["entries"]
    assert {e["id"] for e in on_friday} <= {e["id"] for e in constable}

    # The police and social work seniors were told at once.
    for username in ("sergeant", "swmanager"):
        notes = get(Api(user(username)), "/notifications")["notifications"]
        received = [n for n in notes if n["kind"] == "disclosure_received"]
        assert {n["child_id"] for n in received} == {str(leeann.pk), str(child("Trent").pk)}


def test_the_schools_information_governance_reviews_and_answers_the_family(demo: str) -> None:
    api = Api(user("ig.school"))
    queue = get(api, "/review-queue")
    made = Disclosure.objects.filter(from_agency=agency("school"), child_protection_override=True)
    assert made.count() == 4  # Leeann and Trent, each to the police and to social work
    assert {d["id"] for d in queue["disclosures"]} == {str(d.pk) for d in made}
    assert all(d["authorised_by"] == user("headteacher").display_name for d in queue["disclosures"])

    leeann = child("Leeann")
    report = get(api, f"/children/{leeann.pk}/transparency")
    withheld = Concern.objects.get(
        child_ref=leeann.pk, agency=agency("school"), withheld_from_family=True
    )
    assert str(withheld.pk) not in {e["id"] for e in report["entries"]}
    assert report["withheld_count"] == 1
    assert report["entries"]  # the rest of the school's entries
    # The Friday's child protection disclosures are not shown to the family while telling
    # them would put Leeann at risk; the report counts them for information governance.
    told = {(d["to_agency"], d["purpose"]) for d in report["disclosures"]}
    assert (casestudy.AGENCY_NAMES["police"], "child_protection") not in told
    assert (casestudy.AGENCY_NAMES["social_work"], "child_protection") not in told
    assert report["withheld_disclosures_count"] == 2
    # Nor does it name the people around her.
    text = json.dumps(report)
    for name in ("Steve", "Maggie", "Greg"):
        assert name not in text


def test_consent_and_views_of_the_family(demo: str) -> None:
    corinne = Person.objects.get(given_name="Corinne")
    maggie = Person.objects.get(given_name="Maggie")
    # Only a person with parental responsibility consents: Corinne. Maggie cares for the
    # children but has none, and no consent of hers is recorded.
    assert {c.person_ref for c in Consent.objects.all()} == {corinne.pk}
    assert not Consent.objects.filter(person_ref=maggie.pk).exists()
    api = Api(user("familysupport"))
    for name in ("Leeann", "Trent"):
        listed = get(api, f"/children/{child(name).pk}/consents")
        (consent,) = listed["consents"]
        assert consent["state"] == "given"
        assert consent["capacity"] == "parental_responsibility"
        assert consent["given_by_name"].startswith("Corinne")
        assert consent["purposes"] == ["wellbeing_support"]
        assert set(consent["categories"]) == {"core", "chronology"}
        assert set(consent["recipient_agency_ids"]) == {
            str(agency("school").pk),
            str(agency("social_work").pk),
        }
    leeann = get(api, f"/children/{child('Leeann').pk}/consents")["views"]
    whose = {v["whose_name"]: v["views"] for v in leeann}
    assert "art" in whose["the child"]
    assert "shout" in whose["the child"]
    assert any(name.startswith("Steve") for name in whose)
    trent = get(api, f"/children/{child('Trent').pk}/consents")["views"]
    assert any("autistic" in v["views"] and "listens" in v["views"] for v in trent)
    # Through the API as well as in the demo, Maggie cannot consent.
    response = api.post(
        f"/children/{child('Leeann').pk}/consents",
        {
            "given_by": str(maggie.pk),
            "decision": "given",
            "purposes": ["wellbeing_support"],
            "recipient_agency_ids": [str(agency("school").pk)],
            "categories": ["core"],
        },
    )
    assert response.status_code in (400, 422), response.content
    assert not Consent.objects.filter(person_ref=maggie.pk).exists()


def test_a_little_was_shared_before_that_friday(demo: str) -> None:
    # The health visitor told the nursery of Trent's speech delay, and nothing more.
    trent = child("Trent")
    hv = Disclosure.objects.get(child_ref=trent.pk, from_agency=agency("health"))
    assert hv.to_agency == agency("school")
    assert hv.purpose == "wellbeing_support"
    assert hv.lawful_basis == "public_task"
    assert hv.family_informed == Disclosure.FamilyInformed.INFORMED
    (speech,) = hv.entries.all()
    assert "speech" in speech.summary
    nursery = get(Api(user("nursery")), f"/children/{trent.pk}/chronology")["entries"]
    shared = [e for e in nursery if e["agency_id"] == str(agency("health").pk)]
    assert [(e["id"], e["visible_because"]) for e in shared] == [
        (str(speech.pk), f"disclosure:{hv.pk}")
    ]
    # The family support project told the school of the holiday club, with consent.
    leeann = child("Leeann")
    fs = Disclosure.objects.get(child_ref=leeann.pk, from_agency=agency("support"))
    assert fs.lawful_basis == "consent"
    assert fs.consent is not None
    assert fs.family_informed == Disclosure.FamilyInformed.NOT_NEEDED
    assert fs.entries.count() == 1
    # Nothing else crossed between agencies before the Friday.
    assert Disclosure.objects.filter(child_protection_override=False).count() == 2


def test_the_audit_holds_after_the_load(demo: str) -> None:
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    assert "Audit chain holds" in out.getvalue()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"agency.create", "practitioner.create", "child.create", "people.add"} <= actions
    assert {"named_person.assign", "concern.create", "child.match"} <= actions
