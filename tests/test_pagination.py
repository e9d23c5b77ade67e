"""Keyset pagination of the lists that grow without end (issue 11 item 3): the caller's
notifications (GET /notifications) and the audit (GET /audit), a page at a time with
`limit`, `cursor` and `next` (bairn.pagination); and, from issue 10, a child the
identity store no longer holds is not found wherever sharing reads it, never a 500."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from typing import Any

import pytest
from django.utils import timezone

from bairn.access.policy import NotVisible
from bairn.agencies.models import Involvement
from bairn.agencies.services import involve
from bairn.notify.models import Notification
from bairn.notify.services import notify
from bairn.people import services as people
from bairn.people.models import Child, ChildRelationship
from tests.factories import Api, Cast, concern, corinne
from tests.web import web_client

KIND = Notification.Kind.CONCERN_RECORDED


def every_page(api: Api, path: str, key: str, **params: Any) -> tuple[list[dict[str, Any]], int]:
    """Every item of a list read page by page, following `next`, and how many pages."""
    found: list[dict[str, Any]] = []
    cursor: str | None = None
    pages = 0
    while True:
        response = api.get(path, {**params, **({"cursor": cursor} if cursor else {})})
        assert response.status_code == 200, response.content
        body = response.json()
        pages += 1
        found += body[key]
        cursor = body["next"]
        if cursor is None:
            return found, pages
        assert len(body[key]) == params.get("limit", len(body[key]))
        assert pages < 1000


def fields_named(response: Any) -> set[str]:
    assert response.status_code in (400, 422), response.content
    return {e["field"] for e in response.json()["errors"]}


def cursor_of(*values: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(values)).encode()).decode().rstrip("=")


# --- notifications ------------------------------------------------------------------------


def notes_for(cast: Cast, count: int, who: str = "head_teacher", text: str = "Note") -> None:
    for i in range(count):
        notify(getattr(cast, who), KIND, f"{text} {i}", child_id=cast.leeann.pk)


def test_notification_pages_cover_each_once_newest_first(cast: Cast) -> None:
    notes_for(cast, 17)
    notes_for(cast, 4, who="health_visitor", text="Not yours")
    # Several made in the same instant: the id orders them, and none is lost at a page
    # boundary.
    same = Notification.objects.filter(recipient=cast.head_teacher).order_by("pk")[:6]
    Notification.objects.filter(pk__in=[n.pk for n in same]).update(
        created_at=timezone.now() - dt.timedelta(hours=1)
    )
    api = cast.api("head_teacher")
    everything = api.get("/notifications", {"limit": 500}).json()
    assert everything["next"] is None
    for limit in (1, 4, 5, 17):
        paged, pages = every_page(api, "/notifications", "notifications", limit=limit)
        assert [n["id"] for n in paged] == [n["id"] for n in everything["notifications"]]
        assert pages == -(-17 // limit)
    # Newest first, the id ordering those made in the same instant.
    mine = Notification.objects.filter(recipient=cast.head_teacher).order_by("-created_at", "-id")
    ids = [n["id"] for n in everything["notifications"]]
    assert ids == [str(pk) for pk in mine.values_list("pk", flat=True)]
    assert len(set(ids)) == 17


def test_a_client_that_ignores_next_sees_the_newest_hundred(cast: Cast) -> None:
    notes_for(cast, 103)
    api = cast.api("head_teacher")
    first = api.get("/notifications").json()
    assert len(first["notifications"]) == 100
    assert first["next"] is not None
    rest = api.get("/notifications", {"cursor": first["next"]}).json()
    assert len(rest["notifications"]) == 3
    assert rest["next"] is None
    # An empty list is one page with no next.
    assert cast.api("charlie").get("/notifications").json() == {"notifications": [], "next": None}


def test_unread_notifications_are_paged_too(cast: Cast) -> None:
    from bairn.notify import services

    notes_for(cast, 9)
    for note in Notification.objects.filter(recipient=cast.head_teacher).order_by("pk")[:4]:
        services.mark_read(cast.head_teacher, note.pk)
    api = cast.api("head_teacher")
    unread, pages = every_page(api, "/notifications", "notifications", limit=2, unread="true")
    assert len(unread) == 5
    assert pages == 3
    assert all(n["read_at"] is None for n in unread)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 501}, "limit"),
        ({"limit": "lots"}, "limit"),
        ({"cursor": "not a cursor"}, "cursor"),
        ({"cursor": "%%%"}, "cursor"),
        ({"cursor": cursor_of("audit", 12)}, "cursor"),
        ({"cursor": cursor_of("notifications", "yesterday", "x")}, "cursor"),
        ({"cursor": cursor_of("notifications", "2026-01-01T00:00:00", "x")}, "cursor"),
        ({"cursor": cursor_of("notifications", 1, 2)}, "cursor"),
        ({"cursor": "x" * 201}, "cursor"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_a_bad_limit_or_cursor_is_refused_naming_it(
    cast: Cast, params: dict[str, Any], field: str
) -> None:
    assert field in fields_named(cast.api("head_teacher").get("/notifications", params))


def test_a_crafted_cursor_never_shows_another_persons_notifications(cast: Cast) -> None:
    notes_for(cast, 3)
    notes_for(cast, 3, who="health_visitor", text="Health's")
    theirs = Notification.objects.filter(recipient=cast.health_visitor).order_by("-created_at")
    api = cast.api("head_teacher")
    for note in theirs:
        crafted = cursor_of(
            "notifications", note.created_at.astimezone(dt.UTC).isoformat(), str(note.pk)
        )
        shown = api.get("/notifications", {"cursor": crafted}).json()["notifications"]
        assert not any("Health's" in n["text"] for n in shown)
    future = cursor_of("notifications", "2999-01-01T00:00:00+00:00", str(theirs[0].pk))
    shown = api.get("/notifications", {"cursor": future}).json()
    assert {n["text"] for n in shown["notifications"]} == {"Note 0", "Note 1", "Note 2"}


def test_the_home_page_links_to_older_notifications(cast: Cast) -> None:
    from bairn.notify import services

    notes_for(cast, 45)
    for note in Notification.objects.filter(recipient=cast.head_teacher):
        services.mark_read(cast.head_teacher, note.pk)
    client = web_client(cast.head_teacher)
    html = client.get("/").content.decode()
    assert html.count('class="bairn-notification"') == 20
    older = re.search(r'href="/\?earlier=([^"#]+)#earlier"', html)
    assert older is not None
    second = client.get("/", {"earlier": older.group(1)}).content.decode()
    assert second.count('class="bairn-notification"') == 20
    assert set(re.findall(r"Note \d+", html)).isdisjoint(re.findall(r"Note \d+", second))
    # A mangled link shows the newest again, not an error.
    assert client.get("/", {"earlier": "mangled"}).status_code == 200


# --- the audit --------------------------------------------------------------------------


@pytest.fixture
def history(cast: Cast) -> Cast:
    """Events the school's information governance answers for, of both kinds —
    its own people's reads, and police's share requests to the school (events of
    another agency that touched the school's records) — interleaved, with police's own
    reads of Leeann, which are not the school's to see, among them."""
    involve(cast.police_officer, cast.leeann.pk, Involvement.Basis.TEAM_MEMBER)
    involve(cast.class_teacher, cast.leeann.pk, Involvement.Basis.TEAM_MEMBER)
    for i in range(4):
        people.get_child(cast.head_teacher, cast.leeann.pk)
        people.get_child(cast.class_teacher, cast.leeann.pk)
        people.get_child(cast.police_officer, cast.leeann.pk)
        asked = cast.api("police_officer").post(
            "/share-requests",
            {
                "child_id": str(cast.leeann.pk),
                "holder_agency_id": str(cast.school.pk),
                "purpose": "wellbeing_support",
                "necessity": f"We need the school's picture ({i})",
                "categories": ["chronology"],
            },
        )
        assert asked.status_code == 201, asked.content
        with pytest.raises(NotVisible):
            people.get_child(cast.head_teacher, cast.trent.pk)  # refused: not hers
    return cast


def test_audit_pages_cover_each_event_once_newest_first(history: Cast) -> None:
    api = history.api("ig_school")
    for limit in (1, 3, 7):
        paged, pages = every_page(api, "/audit", "events", limit=limit)
        # Every reading of the audit is an event too: those are newer than the first
        # page, so compare what was there when the paging began.
        everything = api.get("/audit", {"limit": 5000}).json()["events"]
        assert api.get("/audit", {"limit": 5000}).json()["next"] is None
        ids = [e["id"] for e in paged]
        assert ids == [e["id"] for e in everything if e["id"] <= ids[0]]
        assert ids == sorted(set(ids), reverse=True)
        assert pages == -(-len(ids) // limit)
    actions = {(e["actor"], e["action"]) for e in paged}
    assert ("pc_wallace", "share_request.create") in actions
    assert ("ross", "child.read") in actions
    assert ("pc_wallace", "child.read") not in actions


@pytest.mark.parametrize(
    "filters",
    [
        {"child_id": "leeann"},
        {"actor": "pc_wallace"},
        {"actor": "ross", "child_id": "leeann"},
        {"actor": "ross", "outcome": "refused"},
        {"from": "day", "to": "day", "child_id": "leeann"},
        {"action": "share_request.create", "from": "day"},
    ],
    ids=lambda f: "+".join(f),
)
def test_audit_filters_combine_with_paging(history: Cast, filters: dict[str, str]) -> None:
    values = {
        "leeann": str(history.leeann.pk),
        "day": timezone.localdate().isoformat(),
    }
    params = {k: values.get(v, v) for k, v in filters.items()}
    api = history.api("ig_school")
    whole = api.get("/audit", {**params, "limit": 5000}).json()
    assert whole["next"] is None
    expected = [e["id"] for e in whole["events"] if e["action"] != "audit.read"]
    assert expected
    paged, _ = every_page(api, "/audit", "events", limit=2, **params)
    assert [e["id"] for e in paged if e["action"] != "audit.read"] == expected
    if "child_id" in params:
        assert {e["child_id"] for e in paged} == {params["child_id"]}
    if "actor" in params:
        assert {e["actor"] for e in paged} == {params["actor"]}


def test_the_default_audit_page_is_200_events(cast: Cast) -> None:
    for _ in range(205):
        people.get_child(cast.head_teacher, cast.leeann.pk)
    api = cast.api("ig_school")
    about = {"child_id": str(cast.leeann.pk)}
    whole = api.get("/audit", {**about, "limit": 5000}).json()["events"]
    assert len(whole) > 205
    first = api.get("/audit", about).json()
    assert len(first["events"]) == 200
    rest = api.get("/audit", {**about, "cursor": first["next"]}).json()
    assert rest["next"] is None
    assert [e["id"] for e in first["events"] + rest["events"]] == [e["id"] for e in whole]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 5001}, "limit"),
        ({"limit": "lots"}, "limit"),
        ({"cursor": "not a cursor"}, "cursor"),
        ({"cursor": cursor_of("audit", -1)}, "cursor"),
        ({"cursor": cursor_of("audit", "12")}, "cursor"),
        ({"cursor": cursor_of("audit", True)}, "cursor"),
        ({"cursor": cursor_of("notifications", "2026-01-01T00:00:00+00:00", "x")}, "cursor"),
    ],
)
def test_a_bad_audit_limit_or_cursor_is_refused_naming_it(
    cast: Cast, params: dict[str, Any], field: str
) -> None:
    assert field in fields_named(cast.api("ig_school").get("/audit", params))


