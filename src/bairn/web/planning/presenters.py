"""What the assessment and plan pages show, from what the queries read: the plan and
the assessment in the order of the Child's Plan, the people to choose from."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.utils import timezone
from django.utils.safestring import mark_safe

from bairn.access.policy import PLAN_CIRCLE
from bairn.agencies.models import Practitioner
from bairn.chronology.queries import Seen
from bairn.planning import pictures, queries
from bairn.planning.models import ActionStatus, Meeting, PlanVersion, Rating
from bairn.planning.rules import action_overdue, review_overdue
from bairn.reference import (
    FIVE_QUESTIONS,
    INDICATOR_MEANINGS,
    MY_WORLD_AREAS,
    MY_WORLD_SIDES,
    Indicator,
)
from bairn.web.planning.forms import AXES, STATUSES

RATING_COLOURS: dict[str, str] = {
    Rating.STRENGTH: "green",
    Rating.NO_CONCERN: "grey",
    Rating.SOME_CONCERN: "yellow",
    Rating.SIGNIFICANT_CONCERN: "red",
}
STATUS_COLOURS = {
    ActionStatus.PLANNED: "blue",
    ActionStatus.IN_PROGRESS: "yellow",
    ActionStatus.DONE: "green",
    ActionStatus.DROPPED: "grey",
}


def _date(iso: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(iso)
    except (TypeError, ValueError):
        return None


# --- people to choose from --------------------------------------------------------------------


def label(p: Practitioner) -> str:
    return f"{p.display_name}, {p.agency.name}" if p.agency else p.display_name


def choices(found: Iterable[Practitioner]) -> list[tuple[str, str]]:
    unique = {p.pk: p for p in found}
    return [
        (str(p.pk), label(p))
        for p in sorted(unique.values(), key=lambda p: (p.display_name.lower(), str(p.pk)))
    ]


def entry_choices(seen: list[Seen]) -> list[tuple[str, str]]:
    return [
        (
            str(s.entry.pk),
            f"{timezone.localtime(s.entry.occurred_at):%d %b %Y} — {s.entry.summary} "
            f"({s.entry.agency.name})",
        )
        for s in reversed(seen)
    ]


def plan_view(version: PlanVersion, *, current: bool = True) -> dict[str, Any]:
    """A version of the plan as the page shows it, in the order of the Child's Plan. What
    is overdue is marked on the current version only: an earlier one is as it was."""
    today = timezone.localdate() if current else dt.date.min
    content = version.content
    by_id = {
        str(p.pk): p
        for p in queries.practitioners([content["lead_professional_id"], *content["team_ids"]])
    }
    needs = []
    for number, need in enumerate(content["needs"], start=1):
        actions = []
        for action in need["actions"]:
            due = _date(action["due_on"])
            actions.append(
                {
                    **action,
                    "due": due,
                    "status_label": dict(STATUSES).get(action["status"], action["status"]),
                    "status_colour": STATUS_COLOURS.get(action["status"], "grey"),
                    "overdue": action_overdue(action, today),
                }
            )
        needs.append(
            {
                **need,
                "number": number,
                "indicator_labels": [str(Indicator(i).label) for i in need["indicators"]],
                "actions": actions,
            }
        )
    review = _date(content["review_date"])
    overdue = sum(1 for n in needs for a in n["actions"] if a["overdue"])
    return {
        "version": version.version,
        "saved_at": version.saved_at,
        "saved_by": version.saved_by.display_name,
        "changes": version.changes,
        "meeting": version.meeting,
        "lead": by_id.get(content["lead_professional_id"]),
        "lead_name": content["lead_professional"],
        "team": [by_id[t] for t in content["team_ids"] if t in by_id],
        "reason_for_plan": content["reason_for_plan"],
        "needs": needs,
        "overdue": overdue,
        "overdue_text": (
            f"{overdue} action{'s' if overdue != 1 else ''} of this plan "
            f"{'are' if overdue != 1 else 'is'} past the due date and not done."
        ),
        "child_views": content["child_views"],
        "family_views": content["family_views"],
        "review_date": review,
        "review_overdue": review_overdue(content, today),
        "contingency": content.get("contingency") or "",
    }


def _evidence(ids: Sequence[str], seen: Mapping[str, Seen]) -> dict[str, Any]:
    shown = [seen[i].entry for i in ids if i in seen]
    return {"entries": shown, "hidden": len([i for i in ids if i not in seen])}


def assessment_view(
    combined: queries.Combined, seen: Mapping[str, Seen], child_name: str
) -> dict[str, Any]:
    """The latest assessment as the page shows it: the wheel, each indicator with every
    agency's view, My World by its sides, the Resilience Matrix, the five questions."""
    ratings = combined.ratings
    indicators = []
    for code in Indicator.values:
        rating = ratings.get(code)
        views = []
        for c in combined.contributions:
            view = c.indicators.get(code)
            if view is None:
                continue
            views.append(
                {
                    "agency": c.agency.name,
                    "author": c.author.display_name,
                    "rating_label": pictures.rating_label(view["rating"]),
                    "rating_colour": RATING_COLOURS.get(view["rating"], "grey"),
                    "notes": view.get("notes") or "",
                    "evidence": _evidence(view.get("evidence_entry_ids") or [], seen),
                }
            )
        indicators.append(
            {
                "code": code,
                "label": str(Indicator(code).label),
                "meaning": INDICATOR_MEANINGS[code],
                "rating_label": pictures.rating_label(rating),
                "rating_colour": RATING_COLOURS.get(rating, "grey") if rating else "grey",
                "views": views,
            }
        )
    my_world = combined.my_world
    sides = [
        {
            "label": label,
            "areas": [
                {"label": a.label, "notes": my_world[a.code]}
                for a in MY_WORLD_AREAS
                if a.side == side and a.code in my_world
            ],
        }
        for side, label in MY_WORLD_SIDES.items()
    ]
    answers = combined.five_questions
    factors = combined.resilience_matrix
    assessed = f"{timezone.localtime(combined.assessment.started_at):%d %B %Y}"
    return {
        "assessment": combined.assessment,
        "agencies": [c.agency.name for c in combined.contributions],
        "agency_ids": {c.agency_id for c in combined.contributions},
        "wheel": mark_safe(  # noqa: S308 - built from escaped text (bairn.planning.pictures)
            pictures.wellbeing_wheel(ratings, child_name, assessed)
        ),
        "indicators": indicators,
        "my_world": sides,
        "factors": [{**f, "axis_label": AXES.get(f["axis"], f["axis"])} for f in factors],
        "matrix": mark_safe(  # noqa: S308 - built from escaped text (bairn.planning.pictures)
            pictures.resilience_matrix(factors, child_name)
        )
        if factors
        else "",
        "questions": [
            {"number": n, "text": q, "answers": answers.get(n, [])}
            for n, q in FIVE_QUESTIONS.items()
        ],
    }


