"""Reading assessments and the plan, for the plan's circle only (API.md "Plans and
assessments")."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from bairn.access.policy import (
    Action,
    NotVisible,
    authorize,
    current_assignee,
    decide,
    irds_visible,
)
from bairn.agencies.models import Assignment, Involvement, Practitioner
from bairn.planning import pdf
from bairn.planning.models import (
    RATING_RANK,
    Assessment,
    Contribution,
    Ird,
    Meeting,
    Plan,
    PlanVersion,
    RegisterEntry,
)
from bairn.planning.rules import action_overdue
from bairn.reference import Indicator, Role

if TYPE_CHECKING:
    from bairn.chronology.queries import Seen
    from bairn.people.models import Child


@dataclass(frozen=True)
class Combined:
    """An assessment as one: each indicator's most concerning rating, with every view."""

    assessment: Assessment
    contributions: list[Contribution]

    @property
    def ratings(self) -> dict[str, str | None]:
        found: dict[str, str | None] = {i.value: None for i in Indicator}
        for contribution in self.contributions:
            for code, view in contribution.indicators.items():
                rating = view["rating"]
                current = found.get(code)
                if current is None or RATING_RANK[rating] > RATING_RANK[current]:
                    found[code] = rating
        return found

    def indicators(self) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        ratings = self.ratings
        for code, rating in ratings.items():
            views = [
                {
                    "agency": c.agency.name,
                    "author": c.author.display_name,
                    **c.indicators[code],
                }
                for c in self.contributions
                if code in c.indicators
            ]
            if views:
                out[code] = {
                    "rating": rating,
                    "notes": " / ".join(v["notes"] for v in views if v["notes"]),
                    "evidence_entry_ids": [e for v in views for e in v["evidence_entry_ids"]],
                    "views": views,
                }
        return out

    @property
    def my_world(self) -> dict[str, list[dict[str, str]]]:
        out: dict[str, list[dict[str, str]]] = {}
        for c in self.contributions:
            for area, notes in c.my_world.items():
                out.setdefault(area, []).append({"agency": c.agency.name, "notes": notes})
        return out

    @property
    def resilience_matrix(self) -> list[dict[str, str]]:
        return [
            {**factor, "agency": c.agency.name}
            for c in self.contributions
            for factor in c.resilience_matrix
        ]

    @property
    def five_questions(self) -> dict[str, list[dict[str, str]]]:
        out: dict[str, list[dict[str, str]]] = {}
        for c in self.contributions:
            for number, answer in c.five_questions.items():
                out.setdefault(number, []).append({"agency": c.agency.name, "answer": answer})
        return out


def _combined(assessments: list[Assessment]) -> list[Combined]:
    by_assessment: dict[uuid.UUID, list[Contribution]] = {a.pk: [] for a in assessments}
    for c in Contribution.objects.filter(assessment__in=assessments).select_related(
        "agency", "author"
    ):
        by_assessment[c.assessment_id].append(c)
    return [Combined(a, by_assessment[a.pk]) for a in assessments]


def assessments(actor: Practitioner, child_id: uuid.UUID) -> list[Combined]:
    """Newest first."""
    authorize(actor, Action.ASSESSMENT_READ, child_id=child_id, object=f"child:{child_id}")
    found = list(Assessment.objects.filter(child_ref=child_id).select_related("started_by"))
    return _combined(found)


def latest_assessment(actor: Practitioner, child_id: uuid.UUID) -> Combined | None:
    found = assessments(actor, child_id)
    return found[0] if found else None


@dataclass(frozen=True)
class CurrentPlan:
    plan: Plan
    version: PlanVersion


def _current(child_id: uuid.UUID) -> CurrentPlan | None:
    found = Plan.objects.filter(child_ref=child_id, closed_at__isnull=True).first()
    if found is None or found.version == 0:
        return None
    version = PlanVersion.objects.select_related("saved_by").get(plan=found, version=found.version)
    return CurrentPlan(found, version)


