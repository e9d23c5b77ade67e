"""The forms of the pages. Labels and hints are what practitioners read; choices come from
bairn.reference so that the official wording is used everywhere."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms

from bairn.errors import Invalid
from bairn.reference import (
    INDICATOR_MEANINGS,
    Impact,
    Indicator,
    Relationship,
    Sex,
    Significance,
    Source,
)


def set_choices(form: forms.Form, name: str, choices: list[tuple[str, str]]) -> None:
    """The choices of a list (single or multiple) whose options are known only when the
    page is made."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)  # MultipleChoiceField is one too
    field.choices = choices


# Day first, as dates are written in the UK, with any of the usual separators; or as a
# date input or the API sends it (ISO 8601).
UK_DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d %m %Y", "%d-%m-%Y", "%d.%m.%Y"]
DATE_HINT = "For example, 27/02/2027"


class UkDateField(forms.DateField):
    """Every date a page asks for: one field, so a date one form takes no other refuses."""

    input_formats = UK_DATE_FORMATS


def show_errors(form: forms.Form, error: Invalid, names: Mapping[str, str] | None = None) -> None:
    """A service's refusal of bad input, shown on the form's fields (the service's field
    names mapped to the form's where they differ)."""
    for name, message in error.errors.items():
        name = (names or {}).get(name, name)
        form.add_error(name if name in form.fields else None, message)


