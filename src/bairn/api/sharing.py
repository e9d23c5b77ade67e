"""Sharing, transparency and review (API.md "Sharing", "Transparency and audit")."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status
from pydantic import Field

from bairn.access.declare import policy
from bairn.access.lookup import (
    AUTHORISATION,
    BODY,
    CHILD,
    CONSENT,
    DISCLOSURE,
    ISP,
    NONE,
    SHARE_REQUEST,
)
from bairn.access.policy import Action
from bairn.api import stepup
from bairn.api.main import actor
from bairn.api.schemas import (
    ERRORS,
    Day,
    Input,
    Output,
    Reason,
    ShortText,
    Text,
    parse_id,
    reject_unknown_query,
)
from bairn.api.stepup import StepUpIn, require_fresh_otp
from bairn.audit.log import Logged
from bairn.reference import Category, LawfulBasis, Purpose, SpecialCategoryCondition
from bairn.sharing import queries, services
from bairn.sharing.engine import ShareDecision
from bairn.sharing.models import Authorisation, Consent, Disclosure, Isp, ShareRequest, View

router = Router()

Purposes = list[Purpose]
Categories = list[Category]


# --- ISPs ----------------------------------------------------------------------------


class KeyPostHolders(Input):
    agency_id: uuid.UUID
    data_protection_officer: ShortText = ""
    senior_information_risk_owner: ShortText = ""


class IspIn(Input):
    title: ShortText = Field(min_length=1)
    party_agency_ids: list[uuid.UUID] = Field(min_length=2, max_length=20)
    purposes: Purposes = Field(min_length=1)
    categories: Categories = Field(min_length=1)
    lawful_basis: LawfulBasis
    special_category_condition: SpecialCategoryCondition | None = None
    consent_required: bool
    onward_sharing: bool
    retention_days: int = Field(ge=1, le=36500)
    review_date: Day
    security_conditions: Text = ""
    privacy_impact_assessment: Text = ""
    key_post_holders: list[KeyPostHolders] = Field(default_factory=list, max_length=20)


class PartyOut(Output):
    agency_id: uuid.UUID
    agency_name: str
    approved: bool
    approved_by: str | None
    approved_at: dt.datetime | None
    data_protection_officer: str
    senior_information_risk_owner: str


class IspOut(Output):
    id: uuid.UUID
    title: str
    status: str
    status_reason: str
    parties: list[PartyOut]
    purposes: list[str]
    categories: list[str]
    lawful_basis: str
    special_category_condition: str
    consent_required: bool
    onward_sharing: bool
    retention_days: int
    review_date: dt.date
    security_conditions: str
    privacy_impact_assessment: str
    drafted_at: dt.datetime


class StatusIn(Input):
    reason: Reason


def isp_out(isp: Isp) -> dict[str, object]:
    return {
        "id": isp.pk,
        "title": isp.title,
        "status": isp.effective_status(),
        "status_reason": isp.status_reason,
        "parties": [
            {
                "agency_id": p.agency_id,
                "agency_name": p.agency.name,
                "approved": p.approved_at is not None,
                "approved_by": p.approved_by.display_name if p.approved_by else None,
                "approved_at": p.approved_at,
                "data_protection_officer": p.data_protection_officer,
                "senior_information_risk_owner": p.senior_information_risk_owner,
            }
            for p in isp.parties.all()
        ],
        "purposes": isp.purposes,
        "categories": isp.categories,
        "lawful_basis": isp.lawful_basis,
        "special_category_condition": isp.special_category_condition,
        "consent_required": isp.consent_required,
        "onward_sharing": isp.onward_sharing,
        "retention_days": isp.retention_days,
        "review_date": isp.review_date,
        "security_conditions": isp.security_conditions,
        "privacy_impact_assessment": isp.privacy_impact_assessment,
        "drafted_at": isp.drafted_at,
    }


def _isp_detail(request: HttpRequest, isp_id: uuid.UUID) -> dict[str, object]:
    return isp_out(queries.isp(actor(request), isp_id))


@router.post("/isps", response={201: IspOut, **ERRORS})
@policy(Action.ISP_CREATE, lookup=NONE, also=(Action.ISP_READ,))
def draft_isp(request: HttpRequest, payload: IspIn) -> Status[dict[str, object]]:
    """Information governance drafts an ISP; it is `draft` until every party approves."""
    data = payload.model_dump()
    data["special_category_condition"] = data["special_category_condition"] or ""
    isp = services.draft_isp(actor(request), **data)
    return Status(201, _isp_detail(request, isp.pk))


@router.get("/isps", response={200: list[IspOut], **ERRORS})
@policy(Action.ISP_READ, lookup=NONE)
def list_isps(request: HttpRequest) -> list[dict[str, object]]:
    """The ISP register of the caller's agency."""
    return [isp_out(i) for i in queries.isps(actor(request))]


