"""Bad input, endpoint by endpoint, through the HTTP API (API.md "Conventions").

Every kind of bad input each endpoint takes is answered 400 or 422 (400 for a body that
is not JSON or is too large), with a JSON body that has a "detail" and an "errors" list
naming the bad field; never a 500; and nothing is saved. Duplicates are 409. An id in a
path that is not one of ours is simply not found (404).

The tests share one set of data (the case study's cast, made once for the module, kept in
a transaction that is rolled back at the end); each test runs in a savepoint of its own,
so what one test saves never reaches another.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import connections, router, transaction
from django.db.models import Model
from django.utils import timezone

from bairn.agencies.models import Agency, ApiToken, Assignment, Involvement, Practitioner
from bairn.chronology.models import Concern, ConcernIndicator
from bairn.chronology.services import amend_concern
from bairn.notify.models import Notification
from bairn.people.chi import make_chi
from bairn.people.models import Child, ChildRelationship, Person
from tests.factories import (
    LEEANN_DOB,
    Api,
    Cast,
    concern,
    current_code,
    make_cast,
    practitioner,
)

MB = 1024 * 1024
PASSWORD = "kestrel-riverbank-2931"  # the class teacher's, for POST /auth/token

# --- the world the requests are made in -----------------------------------------------


@dataclass
class World:
    cast: Cast
    apis: dict[str, Api]
    ids: dict[str, str]


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    with (
        django_db_blocker.unblock(),
        transaction.atomic(using="default"),
        transaction.atomic(using="identity"),
    ):
        cast = make_cast()
        cast.class_teacher.set_password(PASSWORD)
        cast.class_teacher.save()
        depute = practitioner(cast.admin, "depute", "Depute Head", cast.school, "named_person")
        first = concern(cast.head_teacher, cast.leeann, "Arrived at school hungry", days_ago=9)
        superseded = concern(cast.head_teacher, cast.leeann, "No PE kit again", days_ago=5)
        amend_concern(cast.head_teacher, superseded.pk, reason="Wrong day", summary="No PE kit")
        # Every client (and so every token) is made here, outside the tests' savepoints.
        apis = {
            who: Api(getattr(cast, who))
            for who in ("admin", "head_teacher", "charlie", "ig_school")
        }
        apis["anonymous"] = Api(None)
        for api in apis.values():
            # A 500 comes back as a response, so the test can say "never a 500".
            api.client.raise_request_exception = False
        ids = {
            "child": str(cast.leeann.pk),
            "concern": str(first.pk),
            "amended": str(superseded.pk),
            "school": str(cast.school.pk),
            "head_teacher": str(cast.head_teacher.pk),
            "health_visitor": str(cast.health_visitor.pk),
            "social_worker": str(cast.social_worker.pk),
            "class_teacher": str(cast.class_teacher.pk),
            "depute": str(depute.pk),
        }
        yield World(cast, apis, ids)
        transaction.set_rollback(True, using="identity")
        transaction.set_rollback(True, using="default")


@dataclass(frozen=True)
class Ref:
    """An id from the world, filled in when the request is made."""

    name: str


@dataclass(frozen=True)
class Raw:
    """A request body sent exactly as written."""

    text: str


TOO_LARGE = Raw("<the valid body, padded past 1 MB>")


@dataclass(frozen=True)
class Typed:
    """The valid body, sent with this Content-Type ("" sends none)."""

    content_type: str


@dataclass(frozen=True)
class Code:
    """A code of this caller's authenticator app, made when the request is made."""

    name: str


def resolve(value: Any, ids: dict[str, str]) -> Any:
    if isinstance(value, Ref):
        return ids[value.name]
    if isinstance(value, Code):
        return current_code(Practitioner.objects.get(pk=ids[value.name]))
    if isinstance(value, dict):
        return {k: resolve(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, ids) for v in value]
    return value


# --- the endpoints, each with a body (or query) it accepts ------------------------------

KAYDEN_DOB = dt.date(2019, 6, 1)
KAYDEN_CHI = make_chi(KAYDEN_DOB, 3, "male")
LEEANN_CHI = make_chi(LEEANN_DOB, 1, "female")  # as tests/factories.make_cast records it
SOON = (dt.date.today() + dt.timedelta(days=3)).isoformat()
LATER_TODAY = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=3)).isoformat()
SUPERSCRIPT = "⁰¹²³⁴⁵⁶⁷⁸⁹"
FULLWIDTH = "０１２３４５６７８９"


def _changed(chi: str, position: int, alphabet: str = "0123456789") -> str:
    """The CHI number with one digit changed (to the next digit, written in `alphabet`)."""
    new = alphabet[(int(chi[position]) + 1) % 10]
    return chi[:position] + new + chi[position + 1 :]


@dataclass(frozen=True)
class Endpoint:
    who: str
    method: str
    path: str
    valid: dict[str, Any]
    required: tuple[str, ...] = ()
    ok: int = 200


