"""`bairn bench --nation`'s loader (bairn.bench.nation): a small synthetic Scotland,
written in bulk, that answers through the API as one built through the services would."""

from __future__ import annotations

import hashlib

import pytest
from django.core.management import CommandError
from django.db import connections, transaction
from django.db.models import Count

from bairn.agencies.models import Agency, Assignment, Involvement, Practitioner
from bairn.audit import log as audit_log
from bairn.audit.models import AuditEvent, PendingEvent
from bairn.bench import nation
from bairn.bench.world import Area
from bairn.chronology.models import Concern, ConcernIndicator
from bairn.notify.models import Notification
from bairn.people.models import Child, ChildRelationship, Person
from bairn.sharing.models import DisclosedEntry, Disclosure
from tests.factories import Api, Cast

CHILDREN, ENTRIES = 300, 3000


@pytest.fixture
def area(db: None) -> Area:
    return nation.build(CHILDREN, ENTRIES, seed=7)


def digest() -> str:
    """What a few tables hold, ids included, in a stable order."""
    h = hashlib.sha256()
    for alias, sql in (
        (
            "identity",
            "SELECT id, given_name, family_name, date_of_birth, chi_number, postcode "
            "FROM people_child ORDER BY id",
        ),
        (
            "default",
            "SELECT id, child_ref, agency_id, recorded_by_id, occurred_at, summary, "
            "significance, amends_id FROM chronology_concern ORDER BY id",
        ),
        (
            "default",
            "SELECT c.concern_id, c.indicator FROM chronology_concernindicator c "
            "ORDER BY c.concern_id, c.indicator",
        ),
        (
            "default",
            "SELECT id, recipient_id, kind, child_ref, text FROM notify_notification ORDER BY id",
        ),
        (
            "default",
            "SELECT seq, at, actor_id, action, object, child_id, reason "
            "FROM audit_auditevent ORDER BY seq",
        ),
        (
            "default",
            "SELECT child_ref, practitioner_id, basis FROM agencies_involvement "
            "ORDER BY child_ref, practitioner_id, basis",
        ),
    ):
        with connections[alias].cursor() as cursor:
            cursor.execute(sql)
            for row in cursor.fetchall():
                h.update(repr([str(v) for v in row]).encode())
    return h.hexdigest()


