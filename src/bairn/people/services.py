"""Every write to the identity store, the family's answer to the Named Person offer, and
the minimal-disclosure match (DOMAIN §2, §4.2)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from bairn.access.policy import Action, NotVisible, authorize
from bairn.agencies.models import Assignment, Involvement, NamedPersonOffer, Practitioner
from bairn.agencies.services import involve
from bairn.audit import services as audit
from bairn.db import both_stores
from bairn.errors import Conflict, Invalid, TooMany
from bairn.people.chi import ChiError, validate_chi
from bairn.people.models import (
    Child,
    ChildRelationship,
    Person,
    RelationshipChange,
    name_key,
    postcode_key,
)
from bairn.reference import Relationship


def _check_birth_date(field: str, value: dt.date | None, errors: dict[str, str]) -> None:
    if value is None:
        return
    if value > timezone.localdate():
        errors[field] = "A date of birth cannot be in the future."
    elif value.year < 1900:
        errors[field] = "A date of birth before 1900 is not possible here."


def create_child(
    actor: Practitioner,
    *,
    given_name: str,
    family_name: str,
    date_of_birth: dt.date,
    chi_number: str | None = None,
    scottish_candidate_number: str = "",
    sex: str = "",
    ethnicity: str = "",
    religion: str = "",
    languages: list[str] | None = None,
    address: str = "",
    postcode: str = "",
) -> Child:
    """A child's core record. The creator becomes involved (DOMAIN §4.1). A child already
    known — the same CHI number, or the same names, date of birth and postcode — is not
    recorded twice: Conflict, with the way on (`WAY_ON`)."""
    authorize(actor, Action.CHILD_CREATE)
    errors: dict[str, str] = {}
    if not given_name.strip():
        errors["given_name"] = "Give the child's given name."
    if not family_name.strip():
        errors["family_name"] = "Give the child's family name."
    _check_birth_date("date_of_birth", date_of_birth, errors)
    chi = None
    if chi_number:
        try:
            chi = validate_chi(chi_number, date_of_birth, sex or None)
        except ChiError as exc:
            errors["chi_number"] = str(exc)
    if errors:
        raise Invalid(errors)
    _refuse_duplicate(
        actor,
        chi=chi,
        given_name=given_name,
        family_name=family_name,
        date_of_birth=date_of_birth,
        postcode=postcode,
    )
    try:
        with both_stores():
            child = Child.objects.create(
                given_name=given_name.strip(),
                family_name=family_name.strip(),
                date_of_birth=date_of_birth,
                chi_number=chi,
                scottish_candidate_number=scottish_candidate_number,
                sex=sex,
                ethnicity=ethnicity,
                religion=religion,
                languages=list(languages or []),
                address=address,
                postcode=postcode.strip().upper(),
            )
            involve(actor, child.pk, Involvement.Basis.CREATED_RECORD)
            audit.record(
                actor=actor,
                action=Action.CHILD_CREATE,
                object=f"child:{child.pk}",
                child_id=child.pk,
            )
    except IntegrityError as exc:  # the same CHI number recorded at the same moment
        if chi and Child.objects.filter(chi_number=chi).exists():
            raise _duplicate("chi_number") from exc
        raise
    return child


# The way on from a duplicate (DOMAIN §4.1, §4.2): find the Named Person, who may bring
# the practitioner into the child's team.
WAY_ON = {
    "find_named_person": "POST /api/v1/children/match with the same details",
    "ask_to_be_involved": (
        "ask the Named Person the match names to bring you into the team around the child"
    ),
}


def _duplicate(matched_on: str) -> Conflict:
    what = {
        "chi_number": "this CHI number",
        "postcode": "this given name, family name, date of birth and postcode",
    }[matched_on]
    return Conflict(
        f"A child with {what} is already known to Bairn, so is not recorded again. Find "
        "who their Named Person is (Find a child, or POST /api/v1/children/match), and ask "
        "them to bring you into the team around the child.",
        field=matched_on,
        way_on=WAY_ON,
    )


def _refuse_duplicate(
    actor: Practitioner,
    *,
    chi: str | None,
    given_name: str,
    family_name: str,
    date_of_birth: dt.date,
    postcode: str,
) -> None:
    """A child already known is never recorded a second time, silently (issue 9): the
    same CHI number, or the same names, date of birth and postcode. The refusal is
    audited without naming the child (the caller may not see them)."""
    matched_on = ""
    if chi and Child.objects.filter(chi_number=chi).exists():
        matched_on = "chi_number"
    elif postcode.strip() and candidates(
        given_name=given_name,
        family_name=family_name,
        date_of_birth=date_of_birth,
        postcode=postcode,
    ):
        matched_on = "postcode"
    if not matched_on:
        return
    audit.record(
        actor=actor,
        action=Action.CHILD_CREATE,
        outcome=audit.REFUSED,
        reason=f"a child with the same {matched_on.replace('_', ' ')} is already recorded",
    )
    raise _duplicate(matched_on)


def get_child(actor: Practitioner, child_id: uuid.UUID) -> Child:
    """The core record, for an involved practitioner; anyone else: not found."""
    authorize(actor, Action.CHILD_READ, child_id=child_id, object=f"child:{child_id}")
    return held_child(child_id)


def held_child(child_id: uuid.UUID) -> Child:
    """The child's core record from the identity store, or *not found* — as the access
    lookups answer — when the store no longer holds it although the transactional store
    still refers to it (an older identity backup restored, an erasure): never a 500."""
    found = Child.objects.filter(pk=child_id).first()
    if found is None:
        raise NotVisible(child_id)
    return found


def add_person(
    actor: Practitioner,
    child_id: uuid.UUID,
    *,
    relationship: str,
    parental_responsibility: bool,
    lives_with: bool,
    stays_overnight: bool,
    caring_role: str = "",
    given_name: str | None = None,
    family_name: str | None = None,
    date_of_birth: dt.date | None = None,
    person_id: uuid.UUID | None = None,
) -> ChildRelationship:
    """A person around the child and how they relate (DOMAIN §2). `person_id` relates
    someone already known through another child the caller is involved with (a parent of
    two children is one person)."""
    authorize(actor, Action.PEOPLE_ADD, child_id=child_id, object=f"child:{child_id}")
    errors: dict[str, str] = {}
    person: Person | None = None
    if person_id is not None:
        if given_name or family_name or date_of_birth:
            errors["person_id"] = "Give either person_id or the person's names, not both."
        person = _person_visible_to(actor, person_id)
        if person is None:
            errors["person_id"] = (
                "No person with this id is known through a child you are involved with."
            )
    else:
        if not (given_name or "").strip():
            errors["given_name"] = "Give the person's given name (or person_id)."
        if not (family_name or "").strip():
            errors["family_name"] = "Give the person's family name (or person_id)."
        _check_birth_date("date_of_birth", date_of_birth, errors)
    if errors:
        raise Invalid(errors)
    if (
        person is not None
        and ChildRelationship.objects.filter(child_id=child_id, person=person).exists()
    ):
        raise Conflict("This person is already recorded around this child.", field="person_id")
    with both_stores():
        if person is None:
            person = Person.objects.create(
                given_name=(given_name or "").strip(),
                family_name=(family_name or "").strip(),
                date_of_birth=date_of_birth,
            )
        relation = ChildRelationship.objects.create(
            child_id=child_id,
            person=person,
            relationship=relationship,
            parental_responsibility=parental_responsibility,
            lives_with=lives_with,
            stays_overnight=stays_overnight,
            caring_role=caring_role,
        )
        audit.record(
            actor=actor,
            action=Action.PEOPLE_ADD,
            object=f"person:{person.pk}",
            child_id=child_id,
            reason=relationship,
        )
    return relation


HOUSEHOLD_FIELDS = (
    "relationship",
    "parental_responsibility",
    "lives_with",
    "stays_overnight",
    "caring_role",
)


def change_person(
    actor: Practitioner,
    child_id: uuid.UUID,
    person_id: uuid.UUID,
    *,
    reason: str,
    **changes: object,
) -> ChildRelationship:
    """Change how a person relates to the child: the relationship, parental responsibility,
    living with or staying overnight, what they do for the child. The reason is required,
    and what it was is kept (RelationshipChange). A change that changes nothing records
    nothing."""
    authorize(actor, Action.PEOPLE_CHANGE, child_id=child_id, object=f"person:{person_id}")
    relation = (
        ChildRelationship.objects.filter(child_id=child_id, person_id=person_id)
        .select_related("person")
        .first()
    )
    if relation is None:
        raise NotVisible("no such person around this child")
    errors: dict[str, str] = {}
    unknown = set(changes) - set(HOUSEHOLD_FIELDS)
    for name in sorted(unknown):
        errors[name] = "This cannot be changed here."
    if changes.get("relationship") is not None and changes["relationship"] not in (
        Relationship.values
    ):
        errors["relationship"] = "Not a relationship Bairn knows."
    if not reason.strip():
        errors["reason"] = "Say why this changed, for example what the family told you."
    if errors:
        raise Invalid(errors)
    before = {name: getattr(relation, name) for name in HOUSEHOLD_FIELDS}
    after = {**before, **{k: v for k, v in changes.items() if v is not None}}
    if after == before:
        return relation
    with both_stores():
        RelationshipChange.objects.create(
            relation=relation,
            before=before,
            after=after,
            reason=reason.strip(),
            changed_by_ref=actor.pk,
            changed_at=timezone.now(),
        )
        for name, value in after.items():
            setattr(relation, name, value)
        relation.save(update_fields=list(HOUSEHOLD_FIELDS))
        audit.record(
            actor=actor,
            action=Action.PEOPLE_CHANGE,
            object=f"person:{person_id}",
            child_id=child_id,
            reason="changed " + ", ".join(k for k in HOUSEHOLD_FIELDS if after[k] != before[k]),
        )
    return relation


def household_changes(actor: Practitioner, child_id: uuid.UUID) -> list[RelationshipChange]:
    """Every change to the people around the child, oldest first."""
    authorize(actor, Action.PEOPLE_READ, child_id=child_id, object=f"child:{child_id}")
    return list(
        RelationshipChange.objects.filter(relation__child_id=child_id).select_related(
            "relation__person"
        )
    )


def _person_visible_to(actor: Practitioner, person_id: uuid.UUID) -> Person | None:
    from bairn.access.policy import involved_children

    children = list(involved_children(actor).values_list("child_ref", flat=True))
    return Person.objects.filter(pk=person_id, relationships__child_id__in=children).first()


def age_on(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def decided_by(person_ref: uuid.UUID | None) -> str:
    """Who gave a decision about a child, as the audit names them (no name: a reference)."""
    return "the child" if person_ref is None else f"person:{person_ref}"


def parent_deciding(child: Child, given_by: str, what: str) -> tuple[uuid.UUID | None, str]:
    """The person `given_by` names, when they may decide for the child: a person around
    the child with parental responsibility (DOMAIN §2). A family friend cannot, however
    much they care for the child. Returns the person's id, or the reason they may not."""
    try:
        person_ref = uuid.UUID(given_by)
    except ValueError:
        return None, "Give 'child' or the id of a person around the child."
    relation = (
        ChildRelationship.objects.filter(child_id=child.pk, person_id=person_ref)
        .select_related("person")
        .first()
    )
    if relation is None:
        return None, "No person with this id is recorded around this child."
    if not relation.parental_responsibility:
        return None, (
            f"{relation.person} has no parental responsibility for {child.given_name}, so "
            f"cannot {what} for her or him (DOMAIN §2)"
        )
    return person_ref, ""


