"""The audit in plain words (bairn.audit.wording, issue 10): a phrase for every action
the code can record, purposes and reasons without codes, UK time, and the rows of the
governance audit viewer — names resolved in bulk, a child named only where the viewer's
agency knows them."""

from __future__ import annotations

import ast
import datetime as dt
import re
import uuid
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bairn.access.actions import Action, AuditAction
from bairn.agencies.models import Involvement
from bairn.agencies.services import involve
from bairn.audit import wording
from bairn.audit.models import AuditEvent
from bairn.people import services as people
from bairn.reference import Purpose
from tests.factories import Cast, concern

SRC = Path(__file__).resolve().parents[1] / "src" / "bairn"
ENUMS = {"Action": Action, "AuditAction": AuditAction}


def _recorded_actions() -> dict[str, str]:
    """Every action the code passes to the audit — `action=` of a call to
    `record(...)` (bairn.audit.services.record, however imported) or `authorize(...)` —
    as its string, with where it is."""
    found: dict[str, str] = {}
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            args: list[ast.expr] = [k.value for k in node.keywords if k.arg == "action"]
            if name == "authorize" and len(node.args) >= 2:
                args.append(node.args[1])
            if name not in {"record", "authorize"}:
                continue
            where = f"{path.relative_to(SRC)}:{node.lineno}"
            for value in args:
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    found[value.value] = where
                elif (
                    isinstance(value, ast.Attribute)
                    and isinstance(value.value, ast.Name)
                    and value.value.id in ENUMS
                ):
                    found[str(getattr(ENUMS[value.value.id], value.attr))] = where
    return found


@pytest.mark.nodb
def test_every_action_in_the_code_has_words() -> None:
    """A new action cannot be added without words for it: every member of Action and
    AuditAction, and every action a call in the code names, has a phrase."""
    recorded = _recorded_actions()
    assert len(recorded) > 40  # the scan finds the calls (a scan that finds none fails)
    assert str(AuditAction.AUTH_SIGN_IN) in recorded
    assert str(Action.CONCERN_CREATE) in recorded
    everything = {str(a) for a in Action} | {str(a) for a in AuditAction} | set(recorded)
    missing = sorted(a for a in everything if a not in wording.PHRASES)
    assert missing == [], f"no words for {missing} ({[recorded.get(a) for a in missing]})"


@pytest.mark.nodb
@pytest.mark.parametrize("action", sorted(wording.PHRASES))
def test_each_phrase_is_plain_words(action: str) -> None:
    phrase = wording.PHRASES[action]
    for text in (phrase.done, phrase.refused):
        assert text
        assert text == text.strip()
        assert not re.search(r"[a-z]+[._][a-z]+", text), text  # no `people.read`, no codes
        assert text[0].islower(), text  # it follows the name of who did it
    assert phrase.refused != phrase.done
    assert "refused" in phrase.refused or "failed" in phrase.refused or "wrong" in phrase.refused


@pytest.mark.nodb
def test_an_action_without_words_is_still_shown_not_dropped() -> None:
    phrase = wording.phrase_for("something.new_here")
    assert "something new here" in phrase.done
    assert wording.action_words(Action.CHILD_READ) == "Read the record of"
    assert wording.action_words(AuditAction.INVOLVEMENT_ADD) == (
        "Made a practitioner involved with"
    )


@pytest.mark.nodb
def test_purposes_and_reasons_read_in_words() -> None:
    assert wording.purpose_words(Purpose.PLAN_COORDINATION) == "Child's Plan co-ordination"
    assert wording.purpose_words("child_protection") == "Child protection"
    assert wording.purpose_words("") == ""
    assert (
        wording.reason_words("involved with this child as created_record, named_person")
        == "involved with this child as created the record, Named Person"
    )
    assert wording.reason_words("in the plan's circle as plan_team") == (
        "in the plan's circle as on the Child's Plan team"
    )
    # An involvement's event gives its basis alone.
    assert wording.reason_words("recorded_concern") == "Recorded a concern"
    assert wording.reason_words("break_glass") == "Emergency access (break glass)"
    assert "_" not in wording.reason_words("something_unknown happened")


@pytest.mark.nodb
def test_times_are_uk_dates_and_times() -> None:
    winter = dt.datetime(2026, 12, 2, 9, 14, 59, tzinfo=dt.UTC)
    assert wording.uk_time(winter) == "2 December 2026, 09:14"
    summer = dt.datetime(2026, 7, 1, 8, 5, tzinfo=dt.UTC)  # British Summer Time
    assert wording.uk_time(summer) == "1 July 2026, 09:05"


