"""Messages to practitioners (DOMAIN §2, §5). A notification never carries content its
recipient may not see: see bairn.chronology.alerts for how texts are made."""

from __future__ import annotations

import uuid

from django.db import models

from bairn.agencies.models import Practitioner


class Notification(models.Model):
    class Kind(models.TextChoices):
        CONCERN_RECORDED = "concern_recorded", "Concern recorded"
        CONCERN_AMENDED = "concern_amended", "Concern amended"
        CHILD_PROTECTION_CONCERN = "child_protection_concern", "Child protection concern"
        PATTERN_ALERT = "pattern_alert", "Pattern of concerns"
        SHARE_REQUEST = "share_request", "Share request"
        SHARE_DECIDED = "share_decided", "Share request decided"
        DISCLOSURE_RECEIVED = "disclosure_received", "Information shared with your agency"
        REVIEW_NEEDED = "review_needed", "Review needed"
        AUTHORISATION_REQUEST = "authorisation_request", "Asked to authorise a share"
        AUTHORISATION_DECIDED = "authorisation_decided", "Authorisation decided"
        URGENT_DISCLOSURE = "urgent_disclosure", "Shared urgently without authorisation"
        OVERDUE_ACTION = "overdue_action", "Action overdue"
        OVERDUE_REVIEW = "overdue_review", "Plan review overdue"
        ASSIGNED = "assigned", "Assigned to a child"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Indexed first in the pages' indexes below: no index of its own.
    recipient = models.ForeignKey(
        Practitioner, on_delete=models.CASCADE, related_name="notifications", db_index=False
    )
    kind = models.CharField(max_length=40, choices=Kind.choices)
    child_ref = models.UUIDField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    text = models.TextField()
    data = models.JSONField(default=dict, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]
        # Each page of a recipient's list (bairn.notify.queries.page) is a range scan of
        # one of these, newest first, at any size of their history; the unread ones,
        # which every page's menu counts, have their own.
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="notify_page_idx"),
            models.Index(
                fields=["recipient", "-created_at", "-id"],
                name="notify_unread_page_idx",
                condition=models.Q(read_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient}"
