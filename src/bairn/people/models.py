"""The identity store (DOMAIN §2, §6): who the children and the people around them are.

It lives in its own database (see router.py). What was recorded about a child, and by
whom, lives in the transactional store and refers to the child only by its id.
"""

from __future__ import annotations

import unicodedata
import uuid

from django.db import models

from bairn.reference import Relationship, Sex


def name_key(value: str) -> str:
    """A name folded for matching: case, accents, spaces and punctuation do not count."""
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    return "".join(c for c in decomposed if c.isalnum())


def postcode_key(value: str) -> str:
    return "".join(c for c in value.upper() if c.isalnum())


class Child(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    chi_number = models.CharField(max_length=10, null=True, blank=True, unique=True)
    scottish_candidate_number = models.CharField(max_length=9, blank=True)
    sex = models.CharField(max_length=20, choices=Sex.choices, blank=True)
    ethnicity = models.CharField(max_length=200, blank=True)
    religion = models.CharField(max_length=200, blank=True)
    languages = models.JSONField(default=list, blank=True)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Folded copies for the minimal-disclosure match (DOMAIN §4.2).
    given_name_key = models.CharField(max_length=100, editable=False)
    family_name_key = models.CharField(max_length=100, editable=False, db_index=True)
    postcode_key = models.CharField(max_length=10, editable=False, blank=True)

    class Meta:
        ordering = ["family_name", "given_name"]
        indexes = [models.Index(fields=["family_name_key", "date_of_birth"])]

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"

    def save(self, *args: object, **kwargs: object) -> None:
        self.given_name_key = name_key(self.given_name)
        self.family_name_key = name_key(self.family_name)
        self.postcode_key = postcode_key(self.postcode)
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class Person(models.Model):
    """An adult or another child around a child: parent, partner, friend, carer…"""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    date_of_birth = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["family_name", "given_name"]

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"


class ChildRelationship(models.Model):
    """How a person relates to a child. Legal ties and practical care are kept apart:
    a family friend may stay overnight and care without parental responsibility."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="relationships")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="relationships")
    relationship = models.CharField(max_length=30, choices=Relationship.choices)
    parental_responsibility = models.BooleanField(default=False)
    lives_with = models.BooleanField(default=False)
    stays_overnight = models.BooleanField(default=False)
    caring_role = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["child", "person"], name="one_relationship_per_pair")
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.relationship})"


class RelationshipChange(models.Model):
    """A change to how a person relates to a child — Steve moves out, Maggie stops staying
    over — kept with what it was, what it became and why. Nothing about the household is
    changed silently. Who changed it is an opaque reference to a practitioner: no foreign
    key crosses the two stores (DOMAIN §6)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    relation = models.ForeignKey(
        ChildRelationship, on_delete=models.PROTECT, related_name="changes"
    )
    before = models.JSONField()
    after = models.JSONField()
    reason = models.TextField()
    changed_by_ref = models.UUIDField()
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["changed_at"]

    def __str__(self) -> str:
        return f"Change to {self.relation} at {self.changed_at:%Y-%m-%d}"
