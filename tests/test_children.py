"""Children and the people around them; Named Person and Lead Professional (DOMAIN §2)."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bairn.agencies.models import Involvement
from bairn.agencies.services import add_to_team, assign, involve
from bairn.audit.models import AuditEvent
from bairn.people import services
from bairn.people.chi import make_chi
from bairn.people.models import Child
from tests.factories import LEEANN_DOB, Api, Cast, practitioner
from tests.web import web_client


def test_create_child_makes_the_creator_involved(cast: Cast) -> None:
    api = cast.api("class_teacher")
    body = {
        "given_name": "Ava",
        "family_name": "Stone",
        "date_of_birth": "2018-09-30",
        "chi_number": make_chi(dt.date(2018, 9, 30), 3, "female"),
        "sex": "female",
        "ethnicity": "White Scottish",
        "religion": "None",
        "languages": ["English", "Scots"],
        "address": "4 Mill Lane, Glenbrae",
        "postcode": "ky1 3cd",
    }
    response = api.post("/children", body)
    assert response.status_code == 201, response.content
    child = response.json()
    assert child["postcode"] == "KY1 3CD"
    assert child["languages"] == ["English", "Scots"]
    assert child["your_involvement"] == ["created_record"]
    assert api.get(f"/children/{child['id']}").json()["given_name"] == "Ava"
    listed = api.get("/children").json()
    assert [c["given_name"] for c in listed] == ["Ava"]
    # The child lives in the identity store only.
    assert Child.objects.using("identity").filter(pk=child["id"]).exists()


def test_household_holds_legal_ties_and_practical_care_apart(cast: Cast) -> None:
    api = cast.api("head_teacher")
    base = f"/children/{cast.leeann.pk}/people"
    corinne = api.post(
        base,
        {
            "given_name": "Corinne",
            "family_name": "Cairns",
            "date_of_birth": "1997-02-11",
            "relationship": "mother",
            "parental_responsibility": True,
            "lives_with": True,
            "stays_overnight": False,
        },
    )
    assert corinne.status_code == 201, corinne.content
    maggie = api.post(
        base,
        {
            "given_name": "Maggie",
            "family_name": "Doyle",
            "relationship": "family_friend",
            "parental_responsibility": False,
            "lives_with": False,
            "stays_overnight": True,
            "caring_role": "Looks after the children most weekends and some school nights",
        },
    )
    assert maggie.status_code == 201
    people = api.get(base).json()["people"]
    by_name = {p["given_name"]: p for p in people}
    assert by_name["Maggie"]["parental_responsibility"] is False
    assert by_name["Maggie"]["stays_overnight"] is True
    assert "weekends" in by_name["Maggie"]["caring_role"]
    assert by_name["Corinne"]["parental_responsibility"] is True

    # The same Corinne is Trent's mother too: one person, two relationships.
    hv = cast.api("health_visitor")
    assign_resp = hv.post(
        f"/children/{cast.trent.pk}/people",
        {
            "person_id": corinne.json()["id"],
            "relationship": "mother",
            "parental_responsibility": True,
            "lives_with": True,
            "stays_overnight": False,
        },
    )
    # The health visitor is not involved with Leeann, so Corinne is not known to her
    # through any child she may see.
    assert assign_resp.status_code == 422
    assert assign_resp.json()["errors"][0]["field"] == "person_id"
    api.post(f"/children/{cast.trent.pk}/involvement", {"reason": "Family of a pupil; sibling"})
    again = api.post(
        f"/children/{cast.trent.pk}/people",
        {
            "person_id": corinne.json()["id"],
            "relationship": "mother",
            "parental_responsibility": True,
            "lives_with": True,
            "stays_overnight": False,
        },
    )
    assert again.status_code == 201
    assert again.json()["id"] == corinne.json()["id"]
    twice = api.post(
        f"/children/{cast.trent.pk}/people",
        {
            "person_id": corinne.json()["id"],
            "relationship": "mother",
            "parental_responsibility": True,
            "lives_with": True,
            "stays_overnight": False,
        },
    )
    assert twice.status_code == 409


def test_named_person_handover(cast: Cast) -> None:
    depute = practitioner(cast.admin, "depute", "Depute Head", cast.school, "named_person")
    api = cast.api("head_teacher")
    response = api.put(
        f"/children/{cast.leeann.pk}/named-person", {"practitioner_id": str(depute.pk)}
    )
    assert response.status_code == 200, response.content
    assert response.json()["practitioner"]["name"] == "Depute Head"
    child = api.get(f"/children/{cast.leeann.pk}").json()
    assert child["named_person"]["name"] == "Depute Head"
    assert "named_person" not in child["your_involvement"]
    current = Involvement.objects.filter(
        practitioner=depute, child_ref=cast.leeann.pk, ended_at__isnull=True
    )
    assert [i.basis for i in current] == ["named_person"]
    ended = Involvement.objects.get(practitioner=cast.head_teacher, basis="named_person")
    assert ended.ended_at is not None


def test_only_holders_of_the_role_can_be_assigned(cast: Cast) -> None:
    api = cast.api("head_teacher")
    response = api.put(
        f"/children/{cast.leeann.pk}/lead-professional",
        {"practitioner_id": str(cast.class_teacher.pk)},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "practitioner_id"
    response = api.put(
        f"/children/{cast.leeann.pk}/lead-professional",
        {"practitioner_id": str(cast.social_worker.pk)},
    )
    assert response.status_code == 200
    # The Lead Professional is now involved and is the family's point of contact.
    sw = cast.api("social_worker")
    assert sw.get(f"/children/{cast.leeann.pk}").json()["lead_professional"]["name"] == (
        "Chris Devlin"
    )


# --- who may change a Named Person (DOMAIN §1; issue 9) -------------------------------


def _put_named_person(cast: Cast, who: str | Api, to: object) -> Any:
    api = cast.api(who) if isinstance(who, str) else who
    return api.put(f"/children/{cast.leeann.pk}/named-person", {"practitioner_id": str(to)})


def test_a_senior_of_another_agency_cannot_change_the_named_person(cast: Cast) -> None:
    """A police sergeant, involved, could make anyone Leeann's Named Person."""
    add_to_team(cast.head_teacher, cast.leeann.pk, cast.police_sergeant.pk, reason="IRD")
    refused = _put_named_person(cast, "police_sergeant", cast.health_visitor.pk)
    assert refused.status_code == 403, refused.content
    reasons = " ".join(refused.json()["reasons"])
    assert "Named Person's own agency" in reasons
    assert "transition" in reasons
    assert AuditEvent.objects.filter(
        action="named_person.assign", outcome="refused", actor="sgt_murray"
    ).exists()
    child = cast.api("head_teacher").get(f"/children/{cast.leeann.pk}").json()
    assert child["named_person"]["name"] == "Elaine Ross"


