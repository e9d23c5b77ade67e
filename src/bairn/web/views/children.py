"""Finding a child, the child's page, recording a concern, breaking glass (issue 5)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe

from bairn.access.lookup import BODY, CHILD, ENTRY, NONE, granted
from bairn.access.policy import (
    Action,
    Forbidden,
    NotVisible,
    authorize,
    current_assignee,
    involvement_bases,
    works_with_children,
)
from bairn.agencies import queries as agency_queries
from bairn.agencies import services as agency_services
from bairn.agencies.models import Assignment, Practitioner
from bairn.agencies.services import assign
from bairn.agencies.services import break_glass as declare_emergency
from bairn.chronology import queries as chronology
from bairn.chronology import services as concerns
from bairn.chronology.models import Concern
from bairn.errors import Conflict, Invalid, TooMany
from bairn.people import queries as child_queries
from bairn.people import services as people
from bairn.reference import Impact, Indicator, Significance
from bairn.web import drafts
from bairn.web.forms import (
    AssignForm,
    BreakGlassForm,
    ChildForm,
    ConcernForm,
    MatchForm,
    OfferForm,
    PersonChangeForm,
    PersonForm,
    TeamForm,
    set_choices,
    show_errors,
)
from bairn.web.pages import page, signed_in
from bairn.web.stepup import step_up
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


@page(
    Action.CHILD_READ,
    lookup=CHILD,
    also=(Action.PEOPLE_READ, Action.CHRONOLOGY_READ, Action.TEAM_READ),
)
def child(request: HttpRequest, child_id: uuid.UUID) -> HttpResponse:
    """The child's record, the people around them and the chronology, filtered; only the
    acts the policy allows the viewer are offered."""
    me = signed_in(request)
    shown = child_queries.child_page(me, child_id)
    everything = chronology.chronology(me, child_id)
    agencies = sorted(
        {(str(s.entry.agency_id), s.entry.agency.name) for s in everything}, key=lambda a: a[1]
    )
    filters = ChronologyFilter(request.GET or None)
    set_choices(filters, "agency", [("", "All agencies"), *agencies])
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
    return render(
        request,
        "web/child.html",
        {
            "record": shown.record,
            "household": shown.household.people,
            "changes": shown.household.changes,
            "answered_by": {r.person_id: r for r in shown.household.people},
            "named_person": shown.named_person,
            "lead_professional": shown.lead_professional,
            "offer": shown.offer,
            "bases": shown.bases,
            "may": shown.may,
            "team": agency_services.team(me, child_id),
            "seen": seen,
            "total": len(everything),
            "filters": filters,
            "timeline": mark_safe(timeline_svg(seen)),  # noqa: S308 - built from escaped text
            "timeline_key": mark_safe(legend_svg()),  # noqa: S308 - constant
        },
    )


@page(Action.CONCERN_CREATE, lookup=CHILD)
def record_concern(request: HttpRequest, child_id: uuid.UUID) -> HttpResponse:
    """Record a concern on one page; what is typed is kept as a draft until it is saved."""
    me = signed_in(request)
    # The policy answers before anything about the child is shown.
    authorize(me, Action.CONCERN_CREATE, child_id=child_id, object=f"child:{child_id}")
    record = child_queries.granted_child(granted(request))
    key = request.path
    restored = False
    if request.method == "POST":
        form = ConcernForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                entry = concerns.record_concern(
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
                if involvement_bases(me, child_id):
                    messages.success(request, "The concern is recorded.")
                    return redirect("web:child", child_id=child_id)
                # Recording is not reading (DOMAIN §4.1): the recorder, not involved, is
                # shown who was told and their own entry, not the child's record.
                messages.success(request, _recorded(entry, record.given_name))
                return redirect("web:concern", concern_id=entry.pk)
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
            "involved": bool(involvement_bases(me, child_id)),
        },
    )


def _recorded(entry: Concern, given_name: str) -> str:
    """The confirmation for someone who recorded without being involved: who was told."""
    told = chronology.told_of(entry)
    named = current_assignee(entry.child_ref, Assignment.Kind.NAMED_PERSON)
    if named is not None and named.pk in {p.pk for p in told}:
        who = f"{named.display_name}, {given_name}'s Named Person, has been told."
    elif named is None:
        who = f"{given_name} has no Named Person in Bairn yet."
    else:
        who = f"{named.display_name} is {given_name}'s Named Person."
    others = [p.display_name for p in told if named is None or p.pk != named.pk]
    if others:
        who += f" Also told: {', '.join(others)}."
    return f"The concern is recorded. {who}"


@page(Action.CONCERN_READ, lookup=ENTRY)
def concern(request: HttpRequest, concern_id: uuid.UUID) -> HttpResponse:
    """One entry and the versions it amended. Someone who recorded it without being
    involved with the child sees their own entries here, and nothing else of the child's
    record (DOMAIN §4.1)."""
    me = signed_in(request)
    seen, history = chronology.concern(me, concern_id)
    child_id = seen.entry.child_ref
    involved = bool(involvement_bases(me, child_id))
    return render(
        request,
        "web/concern.html",
        {
            "seen": seen,
            "history": [chronology.Seen(old, seen.visible_because) for old in history],
            "involved": involved,
            "mine": not involved,
            "child_id": child_id,
            "child_name": chronology.child_name(me, seen.entry),
            "named_person": current_assignee(child_id, Assignment.Kind.NAMED_PERSON),
        },
    )


def _initial(draft: dict[str, list[str]]) -> dict[str, Any]:
    multi = {"indicators"}
    return {k: (v if k in multi else (v[0] if v else "")) for k, v in draft.items()}


@page(Action.CHILD_MATCH, lookup=NONE)
def find_child(request: HttpRequest) -> HttpResponse:
    """Ask whether a child is known and who their Named Person is (DOMAIN §4.2). A POST:
    names and dates of birth never travel in a URL."""
    me = signed_in(request)
    form = MatchForm(request.POST or None)
    result = None
    too_many = ""
    if request.method == "POST" and form.is_valid():
        try:
            result = people.match(me, **form.cleaned_data)
        except Invalid as error:
            show_errors(form, error)
        except TooMany as refusal:
            too_many = refusal.message
    return render(
        request,
        "web/find_child.html",
        {"form": form, "result": result, "glass": BreakGlassForm(), "too_many": too_many},
    )


@page(Action.BREAK_GLASS, lookup=BODY)
@step_up("opening a child's record in an emergency", when=lambda r: r.method == "POST")
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


@page(Action.CHILD_CREATE, lookup=NONE)
def new_child(request: HttpRequest) -> HttpResponse:
    """Record a child not yet known to Bairn; the practitioner becomes involved. A child
    already known (by CHI number, or names, date of birth and postcode) is not recorded
    twice: the page offers to find their Named Person instead."""
    me = signed_in(request)
    authorize(me, Action.CHILD_CREATE)
    form = ChildForm(request.POST or None)
    known: dict[str, str] | None = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["chi_number"] = data["chi_number"] or None
        try:
            made = people.create_child(me, **data)
        except Invalid as error:
            show_errors(form, error)
        except Conflict as clash:
            form.add_error(
                clash.field if clash.field in form.fields else None,
                "This child is already known to Bairn, so is not recorded again: find their "
                "Named Person below, and ask them to bring you into the team around the child.",
            )
            # What the match needs, to send on to Find a child (a POST, never a URL).
            known = {
                "given_name": data["given_name"],
                "family_name": data["family_name"],
                "date_of_birth": data["date_of_birth"].isoformat(),
                "postcode": data["postcode"],
                "chi_number": data["chi_number"] or "",
            }
        else:
            messages.success(request, f"{made.given_name}'s record is made. You are involved.")
            return redirect("web:child", child_id=made.pk)
    return render(request, "web/child_new.html", {"form": form, "known": known})


@page(Action.PEOPLE_ADD, lookup=CHILD)
def add_person(request: HttpRequest, child_id: uuid.UUID) -> HttpResponse:
    """Someone around the child: a parent, a partner, a friend who cares for them."""
    me = signed_in(request)
    authorize(me, Action.PEOPLE_ADD, child_id=child_id, object=f"child:{child_id}")
    record = child_queries.granted_child(granted(request))
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            added = people.add_person(me, child_id, **form.cleaned_data)
        except Invalid as error:
            show_errors(form, error)
        else:
            messages.success(request, f"{added.person} is recorded around {record.given_name}.")
            return redirect("web:child", child_id=child_id)
    return render(request, "web/person_new.html", {"form": form, "record": record})


@page(Action.PEOPLE_CHANGE, lookup=CHILD)
def change_person(request: HttpRequest, child_id: uuid.UUID, person_id: uuid.UUID) -> HttpResponse:
    """Change how someone relates to the child, with the reason; what it was is kept."""
    me = signed_in(request)
    authorize(me, Action.PEOPLE_CHANGE, child_id=child_id, object=f"person:{person_id}")
    relation = child_queries.relation(granted(request), person_id)
    form = PersonChangeForm(
        request.POST or None,
        initial={name: getattr(relation, name) for name in people.HOUSEHOLD_FIELDS},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            people.change_person(me, child_id, person_id, **data)
        except Invalid as error:
            show_errors(form, error)
        else:
            messages.success(request, f"The change to {relation.person} is recorded.")
            return redirect("web:child", child_id=child_id)
    return render(
        request,
        "web/person_change.html",
        {"form": form, "relation": relation, "record": relation.child},
    )


def _assign(request: HttpRequest, child_id: uuid.UUID, kind: Assignment.Kind) -> HttpResponse:
    me = signed_in(request)
    action = Action.NAMED_PERSON_ASSIGN
    if kind == Assignment.Kind.LEAD_PROFESSIONAL:
        action = Action.LEAD_PROFESSIONAL_ASSIGN
    authorize(me, action, child_id=child_id, object=f"child:{child_id}")
    record = child_queries.granted_child(granted(request))
    current = current_assignee(child_id, kind)
    # A Named Person hands over within their agency (DOMAIN §1).
    within = current.agency_id if kind == Assignment.Kind.NAMED_PERSON and current else None
    holders = agency_queries.role_holders(kind, agency_id=within)
    choices = _choices(holders)
    form = AssignForm(
        request.POST or None,
        choices=choices,
        initial={"practitioner": str(current.pk)} if current else None,
    )
    form.fields["practitioner"].label = str(kind.label)
    if request.method == "POST" and form.is_valid():
        try:
            made = assign(me, child_id, kind, uuid.UUID(form.cleaned_data["practitioner"]))
        except Invalid as error:
            show_errors(form, error, {"practitioner_id": "practitioner"})
        except Forbidden as refusal:
            form.add_error("practitioner", "; ".join(refusal.decision.reasons).capitalize())
        else:
            messages.success(
                request,
                f"{made.practitioner.display_name} is {record.given_name}'s {kind.label}.",
            )
            return redirect("web:child", child_id=child_id)
    return render(
        request,
        "web/assign.html",
        {"form": form, "record": record, "kind": kind, "current": current},
    )


@page(Action.NAMED_PERSON_ASSIGN, lookup=CHILD)
def assign_named_person(request: HttpRequest, child_id: uuid.UUID) -> HttpResponse:
    return _assign(request, child_id, Assignment.Kind.NAMED_PERSON)


@page(Action.LEAD_PROFESSIONAL_ASSIGN, lookup=CHILD)
def assign_lead_professional(request: HttpRequest, child_id: uuid.UUID) -> HttpResponse:
    return _assign(request, child_id, Assignment.Kind.LEAD_PROFESSIONAL)


@page(Action.NAMED_PERSON_OFFER, lookup=CHILD, also=(Action.PEOPLE_READ,))
def answer_offer(request: HttpRequest, child_id: uuid.UUID) -> HttpResponse:
    """Record the family's answer to the offer of a Named Person. Declining is recorded and
    is not in itself a concern."""
    me = signed_in(request)
    authorize(me, Action.NAMED_PERSON_OFFER, child_id=child_id, object=f"child:{child_id}")
    record = child_queries.granted_child(granted(request))
    household = people.list_people(me, child_id)
    choices = [("child", f"{record.given_name} (the child)")] + [
        (str(r.person_id), f"{r.person} ({r.get_relationship_display().lower()})")
        for r in household
    ]
    form = OfferForm(request.POST or None, people=choices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            people.record_named_person_offer(
                me,
                child_id,
                decision=data["decision"],
                given_by=data["given_by"],
                decided_on=data["decided_on"],
                note=data["note"],
            )
        except Invalid as error:
            show_errors(form, error)
        else:
            messages.success(request, "The family's answer is recorded.")
            return redirect("web:child", child_id=child_id)
    return render(request, "web/offer.html", {"form": form, "record": record})


def _choices(practitioners: Iterable[Practitioner]) -> list[tuple[str, str]]:
    """Practitioners to choose among: name, agency and job title."""
    return [
        (
            str(p.pk),
            f"{p.display_name}, {p.agency.name if p.agency else ''}"
            + (f" ({p.job_title})" if p.job_title else ""),
        )
        for p in practitioners
    ]


@page(Action.TEAM_CHANGE, lookup=CHILD, also=(Action.TEAM_READ,))
def add_to_team(request: HttpRequest, child_id: uuid.UUID) -> HttpResponse:
    """The Named Person or Lead Professional brings a practitioner into the team."""
    me = signed_in(request)
    authorize(me, Action.TEAM_CHANGE, child_id=child_id, object=f"child:{child_id}")
    record = child_queries.granted_child(granted(request))
    on_team = {m.practitioner.pk for m in agency_services.team(me, child_id) if m.on_team}
    candidates = agency_queries.active_practitioners(excluding=on_team)
    choices = _choices(p for p in candidates if works_with_children(p))
    form = TeamForm(request.POST or None, choices=choices)
    if request.method == "POST" and form.is_valid():
        try:
            joined = agency_services.add_to_team(
                me,
                child_id,
                uuid.UUID(form.cleaned_data["practitioner"]),
                reason=form.cleaned_data["reason"],
            )
        except Invalid as error:
            show_errors(form, error, {"practitioner_id": "practitioner"})
        except Conflict as clash:
            form.add_error("practitioner", clash.message)
        else:
            messages.success(
                request, f"{joined.practitioner.display_name} is on {record.given_name}'s team."
            )
            return redirect("web:child", child_id=child_id)
    return render(request, "web/team_new.html", {"form": form, "record": record})


@page(Action.TEAM_CHANGE, lookup=CHILD)
def remove_from_team(
    request: HttpRequest, child_id: uuid.UUID, practitioner_id: uuid.UUID
) -> HttpResponse:
    me = signed_in(request)
    if request.method != "POST":
        return redirect("web:child", child_id=child_id)
    try:
        agency_services.remove_from_team(me, child_id, practitioner_id)
    except Invalid as error:
        messages.error(request, " ".join(error.errors.values()))
    else:
        messages.success(request, "They have left the team.")
    return redirect("web:child", child_id=child_id)