def _event(seq: int, actor_id: str, agency_id: object, **fields: object) -> AuditEvent:
    values: dict[str, object] = {
        "at": timezone.now(),
        "actor": "",
        "action": str(Action.CHILD_READ),
        "object": "",
        "child_id": "",
        "purpose": "",
        "outcome": AuditEvent.Outcome.ALLOWED,
        "reason": "",
        **fields,
    }
    return AuditEvent(seq=seq, actor_id=actor_id, agency_id=str(agency_id), **values)


def test_rows_read_as_sentences_with_names(cast: Cast) -> None:
    people.get_child(cast.head_teacher, cast.leeann.pk)
    found = list(AuditEvent.objects.filter(action=Action.CHILD_READ, child_id=str(cast.leeann.pk)))
    (row,) = wording.rows(cast.ig_school, found, visible=set())
    assert row.sentence == "Elaine Ross read the record of Leeann Cairns"
    assert row.who == "Elaine Ross"
    assert row.role == "Named Person, Senior (team manager or child protection lead)"
    assert row.agency == cast.school.name
    assert (row.child, row.child_name, row.child_visible) == (
        cast.leeann.pk,
        "Leeann Cairns",
        False,
    )
    assert row.outcome == "Allowed"
    assert not row.refused
    assert "named_person" not in row.reason
    assert "Named Person" in row.reason
    assert wording.rows(cast.ig_school, found, visible={cast.leeann.pk})[0].child_visible


def test_a_child_is_named_only_where_the_viewers_agency_knows_them(cast: Cast) -> None:
    """Health holds nothing about Leeann: its lead reads her reference, never her name;
    once a health visitor works with her, health knows her."""
    event = _event(1, str(cast.head_teacher.pk), cast.school.pk, child_id=str(cast.leeann.pk))
    (row,) = wording.rows(cast.ig_health, [event], visible=set())
    assert row.child == cast.leeann.pk
    assert row.child_name == ""
    assert row.sentence == "Elaine Ross read the record of a child"
    involve(
        cast.health_visitor, cast.leeann.pk, Involvement.Basis.TEAM_MEMBER, by=cast.head_teacher
    )
    (row,) = wording.rows(cast.ig_health, [event], visible=set())
    assert row.child_name == "Leeann Cairns"


def test_someone_no_longer_registered_and_the_refused(cast: Cast) -> None:
    gone = _event(
        1,
        str(uuid.uuid4()),
        cast.school.pk,
        actor="left_last_year",
        action=str(Action.CHRONOLOGY_READ),
        outcome=AuditEvent.Outcome.REFUSED,
        child_id=str(cast.leeann.pk),
        reason="not involved with this child",
    )
    typed = _event(2, "", "", actor="rosss", action=str(AuditAction.AUTH_SIGN_IN))
    involved = _event(
        3,
        str(cast.head_teacher.pk),
        cast.school.pk,
        action=str(AuditAction.INVOLVEMENT_ADD),
        object=f"practitioner:{cast.class_teacher.pk}",
        child_id=str(cast.leeann.pk),
        reason=str(Involvement.Basis.TEAM_MEMBER),
    )
    first, second, third = wording.rows(cast.ig_school, [gone, typed, involved], visible=set())
    assert first.who == wording.UNKNOWN_ACTOR == "someone no longer registered"
    assert (
        first.sentence == "someone no longer registered was refused the chronology of Leeann Cairns"
    )
    assert (first.outcome, first.refused) == ("Refused", True)
    assert "left_last_year" not in first.sentence
    assert second.sentence == "someone giving the name “rosss” signed in"
    assert third.sentence == "Elaine Ross made Tom Baird involved with Leeann Cairns"
    assert third.reason == "Working with the child"


def test_names_are_resolved_in_bulk_not_one_query_per_row(cast: Cast) -> None:
    for who in (cast.head_teacher, cast.class_teacher, cast.nursery_teacher):
        concern(who, cast.leeann)
        people.get_child(cast.head_teacher, cast.leeann.pk)
    many = list(AuditEvent.objects.exclude(child_id="").exclude(actor_id=""))
    assert len(many) > 10
    assert len({e.actor_id for e in many}) >= 3
    few = many[:2]
    with CaptureQueriesContext(connection) as for_few:
        wording.rows(cast.ig_school, few, visible=set())
    with CaptureQueriesContext(connection) as for_many:
        wording.rows(cast.ig_school, many, visible=set())
    assert len(for_many.captured_queries) == len(for_few.captured_queries) <= 6
