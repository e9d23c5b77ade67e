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
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from bairn.agencies.models import ApiToken, Involvement, Practitioner, SetupLink
from bairn.agencies.services import create_agency, create_practitioner, issue_token
from bairn.audit.models import AuditEvent
from tests.factories import Api, Cast, plan, unused_code

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


@pytest.fixture
def app(morag: Practitioner) -> TOTPDevice:
    """Morag's authenticator app, linked."""
    return TOTPDevice.objects.create(user=morag, name="phone", confirmed=True)


def password_and_code(device: TOTPDevice, **body: object) -> object:
    """POST /auth/token as the app's owner, with a code the app shows."""
    user = device.user
    return ask_for_token(username=user.username, password=PASSWORD, otp=unused_code(device), **body)


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


def test_tokens_are_stored_hashed(morag: Practitioner, app: TOTPDevice) -> None:
    out = StringIO()
    call_command("token", "morag", stdout=out, stderr=StringIO())
    token = out.getvalue().strip().splitlines()[-1]
    api_token = password_and_code(app).json()["token"]

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


def test_a_password_and_code_get_a_token(morag: Practitioner, app: TOTPDevice) -> None:
    response = password_and_code(app)

    assert response.status_code == 200
    token = response.json()["token"]
    assert me(token).status_code == 200
    assert me(token).json()["username"] == "morag"


def test_a_token_from_a_password_expires(morag: Practitioner, app: TOTPDevice) -> None:
    response = password_and_code(app)

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


def test_a_token_can_be_revoked(morag: Practitioner, app: TOTPDevice) -> None:
    first = password_and_code(app).json()["token"]
    second = password_and_code(app).json()["token"]

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


def test_a_password_alone_gets_no_token_until_two_factor_is_set_up(morag: Practitioner) -> None:
    # Issue 9: a practitioner without an authenticator app got a token on a password.
    TOTPDevice.objects.create(user=morag, name="phone", confirmed=False)  # not linked

    for body in ({}, {"otp": "123456"}):
        response = ask_for_token(username="morag", password=PASSWORD, **body)

        assert response.status_code == 403
        assert "token" not in response.json()
        assert "two-factor" in response.json()["detail"].lower()
        assert "set up" in response.json()["detail"].lower()
        assert response.json()["reasons"] == [
            "two-factor authentication is not set up for this account"
        ]
    assert not ApiToken.objects.filter(practitioner=morag).exists()
    assert (
        AuditEvent.objects.filter(
            actor="morag", action="auth.token", outcome="refused", reason="no two-factor"
        ).count()
        == 2
    )


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


def test_fewer_failures_do_not_lock_the_account(morag: Practitioner, app: TOTPDevice) -> None:
    for attempt in range(3):
        assert ask_for_token(username="morag", password=f"wrong-{attempt}").status_code == 401

    assert password_and_code(app).status_code == 200


def test_a_lockout_is_per_user(morag: Practitioner, app: TOTPDevice) -> None:
    for attempt in range(6):
        ask_for_token(username="someone-else", password=f"wrong-{attempt}")

    assert password_and_code(app).status_code == 200


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
        # And it opens the account (up to the second factor, which Niamh has not set up).
        opened = ask_for_token(username="niamh", password=PASSWORD)
        assert opened.status_code == 403
        assert opened.json()["reasons"] == [
            "two-factor authentication is not set up for this account"
        ]


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

    # A password alone gets no token: the administrator links an app first.
    refused = ask_for_token(username="root", password="a-long-and-unusual-passphrase")
    assert refused.status_code == 403
    device = TOTPDevice.objects.create(user=root, name="phone", confirmed=True)
    token = ask_for_token(
        username="root", password="a-long-and-unusual-passphrase", otp=unused_code(device)
    )
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


# --- `bairn token` expires -------------------------------------------------------------------


@pytest.mark.parametrize(("args", "days"), [((), 30), (("--expires-in-days", "7"), 7)])
def test_a_token_from_the_command_expires(
    morag: Practitioner, args: tuple[str, ...], days: int
) -> None:
    # Issue 9: `bairn token` made tokens that worked for ever.
    out = StringIO()
    call_command("token", "morag", *args, stdout=out, stderr=StringIO())

    found = ApiToken.objects.get(practitioner=morag)
    lifetime = found.expires_at - found.created_at
    assert dt.timedelta(days=days) - dt.timedelta(minutes=1) < lifetime
    assert lifetime <= dt.timedelta(days=days, minutes=1)
    token = out.getvalue().splitlines()[-1]
    assert me(token).status_code == 200
    ApiToken.objects.filter(pk=found.pk).update(expires_at=timezone.now())
    assert me(token).status_code == 401


