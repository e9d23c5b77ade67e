"""Recording concerns and amending them (DOMAIN §2, §4.3, §5)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from bairn.access.policy import Action, authorize
from bairn.agencies.models import Agency, Practitioner
from bairn.audit import services as audit
from bairn.chronology import alerts
from bairn.chronology.models import Concern, ConcernIndicator
from bairn.errors import Conflict, Invalid
from bairn.people.models import Child
from bairn.reference import SIGNIFICANCE_RANK, Indicator
from bairn.sharing.services import extend_to_amendment
from bairn.tasks import work

# A device clock a little ahead of ours is not a future event.
CLOCK_SKEW = dt.timedelta(minutes=5)
# Concerns in pregnancy belong to the child's chronology (pre-birth support and child
# protection); anything earlier than this before the birth is a slip.
BEFORE_BIRTH = dt.timedelta(days=300)


def _validate(
    *,
    occurred_at: dt.datetime,
    summary: str,
    indicators: Sequence[str],
    withheld_from_family: bool,
    withheld_reason: str,
    child_id: uuid.UUID,
) -> tuple[list[str], str]:
    """The indicators in their order, and the child's name for the notifications (read
    here with the date of birth, in one statement)."""
    errors: dict[str, str] = {}
    child = (
        Child.objects.filter(pk=child_id)
        .values_list("date_of_birth", "given_name", "family_name")
        .first()
    )
    born = child[0] if child is not None else None
    name = alerts.full_name(child[1], child[2]) if child is not None else "a child"
    if timezone.is_naive(occurred_at):
        errors["occurred_at"] = "Give the time with its offset, e.g. 2026-06-26T09:10:00+01:00."
    elif occurred_at > timezone.now() + CLOCK_SKEW:
        errors["occurred_at"] = "A concern cannot have happened in the future."
    elif occurred_at.year < 1900:
        errors["occurred_at"] = "This date is not possible."
    elif born is not None and timezone.localdate(occurred_at) < born - BEFORE_BIRTH:
        errors["occurred_at"] = (
            f"This is before the child was born ({born:%d/%m/%Y}) and before the pregnancy: "
            "check the date."
        )
    if not summary.strip():
        errors["summary"] = "Say what happened, in a sentence."
    if not indicators:
        errors["indicators"] = "Choose at least one wellbeing indicator."
    ordered = [i.value for i in Indicator if i.value in set(indicators)]
    if withheld_from_family and not withheld_reason.strip():
        errors["withheld_reason"] = (
            "Say why this entry must be withheld from the family (e.g. telling them "
            "would put the child at risk)."
        )
    if errors:
        raise Invalid(errors)
    return ordered, name


def record_concern(
    actor: Practitioner,
    child_id: uuid.UUID,
    *,
    occurred_at: dt.datetime,
    summary: str,
    source: str,
    indicators: Sequence[str],
    impact: str,
    significance: str,
    detail: str = "",
    action_taken: str = "",
    restricted: bool = False,
    withheld_from_family: bool = False,
    withheld_reason: str = "",
    recorded_at: dt.datetime | None = None,
) -> Concern:
    """Record a wellbeing concern (DOMAIN §2). Recording is not reading (§4.1): a
    practitioner of an agency that knows the child may record without being involved,
    and then sees their own entries only; recording makes nobody involved. The Named
    Person, Lead Professional and, for child protection, the agency's seniors are told
    (§5) at once; the pattern is checked (§5) by a task queued with the entry, as its
    e-mails are (DEVELOPERS "Background work"). `recorded_at` is for imports only."""
    authorize(actor, Action.CONCERN_CREATE, child_id=child_id, object=f"child:{child_id}")
    ordered, name = _validate(
        occurred_at=occurred_at,
        summary=summary,
        indicators=indicators,
        withheld_from_family=withheld_from_family,
        withheld_reason=withheld_reason,
        child_id=child_id,
    )
    with transaction.atomic():
        entry = _create(
            actor,
            child_id,
            amends=None,
            amendment_reason="",
            agency_id=actor.agency_id,
            occurred_at=occurred_at,
            recorded_at=recorded_at or timezone.now(),
            summary=summary.strip(),
            detail=detail,
            source=source,
            impact=impact,
            significance=significance,
            action_taken=action_taken,
            restricted=restricted,
            withheld_from_family=withheld_from_family,
            withheld_reason=withheld_reason if withheld_from_family else "",
            indicators=ordered,
        )
        audit.record(
            actor=actor,
            action=Action.CONCERN_CREATE,
            object=f"concern:{entry.pk}",
            child_id=child_id,
            # Nothing of the entry itself (DOMAIN §4.7): not its text, nor how significant
            # or protected it is; the entry is named by its id.
            record_agencies=[entry.agency_id],
        )
        emails = alerts.announce(entry, child_name=name)
        work.after_concern.enqueue(str(child_id), emails)
    return entry


def _create(
    actor: Practitioner, child_id: uuid.UUID, *, indicators: list[str], **fields: Any
) -> Concern:
    """The new entry, with what the notifications and the response read of it already at
    hand rather than read back: its agency and recorder, its indicators, and that nothing
    supersedes it yet."""
    entry = Concern.objects.create(child_ref=child_id, recorded_by=actor, **fields)
    rows = ConcernIndicator.objects.bulk_create(
        [ConcernIndicator(concern=entry, indicator=code) for code in indicators]
    )
    agency = actor.agency if actor.agency_id == entry.agency_id else None
    entry.agency = agency if agency is not None else Agency.objects.get(pk=entry.agency_id)
    # The indicators as prefetch_related would leave them (Concern.indicator_codes).
    cached = entry.indicators.all()
    cached._result_cache = rows
    setattr(cached, "_prefetch_done", True)  # noqa: B010
    setattr(entry, "_prefetched_objects_cache", {"indicators": cached})  # noqa: B010
    Concern._meta.get_field("amended_by").set_cached_value(entry, None)
    return entry


AMENDABLE = (
    "occurred_at",
    "summary",
    "detail",
    "source",
    "indicators",
    "impact",
    "significance",
    "action_taken",
    "restricted",
    "withheld_from_family",
    "withheld_reason",
)


def amend_concern(
    actor: Practitioner, concern_id: uuid.UUID, *, reason: str, **changes: Any
) -> Concern:
    """Correct an entry by a new one that supersedes it; the old stays in the history
    (DOMAIN §2). Only the recording agency amends, and only the latest version."""
    old = Concern.objects.select_related("agency").filter(pk=concern_id).first()
    authorize(actor, Action.CONCERN_AMEND, record=old, object=f"concern:{concern_id}")
    assert old is not None
    if Concern.objects.filter(amends=old).exists():
        latest = Concern.objects.get(amends=old)
        raise Conflict(
            "This entry has already been amended; amend the latest version.",
            field="id",
            current_id=str(latest.pk),
        )
    if not reason.strip():
        raise Invalid({"reason": "Say why the entry is being corrected."})
    unknown = set(changes) - set(AMENDABLE)
    if unknown:
        raise Invalid(dict.fromkeys(sorted(unknown), "This field cannot be amended."))
    values: dict[str, Any] = {
        name: getattr(old, name) for name in AMENDABLE if name != "indicators"
    }
    values["indicators"] = old.indicator_codes
    values.update({k: v for k, v in changes.items() if v is not None})
    if not values["withheld_from_family"]:
        values["withheld_reason"] = ""
    ordered, name = _validate(
        occurred_at=values["occurred_at"],
        summary=values["summary"],
        indicators=values["indicators"],
        withheld_from_family=values["withheld_from_family"],
        withheld_reason=values["withheld_reason"],
        child_id=old.child_ref,
    )
    values["indicators"] = ordered
    escalated = SIGNIFICANCE_RANK[values["significance"]] > SIGNIFICANCE_RANK[old.significance]
    try:
        with transaction.atomic():
            entry = _create(
                actor,
                old.child_ref,
                amends=old,
                amendment_reason=reason.strip(),
                agency_id=old.agency_id,
                recorded_at=timezone.now(),
                **values,
            )
            audit.record(
                actor=actor,
                action=Action.CONCERN_AMEND,
                object=f"concern:{entry.pk}",
                child_id=old.child_ref,
                # The reason for the correction stays with the entry: free text may name
                # anyone (DOMAIN §4.7).
                reason=f"amends concern:{old.pk}",
                record_agencies=[entry.agency_id],
            )
            extend_to_amendment(old, entry)
            emails = alerts.announce(entry, amended=True, escalated=escalated, child_name=name)
            work.after_concern.enqueue(str(old.child_ref), emails)
    except IntegrityError as exc:  # two amendments of one entry at once
        raise Conflict("This entry has just been amended by someone else.", field="id") from exc
    return entry
