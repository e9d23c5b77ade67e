"""Agencies, practitioners and their roles, API tokens, and who is involved with a child.

Children live in the identity store; here they are only an opaque `child_ref` (DOMAIN §6).
"""

from __future__ import annotations

import uuid
from functools import cached_property

from django.contrib.auth.models import AbstractUser, Group, UserManager
from django.db import models
from django.db.models import Q

from bairn.reference import AgencyKind, Role


class Agency(models.Model):
    """An organisation around children; each is a data controller for what it records."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=AgencyKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name


class PractitionerManager(UserManager["Practitioner"]):
    def create_superuser(
        self,
        username: str,
        email: str | None = None,
        password: str | None = None,
        **extra_fields: object,
    ) -> Practitioner:
        extra_fields.setdefault("full_name", username)
        from bairn.access.actions import Action
        from bairn.audit import services as audit

        user = super().create_superuser(username, email, password, **extra_fields)
        user.groups.add(Group.objects.get_or_create(name=Role.ADMIN)[0])
        # Who holds the keys is accountable too: the first administrator is on the record.
        audit.record(
            actor=user,
            action=Action.PRACTITIONER_CREATE,
            object=f"practitioner:{user.pk}",
            reason="administrator made with bairn createsuperuser",
        )
        return user


class Practitioner(AbstractUser):
    """Anyone who signs in: a practitioner of one agency, or a system administrator.

    Roles (DOMAIN §1) are Django groups named by their codes.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    full_name = models.CharField(max_length=200)
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="practitioners"
    )
    phone = models.CharField(max_length=40, blank=True)
    job_title = models.CharField(max_length=120, blank=True)

    objects = PractitionerManager()  # type: ignore[misc]

    REQUIRED_FIELDS = ["email"]

    class Meta:
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.username

    @cached_property
    def roles(self) -> frozenset[str]:
        return frozenset(self.groups.values_list("name", flat=True))

    def has_role(self, role: str) -> bool:
        return role in self.roles

    @property
    def display_name(self) -> str:
        return self.full_name or self.username


class ApiToken(models.Model):
    """A bearer token. Only its SHA-256 is kept; the token itself is shown once."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    practitioner = models.ForeignKey(
        Practitioner, on_delete=models.CASCADE, related_name="api_tokens"
    )
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)
    label = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    # When a two-factor code was last accepted on this token (the API's step-up).
    stepped_up_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.practitioner})"


class SetupLink(models.Model):
    """A one-time link that lets an account made by an administrator link its first
    authenticator app. Only its SHA-256 is kept; it works once, before it expires."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    practitioner = models.ForeignKey(
        Practitioner, on_delete=models.CASCADE, related_name="setup_links"
    )
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"set-up link for {self.practitioner}"


class Assignment(models.Model):
    """Named Person or Lead Professional for a child, from when until when (DOMAIN §2)."""

    class Kind(models.TextChoices):
        NAMED_PERSON = "named_person", "Named Person"
        LEAD_PROFESSIONAL = "lead_professional", "Lead Professional"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    child_ref = models.UUIDField(db_index=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    practitioner = models.ForeignKey(
        Practitioner, on_delete=models.PROTECT, related_name="assignments"
    )
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    assigned_by = models.ForeignKey(
        Practitioner, on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        ordering = ["started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["child_ref", "kind"],
                condition=Q(ended_at__isnull=True),
                name="one_current_assignment_per_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.practitioner} for {self.child_ref}"


class Involvement(models.Model):
    """Why a practitioner may see a child at all (DOMAIN §4.1, §4.9)."""

    class Basis(models.TextChoices):
        CREATED_RECORD = "created_record", "Created the record"
        RECORDED_CONCERN = "recorded_concern", "Recorded a concern"
        NAMED_PERSON = "named_person", "Named Person"
        LEAD_PROFESSIONAL = "lead_professional", "Lead Professional"
        TEAM_MEMBER = "team_member", "Working with the child"
        PLAN_TEAM = "plan_team", "On the Child's Plan team"
        CHILD_PROTECTION_LEAD = (
            "child_protection_lead",
            "Senior told of a child protection concern in their agency",
        )
        BREAK_GLASS = "break_glass", "Emergency access (break glass)"
        SHARE_REQUEST = "share_request", "Deciding a share request"
        DISCLOSURE_RECEIVED = "disclosure_received", "Received a disclosure"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    child_ref = models.UUIDField(db_index=True)
    practitioner = models.ForeignKey(
        Practitioner, on_delete=models.PROTECT, related_name="involvements"
    )
    basis = models.CharField(max_length=30, choices=Basis.choices)
    reason = models.TextField(blank=True)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    # Break glass is flagged for information governance review (DOMAIN §4.9).
    flagged = models.BooleanField(default=False)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        Practitioner, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        ordering = ["started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["child_ref", "practitioner", "basis"],
                condition=Q(ended_at__isnull=True),
                name="one_current_involvement_per_basis",
            )
        ]

    def __str__(self) -> str:
        return f"{self.practitioner} involved with {self.child_ref} ({self.basis})"


class NamedPersonOffer(models.Model):
    """The family's answer to the offer of a Named Person (DOMAIN §2). A family may decline
    it: that is recorded, and is not in itself a concern. Answers are never changed; a
    later answer (the family changing its mind) supersedes the earlier one."""

    class Decision(models.TextChoices):
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    child_ref = models.UUIDField(db_index=True)
    decision = models.CharField(max_length=10, choices=Decision.choices)
    # Who answered: a person around the child (identity store), or the child (null).
    person_ref = models.UUIDField(null=True, blank=True)
    decided_on = models.DateField()
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["recorded_at"]

    def __str__(self) -> str:
        return f"Named Person offer {self.decision} for {self.child_ref}"