@router.get("/isps/{isp_id}", response={200: IspOut, **ERRORS})
@policy(Action.ISP_READ, lookup=ISP)
def get_isp(request: HttpRequest, isp_id: str) -> dict[str, object]:
    return _isp_detail(request, parse_id(isp_id))


@router.post("/isps/{isp_id}/approve", response={200: IspOut, **ERRORS})
@policy(Action.ISP_APPROVE, lookup=NONE, also=(Action.ISP_READ,))
def approve_isp(request: HttpRequest, isp_id: str) -> dict[str, object]:
    """A party's information governance lead approves; `active` once every party has."""
    isp = services.approve_isp(actor(request), parse_id(isp_id))
    return _isp_detail(request, isp.pk)


@router.post("/isps/{isp_id}/suspend", response={200: IspOut, **ERRORS})
@policy(Action.ISP_SUSPEND, lookup=NONE, also=(Action.ISP_READ,))
def suspend_isp(request: HttpRequest, isp_id: str, payload: StatusIn) -> dict[str, object]:
    """Sharing under a suspended ISP stops at once."""
    isp = services.set_isp_status(
        actor(request), parse_id(isp_id), suspend=True, reason=payload.reason
    )
    return _isp_detail(request, isp.pk)


@router.post("/isps/{isp_id}/resume", response={200: IspOut, **ERRORS})
@policy(Action.ISP_SUSPEND, lookup=NONE, also=(Action.ISP_READ,))
def resume_isp(request: HttpRequest, isp_id: str, payload: StatusIn) -> dict[str, object]:
    isp = services.set_isp_status(
        actor(request), parse_id(isp_id), suspend=False, reason=payload.reason
    )
    return _isp_detail(request, isp.pk)


# --- consent and views -----------------------------------------------------------------


class ConsentIn(Input):
    given_by: str = Field(min_length=1, max_length=40, description='"child" or a person id')
    decision: Literal["given", "refused"]
    purposes: Purposes = Field(min_length=1)
    recipient_agency_ids: list[uuid.UUID] = Field(min_length=1, max_length=20)
    categories: Categories = Field(min_length=1)
    expires_on: Day | None = None
    views: Text = ""
    child_understands: bool = False
    capacity_reason: Text = ""


class ConsentOut(Output):
    id: uuid.UUID
    child_id: uuid.UUID
    given_by: str
    given_by_name: str
    capacity: str
    capacity_reason: str
    decision: str
    state: str
    purposes: list[str]
    recipient_agency_ids: list[uuid.UUID]
    categories: list[str]
    views: str
    expires_on: dt.date | None
    recorded_at: dt.datetime
    withdrawn_at: dt.datetime | None


class ViewIn(Input):
    whose: str = Field(min_length=1, max_length=40, description='"child" or a person id')
    views: Text = Field(min_length=1)
    about: ShortText = ""


class ViewOut(Output):
    id: uuid.UUID
    whose: str
    whose_name: str
    about: str
    views: str
    recorded_at: dt.datetime


class ConsentsOut(Output):
    consents: list[ConsentOut]
    views: list[ViewOut]


class WithdrawIn(Input):
    reason: Text = ""


