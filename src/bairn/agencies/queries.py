"""Reads about agencies and practitioners, as the forms and the directory show them: who
may be chosen, asked or named. Nothing here is a child's data; the reads of a child's
team and involvements are in `agencies.services` (`team`) and the policy."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.db.models import Prefetch

from bairn.agencies.models import Agency, Practitioner
from bairn.reference import Role


def agencies() -> list[Agency]:
    """Every agency, by name."""
    return list(Agency.objects.order_by("name"))


def other_agencies(agency_id: uuid.UUID | None) -> list[Agency]:
    """Every agency but this one (every agency, for someone of none), by name."""
    found = Agency.objects.order_by("name")
    return list(found.exclude(pk=agency_id) if agency_id else found)


def agency_names(ids: Iterable[uuid.UUID | str]) -> dict[str, str]:
    """The names of these agencies, by id as text."""
    return {str(a.pk): a.name for a in Agency.objects.filter(pk__in=[str(i) for i in ids])}


def practitioner_names(ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    """The full names of these practitioners, by id."""
    return dict(Practitioner.objects.filter(pk__in=set(ids)).values_list("pk", "full_name"))


def seniors(
    agency_id: uuid.UUID | None, *, excluding: Practitioner | None = None
) -> list[Practitioner]:
    """The active seniors of an agency, by name (someone of no agency has none)."""
    if agency_id is None:
        return []
    found = Practitioner.objects.filter(agency=agency_id, groups__name=Role.SENIOR, is_active=True)
    if excluding is not None:
        found = found.exclude(pk=excluding.pk)
    return list(found.order_by("full_name"))


def role_holders(role: str, *, agency_id: uuid.UUID | None = None) -> list[Practitioner]:
    """Active practitioners of an agency holding the role (of one agency, when given), by
    agency and name."""
    found = Practitioner.objects.filter(is_active=True, groups__name=role, agency__isnull=False)
    if agency_id is not None:
        found = found.filter(agency=agency_id)
    return list(found.select_related("agency").order_by("agency__name", "full_name"))


def active_practitioners(*, excluding: Iterable[uuid.UUID] = ()) -> list[Practitioner]:
    """Every active practitioner of an agency but these, by agency and name."""
    return list(
        Practitioner.objects.filter(is_active=True, agency__isnull=False)
        .exclude(pk__in=list(excluding))
        .select_related("agency")
        .order_by("agency__name", "full_name")
    )


def directory(*, agency_id: uuid.UUID | None = None, role: str | None = None) -> list[Practitioner]:
    """The directory of active practitioners (of one agency, holding one role, when
    given), each with their roles read in the same query."""
    found = Practitioner.objects.filter(is_active=True).select_related("agency")
    if agency_id:
        found = found.filter(agency_id=agency_id)
    if role:
        found = found.filter(groups__name=role)
    people = list(found.prefetch_related(Prefetch("groups", queryset=Group.objects.all())))
    for p in people:
        p.__dict__["roles"] = frozenset(g.name for g in p.groups.all())
    return people