def test_it_builds_the_counts_asked_with_every_row_a_service_would_write(area: Area) -> None:
    assert Child.objects.count() == CHILDREN
    assert Concern.objects.count() == ENTRIES
    # Every entry has its indicators; every child a Named Person, assigned and involved.
    assert ConcernIndicator.objects.values("concern").distinct().count() == ENTRIES
    named = Assignment.objects.filter(kind="named_person", ended_at__isnull=True)
    assert named.count() == CHILDREN
    assert (
        Involvement.objects.filter(basis="named_person").values("child_ref").distinct().count()
        == CHILDREN
    )
    # Households, practitioners in every role, about one per 16 children or more.
    assert Person.objects.exists()
    assert ChildRelationship.objects.count() >= Person.objects.count()
    assert Practitioner.objects.count() >= CHILDREN // 16
    for role in ("named_person", "senior", "information_governance", "lead_professional"):
        assert Practitioner.objects.filter(groups__name=role).exists(), role
    assert {"education", "health", "police", "social_work", "third_sector"} <= set(
        Agency.objects.values_list("kind", flat=True)
    )
    # Chronologies as real ones are: most children a few entries, a long tail.
    per_child = sorted(
        Concern.objects.values("child_ref").annotate(n=Count("id")).values_list("n", flat=True)
    )
    assert per_child[len(per_child) // 2] < ENTRIES / CHILDREN
    assert per_child[-1] >= 100
    assert Disclosure.objects.exists()
    assert DisclosedEntry.objects.exists()
    assert Notification.objects.filter(recipient=area.heads[0]).count() > 300
    # The audit events written are sealed into the log, and it holds.
    assert 0 < AuditEvent.objects.count() <= CHILDREN + ENTRIES // 5
    assert not PendingEvent.objects.exists()
    result = audit_log.verify()
    assert result.ok, result.problem
    assert result.checked == AuditEvent.objects.count()
    # The area to measure with: a sample of children with their Named Persons.
    assert 0 < len(area.children) <= 1000
    assert area.busy_child not in area.children
    for child in area.children[:20]:
        assert (
            Assignment.objects.get(
                child_ref=child, kind="named_person", ended_at__isnull=True
            ).practitioner
            == area.named_person[child]
        )
    assert area.heads[0].agency == area.schools[0]
    assert area.heads[0].has_role("senior")
    assert area.ig[area.schools[0].pk].has_role("information_governance")
    assert area.ig[area.schools[0].pk].agency == area.schools[0]


def test_one_seed_builds_the_same_nation_twice(db: None) -> None:
    made = []
    for _ in range(2):
        with transaction.atomic(using="identity"), transaction.atomic(using="default"):
            nation.build(200, 1500, seed=11)
            made.append(digest())
            transaction.set_rollback(True, using="default")
            transaction.set_rollback(True, using="identity")
    assert not Concern.objects.exists()
    assert made[0] == made[1]
    with transaction.atomic(using="identity"), transaction.atomic(using="default"):
        nation.build(200, 1500, seed=12)
        assert digest() != made[0]
        transaction.set_rollback(True, using="default")
        transaction.set_rollback(True, using="identity")


def test_it_refuses_a_database_that_holds_anything(cast: Cast) -> None:
    with pytest.raises(CommandError, match="not empty"):
        nation.build(10, 20)
    assert Child.objects.count() == 2


def test_it_refuses_an_identity_store_that_holds_a_child(db: None) -> None:
    Person.objects.create(given_name="Left", family_name="Over")
    with pytest.raises(CommandError, match="not empty"):
        nation.build(10, 20)
    assert not Agency.objects.exists()


def test_the_api_answers_for_the_busy_child_as_in_real_use(area: Area) -> None:
    busy = area.busy_child
    assert busy is not None
    head, hv = Api(area.heads[0]), Api(area.health_visitors[0])
    school = head.get(f"/children/{busy}/chronology")
    assert school.status_code == 200, school.content
    entries = school.json()["entries"]
    # 300 entries from five practitioners of four agencies; the school's are its own.
    assert Concern.objects.filter(child_ref=busy).count() == 300
    assert len(entries) >= 100
    assert {e["visible_because"] for e in entries} == {"own_agency"}
    # The health visitor reads health's own entries and those the school disclosed.
    health = hv.get(f"/children/{busy}/chronology")
    assert health.status_code == 200, health.content
    because = [e["visible_because"] for e in health.json()["entries"]]
    assert "own_agency" in because
    assert len([b for b in because if b.startswith("disclosure:")]) == len(entries)
    # The teacher on the child's team records a concern, as the bench does.
    made = Api(area.teachers[0]).post(
        f"/children/{busy}/concerns",
        {
            "occurred_at": "2026-01-05T09:00:00+00:00",
            "summary": "Bench concern",
            "source": "observation",
            "indicators": ["nurtured"],
            "impact": "negative",
            "significance": "medium",
        },
    )
    assert made.status_code == 201, made.content
    for who, path in (
        (head, f"/children/{busy}"),
        (head, f"/children/{busy}/plan"),
        (head, "/notifications"),
        (
            head,
            f"/children/{busy}/sharing-check?recipient_agency_id={area.health.pk}"
            "&purpose=wellbeing_support&category=chronology",
        ),
        (Api(area.ig[area.schools[0].pk]), f"/children/{busy}/transparency"),
        (Api(area.ig[area.schools[0].pk]), f"/audit?child_id={busy}"),
    ):
        answer = who.get(path)
        assert answer.status_code == 200, (path, answer.content[:300])
    assert (
        head.get(
            f"/children/{busy}/sharing-check?recipient_agency_id={area.health.pk}"
            "&purpose=wellbeing_support&category=chronology"
        ).json()["allowed"]
        is True
    )
    # A known child is matched by name, date of birth and postcode to its Named Person.
    child = Child.objects.get(pk=area.children[3])
    match = head.post(
        "/children/match",
        {
            "given_name": child.given_name,
            "family_name": child.family_name,
            "date_of_birth": child.date_of_birth.isoformat(),
            "postcode": child.postcode,
        },
    )
    assert match.status_code == 200, match.content
    assert match.json()["matched"] is True
    named = area.named_person[child.pk]
    assert Api(named).get(f"/children/{child.pk}").status_code == 200


def test_a_child_outside_a_practitioners_involvement_is_not_found(area: Area) -> None:
    busy = area.busy_child
    outsider = next(
        p
        for p in area.police_officers
        if not Involvement.objects.filter(child_ref=busy, practitioner=p).exists()
    )
    api = Api(outsider)
    assert api.get(f"/children/{busy}").status_code == 404
    assert api.get(f"/children/{busy}/chronology").status_code == 404
