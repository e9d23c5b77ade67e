"""Children and the people around them; Named Person and Lead Professional (DOMAIN §2)."""

from __future__ import annotations

import datetime as dt

from bairn.agencies.models import Involvement
from bairn.people.chi import make_chi
from bairn.people.models import Child
from tests.factories import Cast, practitioner


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
