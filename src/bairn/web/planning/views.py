"""The wellbeing assessment and the Child's Plan pages (practice-model.md; API.md "Plans
and assessments"), for the plan's circle: the Named Person, the Lead Professional and the
plan's team. Everyone else gets "not found", as from the API. Each view parses the
request, calls one query or service, and renders (forms.py, presenters.py)."""

from __future__ import annotations

import uuid
from functools import partial

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path

from bairn.access.lookup import ASSESSMENT, CHILD
from bairn.access.policy import Action, Forbidden, NotVisible, authorize, decide
from bairn.agencies.models import Practitioner
from bairn.chronology import queries as chronology
from bairn.errors import Conflict, Invalid
from bairn.people import services as people
from bairn.planning import pdf, queries, services
from bairn.planning.models import PlanVersion
from bairn.web import drafts
from bairn.web.pages import page, signed_in
from bairn.web.planning import presenters
from bairn.web.planning.forms import AssessmentForms, MeetingForms, PlanForms, kept_draft
from bairn.web.stepup import step_up

# --- the wellbeing assessment --------------------------------------------------------------


def _assessment_page(
    request: HttpRequest,
    me: Practitioner,
    child_id: uuid.UUID,
    joining: queries.Combined | None,
    open_one: queries.Combined | None = None,
) -> HttpResponse:
    record = people.get_child(me, child_id)
    entries = presenters.entry_choices(chronology.chronology(me, child_id))
    key, restored = request.path, False
    if request.method != "POST":
        draft = kept_draft(me, key)
        restored = draft is not None
        found = AssessmentForms(draft if draft else AssessmentForms.blank(), entries).quiet()
    elif request.POST.get("more") == "factors":
        found = AssessmentForms(AssessmentForms.more(request.POST), entries).quiet()
    else:
        found = AssessmentForms(request.POST, entries)
        if found.is_valid() and _saved_assessment(me, child_id, joining, found):
            drafts.forget(me, key)
            messages.success(
                request,
                "Your agency's view is added to the wellbeing assessment."
                if joining
                else "The wellbeing assessment is started with your agency's view.",
            )
            return redirect("web:child-plan", child_id=child_id)
    return render(
        request,
        "web/planning/assessment_form.html",
        {
            "record": record,
            "child_id": child_id,
            "forms": found,
            "errors": found.errors(),
            "has_entries": bool(entries),
            "joining": joining,
            "open_one": open_one,
            "restored": restored,
            "draft_key": key,
        },
    )


def _saved_assessment(
    me: Practitioner,
    child_id: uuid.UUID,
    joining: queries.Combined | None,
    found: AssessmentForms,
) -> bool:
    """Start the assessment, or add the agency's view to it; a refusal is shown on the
    fields it names."""
    try:
        if joining is None:
            services.start_assessment(me, child_id, **found.contribution())
        else:
            services.contribute(me, joining.assessment.pk, **found.contribution())
    except Invalid as error:
        found.show(error)
    except Conflict as conflict:
        found.general.add_error(None, conflict.message)
    else:
        return True
    return False


@page(
    Action.ASSESSMENT_WRITE,
    lookup=CHILD,
    also=(Action.ASSESSMENT_READ, Action.CHILD_READ, Action.CHRONOLOGY_READ),
)
def new_assessment(request: HttpRequest, child_id: uuid.UUID) -> HttpResponse:
    """Start a wellbeing assessment with the agency's view (National Practice Model)."""
    me = signed_in(request)
    authorize(me, Action.ASSESSMENT_WRITE, child_id=child_id, object=f"child:{child_id}")
    latest = queries.latest_assessment(me, child_id)
    open_one = None
    if latest is not None and me.agency_id not in {c.agency_id for c in latest.contributions}:
        open_one = latest
    return _assessment_page(request, me, child_id, None, open_one)


@page(
    Action.ASSESSMENT_WRITE,
    lookup=ASSESSMENT,
    also=(Action.ASSESSMENT_READ, Action.CHILD_READ, Action.CHRONOLOGY_READ),
)
def contribute(request: HttpRequest, assessment_id: uuid.UUID) -> HttpResponse:
    """Another agency's view, added to the same assessment: no agency repeats another's."""
    me = signed_in(request)
    child_id = queries.assessment_child(assessment_id)
    authorize(me, Action.ASSESSMENT_WRITE, child_id=child_id, object=f"assessment:{assessment_id}")
    assert child_id is not None
    joining = next(
        (c for c in queries.assessments(me, child_id) if c.assessment.pk == assessment_id), None
    )
    if joining is None:
        raise NotVisible(assessment_id)
    if me.agency_id in {c.agency_id for c in joining.contributions}:
        messages.info(request, "Your agency has already given its view on this assessment.")
        return redirect("web:child-plan", child_id=child_id)
    return _assessment_page(request, me, child_id, joining)


