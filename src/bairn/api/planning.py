"""Plans and assessments (API.md "Plans and assessments")."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Router, Status
from pydantic import Field

from bairn.access.declare import policy
from bairn.access.lookup import ASSESSMENT, CHILD, granted
from bairn.access.policy import Action, NotVisible
from bairn.api.main import actor
from bairn.api.schemas import (
    ERRORS,
    Day,
    Input,
    Moment,
    Output,
    Reason,
    ShortText,
    Text,
    parse_id,
)
from bairn.api.stepup import require_fresh_otp
from bairn.people import queries as child_queries
from bairn.planning import pdf, pictures, queries, services
from bairn.planning.models import Axis, Ird, Meeting, PlanVersion, Rating, RegisterEntry
from bairn.reference import Indicator, MyWorldCode

router = Router()

QuestionNumber = Literal["1", "2", "3", "4", "5"]


class IndicatorViewIn(Input):
    rating: Rating
    notes: Text = ""
    evidence_entry_ids: list[uuid.UUID] = Field(default_factory=list, max_length=100)


class FactorIn(Input):
    factor: ShortText = Field(min_length=1)
    axis: Axis


class AssessmentIn(Input):
    indicators: dict[Indicator, IndicatorViewIn]
    my_world: dict[MyWorldCode, Text] = Field(default_factory=dict)
    resilience_matrix: list[FactorIn] = Field(default_factory=list, max_length=100)
    five_questions: dict[QuestionNumber, Text] = Field(default_factory=dict)


class AssessmentOut(Output):
    id: uuid.UUID
    child_id: uuid.UUID
    started_at: dt.datetime
    started_by: str
    agencies: list[str]
    indicators: dict[str, dict[str, Any]]
    my_world: dict[str, list[dict[str, str]]]
    resilience_matrix: list[dict[str, str]]
    five_questions: dict[str, list[dict[str, str]]]


class AssessmentsOut(Output):
    assessments: list[AssessmentOut]


def assessment_out(combined: queries.Combined) -> dict[str, object]:
    a = combined.assessment
    return {
        "id": a.pk,
        "child_id": a.child_ref,
        "started_at": a.started_at,
        "started_by": a.started_by.display_name,
        "agencies": [c.agency.name for c in combined.contributions],
        "indicators": combined.indicators(),
        "my_world": combined.my_world,
        "resilience_matrix": combined.resilience_matrix,
        "five_questions": combined.five_questions,
    }


def _assessment_data(payload: AssessmentIn) -> dict[str, Any]:
    data = payload.model_dump(mode="json")
    return {
        "indicators": data["indicators"],
        "my_world": data["my_world"],
        "resilience_matrix": data["resilience_matrix"],
        "five_questions": data["five_questions"],
    }


def _one(request: HttpRequest, child_id: uuid.UUID, assessment_id: uuid.UUID) -> dict[str, object]:
    for combined in queries.assessments(actor(request), child_id):
        if combined.assessment.pk == assessment_id:
            return assessment_out(combined)
    raise NotVisible(assessment_id)


@router.post("/children/{child_id}/assessments", response={201: AssessmentOut, **ERRORS})
@policy(Action.ASSESSMENT_WRITE, lookup=CHILD, also=(Action.ASSESSMENT_READ,))
def start_assessment(
    request: HttpRequest, child_id: str, payload: AssessmentIn
) -> Status[dict[str, object]]:
    """A wellbeing assessment (National Practice Model) with the caller's agency's view on
    each indicator (strengths as well as concerns, evidence from the chronology), My World
    Triangle notes, Resilience Matrix factors and the five questions. Other agencies add
    theirs with POST /assessments/{id}/contributions."""
    child = parse_id(child_id)
    assessment = services.start_assessment(actor(request), child, **_assessment_data(payload))
    return Status(201, _one(request, child, assessment.pk))


@router.post("/assessments/{assessment_id}/contributions", response={201: AssessmentOut, **ERRORS})
@policy(Action.ASSESSMENT_WRITE, lookup=ASSESSMENT, also=(Action.ASSESSMENT_READ,))
def contribute(
    request: HttpRequest, assessment_id: str, payload: AssessmentIn
) -> Status[dict[str, object]]:
    """Another agency's part of the same assessment: one assessment, each agency once."""
    contribution = services.contribute(
        actor(request), parse_id(assessment_id), **_assessment_data(payload)
    )
    child = contribution.assessment.child_ref
    return Status(201, _one(request, child, contribution.assessment_id))


