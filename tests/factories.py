"""Test data, made with the same service functions the API uses.

The people are the case study's (DOMAIN §7) plus an outsider, Charlie, in every table.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP, totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from bairn.agencies.models import Agency, Practitioner
from bairn.agencies.services import assign, create_agency, create_practitioner, issue_token
from bairn.chronology.models import Concern
from bairn.chronology.services import record_concern
from bairn.people.chi import make_chi
from bairn.people.models import Child
from bairn.people.services import add_person, create_child
from bairn.planning.models import PlanVersion
from bairn.planning.services import save_plan

LEEANN_DOB = dt.date(2017, 3, 14)
TRENT_DOB = dt.date(2023, 5, 2)


def unused_code(device: TOTPDevice) -> str:
    """The code the app shows now, or, when that one was already used (a code works
    once), the next one, which django-otp also accepts (a clock a step ahead)."""
    device.refresh_from_db()
    now = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).t()
    ahead = 1 if device.last_t >= now else 0
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift + ahead)
    return f"{code:0{device.digits}d}"


def current_code(user: Practitioner) -> str:
    """A code of the user's authenticator app (one is linked if they have none)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or (
        TOTPDevice.objects.create(user=user, name="Test app", confirmed=True)
    )
    return unused_code(device)


class Api:
    """A JSON client signed in with a bearer token."""

    def __init__(self, user: Practitioner | None, *, otp: bool = True) -> None:
        self.client = Client()
        self.user = user
        self.token = issue_token(user, label="test") if user is not None else None
        # Send the current code of the user's authenticator app with every request, as a
        # client does for the dangerous acts (bairn.api.stepup); otp=False sends none.
        self.otp = otp and user is not None

    def _headers(self) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        if self.otp and self.user is not None:
            headers["X-Bairn-OTP"] = current_code(self.user)
        return headers

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return self.client.get("/api/v1" + path, params or {}, headers=self._headers())

    def _send(self, method: str, path: str, body: Any) -> Any:
        data = body if isinstance(body, (str, bytes)) else json.dumps(body, default=str)
        return getattr(self.client, method)(
            "/api/v1" + path, data=data, content_type="application/json", headers=self._headers()
        )

    def post(self, path: str, body: Any = None) -> Any:
        return self._send("post", path, {} if body is None else body)

    def put(self, path: str, body: Any) -> Any:
        return self._send("put", path, body)

    def patch(self, path: str, body: Any) -> Any:
        return self._send("patch", path, body)

    def delete(self, path: str) -> Any:
        return self.client.delete("/api/v1" + path, headers=self._headers())


@dataclass
class Cast:
    admin: Practitioner
    school: Agency
    health: Agency
    police: Agency
    social_work: Agency
    housing: Agency
    head_teacher: Practitioner  # Named Person for Leeann; senior at the school
    class_teacher: Practitioner
    nursery_teacher: Practitioner
    health_visitor: Practitioner  # Named Person for Trent
    hv_team_leader: Practitioner  # senior, health
    police_officer: Practitioner
    police_sergeant: Practitioner  # senior, police
    social_worker: Practitioner  # lead professional
    ig_school: Practitioner
    ig_health: Practitioner
    charlie: Practitioner  # the outsider: housing officer, involved with nothing
    leeann: Child
    trent: Child
    apis: dict[str, Api] = field(default_factory=dict)

    def api(self, who: str) -> Api:
        if who not in self.apis:
            self.apis[who] = Api(getattr(self, who))
        return self.apis[who]


def practitioner(
    admin: Practitioner, username: str, name: str, agency: Agency, *roles: str
) -> Practitioner:
    return create_practitioner(
        admin,
        username=username,
        full_name=name,
        agency_id=agency.pk,
        roles=roles or ("practitioner",),
        email=f"{username}@example.org",
    )


def concern(
    who: Practitioner,
    child: Child,
    summary: str = "Arrived at school hungry",
    *,
    days_ago: float = 1,
    significance: str = "low",
    impact: str = "negative",
    indicators: tuple[str, ...] = ("nurtured",),
    **extra: Any,
) -> Concern:
    return record_concern(
        who,
        child.pk,
        occurred_at=timezone.now() - dt.timedelta(days=days_ago),
        summary=summary,
        source=extra.pop("source", "observation"),
        indicators=list(indicators),
        impact=impact,
        significance=significance,
        **extra,
    )