# --- the plan page -------------------------------------------------------------------------


@page(
    Action.PLAN_READ,
    lookup=CHILD,
    also=(Action.ASSESSMENT_READ, Action.CHILD_READ, Action.CHRONOLOGY_READ),
)
def child_plan(request: HttpRequest, child_id: uuid.UUID) -> HttpResponse:
    """The latest wellbeing assessment and the current Child's Plan, its versions and
    meetings, for the plan's circle."""
    me = signed_in(request)
    shown = queries.plan_page(me, child_id)
    name = f"{shown.record.given_name} {shown.record.family_name}"
    assessment = (
        presenters.assessment_view(shown.latest, shown.seen, name) if shown.latest else None
    )
    return render(
        request,
        "web/planning/plan.html",
        {
            "record": shown.record,
            "child_id": child_id,
            "assessment": assessment,
            "contributed": bool(assessment and me.agency_id in assessment["agency_ids"]),
            "plan": presenters.plan_view(shown.current.version) if shown.current else None,
            "versions": shown.versions,
            "meetings": presenters.meetings(shown.meetings),
            "named_person": shown.named_person,
            "can_write": shown.can_write,
        },
    )


@page(Action.PLAN_READ, lookup=CHILD, also=(Action.CHILD_READ,))
def plan_version(request: HttpRequest, child_id: uuid.UUID, number: int) -> HttpResponse:
    """A version of the plan as it was saved."""
    shown = queries.version_page(signed_in(request), child_id, number)
    latest = shown.current.version.version
    return render(
        request,
        "web/planning/version.html",
        {
            "record": shown.record,
            "child_id": child_id,
            "plan": presenters.plan_view(shown.version, current=shown.version.version == latest),
            "title": f"Child's Plan, version {shown.version.version}",
            "current_version": latest,
        },
    )


@page(Action.PLAN_READ, lookup=CHILD, also=(Action.CHILD_READ, Action.PEOPLE_READ))
@step_up("printing the plan: a copy leaves Bairn")
def plan_pdf(request: HttpRequest, child_id: uuid.UUID) -> HttpResponse:
    """The current plan as a PDF for meetings: the same read, headers and audit as the
    API's (planning.queries.plan_document)."""
    return pdf.response(queries.plan_document(signed_in(request), child_id))


# --- editing the plan ----------------------------------------------------------------------


@page(
    Action.PLAN_WRITE,
    lookup=CHILD,
    also=(Action.PLAN_READ, Action.CHILD_READ, Action.LEAD_PROFESSIONAL_ASSIGN),
)
def edit_plan(request: HttpRequest, child_id: uuid.UUID) -> HttpResponse:
    """The whole plan on one form, saved as a new version. The version edited travels with
    the edit: if someone saved a newer one meanwhile, nothing is saved and the page says
    so, keeping everything typed."""
    me = signed_in(request)
    authorize(me, Action.PLAN_WRITE, child_id=child_id, object=f"child:{child_id}")
    current = queries.current_plan(me, child_id)
    content = current.version.content if current else None
    record = people.get_child(me, child_id)
    choices = presenters.plan_people(child_id, content)
    key, restored, conflict = request.path, False, None
    if request.method != "POST":
        draft = kept_draft(me, key)
        restored = draft is not None
        written = PlanForms.written(content, current.version.version if current else 0)
        found = PlanForms(draft if draft else written, **choices).quiet()
    elif add := request.POST.get("add", ""):
        data, focus = PlanForms.more(request.POST, add)
        found = PlanForms(data, **choices).quiet()
        found.focus(focus)
    else:
        found = PlanForms(request.POST, **choices)
        if found.is_valid():
            found, conflict, saved = _save_plan(request, me, child_id, found, choices)
            if saved is not None:
                drafts.forget(me, key)
                messages.success(request, f"The plan is saved as version {saved.version}.")
                return redirect("web:child-plan", child_id=child_id)
    return render(
        request,
        "web/planning/plan_form.html",
        {
            "record": record,
            "child_id": child_id,
            "forms": found,
            "errors": found.errors(),
            "current": current,
            "conflict": conflict,
            "restored": restored,
            "draft_key": key,
        },
    )


