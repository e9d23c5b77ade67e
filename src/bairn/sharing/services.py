"""Every write about sharing: ISPs, consent and views, share requests, disclosures and
their review (DOMAIN §4.4–4.9). Each decision to share goes through engine.decide_share
and is audited, allowed or refused."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from bairn.access.policy import (
    Action,
    AuditAction,
    Decision,
    Forbidden,
    NotVisible,
    authorize,
    current_assignee,
    involvement_bases,
    share_request_deciders,
)
from bairn.agencies.models import Agency, Assignment, Involvement, Practitioner
from bairn.agencies.services import involve
from bairn.audit import services as audit
from bairn.chronology.models import Concern
from bairn.errors import Conflict, Invalid
from bairn.notify.models import Notification
from bairn.notify.services import notify
from bairn.people.models import ChildRelationship
from bairn.people.services import age_on, decided_by, held_child, parent_deciding
from bairn.reference import (
    Category,
    LawfulBasis,
    Purpose,
    Role,
    SpecialCategoryCondition,
    unknown_codes,
)
from bairn.sharing.engine import ShareDecision, decide_share
from bairn.sharing.models import (
    Authorisation,
    Consent,
    DisclosedEntry,
    Disclosure,
    Isp,
    IspParty,
    ShareRequest,
    View,
)


def _codes(errors: dict[str, str], **fields: tuple[object, type[models.TextChoices]]) -> None:
    for name, (values, choices) in fields.items():
        unknown = unknown_codes(values, choices)
        if unknown:
            errors[name] = f"Not one of the codes: {', '.join(unknown)}."


# --- Information Sharing Protocols ----------------------------------------------------


def draft_isp(
    actor: Practitioner,
    *,
    title: str,
    party_agency_ids: Sequence[uuid.UUID],
    purposes: Sequence[str],
    categories: Sequence[str],
    lawful_basis: str,
    consent_required: bool,
    onward_sharing: bool,
    retention_days: int,
    review_date: dt.date,
    special_category_condition: str = "",
    security_conditions: str = "",
    privacy_impact_assessment: str = "",
    key_post_holders: Sequence[dict[str, object]] = (),
) -> Isp:
    """An information governance lead drafts an ISP between their agency and others
    (DOMAIN §2). It is a draft until each party's information governance lead approves."""
    authorize(actor, Action.ISP_CREATE)
    errors: dict[str, str] = {}
    parties = list(Agency.objects.filter(pk__in=list(party_agency_ids)))
    if len(set(party_agency_ids)) < 2:
        errors["party_agency_ids"] = "An ISP is between two or more agencies."
    elif len(parties) != len(set(party_agency_ids)):
        errors["party_agency_ids"] = "Some of these agencies do not exist."
    if not title.strip():
        errors["title"] = "Give the ISP a title."
    if not purposes:
        errors["purposes"] = "Name at least one purpose."
    if not categories:
        errors["categories"] = "Name at least one category of information."
    _codes(errors, purposes=(purposes, Purpose), categories=(categories, Category))
    _codes(errors, lawful_basis=(lawful_basis, LawfulBasis))
    if special_category_condition:
        _codes(
            errors,
            special_category_condition=(special_category_condition, SpecialCategoryCondition),
        )
    if retention_days < 1:
        errors["retention_days"] = "Keep shared information for at least a day."
    if review_date <= timezone.localdate():
        errors["review_date"] = (
            "The review date must be in the future: the ISP would expire at once."
        )
    if lawful_basis == LawfulBasis.CONSENT and not consent_required:
        errors["consent_required"] = "With consent as the lawful basis, consent is required."
    holders = {str(h.get("agency_id")): h for h in key_post_holders}
    if set(holders) - {str(p.pk) for p in parties}:
        errors["key_post_holders"] = "Key post holders must belong to the parties."
    if errors:
        raise Invalid(errors)
    with transaction.atomic():
        isp = Isp.objects.create(
            title=title.strip(),
            purposes=sorted(set(purposes)),
            categories=sorted(set(categories)),
            lawful_basis=lawful_basis,
            special_category_condition=special_category_condition,
            consent_required=consent_required,
            onward_sharing=onward_sharing,
            retention_days=retention_days,
            review_date=review_date,
            security_conditions=security_conditions,
            privacy_impact_assessment=privacy_impact_assessment,
            drafted_by=actor,
        )
        for agency in parties:
            holder = holders.get(str(agency.pk), {})
            IspParty.objects.create(
                isp=isp,
                agency=agency,
                data_protection_officer=str(holder.get("data_protection_officer", "")),
                senior_information_risk_owner=str(holder.get("senior_information_risk_owner", "")),
            )
        audit.record(
            actor=actor,
            action=Action.ISP_CREATE,
            object=f"isp:{isp.pk}",
            reason=title,
            record_agencies=[a.pk for a in parties],
        )
    return isp


def _isp_of_party(actor: Practitioner, isp_id: uuid.UUID, action: Action) -> tuple[Isp, IspParty]:
    authorize(actor, action, object=f"isp:{isp_id}")
    isp = Isp.objects.filter(pk=isp_id).first()
    party = IspParty.objects.filter(isp_id=isp_id, agency=actor.agency).first()
    if isp is None or party is None:
        raise NotVisible(isp_id)
    return isp, party


