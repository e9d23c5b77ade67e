"""Simultaneous writes meet at a unique constraint and are answered as the success they
are, never a 500 (issue 9: `involve()` checked and then inserted, so on PostgreSQL 18 of
24 simultaneous first concerns by one user failed on one_current_involvement_per_basis).

Each request runs in its own thread with its own database connection, all released at
once. On PostgreSQL they truly overlap. SQLite takes one writer at a time (BEGIN
IMMEDIATE) and, in the test suite's shared in-memory database, refuses rather than waits
for a second one, so there the requests are let through one at a time: the same
assertions then check that repeating a first write is as harmless as racing it.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client

from bairn.agencies.models import Assignment, Involvement
from bairn.agencies.services import break_glass, issue_token
from tests.factories import CONCERN, Cast, make_cast, practitioner

N = 24

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


def at_once_calling(call: Callable[[], int]) -> Counter[int]:
    """`call` N times in N threads, released together; the count of each answer."""
    gate = threading.Barrier(N)
    one_at_a_time = threading.Lock() if connection.vendor == "sqlite" else None

    def run(_: int) -> int:
        try:
            gate.wait()
            if one_at_a_time is None:
                return call()
            with one_at_a_time:
                return call()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=N) as pool:
        return Counter(pool.map(run, range(N)))


def at_once(method: str, path: str, body: Any, token: str) -> Counter[int]:
    """N identical requests, each with its own client and connection; their statuses."""

    def send() -> int:
        response = getattr(Client(), method)(
            "/api/v1" + path,
            data=json.dumps(body),
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}"},
        )
        return int(response.status_code)

    return at_once_calling(send)


@pytest.fixture
def made() -> Cast:
    return make_cast()


def test_simultaneous_break_glass_makes_one_involvement(made: Cast) -> None:
    """Through the service (the API's break glass also asks for a fresh two-factor code)."""
    cast = made
    reason = "Police at the address now; need the Named Person"

    def declare() -> int:
        break_glass(cast.charlie, cast.leeann.pk, reason)
        return 201

    assert at_once_calling(declare) == Counter({201: N})
    current = Involvement.objects.filter(
        practitioner=cast.charlie, child_ref=cast.leeann.pk, ended_at__isnull=True
    )
    assert [i.basis for i in current] == ["break_glass"]
    assert current.get().flagged


def test_simultaneous_first_concerns_by_one_recorder(made: Cast) -> None:
    cast = made
    token = issue_token(cast.nursery_teacher)
    # The school knows Leeann; the nursery teacher records without being involved.
    statuses = at_once("post", f"/children/{cast.leeann.pk}/concerns", CONCERN, token)
    assert statuses == Counter({201: N})
    assert not Involvement.objects.filter(practitioner=cast.nursery_teacher).exists()


def test_simultaneous_first_concerns_by_an_involved_practitioner(made: Cast) -> None:
    cast = made
    token = issue_token(cast.head_teacher)
    statuses = at_once("post", f"/children/{cast.leeann.pk}/concerns", CONCERN, token)
    assert statuses == Counter({201: N})
    bases = Involvement.objects.filter(
        practitioner=cast.head_teacher, child_ref=cast.leeann.pk, ended_at__isnull=True
    ).values_list("basis", flat=True)
    assert sorted(bases) == ["created_record", "named_person"]


def test_simultaneous_team_additions_make_one_member(made: Cast) -> None:
    cast = made
    token = issue_token(cast.head_teacher)
    body = {"practitioner_id": str(cast.police_officer.pk), "reason": "Community officer"}
    statuses = at_once("post", f"/children/{cast.leeann.pk}/team", body, token)
    assert statuses == Counter({201: 1, 409: N - 1})
    assert (
        Involvement.objects.filter(
            practitioner=cast.police_officer, basis="team_member", ended_at__isnull=True
        ).count()
        == 1
    )


def test_simultaneous_handovers_make_one_named_person(made: Cast) -> None:
    cast = made
    depute = practitioner(cast.admin, "depute", "Depute Head", cast.school, "named_person")
    token = issue_token(cast.head_teacher)
    body = {"practitioner_id": str(depute.pk)}
    statuses = at_once("put", f"/children/{cast.leeann.pk}/named-person", body, token)
    # Once the first handover is made, the head teacher is no longer the Named Person:
    # the others are refused as they would be one after another, never a 500.
    assert 200 in statuses
    assert set(statuses) <= {200, 403, 404, 409}
    current = Assignment.objects.filter(
        child_ref=cast.leeann.pk, kind="named_person", ended_at__isnull=True
    )
    assert [a.practitioner_id for a in current] == [depute.pk]
    assert (
        Involvement.objects.filter(
            practitioner=depute, basis="named_person", ended_at__isnull=True
        ).count()
        == 1
    )


def test_simultaneous_agencies_of_one_name_make_one(made: Cast) -> None:
    cast = made
    token = issue_token(cast.admin)
    body = {"name": "Kirkhill Youth Project", "kind": "third_sector"}
    statuses = at_once("post", "/agencies", body, token)
    assert statuses == Counter({201: 1, 409: N - 1})
