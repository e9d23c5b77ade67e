"""Reading assessments and the plan, for the plan's circle only (API.md "Plans and
assessments")."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from bairn.access.policy import PLAN_CIRCLE, Action, NotVisible, authorize
from bairn.agencies.models import Practitioner
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
from bairn.reference import Indicator, Role


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


def plan(actor: Practitioner, child_id: uuid.UUID) -> CurrentPlan:
    """The current plan; not found when there is none or the actor may not see it."""
    authorize(actor, Action.PLAN_READ, child_id=child_id, object=f"child:{child_id}")
    found = Plan.objects.filter(child_ref=child_id, closed_at__isnull=True).first()
    if found is None or found.version == 0:
        raise NotVisible(child_id)
    version = PlanVersion.objects.select_related("saved_by").get(plan=found, version=found.version)
    return CurrentPlan(found, version)


def versions(actor: Practitioner, child_id: uuid.UUID) -> list[PlanVersion]:
    current = plan(actor, child_id)
    return list(
        PlanVersion.objects.filter(plan=current.plan).select_related("saved_by").order_by("version")
    )


def version(actor: Practitioner, child_id: uuid.UUID, number: int) -> PlanVersion:
    current = plan(actor, child_id)
    found = (
        PlanVersion.objects.filter(plan=current.plan, version=number)
        .select_related("saved_by")
        .first()
    )
    if found is None:
        raise NotVisible(number)
    return found


def meetings(actor: Practitioner, child_id: uuid.UUID) -> list[Meeting]:
    authorize(actor, Action.PLAN_READ, child_id=child_id, object=f"child:{child_id}")
    return list(
        Meeting.objects.filter(child_ref=child_id).prefetch_related("attendees", "invitees")
    )


def child_protection(
    actor: Practitioner, child_id: uuid.UUID
) -> tuple[list[Ird], RegisterEntry | None]:
    """IRDs the actor's agency took part in — for its seniors, the child's Named Person,
    Lead Professional and plan team, and whoever recorded it: an IRD holds what each
    agency shared for child protection, not for everyone involved — and the register
    entry."""
    decision = authorize(actor, Action.IRD_READ, child_id=child_id, object=f"child:{child_id}")
    found = (
        Ird.objects.filter(child_ref=child_id, participants=actor.agency_id)
        .select_related("agency", "recorded_by")
        .prefetch_related("participants")
        .distinct()
    )
    if not actor.has_role(Role.SENIOR) and not set(decision.basis) & PLAN_CIRCLE:
        found = found.filter(recorded_by=actor)
    irds = list(found)
    entry = (
        RegisterEntry.objects.filter(child_ref=child_id, removed_on__isnull=True)
        .select_related("local_authority")
        .first()
    )
    return irds, entry
