"""The tasks. Each is queued in the transaction of the write that needs it (so it exists
if and only if that write committed), runs in a transaction of its own in `bairn worker`,
and is tried again when it fails (bairn.tasks.queue.trying). Each may run more than once
— a worker stopped between the task's commit and its result being written runs it again —
so each is written to do its work once however often it runs.

Arguments are JSON: ids as strings. Their module paths are stored with queued tasks, so
renaming one strands what is queued."""

from __future__ import annotations

import uuid

from django.db import transaction
from django_tasks import task

from bairn.tasks.queue import trying


@task()
def email(notification_ids: list[str], attempt: int = 1) -> int:
    """E-mail the recipients of these notifications (that something waits for them, never
    what): each once, marked as sent when it has gone. How many were sent."""
    from bairn.notify.services import send_emails

    with trying(email, attempt, notification_ids):
        return send_emails(notification_ids)


@task()
def after_concern(child_id: str, notification_ids: list[str], attempt: int = 1) -> str | None:
    """What follows a concern recorded or amended, left by the request to the worker in
    one task: the pattern check, then the e-mails of the notifications the request made
    (DOMAIN §5). Both do their work once however often the task runs. The pattern
    alert's id, if one was sent."""
    with trying(after_concern, attempt, child_id, notification_ids):
        alert = _check_pattern(child_id)
        if notification_ids:
            from bairn.notify.services import send_emails

            send_emails(notification_ids)
        return alert


def _check_pattern(child_id: str) -> str | None:
    from bairn.chronology.alerts import check_pattern as check

    with transaction.atomic():
        alert = check(uuid.UUID(child_id))
    return str(alert.pk) if alert is not None else None
