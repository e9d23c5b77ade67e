"""Sending notifications: in the app, and by e-mail (DOMAIN §2, §5)."""

from __future__ import annotations

import logging
import uuid

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from bairn.access.policy import Action, authorize
from bairn.agencies.models import Practitioner
from bairn.notify.models import Notification

log = logging.getLogger(__name__)

# E-mail leaves our control: it says that something is waiting, never what or about whom.
EMAIL_SUBJECTS = {
    Notification.Kind.CHILD_PROTECTION_CONCERN: "Bairn: a child protection concern needs you now",
    Notification.Kind.PATTERN_ALERT: "Bairn: concerns about a child are adding up",
}
EMAIL_BODY = (
    "There is something new for you in Bairn ({kind}).\n\n"
    "For the child's privacy this e-mail does not say who it is about. "
    "Sign in to see it: {url}\n"
)


def notify(
    recipient: Practitioner,
    kind: str,
    text: str,
    *,
    child_id: uuid.UUID | None = None,
    data: dict[str, object] | None = None,
) -> Notification:
    """An in-app notification, and an e-mail once the transaction commits."""
    note = Notification.objects.create(
        recipient=recipient,
        kind=kind,
        text=text,
        child_ref=child_id,
        data=data or {},
        emailed=bool(recipient.email),
    )
    if recipient.email:
        label = Notification.Kind(kind).label
        subject = EMAIL_SUBJECTS.get(Notification.Kind(kind), f"Bairn: {label.lower()}")
        body = EMAIL_BODY.format(kind=label.lower(), url=f"{settings.BAIRN_BASE_URL}/")
        address = recipient.email

        def send() -> None:
            try:
                send_mail(subject, body, None, [address])
            except Exception:  # the in-app notification stands; mail is best effort
                log.exception("could not e-mail notification %s", note.pk)

        transaction.on_commit(send)
    return note


def list_for(actor: Practitioner, *, unread_only: bool = False) -> list[Notification]:
    authorize(actor, Action.NOTIFICATIONS_READ)
    qs = Notification.objects.filter(recipient=actor)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return list(qs[:500])


def mark_read(actor: Practitioner, notification_id: uuid.UUID) -> Notification | None:
    authorize(actor, Action.NOTIFICATIONS_READ)
    Notification.objects.filter(pk=notification_id, recipient=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    return Notification.objects.filter(pk=notification_id, recipient=actor).first()
