"""Wellbeing concerns: the entries of the multi-agency chronology (DOMAIN §2).

Entries are never edited or deleted by users. A correction is a new entry that `amends`
the old one and says why; the old one stays in the history.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models

from bairn.agencies.models import Agency, Practitioner
from bairn.reference import Impact, Indicator, Significance, Source


class ImmutableRecord(Exception):
    """Raised when code tries to change or delete a recorded entry."""


class Concern(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Indexed below, first of two indexes (a third on it alone would only repeat them).
    child_ref = models.UUIDField()
    # The agency that recorded it is its data controller.
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="concerns")
    recorded_by = models.ForeignKey(
        Practitioner, on_delete=models.PROTECT, related_name="concerns_recorded"
    )
    occurred_at = models.DateTimeField()
    recorded_at = models.DateTimeField()
    summary = models.CharField(max_length=500)
    detail = models.TextField(blank=True)
    source = models.CharField(max_length=20, choices=Source.choices)
    impact = models.CharField(max_length=10, choices=Impact.choices)
    significance = models.CharField(max_length=20, choices=Significance.choices)
    action_taken = models.TextField(blank=True)
    restricted = models.BooleanField(default=False)
    withheld_from_family = models.BooleanField(default=False)
    withheld_reason = models.TextField(blank=True)
    amends = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="amended_by"
    )
    amendment_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["occurred_at", "recorded_at"]
        indexes = [
            # One agency's entries about a child (sharing, releases, the team's view).
            models.Index(fields=["child_ref", "agency", "occurred_at"]),
            # A child's chronology in date order, and a period of it (from/to, the
            # pattern check's window): read in index order, no sort.
            models.Index(
                fields=["child_ref", "occurred_at", "recorded_at"], name="concern_child_time"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d} {self.summary[:40]}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableRecord("A recorded concern cannot be changed; record an amendment.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableRecord("A recorded concern cannot be deleted.")

    @property
    def indicator_codes(self) -> list[str]:
        return [i.indicator for i in self.indicators.all()]


class ConcernIndicator(models.Model):
    # Looked up by the unique (concern, indicator) index: no second index on concern.
    concern = models.ForeignKey(
        Concern, on_delete=models.PROTECT, related_name="indicators", db_index=False
    )
    indicator = models.CharField(max_length=20, choices=Indicator.choices)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["concern", "indicator"], name="indicator_once")
        ]

    def __str__(self) -> str:
        return self.indicator
