"""Sharing (DOMAIN §4.4–4.6): consent, views and disclosures for whoever is involved; who
sees the ISP register and share requests; who decides a share request; who authorises a
share for child protection."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Q

from bairn.access.actions import Action
from bairn.access.rules import Decision, rule
from bairn.access.rules.facts import (
    NOT_A_WAY_IN,
    NOT_INVOLVED,
    involved,
    involved_children,
    involvement_bases,
    practitioner_only,
    works_with_children,
)
from bairn.agencies.models import Involvement, Practitioner
from bairn.reference import PRACTICE_ROLES, Role


@rule(
    Action.CONSENT_RECORD,
    Action.CONSENT_WITHDRAW,
    Action.CONSENT_READ,
    Action.VIEWS_RECORD,
    Action.SHARING_CHECK,
    Action.DISCLOSE,
    Action.DISCLOSURE_READ,
    Action.SHARE_REQUEST_CREATE,
    cites="DOMAIN §4.4",
)
def involved_shares(
    actor: Practitioner, child_id: uuid.UUID | None, record: Any = None
) -> Decision:
    """Involved with the child; whether a share is allowed, the sharing engine decides."""
    return involved(actor, child_id)


def isps_visible(actor: Practitioner) -> Q:
    """The list filter of `isp_register`."""
    return Q(parties__agency=actor.agency_id) | Q(drafted_by=actor)


@rule(Action.ISP_READ, cites="DOMAIN §2", lists=isps_visible)
def isp_register(actor: Practitioner, child_id: uuid.UUID | None, record: Any = None) -> Decision:
    """The ISP register (DOMAIN §2): every practitioner sees the protocols their agency is
    party to and those they drafted; any other ISP is not found."""
    from bairn.sharing.models import Isp

    allowed = practitioner_only(actor, "see the ISP register and share requests")
    if record is None or not allowed.allowed:
        return allowed
    if isinstance(record, Isp) and (
        record.drafted_by_id == actor.pk or record.parties.filter(agency=actor.agency_id).exists()
    ):
        return Decision.allow("an ISP the practitioner's agency is party to, or they drafted")
    return Decision.hide("not an ISP of the practitioner's agency")


def share_requests_to_decide(actor: Practitioner) -> Q:
    """The list filter of `share_request_decider`: the share requests the actor decides."""
    if not works_with_children(actor):
        return Q(pk__in=[])
    mine = Q(holder_agency_id=actor.agency_id)
    if actor.has_role(Role.SENIOR) or actor.has_role(Role.INFORMATION_GOVERNANCE):
        return mine
    return mine & Q(child_ref__in=involved_children(actor).values("child_ref"))


@rule(Action.SHARE_REQUEST_DECIDE, cites="DOMAIN §4.4", lists=share_requests_to_decide)
def share_request_decider(
    actor: Practitioner, child_id: uuid.UUID | None, record: Any = None
) -> Decision:
    """Who decides a share request to an agency (DOMAIN §4.4): its practitioners who are
    involved with the child (they hold the information and know the family), its seniors
    and its information governance lead. To anyone else the request is not found.
    Releasing a restricted entry, and sharing for child protection, still need a senior:
    the sharing engine says so when the share itself is decided."""
    from bairn.sharing.models import ShareRequest

    if (
        not isinstance(record, ShareRequest)
        or not works_with_children(actor)
        or actor.agency_id != record.holder_agency_id
    ):
        return Decision.hide("not a request to the practitioner's agency")
    for role, who in (
        (Role.SENIOR, "a senior"),
        (Role.INFORMATION_GOVERNANCE, "information governance"),
    ):
        if actor.has_role(role):
            return Decision.allow(f"{who} of the holding agency decides its requests (DOMAIN §4.4)")
    bases = involvement_bases(actor, record.child_ref)
    if bases:
        return Decision.allow(
            "a practitioner of the holding agency involved with the child decides its "
            "requests (DOMAIN §4.4)",
            basis=bases,
        )
    return Decision.hide(NOT_INVOLVED)


def share_request_deciders(holder_agency_id: uuid.UUID, child_id: uuid.UUID) -> list[Practitioner]:
    """Everyone `share_request_decider` lets decide a request to this agency about this
    child: all of them are told of it."""
    involved_now = (
        Involvement.objects.filter(child_ref=child_id, ended_at__isnull=True)
        .exclude(basis__in=NOT_A_WAY_IN)
        .values("practitioner_id")
    )
    return list(
        Practitioner.objects.filter(
            Q(groups__name__in=[Role.SENIOR, Role.INFORMATION_GOVERNANCE]) | Q(pk__in=involved_now),
            agency_id=holder_agency_id,
            is_active=True,
        )
        .filter(groups__name__in=PRACTICE_ROLES)
        .distinct()
        .order_by("full_name")
    )


def share_requests_visible(actor: Practitioner) -> Q:
    """The list filter of `share_request_party`: the requests the actor has a part in."""
    if not works_with_children(actor):
        return Q(pk__in=[])
    return (
        Q(requested_by=actor)
        | share_requests_to_decide(actor)
        | Q(
            requesting_agency_id=actor.agency_id,
            child_ref__in=involved_children(actor).values("child_ref"),
        )
    )


@rule(Action.SHARE_REQUEST_READ, cites="DOMAIN §4.4", lists=share_requests_visible)
def share_request_party(
    actor: Practitioner, child_id: uuid.UUID | None, record: Any = None
) -> Decision:
    """Who sees a share request (DOMAIN §4.4): whoever may decide it, whoever made it,
    and the requesting agency's practitioners involved with the child. To anyone else
    it is not found."""
    from bairn.sharing.models import ShareRequest

    if not works_with_children(actor):
        return practitioner_only(actor, "see share requests")
    if not isinstance(record, ShareRequest):
        return Decision.hide("no such share request")
    deciding = share_request_decider(actor, child_id, record)
    if deciding.allowed:
        return deciding
    if record.requested_by_id == actor.pk:
        return Decision.allow("the practitioner who made the request")
    if actor.agency_id == record.requesting_agency_id:
        bases = involvement_bases(actor, record.child_ref)
        if bases:
            return Decision.allow(
                "a practitioner of the requesting agency involved with the child", basis=bases
            )
    return Decision.hide("not a request the practitioner has a part in")


@rule(Action.SHARE_REQUEST_LIST, cites="DOMAIN §4.4", lists=share_requests_visible)
def practitioner_lists_share_requests(
    actor: Practitioner, child_id: uuid.UUID | None, record: Any = None
) -> Decision:
    return practitioner_only(actor, "see the ISP register and share requests")


def authorisations_to_decide(actor: Practitioner) -> Q:
    """The list filter of `senior_authorises`: the authorisations the actor decides."""
    if not works_with_children(actor) or not actor.has_role(Role.SENIOR):
        return Q(pk__in=[])
    return Q(
        agency_id=actor.agency_id,
        child_ref__in=involved_children(actor).values("child_ref"),
    ) & ~Q(asked_by=actor)


@rule(Action.AUTHORISATION_DECIDE, cites="DOMAIN §4.4", lists=authorisations_to_decide)
def senior_authorises(
    actor: Practitioner, child_id: uuid.UUID | None, record: Any = None
) -> Decision:
    """Authorising a share is the senior's own act (DOMAIN §4.4): a practitioner asks a
    named senior, who is told at once and decides. A senior of the disclosing agency who
    may see the child decides (the one asked is involved from the moment they are
    asked) — never the practitioner who asked. To anyone else it is not found."""
    from bairn.sharing.models import Authorisation

    if (
        not isinstance(record, Authorisation)
        or not works_with_children(actor)
        or actor.agency_id != record.agency_id
    ):
        return Decision.hide("not an authorisation asked of the practitioner's agency")
    if record.asked_by_id == actor.pk:
        return Decision.forbid(
            "no one authorises their own share: a senior of the agency decides (DOMAIN §4.4)"
        )
    if not actor.has_role(Role.SENIOR):
        return Decision.hide("only a senior of the disclosing agency authorises (DOMAIN §4.4)")
    bases = involvement_bases(actor, record.child_ref)
    if not bases:
        return Decision.hide(NOT_INVOLVED)
    return Decision.allow(
        "a senior of the disclosing agency decides, as their own act (DOMAIN §4.4)", basis=bases
    )


def authorisations_visible(actor: Practitioner) -> Q:
    """The list filter of `practitioner_lists_authorisations`: the authorisations the
    actor asked for, and those they decide."""
    if not works_with_children(actor):
        return Q(pk__in=[])
    return Q(asked_by=actor) | authorisations_to_decide(actor)


@rule(Action.AUTHORISATION_LIST, cites="DOMAIN §4.4", lists=authorisations_visible)
def practitioner_lists_authorisations(
    actor: Practitioner, child_id: uuid.UUID | None, record: Any = None
) -> Decision:
    return practitioner_only(actor, "see the authorisations they asked for or may give")
