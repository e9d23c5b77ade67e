"""What the sharing pages show, from what the queries read: the explanation of a share
(services.check, the engine that refuses a disclosure), and consents, disclosures, share
requests, ISPs and authorisations as rows and facts."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, QueryDict
from django.urls import reverse
from django.utils.html import format_html

from bairn.access.policy import Action, decide
from bairn.agencies.models import Practitioner
from bairn.chronology.models import Concern
from bairn.errors import Invalid
from bairn.people.models import Child
from bairn.reference import Category, LawfulBasis, Purpose, SpecialCategoryCondition
from bairn.sharing import services
from bairn.sharing.models import Authorisation, Consent, Disclosure, Isp, ShareRequest, View
from bairn.web.sharing.forms import (
    ASK,
    EXPLAIN_PARAMS,
    URGENT,
    ExplainForm,
    day,
    label,
    labels,
    when,
)

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


def explain_share(me: Practitioner, child_id: uuid.UUID, data: QueryDict) -> Explanation | None:
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
    how = chosen["authorisation"]
    try:
        decision = services.check(
            me,
            child_id,
            recipient_agency_id=chosen["recipient"],
            purpose=chosen["purpose"],
            categories=chosen["categories"],
            entry_ids=entries,
            authorised_by_id=chosen["authorised_by"] if how == ASK else None,
            urgent=how == URGENT,
        )
    except Invalid as error:
        return Explanation(False, tuple(error.errors.values()))
    return Explanation(
        decision.allowed,
        decision.reasons,
        releases=decision.entries if decision.allowed else (),
        child_protection=decision.child_protection_override,
    )


def consent_rows(found: list[Consent], names: dict[uuid.UUID, str]) -> list[dict[str, Any]]:
    rows = []
    for c in found:
        who = "The child" if c.person_ref is None else names.get(c.person_ref, "A person")
        state, colour = CONSENT_STATES.get(c.state(), (c.state(), "grey"))
        facts = [
            {"key": "Given or refused by", "value": f"{who} — {c.get_capacity_display()}"},
            {
                "key": "Recorded",
                "value": f"{day(c.recorded_at)} by {c.recorded_by.display_name}",
            },
            {"key": "Purposes", "value": labels(Purpose, c.purposes)},
            {"key": "Recipients", "value": ", ".join(a.name for a in c.recipients.all())},
            {"key": "Information", "value": labels(Category, c.categories)},
            {
                "key": "Until",
                "value": day(c.expires_on) if c.expires_on else "No end date",
            },
        ]
        if c.capacity_reason:
            facts.append({"key": "Why the child understands", "value": c.capacity_reason})
        if c.views:
            facts.append({"key": "Their views", "value": c.views})
        if c.withdrawn_at:
            withdrawn = day(c.withdrawn_at)
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


def request_row(r: ShareRequest) -> dict[str, Any]:
    return {
        "request": r,
        "purpose": label(Purpose, r.purpose),
        "categories": labels(Category, r.categories),
        "status_colour": REQUEST_COLOURS.get(r.status, "grey"),
        "urgency_colour": URGENCY_COLOURS.get(r.urgency, "grey"),
    }


def isp_row(me: Practitioner, isp: Isp) -> dict[str, Any]:
    status = isp.effective_status()
    parties = list(isp.parties.all())
    mine = next((p for p in parties if p.agency_id == me.agency_id), None)
    return {
        "isp": isp,
        "parties": ", ".join(p.agency.name for p in parties),
        "purposes": labels(Purpose, isp.purposes),
        "categories": labels(Category, isp.categories),
        "lawful_basis": label(LawfulBasis, isp.lawful_basis),
        "status": label(Isp.Status, status),
        "colour": STATUS_COLOURS.get(status, "grey"),
        "awaiting_us": status == Isp.Status.DRAFT and mine is not None and mine.approved_at is None,
    }


def may_decide(me: Practitioner, asked: ShareRequest) -> bool:
    """The policy's rule (access.rules.sharing.share_request_decider), asked without auditing."""
    return decide(me, Action.SHARE_REQUEST_DECIDE, record=asked).allowed


def request_facts(asked: ShareRequest, record: Child | None) -> list[dict[str, Any]]:
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
        {"key": "Purpose", "value": label(Purpose, asked.purpose)},
        {"key": "Why it is necessary", "value": asked.necessity},
        {"key": "Information asked for", "value": labels(Category, asked.categories)},
        {"key": "Urgency", "value": asked.get_urgency_display()},
        {"key": "Asked", "value": when(asked.created_at)},
        {"key": "Status", "value": asked.get_status_display()},
    ]
    if asked.decided_at is not None:
        who = asked.decided_by.display_name if asked.decided_by else ""
        facts.append({"key": "Decided", "value": f"{when(asked.decided_at)} by {who}"})
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


