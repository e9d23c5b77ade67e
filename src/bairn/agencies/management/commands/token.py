"""`bairn token USERNAME`: a new API token, printed alone on the last line. It expires
(after 30 days unless `--expires-in-days` says otherwise): a token is a password."""

from __future__ import annotations

import datetime as dt
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from bairn.agencies.management.users import active_user
from bairn.agencies.services import issue_token, revoke_all_tokens

DEFAULT_DAYS = 30
MAX_DAYS = 366


class Command(BaseCommand):
    help = "Make an API token for a user (printed on the last line), or revoke theirs."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--label", default="command line")
        parser.add_argument(
            "--expires-in-days",
            type=int,
            default=DEFAULT_DAYS,
            help=f"how long the token works (default {DEFAULT_DAYS}); every token expires",
        )
        parser.add_argument(
            "--revoke-all", action="store_true", help="revoke every token of this user instead"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = active_user(options["username"])
        if options["revoke_all"]:
            count = revoke_all_tokens(user)
            self.stdout.write(f"Revoked {count} token(s) of {user.username}.")
            return
        days = options["expires_in_days"]
        if days is None or not 1 <= days <= MAX_DAYS:
            raise CommandError(f"--expires-in-days must be between 1 and {MAX_DAYS}.")
        lifetime = dt.timedelta(days=days)
        token = issue_token(user, label=options["label"], lifetime=lifetime)
        expires = timezone.localtime(timezone.now() + lifetime)
        self.stderr.write(
            f"A new token for {user.username}, working until {expires:%d %B %Y %H:%M}. "
            "It is shown only once:"
        )
        self.stdout.write(token)