# A concern as the API takes it, valid for any child.
CONCERN = {
    "occurred_at": "2026-06-12T10:00:00+01:00",
    "summary": "Leeann said she had no breakfast",
    "source": "child_disclosure",
    "indicators": ["nurtured"],
    "impact": "negative",
    "significance": "low",
}


def plan(cast: Cast, **fields: Any) -> PlanVersion:
    """Leeann's first Child's Plan, made by her named person with Chris Devlin as lead
    professional: a plan with no needs, due for review in 60 days, unless `fields` say
    otherwise."""
    body: dict[str, Any] = {
        "reason_for_plan": "Several agencies are needed",
        "needs": [],
        "child_views": "",
        "family_views": "",
        "review_date": timezone.localdate() + dt.timedelta(days=60),
        **fields,
    }
    return save_plan(
        cast.head_teacher,
        cast.leeann.pk,
        version=0,
        lead_professional_id=cast.social_worker.pk,
        team_ids=[],
        **body,
    )


def make_cast() -> Cast:
    admin = Practitioner.objects.create_superuser("admin", "admin@example.org", None)
    school = create_agency(admin, name="Riverside Primary School and Nursery", kind="education")
    health = create_agency(admin, name="Health Visiting Team", kind="health")
    police = create_agency(admin, name="Police Scotland", kind="police")
    social_work = create_agency(admin, name="Children and Families Social Work", kind="social_work")
    housing = create_agency(admin, name="Council Housing", kind="housing")
    p = practitioner
    cast = Cast(
        admin=admin,
        school=school,
        health=health,
        police=police,
        social_work=social_work,
        housing=housing,
        head_teacher=p(admin, "ross", "Elaine Ross", school, "named_person", "senior"),
        class_teacher=p(admin, "baird", "Tom Baird", school, "practitioner"),
        nursery_teacher=p(admin, "khan", "Aisha Khan", school, "practitioner"),
        health_visitor=p(admin, "mcleod", "Fiona McLeod", health, "named_person"),
        hv_team_leader=p(admin, "grant", "Susan Grant", health, "senior"),
        police_officer=p(admin, "pc_wallace", "PC Jamie Wallace", police, "practitioner"),
        police_sergeant=p(admin, "sgt_murray", "DS Karen Murray", police, "senior"),
        social_worker=p(admin, "devlin", "Chris Devlin", social_work, "lead_professional"),
        ig_school=p(admin, "ig_school", "Morag Bell", school, "information_governance"),
        ig_health=p(admin, "ig_health", "Raj Patel", health, "information_governance"),
        charlie=p(admin, "charlie", "Charlie Outsider", housing, "practitioner"),
        leeann=None,  # type: ignore[arg-type]
        trent=None,  # type: ignore[arg-type]
    )
    cast.leeann = create_child(
        cast.head_teacher,
        given_name="Leeann",
        family_name="Cairns",
        date_of_birth=LEEANN_DOB,
        chi_number=make_chi(LEEANN_DOB, 1, "female"),
        sex="female",
        postcode="KY1 2AB",
    )
    assign(cast.head_teacher, cast.leeann.pk, "named_person", cast.head_teacher.pk)
    cast.trent = create_child(
        cast.health_visitor,
        given_name="Trent",
        family_name="Cairns",
        date_of_birth=TRENT_DOB,
        chi_number=make_chi(TRENT_DOB, 2, "male"),
        sex="male",
        postcode="KY1 2AB",
    )
    assign(cast.health_visitor, cast.trent.pk, "named_person", cast.health_visitor.pk)
    return cast


def ig(cast: Cast, agency: Agency) -> Api:
    """The information governance lead of an agency (made for the agencies without one:
    police, housing, social work)."""
    known = {cast.school.pk: "ig_school", cast.health.pk: "ig_health"}
    if agency.pk in known:
        return cast.api(known[agency.pk])
    key = f"ig_{agency.kind}"
    if key not in cast.apis:
        lead = practitioner(
            cast.admin, key, f"IG lead {agency.kind}", agency, "information_governance"
        )
        cast.apis[key] = Api(lead)
    return cast.apis[key]


def corinne(cast: Cast) -> str:
    """Leeann's mother, with parental responsibility, recorded around her: her person id."""
    return str(
        add_person(
            cast.head_teacher,
            cast.leeann.pk,
            given_name="Corinne",
            family_name="Cairns",
            relationship="mother",
            parental_responsibility=True,
            lives_with=True,
            stays_overnight=False,
        ).person_id
    )


def new_id() -> str:
    return str(uuid.uuid4())
