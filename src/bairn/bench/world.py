"""A synthetic council area for the benchmark: agencies, practitioners, children and a
chronology, made through the same service functions as everything else (one write path),
so that each write pays for its audit event, notifications and pattern check as in real
use. Everyone in it is made up."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone

from bairn.agencies.models import Agency, Practitioner
from bairn.agencies.services import add_to_team, assign, create_agency, create_practitioner
from bairn.chronology.models import Concern
from bairn.chronology.services import record_concern
from bairn.people.chi import make_chi
from bairn.people.services import create_child
from bairn.reference import Indicator, Source
from bairn.sharing.services import approve_isp, disclose, draft_isp

GIVEN = [
    "Ava",
    "Isla",
    "Olivia",
    "Emily",
    "Freya",
    "Sophie",
    "Grace",
    "Amelia",
    "Ella",
    "Lily",
    "Jack",
    "Noah",
    "Leo",
    "Harris",
    "Rory",
    "Lewis",
    "Oliver",
    "Finlay",
    "Callum",
    "Archie",
    "Aisha",
    "Zara",
    "Mohammed",
    "Yusuf",
    "Maja",
    "Jakub",
    "Oskar",
    "Chloe",
    "Evie",
    "Cameron",
]
FAMILY = [
    "Smith",
    "Brown",
    "Wilson",
    "Campbell",
    "Stewart",
    "Thomson",
    "Robertson",
    "Anderson",
    "MacDonald",
    "Scott",
    "Reid",
    "Murray",
    "Taylor",
    "Clark",
    "Ross",
    "Watson",
    "Morrison",
    "Paterson",
    "Young",
    "Mitchell",
    "Khan",
    "Ali",
    "Nowak",
    "Kowalski",
    "Fraser",
    "Kerr",
]
SUMMARIES = [
    "Arrived at school without breakfast",
    "Missed a health appointment",
    "Seemed withdrawn in class",
    "Good week: joined the football club",
    "Parent asked for help with routines",
    "Late three mornings this week",
    "Police attended a disturbance at the address",
    "Minor injury explained by the child",
    "Did not have a coat in cold weather",
    "Reading has improved",
]
SIGNIFICANCE = ["low"] * 70 + ["medium"] * 22 + ["high"] * 7 + ["child_protection"]
IMPACT = ["negative"] * 70 + ["neutral"] * 15 + ["positive"] * 15
INDICATORS = [i.value for i in Indicator]
SOURCES = [s.value for s in Source]


@dataclass
class Area:
    admin: Practitioner
    schools: list[Agency]
    health: Agency
    police: Agency
    social_work: Agency
    heads: list[Practitioner]  # Named Persons, seniors of their school
    teachers: list[Practitioner]
    health_visitors: list[Practitioner]
    police_officers: list[Practitioner]
    social_workers: list[Practitioner]
    ig: dict[uuid.UUID, Practitioner]
    children: list[uuid.UUID] = field(default_factory=list)
    named_person: dict[uuid.UUID, Practitioner] = field(default_factory=dict)
    busy_child: uuid.UUID | None = None


def _person(
    admin: Practitioner, agency: Agency, username: str, name: str, *roles: str
) -> Practitioner:
    return create_practitioner(
        admin,
        username=username,
        full_name=name,
        agency_id=agency.pk,
        roles=list(roles),
        email=f"{username}@bench.invalid",
    )


def build_agencies(schools: int) -> Area:
    admin = Practitioner.objects.create_superuser("bench-admin", "bench-admin@bench.invalid", None)
    school_list = [
        create_agency(admin, name=f"Bench Primary School {n + 1}", kind="education")
        for n in range(schools)
    ]
    health = create_agency(admin, name="Bench Health Visiting", kind="health")
    police = create_agency(admin, name="Bench Police", kind="police")
    social_work = create_agency(admin, name="Bench Social Work", kind="social_work")
    heads, teachers = [], []
    for n, school in enumerate(school_list):
        heads.append(_person(admin, school, f"head{n}", f"Head {n}", "named_person", "senior"))
        for t in range(3):
            teachers.append(
                _person(admin, school, f"teacher{n}-{t}", f"Teacher {n}.{t}", "practitioner")
            )
    hvs = [
        _person(admin, health, f"hv{n}", f"Health Visitor {n}", "named_person") for n in range(5)
    ]
    officers = [
        _person(admin, police, f"pc{n}", f"Constable {n}", "practitioner") for n in range(5)
    ]
    sws = [
        _person(admin, social_work, f"sw{n}", f"Social Worker {n}", "lead_professional")
        for n in range(5)
    ]
    ig = {
        a.pk: _person(admin, a, f"ig-{i}", f"IG lead {i}", "information_governance")
        for i, a in enumerate([*school_list, health, police, social_work])
    }
    return Area(
        admin, school_list, health, police, social_work, heads, teachers, hvs, officers, sws, ig
    )


def _when(rng: random.Random, born: dt.date) -> dt.datetime:
    now = timezone.now()
    earliest = max(
        now - dt.timedelta(days=730), timezone.make_aware(dt.datetime.combine(born, dt.time(9)))
    )
    span = max(1, int((now - earliest).total_seconds()) - 3600)
    return earliest + dt.timedelta(seconds=rng.randrange(span))


def _concern(rng: random.Random, who: Practitioner, child: uuid.UUID, born: dt.date) -> Concern:
    return record_concern(
        who,
        child,
        occurred_at=_when(rng, born),
        summary=rng.choice(SUMMARIES),
        source=rng.choice(SOURCES),
        indicators=rng.sample(INDICATORS, rng.choice([1, 1, 2, 3])),
        impact=rng.choice(IMPACT),
        significance=rng.choice(SIGNIFICANCE),
    )


def _postcode(rng: random.Random) -> str:
    district, sector = rng.randrange(1, 16), rng.randrange(1, 10)
    return f"KY{district} {sector}{rng.choice('ABDEFGHJ')}{rng.choice('LNPQRSTU')}"


def build_children(
    area: Area, count: int, entries_per_child: int, rng: random.Random, tick: Callable[[], None]
) -> None:
    """Children of 0–15 across the schools and health visiting; each with a Named Person
    and about `entries_per_child` concerns from the school, health, police and social work."""
    serials: dict[dt.date, int] = {}
    today = timezone.localdate()
    for n in range(count):
        born = today - dt.timedelta(days=rng.randrange(1, 16 * 365))
        sex = rng.choice(["female", "male"])
        serial = serials.get(born, 0)
        serials[born] = serial + 1
        pre_school = (today - born).days < 5 * 365
        school = n % len(area.schools)
        named = rng.choice(area.health_visitors) if pre_school else area.heads[school]
        child = create_child(
            named,
            given_name=rng.choice(GIVEN),
            family_name=rng.choice(FAMILY),
            date_of_birth=born,
            chi_number=make_chi(born, serial % 100, sex) if serial < 100 else None,
            sex=sex,
            postcode=_postcode(rng),
        )
        assign(named, child.pk, "named_person", named.pk)
        area.children.append(child.pk)
        area.named_person[child.pk] = named
        others = [
            rng.choice(area.teachers[school * 3 : school * 3 + 3]) if not pre_school else named,
            rng.choice(area.health_visitors),
            rng.choice(area.police_officers),
            rng.choice(area.social_workers),
        ]
        writers = [named]
        for other in others[: rng.choice([1, 1, 2, 3, 4])]:
            if other.pk != named.pk and other not in writers:
                add_to_team(named, child.pk, other.pk, reason="Works with the child")
                writers.append(other)
        for _ in range(max(0, round(rng.gauss(entries_per_child, entries_per_child / 3)))):
            _concern(rng, rng.choice(writers), child.pk, born)
        tick()


def build_busy_child(
    area: Area, entries: int, rng: random.Random, tick: Callable[[], None]
) -> uuid.UUID:
    """One child everyone knows: `entries` concerns from four agencies, and the school's
    chronology disclosed to health under an active ISP, so a health visitor reads a mix
    of her own agency's entries and disclosed ones."""
    head, school = area.heads[0], area.schools[0]
    born = timezone.localdate() - dt.timedelta(days=9 * 365)
    child = create_child(head, given_name="Busy", family_name="Bench", date_of_birth=born)
    assign(head, child.pk, "named_person", head.pk)
    hv, pc, sw = area.health_visitors[0], area.police_officers[0], area.social_workers[0]
    for member in (hv, pc, sw, area.teachers[0]):
        add_to_team(head, child.pk, member.pk, reason="Works with the child")
    writers = [head, area.teachers[0], hv, pc, sw]
    for n in range(entries):
        _concern(rng, writers[n % len(writers)], child.pk, born)
        tick()
    isp = draft_isp(
        area.ig[school.pk],
        title="Bench: school and health, wellbeing support",
        party_agency_ids=[school.pk, area.health.pk],
        purposes=["wellbeing_support"],
        categories=["chronology"],
        lawful_basis="public_task",
        consent_required=False,
        onward_sharing=False,
        retention_days=365,
        review_date=timezone.localdate() + dt.timedelta(days=365),
    )
    approve_isp(area.ig[school.pk], isp.pk)
    approve_isp(area.ig[area.health.pk], isp.pk)
    disclose(
        head,
        child.pk,
        recipient_agency_id=area.health.pk,
        purpose="wellbeing_support",
        categories=["chronology"],
        justification="Health visiting supports the family at home",
        family_not_informed_reason="",
    )
    area.busy_child = child.pk
    return child.pk