ENDPOINTS: dict[str, Endpoint] = {
    "agencies": Endpoint(
        "admin",
        "post",
        "/agencies",
        {"name": "Kirkcaldy Young Carers", "kind": "third_sector"},
        ("name", "kind"),
        201,
    ),
    "practitioners": Endpoint(
        "admin",
        "post",
        "/practitioners",
        {
            "username": "j_doherty",
            "full_name": "Jo Doherty",
            "agency_id": Ref("school"),
            "roles": ["practitioner"],
            "email": "jo.doherty@example.org",
            "password": "otter-lighthouse-5820",
        },
        ("username", "full_name", "agency_id", "roles", "email"),
        201,
    ),
    "children": Endpoint(
        "head_teacher",
        "post",
        "/children",
        {
            "given_name": "Kayden",
            "family_name": "Cairns",
            "date_of_birth": KAYDEN_DOB.isoformat(),
            "chi_number": KAYDEN_CHI,
            "sex": "male",
            "ethnicity": "White Scottish",
            "religion": "None",
            "languages": ["English"],
            "address": "4 Shore Road, Kirkcaldy",
            "postcode": "KY1 2AB",
        },
        ("given_name", "family_name", "date_of_birth"),
        201,
    ),
    "match": Endpoint(
        "charlie",
        "post",
        "/children/match",
        {
            "given_name": "Leeann",
            "family_name": "Cairns",
            "date_of_birth": LEEANN_DOB.isoformat(),
            "postcode": "KY1 2AB",
            "chi_number": LEEANN_CHI,
        },
        ("given_name", "family_name", "date_of_birth"),
    ),
    "people": Endpoint(
        "head_teacher",
        "post",
        "/children/{child}/people",
        {
            "given_name": "Maggie",
            "family_name": "Reid",
            "date_of_birth": "1968-09-12",
            "relationship": "family_friend",
            "parental_responsibility": False,
            "lives_with": False,
            "stays_overnight": True,
            "caring_role": "Looks after the children at weekends",
        },
        # given_name and family_name are needed unless person_id is given.
        (
            "given_name",
            "family_name",
            "relationship",
            "parental_responsibility",
            "lives_with",
            "stays_overnight",
        ),
        201,
    ),
    "named-person": Endpoint(
        "head_teacher",
        "put",
        "/children/{child}/named-person",
        # A Named Person hands over within their agency only (DOMAIN §1).
        {"practitioner_id": Ref("depute")},
        ("practitioner_id",),
    ),
    "lead-professional": Endpoint(
        "head_teacher",
        "put",
        "/children/{child}/lead-professional",
        {"practitioner_id": Ref("social_worker")},
        ("practitioner_id",),
    ),
    "involvement": Endpoint(
        "charlie",
        "post",
        "/children/{child}/involvement",
        {"reason": "Police called at 2am: the child may be at risk tonight"},
        ("reason",),
        201,
    ),
    "concerns": Endpoint(
        "head_teacher",
        "post",
        "/children/{child}/concerns",
        {
            "occurred_at": "2025-01-13T08:50:00+00:00",
            "summary": "Came to school without a coat in the snow",
            "detail": "Said there was no coat that fits.",
            "source": "observation",
            "indicators": ["nurtured", "healthy"],
            "impact": "negative",
            "significance": "low",
            "action_taken": "Lent a coat from lost property; spoke to mum at pick-up.",
            "restricted": False,
            "withheld_from_family": False,
        },
        ("occurred_at", "summary", "source", "indicators", "impact", "significance"),
        201,
    ),
    "amendments": Endpoint(
        "head_teacher",
        "post",
        "/concerns/{concern}/amendments",
        {
            "reason": "The wrong day was recorded",
            "occurred_at": "2025-01-14T08:50:00+00:00",
            "summary": "Arrived at school hungry, again",
        },
        ("reason",),
        201,
    ),
    "chronology": Endpoint(
        "head_teacher",
        "get",
        "/children/{child}/chronology",
        {
            "indicator": "nurtured",
            "significance": "low",
            "impact": "negative",
            "from": "2020-01-01",
            "to": "2030-12-31",
        },
    ),
    "audit": Endpoint(
        "ig_school",
        "get",
        "/audit",
        {
            "child_id": Ref("child"),
            "actor": "ross",
            "from": "2020-01-01",
            "to": "2030-12-31",
            "outcome": "allowed",
            "limit": 50,
        },
    ),
    "token": Endpoint(
        "anonymous",
        "post",
        "/auth/token",
        {"username": "baird", "password": PASSWORD, "otp": Code("class_teacher")},
        ("username", "password"),
    ),
}


def with_(endpoint: str, **changes: Any) -> dict[str, Any]:
    return {**ENDPOINTS[endpoint].valid, **changes}


def without(endpoint: str, name: str) -> dict[str, Any]:
    return {k: v for k, v in ENDPOINTS[endpoint].valid.items() if k != name}


# --- the table -----------------------------------------------------------------------


@dataclass(frozen=True)
class Bad:
    endpoint: str
    body: Any  # a dict or list sent as JSON, Raw text, or TOO_LARGE; for GET, the query
    field: str | None  # the field "errors" must name
    status: tuple[int, ...] = (400, 422)
    path: str | None = None  # instead of the endpoint's


def bad(endpoint: str, label: str, body: Any, field: str | None, *status: int) -> Any:
    return pytest.param(Bad(endpoint, body, field, status or (400, 422)), id=f"{endpoint}-{label}")


