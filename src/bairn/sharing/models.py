"""Lawful information sharing (DOMAIN §2, §4.4–4.8): Information Sharing Protocols as
data the system enforces, consent and views, share requests, and disclosures.

People are referred to by opaque references only (`child_ref`, `person_ref`): who they
are lives in the identity store.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import models
from django.utils import timezone

from bairn.agencies.models import Agency, Practitioner
from bairn.chronology.models import Concern
from bairn.reference import LawfulBasis, Purpose, SpecialCategoryCondition


class Isp(models.Model):
    """An Information Sharing Protocol between agencies (DOMAIN §2; ICO data sharing code)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ACTIVE = "active", "Active"
        SUSPENDED = "suspended", "Suspended"
        EXPIRED = "expired", "Expired"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    title = models.CharField(max_length=200)
    purposes = models.JSONField(default=list)
    categories = models.JSONField(default=list)
    lawful_basis = models.CharField(max_length=30, choices=LawfulBasis.choices)
    special_category_condition = models.CharField(
        max_length=40, choices=SpecialCategoryCondition.choices, blank=True
    )
    consent_required = models.BooleanField()
    onward_sharing = models.BooleanField()
    retention_days = models.PositiveIntegerField()
    review_date = models.DateField()
    security_conditions = models.TextField(blank=True)
    privacy_impact_assessment = models.TextField(blank=True)
    # Stored status is draft, active or suspended; "expired" is derived from the date.
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    status_reason = models.TextField(blank=True)
    drafted_by = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")
    drafted_at = models.DateTimeField(auto_now_add=True)
    activated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["title"]
        verbose_name = "information sharing protocol"

    def __str__(self) -> str:
        return self.title

    def effective_status(self, today: dt.date | None = None) -> str:
        today = today or timezone.localdate()
        if self.status == self.Status.ACTIVE and self.review_date < today:
            return self.Status.EXPIRED
        return self.status


class IspParty(models.Model):
    """An agency party to an ISP, its approval, and its key post holders."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    isp = models.ForeignKey(Isp, on_delete=models.PROTECT, related_name="parties")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="isp_parties")
    data_protection_officer = models.CharField(max_length=200, blank=True)
    senior_information_risk_owner = models.CharField(max_length=200, blank=True)
    approved_by = models.ForeignKey(
        Practitioner, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["agency__name"]
        constraints = [models.UniqueConstraint(fields=["isp", "agency"], name="party_once")]

    def __str__(self) -> str:
        return f"{self.agency} in {self.isp}"


class Consent(models.Model):
    """Agreement given or refused, by the child or a person with parental responsibility,
    to purposes, recipients and categories, until when, and whether withdrawn."""

    class Decision(models.TextChoices):
        GIVEN = "given", "Given"
        REFUSED = "refused", "Refused"

    class Capacity(models.TextChoices):
        CHILD_PRESUMED = "child_presumed", "The child, presumed to understand (aged 12 or over)"
        CHILD_JUDGED = "child_judged", "The child, judged to understand"
        PARENTAL_RESPONSIBILITY = "parental_responsibility", "A person with parental responsibility"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    child_ref = models.UUIDField(db_index=True)
    # None: the child themself; otherwise a person in the identity store.
    person_ref = models.UUIDField(null=True, blank=True)
    capacity = models.CharField(max_length=30, choices=Capacity.choices)
    capacity_reason = models.TextField(blank=True)
    decision = models.CharField(max_length=10, choices=Decision.choices)
    purposes = models.JSONField(default=list)
    categories = models.JSONField(default=list)
    recipients = models.ManyToManyField(Agency, related_name="consents_naming")
    views = models.TextField(blank=True)
    expires_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        Practitioner, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    withdrawal_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["recorded_at"]

    def __str__(self) -> str:
        return f"consent {self.decision} for {self.child_ref}"

    def state(self, today: dt.date | None = None) -> str:
        """given, refused, withdrawn or expired."""
        today = today or timezone.localdate()
        if self.withdrawn_at is not None:
            return "withdrawn"
        if self.expires_on is not None and self.expires_on < today:
            return "expired"
        return self.decision


class View(models.Model):
    """The views of the child or of family, recorded whether or not consent is the basis."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    child_ref = models.UUIDField(db_index=True)
    person_ref = models.UUIDField(null=True, blank=True)  # None: the child's own views
    about = models.CharField(max_length=200, blank=True)
    views = models.TextField()
    recorded_by = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recorded_at"]

    def __str__(self) -> str:
        return self.views[:40]


