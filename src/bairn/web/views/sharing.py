"""Pages of sharing (DOMAIN §4.4–4.8; API.md "Sharing"; issue 5).

- /sharing: the agency's share requests (received, waiting and decided; sent) and its
  register of Information Sharing Protocols.
- /sharing/isps/…: an ISP with its parties, approval, suspension and resumption; drafting
  one (information governance).
- /children/<id>/sharing: share information about a child — with the decision engine's
  explanation shown before the button is pressed (live, through htmx, and rendered by the
  server so that it works without JavaScript) — ask another agency, consent and views,
  and the disclosures made or received.
- /sharing/requests/<id>: a share request, and the holder's decision.

Every write goes through bairn.sharing.services; every explanation is services.check, the
same engine (`decide_share`) that refuses a disclosure. The explanation's query string
carries agency ids, codes, entry ids and the id of a practitioner asked to authorise —
never a person's name or any free text.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.db.models import TextChoices
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import dateformat, timezone
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_POST

from bairn.access.policy import (
    Action,
    Decision,
    Forbidden,
    NotVisible,
    authorize,
    involved_children,
    involvement_bases,
)
from bairn.agencies.models import Agency, Practitioner
from bairn.chronology import queries as chronology
from bairn.chronology.models import Concern
from bairn.errors import Conflict, Invalid
from bairn.people import services as people
from bairn.people.models import Child, ChildRelationship
from bairn.reference import (
    Category,
    LawfulBasis,
    Purpose,
    Role,
    Significance,
    SpecialCategoryCondition,
)
from bairn.sharing import queries, services
from bairn.sharing.models import Consent, Disclosure, Isp, ShareRequest
from bairn.web import drafts
from bairn.web.forms import set_choices, show_errors
from bairn.web.pages import page, signed_in
from bairn.web.stepup import step_up

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d %m %Y", "%d-%m-%Y"]

STATUS_COLOURS: dict[str, str] = {
    Isp.Status.DRAFT: "grey",
    Isp.Status.ACTIVE: "green",
    Isp.Status.SUSPENDED: "orange",
    Isp.Status.EXPIRED: "red",
}
REQUEST_COLOURS: dict[str, str] = {
    ShareRequest.Status.PENDING: "yellow",
    ShareRequest.Status.SHARED: "green",
    ShareRequest.Status.DECLINED: "grey",
}
URGENCY_COLOURS: dict[str, str] = {
    ShareRequest.Urgency.ROUTINE: "grey",
    ShareRequest.Urgency.URGENT: "orange",
    ShareRequest.Urgency.IMMEDIATE: "red",
}
FAMILY_COLOURS: dict[str, str] = {
    Disclosure.FamilyInformed.NOT_NEEDED: "grey",
    Disclosure.FamilyInformed.TO_INFORM: "orange",
    Disclosure.FamilyInformed.INFORMED: "green",
    Disclosure.FamilyInformed.NOT_INFORMED: "purple",
}
CONSENT_STATES = {
    "given": ("Given, in force", "green"),
    "refused": ("Refused", "red"),
    "withdrawn": ("Withdrawn", "grey"),
    "expired": ("Expired", "grey"),
}

# The fields whose change asks for the explanation again (hx-trigger): not the free text,
# so that typing a reason neither sends requests nor adds audited checks.
EXPLAINS = {"class": "bairn-explains"}
# The explanation's query string: nothing else is sent (hx-params) or read.
EXPLAIN_PARAMS = ("recipient", "purpose", "categories", "entries", "authorised_by", "decision")


# --- small helpers ------------------------------------------------------------------------


def _choices(choices: Iterable[tuple[Any, Any]]) -> list[tuple[str, str]]:
    return [(str(value), str(label)) for value, label in choices]


def _label(enum: type[TextChoices], code: str) -> str:
    try:
        return str(enum(code).label)
    except ValueError:
        return code


def _labels(enum: type[TextChoices], codes: Iterable[str]) -> str:
    return ", ".join(_label(enum, c) for c in codes)


def _query(data: Mapping[str, list[str]]) -> QueryDict:
    found = QueryDict(mutable=True)
    for key, values in data.items():
        found.setlist(key, list(values))
    return found


def _initial(data: QueryDict, prefix: str, multi: set[str]) -> dict[str, Any]:
    """A form's initial values from what was sent (a draft or a POST), by field name."""
    start = f"{prefix}-" if prefix else ""
    initial: dict[str, Any] = {}
    for key in data:
        if not key.startswith(start) or key == "csrfmiddlewaretoken":
            continue
        name = key[len(start) :]
        initial[name] = data.getlist(key) if name in multi else data.get(key, "")
    return initial


def _day(value: dt.date | dt.datetime) -> str:
    """A date as the templates show it (`j F Y`), in local time."""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value)
    return dateformat.format(value, "j F Y")


def _when(value: dt.datetime) -> str:
    return dateformat.format(timezone.localtime(value), "j F Y, H:i")


def _entry_label(entry: Concern) -> str:
    return f"{_day(entry.occurred_at)} — {entry.summary}"