def consent_out(c: Consent, names: dict[uuid.UUID, str]) -> dict[str, object]:
    return {
        "id": c.pk,
        "child_id": c.child_ref,
        "given_by": "child" if c.person_ref is None else str(c.person_ref),
        "given_by_name": "the child" if c.person_ref is None else names.get(c.person_ref, ""),
        "capacity": c.capacity,
        "capacity_reason": c.capacity_reason,
        "decision": c.decision,
        "state": c.state(),
        "purposes": c.purposes,
        "recipient_agency_ids": [a.pk for a in c.recipients.all()],
        "categories": c.categories,
        "views": c.views,
        "expires_on": c.expires_on,
        "recorded_at": c.recorded_at,
        "withdrawn_at": c.withdrawn_at,
    }


def view_out(v: View, names: dict[uuid.UUID, str]) -> dict[str, object]:
    return {
        "id": v.pk,
        "whose": "child" if v.person_ref is None else str(v.person_ref),
        "whose_name": "the child" if v.person_ref is None else names.get(v.person_ref, ""),
        "about": v.about,
        "views": v.views,
        "recorded_at": v.recorded_at,
    }


@router.post("/children/{child_id}/consents", response={201: ConsentOut, **ERRORS})
@policy(Action.CONSENT_RECORD, lookup=CHILD)
def record_consent(
    request: HttpRequest, child_id: str, payload: ConsentIn
) -> Status[dict[str, object]]:
    """Consent given or refused, by the child (aged 12 or over, or younger and judged to
    understand: `child_understands` with `capacity_reason`) or a person with parental
    responsibility (`given_by`: their person id)."""
    consent = services.record_consent(actor(request), parse_id(child_id), **payload.model_dump())
    names = queries.person_names({consent.person_ref} if consent.person_ref else set())
    return Status(201, consent_out(consent, names))


@router.get("/children/{child_id}/consents", response={200: ConsentsOut, **ERRORS})
@policy(Action.CONSENT_READ, lookup=CHILD)
def list_consents(request: HttpRequest, child_id: str) -> dict[str, object]:
    """Consents and the views of the child and family."""
    found, views = queries.consents(actor(request), parse_id(child_id))
    refs = {c.person_ref for c in found if c.person_ref} | {
        v.person_ref for v in views if v.person_ref
    }
    names = queries.person_names(refs)
    return {
        "consents": [consent_out(c, names) for c in found],
        "views": [view_out(v, names) for v in views],
    }


@router.post("/consents/{consent_id}/withdraw", response={200: ConsentOut, **ERRORS})
@policy(Action.CONSENT_WITHDRAW, lookup=CONSENT)
def withdraw_consent(
    request: HttpRequest, consent_id: str, payload: WithdrawIn | None = None
) -> dict[str, object]:
    """Stops future disclosures at once; what was shared before is in the transparency
    report."""
    consent = services.withdraw_consent(
        actor(request), parse_id(consent_id), reason=payload.reason if payload else ""
    )
    names = queries.person_names({consent.person_ref} if consent.person_ref else set())
    return consent_out(consent, names)


@router.post("/children/{child_id}/views", response={201: ViewOut, **ERRORS})
@policy(Action.VIEWS_RECORD, lookup=CHILD)
def record_views(request: HttpRequest, child_id: str, payload: ViewIn) -> Status[dict[str, object]]:
    """The views of the child or family, whether or not consent is the basis."""
    view = services.record_views(actor(request), parse_id(child_id), **payload.model_dump())
    names = queries.person_names({view.person_ref} if view.person_ref else set())
    return Status(201, view_out(view, names))


# --- the decision, disclosures and requests ------------------------------------------------


class CheckFilter(Input):
    recipient_agency_id: uuid.UUID
    purpose: Purpose
    category: Categories = Field(min_length=1)
    entry_id: list[uuid.UUID] = Field(default_factory=list)
    authorised_by: uuid.UUID | None = None
    urgent: bool = False