def list_people(actor: Practitioner, child_id: uuid.UUID) -> list[ChildRelationship]:
    authorize(actor, Action.PEOPLE_READ, child_id=child_id, object=f"child:{child_id}")
    return list(ChildRelationship.objects.filter(child_id=child_id).select_related("person"))


def record_named_person_offer(
    actor: Practitioner,
    child_id: uuid.UUID,
    *,
    decision: str,
    given_by: str,
    decided_on: dt.date | None = None,
    note: str = "",
) -> NamedPersonOffer:
    """The family's answer to the offer of a Named Person (DOMAIN §2): from a person with
    parental responsibility, or from the child where old enough to decide
    (BAIRN_CONSENT_AGE). Declining is recorded and is not in itself a concern: nobody is
    notified and nothing enters the chronology."""
    authorize(actor, Action.NAMED_PERSON_OFFER, child_id=child_id, object=f"child:{child_id}")
    child = held_child(child_id)
    errors: dict[str, str] = {}
    if decision not in NamedPersonOffer.Decision.values:
        errors["decision"] = "Give 'accepted' or 'declined'."
    person_ref: uuid.UUID | None = None
    today = timezone.localdate()
    if given_by == "child":
        age = age_on(child.date_of_birth, today)
        if age < settings.BAIRN_CONSENT_AGE:
            errors["given_by"] = (
                f"{child.given_name} is {age}: under {settings.BAIRN_CONSENT_AGE} the answer "
                "is given by a person with parental responsibility"
            )
    else:
        person_ref, refusal = parent_deciding(child, given_by, "answer the offer")
        if refusal:
            errors["given_by"] = refusal
    decided_on = decided_on or today
    if decided_on > today:
        errors["decided_on"] = "The answer cannot be dated in the future."
    elif decided_on < child.date_of_birth:
        errors["decided_on"] = "The answer cannot be dated before the child was born."
    if errors:
        raise Invalid(errors)
    with transaction.atomic():
        answer = NamedPersonOffer.objects.create(
            child_ref=child_id,
            decision=decision,
            person_ref=person_ref,
            decided_on=decided_on,
            note=note.strip(),
            recorded_by=actor,
            recorded_at=timezone.now(),
        )
        audit.record(
            actor=actor,
            action=Action.NAMED_PERSON_OFFER,
            object=f"named_person_offer:{answer.pk}",
            child_id=child_id,
            reason=f"{decision} by {decided_by(person_ref)}",
        )
    return answer


