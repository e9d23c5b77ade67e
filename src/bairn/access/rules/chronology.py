"""Concerns and the chronology (DOMAIN §4.1, §4.3): recording is not reading; each
agency's entries stay with it."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.db.models import Q

from bairn.access.actions import Action
from bairn.access.rules import Decision, rule
from bairn.access.rules.facts import (
    NOT_INVOLVED,
    agency_knows_child,
    involved,
    involvement_bases,
    works_with_children,
)
from bairn.agencies.models import Practitioner
from bairn.reference import Role

if TYPE_CHECKING:
    from bairn.chronology.models import Concern


def visible_entries(actor: Practitioner, child_id: uuid.UUID | None = None) -> Q:
    """Which chronology entries the actor may see, for a child they are involved with
    (DOMAIN §4.3): their own agency's entries (restricted ones only for the recorder and
    the agency's seniors), and entries another agency disclosed to theirs while the
    disclosure is in force. Callers must check involvement with the child first; a
    caller reading one child's entries names the child, so that only that child's
    disclosures are looked at."""
    from bairn.sharing.engine import disclosed_to

    if actor.agency_id is None:
        return Q(pk__in=[])
    own = Q(agency_id=actor.agency_id)
    if not actor.has_role(Role.SENIOR):
        own &= Q(restricted=False) | Q(recorded_by=actor)
    return own | disclosed_to(actor.agency_id, child_id)


def visible_because(
    actor: Practitioner, entry: Concern, disclosures: dict[uuid.UUID, uuid.UUID] | None = None
) -> str:
    """`own_agency`, or `disclosure:<id>` naming the disclosure that lets the actor see it."""
    if entry.agency_id == actor.agency_id:
        return "own_agency"
    disclosure = (disclosures or {}).get(entry.pk)
    return f"disclosure:{disclosure}" if disclosure else "not_visible"


def own_entries(actor: Practitioner) -> Q:
    """The entries the actor recorded, for their agency: all that recording without being
    involved lets them see (DOMAIN §4.1)."""
    if actor.agency_id is None:
        return Q(pk__in=[])
    return Q(recorded_by=actor, agency_id=actor.agency_id)


@rule(Action.CHRONOLOGY_READ, cites="DOMAIN §4.3", lists=visible_entries)
def involved_reads_chronology(
    actor: Practitioner, child_id: uuid.UUID | None, record: Any = None
) -> Decision:
    """Involved with the child; which entries, `visible_entries` says."""
    return involved(actor, child_id)


@rule(Action.CONCERN_CREATE, cites="DOMAIN §4.1")
def recording_is_not_reading(
    actor: Practitioner, child_id: uuid.UUID | None, record: Any = None
) -> Decision:
    if child_id is None or not works_with_children(actor):
        return Decision.hide(NOT_INVOLVED)
    bases = involvement_bases(actor, child_id)
    if bases:
        return Decision.allow(f"involved with this child as {', '.join(bases)}", basis=bases)
    assert actor.agency_id is not None
    if agency_knows_child(actor.agency_id, child_id):
        return Decision.allow(
            "the practitioner's agency already knows this child: they may record a concern, "
            "which the Named Person is told of, and see only their own entries (recording is "
            "not reading, DOMAIN §4.1)"
        )
    return Decision.hide(NOT_INVOLVED)


def _own_entry(actor: Practitioner, record: Concern) -> bool:
    return (
        works_with_children(actor)
        and record.recorded_by_id == actor.pk
        and record.agency_id == actor.agency_id
    )


@rule(Action.CONCERN_READ, cites="DOMAIN §4.3")
def entry_visible(actor: Practitioner, child_id: uuid.UUID | None, record: Any = None) -> Decision:
    from bairn.chronology.models import Concern

    if record is None:
        return Decision.hide("no such entry")
    seen = involved(actor, record.child_ref)
    if not seen.allowed:
        if _own_entry(actor, record):
            return Decision.allow(
                "an entry the practitioner recorded: recording lets them see their own "
                "entries, nothing else of the child's record (DOMAIN §4.1)"
            )
        return seen
    if not Concern.objects.filter(pk=record.pk).filter(visible_entries(actor)).exists():
        return Decision.hide("this entry is not visible to the practitioner's agency (§4.3)")
    return Decision.allow(
        "an entry the practitioner's agency recorded or received", basis=seen.basis
    )


@rule(Action.CONCERN_AMEND, cites="DOMAIN §4.3")
def recording_agency_amends(
    actor: Practitioner, child_id: uuid.UUID | None, record: Any = None
) -> Decision:
    seen = entry_visible(actor, child_id, record)
    if not seen.allowed or record is None:
        return seen
    if record.agency_id != actor.agency_id:
        return Decision.forbid("only the agency that recorded an entry may amend it")
    return Decision.allow("the recording agency may amend its entry", basis=seen.basis)
