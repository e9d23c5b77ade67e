"""`bairn overdue`: tell owners and Lead Professionals of overdue plan actions and reviews.
Run it daily (cron, a systemd timer, or your platform's scheduler)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from bairn.planning.services import announce_overdue


class Command(BaseCommand):
    help = "Notify owners and Lead Professionals of overdue Child's Plan actions and reviews."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = announce_overdue()
        self.stdout.write(f"{sent} overdue action(s) or review(s) announced.")