def meetings(found: Sequence[Meeting]) -> list[dict[str, Any]]:
    out = []
    for meeting in found:
        came = list(meeting.attendees.all())
        ids = {p.pk for p in came}
        out.append(
            {
                "pk": meeting.pk,
                "held_on": meeting.held_on,
                "attendees": [label(p) for p in came],
                "absent": [label(p) for p in meeting.invitees.all() if p.pk not in ids],
                "family_attended": meeting.family_attended,
                "decisions": meeting.decisions,
                "minutes": meeting.minutes,
            }
        )
    return out


def plan_people(
    child_id: uuid.UUID, content: dict[str, Any] | None
) -> dict[str, list[tuple[str, str]]]:
    """Whom the plan's form offers: Lead Professionals, the team, owners of actions."""
    involved = queries.involved_practitioners(child_id)
    current = queries.practitioners(
        [
            *(content["team_ids"] if content else []),
            *(a["owner_id"] for n in (content["needs"] if content else []) for a in n["actions"]),
        ]
    )
    leads = queries.lead_professionals()
    return {
        "leads": choices(leads),
        "team": choices([*involved, *current]),
        "owners": choices([*involved, *current, *leads]),
    }


def meeting_choices(
    child_id: uuid.UUID, content: dict[str, Any] | None
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Whom a meeting's form offers (the plan's circle and team) and the plan's needs."""
    team = choices(
        [
            *queries.involved_practitioners(child_id, PLAN_CIRCLE),
            *queries.practitioners(content["team_ids"] if content else []),
        ]
    )
    needs = [
        (str(i), f"Need {i + 1}: {need['description'][:80]}")
        for i, need in enumerate(content["needs"] if content else [])
    ]
    return team, needs
