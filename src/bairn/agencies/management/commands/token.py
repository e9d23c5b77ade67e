"""`bairn token USERNAME`: a new API token, printed alone on the last line."""

from __future__ import annotations

import datetime as dt
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from bairn.agencies.models import Practitioner
from bairn.agencies.services import issue_token, revoke_all_tokens


class Command(BaseCommand):
    help = "Make an API token for a user (printed on the last line), or revoke theirs."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--label", default="command line")
        parser.add_argument(
            "--expires-in-days", type=int, default=None, help="default: does not expire"
        )
        parser.add_argument(
            "--revoke-all", action="store_true", help="revoke every token of this user instead"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = Practitioner.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user is called {options['username']!r}.")
        if not user.is_active:
            raise CommandError(f"{user.username} is not active.")
        if options["revoke_all"]:
            count = revoke_all_tokens(user)
            self.stdout.write(f"Revoked {count} token(s) of {user.username}.")
            return
        days = options["expires_in_days"]
        if days is not None and days < 1:
            raise CommandError("--expires-in-days must be 1 or more.")
        lifetime = dt.timedelta(days=days) if days else None
        token = issue_token(user, label=options["label"], lifetime=lifetime)
        self.stderr.write(f"A new token for {user.username}. It is shown only once:")
        self.stdout.write(token)
