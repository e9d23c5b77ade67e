"""Every write to the identity store, and the minimal-disclosure match (DOMAIN §2, §4.2)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.utils import timezone

from bairn.access.policy import Action, authorize, current_assignee
from bairn.agencies.models import Assignment, Involvement, Practitioner
from bairn.agencies.services import involve
from bairn.audit import services as audit
from bairn.db import both_stores
from bairn.errors import Conflict, Invalid
from bairn.people.chi import ChiError, validate_chi
from bairn.people.models import Child, ChildRelationship, Person, name_key, postcode_key


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
    """A child's core record. The creator becomes involved (DOMAIN §4.1)."""
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
    if chi and Child.objects.filter(chi_number=chi).exists():
        audit.record(
            actor=actor,
            action=Action.CHILD_CREATE,
            outcome=audit.REFUSED,
            reason="a child with this CHI number is already recorded",
        )
        raise Conflict(
            "A child with this CHI number is already known to Bairn. Ask who their Named "
            "Person is with the match (POST /api/v1/children/match).",
            field="chi_number",
        )
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
            actor=actor, action=Action.CHILD_CREATE, object=f"child:{child.pk}", child_id=child.pk
        )
    return child


def get_child(actor: Practitioner, child_id: uuid.UUID) -> Child:
    """The core record, for an involved practitioner; anyone else: not found."""
    authorize(actor, Action.CHILD_READ, child_id=child_id, object=f"child:{child_id}")
    return Child.objects.get(pk=child_id)


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


def _person_visible_to(actor: Practitioner, person_id: uuid.UUID) -> Person | None:
    from bairn.access.policy import involved_children

    children = list(involved_children(actor).values_list("child_ref", flat=True))
    return Person.objects.filter(pk=person_id, relationships__child_id__in=children).first()


def list_people(actor: Practitioner, child_id: uuid.UUID) -> list[ChildRelationship]:
    authorize(actor, Action.PEOPLE_READ, child_id=child_id, object=f"child:{child_id}")
    return list(ChildRelationship.objects.filter(child_id=child_id).select_related("person"))


@dataclass(frozen=True)
class MatchResult:
    matched: bool
    named_person: Practitioner | None


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

    Every identifier given must agree with exactly one child; names are compared without
    regard to case, accents or spacing. The search is audited (with the child, when one
    matched) but adds no involvement.
    """
    authorize(actor, Action.CHILD_MATCH)
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
    child = find_one(
        given_name=given_name,
        family_name=family_name,
        date_of_birth=date_of_birth,
        postcode=postcode,
        chi_number=chi,
    )
    named = current_assignee(child.pk, Assignment.Kind.NAMED_PERSON) if child else None
    audit.record(
        actor=actor,
        action=Action.CHILD_MATCH,
        child_id=child.pk if child else "",
        reason="matched" if child else "no single match",
    )
    return MatchResult(matched=child is not None, named_person=named)


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
    candidates = Child.objects.filter(
        given_name_key=name_key(given_name),
        family_name_key=name_key(family_name),
        date_of_birth=date_of_birth,
    )
    if chi_number:
        candidates = candidates.filter(chi_number="".join(chi_number.split()))
    if postcode and postcode.strip():
        candidates = candidates.filter(postcode_key=postcode_key(postcode))
    found = list(candidates[:2])
    return found[0] if len(found) == 1 else None