class Disclosure(models.Model):
    """Information about a child disclosed by one agency to another, with its basis
    (DOMAIN §2, §4.4). The entries it released become visible to the recipient until
    it expires (the ISP's retention period)."""

    class Review(models.TextChoices):
        NOT_NEEDED = "not_needed", "Not needed"
        PENDING = "pending", "Waiting for information governance review"
        REVIEWED = "reviewed", "Reviewed"

    class FamilyInformed(models.TextChoices):
        NOT_NEEDED = "not_needed", "Not needed (the family agreed)"
        TO_INFORM = "to_inform", "Family to be informed"
        INFORMED = "informed", "Family informed"
        NOT_INFORMED = "not_informed", "Not informed: it would put the child at risk"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    child_ref = models.UUIDField(db_index=True)
    from_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    to_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(max_length=30, choices=Purpose.choices)
    categories = models.JSONField(default=list)
    lawful_basis = models.CharField(max_length=30, choices=LawfulBasis.choices)
    special_category_condition = models.CharField(max_length=40, blank=True)
    isp = models.ForeignKey(Isp, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    consent = models.ForeignKey(
        Consent, on_delete=models.PROTECT, null=True, blank=True, related_name="disclosures"
    )
    justification = models.TextField()
    reasons = models.JSONField(default=list)
    conditions = models.TextField(blank=True)
    made_by = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")
    # The senior who authorised it by their own act: the maker, when a senior, or the
    # senior who decided an Authorisation. Never someone who did not act (DOMAIN §4.4).
    authorised_by = models.ForeignKey(
        Practitioner, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Child protection shared at once, without a senior's authorisation, because waiting
    # would put the child at risk: flagged for review, the seniors told (DOMAIN §4.4).
    urgent = models.BooleanField(default=False)
    urgent_reason = models.TextField(blank=True)
    made_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    child_protection_override = models.BooleanField(default=False)
    review = models.CharField(max_length=20, choices=Review.choices, default=Review.NOT_NEEDED)
    reviewed_by = models.ForeignKey(
        Practitioner, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_notes = models.TextField(blank=True)
    family_informed = models.CharField(max_length=20, choices=FamilyInformed.choices)
    family_not_informed_reason = models.TextField(blank=True)
    entries = models.ManyToManyField(Concern, through="DisclosedEntry", related_name="+")

    class Meta:
        ordering = ["made_at"]

    def __str__(self) -> str:
        return f"{self.from_agency} → {self.to_agency} ({self.purpose})"


class DisclosedEntry(models.Model):
    disclosure = models.ForeignKey(Disclosure, on_delete=models.PROTECT)
    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="disclosed_in")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["disclosure", "concern"], name="entry_once")]

    def __str__(self) -> str:
        return f"{self.concern_id} in {self.disclosure_id}"


class ShareRequest(models.Model):
    """A request from one agency to another for information about a child (DOMAIN §2)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SHARED = "shared", "Shared"
        DECLINED = "declined", "Declined"

    class Urgency(models.TextChoices):
        ROUTINE = "routine", "Routine"
        URGENT = "urgent", "Urgent"
        IMMEDIATE = "immediate", "Immediate (risk of significant harm)"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    child_ref = models.UUIDField(db_index=True)
    requested_by = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")
    requesting_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    holder_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(max_length=30, choices=Purpose.choices)
    necessity = models.TextField()
    categories = models.JSONField(default=list)
    urgency = models.CharField(max_length=20, choices=Urgency.choices, default=Urgency.ROUTINE)
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        Practitioner, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    disclosure = models.OneToOneField(
        Disclosure, on_delete=models.PROTECT, null=True, blank=True, related_name="request"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.requesting_agency} asks {self.holder_agency} ({self.status})"


class Authorisation(models.Model):
    """A practitioner asks a named senior of their agency to authorise a share — child
    protection without the family's agreement, or the release of a restricted entry —
    and the share is made only when a senior decides to authorise it, as their own act
    (DOMAIN §4.4). What would be shared is kept as asked; the rules are applied again
    when the senior decides."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a senior"
        AUTHORISED = "authorised", "Authorised"
        REFUSED = "refused", "Refused"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    child_ref = models.UUIDField(db_index=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    asked_by = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")
    senior = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")
    recipient = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(max_length=30, choices=Purpose.choices)
    categories = models.JSONField(default=list)
    # None: every current entry of the agency the asker may see (as a disclosure does).
    entry_ids = models.JSONField(null=True, blank=True)
    justification = models.TextField()
    family_not_informed_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        Practitioner, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    disclosure = models.OneToOneField(
        Disclosure, on_delete=models.PROTECT, null=True, blank=True, related_name="authorisation"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.agency} to {self.recipient}, asked of {self.senior} ({self.status})"