def test_the_named_person_hands_over_only_within_their_agency(cast: Cast) -> None:
    refused = _put_named_person(cast, "head_teacher", cast.health_visitor.pk)
    assert refused.status_code == 403, refused.content
    assert "transition" in " ".join(refused.json()["reasons"])
    assert AuditEvent.objects.filter(
        action="named_person.assign", outcome="refused", actor="ross"
    ).exists()
    # A colleague without the role cannot be the Named Person either.
    assert _put_named_person(cast, "head_teacher", cast.class_teacher.pk).status_code == 422
    depute = practitioner(cast.admin, "depute", "Depute Head", cast.school, "named_person")
    assert _put_named_person(cast, "head_teacher", depute.pk).status_code == 200


def test_a_senior_of_the_named_persons_agency_may_change_it(cast: Cast) -> None:
    depute = practitioner(cast.admin, "depute", "Depute Head", cast.school, "named_person")
    lead = Api(practitioner(cast.admin, "dhead", "Deputy Lead", cast.school, "senior"))
    assert lead.user is not None
    add_to_team(cast.head_teacher, cast.leeann.pk, lead.user.pk, reason="Depute")
    assert _put_named_person(cast, "head_teacher", depute.pk).status_code == 200
    # Now the depute is Named Person; the school's senior may change it back, not to
    # another agency's.
    assert _put_named_person(cast, lead, cast.health_visitor.pk).status_code == 403
    assert _put_named_person(cast, lead, cast.head_teacher.pk).status_code == 200
    # An involved colleague who is neither may not.
    add_to_team(cast.head_teacher, cast.leeann.pk, cast.class_teacher.pk, reason="Class")
    assert _put_named_person(cast, "class_teacher", depute.pk).status_code == 403