def approve_isp(actor: Practitioner, isp_id: uuid.UUID) -> Isp:
    """A party's information governance lead approves; active once every party has."""
    isp, party = _isp_of_party(actor, isp_id, Action.ISP_APPROVE)
    if isp.status == Isp.Status.SUSPENDED:
        raise Conflict("This ISP is suspended: resume it instead.", field="status")
    if party.approved_at is not None:
        raise Conflict(f"{party.agency.name} has already approved this ISP.", field="status")
    now = timezone.now()
    with transaction.atomic():
        IspParty.objects.filter(pk=party.pk).update(approved_by=actor, approved_at=now)
        waiting = IspParty.objects.filter(isp=isp, approved_at__isnull=True).exists()
        if not waiting:
            Isp.objects.filter(pk=isp.pk).update(status=Isp.Status.ACTIVE, activated_at=now)
        audit.record(
            actor=actor,
            action=Action.ISP_APPROVE,
            object=f"isp:{isp.pk}",
            reason="approved; now active" if not waiting else "approved; waiting for others",
            record_agencies=audit.agencies_of(isp),
        )
    isp.refresh_from_db()
    return isp


def set_isp_status(actor: Practitioner, isp_id: uuid.UUID, *, suspend: bool, reason: str) -> Isp:
    """A party's information governance lead suspends an ISP (sharing under it stops at
    once) or resumes it."""
    isp, _ = _isp_of_party(actor, isp_id, Action.ISP_SUSPEND)
    if not reason.strip():
        raise Invalid({"reason": "Say why."})
    if suspend and isp.status != Isp.Status.ACTIVE:
        raise Conflict("Only an active ISP can be suspended.", field="status")
    if not suspend and isp.status != Isp.Status.SUSPENDED:
        raise Conflict("Only a suspended ISP can be resumed.", field="status")
    status = Isp.Status.SUSPENDED if suspend else Isp.Status.ACTIVE
    with transaction.atomic():
        Isp.objects.filter(pk=isp.pk).update(status=status, status_reason=reason.strip())
        audit.record(
            actor=actor,
            action=Action.ISP_SUSPEND,
            object=f"isp:{isp.pk}",
            reason=f"{status}: {reason.strip()}",
            record_agencies=audit.agencies_of(isp),
        )
    isp.refresh_from_db()
    return isp


# --- consent and views ----------------------------------------------------------------


def record_consent(
    actor: Practitioner,
    child_id: uuid.UUID,
    *,
    given_by: str,
    decision: str,
    purposes: Sequence[str],
    recipient_agency_ids: Sequence[uuid.UUID],
    categories: Sequence[str],
    expires_on: dt.date | None = None,
    views: str = "",
    child_understands: bool = False,
    capacity_reason: str = "",
) -> Consent:
    """Consent given or refused (DOMAIN §2). The child may decide where aged 12 or over
    (presumed to understand; the age is BAIRN_CONSENT_AGE) or, younger, where judged to
    understand with the reason recorded; otherwise a person with parental responsibility.
    A family friend cannot, however much they care for the child."""
    authorize(actor, Action.CONSENT_RECORD, child_id=child_id, object=f"child:{child_id}")
    child = held_child(child_id)
    errors: dict[str, str] = {}
    person_ref: uuid.UUID | None = None
    if given_by == "child":
        age = age_on(child.date_of_birth, timezone.localdate())
        if age >= settings.BAIRN_CONSENT_AGE:
            capacity = Consent.Capacity.CHILD_PRESUMED
        elif child_understands and capacity_reason.strip():
            capacity = Consent.Capacity.CHILD_JUDGED
        else:
            capacity = Consent.Capacity.CHILD_JUDGED
            errors["given_by"] = (
                f"{child.given_name} is {age}: under {settings.BAIRN_CONSENT_AGE} a child "
                "decides only where judged to understand; record child_understands and "
                "capacity_reason, or ask a person with parental responsibility"
            )
    else:
        capacity = Consent.Capacity.PARENTAL_RESPONSIBILITY
        person_ref, refusal = parent_deciding(child, given_by, "consent")
        if refusal:
            errors["given_by"] = refusal
    if expires_on is not None and expires_on < timezone.localdate():
        errors["expires_on"] = "This expiry date has passed: the decision would never be in force."
    recipients = list(Agency.objects.filter(pk__in=list(recipient_agency_ids)))
    if not recipient_agency_ids:
        errors["recipient_agency_ids"] = "Name the agencies the decision is about."
    elif len(recipients) != len(set(recipient_agency_ids)):
        errors["recipient_agency_ids"] = "Some of these agencies do not exist."
    if not purposes:
        errors["purposes"] = "Name at least one purpose."
    if not categories:
        errors["categories"] = "Name at least one category of information."
    _codes(
        errors,
        decision=(decision, Consent.Decision),
        purposes=(purposes, Purpose),
        categories=(categories, Category),
    )
    if errors:
        raise Invalid(errors)
    with transaction.atomic():
        consent = Consent.objects.create(
            child_ref=child_id,
            person_ref=person_ref,
            capacity=capacity,
            capacity_reason=capacity_reason.strip(),
            decision=decision,
            purposes=sorted(set(purposes)),
            categories=sorted(set(categories)),
            views=views,
            expires_on=expires_on,
            recorded_by=actor,
            recorded_at=timezone.now(),
        )
        consent.recipients.set(recipients)
        audit.record(
            actor=actor,
            action=Action.CONSENT_RECORD,
            object=f"consent:{consent.pk}",
            child_id=child_id,
            reason=f"{decision} by {decided_by(person_ref)}",
        )
    return consent


