# ruff: noqa: S608 - the SQL is built from the models' own table and column names, never
# from input; every value goes as a parameter.
"""The raw SQL beside each request of `bairn bench`: the statements that fetch the same rows
a request answers with, through `connection.cursor()` with parameters, on the store that
holds them (the children's identity on the identity store). No ORM, no policy, no
serialization: what is left is what the database itself costs, so that the bench's ratio
(HTTP ÷ raw SQL) says how much Bairn adds on top.

Each builder returns a `Raw`: a note saying what it fetches, and a function that runs the
statements, fetches every row and returns how many rows its main statement gave (so that
the bench can check it fetched as many as the request answered). Table and column names
come from the models' metadata; values are prepared by the models' fields, as the ORM
would send them (a UUID is text on SQLite, a uuid on PostgreSQL).

They read the tables as they are. When the application's queries change (other indexes,
keyset pages), the statements here stay what a programmer would write by hand for the same
rows."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections, models, transaction
from django.db.backends.utils import CursorWrapper
from django.utils import timezone

from bairn.agencies.models import Agency, Assignment, Involvement, NamedPersonOffer, Practitioner
from bairn.audit.models import AuditEvent, AuditEventAgency, PendingEvent
from bairn.chronology.models import Concern, ConcernIndicator
from bairn.notify.models import Notification
from bairn.people.models import Child, ChildRelationship, Person, RelationshipChange, name_key
from bairn.people.models import postcode_key as fold_postcode
from bairn.planning.models import Plan, PlanVersion
from bairn.reference import Role
from bairn.sharing.models import Consent, DisclosedEntry, Disclosure, Isp, IspParty

DEFAULT, IDENTITY = "default", "identity"
NO_CHILD = uuid.UUID(int=0)


@dataclass(frozen=True)
class Raw:
    note: str  # what the statements fetch, for the bench's legend
    run: Callable[[], int]  # runs them; the rows of the main statement


# --- names and values, as the ORM writes them ----------------------------------------------


def _t(model: type[models.Model], alias: str = DEFAULT) -> str:
    return connections[alias].ops.quote_name(model._meta.db_table)


def _uuid(value: uuid.UUID | None, alias: str = DEFAULT) -> Any:
    return models.UUIDField().get_db_prep_value(value, connections[alias])


def _moment(value: dt.datetime, alias: str = DEFAULT) -> Any:
    return models.DateTimeField().get_db_prep_value(value, connections[alias])


def _day(value: dt.date, alias: str = DEFAULT) -> Any:
    return models.DateField().get_db_prep_value(value, connections[alias])


def _postgres(alias: str = DEFAULT) -> bool:
    return connections[alias].vendor == "postgresql"


def _joined(column: str, order: str, alias: str = DEFAULT) -> str:
    """An aggregate of text values into one, in order (the entry's indicators)."""
    if _postgres(alias):
        return f"string_agg({column}, ',' ORDER BY {order})"
    return f"group_concat({column}, ',')"


def _in(values: Sequence[Any]) -> str:
    return ", ".join(["%s"] * len(values))


def _fetch(cursor: CursorWrapper, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    cursor.execute(sql, params)
    return list(cursor.fetchall()) if cursor.description else []


def _select(alias: str, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    with connections[alias].cursor() as cursor:
        return _fetch(cursor, sql, params)


def _current() -> str:
    """The condition that an entry `c` is current: no entry amends it."""
    return f"NOT EXISTS (SELECT 1 FROM {_t(Concern)} s WHERE s.amends_id = c.id)"


# --- the statements ------------------------------------------------------------------------


def _chronology_statement(actor: Practitioner, child_id: uuid.UUID) -> tuple[str, list[Any]]:
    """The entries of the child the actor's agency may read, in date order, with their
    agency, recorder, indicators, superseding entry and the disclosure that shows them:
    its own agency's entries (restricted ones only for their recorder and its seniors)
    and the ones disclosed to the agency while the disclosure is in force."""
    senior = actor.has_role(Role.SENIOR)
    own = (
        "c.agency_id = %s"
        if senior
        else "(c.agency_id = %s AND (c.restricted = %s OR c.recorded_by_id = %s))"
    )
    own_params: list[Any] = [_uuid(actor.agency_id)]
    if not senior:
        own_params += [False, _uuid(actor.pk)]
    sql = (
        "SELECT c.id, c.child_ref, c.occurred_at, c.recorded_at, c.agency_id, a.name, "
        "p.full_name, p.username, c.recorded_by_id, c.summary, c.detail, c.source, "
        f"(SELECT {_joined('ci.indicator', 'ci.id')} FROM {_t(ConcernIndicator)} ci "
        "WHERE ci.concern_id = c.id), "
        "c.impact, c.significance, c.action_taken, c.restricted, c.withheld_from_family, "
        "c.withheld_reason, c.amends_id, c.amendment_reason, d.disclosure_id "
        f"FROM {_t(Concern)} c "
        f"JOIN {_t(Agency)} a ON a.id = c.agency_id "
        f"JOIN {_t(Practitioner)} p ON p.id = c.recorded_by_id "
        "LEFT JOIN (SELECT de.concern_id, MIN(CAST(de.disclosure_id AS TEXT)) AS disclosure_id "
        f"FROM {_t(DisclosedEntry)} de JOIN {_t(Disclosure)} x ON x.id = de.disclosure_id "
        "WHERE x.child_ref = %s AND x.to_agency_id = %s AND x.expires_at > %s "
        "GROUP BY de.concern_id) d ON d.concern_id = c.id "
        f"WHERE c.child_ref = %s AND {_current()} "
        f"AND ({own} OR d.concern_id IS NOT NULL) "
        "ORDER BY c.occurred_at, c.recorded_at"
    )
    params = [
        _uuid(child_id),
        _uuid(actor.agency_id),
        _moment(timezone.now()),
        _uuid(child_id),
        *own_params,
    ]
    return sql, params


def chronology(actor: Practitioner, child_id: uuid.UUID) -> Raw:
    sql, params = _chronology_statement(actor, child_id)
    return Raw(
        "one SELECT: the entries the agency may read (own + disclosed in force, current), "
        "with agency, recorder, indicators and the disclosure",
        lambda: len(_select(DEFAULT, sql, params)),
    )


def _named_persons(ids: Sequence[Any]) -> tuple[str, list[Any]]:
    return (
        "SELECT a.child_ref, p.full_name, p.username, p.email, p.phone, g.name "
        f"FROM {_t(Assignment)} a JOIN {_t(Practitioner)} p ON p.id = a.practitioner_id "
        f"LEFT JOIN {_t(Agency)} g ON g.id = p.agency_id "
        f"WHERE a.child_ref IN ({_in(ids)}) AND a.kind = %s AND a.ended_at IS NULL "
        "ORDER BY a.started_at",
        [*ids, Assignment.Kind.NAMED_PERSON.value],
    )


def match(given_name: str, family_name: str, date_of_birth: dt.date, postcode: str) -> Raw:
    find = (
        f"SELECT id FROM {_t(Child, IDENTITY)} WHERE given_name_key = %s AND "
        "family_name_key = %s AND date_of_birth = %s AND postcode_key = %s "
        "ORDER BY created_at, id LIMIT 10"
    )
    params = [
        name_key(given_name),
        name_key(family_name),
        _day(date_of_birth, IDENTITY),
        fold_postcode(postcode),
    ]

    def run() -> int:
        found = _select(IDENTITY, find, params)
        ids = [row[0] for row in found] or [_uuid(NO_CHILD)]
        _select(DEFAULT, *_named_persons(ids))
        return len(found)

    return Raw(
        "the identity lookup by folded names, date of birth and postcode (identity store); "
        "their Named Persons with agency (reads only: not the match's audit event)",
        run,
    )


def child(actor: Practitioner, child_id: uuid.UUID) -> Raw:
    record = f"SELECT * FROM {_t(Child, IDENTITY)} WHERE id = %s"
    bases = (
        f"SELECT basis FROM {_t(Involvement)} WHERE child_ref = %s AND practitioner_id = %s "
        "AND ended_at IS NULL"
    )
    record_params = [_uuid(child_id, IDENTITY)]
    bases_params = [_uuid(child_id), _uuid(actor.pk)]

    def run() -> int:
        rows = len(_select(IDENTITY, record, record_params))
        _select(DEFAULT, bases, bases_params)
        return rows

    return Raw("the child's row (identity store); the reader's involvement bases", run)


def sharing_check(actor: Practitioner, child_id: uuid.UUID, recipient_id: uuid.UUID) -> Raw:
    isps = (
        "SELECT i.id, i.title, i.status, i.purposes, i.categories, i.lawful_basis, "
        "i.consent_required, i.review_date, ip.agency_id, ip.approved_at, g.name "
        f"FROM {_t(Isp)} i JOIN {_t(IspParty)} ip ON ip.isp_id = i.id "
        f"JOIN {_t(Agency)} g ON g.id = ip.agency_id "
        f"WHERE i.id IN (SELECT isp_id FROM {_t(IspParty)} WHERE agency_id = %s) "
        f"AND i.id IN (SELECT isp_id FROM {_t(IspParty)} WHERE agency_id = %s)"
    )
    entries = (
        f"SELECT c.id, c.restricted, c.significance FROM {_t(Concern)} c "
        f"WHERE c.child_ref = %s AND c.agency_id = %s AND {_current()} "
        "ORDER BY c.occurred_at, c.recorded_at"
    )
    isp_params = [_uuid(actor.agency_id), _uuid(recipient_id)]
    entry_params = [_uuid(child_id), _uuid(actor.agency_id)]

    def run() -> int:
        _select(DEFAULT, isps, isp_params)
        return len(_select(DEFAULT, entries, entry_params))

    return Raw(
        "the ISPs both agencies are party to, with their parties; the agency's current "
        "entries about the child",
        run,
    )


def _insert(model: type[models.Model], values: dict[str, Any]) -> tuple[str, list[Any]]:
    """An INSERT of one row of `model`, every column as the ORM would write it: the value
    given (by field name), else the field's default; the automatic key left out."""
    connection = connections[DEFAULT]
    columns: list[str] = []
    params: list[Any] = []
    for f in model._meta.concrete_fields:
        if isinstance(f, models.AutoField):
            continue
        value = values[f.name] if f.name in values else f.get_default()
        if isinstance(f, models.DateTimeField) and value is None and not f.null:
            value = timezone.now()
        columns.append(connection.ops.quote_name(str(f.column)))
        params.append(f.get_db_prep_save(value, connection))
    sql = f"INSERT INTO {_t(model)} ({', '.join(columns)}) VALUES ({_in(params)})"
    return sql, params


def record_concern(actor: Practitioner, child_id: uuid.UUID) -> Raw:
    """The rows a concern POST writes at the least: the concern, its indicators and one
    audit event (with its place in the sequencer's queue), in a transaction that is rolled
    back. Not the notifications, the pattern check or the policy's reads."""
    indicators = ["nurtured", "safe"]

    def run() -> int:
        now = timezone.now()
        concern_id = uuid.uuid4()
        concern_sql, concern_params = _insert(
            Concern,
            {
                "id": concern_id,
                "child_ref": child_id,
                "agency": actor.agency_id,
                "recorded_by": actor.pk,
                "occurred_at": now - dt.timedelta(hours=1),
                "recorded_at": now,
                "summary": "Bench raw concern",
                "source": "observation",
                "impact": "negative",
                "significance": "low",
            },
        )
        event_sql, event_params = _insert(
            AuditEvent,
            {
                "at": now,
                "actor_id": str(actor.pk),
                "actor": actor.get_username(),
                "agency_id": str(actor.agency_id or ""),
                "action": "concern.create",
                "object": f"concern:{concern_id}",
                "child_id": str(child_id),
                "outcome": AuditEvent.Outcome.ALLOWED.value,
            },
        )
        with transaction.atomic(using=DEFAULT), connections[DEFAULT].cursor() as cursor:
            cursor.execute(concern_sql, concern_params)
            for code in indicators:
                cursor.execute(
                    *_insert(ConcernIndicator, {"concern": concern_id, "indicator": code})
                )
            cursor.execute(event_sql + " RETURNING seq", event_params)
            (seq,) = cursor.fetchone()
            cursor.execute(*_insert(PendingEvent, {"seq": seq}))
            transaction.set_rollback(True, using=DEFAULT)
        return 1

    return Raw(
        "INSERT the concern, its 2 indicators, its audit event and its place in the "
        "sequencer's queue, in a transaction ROLLED BACK (not the notifications, the "
        "pattern check or the policy's reads)",
        run,
    )


def notifications(actor: Practitioner, limit: int) -> Raw:
    sql = (
        "SELECT id, kind, child_ref, created_at, text, data, read_at "
        f"FROM {_t(Notification)} WHERE recipient_id = %s "
        "ORDER BY created_at DESC, id DESC LIMIT %s"
    )
    params = [_uuid(actor.pk), max(1, limit)]
    return Raw(
        f"the recipient's newest {limit} notifications",
        lambda: len(_select(DEFAULT, sql, params)),
    )


def audit(agency_id: uuid.UUID, child_id: uuid.UUID, limit: int) -> Raw:
    sql = (
        "SELECT seq, at, actor, actor_id, agency_id, action, object, child_id, purpose, "
        f"outcome, reason, flagged FROM {_t(AuditEvent)} "
        "WHERE (agency_id = %s OR seq IN "
        f"(SELECT seq FROM {_t(AuditEventAgency)} WHERE agency_id = %s)) AND child_id = %s "
        "ORDER BY seq DESC LIMIT %s"
    )
    params = [str(agency_id), str(agency_id), str(child_id), max(1, limit)]
    return Raw(
        f"the newest {limit} events about the child the agency answers for (its people's, "
        "and those touching its records)",
        lambda: len(_select(DEFAULT, sql, params)),
    )


def _household(child_id: uuid.UUID) -> list[tuple[str, list[Any]]]:
    ref = _uuid(child_id, IDENTITY)
    return [
        (
            f"SELECT r.*, p.given_name, p.family_name, p.date_of_birth "
            f"FROM {_t(ChildRelationship, IDENTITY)} r JOIN {_t(Person, IDENTITY)} p "
            "ON p.id = r.person_id WHERE r.child_id = %s ORDER BY r.created_at",
            [ref],
        ),
        (
            f"SELECT h.*, p.given_name, p.family_name FROM {_t(RelationshipChange, IDENTITY)} h "
            f"JOIN {_t(ChildRelationship, IDENTITY)} r ON r.id = h.relation_id "
            f"JOIN {_t(Person, IDENTITY)} p ON p.id = r.person_id "
            "WHERE r.child_id = %s ORDER BY h.changed_at",
            [ref],
        ),
    ]


def transparency(actor: Practitioner, child_id: uuid.UUID) -> Raw:
    agency = _uuid(actor.agency_id)
    ref = _uuid(child_id)
    shown = "c.withheld_from_family = %s AND c.restricted = %s"
    identity = [
        (f"SELECT * FROM {_t(Child, IDENTITY)} WHERE id = %s", [_uuid(child_id, IDENTITY)]),
        (
            f"SELECT p.given_name, p.family_name FROM {_t(Person, IDENTITY)} p "
            f"JOIN {_t(ChildRelationship, IDENTITY)} r ON r.person_id = p.id WHERE r.child_id = %s",
            [_uuid(child_id, IDENTITY)],
        ),
    ]
    entries = (
        "SELECT c.id, c.occurred_at, a.name, c.summary, "
        f"(SELECT {_joined('ci.indicator', 'ci.id')} FROM {_t(ConcernIndicator)} ci "
        "WHERE ci.concern_id = c.id), c.impact, c.significance, c.source, c.action_taken "
        f"FROM {_t(Concern)} c JOIN {_t(Agency)} a ON a.id = c.agency_id "
        f"WHERE c.child_ref = %s AND c.agency_id = %s AND {shown} AND {_current()} "
        "ORDER BY c.occurred_at, c.recorded_at"
    )
    held = (
        f"SELECT c.agency_id, a.name, COUNT(*) FROM {_t(Concern)} c "
        f"JOIN {_t(Agency)} a ON a.id = c.agency_id "
        f"WHERE c.child_ref = %s AND {shown} AND {_current()} "
        "GROUP BY c.agency_id, a.name ORDER BY a.name"
    )
    withheld = (
        f"SELECT COUNT(*) FROM {_t(Concern)} c WHERE c.child_ref = %s AND c.agency_id = %s "
        f"AND NOT ({shown}) AND {_current()}"
    )
    disclosures = (
        "SELECT d.id, d.made_at, f.name, t.name, d.purpose, d.lawful_basis, d.categories, "
        f"d.family_informed, k.withdrawn_at FROM {_t(Disclosure)} d "
        f"JOIN {_t(Agency)} f ON f.id = d.from_agency_id "
        f"JOIN {_t(Agency)} t ON t.id = d.to_agency_id "
        f"LEFT JOIN {_t(Consent)} k ON k.id = d.consent_id "
        "WHERE d.child_ref = %s AND (d.from_agency_id = %s OR d.to_agency_id = %s) "
        "AND d.family_informed <> %s ORDER BY d.made_at"
    )
    hidden = (
        f"SELECT COUNT(*) FROM {_t(Disclosure)} d WHERE d.child_ref = %s "
        "AND (d.from_agency_id = %s OR d.to_agency_id = %s) AND d.family_informed = %s"
    )
    logged = (
        f"SELECT object, seq FROM {_t(AuditEvent)} WHERE action = %s AND outcome = %s "
        "AND object IN ({}) ORDER BY seq DESC"
    )
    not_informed = Disclosure.FamilyInformed.NOT_INFORMED.value

    def run() -> int:
        for sql, params in identity:
            _select(IDENTITY, sql, params)
        with connections[DEFAULT].cursor() as cursor:
            rows = len(_fetch(cursor, entries, [ref, agency, False, False]))
            _fetch(cursor, held, [ref, False, False])
            _fetch(cursor, withheld, [ref, agency, False, False])
            made = _fetch(cursor, disclosures, [ref, agency, agency, not_informed])
            _fetch(cursor, hidden, [ref, agency, agency, not_informed])
            objects = [f"disclosure:{uuid.UUID(str(d[0]))}" for d in made]
            if objects:
                _fetch(cursor, logged.format(_in(objects)), ["disclose", "allowed", *objects])
        return rows

    return Raw(
        "the child and the names around them (identity store); the agency's entries the "
        "family may see with indicators; who holds records; the disclosures with their "
        "agencies and consent; the withheld counts; the disclosures' audit events",
        run,
    )


def plan(child_id: uuid.UUID) -> Raw:
    sql = (
        "SELECT v.version, v.saved_at, v.content, v.changes, s.full_name, s.username "
        f"FROM {_t(Plan)} p JOIN {_t(PlanVersion)} v ON v.plan_id = p.id AND v.version = p.version "
        f"JOIN {_t(Practitioner)} s ON s.id = v.saved_by_id "
        "WHERE p.child_ref = %s AND p.closed_at IS NULL"
    )
    params = [_uuid(child_id)]
    return Raw(
        "the open plan's current version with who saved it",
        lambda: len(_select(DEFAULT, sql, params)),
    )


def child_page(actor: Practitioner, child_id: uuid.UUID) -> Raw:
    """The page of a child: the record, the household and its changes, the Named Person,
    Lead Professional and latest offer, the team, and the chronology."""
    record = (f"SELECT * FROM {_t(Child, IDENTITY)} WHERE id = %s", [_uuid(child_id, IDENTITY)])
    ref = _uuid(child_id)
    assigned = (
        "SELECT a.kind, p.id, p.full_name, p.email, p.phone, g.name "
        f"FROM {_t(Assignment)} a JOIN {_t(Practitioner)} p ON p.id = a.practitioner_id "
        f"LEFT JOIN {_t(Agency)} g ON g.id = p.agency_id "
        "WHERE a.child_ref = %s AND a.ended_at IS NULL ORDER BY a.started_at",
        [ref],
    )
    offer = (
        f"SELECT o.*, p.full_name FROM {_t(NamedPersonOffer)} o "
        f"JOIN {_t(Practitioner)} p ON p.id = o.recorded_by_id "
        "WHERE o.child_ref = %s ORDER BY o.recorded_at DESC LIMIT 1",
        [ref],
    )
    team = (
        "SELECT i.basis, i.reason, i.started_at, p.id, p.full_name, p.job_title, g.name "
        f"FROM {_t(Involvement)} i JOIN {_t(Practitioner)} p ON p.id = i.practitioner_id "
        f"LEFT JOIN {_t(Agency)} g ON g.id = p.agency_id "
        "WHERE i.child_ref = %s AND i.ended_at IS NULL ORDER BY i.started_at",
        [ref],
    )
    entries = _chronology_statement(actor, child_id)

    def run() -> int:
        for sql, params in [record, *_household(child_id)]:
            _select(IDENTITY, sql, params)
        with connections[DEFAULT].cursor() as cursor:
            for sql, params in (assigned, offer, team):
                _fetch(cursor, sql, params)
            return len(_fetch(cursor, *entries))

    return Raw(
        "the child, household and its changes (identity store); who is assigned, the "
        "latest offer, the team; the chronology's SELECT as above",
        run,
    )


def home(actor: Practitioner, limit: int) -> Raw:
    """The home page: the reader's children by name, their notifications."""
    involved = (
        f"SELECT child_ref, basis FROM {_t(Involvement)} WHERE practitioner_id = %s "
        "AND ended_at IS NULL",
        [_uuid(actor.pk)],
    )
    notes = (
        "SELECT id, kind, child_ref, created_at, text, data, read_at "
        f"FROM {_t(Notification)} WHERE recipient_id = %s "
        "ORDER BY created_at DESC, id DESC LIMIT %s",
        [_uuid(actor.pk), max(1, limit)],
    )

    def run() -> int:
        refs = sorted({row[0] for row in _select(DEFAULT, *involved)}, key=str)
        found = 0
        if refs:
            ids = [_uuid(uuid.UUID(str(r)), IDENTITY) for r in refs]
            found = len(
                _select(
                    IDENTITY,
                    f"SELECT id, given_name, family_name, date_of_birth FROM {_t(Child, IDENTITY)} "
                    f"WHERE id IN ({_in(ids)}) ORDER BY family_name, given_name, id",
                    ids,
                )
            )
        _select(DEFAULT, *notes)
        return found

    return Raw(
        f"the reader's current involvements, those children by name (identity store), "
        f"their newest {limit} notifications",
        run,
    )