AUTHORISATION_COLOURS: dict[str, str] = {
    Authorisation.Status.PENDING: "yellow",
    Authorisation.Status.AUTHORISED: "green",
    Authorisation.Status.REFUSED: "grey",
}


def authorisation_facts(a: Authorisation, names: dict[uuid.UUID, str]) -> list[dict[str, Any]]:
    about: dict[str, Any] = {"key": "About", "value": "A child"}
    if a.child_ref in names:
        url = reverse("web:child", kwargs={"child_id": a.child_ref})
        about["html"] = format_html('<a href="{}">{}</a>', url, names[a.child_ref])
    entries = "Every current entry of your agency" if a.entry_ids is None else len(a.entry_ids)
    return [
        {"key": "Asked by", "value": f"{a.asked_by.display_name}, {when(a.created_at)}"},
        {"key": "Asked of", "value": a.senior.display_name},
        about,
        {"key": "To", "value": a.recipient.name},
        {"key": "Purpose", "value": label(Purpose, a.purpose)},
        {"key": "Information", "value": labels(Category, a.categories)},
        {"key": "Chronology entries", "value": str(entries)},
        {"key": "Why it is necessary", "value": a.justification},
    ]


def shared_message(made: Disclosure | Authorisation) -> str:
    """What the practitioner is told once a share is made, or a senior asked to authorise it."""
    if isinstance(made, Authorisation):
        return (
            f"{made.senior.display_name} is asked to authorise it, and told at once. Nothing "
            "is shared until a senior decides; you are told of the decision."
        )
    count = made.entries.count()
    return (
        f"Shared with {made.to_agency.name}: {labels(Category, made.categories)}"
        + (f", {count} entr{'y' if count == 1 else 'ies'}." if count else ".")
        + (
            " It is recorded as shared urgently without a senior's authorisation; "
            "your agency's seniors and information governance are told."
            if made.urgent
            else ""
        )
    )


def decided_message(decided: ShareRequest) -> str:
    if decided.status == ShareRequest.Status.SHARED:
        return f"Shared with {decided.requesting_agency.name}."
    return f"Declined. {decided.requesting_agency.name} is told why."


def decision_query(asked: ShareRequest, request: HttpRequest) -> QueryDict:
    """What the explanation of a share request's decision is asked about: the request's
    recipient, purpose and categories, and the decision and entries chosen so far."""
    sent = QueryDict(mutable=True)
    posted = request.method == "POST"
    sent.update(
        {
            "recipient": str(asked.requesting_agency_id),
            "purpose": asked.purpose,
            "decision": request.POST.get("decision", "") if posted else "",
        }
    )
    sent.setlist("categories", list(asked.categories))
    if posted:
        sent.setlist("entries", request.POST.getlist("entries"))
    return sent


def isp_facts(isp: Isp, row: dict[str, Any]) -> list[dict[str, Any]]:
    """An ISP's terms, as its page lists them (`row` is its isp_row)."""
    facts: list[dict[str, Any]] = [
        {"key": "Parties", "value": row["parties"]},
        {"key": "Purposes", "value": row["purposes"]},
        {"key": "Categories of information", "value": row["categories"]},
        {"key": "Lawful basis (UK GDPR Article 6)", "value": row["lawful_basis"]},
        {
            "key": "Special category condition",
            "value": label(SpecialCategoryCondition, isp.special_category_condition)
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
        {"key": "Review date", "value": day(isp.review_date)},
        {"key": "Security conditions", "value": isp.security_conditions or "None recorded"},
        {
            "key": "Drafted",
            "value": f"{day(isp.drafted_at)} by {isp.drafted_by.display_name}",
        },
    ]
    if isp.activated_at:
        facts.append({"key": "Active since", "value": day(isp.activated_at)})
    return facts


def view_rows(found: list[View], names: dict[uuid.UUID, str]) -> list[dict[str, Any]]:
    return [
        {"view": v, "whose": "The child" if v.person_ref is None else names.get(v.person_ref, "")}
        for v in found
    ]


def disclosure_rows(me: Practitioner, found: list[Disclosure]) -> list[dict[str, Any]]:
    return [
        {
            "disclosure": d,
            "purpose": label(Purpose, d.purpose),
            "categories": labels(Category, d.categories),
            "basis": label(LawfulBasis, d.lawful_basis),
            "colour": FAMILY_COLOURS.get(d.family_informed, "grey"),
            "can_mark": d.from_agency_id == me.agency_id
            and d.family_informed == Disclosure.FamilyInformed.TO_INFORM,
        }
        for d in found
    ]