class CheckOut(Output):
    allowed: bool
    reasons: list[str]
    isp_id: uuid.UUID | None
    consent_id: uuid.UUID | None
    lawful_basis: str
    child_protection: bool
    entry_ids: list[uuid.UUID]


def check_out(decision: ShareDecision) -> dict[str, object]:
    return {
        "allowed": decision.allowed,
        "reasons": list(decision.reasons),
        "isp_id": decision.isp.pk if decision.isp else None,
        "consent_id": decision.consent.pk if decision.consent else None,
        "lawful_basis": decision.lawful_basis,
        "child_protection": decision.child_protection_override,
        "entry_ids": [e.pk for e in decision.entries],
    }


@router.get("/children/{child_id}/sharing-check", response={200: CheckOut, **ERRORS})
@policy(Action.SHARING_CHECK, lookup=CHILD)
def sharing_check(
    request: HttpRequest, child_id: str, filters: Query[CheckFilter]
) -> dict[str, object]:
    """Would this share be allowed, and why — without sharing anything. `category` and
    `entry_id` may repeat. The same reasons as a refused disclosure's 403."""
    reject_unknown_query(request, CheckFilter)
    decision = services.check(
        actor(request),
        parse_id(child_id),
        recipient_agency_id=filters.recipient_agency_id,
        purpose=filters.purpose,
        categories=[c.value for c in filters.category],
        entry_ids=filters.entry_id or None,
        authorised_by_id=filters.authorised_by,
        urgent=filters.urgent,
    )
    return check_out(decision)


class DisclosureIn(StepUpIn):
    child_id: uuid.UUID
    recipient_agency_id: uuid.UUID
    purpose: Purpose
    categories: Categories = Field(min_length=1)
    entry_ids: list[uuid.UUID] | None = Field(default=None, max_length=500)
    justification: Reason
    authorised_by: uuid.UUID | None = Field(
        default=None,
        description="A senior of your agency asked to authorise: answered 202, shared only "
        "when a senior decides (POST /authorisations/{id}/decision).",
    )
    urgent: bool = Field(
        default=False,
        description="Child protection shared at once WITHOUT a senior's authorisation, "
        "because waiting would put the child at risk: flagged, the seniors and information "
        "governance told at once. Needs urgent_reason.",
    )
    urgent_reason: Text = ""
    family_not_informed_reason: Text = ""


class AwaitingOut(Output):
    authorisation_id: uuid.UUID
    status: Literal["awaiting_authorisation"]


class DisclosureOut(Output):
    id: uuid.UUID
    child_id: uuid.UUID
    from_agency_id: uuid.UUID
    from_agency: str
    to_agency_id: uuid.UUID
    to_agency: str
    purpose: str
    categories: list[str]
    lawful_basis: str
    special_category_condition: str
    isp_id: uuid.UUID | None
    consent_id: uuid.UUID | None
    justification: str
    reasons: list[str]
    made_by: str
    authorised_by: str | None
    authorised: bool
    urgent: bool
    urgent_reason: str
    made_at: dt.datetime
    expires_at: dt.datetime
    child_protection: bool
    review: str
    family_informed: str
    family_not_informed_reason: str
    entry_ids: list[uuid.UUID]


class DisclosuresOut(Output):
    disclosures: list[DisclosureOut]


class FamilyInformedIn(Input):
    informed: bool
    reason: Text = ""


def disclosure_out(d: Disclosure) -> dict[str, object]:
    return {
        "id": d.pk,
        "child_id": d.child_ref,
        "from_agency_id": d.from_agency_id,
        "from_agency": d.from_agency.name,
        "to_agency_id": d.to_agency_id,
        "to_agency": d.to_agency.name,
        "purpose": d.purpose,
        "categories": d.categories,
        "lawful_basis": d.lawful_basis,
        "special_category_condition": d.special_category_condition,
        "isp_id": d.isp_id,
        "consent_id": d.consent_id,
        "justification": d.justification,
        "reasons": d.reasons,
        "made_by": d.made_by.display_name,
        "authorised_by": d.authorised_by.display_name if d.authorised_by else None,
        "authorised": d.authorised_by_id is not None,
        "urgent": d.urgent,
        "urgent_reason": d.urgent_reason,
        "made_at": d.made_at,
        "expires_at": d.expires_at,
        "child_protection": d.child_protection_override,
        "review": d.review,
        "family_informed": d.family_informed,
        "family_not_informed_reason": d.family_not_informed_reason,
        "entry_ids": [e.pk for e in d.entries.all()],
    }


