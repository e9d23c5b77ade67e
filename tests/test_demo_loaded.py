"""The case-study demo as loaded: its content through the API (the load happens once for
the module, in a transaction rolled back after it; each test runs in a savepoint).
How the command loads, refuses and reports is tests/test_demo.py."""

from __future__ import annotations

import datetime as dt
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Q
from django.test import override_settings
from django.utils import timezone
from pypdf import PdfReader

from bairn.agencies.models import Agency, Practitioner
from bairn.audit.models import AuditEvent
from bairn.chronology.models import Concern
from bairn.demo import afterwards, casestudy
from bairn.people.chi import validate_chi
from bairn.people.models import Person
from bairn.planning.models import Ird, Meeting, RegisterEntry
from bairn.reference import MY_WORLD_AREAS, Indicator
from bairn.sharing.models import Consent, Disclosure
from tests.factories import Api
from tests.test_demo import (
    SVG,
    after_friday,
    age,
    agency,
    child,
    entry_count,
    friday_start,
    get,
    run,
    user,
)


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: object) -> Iterator[str]:
    with (
        django_db_blocker.unblock(),  # type: ignore[attr-defined]
        transaction.atomic(using="default"),
        transaction.atomic(using="identity"),
    ):
        yield run()
        transaction.set_rollback(True, using="identity")
        transaction.set_rollback(True, using="default")


def test_the_demo_loads_into_an_empty_database(demo: str) -> None:
    assert "DEMO DATA ONLY" in demo
    for login in casestudy.logins():
        assert login.username in demo
    assert casestudy.PASSWORD in demo
    assert Agency.objects.count() == len(casestudy.AGENCIES)
    assert Practitioner.objects.count() == len(casestudy.PRACTITIONERS) + 1
    assert Concern.objects.count() == entry_count(
        casestudy.HISTORY + casestudy.FRIDAY + afterwards.ENTRIES
    )
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
    # A token takes the password and a code, which on the demo comes from `bairn otp`.
    code = io.StringIO()
    with override_settings(DEBUG=True):
        call_command("otp", "headteacher", stdout=code)
    response = Api(None).client.post(
        "/api/v1/auth/token",
        {"username": "headteacher", "password": casestudy.PASSWORD, "otp": code.getvalue().strip()},
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
    other = Concern.objects.filter(child_ref=leeann.pk).exclude(agency=head.agency)
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


def test_that_friday_as_the_school_recorded_it(demo: str) -> None:
    start = friday_start()
    friday = Concern.objects.filter(summary__in={e.summary for e in casestudy.FRIDAY_ENTRIES})
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
    # The school's own entries held back: the report is the school's part (issue 9).
    held_back = (
        Concern.objects.filter(
            child_ref=leeann.pk, amended_by__isnull=True, agency=agency("school")
        )
        .filter(Q(withheld_from_family=True) | Q(restricted=True))
        .count()
    )
    assert {e["agency_name"] for e in report["entries"]} == {casestudy.AGENCY_NAMES["school"]}
    assert report["withheld_count"] == held_back
    assert report["entries"]  # everything else the family may be shown
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


def test_corinne_took_up_the_named_person_offer_for_both(demo: str) -> None:
    corinne = Person.objects.get(given_name="Corinne")
    for name, named in (("Leeann", "headteacher"), ("Trent", "healthvisitor")):
        record = get(Api(user(named)), f"/children/{child(name).pk}")
        assert record["named_person_offer"]["decision"] == "accepted"
        assert record["named_person_offer"]["given_by"] == str(corinne.pk)
        assert record["named_person_offer"]["decided_on"] < friday_start().date().isoformat()


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
    assert "Audit log holds" in out.getvalue()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"agency.create", "practitioner.create", "child.create", "people.add"} <= actions
    assert {"named_person.assign", "concern.create", "child.match"} <= actions