def _entry_hint(entry: Concern) -> str:
    hint = f"Significance: {_label(Significance, entry.significance).lower()}."
    if entry.restricted:
        hint += " Restricted: only a senior of your agency may release it."
    if entry.withheld_from_family:
        hint += " Withheld from the family."
    return hint


def _agency_choices(agencies: Iterable[Agency], blank: str | None = None) -> list[tuple[str, str]]:
    found = [(str(a.pk), a.name) for a in agencies]
    return [("", blank), *found] if blank is not None else found


def _other_agencies(me: Practitioner) -> list[Agency]:
    others = Agency.objects.order_by("name")
    return list(others.exclude(pk=me.agency_id) if me.agency_id else others)


def _own_entries(me: Practitioner, child_id: uuid.UUID) -> list[Concern]:
    """The current entries of the user's own agency about the child that they may see:
    what a disclosure by their agency may release."""
    return [
        s.entry for s in chronology.chronology(me, child_id) if s.entry.agency_id == me.agency_id
    ]


def _seniors(me: Practitioner) -> list[Practitioner]:
    return list(
        Practitioner.objects.filter(agency=me.agency_id, groups__name=Role.SENIOR, is_active=True)
        .exclude(pk=me.pk)
        .order_by("full_name")
    )


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


# --- the explanation (DOMAIN §4.6) ---------------------------------------------------------


class ExplainForm(forms.Form):
    """What the explanation is asked about: ids and codes only."""

    recipient = forms.UUIDField()
    purpose = forms.ChoiceField(choices=_choices(Purpose.choices))
    categories = forms.MultipleChoiceField(choices=_choices(Category.choices))
    entries = UUIDList(required=False)
    authorised_by = forms.UUIDField(required=False)
    # On a share request's page: share everything asked for, or only the entries chosen.
    decision = forms.CharField(required=False, max_length=20)


@dataclass(frozen=True)
class Explanation:
    allowed: bool
    reasons: Sequence[str]
    releases: Sequence[Concern] = field(default=())
    child_protection: bool = False


PROMPT = (
    "Choose the agency, the purpose and at least one category of information: Bairn then "
    "tells you here whether the rules allow the share, and why, before you share anything."
)


def _explain(me: Practitioner, child_id: uuid.UUID, data: QueryDict) -> Explanation | None:
    """services.check for what the form says so far; None while it says too little."""
    sent = QueryDict(mutable=True)
    for name in EXPLAIN_PARAMS:
        if name in data:
            sent.setlist(name, data.getlist(name))
    form = ExplainForm(sent)
    if not form.is_valid():
        return None
    chosen = form.cleaned_data
    entries = chosen["entries"] or None
    if chosen["decision"] in ("share_all", "decline"):
        entries = None
    try:
        decision = services.check(
            me,
            child_id,
            recipient_agency_id=chosen["recipient"],
            purpose=chosen["purpose"],
            categories=chosen["categories"],
            entry_ids=entries,
            authorised_by_id=chosen["authorised_by"],
        )
    except Invalid as error:
        return Explanation(False, tuple(error.errors.values()))
    return Explanation(
        decision.allowed,
        decision.reasons,
        releases=decision.entries if decision.allowed else (),
        child_protection=decision.child_protection_override,
    )


@require_GET
@page(Action.SHARING_CHECK)
def explain(request: HttpRequest, child_id: uuid.UUID) -> HttpResponse:
    """The explanation alone, for htmx to put on the page as the form changes."""
    me = signed_in(request)
    # The policy answers first: a child the user is not involved with is not found.
    authorize(me, Action.SHARING_CHECK, child_id=child_id, object=f"child:{child_id}")
    return render(
        request,
        "web/sharing/_explanation.html",
        {"explanation": _explain(me, child_id, request.GET), "prompt": PROMPT},
    )


# --- forms of the child's sharing page --------------------------------------------------------


