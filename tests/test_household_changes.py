"""Changing how a person relates to a child (DOMAIN §2): Steve moves out, Maggie stops
staying over. The reason is required, what it was is kept, and nothing changes silently."""

from __future__ import annotations

from typing import Any

import pytest

from bairn.audit.models import AuditEvent
from bairn.people.models import ChildRelationship, RelationshipChange
from bairn.people.services import add_person
from tests.factories import Cast
from tests.web import web_client


def steve(cast: Cast) -> str:
    added = add_person(
        cast.head_teacher,
        cast.leeann.pk,
        given_name="Steve",
        family_name="Munro",
        relationship="partner_of_parent",
        parental_responsibility=False,
        lives_with=True,
        stays_overnight=False,
        caring_role="Looks after the children when Corinne works",
    )
    return str(added.person_id)


def patch(cast: Cast, who: str, path: str, body: Any) -> Any:
    return cast.api(who).patch(path, body)


def test_a_change_is_made_with_its_reason_and_the_old_state_is_kept(cast: Cast) -> None:
    person = steve(cast)
    api = cast.api("head_teacher")
    answer = patch(
        cast,
        "head_teacher",
        f"/children/{cast.leeann.pk}/people/{person}",
        {"lives_with": False, "caring_role": "", "reason": "Corinne says he moved out"},
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["lives_with"] is False
    assert answer.json()["relationship"] == "partner_of_parent"  # what was not given stays
    listed = api.get(f"/children/{cast.leeann.pk}/people").json()["people"]
    assert [(p["given_name"], p["lives_with"]) for p in listed] == [("Steve", False)]
    history = api.get(f"/children/{cast.leeann.pk}/household-changes").json()["changes"]
    assert len(history) == 1
    assert history[0]["before"]["lives_with"] is True
    assert history[0]["before"]["caring_role"] == "Looks after the children when Corinne works"
    assert history[0]["after"]["lives_with"] is False
    assert history[0]["reason"] == "Corinne says he moved out"
    assert history[0]["changed_by"] == "Elaine Ross"
    event = AuditEvent.objects.get(action="people.change")
    assert event.reason == "changed lives_with, caring_role"


def test_a_change_that_changes_nothing_records_nothing(cast: Cast) -> None:
    person = steve(cast)
    answer = patch(
        cast,
        "head_teacher",
        f"/children/{cast.leeann.pk}/people/{person}",
        {"lives_with": True, "reason": "Checked at the home visit"},
    )
    assert answer.status_code == 200
    assert not RelationshipChange.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"lives_with": False}, "reason"),
        ({"lives_with": False, "reason": "   "}, "reason"),
        ({"relationship": "lodger", "reason": "x"}, "relationship"),
        ({"given_name": "Stephen", "reason": "x"}, "given_name"),
        ({"lives_with": "perhaps", "reason": "x"}, "lives_with"),
        ({"caring_role": "x" * 2001, "reason": "x"}, "caring_role"),
    ],
)
def test_bad_changes_are_refused_naming_the_field(
    cast: Cast, body: dict[str, Any], field: str
) -> None:
    person = steve(cast)
    answer = patch(cast, "head_teacher", f"/children/{cast.leeann.pk}/people/{person}", body)
    assert answer.status_code in (400, 422), answer.content
    assert field in [e["field"] for e in answer.json()["errors"]]
    relation = ChildRelationship.objects.get(person_id=person)
    assert relation.lives_with is True
    assert not RelationshipChange.objects.exists()


def test_only_those_involved_may_change_the_household(cast: Cast) -> None:
    person = steve(cast)
    body = {"lives_with": False, "reason": "Heard he moved out"}
    for who in ("charlie", "admin"):
        path = f"/children/{cast.leeann.pk}/people/{person}"
        assert patch(cast, who, path, body).status_code == 404, who
        assert cast.api(who).get(f"/children/{cast.leeann.pk}/household-changes").status_code == 404
    # A person around another child is not found through this one.
    assert (
        patch(cast, "head_teacher", f"/children/{cast.trent.pk}/people/{person}", body).status_code
        == 404
    )
    assert ChildRelationship.objects.get(person_id=person).lives_with is True


def test_the_household_is_changed_from_the_childs_page(cast: Cast) -> None:
    person = steve(cast)
    browser = web_client(cast.head_teacher)
    child_page = f"/children/{cast.leeann.pk}"
    url = f"{child_page}/people/{person}/change"
    assert url in browser.get(child_page).content.decode()
    form = browser.get(url).content.decode()
    assert "Looks after the children when Corinne works" in form  # what it is now
    missing_reason = browser.post(url, {"relationship": "partner_of_parent"})
    assert 'id="id_reason_error"' in missing_reason.content.decode()
    sent = browser.post(
        url,
        {
            "relationship": "partner_of_parent",
            "stays_overnight": "on",
            "caring_role": "Visits at weekends",
            "reason": "Corinne says he moved out but stays some weekends",
        },
    )
    assert sent.status_code == 302
    shown = browser.get(child_page).content.decode()
    assert "lives with the child: yes → no" in shown
    assert "stays overnight: no → yes" in shown
    assert "Corinne says he moved out but stays some weekends" in shown
    assert web_client(cast.charlie).get(url).status_code == 404