@router.post("/disclosures", response={201: DisclosureOut, 202: AwaitingOut, **ERRORS})
@policy(Action.DISCLOSE, lookup=BODY)
def disclose(request: HttpRequest, payload: DisclosureIn) -> Status[dict[str, object]]:
    """A proactive disclosure. Without `entry_ids`, the chronology category releases every
    current entry of the caller's agency they may see. For `child_protection` without the
    family's agreement a senior of the disclosing agency authorises it: a senior caller at
    once (201); naming one in `authorised_by` asks them (202: nothing is shared until a
    senior decides); `urgent` with `urgent_reason` shares at once without authorisation
    (201, `authorised: false`), flagged. Refused → 403 with the reasons of
    `sharing-check`."""
    stepup.for_disclosure(request, actor(request), payload)
    made = services.disclose(
        actor(request),
        payload.child_id,
        recipient_agency_id=payload.recipient_agency_id,
        purpose=payload.purpose,
        categories=[c.value for c in payload.categories],
        entry_ids=payload.entry_ids,
        justification=payload.justification,
        authorised_by_id=payload.authorised_by,
        family_not_informed_reason=payload.family_not_informed_reason,
        urgent=payload.urgent,
        urgent_reason=payload.urgent_reason,
    )
    if isinstance(made, Authorisation):
        return Status(202, {"authorisation_id": made.pk, "status": "awaiting_authorisation"})
    return Status(201, disclosure_out(made))


@router.get("/children/{child_id}/disclosures", response={200: DisclosuresOut, **ERRORS})
@policy(Action.DISCLOSURE_READ, lookup=CHILD)
def list_disclosures(request: HttpRequest, child_id: str) -> dict[str, object]:
    """Disclosures about the child that the caller's agency made or received."""
    found = queries.disclosures(actor(request), parse_id(child_id))
    return {"disclosures": [disclosure_out(d) for d in found]}


@router.post(
    "/disclosures/{disclosure_id}/family-informed", response={200: DisclosureOut, **ERRORS}
)
@policy(Action.DISCLOSE, lookup=DISCLOSURE)
def family_informed(
    request: HttpRequest, disclosure_id: str, payload: FamilyInformedIn
) -> dict[str, object]:
    """The family was told of the disclosure — or telling them would put the child at
    risk (`informed: false` with the reason)."""
    disclosure = services.mark_family_informed(
        actor(request), parse_id(disclosure_id), informed=payload.informed, reason=payload.reason
    )
    return disclosure_out(disclosure)


class ShareRequestIn(Input):
    child_id: uuid.UUID
    holder_agency_id: uuid.UUID
    purpose: Purpose
    necessity: Reason
    categories: Categories = Field(min_length=1)
    urgency: ShareRequest.Urgency = ShareRequest.Urgency.ROUTINE


class ShareRequestOut(Output):
    id: uuid.UUID
    child_id: uuid.UUID
    status: str
    requested_by: str
    requesting_agency_id: uuid.UUID
    requesting_agency: str
    holder_agency_id: uuid.UUID
    holder_agency: str
    purpose: str
    necessity: str
    categories: list[str]
    urgency: str
    created_at: dt.datetime
    decided_by: str | None
    decided_at: dt.datetime | None
    decision_reason: str
    disclosure_id: uuid.UUID | None


class DecisionIn(StepUpIn):
    decision: Literal["share", "decline"]
    entry_ids: list[uuid.UUID] | None = Field(default=None, max_length=500)
    reason: Reason
    family_not_informed_reason: Text = ""


