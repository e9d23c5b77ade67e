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

from bairn.agencies.models import Agency, Practitioner
from bairn.agencies.services import assign, create_agency, create_practitioner, issue_token
from bairn.chronology.models import Concern
from bairn.chronology.services import record_concern
from bairn.people.chi import make_chi
from bairn.people.models import Child
from bairn.people.services import add_person, create_child

LEEANN_DOB = dt.date(2017, 3, 14)
TRENT_DOB = dt.date(2023, 5, 2)


class Api:
    """A JSON client signed in with a bearer token."""

    def __init__(self, user: Practitioner | None) -> None:
        self.client = Client()
        self.user = user
        self.token = issue_token(user, label="test") if user is not None else None

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

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
