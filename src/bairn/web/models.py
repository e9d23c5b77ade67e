"""Drafts: what a practitioner was writing, kept as they type so that nothing is lost
when they are signed out for being idle (or their connection drops)."""

from __future__ import annotations

from django.db import models

from bairn.agencies.models import Practitioner


class Draft(models.Model):
    practitioner = models.ForeignKey(Practitioner, on_delete=models.CASCADE, related_name="+")
    # The page the form is on (its path): one draft per form per person.
    key = models.CharField(max_length=200)
    data = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practitioner", "key"], name="one_draft_per_form")
        ]

    def __str__(self) -> str:
        return f"draft {self.key} of {self.practitioner_id}"