class ShareRequestFilter(Input):
    status: ShareRequest.Status | None = None


def request_out(r: ShareRequest) -> dict[str, object]:
    return {
        "id": r.pk,
        "child_id": r.child_ref,
        "status": r.status,
        "requested_by": r.requested_by.display_name,
        "requesting_agency_id": r.requesting_agency_id,
        "requesting_agency": r.requesting_agency.name,
        "holder_agency_id": r.holder_agency_id,
        "holder_agency": r.holder_agency.name,
        "purpose": r.purpose,
        "necessity": r.necessity,
        "categories": r.categories,
        "urgency": r.urgency,
        "created_at": r.created_at,
        "decided_by": r.decided_by.display_name if r.decided_by else None,
        "decided_at": r.decided_at,
        "decision_reason": r.decision_reason,
        "disclosure_id": r.disclosure_id,
    }


@router.post("/share-requests", response={201: ShareRequestOut, **ERRORS})
@policy(Action.SHARE_REQUEST_CREATE, lookup=BODY)
def request_share(request: HttpRequest, payload: ShareRequestIn) -> Status[dict[str, object]]:
    """Ask the holding agency for information; those who decide are notified: its
    practitioners involved with the child, its seniors and its information governance."""
    found = services.request_share(
        actor(request),
        payload.child_id,
        holder_agency_id=payload.holder_agency_id,
        purpose=payload.purpose,
        necessity=payload.necessity,
        categories=[c.value for c in payload.categories],
        urgency=payload.urgency,
    )
    return Status(201, request_out(queries.share_request_shown(found)))


@router.get("/share-requests", response={200: list[ShareRequestOut], **ERRORS})
@policy(Action.SHARE_REQUEST_LIST, lookup=NONE)
def list_share_requests(
    request: HttpRequest, filters: Query[ShareRequestFilter]
) -> list[dict[str, object]]:
    """Requests the caller's agency sent or received that the caller has a part in."""
    reject_unknown_query(request, ShareRequestFilter)
    status = filters.status.value if filters.status else None
    return [request_out(r) for r in queries.share_requests(actor(request), status)]


@router.post("/share-requests/{request_id}/decision", response={200: ShareRequestOut, **ERRORS})
@policy(Action.SHARE_REQUEST_DECIDE, lookup=SHARE_REQUEST, also=(Action.DISCLOSE,))
def decide_share_request(
    request: HttpRequest, request_id: str, payload: DecisionIn
) -> dict[str, object]:
    """Share all (no `entry_ids`), share chosen entries, or decline with the reason.
    403 with the reasons when the rules forbid the share; the request stays pending."""
    stepup.for_share_decision(request, actor(request), parse_id(request_id), payload)
    found = services.decide_request(
        actor(request), parse_id(request_id), **payload.model_dump(exclude={"otp"})
    )
    return request_out(queries.share_request_shown(found))


# --- a senior's authorisation (DOMAIN §4.4) -------------------------------------------------


class AuthorisationOut(Output):
    id: uuid.UUID
    child_id: uuid.UUID
    status: str
    asked_by: str
    senior: str
    agency_id: uuid.UUID
    recipient_agency_id: uuid.UUID
    recipient_agency: str
    purpose: str
    categories: list[str]
    entry_ids: list[uuid.UUID] | None
    justification: str
    created_at: dt.datetime
    decided_by: str | None
    decided_at: dt.datetime | None
    decision_reason: str
    disclosure_id: uuid.UUID | None


class AuthorisationsOut(Output):
    authorisations: list[AuthorisationOut]


class AuthorisationFilter(Input):
    status: Literal["pending", "decided"] | None = None


class AuthorisationDecisionIn(StepUpIn):
    decision: Literal["authorise", "refuse"]
    reason: Reason