@router.get("/children/{child_id}/assessments", response={200: AssessmentsOut, **ERRORS})
@policy(Action.ASSESSMENT_READ, lookup=CHILD)
def list_assessments(request: HttpRequest, child_id: str) -> dict[str, object]:
    """Newest first; each indicator's combined rating is the most concerning view, and
    every agency's view is kept beside it."""
    found = queries.assessments(actor(request), parse_id(child_id))
    return {"assessments": [assessment_out(c) for c in found]}


SVG = {"200": {"description": "SVG", "content": {"image/svg+xml": {}}}}


def _child_name(request: HttpRequest) -> str:
    child = child_queries.granted_child(granted(request))
    return f"{child.given_name} {child.family_name}"


@router.get(
    "/children/{child_id}/wellbeing-wheel.svg",
    response={404: ERRORS[404]},
    openapi_extra={"responses": SVG},
)
@policy(Action.ASSESSMENT_READ, lookup=CHILD)
def wellbeing_wheel(request: HttpRequest, child_id: str) -> HttpResponse:
    """The wellbeing wheel of the latest assessment: each indicator's name and rating as
    text, readable without colour."""
    child = parse_id(child_id)
    latest = queries.latest_assessment(actor(request), child)
    if latest is None:
        raise NotVisible(child)
    assessed = f"{timezone.localtime(latest.assessment.started_at):%d %B %Y}"
    svg = pictures.wellbeing_wheel(latest.ratings, _child_name(request), assessed)
    return HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")


@router.get(
    "/children/{child_id}/resilience-matrix.svg",
    response={404: ERRORS[404]},
    openapi_extra={"responses": SVG},
)
@policy(Action.ASSESSMENT_READ, lookup=CHILD)
def resilience_matrix(request: HttpRequest, child_id: str) -> HttpResponse:
    """The Resilience Matrix of the latest assessment."""
    child = parse_id(child_id)
    latest = queries.latest_assessment(actor(request), child)
    if latest is None:
        raise NotVisible(child)
    svg = pictures.resilience_matrix(latest.resilience_matrix, _child_name(request))
    return HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")


class ActionIn(Input):
    id: uuid.UUID | None = None
    description: Text = Field(min_length=1)
    owner_id: uuid.UUID
    due_on: Day
    status: Literal["planned", "in_progress", "done", "dropped"]


class NeedIn(Input):
    id: uuid.UUID | None = None
    indicators: list[Indicator] = Field(min_length=1, max_length=8)
    description: Text = Field(min_length=1)
    outcome: Text = Field(min_length=1)
    evidence: Text = Field(min_length=1)
    actions: list[ActionIn] = Field(default_factory=list, max_length=100)


class PlanIn(Input):
    version: int = Field(ge=0, description="the version edited; 0 for a new plan")
    lead_professional_id: uuid.UUID
    team_ids: list[uuid.UUID] = Field(default_factory=list, max_length=50)
    reason_for_plan: Text = Field(min_length=1)
    needs: list[NeedIn] = Field(min_length=1, max_length=50)
    child_views: Text
    family_views: Text
    review_date: Day
    contingency: Text = ""


class ActionOut(Output):
    id: str
    description: str
    owner_id: str
    owner: str
    agency_id: str
    agency: str
    due_on: str
    status: str


class NeedOut(Output):
    id: str
    indicators: list[str]
    description: str
    outcome: str
    evidence: str
    actions: list[ActionOut]


class PlanOut(Output):
    child_id: uuid.UUID
    version: int
    saved_at: dt.datetime
    saved_by: str
    lead_professional_id: str
    lead_professional: str
    team_ids: list[str]
    reason_for_plan: str
    needs: list[NeedOut]
    child_views: str
    family_views: str
    review_date: str
    contingency: str
    changes: list[str]


class SavedOut(Output):
    version: int
    changes: list[str]


class VersionOut(Output):
    version: int
    saved_at: dt.datetime
    saved_by: str
    changes: list[str]


