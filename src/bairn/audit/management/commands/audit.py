"""`bairn audit verify`: walk the hash chain of the audit log (DOMAIN §4.7)."""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from bairn.audit.models import AuditEvent
from bairn.audit.services import record_check, verify


class Command(BaseCommand):
    help = "Audit log tools. `verify` checks the hash chain: exit 0 when it holds."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("verify", help="walk the chain; name the first broken event")

    def handle(self, *args: Any, **options: Any) -> None:
        total = AuditEvent.objects.count()
        show = sys.stderr.isatty() and total > 10_000
        with Progress(
            TextColumn("Verifying the audit chain"),
            BarColumn(),
            MofNCompleteColumn(),
            disable=not show,
            transient=True,
        ) as bar:
            task = bar.add_task("verify", total=total)
            result = verify(progress=(lambda n: bar.update(task, completed=n)) if show else None)
        # Kept, so the governance page need only check what was added since.
        record_check(result, full=True, by="bairn audit verify")
        if not result.ok:
            raise CommandError(
                f"Audit chain BROKEN at event #{result.broken_seq}: {result.problem}. "
                f"{result.checked} event(s) before it hold."
            )
        self.stdout.write(
            f"Audit chain holds: {result.checked} events checked. Head hash {result.head_hash}"
        )