def named_person_offer(child_id: uuid.UUID) -> NamedPersonOffer | None:
    """The family's latest answer to the Named Person offer, if one is recorded."""
    return (
        NamedPersonOffer.objects.filter(child_ref=child_id)
        .select_related("recorded_by")
        .order_by("-recorded_at")
        .first()
    )


@dataclass(frozen=True)
class MatchResult:
    matched: bool
    named_person: Practitioner | None
    # Every Named Person of the records that agree, oldest record first: more than one
    # only where a child was recorded twice before duplicates were refused.
    named_persons: tuple[Practitioner, ...] = ()


# Stands in for "no child" so that a miss runs the very query a hit does (no timing tell).
NO_CHILD = uuid.UUID(int=0)


def _throttle(actor: Practitioner) -> None:
    """A burst of searches is refused (DOMAIN §4.2: the match must not become a way to
    find out who is known): more than BAIRN_MATCH_LIMIT in BAIRN_MATCH_WINDOW_MINUTES by
    one practitioner. The refusal is audited."""
    from bairn.audit.models import AuditEvent

    limit, minutes = settings.BAIRN_MATCH_LIMIT, settings.BAIRN_MATCH_WINDOW_MINUTES
    since = timezone.now() - dt.timedelta(minutes=minutes)
    made = AuditEvent.objects.filter(
        actor=actor.get_username(),
        action=Action.CHILD_MATCH,
        outcome=audit.ALLOWED,
        at__gte=since,
    ).count()
    if made < limit:
        return
    audit.record(
        actor=actor,
        action=Action.CHILD_MATCH,
        outcome=audit.REFUSED,
        reason=f"too many searches: {made} in {minutes} minutes (limit {limit})",
    )
    raise TooMany(
        f"You have asked whether a child is known {made} times in the last {minutes} "
        f"minutes, the most Bairn answers in that time. Try again in {minutes} minutes; if "
        "a child is at risk now, call the Named Person's agency or the police.",
        retry_after=minutes * 60,
    )


