"""`bairn setuplink USERNAME`: a one-time link for an account's first authenticator app.

An account made by an administrator (`POST /api/v1/practitioners`, `bairn
createsuperuser`) links its authenticator app only through such a link: a password alone
never does. The link works once and expires after BAIRN_SETUP_LINK_HOURS; it is printed
alone on the last line. `--replace` removes the account's app first (a lost phone)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from bairn.access.actions import AuditAction
from bairn.agencies.management.users import active_user
from bairn.agencies.services import issue_setup_link
from bairn.audit import services as audit
from bairn.errors import Conflict


class Command(BaseCommand):
    help = "Print a one-time link with which a user links their first authenticator app."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="remove the user's authenticator app first (they lost it)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = active_user(options["username"])
        if options["replace"]:
            removed, _ = TOTPDevice.objects.filter(user=user).delete()
            audit.record(
                actor=user,
                action=AuditAction.AUTH_TWO_FACTOR_REMOVED,
                object=f"practitioner:{user.pk}",
                reason=f"bairn setuplink --replace: {removed} app(s) removed",
            )
        try:
            setup = issue_setup_link(user)
        except Conflict as exc:
            raise CommandError(f"{exc.message} Use --replace if they lost it.") from exc
        until = timezone.localtime(setup.expires_at)
        self.stderr.write(
            f"A set-up link for {user.username}'s authenticator app. It works once, until "
            f"{until:%d %B %Y %H:%M}; give it to them in person or by a trusted route:"
        )
        self.stdout.write(setup.link)