def generic(endpoint: str) -> list[Any]:
    """What every endpoint with a JSON body must refuse."""
    valid = ENDPOINTS[endpoint].valid
    return [
        *(
            bad(endpoint, f"missing-{f}", without(endpoint, f), f)
            for f in ENDPOINTS[endpoint].required
        ),
        bad(endpoint, "unknown-field", with_(endpoint, colour="blue"), "colour"),
        bad(endpoint, "malformed-json", Raw('{"name": "unfinished'), "body", 400),
        bad(endpoint, "json-array", [valid], "body"),
        bad(endpoint, "json-string", Raw('"just a string"'), "body"),
        bad(endpoint, "empty-body", Raw(""), "body"),
        bad(endpoint, "body-over-1mb", TOO_LARGE, "body", 400),
        # Issue 9: a body sent as text, or with no type at all, was read as JSON.
        bad(endpoint, "sent-as-text-plain", Typed("text/plain"), "body", 415),
        bad(endpoint, "sent-as-a-form", Typed("application/x-www-form-urlencoded"), "body", 415),
        bad(endpoint, "sent-without-a-content-type", Typed(""), "body", 415),
    ]


def _chi_cases(endpoint: str, *, sex_checked: bool) -> list[Any]:
    chi = ENDPOINTS[endpoint].valid["chi_number"]
    dob = dt.date.fromisoformat(ENDPOINTS[endpoint].valid["date_of_birth"])
    sex = "male" if int(chi[8]) % 2 == 1 else "female"
    cases = [
        bad(endpoint, "chi-too-short", with_(endpoint, chi_number=chi[:9]), "chi_number"),
        bad(endpoint, "chi-too-long", with_(endpoint, chi_number=chi + "1"), "chi_number"),
        bad(
            endpoint,
            "chi-letters",
            with_(endpoint, chi_number=chi[:6] + "AB" + chi[8:]),
            "chi_number",
        ),
        bad(
            endpoint,
            "chi-bad-check-digit",
            with_(endpoint, chi_number=_changed(chi, 9)),
            "chi_number",
        ),
        bad(
            endpoint,
            "chi-one-digit-wrong",
            with_(endpoint, chi_number=_changed(chi, 7)),
            "chi_number",
        ),
        bad(
            endpoint,
            "chi-disagrees-with-date-of-birth",
            with_(endpoint, chi_number=make_chi(dob + dt.timedelta(days=1), 3, sex)),
            "chi_number",
        ),
        bad(
            endpoint,
            "chi-superscript-digit",
            with_(endpoint, chi_number=_changed(chi, 3, SUPERSCRIPT)),
            "chi_number",
        ),
        bad(
            endpoint,
            "chi-fullwidth-digits-bad-check",
            with_(endpoint, chi_number="".join(FULLWIDTH[int(d)] for d in _changed(chi, 9))),
            "chi_number",
        ),
    ]
    if sex_checked:
        wrong = "female" if sex == "male" else "male"
        cases.append(
            bad(
                endpoint,
                "chi-ninth-digit-disagrees-with-sex",
                with_(endpoint, sex=wrong),
                "chi_number",
            )
        )
    return cases