def match(
    actor: Practitioner,
    *,
    given_name: str,
    family_name: str,
    date_of_birth: dt.date,
    postcode: str | None = None,
    chi_number: str | None = None,
) -> MatchResult:
    """Is this child known, and who is their Named Person? Nothing else (DOMAIN §4.2).

    Every identifier given must agree; names are compared without regard to case, accents
    or spacing. Where a child was recorded twice (before duplicates were refused), the
    Named Person of the oldest record answers, and `named_persons` lists every one. The
    search is audited (with the child, when one matched) but adds no involvement; a burst
    of searches is refused (`_throttle`). A hit and a miss take the same path: the same
    queries and one audit event of the same shape, so the time taken tells nothing.
    """
    authorize(actor, Action.CHILD_MATCH)
    _throttle(actor)
    errors: dict[str, str] = {}
    if not (postcode or "").strip() and not (chi_number or "").strip():
        errors["postcode"] = "Give the postcode or the CHI number as well."
    chi = None
    if chi_number:
        try:
            chi = validate_chi(chi_number, date_of_birth)
        except ChiError as exc:
            errors["chi_number"] = str(exc)
    if errors:
        raise Invalid(errors)
    found = candidates(
        given_name=given_name,
        family_name=family_name,
        date_of_birth=date_of_birth,
        postcode=postcode,
        chi_number=chi,
    )
    ids = [c.pk for c in found]
    order = {pk: i for i, pk in enumerate(ids)}
    named_persons: list[Practitioner] = []
    for assignment in sorted(
        Assignment.objects.filter(
            child_ref__in=ids or [NO_CHILD],
            kind=Assignment.Kind.NAMED_PERSON,
            ended_at__isnull=True,
        ).select_related("practitioner__agency"),
        key=lambda a: order.get(a.child_ref, 0),
    ):
        if assignment.practitioner not in named_persons:
            named_persons.append(assignment.practitioner)
    audit.record(
        actor=actor,
        action=Action.CHILD_MATCH,
        child_id=ids[0] if ids else "",
        reason=f"matched {len(ids)} record{'s' if len(ids) != 1 else ''}",
    )
    return MatchResult(
        matched=bool(ids),
        named_person=named_persons[0] if named_persons else None,
        named_persons=tuple(named_persons),
    )