@pytest.mark.parametrize("days", ["0", "-3", "367"])
def test_the_token_command_refuses_a_lifetime_out_of_range(morag: Practitioner, days: str) -> None:
    with pytest.raises(CommandError, match="expires-in-days"):
        call_command("token", "morag", "--expires-in-days", days, stdout=StringIO())
    assert not ApiToken.objects.filter(practitioner=morag).exists()


# --- the API's dangerous acts need a fresh code (bairn.api.stepup) ----------------------------


def break_glass(api: Api, cast: Cast, **body: object) -> object:
    return api.post(
        f"/children/{cast.leeann.pk}/involvement",
        {"reason": "Police at the door at night: need the family's contacts", **body},
    )


def assert_needs_code(response: object) -> None:
    assert response.status_code == 403, response.content  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert body["detail"]
    assert any("X-Bairn-OTP" in r and '"otp"' in r for r in body["reasons"])


def test_breaking_glass_on_the_api_needs_a_fresh_code(cast: Cast) -> None:
    # Issue 9: a bearer token alone broke glass.
    charlie = Api(cast.charlie, otp=False)
    device = TOTPDevice.objects.create(user=cast.charlie, name="phone", confirmed=True)

    asked = break_glass(charlie, cast)
    assert_needs_code(asked)
    assert "two-factor code" in asked.json()["detail"]
    assert not Involvement.objects.filter(practitioner=cast.charlie).exists()

    wrong = f"{(int(unused_code(device)) + 1) % 10**6:06d}"
    refused = break_glass(charlie, cast, otp=wrong)
    assert_needs_code(refused)
    assert "wrong" in refused.json()["detail"]
    assert AuditEvent.objects.filter(
        actor="charlie", action="auth.step_up", outcome="refused"
    ).exists()
    assert not Involvement.objects.filter(practitioner=cast.charlie).exists()

    device.refresh_from_db()
    device.throttle_reset()
    made = break_glass(charlie, cast, otp=unused_code(device))
    assert made.status_code == 201, made.content
    assert AuditEvent.objects.filter(
        actor="charlie", action="auth.step_up", outcome="allowed"
    ).exists()


def test_the_code_may_come_in_a_header_and_counts_for_a_while_on_that_token(
    cast: Cast, settings: object
) -> None:
    charlie = Api(cast.charlie, otp=False)
    device = TOTPDevice.objects.create(user=cast.charlie, name="phone", confirmed=True)
    headers = {"Authorization": f"Bearer {charlie.token}", "X-Bairn-OTP": unused_code(device)}

    made = charlie.client.post(
        f"/api/v1/children/{cast.trent.pk}/involvement",
        {"reason": "Emergency at the nursery"},
        content_type="application/json",
        headers=headers,
    )
    assert made.status_code == 201, made.content

    # BAIRN_STEP_UP_MINUTES after a code, this token needs none (as a page's session)…
    assert break_glass(charlie, cast).status_code == 201
    # … another token of the same person does …
    assert_needs_code(break_glass(Api(cast.charlie, otp=False), cast))
    # … and so does this one once the time is up.
    ApiToken.objects.filter(practitioner=cast.charlie).update(
        stepped_up_at=timezone.now() - dt.timedelta(minutes=11)
    )
    assert_needs_code(break_glass(charlie, cast))


def test_a_practitioner_without_an_app_cannot_step_up(cast: Cast) -> None:
    charlie = Api(cast.charlie, otp=False)

    refused = break_glass(charlie, cast, otp="123456")

    assert_needs_code(refused)
    assert "Set up two-factor" in refused.json()["detail"]


def test_the_plan_pdf_on_the_api_needs_a_fresh_code(cast: Cast) -> None:
    plan(cast)
    url = f"/children/{cast.leeann.pk}/plan.pdf"

    assert_needs_code(Api(cast.head_teacher, otp=False).get(url))
    # Someone who may not read the plan gets 404 with a code.
    assert Api(cast.charlie).get(url).status_code == 404

    pdf = Api(cast.head_teacher).get(url)
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"


def new_account(**extra: object) -> dict[str, object]:
    return {
        "username": "niamh",
        "full_name": "Niamh Boyle",
        "roles": ["practitioner", "senior"],
        "email": "niamh@example.org",
        **extra,
    }