LONG_NAME = "A" * 101
CASES = [
    # POST /agencies
    *generic("agencies"),
    bad("agencies", "kind-unknown-code", with_("agencies", kind="school"), "kind"),
    bad("agencies", "kind-wrong-case", with_("agencies", kind="EDUCATION"), "kind"),
    bad("agencies", "kind-wrong-type", with_("agencies", kind=["education"]), "kind"),
    bad("agencies", "name-wrong-type", with_("agencies", name=42), "name"),
    bad("agencies", "name-empty", with_("agencies", name=""), "name"),
    bad("agencies", "name-blank", with_("agencies", name="   "), "name"),
    bad("agencies", "name-over-200", with_("agencies", name="A" * 201), "name"),
    # Text with a NUL character cannot be stored by PostgreSQL: refusing it is the one
    # answer that can be the same on both databases.
    bad("agencies", "name-nul-character", with_("agencies", name="Young\x00Carers"), "name"),
    # POST /practitioners
    *generic("practitioners"),
    bad("practitioners", "role-unknown-code", with_("practitioners", roles=["wizard"]), "roles"),
    bad("practitioners", "roles-not-a-list", with_("practitioners", roles="practitioner"), "roles"),
    bad("practitioners", "roles-empty", with_("practitioners", roles=[]), "roles"),
    bad(
        "practitioners",
        "agency_id-not-a-uuid",
        with_("practitioners", agency_id="school"),
        "agency_id",
    ),
    bad(
        "practitioners",
        "agency_id-unknown",
        with_("practitioners", agency_id=str(uuid.uuid4())),
        "agency_id",
    ),
    bad("practitioners", "email-malformed", with_("practitioners", email="jo at school"), "email"),
    bad(
        "practitioners",
        "full_name-over-100",
        with_("practitioners", full_name=LONG_NAME),
        "full_name",
    ),
    bad("practitioners", "full_name-blank", with_("practitioners", full_name="  "), "full_name"),
    bad(
        "practitioners", "username-with-space", with_("practitioners", username="jo d"), "username"
    ),
    bad(
        "practitioners", "username-over-150", with_("practitioners", username="j" * 151), "username"
    ),
    bad("practitioners", "username-wrong-type", with_("practitioners", username=42), "username"),
    bad("practitioners", "password-weak", with_("practitioners", password="12345"), "password"),
    # POST /children
    *generic("children"),
    bad(
        "children",
        "date_of_birth-impossible",
        with_("children", date_of_birth="2026-02-30"),
        "date_of_birth",
    ),
    # Issue 9: a number was read as seconds since 1970 (0 became 1 January 1970).
    *(
        bad(
            "children",
            f"date_of_birth-number-{n!r}",
            with_("children", date_of_birth=n),
            "date_of_birth",
        )
        for n in (0, 1_500_000_000, 2.5, "0", "1500000000")
    ),
    bad("children", "date_of_birth-future", with_("children", date_of_birth=SOON), "date_of_birth"),
    bad(
        "children",
        "date_of_birth-far-future",
        with_("children", date_of_birth="2099-06-01"),
        "date_of_birth",
    ),
    bad(
        "children",
        "date_of_birth-before-1900",
        with_("children", date_of_birth="1850-06-01"),
        "date_of_birth",
    ),
    bad(
        "children",
        "date_of_birth-not-iso",
        with_("children", date_of_birth="01/06/2019"),
        "date_of_birth",
    ),
    bad(
        "children",
        "date_of_birth-wrong-type",
        with_("children", date_of_birth=[2019, 6, 1]),
        "date_of_birth",
    ),
    *_chi_cases("children", sex_checked=True),
    bad("children", "chi-wrong-type", with_("children", chi_number=int(KAYDEN_CHI)), "chi_number"),
    bad("children", "sex-unknown-code", with_("children", sex="m"), "sex"),
    bad("children", "given_name-over-100", with_("children", given_name=LONG_NAME), "given_name"),
    bad(
        "children", "family_name-over-100", with_("children", family_name=LONG_NAME), "family_name"
    ),
    bad("children", "given_name-blank", with_("children", given_name="   "), "given_name"),
    bad("children", "given_name-wrong-type", with_("children", given_name=42), "given_name"),
    bad(
        "children",
        "given_name-nul-character",
        with_("children", given_name="Kay\x00den"),
        "given_name",
    ),
    bad("children", "languages-not-a-list", with_("children", languages="English"), "languages"),
    bad("children", "languages-wrong-item-type", with_("children", languages=[1]), "languages"),
    bad("children", "languages-too-many", with_("children", languages=["Scots"] * 11), "languages"),
    bad("children", "ethnicity-over-200", with_("children", ethnicity="x" * 201), "ethnicity"),
    bad("children", "address-over-500", with_("children", address="x" * 501), "address"),
    bad("children", "postcode-over-10", with_("children", postcode="KY1 2AB KY1 2AB"), "postcode"),
    # POST /children/match
    *generic("match"),
    bad(
        "match",
        "neither-postcode-nor-chi",
        without("match", "postcode") | {"chi_number": None},
        "postcode",
    ),
    bad(
        "match",
        "date_of_birth-impossible",
        with_("match", date_of_birth="2026-02-30"),
        "date_of_birth",
    ),
    *_chi_cases("match", sex_checked=False),
    bad("match", "sex-is-not-asked", with_("match", sex="female"), "sex"),
    bad("match", "given_name-over-100", with_("match", given_name=LONG_NAME), "given_name"),
    bad("match", "family_name-wrong-type", with_("match", family_name=["Cairns"]), "family_name"),
    bad("match", "postcode-over-10", with_("match", postcode="KY1 2AB KY1 2AB"), "postcode"),
    # POST /children/{id}/people
    *generic("people"),
    bad(
        "people", "relationship-unknown-code", with_("people", relationship="uncle"), "relationship"
    ),
    bad(
        "people",
        "parental_responsibility-wrong-type",
        with_("people", parental_responsibility="maybe"),
        "parental_responsibility",
    ),
    bad("people", "lives_with-null", with_("people", lives_with=None), "lives_with"),
    bad(
        "people",
        "date_of_birth-impossible",
        with_("people", date_of_birth="1968-02-30"),
        "date_of_birth",
    ),
    bad("people", "date_of_birth-future", with_("people", date_of_birth=SOON), "date_of_birth"),
    bad("people", "given_name-over-100", with_("people", given_name=LONG_NAME), "given_name"),
    bad("people", "family_name-over-100", with_("people", family_name=LONG_NAME), "family_name"),
    bad("people", "caring_role-over-2000", with_("people", caring_role="x" * 2001), "caring_role"),
    bad("people", "person_id-not-a-uuid", with_("people", person_id="maggie"), "person_id"),
    bad(
        "people",
        "person_id-unknown",
        {
            k: v
            for k, v in with_("people", person_id=str(uuid.uuid4())).items()
            if "name" not in k and k != "date_of_birth"
        },
        "person_id",
    ),
    bad("people", "person_id-and-names", with_("people", person_id=str(uuid.uuid4())), "person_id"),
    # PUT /children/{id}/named-person and lead-professional
    *generic("named-person"),
    bad(
        "named-person",
        "practitioner_id-not-a-uuid",
        with_("named-person", practitioner_id="ross"),
        "practitioner_id",
    ),
    bad(
        "named-person",
        "practitioner_id-wrong-type",
        with_("named-person", practitioner_id=7),
        "practitioner_id",
    ),
    bad(
        "named-person",
        "practitioner_id-unknown",
        with_("named-person", practitioner_id=str(uuid.uuid4())),
        "practitioner_id",
    ),
    bad(
        "named-person",
        "practitioner-without-the-role",
        with_("named-person", practitioner_id=Ref("class_teacher")),
        "practitioner_id",
    ),
    *generic("lead-professional"),
    bad(
        "lead-professional",
        "practitioner_id-not-a-uuid",
        with_("lead-professional", practitioner_id="devlin"),
        "practitioner_id",
    ),
    bad(
        "lead-professional",
        "practitioner_id-unknown",
        with_("lead-professional", practitioner_id=str(uuid.uuid4())),
        "practitioner_id",
    ),
    bad(
        "lead-professional",
        "practitioner-without-the-role",
        with_("lead-professional", practitioner_id=Ref("head_teacher")),
        "practitioner_id",
    ),
    # POST /children/{id}/involvement (break glass)
    *generic("involvement"),
    bad("involvement", "reason-empty", with_("involvement", reason=""), "reason"),
    bad("involvement", "reason-blank", with_("involvement", reason="    "), "reason"),
    bad("involvement", "reason-too-short", with_("involvement", reason="ok"), "reason"),
    bad("involvement", "reason-over-5000", with_("involvement", reason="x" * 5001), "reason"),
    bad(
        "involvement",
        "reason-wrong-type",
        with_("involvement", reason=["urgent", "really"]),
        "reason",
    ),
    # POST /children/{id}/concerns
    *generic("concerns"),
    bad(
        "concerns", "indicator-unknown-code", with_("concerns", indicators=["happy"]), "indicators"
    ),
    bad("concerns", "indicator-wrong-case", with_("concerns", indicators=["Safe"]), "indicators"),
    bad("concerns", "indicators-empty", with_("concerns", indicators=[]), "indicators"),
    bad("concerns", "indicators-not-a-list", with_("concerns", indicators="safe"), "indicators"),
    bad(
        "concerns",
        "significance-unknown-code",
        with_("concerns", significance="urgent"),
        "significance",
    ),
    bad("concerns", "impact-unknown-code", with_("concerns", impact="bad"), "impact"),
    bad("concerns", "source-unknown-code", with_("concerns", source="gossip"), "source"),
    bad(
        "concerns",
        "occurred_at-impossible",
        with_("concerns", occurred_at="2026-02-30T09:00:00+00:00"),
        "occurred_at",
    ),
    bad(
        "concerns", "occurred_at-a-number", with_("concerns", occurred_at=1736758200), "occurred_at"
    ),
    bad("chronology", "from-a-number", with_("chronology", **{"from": "1736758200"}), "from"),
    bad(
        "concerns", "occurred_at-future", with_("concerns", occurred_at=LATER_TODAY), "occurred_at"
    ),
    bad(
        "concerns",
        "occurred_at-far-future",
        with_("concerns", occurred_at="2099-01-01T09:00:00+00:00"),
        "occurred_at",
    ),
    bad(
        "concerns",
        "occurred_at-before-1900",
        with_("concerns", occurred_at="1850-01-01T09:00:00+00:00"),
        "occurred_at",
    ),
    bad(
        "concerns",
        "occurred_at-before-the-pregnancy",
        with_("concerns", occurred_at="2015-06-01T09:00:00+01:00"),  # Leeann was born in 2017
        "occurred_at",
    ),
    bad(
        "concerns",
        "occurred_at-not-a-time",
        with_("concerns", occurred_at="last Tuesday"),
        "occurred_at",
    ),
    bad("concerns", "summary-over-500", with_("concerns", summary="x" * 501), "summary"),
    bad("concerns", "summary-empty", with_("concerns", summary=""), "summary"),
    bad("concerns", "summary-blank", with_("concerns", summary="   "), "summary"),
    bad("concerns", "summary-wrong-type", with_("concerns", summary=42), "summary"),
    bad("concerns", "summary-nul-character", with_("concerns", summary="No coat\x00"), "summary"),
    bad("concerns", "detail-over-20000", with_("concerns", detail="x" * 20_001), "detail"),
    bad(
        "concerns",
        "action_taken-over-20000",
        with_("concerns", action_taken="x" * 20_001),
        "action_taken",
    ),
    bad("concerns", "restricted-wrong-type", with_("concerns", restricted="very"), "restricted"),
    bad(
        "concerns",
        "withheld-without-reason",
        with_("concerns", withheld_from_family=True),
        "withheld_reason",
    ),
    bad(
        "concerns",
        "withheld-with-blank-reason",
        with_("concerns", withheld_from_family=True, withheld_reason="  "),
        "withheld_reason",
    ),
    bad(
        "concerns",
        "withheld_reason-over-20000",
        with_("concerns", withheld_from_family=True, withheld_reason="x" * 20_001),
        "withheld_reason",
    ),
    bad(
        "concerns",
        "recorded_at-is-not-the-callers",
        with_("concerns", recorded_at="2025-01-13T09:00:00+00:00"),
        "recorded_at",
    ),
    # POST /concerns/{id}/amendments
    *generic("amendments"),
    bad("amendments", "reason-blank", with_("amendments", reason="   "), "reason"),
    bad(
        "amendments",
        "indicator-unknown-code",
        with_("amendments", indicators=["happy"]),
        "indicators",
    ),
    bad("amendments", "indicators-empty", with_("amendments", indicators=[]), "indicators"),
    bad(
        "amendments",
        "significance-unknown-code",
        with_("amendments", significance="urgent"),
        "significance",
    ),
    bad("amendments", "impact-unknown-code", with_("amendments", impact="bad"), "impact"),
    bad("amendments", "source-unknown-code", with_("amendments", source="gossip"), "source"),
    bad(
        "amendments",
        "occurred_at-impossible",
        with_("amendments", occurred_at="2025-02-30T09:00:00+00:00"),
        "occurred_at",
    ),
    bad(
        "amendments",
        "occurred_at-future",
        with_("amendments", occurred_at="2099-01-01T09:00:00+00:00"),
        "occurred_at",
    ),
    bad("amendments", "summary-over-500", with_("amendments", summary="x" * 501), "summary"),
    bad("amendments", "summary-wrong-type", with_("amendments", summary=42), "summary"),
    bad("amendments", "detail-over-20000", with_("amendments", detail="x" * 20_001), "detail"),
    bad(
        "amendments",
        "withheld-without-reason",
        with_("amendments", withheld_from_family=True),
        "withheld_reason",
    ),
    bad(
        "amendments",
        "amends-is-not-the-callers",
        with_("amendments", amends=str(uuid.uuid4())),
        "amends",
    ),
    # GET /children/{id}/chronology
    bad(
        "chronology", "indicator-unknown-code", with_("chronology", indicator="happy"), "indicator"
    ),
    bad(
        "chronology",
        "significance-unknown-code",
        with_("chronology", significance="urgent"),
        "significance",
    ),
    bad("chronology", "impact-unknown-code", with_("chronology", impact="bad"), "impact"),
    bad("chronology", "from-impossible", with_("chronology", **{"from": "2026-02-30"}), "from"),
    bad("chronology", "from-not-a-date", with_("chronology", **{"from": "last week"}), "from"),
    bad("chronology", "to-impossible", with_("chronology", to="2026-13-01"), "to"),
    bad(
        "chronology",
        "from-after-to",
        with_("chronology", **{"from": "2025-06-01", "to": "2025-01-01"}),
        "from",
    ),
    bad("chronology", "agency_id-not-a-uuid", with_("chronology", agency_id="school"), "agency_id"),
    bad(
        "chronology",
        "include_superseded-not-a-bool",
        with_("chronology", include_superseded="perhaps"),
        "include_superseded",
    ),
    # GET /audit
    bad("audit", "child_id-not-a-uuid", with_("audit", child_id="leeann"), "child_id"),
    bad("audit", "from-impossible", with_("audit", **{"from": "2026-02-30"}), "from"),
    bad("audit", "to-not-a-date", with_("audit", to="tomorrow"), "to"),
    bad(
        "audit",
        "from-after-to",
        with_("audit", **{"from": "2025-06-01", "to": "2025-01-01"}),
        "from",
    ),
    bad("audit", "outcome-unknown-code", with_("audit", outcome="maybe"), "outcome"),
    bad("audit", "limit-not-a-number", with_("audit", limit="lots"), "limit"),
    bad("audit", "limit-zero", with_("audit", limit=0), "limit"),
    bad("audit", "limit-too-high", with_("audit", limit=1_000_000), "limit"),
    bad("audit", "actor-over-150", with_("audit", actor="x" * 151), "actor"),
    # POST /auth/token
    *generic("token"),
    bad("token", "username-wrong-type", with_("token", username=42), "username"),
    bad("token", "username-empty", with_("token", username=""), "username"),
    bad("token", "username-over-100", with_("token", username=LONG_NAME), "username"),
    bad("token", "password-wrong-type", with_("token", password=["x"]), "password"),
    bad("token", "otp-wrong-type", with_("token", otp=123456), "otp"),
]