def withdraw_consent(actor: Practitioner, consent_id: uuid.UUID, *, reason: str = "") -> Consent:
    """Withdrawal stops future disclosures at once; what was already shared is in the
    transparency report (DOMAIN §4.4, §4.8)."""
    consent = Consent.objects.filter(pk=consent_id).first()
    if consent is None:
        raise NotVisible(consent_id)
    authorize(
        actor, Action.CONSENT_WITHDRAW, child_id=consent.child_ref, object=f"consent:{consent_id}"
    )
    if consent.withdrawn_at is not None:
        raise Conflict("This consent has already been withdrawn.", field="id")
    if consent.decision != Consent.Decision.GIVEN:
        raise Conflict("A refusal is not withdrawn: record the new decision.", field="id")
    with transaction.atomic():
        Consent.objects.filter(pk=consent.pk).update(
            withdrawn_at=timezone.now(), withdrawn_by=actor, withdrawal_reason=reason
        )
        audit.record(
            actor=actor,
            action=Action.CONSENT_WITHDRAW,
            object=f"consent:{consent.pk}",
            child_id=consent.child_ref,
            # The reason stays with the consent: free text may name the family (§4.7).
            reason="withdrawn",
        )
    consent.refresh_from_db()
    return consent


def record_views(
    actor: Practitioner, child_id: uuid.UUID, *, whose: str, views: str, about: str = ""
) -> View:
    """The child's and family's views, recorded whether or not consent is the basis."""
    authorize(actor, Action.VIEWS_RECORD, child_id=child_id, object=f"child:{child_id}")
    person_ref = None
    if whose != "child":
        try:
            person_ref = uuid.UUID(whose)
        except ValueError:
            raise Invalid(
                {"whose": "Give 'child' or the id of a person around the child."}
            ) from None
        if not ChildRelationship.objects.filter(child_id=child_id, person_id=person_ref).exists():
            raise Invalid({"whose": "No person with this id is recorded around this child."})
    if not views.strip():
        raise Invalid({"views": "Record what they said."})
    with transaction.atomic():
        view = View.objects.create(
            child_ref=child_id,
            person_ref=person_ref,
            views=views.strip(),
            about=about,
            recorded_by=actor,
        )
        audit.record(
            actor=actor, action=Action.VIEWS_RECORD, object=f"view:{view.pk}", child_id=child_id
        )
    return view


# --- disclosures ----------------------------------------------------------------------


def _audit_decision(
    actor: Practitioner,
    action: str,
    child_id: uuid.UUID,
    purpose: str,
    decision: ShareDecision,
    recipient: Agency,
    object: str = "",
) -> None:
    # A check is answered either way: what it found is its reason, not a refusal of the
    # caller (the audit's refusals are the acts the policy or the rules stopped).
    checking = action == Action.SHARING_CHECK
    refused = not decision.allowed and not checking
    found = "; ".join(decision.reasons)
    if checking:
        found = f"the share would be {'allowed' if decision.allowed else 'refused'}: {found}"
    audit.record(
        actor=actor,
        action=action,
        outcome=audit.REFUSED if refused else audit.ALLOWED,
        object=object or f"agency:{recipient.pk}",
        child_id=child_id,
        purpose=purpose,
        reason=found,
        flagged=decision.child_protection_override,
        # The recipient's lead reads a disclosure made to them; the holder of an entry
        # shared onward reads that too.
        record_agencies=[e.agency_id for e in decision.entries]
        + ([recipient.pk] if action == Action.DISCLOSE and decision.allowed else []),
    )


def check(
    actor: Practitioner,
    child_id: uuid.UUID,
    *,
    recipient_agency_id: uuid.UUID,
    purpose: str,
    categories: Sequence[str],
    entry_ids: Sequence[uuid.UUID] | None = None,
    authorised_by_id: uuid.UUID | None = None,
    justification: str = "",
    urgent: bool = False,
) -> ShareDecision:
    """The explanation of a share, without sharing anything (DOMAIN §4.6). Audited.
    With `authorised_by`, whether it would be allowed once that practitioner authorised
    it (the engine says why not when they are not a senior of the agency); with
    `urgent`, whether it could be shared urgently without a senior's authorisation."""
    authorize(actor, Action.SHARING_CHECK, child_id=child_id, object=f"child:{child_id}")
    recipient, _ = _parties(actor, recipient_agency_id, None)
    authoriser = None
    if authorised_by_id is not None:
        authoriser = (
            Practitioner.objects.filter(pk=authorised_by_id).select_related("agency").first()
        )
        if authoriser is None:
            raise Invalid({"authorised_by": "No practitioner has this id."})
        if authoriser.pk == actor.pk:
            authoriser = None
    decision = decide_share(
        actor,
        child_id=child_id,
        recipient=recipient,
        purpose=purpose,
        categories=categories,
        entry_ids=entry_ids,
        authorised_by=authoriser,
        # The check explains the rules; the reason is given when sharing.
        justification=justification or "(given when sharing)",
        urgent=urgent and authoriser is None and not actor.has_role(Role.SENIOR),
    )
    _audit_decision(actor, Action.SHARING_CHECK, child_id, purpose, decision, recipient)
    return decision