def _read_plan(actor: Practitioner, child_id: uuid.UUID) -> None:
    authorize(actor, Action.PLAN_READ, child_id=child_id, object=f"child:{child_id}")


def plan(actor: Practitioner, child_id: uuid.UUID) -> CurrentPlan:
    """The current plan; not found when there is none or the actor may not see it."""
    found = current_plan(actor, child_id)
    if found is None:
        raise NotVisible(child_id)
    return found


def current_plan(actor: Practitioner, child_id: uuid.UUID) -> CurrentPlan | None:
    """The current plan, None when there is none; not found when the actor may not see
    it. One read (plan.read)."""
    _read_plan(actor, child_id)
    return _current(child_id)


def _versions(current: CurrentPlan) -> list[PlanVersion]:
    return list(
        PlanVersion.objects.filter(plan=current.plan).select_related("saved_by").order_by("version")
    )


def _meetings(child_id: uuid.UUID) -> list[Meeting]:
    return list(
        Meeting.objects.filter(child_ref=child_id).prefetch_related("attendees", "invitees")
    )


def versions(actor: Practitioner, child_id: uuid.UUID) -> list[PlanVersion]:
    return _versions(plan(actor, child_id))


def version(actor: Practitioner, child_id: uuid.UUID, number: int) -> PlanVersion:
    return _version(plan(actor, child_id), number)


def _version(current: CurrentPlan, number: int) -> PlanVersion:
    found = (
        PlanVersion.objects.filter(plan=current.plan, version=number)
        .select_related("saved_by")
        .first()
    )
    if found is None:
        raise NotVisible(number)
    return found


def meetings(actor: Practitioner, child_id: uuid.UUID) -> list[Meeting]:
    _read_plan(actor, child_id)
    return _meetings(child_id)


# --- what the pages show, each read audited once ----------------------------------------


@dataclass(frozen=True)
class PlanPage:
    """The plan page: the latest assessment, the current plan, its versions and the
    meetings (API.md "Plans and assessments")."""

    record: Child
    latest: Combined | None
    current: CurrentPlan | None
    versions: list[PlanVersion]
    meetings: list[Meeting]
    seen: dict[str, Seen]  # the chronology the actor may see, by entry id (evidence)
    named_person: Practitioner | None
    can_write: bool


def plan_page(actor: Practitioner, child_id: uuid.UUID) -> PlanPage:
    """plan.read, assessment.read, child.read and chronology.read, once each."""
    from bairn.chronology import queries as chronology
    from bairn.people import services as people

    current = current_plan(actor, child_id)
    latest = latest_assessment(actor, child_id)
    return PlanPage(
        record=people.get_child(actor, child_id),
        latest=latest,
        current=current,
        versions=_versions(current) if current else [],
        meetings=_meetings(child_id),
        seen={str(s.entry.pk): s for s in chronology.chronology(actor, child_id)},
        named_person=current_assignee(child_id, Assignment.Kind.NAMED_PERSON),
        can_write=decide(actor, Action.PLAN_WRITE, child_id=child_id).allowed,
    )


@dataclass(frozen=True)
class VersionPage:
    record: Child
    version: PlanVersion
    current: CurrentPlan


def version_page(actor: Practitioner, child_id: uuid.UUID, number: int) -> VersionPage:
    """A version of the plan as it was saved, beside the current one: one plan.read."""
    from bairn.people import services as people

    current = plan(actor, child_id)
    return VersionPage(people.get_child(actor, child_id), _version(current, number), current)