# --- how a case is run ---------------------------------------------------------------

COUNTED = (
    Agency,
    Practitioner,
    ApiToken,
    Assignment,
    Involvement,
    Child,  # the identity store
    Person,  # the identity store
    ChildRelationship,  # the identity store
    Concern,
    ConcernIndicator,
    Notification,
)


def snapshot(world: World) -> tuple[dict[str, int], list[dict[str, Any]]]:
    """Row counts in both stores, and the child's chronology as stored: every version of
    every entry with its indicators. (Reading it through the API, and counting model by
    model, would make this module several times slower.)"""
    counts: dict[str, int] = {}
    by_store: dict[str, list[type[Model]]] = {}
    for model in COUNTED:
        by_store.setdefault(router.db_for_read(model), []).append(model)
    for alias, models in by_store.items():
        quote = connections[alias].ops.quote_name
        sql = "SELECT " + ", ".join(
            f"(SELECT COUNT(*) FROM {quote(m._meta.db_table)})" for m in models
        )
        with connections[alias].cursor() as cursor:
            cursor.execute(sql)
            counts.update(zip((m.__name__ for m in models), cursor.fetchone(), strict=True))
    child = world.ids["child"]
    chronology = list(
        Concern.objects.filter(child_ref=child).order_by("recorded_at", "pk").values()
    )
    indicators: dict[Any, list[str]] = {}
    for concern_id, code in ConcernIndicator.objects.filter(concern__child_ref=child).values_list(
        "concern_id", "indicator"
    ):
        indicators.setdefault(concern_id, []).append(code)
    for entry in chronology:
        entry["indicators"] = sorted(indicators.get(entry["id"], []))
    return counts, chronology