def test_without_a_named_person_an_involved_practitioner_assigns_one_with_the_role(
    cast: Cast,
) -> None:
    child = cast.api("police_officer").post(
        "/children", {"given_name": "Ava", "family_name": "Stone", "date_of_birth": "2019-01-05"}
    )
    assert child.status_code == 201
    path = f"/children/{child.json()['id']}/named-person"
    officer = cast.api("police_officer")
    assert officer.put(path, {"practitioner_id": str(cast.police_officer.pk)}).status_code == 422
    assert officer.put(path, {"practitioner_id": str(cast.health_visitor.pk)}).status_code == 200


def test_the_named_person_page_offers_only_colleagues(cast: Cast) -> None:
    depute = practitioner(cast.admin, "depute", "Depute Head", cast.school, "named_person")
    head = web_client(cast.head_teacher)
    url = f"/children/{cast.leeann.pk}/named-person"
    form = head.get(url).content.decode()
    assert "Depute Head" in form
    assert "Fiona McLeod" not in form
    refused = head.post(url, {"practitioner": str(cast.health_visitor.pk)})
    assert refused.status_code == 200
    assert (
        "Fiona McLeod"
        not in cast.api("head_teacher")
        .get(f"/children/{cast.leeann.pk}")
        .json()["named_person"]["name"]
    )
    assert head.post(url, {"practitioner": str(depute.pk)}).status_code == 302


# --- duplicate children (issue 9) -----------------------------------------------------

LEEANN_AGAIN = {
    "given_name": "leeann ",
    "family_name": "CAIRNS",
    "date_of_birth": "2017-03-14",
    "postcode": "ky12ab",
}


def test_a_child_already_known_is_not_recorded_twice(cast: Cast) -> None:
    before = Child.objects.count()
    response = cast.api("police_officer").post("/children", LEEANN_AGAIN)
    assert response.status_code == 409, response.content
    body = response.json()
    assert "already known" in body["detail"]
    assert body["way_on"]["find_named_person"].startswith("POST /api/v1/children/match")
    assert "ask_to_be_involved" in body["way_on"]
    assert str(cast.leeann.pk) not in response.content.decode()
    assert Child.objects.count() == before
    assert AuditEvent.objects.filter(
        action="child.create", outcome="refused", actor="pc_wallace"
    ).exists()
    # By CHI number too, whatever the names.
    chi = cast.api("police_officer").post(
        "/children",
        {
            "given_name": "Lee",
            "family_name": "Cairns",
            "date_of_birth": "2017-03-14",
            "chi_number": cast.leeann.chi_number,
        },
    )
    assert chi.status_code == 409
    assert chi.json()["errors"][0]["field"] == "chi_number"
    # Another postcode is another child.
    other = cast.api("police_officer").post("/children", {**LEEANN_AGAIN, "postcode": "KY1 9ZZ"})
    assert other.status_code == 201


