"""The pages for a child's record: recording a new child, the people around them, and who
their Named Person and Lead Professional are (issue 5; DOMAIN §2, §4.1). Each goes through
the access policy: the test shows who may and who may not."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils.html import escape

from bairn.access.policy import current_assignee
from bairn.agencies.models import Involvement
from bairn.agencies.services import add_to_team
from bairn.audit.models import AuditEvent
from bairn.people.chi import make_chi
from bairn.people.models import Child, ChildRelationship
from tests.factories import Cast, concern, corinne, practitioner
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
    # Only colleagues of the Named Person's agency who hold the role are offered: the
    # deputy; not the class teacher, nor the health visitor of another agency (that
    # would be a transition, with a receipt).
    assert "Iain Deputy" in form
    assert escape("Fiona McLeod") not in form
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
    # On the team, but neither assignee nor senior.
    add_to_team(cast.head_teacher, cast.leeann.pk, cast.class_teacher.pk, reason="Class teacher")
    teacher = web_client(cast.class_teacher)
    child_page = teacher.get(f"/children/{cast.leeann.pk}").content.decode()
    assert '/named-person"' not in child_page
    # No Lead Professional yet: anyone involved may ask one to take the role.
    assert "/lead-professional" in child_page
    answer = teacher.post(
        f"/children/{cast.leeann.pk}/named-person", {"practitioner": str(cast.class_teacher.pk)}
    )
    assert answer.status_code == 403
    assert "only the Named Person or a senior of their agency" in answer.content.decode()
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


# --- "Who works with this child": who, their agency and role, nothing they recorded -----

JOINED = "Attended an incident at the family home; child concern report"


def _team_section(html: str) -> str:
    return html.split("Who works with")[1].split('id="chronology"')[0]


def test_who_works_with_the_child_shows_who_agency_and_role_only(cast: Cast) -> None:
    add_to_team(cast.head_teacher, cast.leeann.pk, cast.police_officer.pk, reason=JOINED)
    # Police record a restricted child protection concern: their senior is involved, as
    # told of it; nobody outside police may learn that such an entry exists.
    concern(
        cast.police_officer,
        cast.leeann,
        "Intelligence about an adult in the household",
        significance="child_protection",
        restricted=True,
    )
    assert Involvement.objects.filter(
        child_ref=cast.leeann.pk, practitioner=cast.police_sergeant, ended_at=None
    ).exists()
    school = _team_section(
        web_client(cast.head_teacher).get(f"/children/{cast.leeann.pk}").content.decode()
    )
    assert "PC Jamie Wallace" in school
    assert "Police Scotland" in school
    assert "Working with the child" in school
    assert escape(JOINED) not in school
    assert "DS Karen Murray" not in school
    assert "child protection concern" not in school
    # The API's list is the same read.
    team = cast.api("head_teacher").get(f"/children/{cast.leeann.pk}/team").json()["team"]
    assert {m["practitioner"]["name"] for m in team} == {"Elaine Ross", "PC Jamie Wallace"}
    assert {m["team_reason"] for m in team} == {""}
    # Within police, who is involved and why is police's own.
    police = _team_section(
        web_client(cast.police_sergeant).get(f"/children/{cast.leeann.pk}").content.decode()
    )
    assert escape(JOINED) in police
    assert "DS Karen Murray" in police


def test_the_childs_page_offers_only_what_the_viewer_may_do(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bairn.access import policy

    corinne(cast)
    add = f"/children/{cast.leeann.pk}/people/new"
    child_page = f"/children/{cast.leeann.pk}"
    head = web_client(cast.head_teacher)
    shown = head.get(child_page).content.decode()
    assert "/change" in shown
    assert add in shown
    # A policy under which the household is read but not changed: the page offers no
    # change, and the forms refuse.
    decide = policy.decide
    withheld = {policy.Action.PEOPLE_CHANGE, policy.Action.PEOPLE_ADD}

    def refusing(actor: Any, action: Any, **kwargs: Any) -> Any:
        if action in withheld:
            return policy.Decision.forbid("not in this test's policy")
        return decide(actor, action, **kwargs)

    monkeypatch.setattr(policy, "decide", refusing)
    shown = head.get(child_page).content.decode()
    assert "Corinne Cairns" in shown
    assert "/change" not in shown
    assert add not in shown
    assert head.get(add).status_code == 403


def test_the_home_page_lists_my_children_through_the_policy_as_the_api_does(cast: Cast) -> None:
    """One read for the page and GET /children: the same children, audited once."""
    add_to_team(cast.head_teacher, cast.leeann.pk, cast.police_officer.pk, reason="Community")
    officer = web_client(cast.police_officer)
    before = AuditEvent.objects.count()
    home = officer.get("/").content.decode()
    written = list(AuditEvent.objects.order_by("seq")[before:].values_list("action", "outcome"))
    assert written.count(("child.list", "allowed")) == 1
    assert "Leeann Cairns" in home
    assert "Trent" not in home
    listed = cast.api("police_officer").get("/children").json()
    assert [(c["given_name"], c["your_involvement"]) for c in listed] == [
        ("Leeann", ["team_member"])
    ]
    # An administrator works with no child's record: the home page lists none, and
    # refuses nothing.
    before = AuditEvent.objects.count()
    assert web_client(cast.admin).get("/").status_code == 200
    assert not AuditEvent.objects.filter(seq__gt=before, outcome="refused").exists()


def test_every_form_takes_a_date_as_any_other_does(cast: Cast) -> None:
    """One date field for the pages: a date the plan's form takes (14.03.2017), finding
    a child takes too."""
    from bairn.web.forms import UkDateField

    for typed in ("14/03/2017", "2017-03-14", "14 03 2017", "14-03-2017", "14.03.2017"):
        assert UkDateField().clean(typed) == dt.date(2017, 3, 14), typed
        found = web_client(cast.charlie).post(
            "/find",
            {
                "given_name": "Leeann",
                "family_name": "Cairns",
                "date_of_birth": typed,
                "postcode": "KY1 2AB",
            },
        )
        assert found.status_code == 200
        assert "Elaine Ross" in found.content.decode(), typed


def test_recording_without_being_involved_lands_on_the_recorders_own_entry(cast: Cast) -> None:
    """Recording is not reading (DOMAIN §4.1): the nursery teacher records about Leeann,
    whom her school knows; she is not sent to Leeann's page (which is not found to her)
    but shown who was told and her own entry."""
    concern(cast.head_teacher, cast.leeann, "Leeann upset at drop-off")
    nursery = web_client(cast.nursery_teacher)
    form = nursery.get(f"/children/{cast.leeann.pk}/concerns/new").content.decode()
    assert f'href="/children/{cast.leeann.pk}"' not in form  # no way back to a 404
    sent = nursery.post(
        f"/children/{cast.leeann.pk}/concerns/new",
        {
            "occurred_at": "12/06/2026 08:50",
            "summary": "Leeann brought Trent to nursery alone",
            "source": "observation",
            "indicators": ["safe"],
            "impact": "negative",
            "significance": "medium",
        },
    )
    assert sent.status_code == 302, sent.content.decode()
    assert sent["Location"].startswith("/concerns/")
    page = nursery.get(sent["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert escape(
        "The concern is recorded. Elaine Ross, Leeann's Named Person, has been told."
    ) in (html)
    assert "Leeann brought Trent to nursery alone" in html
    assert "You recorded it" in html
    assert "Leeann upset at drop-off" not in html
    assert nursery.get(f"/children/{cast.leeann.pk}").status_code == 404
    # Someone involved goes back to the child's page, as before.
    head = web_client(cast.head_teacher)
    again = head.post(
        f"/children/{cast.leeann.pk}/concerns/new",
        {
            "occurred_at": "12/06/2026 09:10",
            "summary": "Spoke with Leeann",
            "source": "observation",
            "indicators": ["safe"],
            "impact": "neutral",
            "significance": "low",
        },
    )
    assert again["Location"] == f"/children/{cast.leeann.pk}"


def test_a_child_the_identity_store_no_longer_holds_is_not_found(cast: Cast) -> None:
    """Involved in the main store, gone from the identity store (an older backup restored
    there): the page is not found, never a 500."""
    browser = web_client(cast.head_teacher)
    Child.objects.filter(pk=cast.leeann.pk).delete()
    assert browser.get(f"/children/{cast.leeann.pk}/people/new").status_code == 404