def send(world: World, endpoint: Endpoint, body: Any, path: str | None = None) -> Any:
    api = world.apis[endpoint.who]
    url = (path or endpoint.path).format(**world.ids)
    if endpoint.method == "get":
        return api.get(url, resolve(body, world.ids))
    if body is TOO_LARGE:
        data = json.dumps({**resolve(endpoint.valid, world.ids), "padding": "x" * MB})
        assert len(data) > MB
    elif isinstance(body, Raw):
        data = body.text
    elif isinstance(body, Typed):
        return api.client.generic(
            endpoint.method.upper(),
            "/api/v1" + url,
            json.dumps(resolve(endpoint.valid, world.ids)),
            content_type=body.content_type,
            headers=api._headers(),
        )
    else:
        data = json.dumps(resolve(body, world.ids))
    return getattr(api, endpoint.method)(url, data)


def errors_of(response: Any) -> list[dict[str, Any]]:
    assert response["Content-Type"].startswith("application/json"), response.content[:300]
    body = response.json()
    assert isinstance(body, dict), body
    assert isinstance(body.get("detail"), str), body
    assert body["detail"].strip(), body
    assert isinstance(body.get("errors"), list), body
    assert body["errors"], body
    for item in body["errors"]:
        assert isinstance(item, dict), body
        assert isinstance(item.get("field"), str), body
        assert isinstance(item.get("message"), str), body
    return body["errors"]


