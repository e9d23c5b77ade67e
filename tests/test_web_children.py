"""The pages for a child's record: recording a new child, the people around them, and who
their Named Person and Lead Professional are (issue 5; DOMAIN §2, §4.1). Each goes through
the access policy: the test shows who may and who may not."""

from __future__ import annotations

import datetime as dt

from django.utils.html import escape

from bairn.access.policy import current_assignee
from bairn.agencies.models import Involvement
from bairn.audit.models import AuditEvent
from bairn.people.chi import make_chi
from bairn.people.models import Child, ChildRelationship
from tests.factories import Cast, concern, practitioner
from tests.web import web_client

AVA_DOB = dt.date(2018, 9, 30)


def ava(**changes: str) -> dict[str, str]:
    return {
        "given_name": "Ava",
        "family_name": "Stone",
        "date_of_birth": AVA_DOB.strftime("%d/%m/%Y"),
        "chi_number": make_chi(AVA_DOB, 3, "female"),
        "sex": "female",
        "ethnicity": "White Scottish",
        "religion": "",
        "languages": "English, Scots",
        "address": "4 Mill Lane, Glenbrae",
        "postcode": "ky1 3cd",
        **changes,
    }


def test_a_practitioner_records_a_new_child_and_becomes_involved(cast: Cast) -> None:
    browser = web_client(cast.class_teacher)
    assert browser.get("/children/new").status_code == 200
    sent = browser.post("/children/new", ava())
    made = Child.objects.get(given_name="Ava")
    assert sent.status_code == 302
    assert sent["Location"] == f"/children/{made.pk}"
    assert made.chi_number == ava()["chi_number"]
    assert made.languages == ["English", "Scots"]
    assert made.postcode == "KY1 3CD"
    assert Involvement.objects.filter(
        child_ref=made.pk, practitioner=cast.class_teacher, basis="created_record"
    ).exists()
    shown = browser.get(f"/children/{made.pk}").content.decode()
    assert "Ava Stone" in shown
    assert "English, Scots" in shown
    assert "Leeann" not in shown


def test_a_new_child_with_mistakes_is_not_recorded(cast: Cast) -> None:
    browser = web_client(cast.class_teacher)
    wrong_check_digit = ava()["chi_number"][:9] + str((int(ava()["chi_number"][9]) + 1) % 10)
    cases = {
        "chi_number": ava(chi_number=wrong_check_digit),
        "date_of_birth": ava(date_of_birth="31/02/2018"),
        "given_name": ava(given_name=""),
        "languages": ava(languages=",".join(f"L{n}" for n in range(11))),
    }
    for name, body in cases.items():
        answer = browser.post("/children/new", body)
        assert answer.status_code == 200, name
        assert f'id="id_{name}_error"' in answer.content.decode(), name
    future = ava(date_of_birth=(dt.date.today() + dt.timedelta(days=3)).strftime("%d/%m/%Y"))
    assert "cannot be in the future" in browser.post("/children/new", future).content.decode()
    assert not Child.objects.filter(given_name="Ava").exists()


def test_a_child_already_known_by_chi_is_not_recorded_twice(cast: Cast) -> None:
    browser = web_client(cast.charlie)
    answer = browser.post(
        "/children/new",
        ava(
            given_name="Leeann",
            family_name="Cairns",
            date_of_birth=cast.leeann.date_of_birth.strftime("%d/%m/%Y"),
            chi_number=cast.leeann.chi_number or "",
        ),
    )
    page = answer.content.decode()
    assert answer.status_code == 200
    assert "already known to Bairn" in page
    assert Child.objects.filter(given_name="Leeann").count() == 1
    # Charlie learns nothing more of Leeann than the match would tell him.
    assert str(cast.leeann.pk) not in page


def test_an_administrator_does_not_record_children(cast: Cast) -> None:
    browser = web_client(cast.admin)
    assert browser.get("/children/new").status_code == 403
    assert browser.post("/children/new", ava()).status_code == 403
    assert not Child.objects.filter(given_name="Ava").exists()


MAGGIE = {
    "given_name": "Maggie",
    "family_name": "Doyle",
    "date_of_birth": "04/06/1986",
    "relationship": "family_friend",
    "stays_overnight": "on",
    "caring_role": "Babysits and stays over most weekends",
}