def test_the_ird_on_the_friday_evening(demo: str) -> None:
    leeann, trent = child("Leeann"), child("Trent")
    found = get(Api(user("sergeant")), f"/children/{leeann.pk}/child-protection")
    (ird,) = found["irds"]
    assert found["registration"] is None
    assert set(ird["participants"]) == {
        casestudy.AGENCY_NAMES[k] for k in ("police", "social_work", "health", "school")
    }
    assert ird["recorded_by"] == user("sergeant").display_name
    started = dt.datetime.fromisoformat(ird["started_at"])
    # After the school's disclosures (15:35), on the Friday evening, and not in the future.
    assert friday_start() + dt.timedelta(hours=15, minutes=35) < started <= timezone.now()
    assert started < friday_start() + dt.timedelta(days=1)
    for words in ("child protection disclosures", "health visitor", "attended a disturbance"):
        assert words in ird["information_shared"], words
    for words in (
        "joint police and social work investigation",
        "safety plan",
        "medical",
        "interview",
    ):
        assert words in ird["decisions"], words
    assert "stays with his brother" in ird["decisions"]
    # The partners' seniors and Leeann's Named Person and plan team see it; a constable
    # whose agency took part, but who is none of those, does not.
    for username in ("swmanager", "healthvisitor", "headteacher"):
        assert len(get(Api(user(username)), f"/children/{leeann.pk}/child-protection")["irds"]) == 1
    assert get(Api(user("constable")), f"/children/{leeann.pk}/child-protection")["irds"] == []
    assert Api(user("housing")).get(f"/children/{leeann.pk}/child-protection").status_code == 404
    # The police intelligence about Steve Munro stays restricted: the IRD only says it was
    # given.
    restricted = Concern.objects.get(child_ref=leeann.pk, restricted=True)
    teacher = Api(user("classteacher")).get(f"/children/{leeann.pk}/child-protection")
    assert teacher.status_code == 200
    assert "former partner" in restricted.detail
    assert "former partner" not in teacher.content.decode()
    assert Ird.objects.filter(child_ref=trent.pk).count() == 1
    # The Child Protection Planning Meeting is not held yet: nobody is registered, and the
    # command says when it is due.
    assert not RegisterEntry.objects.exists()
    due = started.date() + dt.timedelta(days=afterwards.CPPM_WITHIN_DAYS)
    assert f"Child Protection Planning Meeting is due by {due:%A %d %B %Y}" in " ".join(
        demo.split()
    )


def test_after_the_friday_nothing_is_in_the_future(demo: str) -> None:
    entries = after_friday()
    assert len(entries) == entry_count(afterwards.ENTRIES)
    disclosed = friday_start() + dt.timedelta(hours=15, minutes=35)
    now = timezone.now()
    for e in entries:
        assert disclosed < e.occurred_at < e.recorded_at <= now
    ird = Ird.objects.get(child_ref=child("Leeann").pk)
    assert all(e.occurred_at > ird.started_at for e in entries)
    for meeting in Meeting.objects.all():
        assert ird.started_at.date() <= meeting.held_on <= timezone.localdate()
    # The strengths are in the chronology after the Friday too.
    assert {e.impact for e in entries} >= {"positive", "negative"}


def test_leeanns_assessment(demo: str) -> None:
    leeann = child("Leeann")
    api = Api(user("socialworker"))
    (assessment,) = get(api, f"/children/{leeann.pk}/assessments")["assessments"]
    assert assessment["started_by"] == user("socialworker").display_name
    assert set(assessment["agencies"]) == {
        casestudy.AGENCY_NAMES[k] for k in ("social_work", "school", "health", "support")
    }
    indicators = assessment["indicators"]
    assert set(indicators) == set(Indicator.values)
    assert indicators["safe"]["rating"] == "significant_concern"
    # Strengths as well as concerns.
    school = casestudy.AGENCY_NAMES["school"]
    (achieving,) = [v for v in indicators["achieving"]["views"] if v["agency"] == school]
    assert achieving["rating"] == "strength"
    assert "art" in achieving["notes"]
    ratings = {v["rating"] for i in indicators.values() for v in i["views"]}
    assert ratings >= {"strength", "some_concern", "significant_concern"}
    # The school's view on every indicator; each view's evidence is entries its author sees.
    assert {c for c, i in indicators.items() for v in i["views"] if v["agency"] == school} == set(
        Indicator.values
    )
    seen: dict[str, set[str]] = {}
    views = [v for i in indicators.values() for v in i["views"]]
    for v in views:
        author = Practitioner.objects.get(full_name=v["author"])
        if author.username not in seen:
            listed = get(Api(author), f"/children/{leeann.pk}/chronology")["entries"]
            seen[author.username] = {e["id"] for e in listed}
        assert set(v["evidence_entry_ids"]) <= seen[author.username], v
    assert sum(1 for v in views if v["evidence_entry_ids"]) >= len(views) - 1
    assert set(assessment["my_world"]) <= {a.code for a in MY_WORLD_AREAS}
    assert {a.side for a in MY_WORLD_AREAS if a.code in assessment["my_world"]} == {
        "grow",
        "care",
        "world",
    }
    axes = {f["axis"] for f in assessment["resilience_matrix"]}
    assert axes == {"resilience", "vulnerability", "protective", "adversity"}
    assert set(assessment["five_questions"]) == {"1", "2", "3", "4", "5"}

    # The wellbeing wheel shows all eight indicators, each with a rating.
    response = api.get(f"/children/{leeann.pk}/wellbeing-wheel.svg")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    groups = {g.get("data-indicator") or "": g for g in root.iter(f"{SVG}g")}
    groups.pop("", None)
    assert set(groups) == set(Indicator.values)
    for code, g in groups.items():
        assert g.get("data-rating") == indicators[code]["rating"]
        words = [t.text or "" for t in g.iter(f"{SVG}text")]
        assert words[0] == Indicator(code).label
        assert "Not assessed" not in " ".join(words)
    assert api.get(f"/children/{leeann.pk}/resilience-matrix.svg").status_code == 200


