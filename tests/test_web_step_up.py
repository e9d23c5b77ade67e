"""Step-up for dangerous acts (STYLE.md): breaking glass, a child protection disclosure
and printing a plan ask for a fresh code from the authenticator app when the last one is
older than BAIRN_STEP_UP_MINUTES. What was typed travels with the code page, so nothing
is lost; a wrong code does nothing and is audited."""

from __future__ import annotations

import time

from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from bairn.agencies.models import Involvement, Practitioner
from bairn.audit.models import AuditEvent
from bairn.sharing.models import Disclosure
from bairn.web.stepup import CONFIRMED_AT
from tests.factories import LEEANN_DOB, Cast, concern, plan
from tests.web import web_client

REASON = "Called to the address by police tonight; need to know who is responsible for Leeann"


def stale(client: Client) -> Client:
    """The code was entered an hour ago: the practitioner has been signed in a while."""
    session = client.session
    session[CONFIRMED_AT] = time.time() - 3600
    session.save()
    return client


def code_for(user: Practitioner) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def emergency(cast: Cast, **extra: str) -> dict[str, str]:
    return {
        "given_name": "Leeann",
        "family_name": "Cairns",
        "date_of_birth": LEEANN_DOB.strftime("%d/%m/%Y"),
        "postcode": "KY1 2AB",
        "reason": REASON,
        **extra,
    }


def broke_glass(cast: Cast) -> bool:
    return Involvement.objects.filter(
        practitioner=cast.charlie, child_ref=cast.leeann.pk, basis="break_glass"
    ).exists()


def test_breaking_glass_asks_for_a_fresh_code_and_keeps_the_reason(cast: Cast) -> None:
    browser = stale(web_client(cast.charlie))
    asked = browser.post("/find/emergency-access", emergency(cast))
    page = asked.content.decode()
    assert asked.status_code == 200
    assert "Enter a new code from your authenticator app" in page
    assert f'name="reason" value="{REASON}"' in page  # carried, not lost
    assert not broke_glass(cast)

    wrong = browser.post("/find/emergency-access", emergency(cast, bairn_step_up_code="000000"))
    assert "This code is wrong or has expired" in wrong.content.decode()
    assert not broke_glass(cast)
    assert AuditEvent.objects.filter(
        action="auth.step_up", outcome="refused", actor_id=str(cast.charlie.pk)
    ).exists()

    # Straight away, even the right code waits out the throttle a wrong one set off…
    throttled = browser.post(
        "/find/emergency-access", emergency(cast, bairn_step_up_code=code_for(cast.charlie))
    )
    assert "Too many wrong codes" in throttled.content.decode()
    assert not broke_glass(cast)
    # …and a few seconds later it is taken.
    TOTPDevice.objects.get(user=cast.charlie).throttle_reset()
    done = browser.post(
        "/find/emergency-access", emergency(cast, bairn_step_up_code=code_for(cast.charlie))
    )
    assert done.status_code == 302
    assert done["Location"] == f"/children/{cast.leeann.pk}"
    assert broke_glass(cast)
    involvement = Involvement.objects.get(practitioner=cast.charlie, basis="break_glass")
    assert involvement.reason == REASON
    # Fresh now: the next dangerous act in the next minutes asks nothing more.
    assert browser.get(f"/children/{cast.leeann.pk}").status_code == 200


def test_a_fresh_sign_in_needs_no_second_code(cast: Cast) -> None:
    done = web_client(cast.charlie).post("/find/emergency-access", emergency(cast))
    assert done.status_code == 302
    assert broke_glass(cast)


def share(cast: Cast, purpose: str, **extra: str) -> dict[str, object]:
    entry = concern(cast.head_teacher, cast.leeann, "Bruising on both wrists")
    return {
        "recipient": str(cast.police.pk),
        "purpose": purpose,
        "categories": ["chronology"],
        "entries": [str(entry.pk)],
        "justification": "Leeann disclosed harm at home; risk of significant harm",
        "family_not_informed_reason": "",
        **extra,
    }


def test_a_child_protection_disclosure_asks_for_a_fresh_code(cast: Cast) -> None:
    browser = stale(web_client(cast.head_teacher))
    url = f"/children/{cast.leeann.pk}/sharing"
    body = share(cast, "child_protection")
    # Asking for the explanation shares nothing, so needs no code.
    checked = browser.post(url, {**body, "action": "check"})
    assert "Enter a new code" not in checked.content.decode()
    asked = browser.post(url, body)
    assert "Enter a new code from your authenticator app" in asked.content.decode()
    assert not Disclosure.objects.exists()
    done = browser.post(url, {**body, "bairn_step_up_code": code_for(cast.head_teacher)})
    assert done.status_code == 302, done.content.decode()[:2000]
    (made,) = Disclosure.objects.all()
    assert made.purpose == "child_protection"
    assert made.to_agency == cast.police


def test_printing_the_plan_asks_for_a_fresh_code(cast: Cast) -> None:
    plan(cast)
    browser = stale(web_client(cast.head_teacher))
    url = f"/children/{cast.leeann.pk}/plan.pdf"
    asked = browser.get(url)
    assert asked["Content-Type"].startswith("text/html")
    assert "a copy leaves Bairn" in asked.content.decode()
    confirmed = browser.post(
        url, {"bairn_step_up_code": code_for(cast.head_teacher), "bairn_step_up_get": "1"}
    )
    assert confirmed.status_code == 302
    assert confirmed["Location"] == url
    assert browser.get(url)["Content-Type"] == "application/pdf"
