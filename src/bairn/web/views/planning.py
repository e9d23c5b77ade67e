"""The wellbeing assessment and the Child's Plan (practice-model.md; API.md "Plans and
assessments"), for the plan's circle: the Named Person, the Lead Professional and the
plan's team. Everyone else gets "not found", as from the API.

Forms with rows (Resilience Matrix factors, the plan's needs and their actions, a
meeting's actions) grow with submit buttons that show the page again with more blank rows:
no script is needed. Every form here is built from data — what was posted, a kept draft,
or the current plan written out as the form would post it — and is *quiet* (shown as
typed, not checked) unless it is being saved. Nothing typed is ever lost: a refusal, a
conflict or a request for more rows shows the page again with everything in it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.safestring import mark_safe

from bairn.access.policy import (
    PLAN_CIRCLE,
    Action,
    Forbidden,
    NotVisible,
    authorize,
    current_assignee,
    decide,
)
from bairn.agencies.models import Assignment, Involvement, Practitioner
from bairn.chronology import queries as chronology
from bairn.chronology.queries import Seen
from bairn.errors import Conflict, Invalid
from bairn.people import services as people
from bairn.planning import pdf, pictures, queries, services
from bairn.planning.models import Assessment, Axis, Meeting, PlanVersion, Rating
from bairn.reference import (
    FIVE_QUESTIONS,
    INDICATOR_MEANINGS,
    MY_WORLD_AREAS,
    MY_WORLD_SIDES,
    Indicator,
    Role,
)
from bairn.web import drafts
from bairn.web.pages import page, signed_in
from bairn.web.stepup import step_up
from bairn.web.templatetags.bairn_components import anchor

F = TypeVar("F", bound=forms.Form)

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d %m %Y", "%d-%m-%Y", "%d.%m.%Y"]
DATE_HINT = "For example, 27/02/2027"
MAX_ROWS = 50
NOT_ASSESSED = "not_assessed"
OPEN_STATUSES = frozenset(services.OPEN_STATUSES)

RATINGS = [
    *((str(v), str(label)) for v, label in Rating.choices),
    (NOT_ASSESSED, "Not assessed by us"),
]
RATING_COLOURS: dict[str, str] = {
    Rating.STRENGTH: "green",
    Rating.NO_CONCERN: "grey",
    Rating.SOME_CONCERN: "yellow",
    Rating.SIGNIFICANT_CONCERN: "red",
}
AXES: dict[str, str] = {
    Axis.RESILIENCE: "Resilience (the child's own strengths)",
    Axis.VULNERABILITY: "Vulnerability (the child's own characteristics)",
    Axis.PROTECTIVE: "Protective environment (family, school, neighbourhood)",
    Axis.ADVERSITY: "Adversity (family, school, neighbourhood)",
}
STATUSES = [
    ("planned", "Planned"),
    ("in_progress", "In progress"),
    ("done", "Done"),
    ("dropped", "Dropped"),
]
STATUS_COLOURS = {"planned": "blue", "in_progress": "yellow", "done": "green", "dropped": "grey"}
INDICATORS = [(str(v), str(label)) for v, label in Indicator.choices]


# --- building forms from data ------------------------------------------------------------


def _quiet(form: F) -> F:
    """Shown as typed, not checked: a page shown again with more rows, or a kept draft."""
    form._errors = ErrorDict()  # type: ignore[attr-defined]
    return form


def _plain(found: Iterable[forms.Form]) -> None:
    """No character count under each box: the limits are far beyond any note, and a form
    of thirty boxes would show thirty counts. The limits are still checked."""
    for form in found:
        for field in form.fields.values():
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs.pop("maxlength", None)


def _data(pairs: Mapping[str, object]) -> QueryDict:
    """A QueryDict as a browser would post these fields (a list: one value each)."""
    data = QueryDict(mutable=True)
    for name, value in pairs.items():
        values = value if isinstance(value, list | tuple) else [value]
        data.setlist(name, ["" if v is None else str(v) for v in values])
    return data


def _rows(data: QueryDict, name: str, default: int, *, floor: int = 0) -> int:
    try:
        count = int(data.get(name) or default)
    except ValueError:
        count = default
    return max(floor, min(count, MAX_ROWS))


def _ticked(form: forms.Form, name: str) -> bool:
    return bool(form[name].value())


def _blank(form: forms.Form) -> bool:
    """A row left empty: not checked, not saved."""
    return form.empty_permitted and not form.has_changed()


def _day(iso: str) -> str:
    return f"{dt.date.fromisoformat(iso):%d/%m/%Y}" if iso else ""


def _date(iso: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(iso)
    except (TypeError, ValueError):
        return None


def _summary(found: Iterable[forms.Form]) -> list[dict[str, str]]:
    """Every error of these forms, for the error summary: named, and linked to its field."""
    out: list[dict[str, str]] = []
    for form in found:
        where = str(getattr(form, "where", ""))
        for error in form.non_field_errors():
            out.append({"text": f"{where}: {error}" if where else str(error), "href": ""})
        for bound in form:
            for error in bound.errors:
                name = " — ".join(x for x in (where, str(bound.label or bound.name)) if x)
                out.append(
                    {
                        "text": f"{name}: {error}",
                        "href": "" if bound.is_hidden else f"#{anchor(bound)}",
                    }
                )
    return out


def _draft(practitioner: Practitioner, key: str) -> QueryDict | None:
    kept = drafts.load(practitioner, key)
    return _data(kept) if kept else None


# --- people to choose from --------------------------------------------------------------------


def _label(p: Practitioner) -> str:
    return f"{p.display_name}, {p.agency.name}" if p.agency else p.display_name


def _choices(found: Iterable[Practitioner]) -> list[tuple[str, str]]:
    unique = {p.pk: p for p in found}
    return [
        (str(p.pk), _label(p))
        for p in sorted(unique.values(), key=lambda p: (p.display_name.lower(), str(p.pk)))
    ]


def _involved(child_id: uuid.UUID, bases: Iterable[str] | None = None) -> list[Practitioner]:
    """Active practitioners of an agency currently involved with the child."""
    found = Involvement.objects.filter(child_ref=child_id, ended_at__isnull=True)
    if bases is not None:
        found = found.filter(basis__in=list(bases))
    ids = list(found.values_list("practitioner_id", flat=True))
    return _people(ids)


def _people(ids: Iterable[uuid.UUID | str]) -> list[Practitioner]:
    return list(
        Practitioner.objects.filter(
            pk__in=[str(i) for i in ids], is_active=True, agency__isnull=False
        ).select_related("agency")
    )


def _leads() -> list[Practitioner]:
    """Everyone who may be named Lead Professional: active, holding the role."""
    return list(
        Practitioner.objects.filter(
            is_active=True, agency__isnull=False, groups__name=Role.LEAD_PROFESSIONAL
        )
        .select_related("agency")
        .distinct()
    )


# --- the wellbeing assessment --------------------------------------------------------------


class IndicatorViewForm(forms.Form):
    """The agency's view of one wellbeing indicator, with its evidence."""

    rating = forms.ChoiceField(choices=RATINGS, widget=forms.RadioSelect)
    notes = forms.CharField(
        required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, data: QueryDict, *, indicator: str, entries: list[tuple[str, str]]) -> None:
        super().__init__(data, prefix=indicator)
        self.indicator = indicator
        self.name = str(Indicator(indicator).label)
        self.where = self.name
        rating = self.fields["rating"]
        rating.label = f"Your agency's view of {self.name}"
        rating.help_text = INDICATOR_MEANINGS[indicator]
        rating.error_messages["required"] = f"Choose your agency's view of {self.name}."
        self.fields["notes"].label = f"Notes on {self.name}"
        evidence = self.fields["evidence"]
        assert isinstance(evidence, forms.MultipleChoiceField)
        evidence.label = f"Evidence for {self.name}"
        evidence.help_text = "Entries of the chronology you may see, newest first."
        evidence.choices = entries

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        given = (data.get("notes") or "").strip() or data.get("evidence")
        if data.get("rating") == NOT_ASSESSED and given:
            self.add_error(
                "rating",
                f"Choose your agency's view of {self.name} to go with your notes and evidence.",
            )
        return data

    def view(self) -> dict[str, Any] | None:
        data = self.cleaned_data
        if data["rating"] == NOT_ASSESSED:
            return None
        return {
            "rating": data["rating"],
            "notes": data["notes"].strip(),
            "evidence_entry_ids": list(data["evidence"]),
        }


