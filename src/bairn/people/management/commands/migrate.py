"""`bairn migrate`: Django's migrate, for every store at once unless --database is given."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import CommandParser
from django.core.management.commands.migrate import Command as DjangoMigrate


class Command(DjangoMigrate):
    help = (
        "Brings every database up to date: the transactional store and the identity store "
        "(or only the one named by --database)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        for action in parser._actions:
            if action.dest == "database":
                action.default = None
                action.help = "Only this database (default: all of them)."

    def execute(self, *args: Any, **options: Any) -> str | None:
        if options.get("database"):
            return super().execute(*args, **options)
        for alias in settings.DATABASES:
            if alias in settings.BAIRN_REPLICAS.values():
                continue  # read-only: it replays its primary's migrations
            if options.get("verbosity", 1) >= 1:
                self.stdout.write(self.style.MIGRATE_HEADING(f"Database {alias!r}:"))
            super().execute(*args, **{**options, "database": alias})
        return None