class VersionsOut(Output):
    versions: list[VersionOut]


def plan_out(child_id: uuid.UUID, v: PlanVersion) -> dict[str, object]:
    return {
        "child_id": child_id,
        "version": v.version,
        "saved_at": v.saved_at,
        "saved_by": v.saved_by.display_name,
        **v.content,
        "changes": v.changes,
    }


@router.put("/children/{child_id}/plan", response={200: SavedOut, **ERRORS})
@policy(Action.PLAN_WRITE, lookup=CHILD, also=(Action.LEAD_PROFESSIONAL_ASSIGN,))
def save_plan(request: HttpRequest, child_id: str, payload: PlanIn) -> dict[str, object]:
    """Save the Child's Plan as a new version. Send the version you edited (0 for a new
    plan); a stale version is 409 with `current_version`, and nothing changes. Needs and
    actions keep their ids across versions when you send them back."""
    data = payload.model_dump()
    saved = services.save_plan(actor(request), parse_id(child_id), **data)
    return {"version": saved.version, "changes": saved.changes}


@router.get("/children/{child_id}/plan", response={200: PlanOut, **ERRORS})
@policy(Action.PLAN_READ, lookup=CHILD)
def get_plan(request: HttpRequest, child_id: str) -> dict[str, object]:
    """The current plan with its `version`; 404 when there is none or it is not yours to
    see (the Named Person, the Lead Professional and the plan's team may)."""
    child = parse_id(child_id)
    current = queries.plan(actor(request), child)
    return plan_out(child, current.version)


@router.get("/children/{child_id}/plan/versions", response={200: VersionsOut, **ERRORS})
@policy(Action.PLAN_READ, lookup=CHILD)
def plan_versions(request: HttpRequest, child_id: str) -> dict[str, object]:
    found = queries.versions(actor(request), parse_id(child_id))
    return {
        "versions": [
            {
                "version": v.version,
                "saved_at": v.saved_at,
                "saved_by": v.saved_by.display_name,
                "changes": v.changes,
            }
            for v in found
        ]
    }


@router.get("/children/{child_id}/plan/versions/{number}", response={200: PlanOut, **ERRORS})
@policy(Action.PLAN_READ, lookup=CHILD)
def plan_version(request: HttpRequest, child_id: str, number: str) -> dict[str, object]:
    """A version as it was saved."""
    child = parse_id(child_id)
    if not number.isdigit():
        raise NotVisible(number)
    return plan_out(child, queries.version(actor(request), child, int(number)))


@router.get(
    "/children/{child_id}/plan.pdf",
    response={404: ERRORS[404]},
    openapi_extra={
        "responses": {"200": {"description": "PDF", "content": {"application/pdf": {}}}}
    },
)
@policy(Action.PLAN_READ, lookup=CHILD, also=(Action.CHILD_READ, Action.PEOPLE_READ))
def plan_pdf(request: HttpRequest, child_id: str) -> HttpResponse:
    """The current plan as a PDF for meetings: the same read, headers and audit as the
    page's print (planning.queries.plan_document)."""
    me = actor(request)
    require_fresh_otp(request, me, "printing the plan: a copy leaves Bairn")
    return pdf.response(queries.plan_document(me, parse_id(child_id)))


class MeetingActionIn(Input):
    need_index: int = Field(default=0, ge=0)
    description: Text = Field(min_length=1)
    owner_id: uuid.UUID
    due_on: Day


class MeetingIn(Input):
    held_on: Day
    attendee_ids: list[uuid.UUID] = Field(min_length=1, max_length=50)
    invitee_ids: list[uuid.UUID] = Field(default_factory=list, max_length=50)
    family_attended: bool
    decisions: Text = Field(min_length=1)
    minutes: Text = ""
    actions: list[MeetingActionIn] = Field(default_factory=list, max_length=50)


class MeetingOut(Output):
    id: uuid.UUID
    held_on: dt.date
    attendees: list[str]
    invitees: list[str]
    family_attended: bool
    decisions: str
    minutes: str


class MeetingsOut(Output):
    meetings: list[MeetingOut]