class ShareForm(forms.Form):
    recipient = forms.ChoiceField(
        label="Which agency do you want to share with?", widget=forms.Select(attrs=EXPLAINS)
    )
    purpose = forms.ChoiceField(
        label="What is the share for?",
        choices=_choices(Purpose.choices),
        widget=forms.RadioSelect(attrs=EXPLAINS),
    )
    categories = forms.MultipleChoiceField(
        label="What information?",
        help_text="Select all that apply, and no more than the purpose needs.",
        choices=_choices(Category.choices),
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
    authorised_by = forms.ChoiceField(
        label="Authorised by",
        help_text=(
            "Sharing for child protection without the family's agreement needs a senior of "
            "your agency to authorise it, as does releasing a restricted entry."
        ),
        required=False,
        widget=forms.Select(attrs=EXPLAINS),
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
        set_choices(self, "recipient", _agency_choices(place.agencies, "Choose an agency"))
        set_choices(self, "entries", [(str(e.pk), _entry_label(e)) for e in place.entries])
        self.fields["entries"].choice_hints = {str(e.pk): _entry_hint(e) for e in place.entries}  # type: ignore[attr-defined]
        if place.senior:
            del self.fields["authorised_by"]
        else:
            set_choices(
                self,
                "authorised_by",
                [("", "No one yet"), *((str(p.pk), p.display_name) for p in place.seniors)],
            )


SHARE_MULTI = {"categories", "entries"}
SHARE_NAMES = {"recipient_agency_id": "recipient", "entry_ids": "entries"}


class AskForm(forms.Form):
    holder = forms.ChoiceField(label="Which agency do you want to ask?")
    purpose = forms.ChoiceField(
        label="What is it for?", choices=_choices(Purpose.choices), widget=forms.RadioSelect
    )
    categories = forms.MultipleChoiceField(
        label="What information do you need?",
        help_text="Select all that apply, and no more than you need.",
        choices=_choices(Category.choices),
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
        choices=_choices(ShareRequest.Urgency.choices),
        initial=ShareRequest.Urgency.ROUTINE,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, place: ChildPlace, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "ask")
        super().__init__(*args, **kwargs)
        set_choices(self, "holder", _agency_choices(place.agencies, "Choose an agency"))


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
        choices=_choices(Consent.Decision.choices),
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
        choices=_choices(Purpose.choices),
        widget=forms.CheckboxSelectMultiple,
    )
    recipients = forms.MultipleChoiceField(
        label="Sharing with which agencies?", widget=forms.CheckboxSelectMultiple
    )
    categories = forms.MultipleChoiceField(
        label="Which information?",
        choices=_choices(Category.choices),
        widget=forms.CheckboxSelectMultiple,
    )
    expires_on = forms.DateField(
        label="Until when?",
        help_text="For example, 31/07/2027. Leave it empty for no end date.",
        required=False,
        input_formats=DATE_FORMATS,
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
        set_choices(self, "recipients", _agency_choices(place.agencies))


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


def _place(me: Practitioner, child_id: uuid.UUID) -> ChildPlace:
    # The child's record first: anyone not involved gets "not found" before anything else.
    record = people.get_child(me, child_id)
    return ChildPlace(
        record=record,
        household=people.list_people(me, child_id),
        entries=_own_entries(me, child_id),
        agencies=_other_agencies(me),
        seniors=_seniors(me),
        senior=me.has_role(Role.SENIOR),
    )


def _consent_rows(found: list[Consent], names: dict[uuid.UUID, str]) -> list[dict[str, Any]]:
    rows = []
    for c in found:
        who = "The child" if c.person_ref is None else names.get(c.person_ref, "A person")
        state, colour = CONSENT_STATES.get(c.state(), (c.state(), "grey"))
        facts = [
            {"key": "Given or refused by", "value": f"{who} — {c.get_capacity_display()}"},
            {
                "key": "Recorded",
                "value": f"{_day(c.recorded_at)} by {c.recorded_by.display_name}",
            },
            {"key": "Purposes", "value": _labels(Purpose, c.purposes)},
            {"key": "Recipients", "value": ", ".join(a.name for a in c.recipients.all())},
            {"key": "Information", "value": _labels(Category, c.categories)},
            {
                "key": "Until",
                "value": _day(c.expires_on) if c.expires_on else "No end date",
            },
        ]
        if c.capacity_reason:
            facts.append({"key": "Why the child understands", "value": c.capacity_reason})
        if c.views:
            facts.append({"key": "Their views", "value": c.views})
        if c.withdrawn_at:
            withdrawn = _day(c.withdrawn_at)
            if c.withdrawn_by:
                withdrawn += f" by {c.withdrawn_by.display_name}"
            if c.withdrawal_reason:
                withdrawn += f": {c.withdrawal_reason}"
            facts.append({"key": "Withdrawn", "value": withdrawn})
        rows.append(
            {
                "consent": c,
                "who": who,
                "decision": c.get_decision_display(),
                "state": state,
                "colour": colour,
                "facts": facts,
                "can_withdraw": c.state() == Consent.Decision.GIVEN,
            }
        )
    return rows


def _render_child(
    request: HttpRequest,
    me: Practitioner,
    place: ChildPlace,
    *,
    share: ShareForm | None = None,
    ask: AskForm | None = None,
    consent: ConsentForm | None = None,
    views: ViewsForm | None = None,
    explanation: Explanation | None = None,
    refused: bool = False,
    restored: bool = False,
) -> HttpResponse:
    child_id = place.record.pk
    consents, recorded_views = queries.consents(me, child_id)
    refs = {c.person_ref for c in consents if c.person_ref} | {
        v.person_ref for v in recorded_views if v.person_ref
    }
    names = queries.person_names(refs)
    disclosures = queries.disclosures(me, child_id)
    asked = [r for r in queries.share_requests(me) if r.child_ref == child_id]
    return render(
        request,
        "web/sharing/child.html",
        {
            "record": place.record,
            "share_form": share or ShareForm(place=place),
            "ask_form": ask or AskForm(place=place),
            "consent_form": consent or ConsentForm(place=place),
            "views_form": views or ViewsForm(place=place),
            "explanation": explanation,
            "prompt": PROMPT,
            "refused": refused,
            "restored": restored,
            "draft_key": _share_path(child_id),
            "senior": place.senior,
            "agency": me.agency,
            "has_entries": bool(place.entries),
            "consents": _consent_rows(consents, names),
            "views": [
                {
                    "view": v,
                    "whose": "The child" if v.person_ref is None else names.get(v.person_ref, ""),
                }
                for v in recorded_views
            ],
            "disclosures": [
                {
                    "disclosure": d,
                    "purpose": _label(Purpose, d.purpose),
                    "categories": _labels(Category, d.categories),
                    "basis": _label(LawfulBasis, d.lawful_basis),
                    "colour": FAMILY_COLOURS.get(d.family_informed, "grey"),
                    "can_mark": d.from_agency_id == me.agency_id
                    and d.family_informed == Disclosure.FamilyInformed.TO_INFORM,
                }
                for d in disclosures
            ],
            "requests": [_request_row(r) for r in asked],
            "explain_params": "recipient,purpose,categories,entries,authorised_by",
        },
    )


def _share_path(child_id: uuid.UUID) -> str:
    return reverse("web:child-sharing", kwargs={"child_id": child_id})


def _child_protection_share(request: HttpRequest) -> bool:
    return (
        request.method == "POST"
        and request.POST.get("purpose") == "child_protection"
        and request.POST.get("action") != "check"
    )


@page(Action.DISCLOSE)
@step_up("sharing for child protection", when=_child_protection_share)
def child_sharing(request: HttpRequest, child_id: uuid.UUID) -> HttpResponse:
    """Share information about a child (DOMAIN §4.4). The explanation is shown before the
    button is pressed; a refusal shows its reasons on the same page and keeps what was
    typed; a disclosure made returns to the child's page."""
    me = signed_in(request)
    place = _place(me, child_id)
    key = _share_path(child_id)
    if request.method != "POST":
        draft = drafts.load(me, key)
        if draft is None:
            return _render_child(request, me, place)
        sent = _query(draft)
        return _render_child(
            request,
            me,
            place,
            share=ShareForm(place=place, initial=_initial(sent, "", SHARE_MULTI)),
            explanation=_explain(me, child_id, sent),
            restored=True,
        )
    if request.POST.get("action") == "check":
        # Without JavaScript: the explanation for what is chosen, nothing shared.
        return _render_child(
            request,
            me,
            place,
            share=ShareForm(place=place, initial=_initial(request.POST, "", SHARE_MULTI)),
            explanation=_explain(me, child_id, request.POST),
        )
    form = ShareForm(request.POST, place=place)
    explanation = None
    refused = False
    if form.is_valid():
        data = form.cleaned_data
        try:
            disclosure = services.disclose(
                me,
                child_id,
                recipient_agency_id=uuid.UUID(data["recipient"]),
                purpose=data["purpose"],
                categories=data["categories"],
                justification=data["justification"],
                entry_ids=[uuid.UUID(e) for e in data["entries"]] or None,
                authorised_by_id=(
                    uuid.UUID(data["authorised_by"]) if data.get("authorised_by") else None
                ),
                family_not_informed_reason=data["family_not_informed_reason"],
            )
        except Invalid as error:
            show_errors(form, error, SHARE_NAMES)
        except Forbidden as refusal:
            refused = True
            for reason in refusal.decision.reasons:
                form.add_error(None, reason)
            explanation = Explanation(False, refusal.decision.reasons)
        else:
            drafts.forget(me, key)
            count = disclosure.entries.count()
            messages.success(
                request,
                f"Shared with {disclosure.to_agency.name}: "
                f"{_labels(Category, disclosure.categories)}"
                + (f", {count} entr{'y' if count == 1 else 'ies'}." if count else "."),
            )
            return redirect("web:child", child_id=child_id)
    if explanation is None:
        explanation = _explain(me, child_id, request.POST)
    return _render_child(request, me, place, share=form, explanation=explanation, refused=refused)


@require_POST
@page(Action.SHARE_REQUEST_CREATE)
def ask(request: HttpRequest, child_id: uuid.UUID) -> HttpResponse:
    """Ask another agency for information about the child."""
    me = signed_in(request)
    place = _place(me, child_id)
    form = AskForm(request.POST, place=place)
    if form.is_valid():
        data = form.cleaned_data
        try:
            made = services.request_share(
                me,
                child_id,
                holder_agency_id=uuid.UUID(data["holder"]),
                purpose=data["purpose"],
                necessity=data["necessity"],
                categories=data["categories"],
                urgency=data["urgency"],
            )
        except Invalid as error:
            show_errors(form, error, {"holder_agency_id": "holder"})
        else:
            messages.success(
                request,
                f"Your request is sent to {made.holder_agency.name}. Its Named Person for the "
                "child, seniors and information governance are told.",
            )
            return redirect("web:share-request", request_id=made.pk)
    return _render_child(request, me, place, ask=form)


@require_POST
@page(Action.CONSENT_RECORD)
def record_consent(request: HttpRequest, child_id: uuid.UUID) -> HttpResponse:
    """Consent given or refused, by the child or a person with parental responsibility."""
    me = signed_in(request)
    place = _place(me, child_id)
    form = ConsentForm(request.POST, place=place)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.record_consent(
                me,
                child_id,
                given_by=data["given_by"],
                decision=data["decision"],
                purposes=data["purposes"],
                recipient_agency_ids=[uuid.UUID(a) for a in data["recipients"]],
                categories=data["categories"],
                expires_on=data["expires_on"],
                views=data["views"],
                child_understands=data["child_understands"],
                capacity_reason=data["capacity_reason"],
            )
        except Invalid as error:
            show_errors(form, error, CONSENT_NAMES)
        else:
            messages.success(
                request,
                "The decision is recorded."
                if data["decision"] == Consent.Decision.GIVEN
                else "The refusal is recorded.",
            )
            return redirect(_anchor("web:child-sharing", child_id, "consent"))
    return _render_child(request, me, place, consent=form)


@require_POST
@page(Action.CONSENT_WITHDRAW)
def withdraw_consent(
    request: HttpRequest, child_id: uuid.UUID, consent_id: uuid.UUID
) -> HttpResponse:
    """Withdrawal stops future disclosures at once."""
    me = signed_in(request)
    found, _ = queries.consents(me, child_id)
    if consent_id not in {c.pk for c in found}:
        raise NotVisible(consent_id)
    reason = request.POST.get("reason", "").strip()[:5000]
    try:
        services.withdraw_consent(me, consent_id, reason=reason)
    except Conflict as conflict:
        messages.error(request, conflict.message)
    else:
        messages.success(request, "The consent is withdrawn: nothing more is shared under it.")
    return redirect(_anchor("web:child-sharing", child_id, "consent"))


@require_POST
@page(Action.VIEWS_RECORD)
def record_views(request: HttpRequest, child_id: uuid.UUID) -> HttpResponse:
    """The views of the child or family, whether or not consent is the basis."""
    me = signed_in(request)
    place = _place(me, child_id)
    form = ViewsForm(request.POST, place=place)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.record_views(
                me, child_id, whose=data["whose"], views=data["views"], about=data["about"]
            )
        except Invalid as error:
            show_errors(form, error)
        else:
            messages.success(request, "The views are recorded.")
            return redirect(_anchor("web:child-sharing", child_id, "views"))
    return _render_child(request, me, place, views=form)


@require_POST
@page(Action.DISCLOSE)
def family_informed(
    request: HttpRequest, child_id: uuid.UUID, disclosure_id: uuid.UUID
) -> HttpResponse:
    """The disclosing agency records that the family was told of a disclosure."""
    me = signed_in(request)
    if disclosure_id not in {d.pk for d in queries.disclosures(me, child_id)}:
        raise NotVisible(disclosure_id)
    services.mark_family_informed(me, disclosure_id, informed=True)
    messages.success(request, "Recorded: the family has been told of the share.")
    return redirect(_anchor("web:child-sharing", child_id, "disclosures"))


def _anchor(name: str, child_id: uuid.UUID, fragment: str) -> str:
    return f"{reverse(name, kwargs={'child_id': child_id})}#{fragment}"


# --- the agency's sharing ------------------------------------------------------------------


def _request_row(r: ShareRequest) -> dict[str, Any]:
    return {
        "request": r,
        "purpose": _label(Purpose, r.purpose),
        "categories": _labels(Category, r.categories),
        "status_colour": REQUEST_COLOURS.get(r.status, "grey"),
        "urgency_colour": URGENCY_COLOURS.get(r.urgency, "grey"),
    }


def _isp_row(me: Practitioner, isp: Isp) -> dict[str, Any]:
    status = isp.effective_status()
    parties = list(isp.parties.all())
    mine = next((p for p in parties if p.agency_id == me.agency_id), None)
    return {
        "isp": isp,
        "parties": ", ".join(p.agency.name for p in parties),
        "purposes": _labels(Purpose, isp.purposes),
        "categories": _labels(Category, isp.categories),
        "lawful_basis": _label(LawfulBasis, isp.lawful_basis),
        "status": _label(Isp.Status, status),
        "colour": STATUS_COLOURS.get(status, "grey"),
        "awaiting_us": status == Isp.Status.DRAFT and mine is not None and mine.approved_at is None,
    }


@page(Action.ISP_READ)
def index(request: HttpRequest) -> HttpResponse:
    """The agency's share requests and its register of ISPs."""
    me = signed_in(request)
    register = [_isp_row(me, i) for i in queries.isps(me)]
    found = queries.share_requests(me)
    involved = set(involved_children(me).values_list("child_ref", flat=True))
    names = {
        c.pk: f"{c.given_name} {c.family_name}"
        for c in Child.objects.filter(
            pk__in=[r.child_ref for r in found if r.child_ref in involved]
        )
    }
    received = [r for r in found if r.holder_agency_id == me.agency_id]
    return render(
        request,
        "web/sharing/index.html",
        {
            "waiting": [
                {**_request_row(r), "may_decide": services.may_decide(me, r)}
                for r in received
                if r.status == ShareRequest.Status.PENDING
            ],
            "decided": [
                _request_row(r) for r in received if r.status != ShareRequest.Status.PENDING
            ],
            "sent": [_request_row(r) for r in found if r.requesting_agency_id == me.agency_id],
            "names": names,
            "register": register,
            "governance": me.has_role(Role.INFORMATION_GOVERNANCE),
        },
    )


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
        choices=_choices(Purpose.choices),
        widget=forms.CheckboxSelectMultiple,
    )
    categories = forms.MultipleChoiceField(
        label="Which categories of information?",
        choices=_choices(Category.choices),
        widget=forms.CheckboxSelectMultiple,
    )
    lawful_basis = forms.ChoiceField(
        label="Lawful basis (UK GDPR Article 6)",
        help_text=(
            "Consent only where the family has a genuine choice, such as optional "
            "third-sector support."
        ),
        choices=_choices(LawfulBasis.choices),
        widget=forms.RadioSelect,
    )
    special_category_condition = forms.ChoiceField(
        label="Special category condition (Article 9 and DPA 2018 Schedule 1)",
        help_text="For health, ethnicity, religion and other special category information.",
        choices=[
            ("", "None: no special category information"),
            *_choices(SpecialCategoryCondition.choices),
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
    review_date = forms.DateField(
        label="Review date",
        help_text="For example, 31/03/2027. The ISP expires if it is not reviewed by then.",
        input_formats=DATE_FORMATS,
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
        set_choices(self, "parties", _agency_choices(agencies))
        for agency in agencies:
            self.fields[f"dpo_{agency.pk.hex}"] = forms.CharField(
                label="Data protection officer", required=False, max_length=200
            )
            self.fields[f"siro_{agency.pk.hex}"] = forms.CharField(
                label="Senior information risk owner", required=False, max_length=200
            )

    def holders(self) -> list[tuple[Agency, forms.BoundField, forms.BoundField]]:
        return [(a, self[f"dpo_{a.pk.hex}"], self[f"siro_{a.pk.hex}"]) for a in self.agencies]

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


@page(Action.ISP_CREATE)
def isp_new(request: HttpRequest) -> HttpResponse:
    """Information governance drafts an ISP; it is a draft until every party approves."""
    me = signed_in(request)
    authorize(me, Action.ISP_CREATE)
    agencies = list(Agency.objects.order_by("name"))
    key = request.path
    restored = False
    if request.method == "POST":
        form = IspForm(request.POST, agencies=agencies)
        if form.is_valid():
            data = form.cleaned_data
            try:
                isp = services.draft_isp(
                    me,
                    title=data["title"],
                    party_agency_ids=[uuid.UUID(a) for a in data["parties"]],
                    purposes=data["purposes"],
                    categories=data["categories"],
                    lawful_basis=data["lawful_basis"],
                    consent_required=data["consent_required"],
                    onward_sharing=data["onward_sharing"],
                    retention_days=data["retention_days"],
                    review_date=data["review_date"],
                    special_category_condition=data["special_category_condition"],
                    security_conditions=data["security_conditions"],
                    privacy_impact_assessment=data["privacy_impact_assessment"],
                    key_post_holders=form.key_post_holders(),
                )
            except Invalid as error:
                show_errors(form, error, {"party_agency_ids": "parties"})
            else:
                drafts.forget(me, key)
                messages.success(
                    request,
                    "The ISP is drafted. It is active once the information governance lead "
                    "of every party has approved it.",
                )
                return redirect("web:isp", isp_id=isp.pk)
    else:
        draft = drafts.load(me, key)
        initial: dict[str, Any] = {"parties": [str(me.agency_id)]}
        if draft is not None:
            initial = _initial(_query(draft), "", ISP_MULTI)
            restored = True
        form = IspForm(initial=initial, agencies=agencies)
    return render(
        request,
        "web/sharing/isp_new.html",
        {"form": form, "restored": restored, "draft_key": key},
    )


class StatusForm(forms.Form):
    reason = forms.CharField(
        label="Why?",
        help_text="Every party is told the reason.",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def _render_isp(
    request: HttpRequest, me: Practitioner, isp_id: uuid.UUID, status_form: StatusForm | None = None
) -> HttpResponse:
    isp = queries.isp(me, isp_id)
    row = _isp_row(me, isp)
    parties = list(isp.parties.all())
    governance = me.has_role(Role.INFORMATION_GOVERNANCE)
    mine = next((p for p in parties if p.agency_id == me.agency_id), None)
    facts = [
        {"key": "Parties", "value": row["parties"]},
        {"key": "Purposes", "value": row["purposes"]},
        {"key": "Categories of information", "value": row["categories"]},
        {"key": "Lawful basis (UK GDPR Article 6)", "value": row["lawful_basis"]},
        {
            "key": "Special category condition",
            "value": _label(SpecialCategoryCondition, isp.special_category_condition)
            if isp.special_category_condition
            else "None",
        },
        {
            "key": "The family's agreement",
            "value": "Required for each share"
            if isp.consent_required
            else "Not required: the family is told",
        },
        {
            "key": "Onward sharing",
            "value": "Allowed" if isp.onward_sharing else "Not allowed",
        },
        {"key": "Retention", "value": f"{isp.retention_days} days"},
        {"key": "Review date", "value": _day(isp.review_date)},
        {"key": "Security conditions", "value": isp.security_conditions or "None recorded"},
        {
            "key": "Drafted",
            "value": f"{_day(isp.drafted_at)} by {isp.drafted_by.display_name}",
        },
    ]
    if isp.activated_at:
        facts.append({"key": "Active since", "value": _day(isp.activated_at)})
    return render(
        request,
        "web/sharing/isp.html",
        {
            "isp": isp,
            "row": row,
            "facts": facts,
            "parties": parties,
            "can_approve": governance and row["awaiting_us"],
            "can_suspend": governance and mine is not None and isp.status == Isp.Status.ACTIVE,
            "can_resume": governance and mine is not None and isp.status == Isp.Status.SUSPENDED,
            "status_form": status_form or StatusForm(),
        },
    )


@page(Action.ISP_READ)
def isp_detail(request: HttpRequest, isp_id: uuid.UUID) -> HttpResponse:
    """An ISP with its parties, key post holders and privacy impact assessment."""
    return _render_isp(request, signed_in(request), isp_id)


@require_POST
@page(Action.ISP_APPROVE)
def isp_approve(request: HttpRequest, isp_id: uuid.UUID) -> HttpResponse:
    me = signed_in(request)
    try:
        isp = services.approve_isp(me, isp_id)
    except Conflict as conflict:
        messages.error(request, conflict.message)
    else:
        if isp.status == Isp.Status.ACTIVE:
            messages.success(request, "Approved. Every party has approved: the ISP is active.")
        else:
            waiting = [p.agency.name for p in isp.parties.all() if p.approved_at is None]
            messages.success(request, f"Approved. Waiting for {', '.join(waiting)}.")
    return redirect("web:isp", isp_id=isp_id)


@require_POST
@page(Action.ISP_SUSPEND)
def isp_status(request: HttpRequest, isp_id: uuid.UUID) -> HttpResponse:
    """Suspend an ISP (sharing under it stops at once) or resume it, with the reason."""
    me = signed_in(request)
    form = StatusForm(request.POST)
    suspend = request.POST.get("change") == "suspend"
    if form.is_valid():
        try:
            isp = services.set_isp_status(
                me, isp_id, suspend=suspend, reason=form.cleaned_data["reason"]
            )
        except Invalid as error:
            show_errors(form, error)
        except Conflict as conflict:
            form.add_error(None, conflict.message)
        else:
            messages.success(
                request,
                "The ISP is suspended: nothing more is shared under it."
                if isp.status == Isp.Status.SUSPENDED
                else "The ISP is active again.",
            )
            return redirect("web:isp", isp_id=isp_id)
    return _render_isp(request, me, isp_id, status_form=form)


# --- a share request ------------------------------------------------------------------------


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
        set_choices(self, "entries", [(str(e.pk), _entry_label(e)) for e in entries])
        self.fields["entries"].choice_hints = {str(e.pk): _entry_hint(e) for e in entries}  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "share_chosen" and not data.get("entries"):
            # Without this, no entries would mean every entry (services.disclose).
            self.add_error("entries", "Choose the entries to share, or share everything asked for.")
        return data


def _visible_request(me: Practitioner, request_id: uuid.UUID) -> ShareRequest:
    found = next((r for r in queries.share_requests(me) if r.pk == request_id), None)
    if found is None:
        raise NotVisible(request_id)
    return found


@page(Action.SHARE_REQUEST_LIST)
def share_request(request: HttpRequest, request_id: uuid.UUID) -> HttpResponse:
    """A share request: what is asked and why; for the holder, the decision, with the
    explanation of the share before it is made."""
    me = signed_in(request)
    asked = _visible_request(me, request_id)
    child_id = asked.child_ref
    holder = asked.holder_agency_id == me.agency_id
    decider = services.may_decide(me, asked)
    pending = asked.status == ShareRequest.Status.PENDING
    entries = _own_entries(me, child_id) if decider and pending else []
    form = DecisionForm(entries=entries)
    explanation = None
    refused = False
    if request.method == "POST":
        if not holder:
            raise Forbidden(Decision.forbid(f"only {asked.holder_agency.name}, asked, decides"))
        form = DecisionForm(request.POST, entries=entries)
        # Someone who may not decide, or a request already decided: the service says why.
        if form.is_valid() or not (decider and pending):
            data = form.cleaned_data
            choice = data.get("decision", "")
            try:
                decided = services.decide_request(
                    me,
                    request_id,
                    decision="decline" if choice == "decline" else "share",
                    reason=data.get("reason", ""),
                    entry_ids=(
                        [uuid.UUID(e) for e in data.get("entries", [])]
                        if choice == "share_chosen"
                        else None
                    ),
                    family_not_informed_reason=data.get("family_not_informed_reason", ""),
                )
            except Invalid as error:
                show_errors(form, error, {"entry_ids": "entries"})
            except Conflict as conflict:
                messages.error(request, conflict.message)
                return redirect("web:share-request", request_id=request_id)
            except Forbidden as refusal:
                if not decider:
                    raise
                refused = True
                for reason in refusal.decision.reasons:
                    form.add_error(None, reason)
                explanation = Explanation(False, refusal.decision.reasons)
            else:
                if decided.status == ShareRequest.Status.SHARED:
                    messages.success(request, f"Shared with {decided.requesting_agency.name}.")
                else:
                    messages.success(
                        request, f"Declined. {decided.requesting_agency.name} is told why."
                    )
                return redirect("web:share-request", request_id=request_id)
    if decider and pending and explanation is None:
        sent = QueryDict(mutable=True)
        sent.update(
            {
                "recipient": str(asked.requesting_agency_id),
                "purpose": asked.purpose,
                "decision": request.POST.get("decision", "") if request.method == "POST" else "",
            }
        )
        sent.setlist("categories", list(asked.categories))
        if request.method == "POST":
            sent.setlist("entries", request.POST.getlist("entries"))
        explanation = _explain(me, child_id, sent)
    # The child's name only for someone who still works with the child.
    record = people.get_child(me, child_id) if involvement_bases(me, child_id) else None
    return render(
        request,
        "web/sharing/request.html",
        {
            "row": _request_row(asked),
            "asked": asked,
            "heading": f"{asked.requesting_agency.name} asks {asked.holder_agency.name}",
            "facts": _request_facts(asked, record),
            "child_id": child_id,
            "decider": decider and pending,
            "holder": holder,
            "form": form,
            "explanation": explanation,
            "prompt": PROMPT,
            "refused": refused,
            "explain_params": "recipient,purpose,categories,entries,decision",
        },
    )


def _request_facts(asked: ShareRequest, record: Child | None) -> list[dict[str, Any]]:
    about: dict[str, Any] = {"key": "About", "value": "A child"}
    if record is not None:
        url = reverse("web:child", kwargs={"child_id": record.pk})
        about["html"] = format_html(
            '<a href="{}">{} {}</a>', url, record.given_name, record.family_name
        )
    facts = [
        {
            "key": "Asked by",
            "value": f"{asked.requested_by.display_name}, {asked.requesting_agency.name}",
        },
        about,
        {"key": "Asked of", "value": asked.holder_agency.name},
        {"key": "Purpose", "value": _label(Purpose, asked.purpose)},
        {"key": "Why it is necessary", "value": asked.necessity},
        {"key": "Information asked for", "value": _labels(Category, asked.categories)},
        {"key": "Urgency", "value": asked.get_urgency_display()},
        {"key": "Asked", "value": _when(asked.created_at)},
        {"key": "Status", "value": asked.get_status_display()},
    ]
    if asked.decided_at is not None:
        who = asked.decided_by.display_name if asked.decided_by else ""
        facts.append({"key": "Decided", "value": f"{_when(asked.decided_at)} by {who}"})
        facts.append({"key": "Reason for the decision", "value": asked.decision_reason})
    if asked.disclosure_id is not None and record is not None:
        url = reverse("web:child-sharing", kwargs={"child_id": record.pk})
        facts.append(
            {
                "key": "Shared",
                "html": format_html('<a href="{}#disclosures">See the disclosure</a>', url),
            }
        )
    return facts


urlpatterns = [
    path("sharing", index, name="sharing"),
    path("sharing/isps/new", isp_new, name="isp-new"),
    path("sharing/isps/<uuid:isp_id>", isp_detail, name="isp"),
    path("sharing/isps/<uuid:isp_id>/approve", isp_approve, name="isp-approve"),
    path("sharing/isps/<uuid:isp_id>/status", isp_status, name="isp-status"),
    path("sharing/requests/<uuid:request_id>", share_request, name="share-request"),
    path("children/<uuid:child_id>/sharing", child_sharing, name="child-sharing"),
    path("children/<uuid:child_id>/sharing/explain", explain, name="sharing-explain"),
    path("children/<uuid:child_id>/sharing/ask", ask, name="child-share-ask"),
    path("children/<uuid:child_id>/consents", record_consent, name="child-consent"),
    path(
        "children/<uuid:child_id>/consents/<uuid:consent_id>/withdraw",
        withdraw_consent,
        name="consent-withdraw",
    ),
    path("children/<uuid:child_id>/views", record_views, name="child-views"),
    path(
        "children/<uuid:child_id>/disclosures/<uuid:disclosure_id>/family-informed",
        family_informed,
        name="family-informed",
    ),
]
