"""Acting early (DOMAIN §5): who hears of a concern, and the pattern alert.

The rule for content: a recipient reads what a concern says only when they could open the
entry itself (the same policy filter as the chronology). Anyone else learns who recorded
it, when, and how significant it is, with the way to ask for it: a share request.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils import timezone

from bairn.access.policy import visible_entries
from bairn.agencies.models import Assignment, Involvement, Practitioner
from bairn.agencies.services import involve
from bairn.chronology.models import Concern
from bairn.notify.models import Notification
from bairn.notify.services import notify, notify_all, to_email
from bairn.people.models import Child
from bairn.reference import Impact, Role, Significance

MEDIUM_OR_ABOVE = (Significance.MEDIUM, Significance.HIGH, Significance.CHILD_PROTECTION)
HIGH_OR_ABOVE = (Significance.HIGH, Significance.CHILD_PROTECTION)


def may_read(recipient: Practitioner, entry: Concern) -> bool:
    return Concern.objects.filter(pk=entry.pk).filter(visible_entries(recipient)).exists()


def readers(entry: Concern, people: Sequence[Practitioner]) -> set[uuid.UUID]:
    """Which of these people may open the entry: `may_read` for each, in one statement
    (the same policy filter, one column a person), after their roles in another."""
    people = [p for p in people if p.agency_id is not None]
    if not people:
        return set()
    _load_roles(people)
    columns = {
        f"reads_{i}": ExpressionWrapper(visible_entries(p), output_field=BooleanField())
        for i, p in enumerate(people)
    }
    row = Concern.objects.filter(pk=entry.pk).values(**columns).first() or {}
    return {p.pk for i, p in enumerate(people) if row.get(f"reads_{i}")}


def _load_roles(people: Sequence[Practitioner]) -> None:
    """Each person's roles (Practitioner.roles) in one statement rather than one each."""
    missing = [p for p in people if "roles" not in p.__dict__]
    if not missing:
        return
    names: dict[uuid.UUID, set[str]] = {p.pk: set() for p in missing}
    through = Practitioner.groups.through
    for person_id, name in through.objects.filter(practitioner_id__in=list(names)).values_list(
        "practitioner_id", "group__name"
    ):
        names[person_id].add(name)
    for person in missing:
        person.__dict__["roles"] = frozenset(names[person.pk])


def full_name(given_name: str, family_name: str) -> str:
    """A child's name as notifications give it."""
    return f"{given_name} {family_name}"


def _child_name(child_id: uuid.UUID) -> str:
    child = Child.objects.filter(pk=child_id).only("given_name", "family_name").first()
    return full_name(child.given_name, child.family_name) if child else "a child"


def assignees(child_id: uuid.UUID) -> tuple[Practitioner | None, Practitioner | None]:
    """The child's Named Person and Lead Professional, in one statement (as
    `current_assignee` finds each: the earliest current assignment of the kind)."""
    found: dict[str, Practitioner] = {}
    for assignment in (
        Assignment.objects.filter(
            child_ref=child_id,
            kind__in=(Assignment.Kind.NAMED_PERSON, Assignment.Kind.LEAD_PROFESSIONAL),
            ended_at__isnull=True,
        )
        .select_related("practitioner__agency")
        .order_by("started_at", "pk")
    ):
        found.setdefault(assignment.kind, assignment.practitioner)
    return (
        found.get(Assignment.Kind.NAMED_PERSON),
        found.get(Assignment.Kind.LEAD_PROFESSIONAL),
    )


def concern_text(
    recipient: Practitioner,
    entry: Concern,
    child_name: str,
    *,
    verb: str,
    readable: bool | None = None,
) -> str:
    significance = Significance(entry.significance).label.lower()
    who = f"{entry.recorded_by.display_name} ({entry.agency.name})"
    when = timezone.localtime(entry.occurred_at).strftime("%d %B %Y")
    if readable is None:
        readable = may_read(recipient, entry)
    if readable:
        return (
            f"{child_name}: {who} {verb} a concern of {significance} significance: {entry.summary}"
        )
    return (
        f"{child_name}: {who} {verb} a concern of {significance} significance about {when}. "
        f"It is held by {entry.agency.name}; to see it, make a share request to them."
    )


def _data(entry: Concern) -> dict[str, object]:
    return {
        "concern_id": str(entry.pk),
        "agency_id": str(entry.agency_id),
        "agency_name": entry.agency.name,
        "recorded_by": entry.recorded_by.display_name,
        "significance": entry.significance,
        "occurred_at": entry.occurred_at.isoformat(),
    }