def meeting_out(m: Meeting) -> dict[str, object]:
    return {
        "id": m.pk,
        "held_on": m.held_on,
        "attendees": [p.display_name for p in m.attendees.all()],
        "invitees": [p.display_name for p in m.invitees.all()],
        "family_attended": m.family_attended,
        "decisions": m.decisions,
        "minutes": m.minutes,
    }


@router.post("/children/{child_id}/meetings", response={201: MeetingOut, **ERRORS})
@policy(Action.MEETING_RECORD, lookup=CHILD, also=(Action.PLAN_WRITE,))
def record_meeting(
    request: HttpRequest, child_id: str, payload: MeetingIn
) -> Status[dict[str, object]]:
    """A Team Around the Child meeting. `actions` join the plan (at need `need_index`) as
    a new version."""
    meeting = services.record_meeting(actor(request), parse_id(child_id), **payload.model_dump())
    return Status(201, meeting_out(meeting))


@router.get("/children/{child_id}/meetings", response={200: MeetingsOut, **ERRORS})
@policy(Action.PLAN_READ, lookup=CHILD)
def list_meetings(request: HttpRequest, child_id: str) -> dict[str, object]:
    return {
        "meetings": [meeting_out(m) for m in queries.meetings(actor(request), parse_id(child_id))]
    }


class IrdIn(Input):
    started_at: Moment
    reason: Reason
    participant_agency_ids: list[uuid.UUID] = Field(min_length=1, max_length=20)
    information_shared: Text
    decisions: Reason


class IrdOut(Output):
    id: uuid.UUID
    started_at: dt.datetime
    reason: str
    participants: list[str]
    information_shared: str
    decisions: str
    recorded_by: str
    agency: str


class RegisterIn(Input):
    cppm_held_on: Day
    registered_on: Day
    concerns: list[ShortText] = Field(min_length=1, max_length=10)


class RegisterOut(Output):
    id: uuid.UUID
    local_authority: str
    cppm_held_on: dt.date
    registered_on: dt.date
    concerns: list[str]


class ChildProtectionOut(Output):
    irds: list[IrdOut]
    registration: RegisterOut | None


def ird_out(i: Ird) -> dict[str, object]:
    return {
        "id": i.pk,
        "started_at": i.started_at,
        "reason": i.reason,
        "participants": [a.name for a in i.participants.all()],
        "information_shared": i.information_shared,
        "decisions": i.decisions,
        "recorded_by": i.recorded_by.display_name,
        "agency": i.agency.name,
    }


def register_out(r: RegisterEntry) -> dict[str, object]:
    return {
        "id": r.pk,
        "local_authority": r.local_authority.name,
        "cppm_held_on": r.cppm_held_on,
        "registered_on": r.registered_on,
        "concerns": r.concerns,
    }


@router.post("/children/{child_id}/ird", response={201: IrdOut, **ERRORS})
@policy(Action.IRD_RECORD, lookup=CHILD)
def record_ird(request: HttpRequest, child_id: str, payload: IrdIn) -> Status[dict[str, object]]:
    """An Inter-agency Referral Discussion: recorded by police, social work or health."""
    ird = services.record_ird(actor(request), parse_id(child_id), **payload.model_dump())
    return Status(201, ird_out(queries.ird_shown(ird)))


@router.post("/children/{child_id}/register", response={201: RegisterOut, **ERRORS})
@policy(Action.REGISTER_WRITE, lookup=CHILD)
def register(request: HttpRequest, child_id: str, payload: RegisterIn) -> Status[dict[str, object]]:
    """The child protection register entry, after a Child Protection Planning Meeting:
    recorded by a senior of the local authority's social work."""
    entry = services.register(actor(request), parse_id(child_id), **payload.model_dump())
    return Status(201, register_out(entry))


@router.get("/children/{child_id}/child-protection", response={200: ChildProtectionOut, **ERRORS})
@policy(Action.IRD_READ, lookup=CHILD)
def child_protection(request: HttpRequest, child_id: str) -> dict[str, object]:
    """IRDs the caller's agency took part in, and the register entry."""
    irds, entry = queries.child_protection(actor(request), parse_id(child_id))
    return {
        "irds": [ird_out(i) for i in irds],
        "registration": register_out(entry) if entry else None,
    }
