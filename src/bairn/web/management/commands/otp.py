"""`bairn otp USERNAME`: the current two-factor code of a demo user (BAIRN_DEBUG only).

On a demo or development instance nobody has the demo users' phones: this links an
authenticator for the user if they have none and prints the code it shows now. It
refuses to run unless BAIRN_DEBUG is on — a real instance's codes come only from
people's own apps."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from bairn.access.actions import AuditAction
from bairn.agencies.models import Practitioner
from bairn.audit import services as audit


class Command(BaseCommand):
    help = "Print the current two-factor code of a demo user (only with BAIRN_DEBUG=1)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("`bairn otp` works only on a demo instance (BAIRN_DEBUG=1).")
        user = Practitioner.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user is called {options['username']!r}.")
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            TOTPDevice.objects.filter(user=user, confirmed=False).delete()
            device = TOTPDevice.objects.create(user=user, name="Demo", confirmed=True)
        audit.record(actor=user, action=AuditAction.AUTH_DEMO_CODE, reason="bairn otp (debug)")
        code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
        self.stdout.write(f"{code:0{device.digits}d}")