def _parties(
    actor: Practitioner, recipient_agency_id: uuid.UUID, authorised_by_id: uuid.UUID | None
) -> tuple[Agency, Practitioner | None]:
    """The recipient, and the senior asked to authorise: None when none is named, or
    when the caller names themself and is a senior (they authorise it themselves)."""
    errors: dict[str, str] = {}
    recipient = Agency.objects.filter(pk=recipient_agency_id).first()
    if recipient is None:
        errors["recipient_agency_id"] = "No agency has this id."
    authoriser = None
    if authorised_by_id is not None:
        authoriser = (
            Practitioner.objects.filter(pk=authorised_by_id).select_related("agency").first()
        )
        if authoriser is None:
            errors["authorised_by"] = "No practitioner has this id."
        elif not (
            authoriser.is_active
            and authoriser.agency_id == actor.agency_id
            and authoriser.has_role(Role.SENIOR)
        ):
            agency = actor.agency.name if actor.agency else "your agency"
            errors["authorised_by"] = (
                f"{authoriser.display_name} is not a senior of {agency}: ask a senior of "
                "your own agency to authorise."
            )
        elif authoriser.pk == actor.pk:
            authoriser = None  # a senior authorises their own share
    if errors:
        raise Invalid(errors)
    assert recipient is not None
    return recipient, authoriser


def _urgency(
    actor: Practitioner,
    purpose: str,
    authoriser: Practitioner | None,
    urgent: bool,
    urgent_reason: str,
) -> bool:
    """Whether the share is made urgently without a senior's authorisation (DOMAIN §4.4):
    for child protection only, with the reason, and never by a senior (who authorises it
    themselves) nor while asking one."""
    if not urgent:
        return False
    errors: dict[str, str] = {}
    if purpose != Purpose.CHILD_PROTECTION:
        errors["urgent"] = (
            "Only a child protection share may be made urgently without a senior's authorisation."
        )
    elif authoriser is not None:
        errors["urgent"] = "Either ask a senior to authorise, or share urgently: not both."
    if not urgent_reason.strip():
        errors["urgent_reason"] = "Say why waiting for a senior would put the child at risk."
    if errors:
        raise Invalid(errors)
    return not actor.has_role(Role.SENIOR)


def _make_disclosure(
    *,
    made_by: Practitioner,
    acted_by: Practitioner,
    child_id: uuid.UUID,
    recipient: Agency,
    purpose: str,
    categories: Sequence[str],
    justification: str,
    decision: ShareDecision,
    family_not_informed_reason: str,
    urgent_reason: str = "",
    share_request: ShareRequest | None = None,
) -> Disclosure:
    """Write an allowed disclosure, its entries and its audit, and tell those who must
    know. Inside the caller's transaction; every check has passed. `acted_by` is who
    made it happen now: the maker, or the senior who authorised it."""
    now = timezone.now()
    days = decision.isp.retention_days if decision.isp else settings.BAIRN_CP_RETENTION_DAYS
    if decision.relies_on_consent:
        informed = Disclosure.FamilyInformed.NOT_NEEDED
    elif family_not_informed_reason.strip():
        informed = Disclosure.FamilyInformed.NOT_INFORMED
    else:
        informed = Disclosure.FamilyInformed.TO_INFORM
    assert made_by.agency is not None
    disclosure = Disclosure.objects.create(
        child_ref=child_id,
        from_agency=made_by.agency,
        to_agency=recipient,
        purpose=purpose,
        categories=sorted(set(categories)),
        lawful_basis=decision.lawful_basis,
        special_category_condition=decision.special_category_condition,
        isp=decision.isp,
        consent=decision.consent,
        justification=justification.strip(),
        reasons=list(decision.reasons),
        conditions=decision.isp.security_conditions if decision.isp else "",
        made_by=made_by,
        authorised_by=decision.authorised_by,
        urgent=decision.urgent,
        urgent_reason=urgent_reason.strip() if decision.urgent else "",
        made_at=now,
        expires_at=now + dt.timedelta(days=days),
        child_protection_override=decision.child_protection_override,
        review=(
            Disclosure.Review.PENDING
            if decision.child_protection_override
            else Disclosure.Review.NOT_NEEDED
        ),
        family_informed=informed,
        family_not_informed_reason=family_not_informed_reason.strip(),
    )
    DisclosedEntry.objects.bulk_create(
        [DisclosedEntry(disclosure=disclosure, concern=e) for e in decision.entries]
    )
    _audit_decision(
        acted_by,
        Action.DISCLOSE,
        child_id,
        purpose,
        decision,
        recipient,
        object=f"disclosure:{disclosure.pk}",
    )
    _announce_disclosure(disclosure, share_request)
    return disclosure


