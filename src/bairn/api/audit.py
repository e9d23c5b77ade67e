"""The audit, for information governance (API.md "Transparency and audit"), and the
transparency log's checkpoints and proofs, for witnesses and anyone checking them
(API.md "Audit log")."""

from __future__ import annotations

import datetime as dt
import uuid

from django.http import HttpRequest
from ninja import Query, Router, Status
from pydantic import Field

from bairn.access.declare import PUBLIC, policy
from bairn.access.lookup import NONE, QUERY
from bairn.access.policy import Action
from bairn.api.main import actor
from bairn.api.schemas import (
    ERRORS,
    DayOrMoment,
    Input,
    Output,
    moment,
    reject_unknown_query,
)
from bairn.audit import log, queries
from bairn.audit.models import AuditEvent

router = Router()


class AuditFilter(Input):
    child_id: uuid.UUID | None = None
    actor: str | None = Field(default=None, max_length=150)
    from_: DayOrMoment | None = Field(default=None, alias="from")
    to: DayOrMoment | None = None
    action: str | None = Field(default=None, max_length=60)
    outcome: AuditEvent.Outcome | None = None
    limit: int = Field(
        default=queries.DEFAULT_PAGE,
        description=f"How many, newest first: 1 to {queries.MAX_EVENTS}.",
    )
    cursor: str | None = Field(
        default=None,
        max_length=200,
        description="The `next` of the previous page, to read the next (older) one.",
    )


class EventOut(Output):
    id: int
    at: dt.datetime
    actor: str
    actor_id: str
    agency_id: str
    action: str
    object: str
    child_id: str
    purpose: str
    outcome: str
    reason: str
    flagged: bool


class EventsOut(Output):
    events: list[EventOut]
    next: str | None = Field(
        description="The cursor of the next (older) page; null on the last page."
    )


@router.get("", response={200: EventsOut, **ERRORS})
@policy(Action.AUDIT_READ, lookup=QUERY)
def audit_events(request: HttpRequest, filters: Query[AuditFilter]) -> dict[str, object]:
    """Every read and write, allowed and refused, newest first, that the caller's agency
    answers for: those of its own people, and those that touched its own records (its
    entries, the disclosures it made or received, its share requests and ISPs) —
    nothing else (bairn.audit.queries.answers_for). `actor` is a username or a
    practitioner id. A page at a time: `limit` events (default 200) and `next`, the
    cursor to send back as `cursor` for the older ones (null on the last page)."""
    reject_unknown_query(request, AuditFilter)
    found = queries.events_page(
        actor(request),
        child_id=filters.child_id,
        who=filters.actor,
        date_from=moment(filters.from_),
        date_to=moment(filters.to, end=True),
        action=filters.action,
        outcome=filters.outcome.value if filters.outcome else None,
        limit=filters.limit,
        cursor=filters.cursor,
    )
    return {
        "events": [
            {
                "id": e.seq,
                "at": e.at,
                "actor": e.actor,
                "actor_id": e.actor_id,
                "agency_id": e.agency_id,
                "action": e.action,
                "object": e.object,
                "child_id": e.child_id,
                "purpose": e.purpose,
                "outcome": e.outcome,
                "reason": e.reason,
                "flagged": e.flagged,
            }
            for e in found.items
        ],
        "next": found.next,
    }


# --- the transparency log (API.md "Audit log") -------------------------------------------


class CosignatureOut(Input):
    witness: str
    signed_note: str


class CheckpointOut(Input):
    origin: str
    tree_size: int
    root_hash: str = Field(description="base64 of the 32-byte SHA-256 root")
    signed_note: str
    public_key: str = Field(description="the log's C2SP note verifier key")
    at: dt.datetime
    cosignatures: list[CosignatureOut]


@router.get("/checkpoint", auth=None, response={200: CheckpointOut, **ERRORS})
@policy(PUBLIC)
def checkpoint(request: HttpRequest) -> dict[str, object]:
    """The latest signed checkpoint of the audit log, with its witnesses' cosignatures.
    Public: a witness needs no account."""
    latest = log.latest_checkpoint()
    assert latest is not None
    return {
        "origin": log.origin(),
        "tree_size": latest.tree_size,
        "root_hash": log.b64(bytes(latest.root_hash)),
        "signed_note": latest.signed_note,
        "public_key": latest.key,
        "at": latest.at,
        "cosignatures": log.cosigned_note(latest),
    }


class ProofQuery(Input):
    tree_size: int | None = Field(default=None, ge=0)


class InclusionOut(Input):
    leaf_index: int
    tree_size: int
    leaf_hash: str
    hashes: list[str]


@router.get("/events/{event_id}/proof", response={200: InclusionOut, **ERRORS})
@policy(Action.AUDIT_READ, lookup=NONE)
def inclusion_proof(
    request: HttpRequest, event_id: int, params: Query[ProofQuery]
) -> dict[str, object]:
    """The RFC 6962 inclusion proof of an event in a signed tree (the latest when
    `tree_size` is not given), for the information governance that answers for the
    event. 409 while the event waits to be sealed (seconds)."""
    reject_unknown_query(request, ProofQuery)
    proof = queries.proof_for(actor(request), event_id, params.tree_size)
    return {
        "leaf_index": proof.leaf_index,
        "tree_size": proof.tree_size,
        "leaf_hash": log.b64(proof.leaf_hash),
        "hashes": [log.b64(h) for h in proof.hashes],
    }


class ConsistencyQuery(Input):
    from_: int = Field(alias="from", ge=0)
    to: int = Field(ge=0)


class ConsistencyOut(Input):
    from_: int = Field(alias="from")
    to: int
    hashes: list[str]


@router.get("/consistency", auth=None, response={200: ConsistencyOut, **ERRORS}, by_alias=True)
@policy(PUBLIC)
def consistency_proof(request: HttpRequest, params: Query[ConsistencyQuery]) -> dict[str, object]:
    """The RFC 6962 consistency proof between two signed tree sizes. Public."""
    reject_unknown_query(request, ConsistencyQuery)
    hashes = log.consistency(params.from_, params.to)
    return {"from": params.from_, "to": params.to, "hashes": [log.b64(h) for h in hashes]}


class CosignatureIn(Input):
    witness: str = Field(min_length=1, max_length=200)
    signed_note: str = Field(min_length=1, max_length=10_000)


class CosignedOut(Input):
    witness: str
    tree_size: int


@router.post(
    "/cosignatures",
    auth=None,
    response={201: CosignedOut, **ERRORS},
)
@policy(PUBLIC)
def add_cosignature(request: HttpRequest, payload: CosignatureIn) -> Status[dict[str, object]]:
    """A witness's cosignature of a checkpoint this log issued (C2SP tlog-cosignature),
    accepted only from a key registered with `bairn audit witness-add`: 403 for any
    other, 409 for a note about a tree this log never signed."""
    try:
        kept = log.add_cosignature(payload.witness, payload.signed_note)
    except log.UnknownWitness as error:
        return Status(403, {"detail": str(error), "reasons": [str(error)]})
    return Status(201, {"witness": kept.witness, "tree_size": kept.tree_size})