def test_giving_an_account_roles_needs_a_fresh_code(cast: Cast) -> None:
    body = new_account(agency_id=str(cast.school.pk))

    assert_needs_code(Api(cast.admin, otp=False).post("/practitioners", body))
    assert not Practitioner.objects.filter(username="niamh").exists()

    device = TOTPDevice.objects.create(user=cast.admin, name="phone", confirmed=True)
    made = Api(cast.admin, otp=False).post("/practitioners", {**body, "otp": unused_code(device)})
    assert made.status_code == 201, made.content
    assert made.json()["roles"] == ["practitioner", "senior"]


# --- a new account links its first app only with a one-time set-up link ----------------------


def test_an_account_made_by_an_administrator_comes_with_a_one_time_set_up_link(
    cast: Cast,
) -> None:
    made = Api(cast.admin).post(
        "/practitioners", new_account(agency_id=str(cast.school.pk), password=PASSWORD)
    )

    assert made.status_code == 201, made.content
    link = made.json()["setup_link"]
    assert link.startswith("http://127.0.0.1:8000/sign-in/set-up-code?code=")
    expires = dt.datetime.fromisoformat(made.json()["setup_link_expires_at"])
    assert dt.timedelta(hours=71) < expires - timezone.now() <= dt.timedelta(hours=72)
    code = link.partition("code=")[2]
    niamh = Practitioner.objects.get(username="niamh")
    assert SetupLink.objects.get(practitioner=niamh).digest != code  # only its hash is kept
    # Until it is used, Niamh's password gets no token.
    assert ask_for_token(username="niamh", password=PASSWORD).status_code == 403


def test_the_setuplink_command_prints_a_link_and_refuses_an_account_with_an_app(
    morag: Practitioner,
) -> None:
    out = StringIO()
    call_command("setuplink", "morag", stdout=out, stderr=StringIO())
    assert "/sign-in/set-up-code?code=" in out.getvalue().splitlines()[-1]

    TOTPDevice.objects.create(user=morag, name="phone", confirmed=True)
    with pytest.raises(CommandError, match="already has an authenticator app"):
        call_command("setuplink", "morag", stdout=StringIO(), stderr=StringIO())

    # A lost phone: --replace removes the app, on the record, and makes a link.
    out = StringIO()
    call_command("setuplink", "morag", "--replace", stdout=out, stderr=StringIO())
    assert "code=" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=morag).exists()
    assert AuditEvent.objects.filter(action="auth.two_factor_removed", actor="morag").exists()


# --- lock-out per username, wherever the guesses come from -----------------------------------


def ask_from(address: str, forwarded: str | None = None, **body: object) -> object:
    extra = {"REMOTE_ADDR": address}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return Client().post("/api/v1/auth/token", body, content_type="application/json", **extra)


def test_guesses_from_many_addresses_lock_the_username(
    morag: Practitioner, app: TOTPDevice
) -> None:
    # Issue 9: the lock was per username and address, so spreading guesses never locked.
    for n in range(5):
        ask_from(f"203.0.113.{n + 1}", username="morag", password=f"wrong-{n}")

    locked = ask_from("198.51.100.7", username="morag", password=PASSWORD, otp=unused_code(app))

    assert locked.status_code == 403
    assert "locked for 15 minutes" in locked.json()["detail"]
    assert "token" not in locked.json()
    # Someone else is not locked out by them.
    assert ask_from("203.0.113.1", username="someone-else", password="x").status_code == 401


def test_a_lockout_cools_off_after_the_minutes_set(morag: Practitioner, app: TOTPDevice) -> None:
    from axes.models import AccessAttempt

    for n in range(5):
        ask_for_token(username="morag", password=f"wrong-{n}")
    assert password_and_code(app).status_code == 403

    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=16))

    assert password_and_code(app).status_code == 200


@override_settings(BAIRN_LOCKOUT_MINUTES=30)
def test_the_sign_in_page_says_the_account_is_locked_and_for_how_long(
    morag: Practitioner,
) -> None:
    client = Client()
    for n in range(5):
        client.post("/sign-in", {"username": "morag", "password": f"wrong-{n}"})

    page = client.post("/sign-in", {"username": "morag", "password": PASSWORD})

    assert "locked for 30 minutes" in page.content.decode()


def recorded_address() -> str:
    from axes.models import AccessAttempt

    return str(AccessAttempt.objects.get().ip_address)


