"""Finding a child, the child's page, recording a concern, breaking glass (issue 5)."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe

from bairn.access.policy import (
    PLAN_CIRCLE,
    Action,
    NotVisible,
    authorize,
    current_assignee,
    involvement_bases,
)
from bairn.agencies.models import Assignment
from bairn.agencies.services import break_glass as declare_emergency
from bairn.chronology import queries as chronology
from bairn.chronology import services as concerns
from bairn.errors import Invalid
from bairn.people import services as people
from bairn.people.models import Child
from bairn.reference import Impact, Indicator, Significance
from bairn.web import drafts
from bairn.web.forms import BreakGlassForm, ConcernForm, MatchForm, show_errors
from bairn.web.pages import page, signed_in
from bairn.web.timeline import legend_svg, timeline_svg


class ChronologyFilter(forms.Form):
    indicator = forms.MultipleChoiceField(
        required=False,
        choices=[(str(v), str(label)) for v, label in Indicator.choices],
        widget=forms.CheckboxSelectMultiple,
    )
    significance = forms.MultipleChoiceField(
        required=False,
        choices=[(str(v), str(label)) for v, label in Significance.choices],
        widget=forms.CheckboxSelectMultiple,
    )
    impact = forms.MultipleChoiceField(
        required=False,
        choices=[(str(v), str(label)) for v, label in Impact.choices],
        widget=forms.CheckboxSelectMultiple,
    )
    agency = forms.ChoiceField(required=False, label="Agency")


@page(Action.CHILD_READ)
def child(request: HttpRequest, child_id: uuid.UUID) -> HttpResponse:
    """The child's record, the people around them and the chronology, filtered."""
    me = signed_in(request)
    record = people.get_child(me, child_id)
    household = people.list_people(me, child_id)
    everything = chronology.chronology(me, child_id)
    agencies = sorted(
        {(str(s.entry.agency_id), s.entry.agency.name) for s in everything}, key=lambda a: a[1]
    )
    filters = ChronologyFilter(request.GET or None)
    agency_field = filters.fields["agency"]
    assert isinstance(agency_field, forms.ChoiceField)
    agency_field.choices = [("", "All agencies"), *agencies]
    chosen: dict[str, Any] = {}
    if filters.is_valid():
        chosen = filters.cleaned_data
    seen = [
        s
        for s in everything
        if (not chosen.get("indicator") or set(chosen["indicator"]) & set(s.entry.indicator_codes))
        and (not chosen.get("significance") or s.entry.significance in chosen["significance"])
        and (not chosen.get("impact") or s.entry.impact in chosen["impact"])
        and (not chosen.get("agency") or str(s.entry.agency_id) == chosen["agency"])
    ]
    bases = set(involvement_bases(me, child_id))
    return render(
        request,
        "web/child.html",
        {
            "record": record,
            "household": household,
            "named_person": current_assignee(child_id, Assignment.Kind.NAMED_PERSON),
            "lead_professional": current_assignee(child_id, Assignment.Kind.LEAD_PROFESSIONAL),
            "seen": seen,
            "total": len(everything),
            "filters": filters,
            "timeline": mark_safe(timeline_svg(seen)),  # noqa: S308 - built from escaped text
            "timeline_key": mark_safe(legend_svg()),  # noqa: S308 - constant
            "bases": sorted(bases),
            "in_plan_circle": bool(bases & PLAN_CIRCLE),
        },
    )


@page(Action.CONCERN_CREATE)
def record_concern(request: HttpRequest, child_id: uuid.UUID) -> HttpResponse:
    """Record a concern on one page; what is typed is kept as a draft until it is saved."""
    me = signed_in(request)
    # The policy answers before anything about the child is shown.
    authorize(me, Action.CONCERN_CREATE, child_id=child_id, object=f"child:{child_id}")
    record = Child.objects.get(pk=child_id)
    key = request.path
    restored = False
    if request.method == "POST":
        form = ConcernForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                concerns.record_concern(
                    me,
                    child_id,
                    occurred_at=data["occurred_at"],
                    summary=data["summary"],
                    detail=data["detail"],
                    source=data["source"],
                    indicators=data["indicators"],
                    impact=data["impact"],
                    significance=data["significance"],
                    action_taken=data["action_taken"],
                    restricted=data["restricted"],
                    withheld_from_family=data["withheld_from_family"],
                    withheld_reason=data["withheld_reason"],
                )
            except Invalid as error:
                show_errors(form, error)
            else:
                drafts.forget(me, key)
                messages.success(request, "The concern is recorded.")
                return redirect("web:child", child_id=child_id)
    else:
        draft = drafts.load(me, key)
        form = ConcernForm(initial=_initial(draft) if draft else None)
        restored = draft is not None
    return render(
        request,
        "web/record_concern.html",
        {
            "form": form,
            "record": record,
            "child_id": child_id,
            "restored": restored,
            "draft_key": key,
        },
    )


def _initial(draft: dict[str, list[str]]) -> dict[str, Any]:
    multi = {"indicators"}
    return {k: (v if k in multi else (v[0] if v else "")) for k, v in draft.items()}


@page(Action.CHILD_MATCH)
def find_child(request: HttpRequest) -> HttpResponse:
    """Ask whether a child is known and who their Named Person is (DOMAIN §4.2). A POST:
    names and dates of birth never travel in a URL."""
    me = signed_in(request)
    form = MatchForm(request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = people.match(me, **form.cleaned_data)
        except Invalid as error:
            show_errors(form, error)
    return render(
        request,
        "web/find_child.html",
        {"form": form, "result": result, "glass": BreakGlassForm()},
    )


@page(Action.BREAK_GLASS)
def break_glass(request: HttpRequest) -> HttpResponse:
    """Emergency access to the child just found, with a written reason (DOMAIN §4.9). The
    identifiers are matched again here so the child's id is never shown before access."""
    me = signed_in(request)
    if request.method != "POST":
        return redirect("web:find-child")
    match = MatchForm(request.POST)
    form = BreakGlassForm(request.POST)
    if not match.is_valid():
        return redirect("web:find-child")
    found = people.find_one(**match.cleaned_data)
    if found is None:
        raise NotVisible("no single match")
    if form.is_valid():
        try:
            declare_emergency(me, found.pk, form.cleaned_data["reason"])
        except Invalid as error:
            show_errors(form, error)
        else:
            messages.warning(
                request,
                "Emergency access is recorded and will be reviewed by information governance.",
            )
            return redirect("web:child", child_id=found.pk)
    return render(
        request,
        "web/find_child.html",
        {"form": match, "result": people.MatchResult(True, None), "glass": form},
    )