def test_leeanns_plan(demo: str) -> None:
    leeann = child("Leeann")
    lead = user("socialworker")
    api = Api(lead)
    plan = get(api, f"/children/{leeann.pk}/plan")
    assert plan["version"] >= 2
    assert plan["lead_professional_id"] == str(lead.pk)
    needs = plan["needs"]
    assert {i for n in needs for i in n["indicators"]} >= {
        "safe",
        "nurtured",
        "achieving",
        "included",
        "healthy",
    }
    actions = [a for n in needs for a in n["actions"]]
    assert {a["agency"] for a in actions} == {
        casestudy.AGENCY_NAMES[k] for k in ("school", "health", "social_work", "support")
    }
    assert {a["status"] for a in actions} >= {"planned", "in_progress", "done"}
    for need in needs:
        assert need["description"]
        assert need["outcome"]
        assert need["evidence"]
        assert need["actions"]
    today = timezone.localdate()
    open_actions = [a for a in actions if a["status"] != "done"]
    assert all(dt.date.fromisoformat(a["due_on"]) > today for a in open_actions)
    review = dt.date.fromisoformat(plan["review_date"])
    assert today + dt.timedelta(days=30) < review < today + dt.timedelta(days=60)
    assert "I want to stay with my mum" in plan["child_views"]
    assert "Corinne" in plan["family_views"]
    assert "Steve Munro" in plan["family_views"]
    assert "does not agree" in plan["family_views"]
    assert plan["contingency"]
    assert plan["reason_for_plan"]

    # Version 1 by the Named Person, version 2 with the meeting's actions.
    versions = get(api, f"/children/{leeann.pk}/plan/versions")["versions"]
    assert [v["version"] for v in versions] == list(range(1, plan["version"] + 1))
    assert versions[0]["saved_by"] == user("headteacher").display_name
    assert versions[0]["changes"] == ["Plan made."]
    (meeting,) = get(api, f"/children/{leeann.pk}/meetings")["meetings"]
    assert meeting["family_attended"] is True
    assert user("headteacher").display_name in meeting["attendees"]
    (data,) = [m for m in afterwards.MEETINGS if m.child == "leeann"]
    changes = " ".join(versions[1]["changes"])
    for _, act in data.actions:
        assert f"Action added: {act.description[:40]}" in changes, act.description

    # The plan as a PDF, for meetings.
    response = api.get(f"/children/{leeann.pk}/plan.pdf")
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    assert f"Leeann {casestudy.FAMILY_NAME}" in text
    assert needs[0]["description"] in text
    assert f"Version {plan['version']}" in text

    # The Named Person and the plan's team see it; the class teacher, on Leeann's team
    # but not the plan's, does not (she sees the chronology), nor does an outsider.
    for username in ("headteacher", "assistant", "healthvisitor", "familysupport"):
        assert Api(user(username)).get(f"/children/{leeann.pk}/plan").status_code == 200
    teacher = Api(user("classteacher"))
    assert teacher.get(f"/children/{leeann.pk}/plan").status_code == 404
    assert teacher.get(f"/children/{leeann.pk}/plan.pdf").status_code == 404
    assert teacher.get(f"/children/{leeann.pk}/assessments").status_code == 404
    assert teacher.get(f"/children/{leeann.pk}/chronology").status_code == 200
    assert Api(user("housing")).get(f"/children/{leeann.pk}/plan").status_code == 404


def test_trents_assessment_and_plan(demo: str) -> None:
    trent = child("Trent")
    api = Api(user("healthvisitor"))
    (assessment,) = get(api, f"/children/{trent.pk}/assessments")["assessments"]
    assert set(assessment["agencies"]) == {
        casestudy.AGENCY_NAMES["health"],
        casestudy.AGENCY_NAMES["school"],
    }
    assert assessment["indicators"]["nurtured"]["rating"] == "significant_concern"
    assert assessment["indicators"]["active"]["rating"] == "strength"
    plan = get(api, f"/children/{trent.pk}/plan")
    assert plan["lead_professional"] == user("socialworker").display_name
    assert plan["version"] == 2
    assert len(plan["needs"]) >= 2
    assert "autism" in plan["family_views"]
    assert Api(user("nursery")).get(f"/children/{trent.pk}/plan").status_code == 200
    assert Api(user("housing")).get(f"/children/{trent.pk}/plan").status_code == 404