def test_the_client_address_ignores_a_forwarded_header_by_default(morag: Practitioner) -> None:
    ask_from("203.0.113.9", "192.0.2.1", username="morag", password="wrong-password")

    assert recorded_address() == "203.0.113.9"


@override_settings(BAIRN_TRUSTED_PROXIES=["10.0.0.0/8"])
@pytest.mark.parametrize(
    ("remote", "forwarded", "client"),
    [
        ("10.1.2.3", "192.0.2.1", "192.0.2.1"),  # through the proxy
        ("10.1.2.3", "6.6.6.6, 192.0.2.1, 10.9.9.9", "192.0.2.1"),  # what the client wrote
        ("203.0.113.9", "192.0.2.1", "203.0.113.9"),  # not from the proxy: not believed
        ("10.1.2.3", "not-an-address", "10.1.2.3"),
    ],
)
def test_the_client_address_comes_from_a_trusted_proxy_only(
    morag: Practitioner, remote: str, forwarded: str, client: str
) -> None:
    ask_from(remote, forwarded, username="morag", password="wrong-password")

    assert recorded_address() == client


def disclosure(api: Api, cast: Cast, recipient: object, **extra: object) -> object:
    return api.post(
        "/disclosures",
        {
            "child_id": str(cast.leeann.pk),
            "recipient_agency_id": str(recipient.pk),  # type: ignore[attr-defined]
            "purpose": "wellbeing_support",
            "categories": ["chronology"],
            "justification": "The school needs to know what police attended",
            **extra,
        },
    )


def test_a_child_protection_disclosure_on_the_api_needs_a_fresh_code(cast: Cast) -> None:
    from bairn.sharing.models import Disclosure

    body = {"purpose": "child_protection"}

    assert_needs_code(disclosure(Api(cast.head_teacher, otp=False), cast, cast.police, **body))
    assert not Disclosure.objects.exists()

    made = disclosure(Api(cast.head_teacher), cast, cast.police, **body)
    assert made.status_code == 201, made.content
    assert Disclosure.objects.count() == 1


def test_releasing_a_restricted_entry_on_the_api_needs_a_fresh_code(cast: Cast) -> None:
    from bairn.agencies.services import involve
    from bairn.sharing.models import Disclosure
    from tests.factories import concern

    involve(cast.police_sergeant, cast.leeann.pk, "team")
    plain = concern(cast.police_officer, cast.leeann, "Disturbance at the flat", days_ago=20)
    secret = concern(
        cast.police_officer,
        cast.leeann,
        "Intelligence about an adult",
        days_ago=15,
        restricted=True,
    )
    sergeant = Api(cast.police_sergeant, otp=False)

    # Sharing all of the chronology, or choosing the restricted entry: a code is needed.
    for extra in ({}, {"entry_ids": [str(secret.pk)]}):
        asked = disclosure(sergeant, cast, cast.school, **extra)
        assert_needs_code(asked)
        assert "restricted" in asked.json()["detail"]
    # Without it, no code is asked (the rules then answer as they do).
    plain_only = disclosure(sergeant, cast, cast.school, entry_ids=[str(plain.pk)])
    assert "X-Bairn-OTP" not in plain_only.content.decode()
    # Another category than the chronology releases no entry.
    core = disclosure(sergeant, cast, cast.school, categories=["core"])
    assert "X-Bairn-OTP" not in core.content.decode()
    assert not Disclosure.objects.filter(entries=secret).exists()


def test_deciding_an_authorisation_on_the_api_needs_a_fresh_code(cast: Cast) -> None:
    from bairn.agencies.services import involve

    involve(cast.class_teacher, cast.leeann.pk, "team")
    asked = disclosure(
        Api(cast.class_teacher),
        cast,
        cast.police,
        purpose="child_protection",
        authorised_by=str(cast.head_teacher.pk),
    )
    assert asked.status_code == 202, asked.content
    url = f"/authorisations/{asked.json()['authorisation_id']}/decision"
    decision = {"decision": "authorise", "reason": "Leeann is at risk tonight"}

    assert_needs_code(Api(cast.head_teacher, otp=False).post(url, decision))

    device = TOTPDevice.objects.create(user=cast.head_teacher, name="phone", confirmed=True)
    decided = Api(cast.head_teacher, otp=False).post(url, {**decision, "otp": unused_code(device)})
    assert decided.status_code == 200, decided.content
    assert decided.json()["disclosure_id"]