def disclose(
    actor: Practitioner,
    child_id: uuid.UUID,
    *,
    recipient_agency_id: uuid.UUID,
    purpose: str,
    categories: Sequence[str],
    justification: str,
    entry_ids: Sequence[uuid.UUID] | None = None,
    authorised_by_id: uuid.UUID | None = None,
    family_not_informed_reason: str = "",
    urgent: bool = False,
    urgent_reason: str = "",
) -> Disclosure | Authorisation:
    """Disclose information about a child to another agency (DOMAIN §4.4). Refused →
    Forbidden with the engine's reasons. Allowed → the entries become visible to the
    recipient agency for the ISP's retention period; a child protection override is
    queued for information governance review; a public-task disclosure creates a
    "family to be informed" item unless telling them would put the child at risk.

    Authorising is the senior's own act: naming a senior (`authorised_by`) shares
    nothing yet — it asks them (an Authorisation, returned), and the share is made when
    a senior decides (`decide_authorisation`). A senior sharing authorises it themself.
    `urgent` with the reason shares child protection at once, recorded as shared
    WITHOUT a senior's authorisation, flagged, and the seniors and information
    governance of the agency are told at once."""
    authorize(actor, Action.DISCLOSE, child_id=child_id, object=f"child:{child_id}")
    recipient, authoriser = _parties(actor, recipient_agency_id, authorised_by_id)
    urgently = _urgency(actor, purpose, authoriser, urgent, urgent_reason)
    decision = decide_share(
        actor,
        child_id=child_id,
        recipient=recipient,
        purpose=purpose,
        categories=categories,
        entry_ids=entry_ids,
        authorised_by=authoriser,
        justification=justification,
        urgent=urgently,
    )
    if not decision.allowed:
        _audit_decision(actor, Action.DISCLOSE, child_id, purpose, decision, recipient)
        raise Forbidden(Decision.forbid(*decision.reasons))
    if authoriser is not None:
        return _ask_authorisation(
            actor,
            authoriser,
            child_id=child_id,
            recipient=recipient,
            purpose=purpose,
            categories=categories,
            entry_ids=entry_ids,
            justification=justification,
            family_not_informed_reason=family_not_informed_reason,
        )
    with transaction.atomic():
        return _make_disclosure(
            made_by=actor,
            acted_by=actor,
            child_id=child_id,
            recipient=recipient,
            purpose=purpose,
            categories=categories,
            justification=justification,
            decision=decision,
            family_not_informed_reason=family_not_informed_reason,
            urgent_reason=urgent_reason,
        )


def _announce_disclosure(disclosure: Disclosure, share_request: ShareRequest | None) -> None:
    """The recipient agency must be able to act on what it received: its seniors (and the
    requester, the child's Named Person or Lead Professional where they work there) are
    told and may open the child's record. Information governance of the disclosing
    agency is told of a child protection override to review; of one shared urgently
    without authorisation, the disclosing agency's seniors are told at once too, and may
    open the child's record to act on it."""
    child_id = disclosure.child_ref
    recipients: dict[uuid.UUID, Practitioner] = {}
    for senior in Practitioner.objects.filter(
        agency=disclosure.to_agency, groups__name=Role.SENIOR, is_active=True
    ):
        recipients[senior.pk] = senior
    for kind in (Assignment.Kind.NAMED_PERSON, Assignment.Kind.LEAD_PROFESSIONAL):
        person = current_assignee(child_id, kind)
        if person is not None and person.agency_id == disclosure.to_agency_id:
            recipients[person.pk] = person
    if share_request is not None:
        recipients[share_request.requested_by_id] = share_request.requested_by
    count = disclosure.entries.count()
    entries = "1 chronology entry" if count == 1 else f"{count} chronology entries"
    text = (
        f"{disclosure.from_agency.name} disclosed information about a child to "
        f"{disclosure.to_agency.name} for {Purpose(disclosure.purpose).label.lower()}: "
        f"{', '.join(disclosure.categories)} ({entries})."
    )
    for person in recipients.values():
        involve(
            person,
            child_id,
            Involvement.Basis.DISCLOSURE_RECEIVED,
            reason=f"disclosure {disclosure.pk}",
            by=disclosure.made_by,
        )
        notify(
            person,
            Notification.Kind.DISCLOSURE_RECEIVED,
            text,
            child_id=child_id,
            data={"disclosure_id": str(disclosure.pk), "from_agency": disclosure.from_agency.name},
        )
    if disclosure.urgent:
        for senior in Practitioner.objects.filter(
            agency=disclosure.from_agency, groups__name=Role.SENIOR, is_active=True
        ):
            involve(
                senior,
                child_id,
                Involvement.Basis.CHILD_PROTECTION_LEAD,
                reason=f"urgent disclosure {disclosure.pk}",
                by=disclosure.made_by,
            )
            notify(
                senior,
                Notification.Kind.URGENT_DISCLOSURE,
                f"{disclosure.made_by.display_name} shared information about a child with "
                f"{disclosure.to_agency.name} for child protection urgently, without a "
                f"senior's authorisation: {disclosure.urgent_reason}",
                child_id=child_id,
                data={"disclosure_id": str(disclosure.pk)},
            )
    if disclosure.review == Disclosure.Review.PENDING:
        without = (
            "urgently, without a senior's authorisation"
            if disclosure.urgent
            else "without the family's agreement"
        )
        for lead in Practitioner.objects.filter(
            agency=disclosure.from_agency, groups__name=Role.INFORMATION_GOVERNANCE, is_active=True
        ):
            notify(
                lead,
                Notification.Kind.REVIEW_NEEDED,
                f"A child protection disclosure to {disclosure.to_agency.name} was made "
                f"{without}: review it.",
                child_id=None,
                data={"disclosure_id": str(disclosure.pk)},
            )


# --- a senior's authorisation (DOMAIN §4.4) ---------------------------------------------


