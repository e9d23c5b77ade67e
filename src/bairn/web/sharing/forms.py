"""The forms of the sharing pages (DOMAIN §4.4–4.8): sharing about a child and the
explanation asked of it, asking another agency, consent and views, an ISP, a share
request's decision and a senior's authorisation; and how their choices are labelled."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import TextChoices
from django.http import QueryDict
from django.utils import dateformat, timezone

from bairn.agencies.models import Agency, Practitioner
from bairn.chronology.models import Concern
from bairn.people.models import Child, ChildRelationship
from bairn.reference import (
    Category,
    LawfulBasis,
    Purpose,
    Significance,
    SpecialCategoryCondition,
)
from bairn.sharing.models import Consent, ShareRequest
from bairn.web.forms import UkDateField, set_choices

# How a share that needs a senior's authorisation is made (DOMAIN §4.4).
ASK = "ask"
URGENT = "urgent"

# The fields whose change asks for the explanation again (hx-trigger): not the free text,
# so that typing a reason neither sends requests nor adds audited checks.
EXPLAINS = {"class": "bairn-explains"}
# The explanation's query string: nothing else is sent (hx-params) or read.
EXPLAIN_PARAMS = (
    "recipient",
    "purpose",
    "categories",
    "entries",
    "authorisation",
    "authorised_by",
    "decision",
)

# --- small helpers ------------------------------------------------------------------------


def choices(choices: Iterable[tuple[Any, Any]]) -> list[tuple[str, str]]:
    return [(str(value), str(label)) for value, label in choices]


def label(enum: type[TextChoices], code: str) -> str:
    try:
        return str(enum(code).label)
    except ValueError:
        return code


def labels(enum: type[TextChoices], codes: Iterable[str]) -> str:
    return ", ".join(label(enum, c) for c in codes)


def query_dict(data: Mapping[str, list[str]]) -> QueryDict:
    found = QueryDict(mutable=True)
    for key, values in data.items():
        found.setlist(key, list(values))
    return found


def initial_from(data: QueryDict, prefix: str, multi: set[str]) -> dict[str, Any]:
    """A form's initial values from what was sent (a draft or a POST), by field name."""
    start = f"{prefix}-" if prefix else ""
    initial: dict[str, Any] = {}
    for key in data:
        if not key.startswith(start) or key == "csrfmiddlewaretoken":
            continue
        name = key[len(start) :]
        initial[name] = data.getlist(key) if name in multi else data.get(key, "")
    return initial


def day(value: dt.date | dt.datetime) -> str:
    """A date as the templates show it (`j F Y`), in local time."""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value)
    return dateformat.format(value, "j F Y")


def when(value: dt.datetime) -> str:
    return dateformat.format(timezone.localtime(value), "j F Y, H:i")


def entry_label(entry: Concern) -> str:
    return f"{day(entry.occurred_at)} — {entry.summary}"


def entry_hint(entry: Concern) -> str:
    hint = f"Significance: {label(Significance, entry.significance).lower()}."
    if entry.restricted:
        hint += " Restricted: only a senior of your agency may release it."
    if entry.withheld_from_family:
        hint += " Withheld from the family."
    return hint


def agency_choices(agencies: Iterable[Agency], blank: str | None = None) -> list[tuple[str, str]]:
    found = [(str(a.pk), a.name) for a in agencies]
    return [("", blank), *found] if blank is not None else found