def test_the_new_child_page_offers_the_way_on(cast: Cast) -> None:
    officer = web_client(cast.police_officer)
    page = officer.post(
        "/children/new",
        {**LEEANN_AGAIN, "date_of_birth": "14/03/2017"},
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "already known to Bairn" in html
    assert 'action="/find"' in html
    assert Child.objects.filter(given_name_key="leeann").count() == 1
    found = officer.post(
        "/find",
        {
            "given_name": "leeann ",
            "family_name": "CAIRNS",
            "date_of_birth": "2017-03-14",
            "postcode": "ky12ab",
            "chi_number": "",
        },
    )
    assert "Elaine Ross" in found.content.decode()


def test_a_duplicate_made_before_the_rule_still_finds_the_named_persons(cast: Cast) -> None:
    """Two records of one child (made before duplicates were refused): the match answers
    with the Named Person of the oldest record, and lists both."""
    twin = Child.objects.create(
        given_name="Leeann", family_name="Cairns", date_of_birth=LEEANN_DOB, postcode="KY1 2AB"
    )
    involve(cast.health_visitor, twin.pk, "created_record")
    assign(cast.health_visitor, twin.pk, "named_person", cast.health_visitor.pk)
    response = cast.api("charlie").post("/children/match", LEEANN_AGAIN)
    body = response.json()
    assert body["matched"] is True
    assert body["named_person"]["name"] == "Elaine Ross"  # Leeann's first record
    assert [p["name"] for p in body["named_persons"]] == ["Elaine Ross", "Fiona McLeod"]
    page = web_client(cast.charlie).post(
        "/find", {**LEEANN_AGAIN, "date_of_birth": "14/03/2017", "chi_number": ""}
    )
    assert "recorded more than once" in page.content.decode()
    assert "Fiona McLeod" in page.content.decode()


# --- the match is no oracle (DOMAIN §4.2; issue 9) ------------------------------------


def test_a_burst_of_matches_is_refused_and_audited(cast: Cast, settings: Any) -> None:
    settings.BAIRN_MATCH_LIMIT = 3
    charlie = cast.api("charlie")
    guesses = [{**LEEANN_AGAIN, "date_of_birth": f"2017-03-{day:02d}"} for day in (11, 12, 13)]
    for guess in guesses:
        assert charlie.post("/children/match", guess).status_code == 200
    refused = charlie.post("/children/match", LEEANN_AGAIN)
    assert refused.status_code == 429, refused.content
    assert "Try again in 10 minutes" in refused.json()["detail"]
    assert refused["Retry-After"] == "600"
    event = AuditEvent.objects.filter(action="child.match", actor="charlie").order_by("seq")
    assert [e.outcome for e in event] == ["allowed"] * 3 + ["refused"]
    assert "too many searches" in event.last().reason  # type: ignore[union-attr]
    assert event.last().child_id == ""  # type: ignore[union-attr]
    # Another practitioner is not held back, and the page says why it refuses.
    assert cast.api("police_officer").post("/children/match", LEEANN_AGAIN).status_code == 200
    page = web_client(cast.charlie).post(
        "/find", {**LEEANN_AGAIN, "date_of_birth": "14/03/2017", "chi_number": ""}
    )
    assert page.status_code == 200
    assert "Too many searches" in page.content.decode()
    assert "Elaine Ross" not in page.content.decode()


def test_the_window_passes(cast: Cast, settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.BAIRN_MATCH_LIMIT = 1
    charlie = cast.api("charlie")
    assert charlie.post("/children/match", LEEANN_AGAIN).status_code == 200
    assert charlie.post("/children/match", LEEANN_AGAIN).status_code == 429
    later = timezone.now() + dt.timedelta(minutes=11)  # the audit itself cannot be changed
    monkeypatch.setattr(services, "timezone", SimpleNamespace(now=lambda: later))
    assert charlie.post("/children/match", LEEANN_AGAIN).status_code == 200


def _answer(cast: Cast, body: dict[str, str]) -> tuple[list[str], list[AuditEvent]]:
    before = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    api = cast.api("charlie")
    with (
        CaptureQueriesContext(connections["default"]) as default,
        CaptureQueriesContext(connections["identity"]) as identity,
    ):
        assert api.post("/children/match", body).status_code == 200
    shapes = [_shape(q["sql"]) for q in [*default.captured_queries, *identity.captured_queries]]
    return shapes, list(AuditEvent.objects.filter(seq__gt=before).order_by("seq"))


def _shape(sql: str) -> str:
    """A query without its values: what the database is asked, not about whom."""
    return re.sub(r"'[^']*'|\"s\d+_x\d+\"|\b[0-9a-f]{32}\b|\b\d+\b", "?", sql)


def test_a_miss_takes_the_same_path_as_a_hit(cast: Cast) -> None:
    cast.api("charlie").get("/me")  # the token made and first used outside what is measured
    hit_queries, hit_events = _answer(cast, LEEANN_AGAIN)
    miss_queries, miss_events = _answer(cast, {**LEEANN_AGAIN, "given_name": "Leanne"})
    assert hit_queries == miss_queries
    assert len(hit_events) == len(miss_events) == 1
    (hit,), (miss,) = hit_events, miss_events

    def shape(e: AuditEvent) -> tuple[object, ...]:
        return (e.action, e.outcome, e.object, e.purpose, e.flagged, e.actor, e.agency_id)

    assert shape(hit) == shape(miss)
    assert hit.child_id == str(cast.leeann.pk)  # the search is on the child's record
    assert (hit.reason, miss.reason) == ("matched 1 record", "matched 0 records")
