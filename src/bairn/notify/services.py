"""Sending notifications: in the app, and by e-mail (DOMAIN §2, §5)."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence

from django.conf import settings
from django.core.mail import send_mail
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
    """An in-app notification, and an e-mail sent by the worker once the transaction
    commits (DEVELOPERS "Background work")."""
    (note,) = notify_all([(recipient, kind, text)], child_id=child_id, data=data)
    return note


def notify_all(
    messages: Sequence[tuple[Practitioner, str, str]],
    *,
    child_id: uuid.UUID | None = None,
    data: dict[str, object] | None = None,
    email: bool = True,
) -> list[Notification]:
    """In-app notifications (recipient, kind, text) made in one statement, and one task
    that e-mails those recipients who have an address. The task is queued in the
    caller's transaction: it exists if and only if the notifications do. With
    `email=False` the caller queues the e-mail itself (`to_email`), with other work."""
    notes = Notification.objects.bulk_create(
        [
            Notification(
                recipient=recipient, kind=kind, text=text, child_ref=child_id, data=data or {}
            )
            for recipient, kind, text in messages
        ]
    )
    if email and (ids := to_email(notes)):
        from bairn.tasks import work

        work.email.enqueue(ids)
    return notes


def to_email(notes: Sequence[Notification]) -> list[str]:
    """The ids of those notifications whose recipient has an e-mail address."""
    return [str(note.pk) for note in notes if note.recipient.email]


def send_emails(notification_ids: Sequence[str]) -> int:
    """E-mail each notification not e-mailed yet; `emailed` is set once it has gone, so a
    task run again (retried, or after its worker was stopped) does not send it twice. A
    failure is raised after the others were tried, so that only the unsent are tried
    again. How many went."""
    notes = list(
        Notification.objects.filter(pk__in=notification_ids, emailed=False)
        .exclude(recipient__email="")
        .select_related("recipient")
        .only("pk", "kind", "recipient__email")
    )
    url = f"{settings.BAIRN_BASE_URL}/"
    sent = 0
    failure: Exception | None = None
    for note in notes:
        kind = Notification.Kind(note.kind)
        subject = EMAIL_SUBJECTS.get(kind, f"Bairn: {kind.label.lower()}")
        body = EMAIL_BODY.format(kind=kind.label.lower(), url=url)
        try:
            send_mail(subject, body, None, [note.recipient.email])
        except Exception as exc:  # the in-app notification stands; the task tries again
            log.warning("could not e-mail notification %s: %s", note.pk, exc)
            failure = exc
            continue
        Notification.objects.filter(pk=note.pk).update(emailed=True)
        sent += 1
    if failure is not None:
        raise failure
    return sent


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
