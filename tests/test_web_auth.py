"""Signing in to the pages with two-factor authentication, lockout, the idle timeout that
keeps a half-written form, and the security headers (issue 5)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time

import pytest
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from bairn.agencies.models import Practitioner, SetupLink
from bairn.agencies.services import issue_setup_link
from bairn.audit.models import AuditEvent
from bairn.errors import Conflict
from bairn.web.middleware import LAST_SEEN
from bairn.web.models import Draft
from tests.factories import Cast
from tests.web import web_client

PASSWORD = "a-long-test-password-42"


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.fixture
def teacher(cast: Cast) -> Cast:
    cast.class_teacher.set_password(PASSWORD)
    cast.class_teacher.save()
    return cast


def test_pages_need_signing_in(cast: Cast) -> None:
    client = Client()
    for path in ("/", f"/children/{cast.leeann.pk}", "/find", "/sharing"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"] == "/sign-in"


def set_up_path(user: Practitioner) -> str:
    """The path of a new one-time set-up link, as the administrator is given it."""
    return issue_setup_link(user).link.removeprefix("http://127.0.0.1:8000")


def test_first_sign_in_links_an_authenticator_app(teacher: Cast) -> None:
    client = Client()
    # The one-time link the administrator gave, opened before signing in.
    assert client.get(set_up_path(teacher.class_teacher))["Location"] == "/sign-in"
    response = client.post("/sign-in", {"username": "baird", "password": PASSWORD})
    assert response["Location"] == "/sign-in/code"
    # No app yet: set one up.
    assert client.get("/sign-in/code")["Location"] == "/sign-in/set-up-code"
    page = client.get("/sign-in/set-up-code")
    assert page.status_code == 200
    assert b"<svg" in page.content  # the code to scan
    device = TOTPDevice.objects.get(user=teacher.class_teacher)
    assert not device.confirmed
    wrong = client.post("/sign-in/set-up-code", {"code": "000000"})
    assert b"This code is wrong" in wrong.content
    time.sleep(1.1)  # django-otp makes the next try wait after a wrong code
    done = client.post("/sign-in/set-up-code", {"code": code_for(device)})
    assert done["Location"] == "/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/").status_code == 200
    assert SetupLink.objects.get(practitioner=teacher.class_teacher).used_at is not None


def signed_in_with_password(user: Practitioner) -> Client:
    client = Client()
    response = client.post("/sign-in", {"username": user.username, "password": PASSWORD})
    assert response["Location"] == "/sign-in/code"
    return client


def test_a_password_alone_never_links_an_authenticator_app(teacher: Cast) -> None:
    # Issue 9: anyone with the password of an account without an app linked their own.
    client = signed_in_with_password(teacher.class_teacher)

    page = client.get("/sign-in/set-up-code")

    assert page.status_code == 403
    text = page.content.decode()
    assert "set-up link" in text
    assert "<svg" not in text
    assert "secret" not in text.lower()
    assert client.post("/sign-in/set-up-code", {"code": "123456"}).status_code == 403
    assert not TOTPDevice.objects.filter(user=teacher.class_teacher).exists()
    assert client.get("/").status_code == 302
    assert AuditEvent.objects.filter(
        action="auth.two_factor_setup", actor="baird", outcome="refused"
    ).exists()


def test_a_set_up_link_works_once_before_it_expires_and_for_its_own_account(
    teacher: Cast,
) -> None:
    user = teacher.class_teacher
    # Another account's link is no use.
    other = Client()
    other.get(set_up_path(teacher.nursery_teacher))
    other.post("/sign-in", {"username": "baird", "password": PASSWORD})
    assert other.get("/sign-in/set-up-code").status_code == 403
    # An expired one neither.
    late = Client()
    late.get(set_up_path(user))
    SetupLink.objects.filter(practitioner=user).update(expires_at=timezone.now())
    late.post("/sign-in", {"username": "baird", "password": PASSWORD})
    expired = late.get("/sign-in/set-up-code")
    assert expired.status_code == 403
    assert "used or has expired" in expired.content.decode()
    # A good one, used: it is spent.
    path = set_up_path(user)
    first = Client()
    first.get(path)
    first.post("/sign-in", {"username": "baird", "password": PASSWORD})
    assert first.get("/sign-in/set-up-code").status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert first.post("/sign-in/set-up-code", {"code": code_for(device)})["Location"] == "/"
    TOTPDevice.objects.filter(user=user).update(confirmed=False)  # even were the app gone
    again = Client()
    again.get(path)
    again.post("/sign-in", {"username": "baird", "password": PASSWORD})
    assert again.get("/sign-in/set-up-code").status_code == 403


def test_an_account_with_an_app_never_links_another(teacher: Cast) -> None:
    TOTPDevice.objects.create(user=teacher.class_teacher, name="app", confirmed=True)
    with pytest.raises(Conflict):
        issue_setup_link(teacher.class_teacher)
    client = signed_in_with_password(teacher.class_teacher)

    assert client.get("/sign-in/set-up-code")["Location"] == "/sign-in/code"
    assert TOTPDevice.objects.filter(user=teacher.class_teacher).count() == 1


def test_sign_in_asks_for_the_code_and_returns_where_you_were(teacher: Cast) -> None:
    device = TOTPDevice.objects.create(user=teacher.class_teacher, name="app", confirmed=True)
    client = Client()
    child_page = f"/children/{teacher.leeann.pk}"
    assert client.get(child_page)["Location"] == "/sign-in"
    client.post("/sign-in", {"username": "baird", "password": PASSWORD})
    # Password alone is not enough.
    assert client.get(child_page)["Location"] == "/sign-in/code"
    wrong = client.post("/sign-in/code", {"code": "123456"})
    assert wrong.status_code == 200
    assert b"This code is wrong" in wrong.content
    time.sleep(1.1)  # django-otp makes the next try wait after a wrong code
    right = client.post("/sign-in/code", {"code": code_for(device)})
    # Back where they were going, with the child's id never in a query string.
    assert right["Location"] == child_page
    assert AuditEvent.objects.filter(
        action="auth.two_factor", actor="baird", outcome="refused"
    ).exists()


def test_wrong_passwords_lock_the_account(teacher: Cast) -> None:
    client = Client()
    for _ in range(5):
        client.post("/sign-in", {"username": "baird", "password": "wrong-password"})
    locked = client.post("/sign-in", {"username": "baird", "password": PASSWORD})
    assert locked.status_code in (200, 403)
    assert b"locked" in locked.content.lower()
    assert client.get("/").status_code == 302  # not signed in


def test_sign_out(cast: Cast) -> None:
    client = web_client(cast.head_teacher)
    assert client.get("/").status_code == 200
    assert client.get("/sign-out").status_code == 405  # only a form's POST signs out
    response = client.post("/sign-out")
    assert response["Location"] == "/sign-in"
    assert client.get("/").status_code == 302


def test_idle_timeout_signs_out_and_keeps_the_draft(cast: Cast, settings: object) -> None:
    client = web_client(cast.head_teacher)
    form = f"/children/{cast.leeann.pk}/concerns/new"
    assert client.get(form).status_code == 200
    typed = {"summary": ["Leeann said Steve made her sit in a cold bath"], "indicators": ["safe"]}
    saved = client.post(
        "/drafts", json.dumps({"key": form, "fields": typed}), content_type="application/json"
    )
    assert saved.status_code == 200
    # Time passes with nothing sent.
    session = client.session
    session[LAST_SEEN] = time.time() - 16 * 60
    session.save()
    response = client.get(form)
    assert response["Location"] == "/sign-in"
    assert "_auth_user_id" not in client.session  # signed out
    # Signing in again brings the person back to the form, with what they had written.
    device = TOTPDevice.objects.get(user=cast.head_teacher)
    cast.head_teacher.set_password(PASSWORD)
    cast.head_teacher.save()
    client.post("/sign-in", {"username": "ross", "password": PASSWORD})
    back = client.post("/sign-in/code", {"code": code_for(device)})
    assert back["Location"] == form
    page = client.get(form).content.decode()
    assert "We kept what you were writing" in page
    assert "cold bath" in page
    # Saving the form forgets the draft.
    client.post(
        form,
        {
            "occurred_at": "20/11/2026 15:10",
            "summary": "Leeann said Steve made her sit in a cold bath",
            "source": "child_disclosure",
            "indicators": ["safe"],
            "impact": "negative",
            "significance": "child_protection",
        },
    )
    assert not Draft.objects.filter(practitioner=cast.head_teacher, key=form).exists()


def test_drafts_belong_to_their_writer_and_keep_no_secrets(cast: Cast) -> None:
    anonymous = Client()
    body = json.dumps({"key": "/x", "fields": {"summary": ["s"]}})
    assert anonymous.post("/drafts", body, content_type="application/json").status_code == 401
    client = web_client(cast.head_teacher)
    client.post(
        "/drafts",
        json.dumps({"key": "/x", "fields": {"summary": ["s"], "password": ["p"]}}),
        content_type="application/json",
    )
    draft = Draft.objects.get(practitioner=cast.head_teacher, key="/x")
    assert draft.data == {"summary": ["s"]}
    assert client.post("/drafts", "not json", content_type="application/json").status_code == 400


def test_security_headers_and_titles(cast: Cast) -> None:
    client = web_client(cast.head_teacher)
    response = client.get(f"/children/{cast.leeann.pk}")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    title = re.search(r"<title>(.*?)</title>", response.content.decode(), re.S)
    assert title is not None
    assert "Leeann" not in title.group(1)
    assert "Cairns" not in title.group(1)
    # Forms carry CSRF tokens; a POST without one is refused.
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/sign-in", {"username": "x", "password": "y"}).status_code == 403


def test_behind_https_cookies_are_secure_and_hsts_is_on() -> None:
    env = {**os.environ, "BAIRN_HTTPS": "1", "DJANGO_SETTINGS_MODULE": "tests.settings"}
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0)"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["True", "True", "True"]