def named_fields(errors: list[dict[str, Any]]) -> set[str]:
    """The fields named: "indicators.0" names indicators, "from.date" names from."""
    return {item["field"].split(".")[0] for item in errors}


@pytest.mark.parametrize("name", list(ENDPOINTS))
def test_each_tables_valid_input_is_accepted(world: World, name: str) -> None:
    """The bodies the table spoils are good ones, so each bad case differs in one thing;
    and what they save is seen by the snapshot that checks nothing else was saved."""
    endpoint = ENDPOINTS[name]
    before = snapshot(world)
    response = send(world, endpoint, endpoint.valid)
    assert response.status_code == endpoint.ok, response.content[:500]
    if endpoint.method != "get" and name != "match":  # the match saves nothing but audit
        assert snapshot(world) != before


@pytest.mark.parametrize("case", CASES)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_saved(
    world: World, case: Bad
) -> None:
    endpoint = ENDPOINTS[case.endpoint]
    before = snapshot(world)

    response = send(world, endpoint, case.body, case.path)

    assert response.status_code != 500, "a 500 for bad input"
    assert response.status_code in case.status, response.content[:500]
    errors = errors_of(response)
    if case.field is not None:
        assert case.field in named_fields(errors), errors
    assert snapshot(world) == before, "something was saved"


DUPLICATES = [
    pytest.param(
        Bad("agencies", {"name": "Police Scotland", "kind": "police"}, "name", (409,)),
        id="agency-name-taken",
    ),
    pytest.param(
        Bad("practitioners", with_("practitioners", username="ross"), "username", (409,)),
        id="username-taken",
    ),
    pytest.param(
        Bad(
            "children",
            with_(
                "children",
                given_name="Leanne",
                date_of_birth=LEEANN_DOB.isoformat(),
                chi_number=LEEANN_CHI,
                sex="female",
            ),
            "chi_number",
            (409,),
        ),
        id="chi-number-taken",
    ),
    pytest.param(
        Bad(
            "children",
            with_(
                "children",
                date_of_birth=LEEANN_DOB.isoformat(),
                chi_number=f"{LEEANN_CHI[:6]} {LEEANN_CHI[6:]}",
                sex="female",
            ),
            "chi_number",
            (409,),
        ),
        id="chi-number-taken-written-with-a-space",
    ),
    pytest.param(
        Bad(
            "children",
            with_(
                "children",
                date_of_birth=LEEANN_DOB.isoformat(),
                chi_number="".join(FULLWIDTH[int(d)] for d in LEEANN_CHI),
                sex="female",
            ),
            "chi_number",
            # Either refused as not ASCII digits, or read as the same number: taken.
            (409, 422),
        ),
        id="chi-number-taken-written-in-fullwidth-digits",
    ),
    pytest.param(
        Bad(
            "amendments",
            {"reason": "A second correction", "summary": "No PE kit on Monday"},
            None,
            (409,),
            path="/concerns/{amended}/amendments",
        ),
        id="amending-an-amended-entry",
    ),
]


@pytest.mark.parametrize("case", DUPLICATES)
def test_duplicates_are_409_and_nothing_is_saved(world: World, case: Bad) -> None:
    endpoint = ENDPOINTS[case.endpoint]
    before = snapshot(world)

    response = send(world, endpoint, case.body, case.path)

    assert response.status_code in case.status, response.content[:500]
    body = response.json()
    assert isinstance(body.get("detail"), str), body
    assert body["detail"].strip(), body
    if case.field is not None:
        assert case.field in named_fields(errors_of(response)), body
    assert snapshot(world) == before, "something was saved"