def find_one(
    *,
    given_name: str,
    family_name: str,
    date_of_birth: dt.date,
    postcode: str | None = None,
    chi_number: str | None = None,
) -> Child | None:
    """The one child every identifier given agrees with, or None (DOMAIN §4.2). No policy
    here: callers are the audited match, and pages acting on a match the user just made
    (emergency access, a transparency report) — never shown to anyone by itself."""
    found = candidates(
        given_name=given_name,
        family_name=family_name,
        date_of_birth=date_of_birth,
        postcode=postcode,
        chi_number=chi_number,
    )
    return found[0] if len(found) == 1 else None


def candidates(
    *,
    given_name: str,
    family_name: str,
    date_of_birth: dt.date,
    postcode: str | None = None,
    chi_number: str | None = None,
) -> list[Child]:
    """Every child all the identifiers given agree with, the oldest record first (a few
    at most: more than one only where a child was recorded twice). No policy here, as
    for `find_one`."""
    found = Child.objects.filter(
        given_name_key=name_key(given_name),
        family_name_key=name_key(family_name),
        date_of_birth=date_of_birth,
    )
    if chi_number:
        found = found.filter(chi_number="".join(chi_number.split()))
    if postcode and postcode.strip():
        found = found.filter(postcode_key=postcode_key(postcode))
    return list(found.order_by("created_at", "pk")[:10])