class SignInForm(forms.Form):
    username = forms.CharField(
        max_length=150, widget=forms.TextInput(attrs={"autocomplete": "username"})
    )
    password = forms.CharField(
        max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app",
        help_text="The 6 digits your app shows now.",
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not code.isdigit() or len(code) != 6:
            raise forms.ValidationError("Enter the 6 digits your app shows.")
        return code


class StepUpForm(forms.Form):
    """The code asked for again before a dangerous act (bairn.web.stepup). Its field has a
    name no other form uses, as it travels with the form it confirms."""

    bairn_step_up_code = CodeForm.base_fields["code"]

    def clean_bairn_step_up_code(self) -> str:
        code = "".join(self.cleaned_data["bairn_step_up_code"].split())
        if not code.isdigit() or len(code) != 6:
            raise forms.ValidationError("Enter the 6 digits your app shows.")
        return code


class MatchForm(forms.Form):
    given_name = forms.CharField(max_length=100)
    family_name = forms.CharField(max_length=100)
    date_of_birth = UkDateField(help_text="For example, 14/03/2017")
    postcode = forms.CharField(max_length=10, required=False)
    chi_number = forms.CharField(
        label="CHI number", max_length=12, required=False, help_text="10 digits"
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("postcode") and not data.get("chi_number"):
            self.add_error("postcode", "Give the postcode or the CHI number as well.")
        return data


class BreakGlassForm(forms.Form):
    reason = forms.CharField(
        label="Why do you need to see this child's record now?",
        help_text=(
            "Emergency access works at once. It is recorded, flagged, and reviewed by your "
            "information governance lead."
        ),
        min_length=10,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


def _choices(choices: Any) -> list[tuple[str, str]]:
    return [(str(v), str(label)) for v, label in choices]


class ConcernForm(forms.Form):
    occurred_at = forms.DateTimeField(
        label="When did it happen?",
        help_text="Date and time, for example 20/11/2026 15:10",
        input_formats=["%d/%m/%Y %H:%M", "%d/%m/%Y", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    summary = forms.CharField(
        label="What happened?",
        help_text="One sentence of facts, in plain words: what you saw or were told.",
        max_length=500,
    )
    detail = forms.CharField(
        label="More detail",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    source = forms.ChoiceField(
        label="Where did this come from?",
        choices=_choices(Source.choices),
        widget=forms.RadioSelect,
    )
    indicators = forms.MultipleChoiceField(
        label="Which wellbeing indicators does it touch?",
        help_text="Select all that apply.",
        choices=_choices(Indicator.choices),
        widget=forms.CheckboxSelectMultiple,
    )
    impact = forms.ChoiceField(
        label="Impact on the child",
        help_text="A chronology shows strengths as well as concerns.",
        choices=_choices(Impact.choices),
        widget=forms.RadioSelect,
    )
    significance = forms.ChoiceField(
        choices=_choices(Significance.choices), widget=forms.RadioSelect
    )
    action_taken = forms.CharField(
        label="What was done, or why nothing was done",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    restricted = forms.BooleanField(
        label="Restricted: only a senior of my agency may release it",
        required=False,
    )
    withheld_from_family = forms.BooleanField(label="Withhold from the family", required=False)
    withheld_reason = forms.CharField(
        label="Why must the family not be shown it?",
        help_text="For example, telling the family would put the child at risk.",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicators"].choice_hints = dict(INDICATOR_MEANINGS)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("withheld_from_family") and not (data.get("withheld_reason") or "").strip():
            self.add_error("withheld_reason", "Say why the family must not be shown it.")
        return data


class ChildForm(forms.Form):
    """A child's core record (DOMAIN §2). Only the names and the date of birth are needed;
    the rest is asked for when it is known."""

    given_name = forms.CharField(max_length=100)
    family_name = forms.CharField(max_length=100)
    date_of_birth = UkDateField(help_text="For example, 14/03/2017")
    chi_number = forms.CharField(
        label="CHI number", max_length=12, required=False, help_text="10 digits"
    )
    sex = forms.ChoiceField(choices=[("", "Not recorded"), *_choices(Sex.choices)], required=False)
    ethnicity = forms.CharField(max_length=200, required=False)
    religion = forms.CharField(max_length=200, required=False)
    languages = forms.CharField(
        max_length=500, required=False, help_text="Separate languages with commas"
    )
    address = forms.CharField(
        max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    postcode = forms.CharField(max_length=10, required=False)

    def clean_languages(self) -> list[str]:
        languages = [s.strip() for s in self.cleaned_data["languages"].split(",") if s.strip()]
        if len(languages) > 10:
            raise forms.ValidationError("Give at most 10 languages.")
        if any(len(s) > 200 for s in languages):
            raise forms.ValidationError("Each language must be 200 characters or fewer.")
        return languages


class PersonForm(forms.Form):
    """Someone around the child, and how they relate: legal ties and practical care are
    asked for separately, as a family friend may care without parental responsibility."""

    given_name = forms.CharField(max_length=100)
    family_name = forms.CharField(max_length=100)
    date_of_birth = UkDateField(required=False, help_text="For example, 02/08/1997")
    relationship = forms.ChoiceField(
        label="Relationship to the child",
        choices=[("", "Choose one"), *_choices(Relationship.choices)],
    )
    parental_responsibility = forms.BooleanField(
        label="Has parental responsibility for the child", required=False
    )
    lives_with = forms.BooleanField(label="Lives with the child", required=False)
    stays_overnight = forms.BooleanField(
        label="Stays overnight where the child lives", required=False
    )
    caring_role = forms.CharField(
        label="What do they do for the child?",
        help_text="For example, collects the children from school and babysits at weekends.",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PersonChangeForm(forms.Form):
    """How a person relates to the child, changed with the reason; what it was is kept."""

    relationship = PersonForm.base_fields["relationship"]
    parental_responsibility = PersonForm.base_fields["parental_responsibility"]
    lives_with = PersonForm.base_fields["lives_with"]
    stays_overnight = PersonForm.base_fields["stays_overnight"]
    caring_role = PersonForm.base_fields["caring_role"]
    reason = forms.CharField(
        label="Why has this changed?",
        help_text="For example, what the family told you and when. What it was is kept.",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AssignForm(forms.Form):
    practitioner = forms.ChoiceField(label="Practitioner")

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "practitioner", [("", "Choose one"), *choices])


class OfferForm(forms.Form):
    """The family's answer to the offer of a Named Person (DOMAIN §2)."""

    decision = forms.ChoiceField(
        label="What did the family say to the offer of a Named Person?",
        choices=[("accepted", "Accepted"), ("declined", "Declined")],
        widget=forms.RadioSelect,
    )
    given_by = forms.ChoiceField(
        label="Who answered?",
        help_text=(
            "A person with parental responsibility, or the child where 12 or over. A family "
            "friend cannot answer for the child."
        ),
    )
    decided_on = UkDateField(
        label="When did they answer?",
        required=False,
        help_text="For example, 03/03/2026. Today if left empty.",
    )
    note = forms.CharField(
        label="Anything they said about it",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, people: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "given_by", [("", "Choose one"), *people])


class TeamForm(forms.Form):
    practitioner = forms.ChoiceField(
        label="Who joins the team?",
        help_text="A practitioner of any agency. They see what their own agency holds about "
        "the child and what is shared with it, nothing more.",
    )
    reason = forms.CharField(
        label="Why do they join?",
        help_text="For example, what they will do with or for the child.",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "practitioner", [("", "Choose one"), *choices])