class UUIDList(forms.Field):
    """Repeated ids in a query string (`entries=…&entries=…`)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[uuid.UUID]:
        if not value:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        try:
            return [uuid.UUID(str(v)) for v in values if str(v).strip()]
        except ValueError:
            raise forms.ValidationError("This is not an entry id.") from None


class ExplainForm(forms.Form):
    """What the explanation is asked about: ids and codes only."""

    recipient = forms.UUIDField()
    purpose = forms.ChoiceField(choices=choices(Purpose.choices))
    categories = forms.MultipleChoiceField(choices=choices(Category.choices))
    entries = UUIDList(required=False)
    # Ask a senior (`ask`, with `authorised_by`) or share urgently without (`urgent`).
    authorisation = forms.CharField(required=False, max_length=20)
    authorised_by = forms.UUIDField(required=False)
    # On a share request's page: share everything asked for, or only the entries chosen.
    decision = forms.CharField(required=False, max_length=20)


# --- forms of the child's sharing page --------------------------------------------------------


class ShareForm(forms.Form):
    recipient = forms.ChoiceField(
        label="Which agency do you want to share with?", widget=forms.Select(attrs=EXPLAINS)
    )
    purpose = forms.ChoiceField(
        label="What is the share for?",
        choices=choices(Purpose.choices),
        widget=forms.RadioSelect(attrs=EXPLAINS),
    )
    categories = forms.MultipleChoiceField(
        label="What information?",
        help_text="Select all that apply, and no more than the purpose needs.",
        choices=choices(Category.choices),
        widget=forms.CheckboxSelectMultiple(attrs=EXPLAINS),
    )
    entries = forms.MultipleChoiceField(
        label="Which of your agency's chronology entries?",
        help_text=(
            "Tick none to share every current entry of your agency that you may see. "
            "Entries are shared under the category Chronology."
        ),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs=EXPLAINS),
    )
    justification = forms.CharField(
        label="Why is sharing necessary and proportionate?",
        help_text="What the other agency needs to know, and why, for this child's wellbeing.",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    authorisation = forms.ChoiceField(
        label="Does a senior need to authorise it?",
        help_text=(
            "Sharing for child protection without the family's agreement needs a senior of "
            "your agency to authorise it, as does releasing a restricted entry. The senior "
            "you ask is told at once and decides: nothing is shared until then."
        ),
        choices=[
            ("", "No: the rules allow it without"),
            (ASK, "Ask a senior to authorise it"),
            (URGENT, "Share now, urgently, without a senior's authorisation"),
        ],
        required=False,
        widget=forms.RadioSelect(attrs=EXPLAINS),
    )
    authorised_by = forms.ChoiceField(
        label="Which senior do you ask?",
        required=False,
        widget=forms.Select(attrs=EXPLAINS),
    )
    urgent_reason = forms.CharField(
        label="Why would waiting for a senior put the child at risk?",
        help_text=(
            "Only for child protection. It is recorded as shared without a senior's "
            "authorisation, flagged for review, and your agency's seniors and information "
            "governance are told at once."
        ),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    family_not_informed_reason = forms.CharField(
        label="Do not tell the family because…",
        help_text=(
            "Only where telling the family would put the child at risk. Leave it empty and "
            "the family is to be told of the share."
        ),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, place: ChildPlace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "recipient", agency_choices(place.agencies, "Choose an agency"))
        set_choices(self, "entries", [(str(e.pk), entry_label(e)) for e in place.entries])
        self.fields["entries"].choice_hints = {str(e.pk): entry_hint(e) for e in place.entries}  # type: ignore[attr-defined]
        if place.senior:
            for name in ("authorisation", "authorised_by", "urgent_reason"):
                del self.fields[name]
        else:
            set_choices(
                self,
                "authorised_by",
                [("", "Choose a senior"), *((str(p.pk), p.display_name) for p in place.seniors)],
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        how = data.get("authorisation", "")
        if how == ASK and not data.get("authorised_by"):
            self.add_error("authorised_by", "Choose the senior you ask to authorise it.")
        if how == URGENT and not data.get("urgent_reason", "").strip():
            self.add_error("urgent_reason", "Say why waiting would put the child at risk.")
        return data

    def disclosure(self) -> dict[str, Any]:
        """What services.disclose is given, from the valid form."""
        data = self.cleaned_data
        ask = data.get("authorisation") == ASK
        return {
            "recipient_agency_id": uuid.UUID(data["recipient"]),
            "purpose": data["purpose"],
            "categories": data["categories"],
            "justification": data["justification"],
            "entry_ids": [uuid.UUID(e) for e in data["entries"]] or None,
            "authorised_by_id": (
                uuid.UUID(data["authorised_by"]) if ask and data.get("authorised_by") else None
            ),
            "family_not_informed_reason": data["family_not_informed_reason"],
            "urgent": data.get("authorisation") == URGENT,
            "urgent_reason": data.get("urgent_reason", ""),
        }


SHARE_MULTI = {"categories", "entries"}
SHARE_NAMES = {
    "recipient_agency_id": "recipient",
    "entry_ids": "entries",
    "urgent": "authorisation",
}


class AskForm(forms.Form):
    holder = forms.ChoiceField(label="Which agency do you want to ask?")
    purpose = forms.ChoiceField(
        label="What is it for?", choices=choices(Purpose.choices), widget=forms.RadioSelect
    )
    categories = forms.MultipleChoiceField(
        label="What information do you need?",
        help_text="Select all that apply, and no more than you need.",
        choices=choices(Category.choices),
        widget=forms.CheckboxSelectMultiple,
    )
    necessity = forms.CharField(
        label="Why is it necessary?",
        help_text="What you need to know, and why, for this child's wellbeing.",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    urgency = forms.ChoiceField(
        label="How urgent is it?",
        choices=choices(ShareRequest.Urgency.choices),
        initial=ShareRequest.Urgency.ROUTINE,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, place: ChildPlace, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "ask")
        super().__init__(*args, **kwargs)
        set_choices(self, "holder", agency_choices(place.agencies, "Choose an agency"))


class ConsentForm(forms.Form):
    given_by = forms.ChoiceField(
        label="Whose decision is it?",
        help_text=(
            "The child's, where aged 12 or over or judged to understand; otherwise that of a "
            "person with parental responsibility."
        ),
        widget=forms.RadioSelect,
    )
    decision = forms.ChoiceField(
        label="What did they decide?",
        choices=choices(Consent.Decision.choices),
        widget=forms.RadioSelect,
    )
    child_understands = forms.BooleanField(
        label="The child understands what is shared, why and with whom",
        help_text="Needed when a child under 12 decides for themself.",
        required=False,
    )
    capacity_reason = forms.CharField(
        label="Why do you judge that the child understands?",
        help_text="Needed when a child under 12 decides for themself.",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    purposes = forms.MultipleChoiceField(
        label="For which purposes?",
        choices=choices(Purpose.choices),
        widget=forms.CheckboxSelectMultiple,
    )
    recipients = forms.MultipleChoiceField(
        label="Sharing with which agencies?", widget=forms.CheckboxSelectMultiple
    )
    categories = forms.MultipleChoiceField(
        label="Which information?",
        choices=choices(Category.choices),
        widget=forms.CheckboxSelectMultiple,
    )
    expires_on = UkDateField(
        label="Until when?",
        help_text="For example, 31/07/2027. Leave it empty for no end date.",
        required=False,
    )
    views = forms.CharField(
        label="What did they say?",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, place: ChildPlace, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "consent")
        super().__init__(*args, **kwargs)
        set_choices(self, "given_by", place.whose_choices)
        self.fields["given_by"].choice_hints = place.whose_hints  # type: ignore[attr-defined]
        set_choices(self, "recipients", agency_choices(place.agencies))


CONSENT_NAMES = {"recipient_agency_ids": "recipients"}


class ViewsForm(forms.Form):
    whose = forms.ChoiceField(label="Whose views are they?", widget=forms.RadioSelect)
    about = forms.CharField(
        label="About what?",
        help_text="For example, the school sharing with the health visitor.",
        required=False,
        max_length=200,
    )
    views = forms.CharField(
        label="What did they say?",
        help_text="In their words, where you can.",
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, place: ChildPlace, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "views")
        super().__init__(*args, **kwargs)
        set_choices(self, "whose", place.whose_choices)


# --- the child's sharing page -------------------------------------------------------------------


@dataclass
class ChildPlace:
    """What the forms of the child's sharing page are made of."""

    record: Child
    household: list[ChildRelationship]
    entries: list[Concern]
    agencies: list[Agency]
    seniors: list[Practitioner]
    senior: bool

    @property
    def whose_choices(self) -> list[tuple[str, str]]:
        return [
            ("child", f"{self.record.given_name} (the child)"),
            *(
                (str(r.person_id), f"{r.person} ({r.get_relationship_display()})")
                for r in self.household
            ),
        ]

    @property
    def whose_hints(self) -> dict[str, str]:
        today = timezone.localdate()
        born = self.record.date_of_birth
        age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        hints = {
            "child": (
                f"Aged {age}: presumed to understand."
                if age >= settings.BAIRN_CONSENT_AGE
                else f"Aged {age}: decides only where judged to understand (say why below)."
            )
        }
        return hints | {
            str(r.person_id): (
                "Has parental responsibility."
                if r.parental_responsibility
                else "No parental responsibility."
            )
            for r in self.household
        }