def _ask_authorisation(
    actor: Practitioner,
    senior: Practitioner,
    *,
    child_id: uuid.UUID,
    recipient: Agency,
    purpose: str,
    categories: Sequence[str],
    entry_ids: Sequence[uuid.UUID] | None,
    justification: str,
    family_not_informed_reason: str,
) -> Authorisation:
    """Ask a senior of the agency to authorise a share the rules allow with their
    authorisation: nothing is shared yet. The senior is told at once, and may open the
    child's record to decide."""
    assert actor.agency is not None
    with transaction.atomic():
        asked = Authorisation.objects.create(
            child_ref=child_id,
            agency=actor.agency,
            asked_by=actor,
            senior=senior,
            recipient=recipient,
            purpose=purpose,
            categories=sorted(set(categories)),
            entry_ids=None if entry_ids is None else [str(e) for e in entry_ids],
            justification=justification.strip(),
            family_not_informed_reason=family_not_informed_reason.strip(),
        )
        audit.record(
            actor=actor,
            action=AuditAction.AUTHORISATION_REQUEST,
            object=f"authorisation:{asked.pk}",
            child_id=child_id,
            purpose=purpose,
            reason=(
                f"asked {senior.display_name} to authorise a disclosure to {recipient.name}; "
                "nothing shared until a senior authorises it"
            ),
        )
        involve(
            senior,
            child_id,
            Involvement.Basis.CHILD_PROTECTION_LEAD
            if purpose == Purpose.CHILD_PROTECTION
            else Involvement.Basis.SHARE_REQUEST,
            reason=f"asked to authorise {asked.pk}",
            by=actor,
        )
        notify(
            senior,
            Notification.Kind.AUTHORISATION_REQUEST,
            f"{actor.display_name} asks you to authorise sharing {', '.join(asked.categories)} "
            f"about a child with {recipient.name} for {Purpose(purpose).label.lower()}. "
            "Nothing is shared until you decide.",
            child_id=child_id,
            data={"authorisation_id": str(asked.pk)},
        )
    return asked


def decide_authorisation(
    actor: Practitioner, authorisation_id: uuid.UUID, *, decision: str, reason: str
) -> Authorisation:
    """A senior of the disclosing agency — not the one who asked — authorises the share,
    or refuses it, with the reason (DOMAIN §4.4). Authorised: the rules are applied again
    as they stand now, and the disclosure is made, recorded as authorised by this
    senior. Refused: nothing is shared. The asker is told either way."""
    asked = (
        Authorisation.objects.select_related("asked_by__agency", "recipient", "agency")
        .filter(pk=authorisation_id)
        .first()
    )
    if asked is None:
        raise NotVisible(authorisation_id)
    authorize(
        actor,
        Action.AUTHORISATION_DECIDE,
        child_id=asked.child_ref,
        record=asked,
        object=f"authorisation:{asked.pk}",
        purpose=asked.purpose,
    )
    if decision not in ("authorise", "refuse"):
        raise Invalid({"decision": "Authorise or refuse."})
    if asked.status != Authorisation.Status.PENDING:
        raise Conflict(f"This was already {asked.status}.", field="status")
    if not reason.strip():
        raise Invalid({"reason": "Record the reason for the decision."})
    asker = asked.asked_by
    share = None
    if decision == "authorise":
        if asker.agency_id != asked.agency_id or not asker.is_active:
            refusal = ShareDecision(
                False, (f"{asker.display_name} no longer shares for {asked.agency.name}",)
            )
        else:
            refusal = share = decide_share(
                asker,
                child_id=asked.child_ref,
                recipient=asked.recipient,
                purpose=asked.purpose,
                categories=asked.categories,
                entry_ids=None
                if asked.entry_ids is None
                else [uuid.UUID(e) for e in asked.entry_ids],
                justification=asked.justification,
                authorised_by=actor,
            )
        if not refusal.allowed:
            _audit_decision(
                actor, Action.DISCLOSE, asked.child_ref, asked.purpose, refusal, asked.recipient
            )
            raise Forbidden(Decision.forbid(*refusal.reasons))
    status = Authorisation.Status.AUTHORISED if share else Authorisation.Status.REFUSED
    with transaction.atomic():
        disclosure = None
        if share is not None:
            disclosure = _make_disclosure(
                made_by=asker,
                acted_by=actor,
                child_id=asked.child_ref,
                recipient=asked.recipient,
                purpose=asked.purpose,
                categories=asked.categories,
                justification=asked.justification,
                decision=share,
                family_not_informed_reason=asked.family_not_informed_reason,
            )
        changed = Authorisation.objects.filter(
            pk=asked.pk, status=Authorisation.Status.PENDING
        ).update(
            status=status,
            decided_by=actor,
            decided_at=timezone.now(),
            decision_reason=reason.strip(),
            disclosure=disclosure,
        )
        if not changed:  # decided by another senior a moment ago
            raise Conflict("This was decided a moment ago.", field="status")
        audit.record(
            actor=actor,
            action=Action.AUTHORISATION_DECIDE,
            object=f"authorisation:{asked.pk}",
            child_id=asked.child_ref,
            purpose=asked.purpose,
            reason=f"{status} the share asked by {asker.display_name}",
        )
        notify(
            asker,
            Notification.Kind.AUTHORISATION_DECIDED,
            f"{actor.display_name} {status} your share with {asked.recipient.name}"
            + (": it is made." if share else f": nothing is shared. {reason.strip()}"),
            child_id=asked.child_ref,
            data={
                "authorisation_id": str(asked.pk),
                "disclosure_id": str(disclosure.pk) if disclosure else None,
            },
        )
    asked.refresh_from_db()
    return asked


