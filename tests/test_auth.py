"""Signing in (API.md "Conventions"): tokens from the command and from the API, two-factor
codes, revocation, lock-out after repeated failures, and how passwords are kept."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client, override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from bairn.agencies.models import ApiToken, Practitioner
from bairn.agencies.services import create_agency, create_practitioner, issue_token
from bairn.audit.models import AuditEvent
from tests.factories import Api, Cast

PASSWORD = "Correct-horse-battery-47"


def me(token: str | None) -> object:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return Client().get("/api/v1/me", headers=headers)


def ask_for_token(**body: object) -> object:
    return Client().post("/api/v1/auth/token", body, content_type="application/json")


def error_fields(response: object) -> set[str]:
    return {e["field"] for e in response.json()["errors"]}  # type: ignore[attr-defined]


@pytest.fixture
def morag(db: None) -> Practitioner:
    """A practitioner who signs in with a password (without the whole cast: quicker)."""
    admin = Practitioner.objects.create_superuser("admin", "admin@example.org", None)
    school = create_agency(admin, name="Riverside Primary School", kind="education")
    return create_practitioner(
        admin,
        username="morag",
        full_name="Morag Reid",
        agency_id=school.pk,
        roles=["practitioner"],
        email="morag@example.org",
        password=PASSWORD,
    )


# --- `bairn token` ---------------------------------------------------------------------


def test_the_token_command_prints_a_working_token_on_its_last_line(morag: Practitioner) -> None:
    out, err = StringIO(), StringIO()

    call_command("token", "morag", stdout=out, stderr=err)

    token = out.getvalue().splitlines()[-1]
    assert token
    assert token == token.strip()
    assert " " not in token
    assert token not in err.getvalue()
    response = me(token)
    assert response.status_code == 200
    assert response.json()["username"] == "morag"
    assert response.json()["agency_id"] == str(morag.agency_id)


def test_each_token_is_new(morag: Practitioner) -> None:
    out = StringIO()
    call_command("token", "morag", stdout=out, stderr=StringIO())
    call_command("token", "morag", stdout=out, stderr=StringIO())

    first, second = out.getvalue().split()[-2:]
    assert first != second
    assert me(first).status_code == 200
    assert me(second).status_code == 200


def test_the_token_command_refuses_an_unknown_user(morag: Practitioner) -> None:
    with pytest.raises(CommandError, match="nobody"):
        call_command("token", "nobody", stdout=StringIO(), stderr=StringIO())
    assert not ApiToken.objects.filter(practitioner__username="nobody").exists()


def test_the_token_command_revokes_every_token(morag: Practitioner) -> None:
    api = Api(morag)
    assert api.get("/me").status_code == 200

    call_command("token", "morag", "--revoke-all", stdout=StringIO(), stderr=StringIO())

    assert api.get("/me").status_code == 401


def test_tokens_are_stored_hashed(morag: Practitioner) -> None:
    out = StringIO()
    call_command("token", "morag", stdout=out, stderr=StringIO())
    token = out.getvalue().strip().splitlines()[-1]
    api_token = ask_for_token(username="morag", password=PASSWORD).json()["token"]

    for secret in (token, api_token):
        # Neither the whole token nor its secret part (after the visible prefix).
        for needle in (secret, secret[len("bairn_") + 4 :]):
            with connection.cursor() as cursor:
                cursor.execute("SELECT * FROM agencies_apitoken")
                rows = cursor.fetchall()
            assert rows
            assert not any(needle in str(value) for row in rows for value in row)
    assert me(token).status_code == 200
    assert me(api_token).status_code == 200


# --- POST/DELETE /api/v1/auth/token -------------------------------------------------------


def test_a_password_gets_a_token(morag: Practitioner) -> None:
    response = ask_for_token(username="morag", password=PASSWORD)

    assert response.status_code == 200
    token = response.json()["token"]
    assert me(token).status_code == 200
    assert me(token).json()["username"] == "morag"


def test_a_token_from_a_password_expires(morag: Practitioner) -> None:
    response = ask_for_token(username="morag", password=PASSWORD)

    expires = dt.datetime.fromisoformat(response.json()["expires_at"])
    assert dt.timedelta(0) < expires - dt.datetime.now(dt.UTC) <= dt.timedelta(hours=12)


def test_a_wrong_password_gets_401_and_is_audited(morag: Practitioner) -> None:
    response = ask_for_token(username="morag", password="not-the-password-at-all")

    assert response.status_code == 401
    assert response.json()["detail"]
    assert "token" not in response.json()
    refused = AuditEvent.objects.filter(actor="morag", action="auth.token", outcome="refused")
    assert refused.count() == 1


def test_an_unknown_user_gets_401(db: None) -> None:
    response = ask_for_token(username="nobody", password=PASSWORD)

    assert response.status_code == 401


def test_a_user_without_a_password_cannot_get_a_token(cast: Cast) -> None:
    # The cast are made without passwords: no password at all may open them.
    for password in ("", "!", "None"):
        assert ask_for_token(username="ross", password=password).status_code in {401, 422}


@pytest.mark.parametrize(
    ("body", "missing"),
    [
        ({}, {"username", "password"}),
        ({"username": "morag"}, {"password"}),
        ({"password": PASSWORD}, {"username"}),
    ],
)
def test_missing_fields_are_named(
    morag: Practitioner, body: dict[str, str], missing: set[str]
) -> None:
    response = ask_for_token(**body)

    assert response.status_code == 422
    assert error_fields(response) == missing


def test_a_token_can_be_revoked(morag: Practitioner) -> None:
    first = ask_for_token(username="morag", password=PASSWORD).json()["token"]
    second = ask_for_token(username="morag", password=PASSWORD).json()["token"]

    response = Client().delete("/api/v1/auth/token", headers={"Authorization": f"Bearer {first}"})

    assert response.status_code == 200
    assert me(first).status_code == 401
    # Only the token used: the other stays good.
    assert me(second).status_code == 200


def test_revoking_needs_a_token(db: None) -> None:
    assert Client().delete("/api/v1/auth/token").status_code == 401


@pytest.mark.parametrize(
    "header",
    [
        None,
        "Bearer ",
        "Bearer not-a-token",
        "Bearer bairn_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "Basic cm9zczpwYXNzd29yZA==",
        "bairn_nothing",
    ],
)
def test_no_token_or_a_bad_one_is_401(morag: Practitioner, header: str | None) -> None:
    headers = {"Authorization": header} if header is not None else {}

    response = Client().get("/api/v1/me", headers=headers)

    assert response.status_code == 401
    assert response.json()["detail"]


def test_an_expired_token_is_401(morag: Practitioner) -> None:
    token = issue_token(morag, lifetime=dt.timedelta(seconds=-1))

    assert me(token).status_code == 401


def test_a_deactivated_users_token_is_401(morag: Practitioner) -> None:
    api = Api(morag)
    assert api.get("/me").status_code == 200

    Practitioner.objects.filter(pk=morag.pk).update(is_active=False)

    assert api.get("/me").status_code == 401


# --- two-factor authentication -----------------------------------------------------------


def current_code(device: TOTPDevice) -> str:
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{code:0{device.digits}d}"


def test_two_factor_authentication(morag: Practitioner) -> None:
    device = TOTPDevice.objects.create(user=morag, name="phone", confirmed=True)

    without = ask_for_token(username="morag", password=PASSWORD)
    assert without.status_code == 422
    assert error_fields(without) == {"otp"}
    assert "token" not in without.json()

    right = ask_for_token(username="morag", password=PASSWORD, otp=current_code(device))
    assert right.status_code == 200
    assert me(right.json()["token"]).status_code == 200

    # A wrong code (any other six digits), even with the right password.
    device.refresh_from_db()
    wrong_code = f"{(int(current_code(device)) + 1) % 10**6:06d}"
    wrong = ask_for_token(username="morag", password=PASSWORD, otp=wrong_code)
    assert wrong.status_code == 401
    assert "token" not in wrong.json()


def test_a_code_is_not_enough_without_the_password(morag: Practitioner) -> None:
    device = TOTPDevice.objects.create(user=morag, name="phone", confirmed=True)

    response = ask_for_token(username="morag", password="wrong-password!", otp=current_code(device))

    assert response.status_code == 401


def test_an_unconfirmed_device_asks_for_no_code(morag: Practitioner) -> None:
    TOTPDevice.objects.create(user=morag, name="phone", confirmed=False)

    assert ask_for_token(username="morag", password=PASSWORD).status_code == 200


# --- lock-out -------------------------------------------------------------------------------


def test_repeated_failures_lock_the_account(morag: Practitioner) -> None:
    failures = [
        ask_for_token(username="morag", password=f"wrong-password-{attempt}")
        for attempt in range(5)
    ]
    assert [r.status_code for r in failures[:4]] == [401] * 4
    assert failures[4].status_code != 200

    locked = ask_for_token(username="morag", password=PASSWORD)

    # API.md: 403 with a JSON body saying why.
    media_type = locked["Content-Type"].split(";")[0]
    assert (locked.status_code, media_type) == (403, "application/json")
    body = locked.json()
    assert body["detail"]
    assert body["reasons"]
    assert "token" not in body


def test_fewer_failures_do_not_lock_the_account(morag: Practitioner) -> None:
    for attempt in range(3):
        assert ask_for_token(username="morag", password=f"wrong-{attempt}").status_code == 401

    assert ask_for_token(username="morag", password=PASSWORD).status_code == 200


def test_a_lockout_is_per_user(morag: Practitioner) -> None:
    for attempt in range(6):
        ask_for_token(username="someone-else", password=f"wrong-{attempt}")

    assert ask_for_token(username="morag", password=PASSWORD).status_code == 200


# --- passwords ------------------------------------------------------------------------------


def test_production_hashes_passwords_with_argon2() -> None:
    import bairn.settings as production

    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_a_password_is_stored_as_argon2(morag: Practitioner) -> None:
    import bairn.settings as production

    with override_settings(PASSWORD_HASHERS=production.PASSWORD_HASHERS):
        user = create_practitioner(
            Practitioner.objects.get(username="admin"),
            username="niamh",
            full_name="Niamh Boyle",
            agency_id=morag.agency_id,
            roles=["practitioner"],
            email="niamh@example.org",
            password=PASSWORD,
        )
        stored = Practitioner.objects.get(pk=user.pk).password
        assert stored.startswith("argon2$")
        assert PASSWORD not in stored
        # And it opens the account.
        assert ask_for_token(username="niamh", password=PASSWORD).status_code == 200


def test_a_weak_password_is_refused(morag: Practitioner) -> None:
    response = Api(Practitioner.objects.get(username="admin")).post(
        "/practitioners",
        {
            "username": "weak",
            "full_name": "Wes Weak",
            "agency_id": str(morag.agency_id),
            "roles": ["practitioner"],
            "email": "weak@example.org",
            "password": "password",
        },
    )

    assert response.status_code == 422
    assert error_fields(response) == {"password"}
    assert not Practitioner.objects.filter(username="weak").exists()


@pytest.mark.parametrize(
    ("email", "expected"),
    [
        ("teacher@school.test", 201),  # training systems and internal networks
        ("hv@nhs.local", 201),
        ("someone@x.invalid", 201),
        ("  padded@example.org  ", 201),
        ("jo at school", 422),
        ("jo@", 422),
        ("", 422),
    ],
)
def test_practitioners_email_addresses(morag: Practitioner, email: str, expected: int) -> None:
    response = Api(Practitioner.objects.get(username="admin")).post(
        "/practitioners",
        {
            "username": "newcomer",
            "full_name": "New Comer",
            "agency_id": str(morag.agency_id),
            "roles": ["practitioner"],
            "email": email,
        },
    )
    assert response.status_code == expected, response.content
    if expected == 201:
        assert response.json()["email"] == email.strip()
    else:
        assert error_fields(response) == {"email"}
        assert not Practitioner.objects.filter(username="newcomer").exists()


# --- the first administrator ------------------------------------------------------------------


def test_createsuperuser_makes_an_administrator(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "root")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-and-unusual-passphrase")
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "root@example.org")

    call_command("createsuperuser", "--noinput", stdout=StringIO(), stderr=StringIO())

    root = Practitioner.objects.get(username="root")
    assert root.has_role("admin")
    assert root.check_password("a-long-and-unusual-passphrase")
    made = AuditEvent.objects.get(action="practitioner.create", object=f"practitioner:{root.pk}")
    assert made.actor == "root"
    assert "createsuperuser" in made.reason

    token = ask_for_token(username="root", password="a-long-and-unusual-passphrase")
    assert token.status_code == 200
    headers = {"Authorization": f"Bearer {token.json()['token']}"}
    client = Client()
    created = client.post(
        "/api/v1/agencies",
        {"name": "Kingdom Youth Project", "kind": "third_sector"},
        content_type="application/json",
        headers=headers,
    )
    assert created.status_code == 201, created.content
    assert created.json()["id"]

    # An administrator works with no child's records.
    child = client.get(f"/api/v1/children/{cast.leeann.pk}", headers=headers)
    assert child.status_code == 404
