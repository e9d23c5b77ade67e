"""One event per act (issue 10): a request writes one audit event per (action, object) —
the pages and the API a Named Person opens every day, counted — each read once with its
purpose and outcome, every refusal and every write with its own event."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest

from bairn.access.lookup import NONE, Declaration, scoped
from bairn.access.policy import Action, authorize
from bairn.audit.models import AuditEvent
from tests.factories import CONCERN, Cast, concern, corinne, plan
from tests.web import web_client

Event = tuple[str, str, str]  # action, object, outcome


def written(call: Callable[[], Any]) -> tuple[Any, list[Event]]:
    """What one request answered, and the events it wrote."""
    before = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    response = call()
    events = AuditEvent.objects.filter(seq__gt=before).order_by("seq")
    return response, [(e.action, e.object, e.outcome) for e in events]


def once_each(events: list[Event]) -> None:
    twice = [e for e, n in Counter((a, o) for a, o, _ in events).items() if n > 1]
    assert twice == [], f"audited more than once in one request: {twice}"


@pytest.fixture
def world(cast: Cast) -> Cast:
    """Leeann with her mother around her, concerns from the school and the police, and
    a Child's Plan with a Lead Professional: every part of her pages has something."""
    corinne(cast)
    concern(cast.head_teacher, cast.leeann)
    concern(cast.class_teacher, cast.leeann, "Tired in class")
    plan(cast)
    return cast


def test_each_page_and_read_the_named_person_opens_is_one_event_per_action(
    world: Cast,
) -> None:
    """The counts (issue 10, item 7): the child's page reads her record, the people
    around her, her chronology and her team — four acts on her record, one event each;
    the plan page reads the plan, the assessments, her record and her chronology; the
    API's reads one each. Opening a page again is a new request: audited again."""
    child = f"child:{world.leeann.pk}"
    page = web_client(world.head_teacher)
    api = world.api("head_teacher")
    expected = {
        "child page": (
            lambda: page.get(f"/children/{world.leeann.pk}"),
            [Action.CHILD_READ, Action.PEOPLE_READ, Action.CHRONOLOGY_READ, Action.TEAM_READ],
        ),
        "plan page": (
            lambda: page.get(f"/children/{world.leeann.pk}/plan"),
            [Action.PLAN_READ, Action.ASSESSMENT_READ, Action.CHILD_READ, Action.CHRONOLOGY_READ],
        ),
        "API child": (lambda: api.get(f"/children/{world.leeann.pk}"), [Action.CHILD_READ]),
        "API chronology": (
            lambda: api.get(f"/children/{world.leeann.pk}/chronology"),
            [Action.CHRONOLOGY_READ],
        ),
        "API plan": (lambda: api.get(f"/children/{world.leeann.pk}/plan"), [Action.PLAN_READ]),
        "child page again": (
            lambda: page.get(f"/children/{world.leeann.pk}"),
            [Action.CHILD_READ, Action.PEOPLE_READ, Action.CHRONOLOGY_READ, Action.TEAM_READ],
        ),
    }
    for name, (call, actions) in expected.items():
        response, events = written(call)
        assert response.status_code == 200, name
        once_each(events)
        assert sorted(events) == sorted((str(a), child, "allowed") for a in actions), name


def test_a_concern_read_is_one_event_on_the_concern(world: Cast) -> None:
    entry = concern(world.head_teacher, world.leeann, "Hungry again")
    page, api = web_client(world.head_teacher), world.api("head_teacher")
    for call in (
        lambda: page.get(f"/concerns/{entry.pk}"),
        lambda: api.get(f"/concerns/{entry.pk}"),
    ):
        response, events = written(call)
        assert response.status_code == 200
        assert events == [("concern.read", f"concern:{entry.pk}", "allowed")]


def test_every_refusal_is_one_event(world: Cast) -> None:
    """The outsider is refused each read once, on the record he asked for."""
    page = web_client(world.charlie)
    api = world.api("charlie")
    child = f"child:{world.leeann.pk}"
    for call, action in (
        (lambda: page.get(f"/children/{world.leeann.pk}"), "child.read"),
        (lambda: page.get(f"/children/{world.leeann.pk}/plan"), "plan.read"),
        (lambda: api.get(f"/children/{world.leeann.pk}"), "child.read"),
        (lambda: api.get(f"/children/{world.leeann.pk}/chronology"), "chronology.read"),
    ):
        response, events = written(call)
        assert response.status_code == 404
        assert events == [(action, child, "refused")]


def test_every_write_is_its_own_event(world: Cast) -> None:
    """Recording a concern is one concern.create on the new concern; two concerns are
    two events, never folded into one."""
    api = world.api("head_teacher")
    made = []
    for _ in range(2):
        response, events = written(
            lambda: api.post(f"/children/{world.leeann.pk}/concerns", CONCERN)
        )
        assert response.status_code == 201, response.content
        once_each(events)
        creates = [e for e in events if e[0] == "concern.create"]
        assert creates == [("concern.create", f"concern:{response.json()['id']}", "allowed")]
        made.append(creates[0][1])
    assert made[0] != made[1]


def test_two_records_read_by_the_same_action_are_two_events(world: Cast) -> None:
    """Inside one request a read already audited is not audited again — but the same
    action on another object is another act, even without a child (the audit's
    proofs of two events, say)."""
    ig = world.ig_school
    declaration = Declaration(str(Action.AUDIT_READ), NONE)
    _, events = written(lambda: _read_twice(ig, declaration))
    assert events == [
        ("audit.read", "audit-event:1", "allowed"),
        ("audit.read", "audit-event:2", "allowed"),
    ]


def _read_twice(ig: Any, declaration: Declaration) -> None:
    with scoped(declaration, "test"):
        for seq in (1, 2, 1, 2):
            authorize(ig, Action.AUDIT_READ, object=f"audit-event:{seq}")