def extend_to_amendment(old: Concern, new: Concern) -> None:
    """A correction follows what was shared (accuracy): every disclosure in force that
    released the old version releases the amendment too — unless the amendment made the
    entry restricted, which only a senior of the agency may then release (DOMAIN §4.3)."""
    if new.restricted and not old.restricted:
        return
    now = timezone.now()
    for row in DisclosedEntry.objects.filter(concern=old, disclosure__expires_at__gt=now):
        DisclosedEntry.objects.get_or_create(disclosure_id=row.disclosure_id, concern=new)


def mark_family_informed(
    actor: Practitioner, disclosure_id: uuid.UUID, *, informed: bool, reason: str = ""
) -> Disclosure:
    """Record that the family was told of a disclosure, or that telling them would put
    the child at risk (with the reason)."""
    disclosure = Disclosure.objects.filter(pk=disclosure_id).first()
    if disclosure is None:
        raise NotVisible(disclosure_id)
    authorize(
        actor, Action.DISCLOSE, child_id=disclosure.child_ref, object=f"disclosure:{disclosure_id}"
    )
    if disclosure.from_agency_id != actor.agency_id:
        raise Forbidden(Decision.forbid("only the disclosing agency tells the family"))
    if disclosure.family_informed == Disclosure.FamilyInformed.NOT_NEEDED:
        raise Conflict(
            "The family agreed to this disclosure: there is nothing to tell.", field="id"
        )
    if disclosure.family_informed == Disclosure.FamilyInformed.INFORMED:
        raise Conflict("The family has already been told of this disclosure.", field="id")
    if not informed and not reason.strip():
        raise Invalid({"reason": "Say why telling the family would put the child at risk."})
    state = (
        Disclosure.FamilyInformed.INFORMED if informed else Disclosure.FamilyInformed.NOT_INFORMED
    )
    with transaction.atomic():
        Disclosure.objects.filter(pk=disclosure.pk).update(
            family_informed=state, family_not_informed_reason="" if informed else reason.strip()
        )
        audit.record(
            actor=actor,
            action=AuditAction.DISCLOSURE_FAMILY_INFORMED,
            object=f"disclosure:{disclosure.pk}",
            child_id=disclosure.child_ref,
            # Why not stays with the disclosure: free text may name anyone (§4.7).
            reason=state,
            record_agencies=audit.agencies_of(disclosure),
        )
    disclosure.refresh_from_db()
    return disclosure


# --- share requests -------------------------------------------------------------------


def request_share(
    actor: Practitioner,
    child_id: uuid.UUID,
    *,
    holder_agency_id: uuid.UUID,
    purpose: str,
    necessity: str,
    categories: Sequence[str],
    urgency: str = ShareRequest.Urgency.ROUTINE,
) -> ShareRequest:
    """Ask another agency for information about a child (DOMAIN §2). Everyone who may
    decide it is told (DOMAIN §4.4: the holder's practitioners involved with the child,
    its seniors and its information governance — access.policy.share_request_deciders);
    the seniors and information governance may open the child's record to decide."""
    authorize(actor, Action.SHARE_REQUEST_CREATE, child_id=child_id, object=f"child:{child_id}")
    holder = Agency.objects.filter(pk=holder_agency_id).first()
    errors: dict[str, str] = {}
    if holder is None:
        errors["holder_agency_id"] = "No agency has this id."
    elif holder.pk == actor.agency_id:
        errors["holder_agency_id"] = "Your own agency's records need no request."
    if not necessity.strip():
        errors["necessity"] = "Say why the information is necessary."
    if not categories:
        errors["categories"] = "Name at least one category of information."
    _codes(
        errors,
        purpose=(purpose, Purpose),
        categories=(categories, Category),
        urgency=(urgency, ShareRequest.Urgency),
    )
    if errors:
        raise Invalid(errors)
    assert holder is not None
    assert actor.agency is not None
    with transaction.atomic():
        request = ShareRequest.objects.create(
            child_ref=child_id,
            requested_by=actor,
            requesting_agency=actor.agency,
            holder_agency=holder,
            purpose=purpose,
            necessity=necessity.strip(),
            categories=sorted(set(categories)),
            urgency=urgency,
        )
        audit.record(
            actor=actor,
            action=Action.SHARE_REQUEST_CREATE,
            object=f"share_request:{request.pk}",
            child_id=child_id,
            purpose=purpose,
            # Why it is needed stays with the request: free text may name anyone (§4.7).
            reason=f"to agency:{holder.pk}",
            record_agencies=[holder.pk],
        )
        for person in share_request_deciders(holder.pk, child_id):
            if person.has_role(Role.SENIOR) or person.has_role(Role.INFORMATION_GOVERNANCE):
                involve(
                    person,
                    child_id,
                    Involvement.Basis.SHARE_REQUEST,
                    reason=f"share request {request.pk}",
                    by=actor,
                )
            notify(
                person,
                Notification.Kind.SHARE_REQUEST,
                f"{actor.display_name} ({actor.agency.name}) asks {holder.name} for "
                f"{', '.join(request.categories)} about a child for "
                f"{Purpose(purpose).label.lower()} ({request.get_urgency_display().lower()}).",
                child_id=child_id,
                data={"share_request_id": str(request.pk)},
            )
    return request