def test_a_crafted_audit_cursor_shows_only_what_the_agency_answers_for(history: Cast) -> None:
    api = history.api("ig_school")
    for seq in (10**12, 10**6, 50, 1):
        events = api.get("/audit", {"cursor": cursor_of("audit", seq), "limit": 5000}).json()
        assert all(e["id"] < seq for e in events["events"])
        assert not {(e["actor"], e["action"]) for e in events["events"]} & {
            ("pc_wallace", "child.read")
        }


def test_the_audit_viewer_pages_by_cursor_and_survives_a_mangled_one(history: Cast) -> None:
    client = web_client(history.ig_school)
    html = client.get("/governance/audit").content.decode()
    assert 'aria-label="Older events"' not in html  # fewer than 100
    mangled = client.get("/governance/audit", {"older": "mangled"})
    assert mangled.status_code == 200
    assert "these are the newest" in mangled.content.decode()


# --- a child the identity store no longer holds (issue 10) ---------------------------------


def test_sharing_answers_not_found_for_a_child_missing_from_the_identity_store(
    cast: Cast,
) -> None:
    """Records about Leeann in the transactional store, but her core record gone from
    the identity store, as after restoring an older copy of it: the transparency report
    (API and page) and recording consent are not found, never a 500."""
    from bairn.sharing import queries, services

    concern(cast.head_teacher, cast.leeann, "Arrived hungry")
    corinne(cast)
    # The identity store's older copy, taken before Leeann (and her mother) were added.
    ChildRelationship.objects.filter(child_id=cast.leeann.pk).delete()
    Child.objects.filter(pk=cast.leeann.pk).delete()

    ig = cast.api("ig_school")
    ig.client.raise_request_exception = False
    assert ig.get(f"/children/{cast.leeann.pk}/transparency").status_code == 404
    np = cast.api("head_teacher")
    np.client.raise_request_exception = False
    consent = np.post(
        f"/children/{cast.leeann.pk}/consents",
        {
            "given_by": "child",
            "decision": "given",
            "purposes": ["wellbeing_support"],
            "recipient_agency_ids": [str(cast.health.pk)],
            "categories": ["core"],
        },
    )
    assert consent.status_code == 404, consent.content
    page = web_client(cast.ig_school)
    page.raise_request_exception = False
    assert page.get(f"/governance/children/{cast.leeann.pk}/transparency").status_code == 404
    # And the functions themselves, whoever calls them: not found, not DoesNotExist.
    with pytest.raises(NotVisible):
        queries.transparency(cast.ig_school, cast.leeann.pk)
    with pytest.raises(NotVisible):
        queries.third_party_redactor(cast.leeann.pk)
    with pytest.raises(NotVisible):
        services.record_consent(
            cast.head_teacher,
            cast.leeann.pk,
            given_by="child",
            decision="given",
            purposes=["wellbeing_support"],
            recipient_agency_ids=[cast.health.pk],
            categories=["core"],
        )