def announce(
    entry: Concern,
    *,
    amended: bool = False,
    escalated: bool = False,
    child_name: str | None = None,
) -> list[str]:
    """Tell the child's Named Person and Lead Professional of a concern; a child protection
    concern at once to the Named Person and the recording agency's seniors (DOMAIN §5).

    In the request, so the designated lead hears at once, in few statements: both
    assignees in one, who may read the entry in one, the notifications in one (their
    e-mail is left to the caller's task: the ids to e-mail are returned). `child_name` is
    the child's name when the caller has it."""
    child_id = entry.child_ref
    name = child_name if child_name is not None else _child_name(child_id)
    child_protection = entry.significance == Significance.CHILD_PROTECTION and (
        escalated or not amended
    )
    named, lead = assignees(child_id)
    recipients: dict[uuid.UUID, tuple[Practitioner, str]] = {}
    kind = Notification.Kind.CONCERN_AMENDED if amended else Notification.Kind.CONCERN_RECORDED
    for person in (named, lead):
        if person is None or person.pk == entry.recorded_by_id:
            continue
        # A restricted entry stays inside its agency unless it is a child protection concern,
        # which the Named Person must hear of (without its content).
        if entry.restricted and person.agency_id != entry.agency_id and not child_protection:
            continue
        recipients[person.pk] = (person, kind)
    if child_protection:
        if named is not None and named.pk != entry.recorded_by_id:
            recipients[named.pk] = (named, Notification.Kind.CHILD_PROTECTION_CONCERN)
        seniors = Practitioner.objects.filter(
            agency_id=entry.agency_id, groups__name=Role.SENIOR, is_active=True
        ).exclude(pk=entry.recorded_by_id)
        for senior in seniors:
            # The agency's senior must act on it, so is involved from now (DOMAIN §1).
            involve(
                senior,
                child_id,
                Involvement.Basis.CHILD_PROTECTION_LEAD,
                reason=f"child protection concern {entry.pk}",
                by=entry.recorded_by,
            )
            recipients[senior.pk] = (senior, Notification.Kind.CHILD_PROTECTION_CONCERN)
    if not recipients:
        return []
    verb = "amended" if amended else "recorded"
    # Asked after the seniors are involved, as each notification's text was before.
    may = readers(entry, [person for person, _ in recipients.values()])
    notes = notify_all(
        [
            (
                person,
                note_kind,
                concern_text(person, entry, name, verb=verb, readable=person.pk in may),
            )
            for person, note_kind in recipients.values()
        ],
        child_id=child_id,
        data=_data(entry),
        email=False,
    )
    return to_email(notes)


@dataclass(frozen=True)
class Pattern:
    concerns: int
    medium_or_above: int
    high_or_above: int
    agencies: int
    triggers: tuple[str, ...]


def pattern_for(child_id: uuid.UUID, viewer: Practitioner, now: dt.datetime) -> Pattern:
    """Counts in the rolling window. Strengths (positive impact) are not concerns;
    superseded versions do not count twice; another agency's restricted entries are left
    out, since even their number is not the viewer's to know."""
    since = now - dt.timedelta(days=settings.BAIRN_PATTERN_WINDOW_DAYS)
    entries = Concern.objects.filter(
        child_ref=child_id,
        occurred_at__gte=since,
        occurred_at__lte=now,
        amended_by__isnull=True,
    ).exclude(impact=Impact.POSITIVE)
    entries = entries.filter(Q(restricted=False) | Q(agency_id=viewer.agency_id))
    rows = list(entries.values_list("significance", "agency_id"))
    medium = sum(1 for s, _ in rows if s in MEDIUM_OR_ABOVE)
    high = sum(1 for s, _ in rows if s in HIGH_OR_ABOVE)
    agencies = len({a for _, a in rows})
    triggers = []
    if medium >= 3:
        triggers.append("three_or_more_medium")
    if agencies >= 2:
        triggers.append("two_or_more_agencies")
    if high >= 1:
        triggers.append("high_significance")
    return Pattern(len(rows), medium, high, agencies, tuple(triggers))


def check_pattern(child_id: uuid.UUID) -> Notification | None:
    """Alert the Named Person when concerns add up (DOMAIN §5): counts only.

    A new alert is sent when the pattern first appears in the window, and again when a
    new kind of trigger joins it; not for every concern after. Runs as a task after the
    concern (bairn.tasks.work.check_pattern), in a transaction."""
    assignment = (
        Assignment.objects.filter(
            child_ref=child_id, kind=Assignment.Kind.NAMED_PERSON, ended_at__isnull=True
        )
        .select_related("practitioner__agency")
        # Two checks of one child at once (two workers) take turns, so that the second
        # sees the first's alert and does not send it again.
        .select_for_update(of=("self",))
        .order_by("started_at", "pk")
        .first()
    )
    if assignment is None:
        return None
    named = assignment.practitioner
    now = timezone.now()
    pattern = pattern_for(child_id, named, now)
    if not pattern.triggers:
        return None
    since = now - dt.timedelta(days=settings.BAIRN_PATTERN_WINDOW_DAYS)
    earlier = Notification.objects.filter(
        recipient=named,
        child_ref=child_id,
        kind=Notification.Kind.PATTERN_ALERT,
        created_at__gte=since,
    ).values_list("data", flat=True)
    seen: set[str] = set()
    for data in earlier:
        seen.update(data.get("triggers", []))
    if set(pattern.triggers) <= seen:
        return None
    name = _child_name(child_id)
    window = settings.BAIRN_PATTERN_WINDOW_DAYS
    agencies = "agency" if pattern.agencies == 1 else "agencies"
    concerns = "concern" if pattern.concerns == 1 else "concerns"
    text = (
        f"{name}: {pattern.concerns} {concerns} in the last {window} days from "
        f"{pattern.agencies} {agencies}"
        f" ({pattern.medium_or_above} of medium significance or above, "
        f"{pattern.high_or_above} high or child protection). Consider whether "
        f"{name.split(' ')[0]} needs a wellbeing assessment or a Child's Plan."
    )
    return notify(
        named,
        Notification.Kind.PATTERN_ALERT,
        text,
        child_id=child_id,
        data={
            "concerns": pattern.concerns,
            "medium_or_above": pattern.medium_or_above,
            "high_or_above": pattern.high_or_above,
            "agencies": pattern.agencies,
            "window_days": window,
            "triggers": list(pattern.triggers),
        },
    )