def test_the_people_around_a_child_are_added_from_the_childs_page(cast: Cast) -> None:
    browser = web_client(cast.head_teacher)
    child_page = f"/children/{cast.leeann.pk}"
    assert f"{child_page}/people/new" in browser.get(child_page).content.decode()
    sent = browser.post(f"{child_page}/people/new", MAGGIE)
    assert sent.status_code == 302
    maggie = ChildRelationship.objects.get(child=cast.leeann, person__given_name="Maggie")
    assert (maggie.relationship, maggie.parental_responsibility) == ("family_friend", False)
    assert (maggie.lives_with, maggie.stays_overnight) == (False, True)
    shown = browser.get(child_page).content.decode()
    assert "Maggie Doyle" in shown
    assert "Babysits and stays over most weekends" in shown


def test_a_person_with_mistakes_is_not_added(cast: Cast) -> None:
    browser = web_client(cast.head_teacher)
    url = f"/children/{cast.leeann.pk}/people/new"
    for name, body in {
        "relationship": {**MAGGIE, "relationship": "neighbour"},
        "family_name": {**MAGGIE, "family_name": ""},
        "date_of_birth": {**MAGGIE, "date_of_birth": "01/01/2999"},
    }.items():
        answer = browser.post(url, body)
        assert answer.status_code == 200, name
        assert f'id="id_{name}_error"' in answer.content.decode(), name
    assert not ChildRelationship.objects.filter(child=cast.leeann).exists()


def test_someone_not_involved_cannot_see_or_add_to_the_household(cast: Cast) -> None:
    browser = web_client(cast.charlie)
    url = f"/children/{cast.leeann.pk}/people/new"
    assert browser.get(url).status_code == 404
    assert browser.post(url, MAGGIE).status_code == 404
    assert not ChildRelationship.objects.filter(child=cast.leeann).exists()
    assert AuditEvent.objects.filter(
        actor_id=cast.charlie.pk, action="people.add", outcome="refused"
    ).exists()


def test_the_named_person_hands_over_to_another_named_person(cast: Cast) -> None:
    deputy = practitioner(
        cast.admin, "deputy", "Iain Deputy", cast.school, "named_person", "practitioner"
    )
    browser = web_client(cast.head_teacher)
    url = f"/children/{cast.leeann.pk}/named-person"
    assert url in browser.get(f"/children/{cast.leeann.pk}").content.decode()
    form = browser.get(url).content.decode()
    # Only those who hold the role are offered: the head teacher, the deputy and the
    # health visitor; not the class teacher.
    assert "Iain Deputy" in form
    assert escape("Fiona McLeod") in form
    assert "Tom Baird" not in form
    refused = browser.post(url, {"practitioner": str(cast.class_teacher.pk)})
    assert "Select a valid choice" in refused.content.decode()
    assert current_assignee(cast.leeann.pk, "named_person") == cast.head_teacher
    done = browser.post(url, {"practitioner": str(deputy.pk)})
    assert done.status_code == 302
    assert current_assignee(cast.leeann.pk, "named_person") == deputy
    assert Involvement.objects.filter(
        child_ref=cast.leeann.pk, practitioner=deputy, basis="named_person", ended_at=None
    ).exists()


def test_who_may_change_the_named_person_and_lead_professional(cast: Cast) -> None:
    concern(cast.class_teacher, cast.leeann)  # involved, but neither assignee nor senior
    teacher = web_client(cast.class_teacher)
    child_page = teacher.get(f"/children/{cast.leeann.pk}").content.decode()
    assert '/named-person"' not in child_page
    # No Lead Professional yet: anyone involved may ask one to take the role.
    assert "/lead-professional" in child_page
    answer = teacher.post(
        f"/children/{cast.leeann.pk}/named-person", {"practitioner": str(cast.class_teacher.pk)}
    )
    assert answer.status_code == 403
    assert "only the current Named Person or a senior" in answer.content.decode()
    assert current_assignee(cast.leeann.pk, "named_person") == cast.head_teacher
    outsider = web_client(cast.charlie)
    for role in ("named-person", "lead-professional"):
        assert outsider.get(f"/children/{cast.leeann.pk}/{role}").status_code == 404
    lead = teacher.post(
        f"/children/{cast.leeann.pk}/lead-professional",
        {"practitioner": str(cast.social_worker.pk)},
    )
    assert lead.status_code == 302
    assert current_assignee(cast.leeann.pk, "lead_professional") == cast.social_worker