def _save_plan(
    request: HttpRequest,
    me: Practitioner,
    child_id: uuid.UUID,
    found: PlanForms,
    choices: dict[str, list[tuple[str, str]]],
) -> tuple[PlanForms, int | None, PlanVersion | None]:
    """Save the checked plan. A refusal is shown on the fields it names; a stale version
    gives the forms again, as typed, with the newer version to review."""
    try:
        saved = services.save_plan(me, child_id, version=found.version(), **found.plan_input())
    except Invalid as error:
        found.show(error)
    except Forbidden as refusal:
        found.plan.add_error("lead_professional", "; ".join(refusal.decision.reasons))
    except Conflict as stale:
        conflict = int(str(stale.extra.get("current_version", 0)))
        data = request.POST.copy()
        data["seen_version"] = str(conflict)
        data.pop("save_over", None)
        return PlanForms(data, **choices).quiet(), conflict, None
    else:
        return found, None, saved
    return found, None, None


# --- Team Around the Child meetings ----------------------------------------------------------


@page(
    Action.MEETING_RECORD,
    lookup=CHILD,
    also=(
        Action.PLAN_READ,
        Action.CHILD_READ,
        Action.PLAN_WRITE,
        Action.LEAD_PROFESSIONAL_ASSIGN,
    ),
)
def new_meeting(request: HttpRequest, child_id: uuid.UUID) -> HttpResponse:
    """A Team Around the Child meeting: who came, the decisions, the minutes, and actions
    that join the plan as a new version."""
    me = signed_in(request)
    authorize(me, Action.MEETING_RECORD, child_id=child_id, object=f"child:{child_id}")
    current = queries.current_plan(me, child_id)
    record = people.get_child(me, child_id)
    team, needs = presenters.meeting_choices(child_id, current.version.content if current else None)
    with_actions = bool(needs) and decide(me, Action.PLAN_WRITE, child_id=child_id).allowed
    build = partial(MeetingForms, team=team, needs=needs, with_actions=with_actions)
    key, restored = request.path, False
    if request.method != "POST":
        draft = kept_draft(me, key)
        restored = draft is not None
        found = build(draft if draft else MeetingForms.blank(needs)).quiet()
    elif request.POST.get("more") == "actions":
        found = build(MeetingForms.more(request.POST, needs)).quiet()
    else:
        found = build(request.POST)
        if found.is_valid() and _recorded_meeting(me, child_id, found):
            drafts.forget(me, key)
            text = "The meeting is recorded."
            if found.sent:
                text += " Its actions are in the plan as a new version."
            messages.success(request, text)
            return redirect("web:child-plan", child_id=child_id)
    return render(
        request,
        "web/planning/meeting_form.html",
        {
            "record": record,
            "child_id": child_id,
            "forms": found,
            "errors": found.errors(),
            "has_plan": current is not None,
            "with_actions": with_actions,
            "restored": restored,
            "draft_key": key,
        },
    )


def _recorded_meeting(me: Practitioner, child_id: uuid.UUID, found: MeetingForms) -> bool:
    """Record the checked meeting; a refusal is shown on the fields it names."""
    try:
        services.record_meeting(me, child_id, **found.meeting_input())
    except Invalid as error:
        found.show(error)
    except Forbidden as refusal:
        found.meeting.add_error(None, "; ".join(refusal.decision.reasons))
    else:
        return True
    return False


urlpatterns = [
    path("children/<uuid:child_id>/plan", child_plan, name="child-plan"),
    path("children/<uuid:child_id>/plan.pdf", plan_pdf, name="plan-pdf"),
    path("children/<uuid:child_id>/plan/edit", edit_plan, name="plan-edit"),
    path("children/<uuid:child_id>/plan/versions/<int:number>", plan_version, name="plan-version"),
    path("children/<uuid:child_id>/assessments/new", new_assessment, name="assessment-new"),
    path("assessments/<uuid:assessment_id>/contribute", contribute, name="assessment-contribute"),
    path("children/<uuid:child_id>/meetings/new", new_meeting, name="meeting-new"),
]