def authorisation_out(a: Authorisation) -> dict[str, object]:
    return {
        "id": a.pk,
        "child_id": a.child_ref,
        "status": a.status,
        "asked_by": a.asked_by.display_name,
        "senior": a.senior.display_name,
        "agency_id": a.agency_id,
        "recipient_agency_id": a.recipient_id,
        "recipient_agency": a.recipient.name,
        "purpose": a.purpose,
        "categories": a.categories,
        "entry_ids": a.entry_ids,
        "justification": a.justification,
        "created_at": a.created_at,
        "decided_by": a.decided_by.display_name if a.decided_by else None,
        "decided_at": a.decided_at,
        "decision_reason": a.decision_reason,
        "disclosure_id": a.disclosure_id,
    }


@router.get("/authorisations", response={200: AuthorisationsOut, **ERRORS})
@policy(Action.AUTHORISATION_LIST, lookup=NONE)
def list_authorisations(
    request: HttpRequest, filters: Query[AuthorisationFilter]
) -> dict[str, object]:
    """The authorisations awaiting the caller (a senior of the agency who may see the
    child), and those the caller asked for."""
    reject_unknown_query(request, AuthorisationFilter)
    found = queries.authorisations(actor(request), filters.status)
    return {"authorisations": [authorisation_out(a) for a in found]}


@router.post(
    "/authorisations/{authorisation_id}/decision", response={200: AuthorisationOut, **ERRORS}
)
@policy(Action.AUTHORISATION_DECIDE, lookup=AUTHORISATION)
def decide_authorisation(
    request: HttpRequest, authorisation_id: str, payload: AuthorisationDecisionIn
) -> dict[str, object]:
    """A senior of the disclosing agency, not the asker, authorises (the disclosure is
    made now, recorded as authorised by them) or refuses (nothing is shared), with the
    reason. 403 with the reasons when the rules now forbid the share; it stays pending."""
    require_fresh_otp(request, actor(request), "authorising a child protection disclosure")
    decided = services.decide_authorisation(
        actor(request), parse_id(authorisation_id), **payload.model_dump(exclude={"otp"})
    )
    return authorisation_out(decided)


# --- transparency and review ---------------------------------------------------------------


class HeldByOut(Output):
    id: uuid.UUID
    name: str
    # The caller's own agency's entries the family may be shown; null for another agency,
    # which answers for its own (only that it holds records is said).
    entries: int | None


class ChildRefOut(Output):
    id: uuid.UUID
    given_name: str
    family_name: str
    date_of_birth: dt.date


class TransparencyEntryOut(Output):
    id: uuid.UUID
    occurred_at: dt.datetime
    agency_name: str
    summary: str
    indicators: list[str]
    impact: str
    significance: str
    source: str
    action_taken: str


class TransparencyDisclosureOut(Output):
    id: uuid.UUID
    date: dt.date
    from_agency: str
    to_agency: str
    purpose: str
    lawful_basis: str
    categories: list[str]
    consent_withdrawn: bool
    family_informed: str
    audit_event_id: int | None = Field(
        description="the audit event that recorded the disclosure: its inclusion proof is "
        "GET /api/v1/audit/events/{id}/proof (or `bairn audit prove ID`)"
    )
    in_signed_log: bool = Field(
        description="whether that event is in the latest signed checkpoint yet (seconds)"
    )


class TransparencyOut(Output):
    child: ChildRefOut
    prepared_by_agency: str
    held_by: list[HeldByOut]
    entries: list[TransparencyEntryOut]
    disclosures: list[TransparencyDisclosureOut]
    withheld_count: int
    withheld_disclosures_count: int


def _in_log(found: Logged | None) -> dict[str, object]:
    return {
        "audit_event_id": found.seq if found else None,
        "in_signed_log": bool(found and found.signed),
    }