def plan_document(actor: Practitioner, child_id: uuid.UUID) -> bytes:
    """The current plan as a PDF (bairn.planning.pdf), for the API and the page alike: the
    plan, the child and the people around them (its parents are named) are each read —
    and audited — once."""
    from bairn.people import queries as people_queries
    from bairn.people import services as people

    current = plan(actor, child_id)
    record = people.get_child(actor, child_id)
    around = people_queries.household(actor, child_id).people
    return pdf.plan_pdf(
        record,
        current.version.content,
        version=current.version.version,
        saved_at=f"{timezone.localtime(current.version.saved_at):%d %B %Y}",
        named_person=current_assignee(child_id, Assignment.Kind.NAMED_PERSON),
        lead=current_assignee(child_id, Assignment.Kind.LEAD_PROFESSIONAL),
        parents=[r for r in around if r.parental_responsibility],
    )


# --- whom the forms offer -----------------------------------------------------------------


def practitioners(ids: Iterable[uuid.UUID | str]) -> list[Practitioner]:
    """Active practitioners of an agency, of these ids."""
    return list(
        Practitioner.objects.filter(
            pk__in=[str(i) for i in ids], is_active=True, agency__isnull=False
        ).select_related("agency")
    )


def involved_practitioners(
    child_id: uuid.UUID, bases: Iterable[str] | None = None
) -> list[Practitioner]:
    """Active practitioners of an agency currently involved with the child."""
    found = Involvement.objects.filter(child_ref=child_id, ended_at__isnull=True)
    if bases is not None:
        found = found.filter(basis__in=list(bases))
    return practitioners(found.values_list("practitioner_id", flat=True))


def lead_professionals() -> list[Practitioner]:
    """Everyone who may be named Lead Professional: active, holding the role."""
    return list(
        Practitioner.objects.filter(
            is_active=True, agency__isnull=False, groups__name=Role.LEAD_PROFESSIONAL
        )
        .select_related("agency")
        .distinct()
    )


def assessment_child(assessment_id: uuid.UUID) -> uuid.UUID | None:
    """The child an assessment is about (the policy then decides about that child)."""
    return Assessment.objects.filter(pk=assessment_id).values_list("child_ref", flat=True).first()


def child_protection(
    actor: Practitioner, child_id: uuid.UUID
) -> tuple[list[Ird], RegisterEntry | None]:
    """IRDs the actor's agency took part in — for its seniors, the child's Named Person,
    Lead Professional and plan team, and whoever recorded it: an IRD holds what each
    agency shared for child protection, not for everyone involved — and the register
    entry."""
    decision = authorize(actor, Action.IRD_READ, child_id=child_id, object=f"child:{child_id}")
    irds = list(
        Ird.objects.filter(irds_visible(actor, child_id, decision.basis))
        .select_related("agency", "recorded_by")
        .prefetch_related("participants")
        .distinct()
    )
    entry = (
        RegisterEntry.objects.filter(child_ref=child_id, removed_on__isnull=True)
        .select_related("local_authority")
        .first()
    )
    return irds, entry


def ird_shown(ird: Ird) -> Ird:
    """An IRD a service just recorded for the caller, with its agency and recorder, as
    the API shows it."""
    return Ird.objects.select_related("agency", "recorded_by").get(pk=ird.pk)


# --- the home page ----------------------------------------------------------------------


def overdue_actions(actor: Practitioner, children: Iterable[uuid.UUID]) -> list[dict[str, object]]:
    """The actions of these children's current plans that are the actor's (as owner or as
    Lead Professional) and past their date, soonest first. `children` are those the policy
    listed for the actor (`people.queries.my_children`)."""
    me = str(actor.pk)
    today = timezone.localdate()
    found: list[dict[str, object]] = []
    plans = Plan.objects.filter(child_ref__in=list(children), closed_at__isnull=True, version__gt=0)
    for plan in plans:
        content = PlanVersion.objects.get(plan=plan, version=plan.version).content
        for need in content["needs"]:
            for action in need["actions"]:
                mine = action["owner_id"] == me or content["lead_professional_id"] == me
                if mine and action_overdue(action, today):
                    due = dt.date.fromisoformat(action["due_on"])
                    found.append({"child_id": plan.child_ref, "due": due, **action})
    return sorted(found, key=lambda a: str(a["due"]))