# --- Information Sharing Protocols -----------------------------------------------------------


class IspForm(forms.Form):
    title = forms.CharField(
        label="Title", help_text="For example, Fife GIRFEC information sharing.", max_length=200
    )
    parties = forms.MultipleChoiceField(
        label="Which agencies are party to it?",
        help_text="Two or more, your own agency among them.",
        widget=forms.CheckboxSelectMultiple,
    )
    purposes = forms.MultipleChoiceField(
        label="For which purposes?",
        choices=choices(Purpose.choices),
        widget=forms.CheckboxSelectMultiple,
    )
    categories = forms.MultipleChoiceField(
        label="Which categories of information?",
        choices=choices(Category.choices),
        widget=forms.CheckboxSelectMultiple,
    )
    lawful_basis = forms.ChoiceField(
        label="Lawful basis (UK GDPR Article 6)",
        help_text=(
            "Consent only where the family has a genuine choice, such as optional "
            "third-sector support."
        ),
        choices=choices(LawfulBasis.choices),
        widget=forms.RadioSelect,
    )
    special_category_condition = forms.ChoiceField(
        label="Special category condition (Article 9 and DPA 2018 Schedule 1)",
        help_text="For health, ethnicity, religion and other special category information.",
        choices=[
            ("", "None: no special category information"),
            *choices(SpecialCategoryCondition.choices),
        ],
        required=False,
    )
    consent_required = forms.BooleanField(
        label="Each share needs the family's agreement", required=False
    )
    onward_sharing = forms.BooleanField(
        label="A recipient may share onward what it received under this ISP", required=False
    )
    retention_days = forms.IntegerField(
        label="How many days may a recipient keep what is shared?",
        min_value=1,
        max_value=36500,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
    )
    review_date = UkDateField(
        label="Review date",
        help_text="For example, 31/03/2027. The ISP expires if it is not reviewed by then.",
    )
    security_conditions = forms.CharField(
        label="Security conditions",
        help_text="How shared information is sent, stored and destroyed.",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    privacy_impact_assessment = forms.CharField(
        label="Privacy impact assessment",
        help_text="The risks to the people whose information is shared, and how they are reduced.",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def __init__(self, *args: Any, agencies: list[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agencies = agencies
        set_choices(self, "parties", agency_choices(agencies))
        for agency in agencies:
            self.fields[f"dpo_{agency.pk.hex}"] = forms.CharField(
                label="Data protection officer", required=False, max_length=200
            )
            self.fields[f"siro_{agency.pk.hex}"] = forms.CharField(
                label="Senior information risk owner", required=False, max_length=200
            )

    def holders(self) -> list[tuple[Agency, forms.BoundField, forms.BoundField]]:
        return [(a, self[f"dpo_{a.pk.hex}"], self[f"siro_{a.pk.hex}"]) for a in self.agencies]

    def to_draft(self) -> dict[str, Any]:
        """What services.draft_isp is given, from the valid form."""
        data = self.cleaned_data
        return {
            "title": data["title"],
            "party_agency_ids": [uuid.UUID(a) for a in data["parties"]],
            "purposes": data["purposes"],
            "categories": data["categories"],
            "lawful_basis": data["lawful_basis"],
            "consent_required": data["consent_required"],
            "onward_sharing": data["onward_sharing"],
            "retention_days": data["retention_days"],
            "review_date": data["review_date"],
            "special_category_condition": data["special_category_condition"],
            "security_conditions": data["security_conditions"],
            "privacy_impact_assessment": data["privacy_impact_assessment"],
            "key_post_holders": self.key_post_holders(),
        }

    def key_post_holders(self) -> list[dict[str, object]]:
        data = self.cleaned_data
        chosen = set(data["parties"])
        found: list[dict[str, object]] = []
        for agency in self.agencies:
            dpo = data.get(f"dpo_{agency.pk.hex}", "")
            siro = data.get(f"siro_{agency.pk.hex}", "")
            if str(agency.pk) in chosen and (dpo or siro):
                found.append(
                    {
                        "agency_id": agency.pk,
                        "data_protection_officer": dpo,
                        "senior_information_risk_owner": siro,
                    }
                )
        return found


ISP_MULTI = {"parties", "purposes", "categories"}


class StatusForm(forms.Form):
    reason = forms.CharField(
        label="Why?",
        help_text="Every party is told the reason.",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="What do you decide?",
        choices=[
            ("share_all", "Share everything asked for"),
            ("share_chosen", "Share only the entries I choose"),
            ("decline", "Decline"),
        ],
        widget=forms.RadioSelect(attrs=EXPLAINS),
    )
    entries = forms.MultipleChoiceField(
        label="Which of your agency's entries?",
        help_text="Only when you share the entries you choose.",
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs=EXPLAINS),
    )
    reason = forms.CharField(
        label="Why?",
        help_text="The reasons for not sharing are recorded too, and told to the requester.",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    family_not_informed_reason = forms.CharField(
        label="Do not tell the family because…",
        help_text="Only where telling the family would put the child at risk.",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, entries: list[Concern], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "entries", [(str(e.pk), entry_label(e)) for e in entries])
        self.fields["entries"].choice_hints = {str(e.pk): entry_hint(e) for e in entries}  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "share_chosen" and not data.get("entries"):
            # Without this, no entries would mean every entry (services.disclose).
            self.add_error("entries", "Choose the entries to share, or share everything asked for.")
        return data

    def to_decide(self) -> dict[str, Any]:
        """What services.decide_request is given: what is cleaned, even of an invalid form
        (the service then says why the user may not decide)."""
        data = self.cleaned_data
        choice = data.get("decision", "")
        return {
            "decision": "decline" if choice == "decline" else "share",
            "reason": data.get("reason", ""),
            "entry_ids": (
                [uuid.UUID(e) for e in data.get("entries", [])]
                if choice == "share_chosen"
                else None
            ),
            "family_not_informed_reason": data.get("family_not_informed_reason", ""),
        }


class AuthorisationForm(forms.Form):
    decision = forms.ChoiceField(
        label="What do you decide?",
        choices=[
            ("authorise", "Authorise it: the share is made now, recorded as authorised by you"),
            ("refuse", "Refuse it: nothing is shared"),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Why?",
        help_text="The practitioner who asked is told of your decision and its reason.",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