def test_amending_an_amended_entry_points_at_the_latest(world: World) -> None:
    latest = Concern.objects.get(amends_id=world.ids["amended"])
    response = world.apis["head_teacher"].post(
        f"/concerns/{world.ids['amended']}/amendments", {"reason": "A second correction"}
    )
    assert response.status_code == 409, response.content
    assert response.json().get("current_id") == str(latest.pk)


# --- ids in paths that are not ours ----------------------------------------------------


@dataclass(frozen=True)
class PathCase:
    who: str
    method: str
    path: str  # {bad} is where the id goes
    body: dict[str, Any] = field(default_factory=dict)


ID_PATHS = {
    "get-child": PathCase("head_teacher", "get", "/children/{bad}"),
    "get-people": PathCase("head_teacher", "get", "/children/{bad}/people"),
    "add-person": PathCase(
        "head_teacher", "post", "/children/{bad}/people", ENDPOINTS["people"].valid
    ),
    "named-person": PathCase(
        "head_teacher", "put", "/children/{bad}/named-person", ENDPOINTS["named-person"].valid
    ),
    "lead-professional": PathCase(
        "head_teacher",
        "put",
        "/children/{bad}/lead-professional",
        ENDPOINTS["lead-professional"].valid,
    ),
    "break-glass": PathCase(
        "charlie", "post", "/children/{bad}/involvement", ENDPOINTS["involvement"].valid
    ),
    "record-concern": PathCase(
        "head_teacher", "post", "/children/{bad}/concerns", ENDPOINTS["concerns"].valid
    ),
    "chronology": PathCase("head_teacher", "get", "/children/{bad}/chronology"),
    "get-concern": PathCase("head_teacher", "get", "/concerns/{bad}"),
    "amend-concern": PathCase(
        "head_teacher", "post", "/concerns/{bad}/amendments", ENDPOINTS["amendments"].valid
    ),
    "read-notification": PathCase("head_teacher", "post", "/notifications/{bad}/read"),
}
NOT_IDS = {
    "word": "not-a-uuid",
    "number": "12345",
    "uuid-plus-one": "{child}0",
    "uuid-minus-one": "{child_short}",
}


@pytest.mark.parametrize("not_id", list(NOT_IDS.values()), ids=list(NOT_IDS))
@pytest.mark.parametrize("case", list(ID_PATHS.values()), ids=list(ID_PATHS))
def test_an_id_that_is_not_a_uuid_is_not_found(world: World, case: PathCase, not_id: str) -> None:
    ids = {**world.ids, "child_short": world.ids["child"][:-1]}
    url = case.path.format(bad=not_id.format(**ids))
    api = world.apis[case.who]
    before = snapshot(world)

    if case.method == "get":
        response = api.get(url)
    else:
        response = getattr(api, case.method)(url, json.dumps(resolve(case.body, world.ids)))

    assert response.status_code == 404, response.content[:500]
    assert response.json() == {"detail": "Not found."}
    assert snapshot(world) == before


# --- odd input that has more than one right answer, but never a 500 ------------------


@pytest.mark.parametrize(
    ("endpoint", "body", "allowed", "name"),
    [
        # A date at the edge of the calendar is a valid date: answer it (200, perhaps with
        # nothing), or refuse it naming the parameter.
        pytest.param(
            "chronology", {"to": "9999-12-31"}, (200, 422), "to", id="chronology-to-9999-12-31"
        ),
        pytest.param("audit", {"to": "9999-12-31"}, (200, 422), "to", id="audit-to-9999-12-31"),
        pytest.param(
            "chronology",
            {"from": "9999-12-31T23:59:59-14:00"},
            (200, 422),
            "from",
            id="chronology-from-end-of-9999-west-of-utc",
        ),
        pytest.param(
            "audit",
            {"from": "9999-12-31T23:59:59-14:00"},
            (200, 422),
            "from",
            id="audit-from-end-of-9999-west-of-utc",
        ),
        pytest.param(
            "chronology", {"from": "0001-01-01"}, (200, 422), "from", id="chronology-from-year-1"
        ),
        # No such user (401), or a username that cannot be (422).
        pytest.param(
            "token",
            with_("token", username="bai\x00rd"),
            (401, 422),
            "username",
            id="token-username-nul-character",
        ),
    ],
)
def test_odd_input_is_answered_never_a_500(
    world: World, endpoint: str, body: dict[str, Any], allowed: tuple[int, ...], name: str
) -> None:
    before = snapshot(world)
    response = send(world, ENDPOINTS[endpoint], body)
    assert response.status_code in allowed, response.content[:500]
    if response.status_code in (400, 422):
        assert name in named_fields(errors_of(response))
    assert snapshot(world) == before


def test_the_occurrence_time_is_checked_against_now_not_a_fixed_date(world: World) -> None:
    """A concern from a minute ago is fine; the future check does not catch the present."""
    body = with_("concerns", occurred_at=(timezone.now() - dt.timedelta(minutes=1)).isoformat())
    response = send(world, ENDPOINTS["concerns"], body)
    assert response.status_code == 201, response.content[:500]
