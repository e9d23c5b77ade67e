"""The National Practice Model and the Child's Plan (practice-model.md): wellbeing
assessments made of several agencies' contributions, one plan per child with every
version kept, Team Around the Child meetings, IRDs and the child protection register."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q

from bairn.agencies.models import Agency, Practitioner


class Rating(models.TextChoices):
    STRENGTH = "strength", "Strength"
    NO_CONCERN = "no_concern", "No concern"
    SOME_CONCERN = "some_concern", "Some concern"
    SIGNIFICANT_CONCERN = "significant_concern", "Significant concern"


# The more concerning view wins when contributions differ; each stays on the record.
RATING_RANK: dict[str, int] = {
    Rating.STRENGTH: 0,
    Rating.NO_CONCERN: 1,
    Rating.SOME_CONCERN: 2,
    Rating.SIGNIFICANT_CONCERN: 3,
}


class ActionStatus(models.TextChoices):
    """Where an action of the Child's Plan stands (stored in the plan's content)."""

    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


class Axis(models.TextChoices):
    RESILIENCE = "resilience", "Resilience"
    VULNERABILITY = "vulnerability", "Vulnerability"
    PROTECTIVE = "protective", "Protective environment"
    ADVERSITY = "adversity", "Adversity"


class Assessment(models.Model):
    """One wellbeing assessment of a child, to which each agency contributes once."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    child_ref = models.UUIDField(db_index=True)
    started_by = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"assessment of {self.child_ref}"


class Contribution(models.Model):
    """An agency's part of an assessment: views on indicators with their evidence, My
    World Triangle notes, Resilience Matrix factors, answers to the five questions."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    assessment = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, related_name="contributions"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    indicators = models.JSONField(default=dict)
    my_world = models.JSONField(default=dict)
    resilience_matrix = models.JSONField(default=list)
    five_questions = models.JSONField(default=dict)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            # No agency repeats another's assessment, nor its own.
            models.UniqueConstraint(fields=["assessment", "agency"], name="one_per_agency")
        ]

    def __str__(self) -> str:
        return f"{self.agency} on {self.assessment_id}"


class Plan(models.Model):
    """The Child's Plan: one active per child. Its content lives in its versions."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    child_ref = models.UUIDField(db_index=True)
    version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["child_ref"], condition=Q(closed_at__isnull=True), name="one_active_plan"
            )
        ]

    def __str__(self) -> str:
        return f"plan for {self.child_ref} v{self.version}"


class PlanVersion(models.Model):
    """A version of the plan as it was saved; never changed afterwards."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField()
    saved_at = models.DateTimeField()
    saved_by = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")
    content = models.JSONField()
    changes = models.JSONField(default=list)
    meeting = models.ForeignKey(
        "Meeting", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["version"]
        constraints = [models.UniqueConstraint(fields=["plan", "version"], name="version_once")]

    def __str__(self) -> str:
        return f"v{self.version} of {self.plan_id}"


class Meeting(models.Model):
    """A Team Around the Child meeting (practice-model.md)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    child_ref = models.UUIDField(db_index=True)
    held_on = models.DateField()
    attendees = models.ManyToManyField(Practitioner, related_name="+")
    invitees = models.ManyToManyField(Practitioner, related_name="+")
    family_attended = models.BooleanField()
    decisions = models.TextField()
    minutes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"meeting {self.held_on} for {self.child_ref}"


class Ird(models.Model):
    """An Inter-agency Referral Discussion (National Guidance for Child Protection)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    child_ref = models.UUIDField(db_index=True)
    started_at = models.DateTimeField()
    reason = models.TextField()
    participants = models.ManyToManyField(Agency, related_name="+")
    information_shared = models.TextField()
    decisions = models.TextField()
    recorded_by = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"IRD {self.started_at:%Y-%m-%d} for {self.child_ref}"


class RegisterEntry(models.Model):
    """The local authority's child protection register entry, when a Child Protection
    Planning Meeting decides on a Child Protection Plan."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    child_ref = models.UUIDField(db_index=True)
    local_authority = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    cppm_held_on = models.DateField()
    registered_on = models.DateField()
    concerns = models.JSONField(default=list)
    recorded_by = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")
    removed_on = models.DateField(null=True, blank=True)
    removal_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-registered_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["child_ref"], condition=Q(removed_on__isnull=True), name="registered_once"
            )
        ]

    def __str__(self) -> str:
        return f"register {self.registered_on} for {self.child_ref}"


class OverdueNotice(models.Model):
    """That an overdue action or review was announced, so it is announced once."""

    key = models.CharField(max_length=200, primary_key=True)
    sent_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.key
