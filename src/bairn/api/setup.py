"""Set-up: agencies and practitioners (API.md "Set-up")."""

from __future__ import annotations

import datetime as dt
import uuid

from django.http import HttpRequest
from ninja import Router, Status
from pydantic import Field

from bairn.access.declare import policy
from bairn.access.lookup import NONE
from bairn.access.policy import Action, authorize
from bairn.agencies import queries as agency_queries
from bairn.agencies import services
from bairn.agencies.models import Agency, Practitioner
from bairn.api.main import actor
from bairn.api.schemas import ERRORS, Email, Input, Name, Output, ShortText
from bairn.api.stepup import StepUpIn, require_fresh_otp
from bairn.reference import AgencyKind, Role

router = Router()


class AgencyIn(Input):
    name: ShortText = Field(min_length=1)
    kind: AgencyKind


class AgencyOut(Output):
    id: uuid.UUID
    name: str
    kind: str


class PractitionerIn(StepUpIn):
    username: str = Field(min_length=1, max_length=150, pattern=r"^[\w.@+-]+$")
    full_name: Name
    agency_id: uuid.UUID
    roles: list[Role] = Field(min_length=1)
    email: Email
    password: str | None = Field(default=None, max_length=200)
    job_title: ShortText = ""
    phone: str = Field(default="", max_length=40)


class PractitionerOut(Output):
    id: uuid.UUID
    username: str
    full_name: str
    agency_id: uuid.UUID | None
    agency_name: str | None
    roles: list[str]
    email: str
    job_title: str
    phone: str


class PractitionerCreatedOut(PractitionerOut):
    setup_link: str = Field(
        description="A one-time link with which the new account links its authenticator "
        "app (a password alone never does). It works once, until `setup_link_expires_at`; "
        "give it to them by a trusted route. `bairn setuplink USERNAME` makes a new one."
    )
    setup_link_expires_at: dt.datetime


def agency_out(agency: Agency) -> dict[str, object]:
    return {"id": agency.pk, "name": agency.name, "kind": agency.kind}


def practitioner_out(p: Practitioner) -> dict[str, object]:
    return {
        "id": p.pk,
        "username": p.username,
        "full_name": p.full_name,
        "agency_id": p.agency_id,
        "agency_name": p.agency.name if p.agency else None,
        "roles": sorted(p.roles),
        "email": p.email,
        "job_title": p.job_title,
        "phone": p.phone,
    }


@router.post("/agencies", response={201: AgencyOut, **ERRORS})
@policy(Action.AGENCY_CREATE, lookup=NONE)
def create_agency(request: HttpRequest, payload: AgencyIn) -> Status[dict[str, object]]:
    agency = services.create_agency(actor(request), name=payload.name, kind=payload.kind)
    return Status(201, agency_out(agency))


@router.get("/agencies", response={200: list[AgencyOut], **ERRORS})
@policy(Action.AGENCY_LIST, lookup=NONE)
def list_agencies(request: HttpRequest) -> list[dict[str, object]]:
    authorize(actor(request), Action.AGENCY_LIST)
    return [agency_out(a) for a in agency_queries.agencies()]


@router.post("/practitioners", response={201: PractitionerCreatedOut, **ERRORS})
@policy(Action.PRACTITIONER_CREATE, lookup=NONE)
def create_practitioner(request: HttpRequest, payload: PractitionerIn) -> Status[dict[str, object]]:
    require_fresh_otp(request, actor(request), "giving a new account its roles")
    user = services.create_practitioner(
        actor(request),
        username=payload.username,
        full_name=payload.full_name,
        agency_id=payload.agency_id,
        roles=[r.value for r in payload.roles],
        email=payload.email,
        password=payload.password,
        job_title=payload.job_title,
        phone=payload.phone,
    )
    setup = services.issue_setup_link(user, by=actor(request))
    return Status(
        201,
        {
            **practitioner_out(user),
            "setup_link": setup.link,
            "setup_link_expires_at": setup.expires_at,
        },
    )


@router.get("/practitioners", response={200: list[PractitionerOut], **ERRORS})
@policy(Action.PRACTITIONER_LIST, lookup=NONE)
def list_practitioners(
    request: HttpRequest, agency_id: uuid.UUID | None = None, role: Role | None = None
) -> list[dict[str, object]]:
    """The directory of practitioners: who they are and how to reach them."""
    authorize(actor(request), Action.PRACTITIONER_LIST)
    people = agency_queries.directory(agency_id=agency_id, role=role.value if role else None)
    return [practitioner_out(p) for p in people]


@router.get("/me", response={200: PractitionerOut, **ERRORS})
@policy(Action.SELF, lookup=NONE)
def me(request: HttpRequest) -> dict[str, object]:
    """Who the token belongs to."""
    return practitioner_out(actor(request))
