"""The forms of the assessment, the Child's Plan and meetings (practice-model.md).

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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Self, TypeVar

from django import forms
from django.forms.utils import ErrorDict
from django.http import QueryDict
from django.utils import timezone

from bairn.agencies.models import Practitioner
from bairn.errors import Invalid
from bairn.planning.models import ActionStatus, Axis, Rating
from bairn.reference import (
    FIVE_QUESTIONS,
    INDICATOR_MEANINGS,
    MY_WORLD_AREAS,
    MY_WORLD_SIDES,
    Indicator,
)
from bairn.web import drafts
from bairn.web.forms import DATE_HINT, UkDateField, set_choices
from bairn.web.templatetags.bairn_components import anchor

F = TypeVar("F", bound=forms.Form)

MAX_ROWS = 50
NOT_ASSESSED = "not_assessed"

RATINGS = [
    *((str(v), str(label)) for v, label in Rating.choices),
    (NOT_ASSESSED, "Not assessed by us"),
]
AXES: dict[str, str] = {
    Axis.RESILIENCE: "Resilience (the child's own strengths)",
    Axis.VULNERABILITY: "Vulnerability (the child's own characteristics)",
    Axis.PROTECTIVE: "Protective environment (family, school, neighbourhood)",
    Axis.ADVERSITY: "Adversity (family, school, neighbourhood)",
}
STATUSES = [(str(v), str(label)) for v, label in ActionStatus.choices]
INDICATORS = [(str(v), str(label)) for v, label in Indicator.choices]


# --- building forms from data ------------------------------------------------------------


def quiet(form: F) -> F:
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


def as_posted(pairs: Mapping[str, object]) -> QueryDict:
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


def kept_draft(practitioner: Practitioner, key: str) -> QueryDict | None:
    kept = drafts.load(practitioner, key)
    return as_posted(kept) if kept else None


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
        evidence.label = f"Evidence for {self.name}"
        evidence.help_text = "Entries of the chronology you may see, newest first."
        set_choices(self, "evidence", entries)

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


class _Page:
    """A page of several forms, listed by `all`: quietened, checked and summarised as one."""

    def all(self) -> list[forms.Form]:
        raise NotImplementedError

    def quiet(self) -> Self:
        for form in self.all():
            quiet(form)
        return self

    def is_valid(self) -> bool:
        checked = [form.is_valid() for form in self.all()]  # every form, for every error
        return all(checked)

    def errors(self) -> list[dict[str, str]]:
        return _summary(self.all())


class AssessmentForms(_Page):
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
        return as_posted(
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


# --- the Child's Plan ----------------------------------------------------------------------


def _date(label: str, required: str, what: str) -> UkDateField:
    """A required date field of a plan or meeting; `required` is the error when it is left
    empty, and `what` names the date in the error when it is not a real one."""
    return UkDateField(
        label=label,
        help_text=DATE_HINT,
        error_messages={
            "required": required,
            "invalid": f"Enter {what} as a real date, for example 27/02/2027.",
        },
    )


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
    review_date = _date(
        "When will the plan be reviewed?", "Enter the date of the review.", "the review date"
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
        set_choices(self, "lead_professional", [("", "Choose the Lead Professional"), *leads])
        set_choices(self, "team", team)
        newer = self["seen_version"].value()
        self.fields[
            "save_over"
        ].label = f"I have reviewed version {newer}: save my changes as the newest version"


def _box(label: str, required: str, *, help_text: str = "") -> forms.CharField:
    """A required two-row text box of a plan's need or action; `required` is the error
    when it is left empty."""
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": required},
    )


class NeedForm(forms.Form):
    id = forms.UUIDField(required=False, widget=forms.HiddenInput, label="Need")
    indicators = forms.MultipleChoiceField(
        label="Wellbeing indicators",
        help_text="Which indicators this need is about.",
        choices=INDICATORS,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one wellbeing indicator."},
    )
    description = _box("The need", "Describe the need.", help_text="Its nature, in plain words.")
    outcome = _box("Outcome sought", "Say what outcome is sought.")
    evidence = _box(
        "How achieving it will be evidenced", "Say how achieving the outcome will be evidenced."
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
    description = _box(
        "Action",
        "Describe the action.",
        help_text="What will be done, including any targeted intervention.",
    )
    owner = forms.ChoiceField(
        label="Person responsible",
        help_text="Their service or agency is shown on the plan.",
        error_messages={"required": "Choose who is responsible."},
    )
    due_on = _date("Due by", "Enter the date it is due by.", "the due date")
    status = forms.ChoiceField(label="Status", choices=STATUSES)
    remove = forms.BooleanField(required=False, label="Remove this action")

    def __init__(
        self, data: QueryDict, need: int, index: int, owners: list[tuple[str, str]]
    ) -> None:
        super().__init__(
            data,
            prefix=f"need-{need}-action-{index}",
            initial={"status": ActionStatus.PLANNED.value},
            empty_permitted=True,
            use_required_attribute=False,
        )
        set_choices(self, "owner", [("", "Choose who"), *owners])
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


class PlanForms(_Page):
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
            return as_posted(
                {
                    "version": 0,
                    "need_rows": 1,
                    "need-0-action_rows": 1,
                    "need-0-action-0-status": ActionStatus.PLANNED.value,
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
            pairs.update(
                {"need-0-action_rows": 1, "need-0-action-0-status": ActionStatus.PLANNED.value}
            )
        return as_posted(pairs)

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
            data[f"need-{needs}-action-0-status"] = ActionStatus.PLANNED.value
            return data, f"need-{needs}-description"
        if add.startswith("action-") and add[7:].isdigit() and int(add[7:]) < needs:
            n = int(add[7:])
            count = _rows(data, f"need-{n}-action_rows", 1)
            if count < MAX_ROWS:
                prefix = f"need-{n}-action-{count}"
                for name in [k for k in data if k.startswith(f"{prefix}-")]:
                    del data[name]
                data[f"need-{n}-action_rows"] = str(count + 1)
                data[f"{prefix}-status"] = ActionStatus.PLANNED.value
                return data, f"{prefix}-description"
        return data, ""

    def focus(self, prefixed: str) -> None:
        for form in self.all():
            for bound in form:
                if bound.html_name == prefixed:
                    bound.field.widget.attrs["autofocus"] = True

    def all(self) -> list[forms.Form]:
        return [self.plan, *(f for row in self.needs for f in (row.need, *row.actions))]

    def is_valid(self) -> bool:
        ok = self.plan.is_valid()
        kept = 0
        for row in self.needs:
            if row.removed:
                for form in (row.need, *row.actions):
                    quiet(form)
                continue
            ok = row.need.is_valid() and ok
            for action in row.actions:
                if _ticked(action, "remove"):
                    quiet(action)
                else:
                    ok = action.is_valid() and ok
            kept += not _blank(row.need)
        if not kept:
            self.plan.add_error(None, "Describe at least one wellbeing need, with its actions.")
            ok = False
        return ok

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


# --- Team Around the Child meetings ----------------------------------------------------------


class MeetingForm(forms.Form):
    held_on = _date(
        "When was the meeting held?", "Enter the date of the meeting.", "the date of the meeting"
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
            set_choices(self, name, team)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        both = set(data.get("attendees") or []) & set(data.get("invitees") or [])
        if both:
            self.add_error("invitees", "Someone ticked as attending cannot also be absent.")
        return data


class MeetingActionForm(forms.Form):
    need = forms.ChoiceField(label="The need it serves")
    description = _box("Action", "Describe the action.")
    owner = forms.ChoiceField(
        label="Person responsible", error_messages={"required": "Choose who is responsible."}
    )
    due_on = _date("Due by", "Enter the date it is due by.", "the due date")

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
        set_choices(self, "need", needs)
        set_choices(self, "owner", [("", "Choose who"), *owners])
        self.number = index + 1
        self.where = f"Action {self.number}"


class MeetingForms(_Page):
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
        return as_posted(
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
