"""The family's answer to the offer of a Named Person (DOMAIN §2): "A family may decline
the Named Person offer; that is recorded, and is not in itself a concern."

Leeann is 9: her mother Corinne (parental responsibility) answers for her; Maggie, the
family friend who cares for her, cannot."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from bairn.agencies.models import NamedPersonOffer
from bairn.audit.models import AuditEvent
from bairn.chronology.models import Concern
from bairn.notify.models import Notification
from bairn.people.services import add_person, create_child
from tests.factories import Cast, corinne
from tests.web import web_client


def household(cast: Cast) -> dict[str, str]:
    mother = corinne(cast)
    maggie = add_person(
        cast.head_teacher,
        cast.leeann.pk,
        given_name="Maggie",
        family_name="Doyle",
        relationship="family_friend",
        parental_responsibility=False,
        lives_with=False,
        stays_overnight=True,
        caring_role="Babysits and stays over",
    )
    return {"corinne": mother, "maggie": str(maggie.person_id)}


def test_a_declined_offer_is_recorded_and_is_not_a_concern(cast: Cast) -> None:
    people = household(cast)
    api = cast.api("head_teacher")
    notifications, entries = Notification.objects.count(), Concern.objects.count()
    answer = api.post(
        f"/children/{cast.leeann.pk}/named-person-offer",
        {
            "decision": "declined",
            "given_by": people["corinne"],
            "decided_on": "2026-09-01",
            "note": "Says the family has enough people involved already.",
        },
    )
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["decision"] == "declined"
    assert body["given_by"] == people["corinne"]
    assert body["decided_on"] == "2026-09-01"
    assert body["recorded_by"] == "Elaine Ross"
    record = api.get(f"/children/{cast.leeann.pk}").json()
    assert record["named_person_offer"]["id"] == body["id"]
    # The Named Person stays the school's point of contact; nobody is alerted about it and
    # nothing enters the chronology.
    assert record["named_person"]["name"] == "Elaine Ross"
    assert Notification.objects.count() == notifications
    assert Concern.objects.count() == entries
    assert AuditEvent.objects.filter(
        action="named_person.offer", object=f"named_person_offer:{body['id']}"
    ).exists()


def test_a_later_answer_supersedes_and_the_earlier_stays(cast: Cast) -> None:
    people = household(cast)
    api = cast.api("head_teacher")
    url = f"/children/{cast.leeann.pk}/named-person-offer"
    first = api.post(url, {"decision": "declined", "given_by": people["corinne"]}).json()
    later = api.post(url, {"decision": "accepted", "given_by": people["corinne"]}).json()
    assert first["decided_on"] == dt.date.today().isoformat()
    assert api.get(f"/children/{cast.leeann.pk}").json()["named_person_offer"]["id"] == later["id"]
    history = api.get(url).json()["answers"]
    assert [a["decision"] for a in history] == ["declined", "accepted"]


def test_a_child_old_enough_answers_for_herself(cast: Cast) -> None:
    api = cast.api("class_teacher")
    born = dt.date.today().replace(year=dt.date.today().year - 13) - dt.timedelta(days=2)
    made = api.post(
        "/children",
        {"given_name": "Skye", "family_name": "Reid", "date_of_birth": born.isoformat()},
    ).json()
    answer = api.post(
        f"/children/{made['id']}/named-person-offer",
        {"decision": "declined", "given_by": "child"},
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["given_by"] == "child"


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"given_by": "maggie"}, "given_by", "no parental responsibility"),
        ({"given_by": "child"}, "given_by", "Leeann is 9"),
        ({"given_by": "not-a-person"}, "given_by", "Give 'child' or the id"),
        ({"decided_on": "2199-01-01"}, "decided_on", "future"),
        ({"decided_on": "2001-01-01"}, "decided_on", "before the child was born"),
        ({"decision": "maybe"}, "decision", ""),
        ({"reason": "unknown field"}, "reason", ""),
    ],
)
def test_bad_answers_are_refused_naming_the_field(
    cast: Cast, change: dict[str, Any], field: str, words: str
) -> None:
    people = household(cast)
    body: dict[str, Any] = {"decision": "declined", "given_by": people["corinne"], **change}
    body["given_by"] = people.get(body["given_by"], body["given_by"])
    answer = cast.api("head_teacher").post(f"/children/{cast.leeann.pk}/named-person-offer", body)
    assert answer.status_code in (400, 422), answer.content
    errors = answer.json()["errors"]
    assert any(e["field"] == field and words in e["message"] for e in errors), errors
    assert not NamedPersonOffer.objects.exists()


def test_someone_not_involved_learns_nothing_and_records_nothing(cast: Cast) -> None:
    people = household(cast)
    api = cast.api("charlie")
    url = f"/children/{cast.leeann.pk}/named-person-offer"
    assert api.post(url, {"decision": "declined", "given_by": people["corinne"]}).status_code == 404
    assert api.get(url).status_code == 404
    assert cast.api("admin").get(url).status_code == 404
    assert not NamedPersonOffer.objects.exists()


def test_the_answer_is_recorded_and_shown_on_the_childs_page(cast: Cast) -> None:
    people = household(cast)
    browser = web_client(cast.head_teacher)
    child_page = f"/children/{cast.leeann.pk}"
    assert "No answer recorded" in browser.get(child_page).content.decode()
    form = browser.get(f"{child_page}/named-person-offer").content.decode()
    assert "Maggie Doyle (family friend)" in form
    refused = browser.post(
        f"{child_page}/named-person-offer",
        {"decision": "declined", "given_by": people["maggie"]},
    )
    assert "no parental responsibility" in refused.content.decode()
    sent = browser.post(
        f"{child_page}/named-person-offer",
        {"decision": "declined", "given_by": people["corinne"], "decided_on": "01/09/2026"},
    )
    assert sent.status_code == 302
    shown = browser.get(child_page).content.decode()
    assert "Declined by Corinne Cairns (mother) on 1 September 2026" in shown
    assert "not in itself a concern" in shown
    assert web_client(cast.charlie).get(f"{child_page}/named-person-offer").status_code == 404


def test_a_new_child_has_no_answer_yet(cast: Cast) -> None:
    made = create_child(
        cast.class_teacher, given_name="Ava", family_name="Stone", date_of_birth=dt.date(2018, 1, 2)
    )
    record = cast.api("class_teacher").get(f"/children/{made.pk}").json()
    assert record["named_person_offer"] is None