def decide_request(
    actor: Practitioner,
    request_id: uuid.UUID,
    *,
    decision: str,
    reason: str,
    entry_ids: Sequence[uuid.UUID] | None = None,
    family_not_informed_reason: str = "",
) -> ShareRequest:
    """The holder decides (DOMAIN §4.4; who decides: access.rules.sharing.share_request_decider):
    share all, share chosen entries, or decline with the reason — reasons for not sharing
    are recorded too (practice-model.md, child protection). Nothing is written before
    every check has passed — not even the involvement that lets a senior or information
    governance lead who joined after the request was made open the child's record from
    then on — and then all of it in one transaction."""
    request = (
        ShareRequest.objects.select_related("requested_by", "holder_agency", "requesting_agency")
        .filter(pk=request_id)
        .first()
    )
    if request is None:
        raise NotVisible(request_id)
    child_id = request.child_ref
    authorize(
        actor,
        Action.SHARE_REQUEST_DECIDE,
        child_id=child_id,
        record=request,
        object=f"share_request:{request.pk}",
        purpose=request.purpose,
    )
    if decision not in ("share", "decline"):
        raise Invalid({"decision": "Decide to share or to decline."})
    if request.status != ShareRequest.Status.PENDING:
        raise Conflict(f"This request was already {request.status}.", field="status")
    if not reason.strip():
        raise Invalid({"reason": "Record the reason for the decision."})
    share = None
    justification = f"Requested: {request.necessity} Decided: {reason.strip()}"
    if decision == "share":
        share = decide_share(
            actor,
            child_id=child_id,
            recipient=request.requesting_agency,
            purpose=request.purpose,
            categories=request.categories,
            entry_ids=entry_ids,
            justification=justification,
        )
        if not share.allowed:
            _audit_decision(
                actor, Action.DISCLOSE, child_id, request.purpose, share, request.requesting_agency
            )
            raise Forbidden(Decision.forbid(*share.reasons))
    status = ShareRequest.Status.SHARED if share else ShareRequest.Status.DECLINED
    with transaction.atomic():
        changed = ShareRequest.objects.filter(
            pk=request.pk, status=ShareRequest.Status.PENDING
        ).update(status=status, decided_by=actor, decided_at=timezone.now())
        if not changed:  # decided by someone else a moment ago
            raise Conflict("This request was decided a moment ago.", field="status")
        if not involvement_bases(actor, child_id):
            involve(
                actor,
                child_id,
                Involvement.Basis.SHARE_REQUEST,
                reason=f"share request {request.pk}",
            )
        disclosure = None
        if share is not None:
            disclosure = _make_disclosure(
                made_by=actor,
                acted_by=actor,
                child_id=child_id,
                recipient=request.requesting_agency,
                purpose=request.purpose,
                categories=request.categories,
                justification=justification,
                decision=share,
                family_not_informed_reason=family_not_informed_reason,
                share_request=request,
            )
        ShareRequest.objects.filter(pk=request.pk).update(
            decision_reason=reason.strip(), disclosure=disclosure
        )
        audit.record(
            actor=actor,
            action=Action.SHARE_REQUEST_DECIDE,
            object=f"share_request:{request.pk}",
            child_id=child_id,
            purpose=request.purpose,
            # The decision's reason stays with the request: free text (§4.7).
            reason=str(status),
            record_agencies=audit.agencies_of(request),
        )
        if status == ShareRequest.Status.DECLINED:
            notify(
                request.requested_by,
                Notification.Kind.SHARE_DECIDED,
                f"{request.holder_agency.name} declined your request: {reason.strip()}",
                child_id=child_id,
                data={"share_request_id": str(request.pk)},
            )
    request.refresh_from_db()
    return request


# --- review by information governance ---------------------------------------------------


def review(
    actor: Practitioner,
    *,
    disclosure_id: uuid.UUID | None = None,
    involvement_id: uuid.UUID | None = None,
    notes: str,
) -> None:
    """Information governance reviews a child protection override or a break glass
    (DOMAIN §4.4, §4.9) of its own agency."""
    authorize(actor, Action.REVIEW, object="review")
    if disclosure_id is None and involvement_id is None:
        raise Invalid({"id": "Name the disclosure or the break glass reviewed."})
    if not notes.strip():
        raise Invalid({"notes": "Record what the review found."})
    now = timezone.now()
    with transaction.atomic():
        if disclosure_id is not None:
            found = Disclosure.objects.filter(
                pk=disclosure_id, from_agency=actor.agency_id, review=Disclosure.Review.PENDING
            ).first()
            if found is None:
                raise NotVisible(disclosure_id)
            Disclosure.objects.filter(pk=found.pk).update(
                review=Disclosure.Review.REVIEWED,
                reviewed_by=actor,
                reviewed_at=now,
                review_notes=notes.strip(),
            )
            audit.record(
                actor=actor,
                action=Action.REVIEW,
                object=f"disclosure:{found.pk}",
                child_id=found.child_ref,
                # The notes stay with the disclosure: free text may name anyone (§4.7).
                reason="reviewed",
                record_agencies=audit.agencies_of(found),
            )
        elif involvement_id is not None:
            involvement = Involvement.objects.filter(
                pk=involvement_id,
                practitioner__agency=actor.agency,
                flagged=True,
                reviewed_at__isnull=True,
            ).first()
            if involvement is None:
                raise NotVisible(involvement_id)
            Involvement.objects.filter(pk=involvement.pk).update(reviewed_at=now, reviewed_by=actor)
            audit.record(
                actor=actor,
                action=Action.REVIEW,
                object=f"involvement:{involvement.pk}",
                child_id=involvement.child_ref,
                reason="reviewed",
            )
