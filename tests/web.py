"""Signing in to the pages in tests: a practitioner with a confirmed authenticator app,
past the second factor, without typing codes (tests/test_web_auth.py types them)."""

from __future__ import annotations

import time

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from bairn.agencies.models import Practitioner
from bairn.web.stepup import CONFIRMED_AT


def web_client(user: Practitioner) -> Client:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or (
        TOTPDevice.objects.create(user=user, name="Test app", confirmed=True)
    )
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    # As after a real sign-in: the code was just entered (bairn.web.stepup).
    session[CONFIRMED_AT] = time.time()
    session.save()
    return client