@router.get("/children/{child_id}/transparency", response={200: TransparencyOut, **ERRORS})
@policy(Action.TRANSPARENCY_READ, lookup=CHILD)
def transparency(request: HttpRequest, child_id: str) -> dict[str, object]:
    """What the family would be shown, as the caller's agency answers for it: who holds
    records (of other agencies only that they do), the agency's own entries (never one
    withheld from the family, never the detail that may name other people), every
    disclosure it made or received with date, recipient, purpose and lawful basis; and,
    for information governance only, never for the family, how many of its entries and
    disclosures were held back (`withheld_count`, `withheld_disclosures_count`)."""
    report = queries.transparency(actor(request), parse_id(child_id))
    return {
        "child": {
            "id": report.child.pk,
            "given_name": report.child.given_name,
            "family_name": report.child.family_name,
            "date_of_birth": report.child.date_of_birth,
        },
        "prepared_by_agency": report.agency.name,
        "held_by": report.held_by,
        "entries": [
            {
                "id": e.pk,
                "occurred_at": e.occurred_at,
                "agency_name": e.agency.name,
                "summary": report.redact(e.summary),
                "indicators": e.indicator_codes,
                "impact": e.impact,
                "significance": e.significance,
                "source": e.source,
                "action_taken": report.redact(e.action_taken),
            }
            for e in report.entries
        ],
        "disclosures": [
            {
                "id": d.pk,
                "date": timezone.localtime(d.made_at).date(),
                "from_agency": d.from_agency.name,
                "to_agency": d.to_agency.name,
                "purpose": d.purpose,
                "lawful_basis": d.lawful_basis,
                "categories": d.categories,
                "consent_withdrawn": bool(d.consent_id and d.consent and d.consent.withdrawn_at),
                "family_informed": d.family_informed,
                **_in_log(report.in_log(d)),
            }
            for d in report.disclosures
        ],
        "withheld_count": report.withheld_count,
        "withheld_disclosures_count": report.withheld_disclosures_count,
    }


class ReviewDisclosureOut(Output):
    id: uuid.UUID
    child_id: uuid.UUID
    to_agency: str
    made_by: str
    authorised_by: str | None
    urgent: bool
    urgent_reason: str
    made_at: dt.datetime
    justification: str


class ReviewBreakGlassOut(Output):
    id: uuid.UUID
    child_id: uuid.UUID
    practitioner: str
    reason: str
    started_at: dt.datetime


class ReviewQueueOut(Output):
    disclosures: list[ReviewDisclosureOut]
    break_glass: list[ReviewBreakGlassOut]


class ReviewIn(Input):
    notes: Reason


@router.get("/review-queue", response={200: ReviewQueueOut, **ERRORS})
@policy(Action.REVIEW, lookup=NONE)
def review_queue(request: HttpRequest) -> dict[str, object]:
    """Information governance: the agency's child protection disclosures made without
    agreement, and its people's break glass, waiting for review."""
    queue = queries.review_queue(actor(request))
    return {
        "disclosures": [
            {
                "id": d.pk,
                "child_id": d.child_ref,
                "to_agency": d.to_agency.name,
                "made_by": d.made_by.display_name,
                "authorised_by": d.authorised_by.display_name if d.authorised_by else None,
                "urgent": d.urgent,
                "urgent_reason": d.urgent_reason,
                "made_at": d.made_at,
                "justification": d.justification,
            }
            for d in queue.disclosures
        ],
        "break_glass": [
            {
                "id": i.pk,
                "child_id": i.child_ref,
                "practitioner": i.practitioner.display_name,
                "reason": i.reason,
                "started_at": i.started_at,
            }
            for i in queue.break_glass
        ],
    }


@router.post("/review-queue/disclosures/{disclosure_id}", response={200: ReviewQueueOut, **ERRORS})
@policy(Action.REVIEW, lookup=NONE)
def review_disclosure(
    request: HttpRequest, disclosure_id: str, payload: ReviewIn
) -> dict[str, object]:
    services.review(actor(request), disclosure_id=parse_id(disclosure_id), notes=payload.notes)
    return review_queue(request)


@router.post("/review-queue/break-glass/{involvement_id}", response={200: ReviewQueueOut, **ERRORS})
@policy(Action.REVIEW, lookup=NONE)
def review_break_glass(
    request: HttpRequest, involvement_id: str, payload: ReviewIn
) -> dict[str, object]:
    services.review(actor(request), involvement_id=parse_id(involvement_id), notes=payload.notes)
    return review_queue(request)