class MyWorldForm(forms.Form):
    """My World Triangle notes, one optional box per area."""

    def __init__(self, data: QueryDict) -> None:
        super().__init__(data, prefix="my_world")
        self.where = "My World Triangle"
        for area in MY_WORLD_AREAS:
            self.fields[area.code] = forms.CharField(
                label=area.label,
                required=False,
                max_length=20000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def sides(self) -> list[dict[str, Any]]:
        return [
            {
                "code": side,
                "label": label,
                "fields": [self[a.code] for a in MY_WORLD_AREAS if a.side == side],
            }
            for side, label in MY_WORLD_SIDES.items()
        ]

    def notes(self) -> dict[str, str]:
        return {
            code: text.strip() for code, text in self.cleaned_data.items() if (text or "").strip()
        }


class FactorForm(forms.Form):
    """One factor of the Resilience Matrix and where it sits. A blank row is left out."""

    factor = forms.CharField(
        label="Factor",
        max_length=500,
        error_messages={"required": "Describe the factor, or clear its row."},
    )
    axis = forms.ChoiceField(
        label="Where it sits",
        choices=[("", "Choose where it sits"), *((str(k), v) for k, v in AXES.items())],
        error_messages={"required": "Choose where the factor sits."},
    )

    def __init__(self, data: QueryDict, index: int) -> None:
        super().__init__(
            data, prefix=f"factor-{index}", empty_permitted=True, use_required_attribute=False
        )
        self.number = index + 1
        self.where = f"Factor {self.number}"


class FiveQuestionsForm(forms.Form):
    def __init__(self, data: QueryDict) -> None:
        super().__init__(data, prefix="five")
        self.where = "The five questions"
        for number, question in FIVE_QUESTIONS.items():
            self.fields[f"q{number}"] = forms.CharField(
                label=f"{number}. {question}",
                required=False,
                max_length=20000,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def questions(self) -> list[forms.BoundField]:
        return [self[f"q{n}"] for n in FIVE_QUESTIONS]

    def answers(self) -> dict[str, str]:
        return {
            n: self.cleaned_data[f"q{n}"].strip()
            for n in FIVE_QUESTIONS
            if self.cleaned_data[f"q{n}"].strip()
        }


class AssessmentForms:
    """The whole assessment page: one form per indicator, My World, factors, questions."""

    MORE = 3

    def __init__(self, data: QueryDict, entries: list[tuple[str, str]]) -> None:
        self.general = forms.Form(data)
        self.indicators = [
            IndicatorViewForm(data, indicator=code, entries=entries) for code in Indicator.values
        ]
        self.my_world = MyWorldForm(data)
        rows = _rows(data, "factor_rows", self.MORE, floor=1)
        self.factors = [FactorForm(data, i) for i in range(rows)]
        self.five = FiveQuestionsForm(data)
        _plain(self.all())

    @classmethod
    def blank(cls) -> QueryDict:
        return _data(
            {
                "factor_rows": cls.MORE,
                **{f"{code}-rating": NOT_ASSESSED for code in Indicator.values},
            }
        )

    @staticmethod
    def more(data: QueryDict) -> QueryDict:
        data = data.copy()
        rows = _rows(data, "factor_rows", AssessmentForms.MORE, floor=1)
        data["factor_rows"] = str(min(rows + AssessmentForms.MORE, MAX_ROWS))
        return data

    def all(self) -> list[forms.Form]:
        return [self.general, *self.indicators, self.my_world, *self.factors, self.five]

    def quiet(self) -> AssessmentForms:
        for form in self.all():
            _quiet(form)
        return self

    def is_valid(self) -> bool:
        checked = [form.is_valid() for form in self.all()]  # every form, for every error
        return all(checked)

    def errors(self) -> list[dict[str, str]]:
        return _summary(self.all())

    def contribution(self) -> dict[str, Any]:
        indicators = {}
        for form in self.indicators:
            view = form.view()
            if view is not None:
                indicators[form.indicator] = view
        return {
            "indicators": indicators,
            "my_world": self.my_world.notes(),
            "resilience_matrix": [
                {"factor": f.cleaned_data["factor"].strip(), "axis": f.cleaned_data["axis"]}
                for f in self.factors
                if not _blank(f)
            ],
            "five_questions": self.five.answers(),
        }

    def show(self, error: Invalid) -> None:
        """The service's refusal, on the fields it names."""
        by_code = {f.indicator: f for f in self.indicators}
        for key, message in error.errors.items():
            parts = key.split(".")
            if parts[0] == "indicators" and len(parts) == 3 and parts[1] in by_code:
                form = by_code[parts[1]]
                form.add_error("evidence" if parts[2] == "evidence_entry_ids" else None, message)
            elif parts[0] == "my_world":
                self.my_world.add_error(None, message)
            else:
                self.general.add_error(None, message)


def _entry_choices(seen: list[Seen]) -> list[tuple[str, str]]:
    return [
        (
            str(s.entry.pk),
            f"{timezone.localtime(s.entry.occurred_at):%d %b %Y} — {s.entry.summary} "
            f"({s.entry.agency.name})",
        )
        for s in reversed(seen)
    ]


def _assessment_page(
    request: HttpRequest,
    me: Practitioner,
    child_id: uuid.UUID,
    joining: queries.Combined | None,
    open_one: queries.Combined | None = None,
) -> HttpResponse:
    record = people.get_child(me, child_id)
    entries = _entry_choices(chronology.chronology(me, child_id))
    key = request.path
    restored = False
    if request.method == "POST":
        if request.POST.get("more") == "factors":
            found = AssessmentForms(AssessmentForms.more(request.POST), entries).quiet()
        else:
            found = AssessmentForms(request.POST, entries)
            if found.is_valid():
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
                    drafts.forget(me, key)
                    messages.success(
                        request,
                        "Your agency's view is added to the wellbeing assessment."
                        if joining
                        else "The wellbeing assessment is started with your agency's view.",
                    )
                    return redirect("web:child-plan", child_id=child_id)
    else:
        draft = _draft(me, key)
        restored = draft is not None
        found = AssessmentForms(draft if draft else AssessmentForms.blank(), entries)
        found.quiet()
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


@page(Action.ASSESSMENT_WRITE)
def new_assessment(request: HttpRequest, child_id: uuid.UUID) -> HttpResponse:
    """Start a wellbeing assessment with the agency's view (National Practice Model)."""
    me = signed_in(request)
    authorize(me, Action.ASSESSMENT_WRITE, child_id=child_id, object=f"child:{child_id}")
    latest = queries.latest_assessment(me, child_id)
    open_one = None
    if latest is not None and me.agency_id not in {c.agency_id for c in latest.contributions}:
        open_one = latest
    return _assessment_page(request, me, child_id, None, open_one)


@page(Action.ASSESSMENT_WRITE)
def contribute(request: HttpRequest, assessment_id: uuid.UUID) -> HttpResponse:
    """Another agency's view, added to the same assessment: no agency repeats another's."""
    me = signed_in(request)
    child_id = (
        Assessment.objects.filter(pk=assessment_id).values_list("child_ref", flat=True).first()
    )
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


def _current_plan(me: Practitioner, child_id: uuid.UUID) -> queries.CurrentPlan | None:
    """The current plan, None when there is none; not found when it is not the actor's to
    see (queries.plan answers both with NotVisible: decide() tells them apart)."""
    try:
        return queries.plan(me, child_id)
    except NotVisible:
        if decide(me, Action.PLAN_READ, child_id=child_id).allowed:
            return None
        raise


def _plan_view(version: PlanVersion, *, current: bool = True) -> dict[str, Any]:
    """A version of the plan as the page shows it, in the order of the Child's Plan. What
    is overdue is marked on the current version only: an earlier one is as it was."""
    today = timezone.localdate() if current else dt.date.min
    content = version.content
    by_id = {str(p.pk): p for p in _people([content["lead_professional_id"], *content["team_ids"]])}
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
                    "overdue": action["status"] in OPEN_STATUSES
                    and due is not None
                    and due < today,
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
        "review_overdue": review is not None and review < today,
        "contingency": content.get("contingency") or "",
    }


def _evidence(ids: Sequence[str], seen: Mapping[str, Seen]) -> dict[str, Any]:
    shown = [seen[i].entry for i in ids if i in seen]
    return {"entries": shown, "hidden": len([i for i in ids if i not in seen])}


def _assessment_view(
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


def _meetings(found: Sequence[Meeting]) -> list[dict[str, Any]]:
    out = []
    for meeting in found:
        came = list(meeting.attendees.all())
        ids = {p.pk for p in came}
        out.append(
            {
                "pk": meeting.pk,
                "held_on": meeting.held_on,
                "attendees": [_label(p) for p in came],
                "absent": [_label(p) for p in meeting.invitees.all() if p.pk not in ids],
                "family_attended": meeting.family_attended,
                "decisions": meeting.decisions,
                "minutes": meeting.minutes,
            }
        )
    return out


@page(Action.PLAN_READ)
def child_plan(request: HttpRequest, child_id: uuid.UUID) -> HttpResponse:
    """The latest wellbeing assessment and the current Child's Plan, its versions and
    meetings, for the plan's circle."""
    me = signed_in(request)
    current = _current_plan(me, child_id)
    latest = queries.latest_assessment(me, child_id)
    record = people.get_child(me, child_id)
    name = f"{record.given_name} {record.family_name}"
    seen = {str(s.entry.pk): s for s in chronology.chronology(me, child_id)}
    assessment = _assessment_view(latest, seen, name) if latest else None
    return render(
        request,
        "web/planning/plan.html",
        {
            "record": record,
            "child_id": child_id,
            "assessment": assessment,
            "contributed": bool(assessment and me.agency_id in assessment["agency_ids"]),
            "plan": _plan_view(current.version) if current else None,
            "versions": queries.versions(me, child_id) if current else [],
            "meetings": _meetings(queries.meetings(me, child_id)),
            "named_person": current_assignee(child_id, Assignment.Kind.NAMED_PERSON),
            "can_write": decide(me, Action.PLAN_WRITE, child_id=child_id).allowed,
        },
    )


@page(Action.PLAN_READ)
def plan_version(request: HttpRequest, child_id: uuid.UUID, number: int) -> HttpResponse:
    """A version of the plan as it was saved."""
    me = signed_in(request)
    found = queries.version(me, child_id, number)
    current = queries.plan(me, child_id)
    record = people.get_child(me, child_id)
    return render(
        request,
        "web/planning/version.html",
        {
            "record": record,
            "child_id": child_id,
            "plan": _plan_view(found, current=found.version == current.version.version),
            "title": f"Child's Plan, version {found.version}",
            "current_version": current.version.version,
        },
    )


@page(Action.PLAN_READ)
@step_up("printing the plan: a copy leaves Bairn")
def plan_pdf(request: HttpRequest, child_id: uuid.UUID) -> HttpResponse:
    """The current plan as a PDF for meetings (bairn.planning.pdf)."""
    me = signed_in(request)
    current = queries.plan(me, child_id)
    record = people.get_child(me, child_id)
    parents = [r for r in people.list_people(me, child_id) if r.parental_responsibility]
    body = pdf.plan_pdf(
        record,
        current.version.content,
        version=current.version.version,
        saved_at=f"{timezone.localtime(current.version.saved_at):%d %B %Y}",
        named_person=current_assignee(child_id, Assignment.Kind.NAMED_PERSON),
        lead=current_assignee(child_id, Assignment.Kind.LEAD_PROFESSIONAL),
        parents=parents,
    )
    response = HttpResponse(body, content_type="application/pdf")
    # No child's name in the file name: it ends up in download folders and logs.
    response["Content-Disposition"] = 'attachment; filename="childs-plan.pdf"'
    response["Cache-Control"] = "no-store"
    return response


# --- editing the plan ----------------------------------------------------------------------


class PlanForm(forms.Form):
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput, label="Version edited")
    seen_version = forms.IntegerField(
        min_value=1, required=False, widget=forms.HiddenInput, label="Newer version"
    )
    save_over = forms.BooleanField(required=False)
    lead_professional = forms.ChoiceField(
        label="Lead Professional",
        help_text=(
            "The family's main point of contact, who keeps the plan reviewed. Practitioners "
            "holding the Lead Professional role are listed."
        ),
        error_messages={"required": "Choose the Lead Professional."},
    )
    team = forms.MultipleChoiceField(
        label="The team around the child",
        help_text=(
            "Practitioners involved with the child. Whoever is responsible for an action "
            "joins the team."
        ),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reason_for_plan = forms.CharField(
        label="Why the plan was made",
        help_text="Say clearly why the child needs a multi-agency plan.",
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say why the plan was made."},
    )
    child_views = forms.CharField(
        label="The child's views",
        help_text="In the child's own words where you can. If they were not asked, say why.",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    family_views = forms.CharField(
        label="The family's views",
        help_text="The views of the parents or carers. If they were not asked, say why.",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    review_date = forms.DateField(
        label="When will the plan be reviewed?",
        help_text=DATE_HINT,
        input_formats=DATE_FORMATS,
        error_messages={
            "required": "Enter the date of the review.",
            "invalid": "Enter the review date as a real date, for example 27/02/2027.",
        },
    )
    contingency = forms.CharField(
        label="Contingency",
        help_text="What happens if the plan is not working, or things change.",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self,
        data: QueryDict,
        *,
        leads: list[tuple[str, str]],
        team: list[tuple[str, str]],
    ) -> None:
        super().__init__(data)
        lead = self.fields["lead_professional"]
        assert isinstance(lead, forms.ChoiceField)
        lead.choices = [("", "Choose the Lead Professional"), *leads]
        members = self.fields["team"]
        assert isinstance(members, forms.MultipleChoiceField)
        members.choices = team
        newer = self["seen_version"].value()
        self.fields[
            "save_over"
        ].label = f"I have reviewed version {newer}: save my changes as the newest version"


class NeedForm(forms.Form):
    id = forms.UUIDField(required=False, widget=forms.HiddenInput, label="Need")
    indicators = forms.MultipleChoiceField(
        label="Wellbeing indicators",
        help_text="Which indicators this need is about.",
        choices=INDICATORS,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one wellbeing indicator."},
    )
    description = forms.CharField(
        label="The need",
        help_text="Its nature, in plain words.",
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Describe the need."},
    )
    outcome = forms.CharField(
        label="Outcome sought",
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say what outcome is sought."},
    )
    evidence = forms.CharField(
        label="How achieving it will be evidenced",
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say how achieving the outcome will be evidenced."},
    )
    remove = forms.BooleanField(required=False, label="Remove this need and its actions")

    def __init__(self, data: QueryDict, index: int) -> None:
        super().__init__(
            data, prefix=f"need-{index}", empty_permitted=True, use_required_attribute=False
        )
        self.number = index + 1
        self.where = f"Need {self.number}"


class ActionForm(forms.Form):
    id = forms.UUIDField(required=False, widget=forms.HiddenInput, label="Action")
    description = forms.CharField(
        label="Action",
        help_text="What will be done, including any targeted intervention.",
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Describe the action."},
    )
    owner = forms.ChoiceField(
        label="Person responsible",
        help_text="Their service or agency is shown on the plan.",
        error_messages={"required": "Choose who is responsible."},
    )
    due_on = forms.DateField(
        label="Due by",
        help_text=DATE_HINT,
        input_formats=DATE_FORMATS,
        error_messages={
            "required": "Enter the date it is due by.",
            "invalid": "Enter the due date as a real date, for example 27/02/2027.",
        },
    )
    status = forms.ChoiceField(label="Status", choices=STATUSES)
    remove = forms.BooleanField(required=False, label="Remove this action")

    def __init__(
        self, data: QueryDict, need: int, index: int, owners: list[tuple[str, str]]
    ) -> None:
        super().__init__(
            data,
            prefix=f"need-{need}-action-{index}",
            initial={"status": "planned"},
            empty_permitted=True,
            use_required_attribute=False,
        )
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ChoiceField)
        owner.choices = [("", "Choose who"), *owners]
        self.number = index + 1
        self.where = f"Need {need + 1}, action {self.number}"


@dataclass
class NeedRow:
    index: int
    need: NeedForm
    actions: list[ActionForm]

    @property
    def number(self) -> int:
        return self.index + 1

    @property
    def prefix(self) -> str:
        return f"need-{self.index}"

    @property
    def add_value(self) -> str:
        return f"action-{self.index}"

    @property
    def add_text(self) -> str:
        return f"Add an action to need {self.number}"

    @property
    def removed(self) -> bool:
        return _ticked(self.need, "remove")

    @property
    def existing(self) -> bool:
        return bool(self.need["id"].value())


class PlanForms:
    """The whole plan form: the plan's fields, and its needs each with its actions."""

    def __init__(
        self,
        data: QueryDict,
        *,
        leads: list[tuple[str, str]],
        team: list[tuple[str, str]],
        owners: list[tuple[str, str]],
    ) -> None:
        self.plan = PlanForm(data, leads=leads, team=team)
        self.needs: list[NeedRow] = []
        for n in range(_rows(data, "need_rows", 1, floor=1)):
            count = _rows(data, f"need-{n}-action_rows", 1)
            actions = [ActionForm(data, n, a, owners) for a in range(count)]
            for action in actions:
                if action["id"].value():
                    action.empty_permitted = False
            need = NeedForm(data, n)
            if need["id"].value() or any(
                a.has_changed() and not _ticked(a, "remove") for a in actions
            ):
                need.empty_permitted = False
            self.needs.append(NeedRow(n, need, actions))
        self.sent: list[tuple[NeedRow, list[ActionForm]]] = []
        _plain(self.all())

    @staticmethod
    def written(content: dict[str, Any] | None, version: int) -> QueryDict:
        """The plan's content as the form posts it (a blank plan without content)."""
        if content is None:
            return _data(
                {
                    "version": 0,
                    "need_rows": 1,
                    "need-0-action_rows": 1,
                    "need-0-action-0-status": "planned",
                }
            )
        pairs: dict[str, object] = {
            "version": version,
            "lead_professional": content["lead_professional_id"],
            "team": list(content["team_ids"]),
            "reason_for_plan": content["reason_for_plan"],
            "child_views": content["child_views"],
            "family_views": content["family_views"],
            "review_date": _day(content["review_date"]),
            "contingency": content.get("contingency") or "",
            "need_rows": max(len(content["needs"]), 1),
        }
        for n, need in enumerate(content["needs"]):
            pairs.update(
                {
                    f"need-{n}-id": need["id"],
                    f"need-{n}-indicators": list(need["indicators"]),
                    f"need-{n}-description": need["description"],
                    f"need-{n}-outcome": need["outcome"],
                    f"need-{n}-evidence": need["evidence"],
                    f"need-{n}-action_rows": len(need["actions"]),
                }
            )
            for a, action in enumerate(need["actions"]):
                prefix = f"need-{n}-action-{a}"
                pairs.update(
                    {
                        f"{prefix}-id": action["id"],
                        f"{prefix}-description": action["description"],
                        f"{prefix}-owner": action["owner_id"],
                        f"{prefix}-due_on": _day(action["due_on"]),
                        f"{prefix}-status": action["status"],
                    }
                )
        if not content["needs"]:
            pairs.update({"need-0-action_rows": 1, "need-0-action-0-status": "planned"})
        return _data(pairs)

    @staticmethod
    def more(data: QueryDict, add: str) -> tuple[QueryDict, str]:
        """The data with one more need, or one more action of a need; and the id of the
        field to put the cursor in."""
        data = data.copy()
        needs = _rows(data, "need_rows", 1, floor=1)
        if add == "need" and needs < MAX_ROWS:
            data["need_rows"] = str(needs + 1)
            for name in [k for k in data if k.startswith(f"need-{needs}-")]:
                del data[name]
            data[f"need-{needs}-action_rows"] = "1"
            data[f"need-{needs}-action-0-status"] = "planned"
            return data, f"need-{needs}-description"
        if add.startswith("action-") and add[7:].isdigit() and int(add[7:]) < needs:
            n = int(add[7:])
            count = _rows(data, f"need-{n}-action_rows", 1)
            if count < MAX_ROWS:
                prefix = f"need-{n}-action-{count}"
                for name in [k for k in data if k.startswith(f"{prefix}-")]:
                    del data[name]
                data[f"need-{n}-action_rows"] = str(count + 1)
                data[f"{prefix}-status"] = "planned"
                return data, f"{prefix}-description"
        return data, ""

    def focus(self, prefixed: str) -> None:
        for form in self.all():
            for bound in form:
                if bound.html_name == prefixed:
                    bound.field.widget.attrs["autofocus"] = True

    def all(self) -> list[forms.Form]:
        return [self.plan, *(f for row in self.needs for f in (row.need, *row.actions))]

    def quiet(self) -> PlanForms:
        for form in self.all():
            _quiet(form)
        return self

    def is_valid(self) -> bool:
        ok = self.plan.is_valid()
        kept = 0
        for row in self.needs:
            if row.removed:
                for form in (row.need, *row.actions):
                    _quiet(form)
                continue
            ok = row.need.is_valid() and ok
            for action in row.actions:
                if _ticked(action, "remove"):
                    _quiet(action)
                else:
                    ok = action.is_valid() and ok
            kept += not _blank(row.need)
        if not kept:
            self.plan.add_error(None, "Describe at least one wellbeing need, with its actions.")
            ok = False
        return ok

    def errors(self) -> list[dict[str, str]]:
        return _summary(self.all())

    def version(self) -> int:
        data = self.plan.cleaned_data
        if data.get("save_over") and data.get("seen_version"):
            return int(data["seen_version"])
        return int(data["version"])

    def plan_input(self) -> dict[str, Any]:
        """What services.save_plan takes, from the checked forms."""
        data = self.plan.cleaned_data
        needs = []
        self.sent = []
        for row in self.needs:
            if row.removed or _blank(row.need):
                continue
            actions = [a for a in row.actions if not _ticked(a, "remove") and not _blank(a)]
            self.sent.append((row, actions))
            need = row.need.cleaned_data
            needs.append(
                {
                    "id": need["id"],
                    "indicators": list(need["indicators"]),
                    "description": need["description"].strip(),
                    "outcome": need["outcome"].strip(),
                    "evidence": need["evidence"].strip(),
                    "actions": [
                        {
                            "id": a.cleaned_data["id"],
                            "description": a.cleaned_data["description"].strip(),
                            "owner_id": uuid.UUID(a.cleaned_data["owner"]),
                            "due_on": a.cleaned_data["due_on"],
                            "status": a.cleaned_data["status"],
                        }
                        for a in actions
                    ],
                }
            )
        return {
            "lead_professional_id": uuid.UUID(data["lead_professional"]),
            "team_ids": [uuid.UUID(t) for t in data["team"]],
            "reason_for_plan": data["reason_for_plan"],
            "needs": needs,
            "child_views": data["child_views"].strip(),
            "family_views": data["family_views"].strip(),
            "review_date": data["review_date"],
            "contingency": data["contingency"].strip(),
        }

    def show(self, error: Invalid) -> None:
        """The service's refusal, on the fields it names."""
        fields = {
            "lead_professional_id": "lead_professional",
            "reason_for_plan": "reason_for_plan",
            "review_date": "review_date",
            "child_views": "child_views",
            "family_views": "family_views",
            "contingency": "contingency",
            "version": None,
        }
        for key, message in error.errors.items():
            parts = key.split(".")
            target: forms.Form = self.plan
            name: str | None = None
            if parts[0] in fields:
                name = fields[parts[0]]
            elif parts[0] == "team_ids":
                name = "team"
            elif parts[0] == "needs" and len(parts) > 1 and parts[1].isdigit():
                n = int(parts[1])
                if n < len(self.sent):
                    row, actions = self.sent[n]
                    target = row.need
                    if len(parts) > 3 and parts[2] == "actions" and parts[3].isdigit():
                        a = int(parts[3])
                        if a < len(actions):
                            target = actions[a]
                            name = {"owner_id": "owner"}.get(parts[-1], parts[-1])
                    else:
                        name = parts[-1] if len(parts) == 3 else None
            if name not in target.fields:
                name = None
            target.add_error(name, message)


def _plan_people(
    child_id: uuid.UUID, content: dict[str, Any] | None
) -> dict[str, list[tuple[str, str]]]:
    """Whom the plan's form offers: Lead Professionals, the team, owners of actions."""
    involved = _involved(child_id)
    current = _people(
        [
            *(content["team_ids"] if content else []),
            *(a["owner_id"] for n in (content["needs"] if content else []) for a in n["actions"]),
        ]
    )
    leads = _leads()
    return {
        "leads": _choices(leads),
        "team": _choices([*involved, *current]),
        "owners": _choices([*involved, *current, *leads]),
    }


@page(Action.PLAN_WRITE)
def edit_plan(request: HttpRequest, child_id: uuid.UUID) -> HttpResponse:
    """The whole plan on one form, saved as a new version. The version edited travels with
    the edit: if someone saved a newer one meanwhile, nothing is saved and the page says
    so, keeping everything typed."""
    me = signed_in(request)
    authorize(me, Action.PLAN_WRITE, child_id=child_id, object=f"child:{child_id}")
    current = _current_plan(me, child_id)
    content = current.version.content if current else None
    record = people.get_child(me, child_id)
    choices = _plan_people(child_id, content)
    key = request.path
    restored = False
    conflict: int | None = None
    if request.method == "POST":
        add = request.POST.get("add", "")
        if add:
            data, focus = PlanForms.more(request.POST, add)
            found = PlanForms(data, **choices).quiet()
            found.focus(focus)
        else:
            found = PlanForms(request.POST, **choices)
            if found.is_valid():
                try:
                    saved = services.save_plan(
                        me, child_id, version=found.version(), **found.plan_input()
                    )
                except Invalid as error:
                    found.show(error)
                except Forbidden as refusal:
                    found.plan.add_error("lead_professional", "; ".join(refusal.decision.reasons))
                except Conflict as stale:
                    conflict = int(str(stale.extra.get("current_version", 0)))
                    data = request.POST.copy()
                    data["seen_version"] = str(conflict)
                    data.pop("save_over", None)
                    found = PlanForms(data, **choices).quiet()
                else:
                    drafts.forget(me, key)
                    messages.success(request, f"The plan is saved as version {saved.version}.")
                    return redirect("web:child-plan", child_id=child_id)
    else:
        draft = _draft(me, key)
        restored = draft is not None
        data = (
            draft
            if draft
            else PlanForms.written(content, current.version.version if current else 0)
        )
        found = PlanForms(data, **choices).quiet()
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


# --- Team Around the Child meetings ----------------------------------------------------------


class MeetingForm(forms.Form):
    held_on = forms.DateField(
        label="When was the meeting held?",
        help_text=DATE_HINT,
        input_formats=DATE_FORMATS,
        error_messages={
            "required": "Enter the date of the meeting.",
            "invalid": "Enter the date of the meeting as a real date, for example 27/02/2027.",
        },
    )
    attendees = forms.MultipleChoiceField(
        label="Who attended",
        help_text="The team around the child. Name anyone else in the minutes.",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose who attended."},
    )
    invitees = forms.MultipleChoiceField(
        label="Invited but did not attend",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    family_attended = forms.ChoiceField(
        label="Did the child or their family attend?",
        choices=[("yes", "Yes"), ("no", "No")],
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the child or their family attended."},
    )
    decisions = forms.CharField(
        label="Decisions",
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Record the decisions."},
    )
    minutes = forms.CharField(
        label="Minutes",
        required=False,
        max_length=50000,
        widget=forms.Textarea(attrs={"rows": 8}),
    )

    def __init__(self, data: QueryDict, team: list[tuple[str, str]]) -> None:
        super().__init__(data)
        for name in ("attendees", "invitees"):
            field = self.fields[name]
            assert isinstance(field, forms.MultipleChoiceField)
            field.choices = team

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        both = set(data.get("attendees") or []) & set(data.get("invitees") or [])
        if both:
            self.add_error("invitees", "Someone ticked as attending cannot also be absent.")
        return data


class MeetingActionForm(forms.Form):
    need = forms.ChoiceField(label="The need it serves")
    description = forms.CharField(
        label="Action",
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Describe the action."},
    )
    owner = forms.ChoiceField(
        label="Person responsible", error_messages={"required": "Choose who is responsible."}
    )
    due_on = forms.DateField(
        label="Due by",
        help_text=DATE_HINT,
        input_formats=DATE_FORMATS,
        error_messages={
            "required": "Enter the date it is due by.",
            "invalid": "Enter the due date as a real date, for example 27/02/2027.",
        },
    )

    def __init__(
        self,
        data: QueryDict,
        index: int,
        needs: list[tuple[str, str]],
        owners: list[tuple[str, str]],
    ) -> None:
        super().__init__(
            data,
            prefix=f"action-{index}",
            initial={"need": needs[0][0] if needs else ""},
            empty_permitted=True,
            use_required_attribute=False,
        )
        need = self.fields["need"]
        assert isinstance(need, forms.ChoiceField)
        need.choices = needs
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ChoiceField)
        owner.choices = [("", "Choose who"), *owners]
        self.number = index + 1
        self.where = f"Action {self.number}"


class MeetingForms:
    MORE = 2

    def __init__(
        self,
        data: QueryDict,
        *,
        team: list[tuple[str, str]],
        needs: list[tuple[str, str]],
        with_actions: bool,
    ) -> None:
        self.meeting = MeetingForm(data, team)
        rows = _rows(data, "action_rows", self.MORE) if with_actions else 0
        self.actions = [MeetingActionForm(data, i, needs, team) for i in range(rows)]
        self.sent: list[MeetingActionForm] = []
        _plain(self.all())

    @classmethod
    def blank(cls, needs: list[tuple[str, str]]) -> QueryDict:
        first = needs[0][0] if needs else ""
        return _data(
            {
                "held_on": f"{timezone.localdate():%d/%m/%Y}",
                "action_rows": cls.MORE,
                **{f"action-{i}-need": first for i in range(cls.MORE)},
            }
        )

    @classmethod
    def more(cls, data: QueryDict, needs: list[tuple[str, str]]) -> QueryDict:
        data = data.copy()
        rows = _rows(data, "action_rows", cls.MORE)
        for i in range(rows, min(rows + cls.MORE, MAX_ROWS)):
            for name in [k for k in data if k.startswith(f"action-{i}-")]:
                del data[name]
            data[f"action-{i}-need"] = needs[0][0] if needs else ""
        data["action_rows"] = str(min(rows + cls.MORE, MAX_ROWS))
        return data

    def all(self) -> list[forms.Form]:
        return [self.meeting, *self.actions]

    def quiet(self) -> MeetingForms:
        for form in self.all():
            _quiet(form)
        return self

    def is_valid(self) -> bool:
        checked = [form.is_valid() for form in self.all()]  # every form, for every error
        return all(checked)

    def errors(self) -> list[dict[str, str]]:
        return _summary(self.all())

    def meeting_input(self) -> dict[str, Any]:
        data = self.meeting.cleaned_data
        self.sent = [a for a in self.actions if not _blank(a)]
        return {
            "held_on": data["held_on"],
            "attendee_ids": [uuid.UUID(p) for p in data["attendees"]],
            "invitee_ids": [uuid.UUID(p) for p in data["invitees"]],
            "family_attended": data["family_attended"] == "yes",
            "decisions": data["decisions"],
            "minutes": data["minutes"].strip(),
            "actions": [
                {
                    "need_index": int(a.cleaned_data["need"]),
                    "description": a.cleaned_data["description"].strip(),
                    "owner_id": uuid.UUID(a.cleaned_data["owner"]),
                    "due_on": a.cleaned_data["due_on"],
                }
                for a in self.sent
            ],
        }

    def show(self, error: Invalid) -> None:
        for key, message in error.errors.items():
            parts = key.split(".")
            target: forms.Form = self.meeting
            name: str | None = {
                "held_on": "held_on",
                "decisions": "decisions",
                "minutes": "minutes",
                "attendee_ids": "attendees",
                "invitee_ids": "invitees",
            }.get(parts[0])
            if parts[0] == "actions" and len(parts) == 3 and parts[1].isdigit():
                i = int(parts[1])
                if i < len(self.sent):
                    target = self.sent[i]
                    name = {"need_index": "need", "owner_id": "owner"}.get(parts[2], parts[2])
            if name not in target.fields:
                name = None
            target.add_error(name, message)


@page(Action.MEETING_RECORD)
def new_meeting(request: HttpRequest, child_id: uuid.UUID) -> HttpResponse:
    """A Team Around the Child meeting: who came, the decisions, the minutes, and actions
    that join the plan as a new version."""
    me = signed_in(request)
    authorize(me, Action.MEETING_RECORD, child_id=child_id, object=f"child:{child_id}")
    current = _current_plan(me, child_id)
    record = people.get_child(me, child_id)
    content = current.version.content if current else None
    team = _choices(
        [
            *_involved(child_id, PLAN_CIRCLE),
            *_people(content["team_ids"] if content else []),
        ]
    )
    needs = [
        (str(i), f"Need {i + 1}: {need['description'][:80]}")
        for i, need in enumerate(content["needs"] if content else [])
    ]
    with_actions = bool(needs) and decide(me, Action.PLAN_WRITE, child_id=child_id).allowed

    def build(data: QueryDict) -> MeetingForms:
        return MeetingForms(data, team=team, needs=needs, with_actions=with_actions)

    key = request.path
    restored = False
    if request.method == "POST":
        if request.POST.get("more") == "actions":
            found = build(MeetingForms.more(request.POST, needs)).quiet()
        else:
            found = build(request.POST)
            if found.is_valid():
                try:
                    services.record_meeting(me, child_id, **found.meeting_input())
                except Invalid as error:
                    found.show(error)
                except Forbidden as refusal:
                    found.meeting.add_error(None, "; ".join(refusal.decision.reasons))
                else:
                    drafts.forget(me, key)
                    text = "The meeting is recorded."
                    if found.sent:
                        text += " Its actions are in the plan as a new version."
                    messages.success(request, text)
                    return redirect("web:child-plan", child_id=child_id)
    else:
        draft = _draft(me, key)
        restored = draft is not None
        found = build(draft if draft else MeetingForms.blank(needs)).quiet()
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


urlpatterns = [
    path("children/<uuid:child_id>/plan", child_plan, name="child-plan"),
    path("children/<uuid:child_id>/plan.pdf", plan_pdf, name="plan-pdf"),
    path("children/<uuid:child_id>/plan/edit", edit_plan, name="plan-edit"),
    path("children/<uuid:child_id>/plan/versions/<int:number>", plan_version, name="plan-version"),
    path("children/<uuid:child_id>/assessments/new", new_assessment, name="assessment-new"),
    path("assessments/<uuid:assessment_id>/contribute", contribute, name="assessment-contribute"),
    path("children/<uuid:child_id>/meetings/new", new_meeting, name="meeting-new"),
]
