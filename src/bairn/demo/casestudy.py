"""The case study (DOMAIN §7) as demo data, loaded through the service functions.

Everything here is fictional: the council area of Glenbrae, its agencies and
practitioners, and the family of the Scottish Government's GIRFEC information-sharing
workshop (`shared/seed/girfec-information-sharing-workshop.txt`).

The chronology covers the five months before "that Friday", the last day of term: the
most recent Friday before today. Each agency holds a part that alone looked small; the
Named Persons hear of the others' concerns only as who, when and how significant, and
the pattern alerts count them. The area's Information Sharing Protocols are in
`protocols.py`; under them a little is shared before the Friday (the health visitor
tells the nursery of Trent's speech delay; with Corinne's consent the family support
project tells the school how Leeann got on at its holiday club), and the views of
Leeann, Corinne and Steve are recorded.

That Friday ends with the school's concerns — Leeann frightened and clinging, the
bruising on her wrists, her disclosure about Steve and the cold bath — and the head
teacher's child protection disclosures to the police and social work. What happened after
it, to today — the inter-agency referral discussion, the Lead Professional, the wellbeing
assessments and the Child's Plans — is in `afterwards.py`. `bairn demo --before-friday`
stops short of the Friday, for a walk-through that records it live.

Data is written only through the services a practitioner's request would use, so the
audit, the involvements, the notifications and the pattern alerts come out as in real
use. Dates of birth and dates of events are relative to that Friday, so the ages and the
90-day pattern window stay right whenever the demo is loaded. Consents, views and
disclosures carry the time of the load, not of the day they stand for: their services
record the present moment, and only `record_concern` takes a past `recorded_at`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.test.utils import override_settings
from django.utils import timezone

from bairn.agencies.models import Agency, Assignment, Involvement, Practitioner
from bairn.agencies.services import (
    add_to_team,
    assign,
    create_agency,
    create_practitioner,
)
from bairn.audit.models import AuditEvent
from bairn.chronology.models import Concern
from bairn.chronology.services import record_concern
from bairn.db import both_stores
from bairn.demo.protocols import ISPS, KEY_POST_HOLDERS
from bairn.notify.models import Notification
from bairn.people.chi import make_chi
from bairn.people.models import Child, ChildRelationship, Person
from bairn.people.services import add_person, create_child, match, record_named_person_offer
from bairn.planning.models import (
    Assessment,
    Contribution,
    Ird,
    Meeting,
    Plan,
    PlanVersion,
    RegisterEntry,
)
from bairn.reference import (
    AgencyKind,
    Category,
    Impact,
    Indicator,
    Purpose,
    Relationship,
    Role,
    Sex,
    Significance,
    Source,
)
from bairn.sharing.models import Consent, Disclosure, Isp, View
from bairn.sharing.services import (
    approve_isp,
    disclose,
    draft_isp,
    mark_family_informed,
    record_consent,
    record_views,
)

# One password for every demo login. It passes Django's validators (length, not common,
# not numeric) and says what it is: never use it, or the demo, for real children.
PASSWORD = "bairn-demo-2026"
AREA = "Glenbrae"
EMAIL_DOMAIN = "glenbrae.example"  # RFC 2606: a domain that can never receive mail

# --- agencies (DOMAIN §1) --------------------------------------------------------------


@dataclass(frozen=True)
class AgencyData:
    key: str
    name: str
    kind: str


AGENCIES: tuple[AgencyData, ...] = (
    AgencyData("school", "Kirkhill Primary School and Nursery Class", AgencyKind.EDUCATION),
    AgencyData("health", "NHS Glenbrae Health Visiting Team", AgencyKind.HEALTH),
    AgencyData("police", "Police Scotland, Glenbrae Division", AgencyKind.POLICE),
    AgencyData(
        "social_work", "Glenbrae Council Children and Families Social Work", AgencyKind.SOCIAL_WORK
    ),
    AgencyData("support", "Braeside Family Support Project", AgencyKind.THIRD_SECTOR),
    AgencyData("housing", "Glenbrae Council Housing Services", AgencyKind.HOUSING),
)
AGENCY_NAMES: dict[str, str] = {a.key: a.name for a in AGENCIES}

# --- practitioners ---------------------------------------------------------------------


@dataclass(frozen=True)
class PractitionerData:
    username: str
    full_name: str
    job_title: str
    agency: str  # an AgencyData.key
    roles: tuple[str, ...]
    phone: str
    note: str = ""  # their part in the demo, for the logins table


NP, LP, SENIOR, IG, PRACTITIONER = (
    Role.NAMED_PERSON.value,
    Role.LEAD_PROFESSIONAL.value,
    Role.SENIOR.value,
    Role.INFORMATION_GOVERNANCE.value,
    Role.PRACTITIONER.value,
)

# Telephone numbers are from Ofcom's range for drama (01632 960000–960999).
PRACTITIONERS: tuple[PractitionerData, ...] = (
    # The primary school and its attached nursery class: one education agency.
    PractitionerData(
        username="headteacher",
        full_name="Alison Dunbar",
        job_title="Head Teacher",
        agency="school",
        roles=(NP, SENIOR),
        phone="01632 960101",
        note="Leeann's Named Person",
    ),
    PractitionerData(
        username="depute",
        full_name="Graham Laidlaw",
        job_title="Depute Head Teacher, child protection co-ordinator",
        agency="school",
        roles=(PRACTITIONER, SENIOR),
        phone="01632 960102",
        note="child protection co-ordinator",
    ),
    PractitionerData(
        username="classteacher",
        full_name="Kirsty Morrison",
        job_title="Class Teacher, Primary 5",
        agency="school",
        roles=(PRACTITIONER,),
        phone="01632 960103",
        note="Leeann's class teacher (not on her plan's team)",
    ),
    PractitionerData(
        username="assistant",
        full_name="Janet Gillespie",
        job_title="Classroom Assistant",
        agency="school",
        roles=(PRACTITIONER,),
        phone="01632 960104",
        note="Leeann's classroom assistant",
    ),
    PractitionerData(
        username="nursery",
        full_name="Mhairi Sinclair",
        job_title="Early Years Practitioner, Nursery Class",
        agency="school",
        roles=(PRACTITIONER,),
        phone="01632 960105",
        note="Trent's key worker (nursery)",
    ),
    PractitionerData(
        username="ig.school",
        full_name="Fraser Kerr",
        job_title="Information Governance Lead, Education Services",
        agency="school",
        roles=(IG,),
        phone="01632 960106",
        note="reviews the child protection disclosures",
    ),
    # Health
    PractitionerData(
        username="healthvisitor",
        full_name="Catriona Baxter",
        job_title="Health Visitor",
        agency="health",
        roles=(NP,),
        phone="01632 960201",
        note="Trent's Named Person",
    ),
    PractitionerData(
        username="hvleader",
        full_name="Susan Reid",
        job_title="Health Visiting Team Leader",
        agency="health",
        roles=(SENIOR,),
        phone="01632 960202",
    ),
    PractitionerData(
        username="ig.health",
        full_name="Anil Sharma",
        job_title="Information Governance Manager, NHS Glenbrae",
        agency="health",
        roles=(IG,),
        phone="01632 960203",
    ),
    # Police
    PractitionerData(
        username="constable",
        full_name="PC Darren Kelly",
        job_title="Police Constable, response team",
        agency="police",
        roles=(PRACTITIONER,),
        phone="01632 960301",
        note="attended the disturbance",
    ),
    PractitionerData(
        username="sergeant",
        full_name="DS Lorna McAllister",
        job_title="Detective Sergeant, Concern Hub (child protection lead)",
        agency="police",
        roles=(SENIOR,),
        phone="01632 960302",
        note="holds restricted intelligence; records the IRD",
    ),
    PractitionerData(
        username="ig.police",
        full_name="Colin Watt",
        job_title="Information Management Officer",
        agency="police",
        roles=(IG,),
        phone="01632 960303",
    ),
    # Social work
    PractitionerData(
        username="socialworker",
        full_name="Amira Hassan",
        job_title="Social Worker, Children and Families",
        agency="social_work",
        roles=(PRACTITIONER, LP),
        phone="01632 960401",
        note="duty social worker, then Lead Professional",
    ),
    PractitionerData(
        username="swmanager",
        full_name="Brian Fleming",
        job_title="Team Manager, Children and Families",
        agency="social_work",
        roles=(SENIOR,),
        phone="01632 960402",
        note="receives the school's referral",
    ),
    PractitionerData(
        username="ig.socialwork",
        full_name="Heather Muir",
        job_title="Information Governance Officer, Social Work Services",
        agency="social_work",
        roles=(IG,),
        phone="01632 960403",
    ),
    # Third sector
    PractitionerData(
        username="familysupport",
        full_name="Shona Reilly",
        job_title="Family Support Worker",
        agency="support",
        roles=(PRACTITIONER,),
        phone="01632 960501",
        note="parenting group and holiday club",
    ),
    PractitionerData(
        username="ig.support",
        full_name="Derek Paton",
        job_title="Project Manager and Data Protection Lead",
        agency="support",
        roles=(IG,),
        phone="01632 960502",
    ),
    # Housing: knows nothing of the family (the outsider: a child it is not involved with
    # is "not found").
    PractitionerData(
        username="housing",
        full_name="Ian Cowan",
        job_title="Housing Officer",
        agency="housing",
        roles=(PRACTITIONER,),
        phone="01632 960601",
        note="not involved: sees no child",
    ),
    PractitionerData(
        username="ig.housing",
        full_name="Morag Hunter",
        job_title="Information Governance Officer, Housing Services",
        agency="housing",
        roles=(IG,),
        phone="01632 960602",
        note="drafted the ISP waiting for approval",
    ),
)

ADMIN_USERNAME = "admin"
ADMIN_NAME = "Demo Administrator"

# --- the family ------------------------------------------------------------------------

FAMILY_NAME = "Bello"  # Corinne's family name; her father Ahmad is northern Nigerian
ADDRESS = "Flat 1/2, 27 Rowan Crescent, Kirkhill, Glenbrae"
POSTCODE = "GB7 4RW"  # a made-up postcode area


@dataclass(frozen=True)
class ChildData:
    key: str
    given_name: str
    years: int  # age on that Friday
    days: int  # and days past that birthday
    sex: str
    chi_serial: int


CHILDREN: tuple[ChildData, ...] = (
    ChildData(key="leeann", given_name="Leeann", years=9, days=200, sex=Sex.FEMALE, chi_serial=3),
    ChildData(key="trent", given_name="Trent", years=3, days=10, sex=Sex.MALE, chi_serial=7),
)
# Corinne's mother Denise is white Irish: the children are of mixed heritage, like her,
# and she raises them in the Islamic faith she was brought up in.
ETHNICITY = "Mixed or multiple ethnic groups"
RELIGION = "Muslim"
LANGUAGES = ["English"]
CREATED_BY = "headteacher"  # the school enrolled both: Leeann in P5, Trent in the nursery


@dataclass(frozen=True)
class PersonData:
    key: str
    given_name: str
    family_name: str
    years: int
    days: int
    relationship: str
    parental_responsibility: bool
    lives_with: bool
    stays_overnight: bool
    caring_role: str


PEOPLE: tuple[PersonData, ...] = (
    PersonData(
        key="corinne",
        given_name="Corinne",
        family_name=FAMILY_NAME,
        years=29,
        days=120,
        relationship=Relationship.MOTHER,
        parental_responsibility=True,
        lives_with=True,
        stays_overnight=False,
        caring_role="Mother and main carer.",
    ),
    PersonData(
        key="steve",
        given_name="Steve",
        family_name="Munro",
        years=23,
        days=250,
        relationship=Relationship.PARTNER_OF_PARENT,
        parental_responsibility=False,
        lives_with=True,
        stays_overnight=False,
        caring_role=(
            "Corinne's partner; has lived with Corinne and the children for four years. "
            "Helps with day-to-day care at home. No parental responsibility."
        ),
    ),
    PersonData(
        key="maggie",
        given_name="Maggie",
        family_name="Doyle",
        years=40,
        days=75,
        relationship=Relationship.FAMILY_FRIEND,
        parental_responsibility=False,
        lives_with=False,
        stays_overnight=True,
        caring_role=(
            "Family friend. Often stays overnight, most weekends. Looks after both "
            "children when Corinne is out or unwell, gives Trent his meals and gets him "
            "ready for bed, and brings and collects the children from school and nursery. "
            "No legal tie to the children."
        ),
    ),
    PersonData(
        key="greg",
        given_name="Greg",
        family_name="Doyle",
        years=17,
        days=240,
        relationship=Relationship.FAMILY_FRIEND,
        parental_responsibility=False,
        lives_with=False,
        stays_overnight=True,
        caring_role=(
            "Maggie's son, aged 17. Stays overnight with his mother. Sometimes looks after "
            "both children and brings or collects them from school and nursery. No legal "
            "tie to the children."
        ),
    ),
)

# Named Persons (DOMAIN §1): the head teacher for a school-age child, the health visitor
# for a pre-school one. No Lead Professional yet: there is no multi-agency plan before
# that Friday.
NAMED_PERSONS: dict[str, str] = {"leeann": "headteacher", "trent": "healthvisitor"}


@dataclass(frozen=True)
class Joining:
    """How a practitioner comes to work with a child, before their first entry.

    They join the child's team (involvement basis `team_member`, DOMAIN §4.1), which is
    also the circle that may read and contribute to the child's assessments and plan
    (API.md "Plans and assessments"). Bairn has no service that adds a team member
    outside a Child's Plan, so this uses `agencies.services.involve`, the helper the
    services themselves use (it audits the involvement).

    Recording is not reading (DOMAIN §4.1): a practitioner of an agency that knows the
    child may record about them without being involved, and then sees only their own
    entries. Leeann's class teacher needs to read her chronology, so the head teacher
    brings her into the team; the team is not the plan's circle, so she does not see the
    assessment or the Child's Plan made after that Friday (the school's part in those is
    the head teacher's and the classroom assistant's)."""

    reason: str
    # Another agency first asks whether the child is known and who the Named Person is
    # (DOMAIN §4.2), as a practitioner would.
    asks_named_person: bool = False


JOININGS: dict[tuple[str, str], Joining] = {
    ("classteacher", "leeann"): Joining("Leeann's class teacher (Primary 5)"),
    ("assistant", "leeann"): Joining("Classroom assistant: reading support and check-ins"),
    ("nursery", "trent"): Joining("Trent's key worker in the nursery class"),
    ("socialworker", "leeann"): Joining(
        "Duty social worker: Corinne asked the duty team for advice", asks_named_person=True
    ),
    ("socialworker", "trent"): Joining(
        "Duty social worker: Corinne asked the duty team for advice", asks_named_person=True
    ),
    ("familysupport", "trent"): Joining(
        "Family support worker: Corinne registered the family with the project (parenting "
        "group with a crèche place for Trent)",
        asks_named_person=True,
    ),
    ("familysupport", "leeann"): Joining(
        "Family support worker: Corinne registered the family with the project (holiday "
        "club for Leeann)",
        asks_named_person=True,
    ),
    ("constable", "leeann"): Joining(
        "Attended an incident at the family home; child concern report", asks_named_person=True
    ),
    ("constable", "trent"): Joining(
        "Attended an incident at the family home; child concern report", asks_named_person=True
    ),
    # After that Friday (afterwards.py): health's part in Leeann's IRD, assessment and plan.
    ("healthvisitor", "leeann"): Joining(
        "Health visitor to the family (Trent's Named Person): health's contact for Leeann in "
        "the inter-agency referral discussion, her assessment and her Child's Plan"
    ),
}

# --- the chronology (DOMAIN §2) --------------------------------------------------------

SAFE, HEALTHY, ACHIEVING, NURTURED, ACTIVE, RESPECTED, RESPONSIBLE, INCLUDED = (
    Indicator.SAFE.value,
    Indicator.HEALTHY.value,
    Indicator.ACHIEVING.value,
    Indicator.NURTURED.value,
    Indicator.ACTIVE.value,
    Indicator.RESPECTED.value,
    Indicator.RESPONSIBLE.value,
    Indicator.INCLUDED.value,
)


@dataclass(frozen=True)
class Entry:
    """One chronology entry, recorded for each child named. `days_before` counts back
    from that Friday (negative: days after it, in `afterwards.py`); the entry is recorded
    the next working morning unless `recorded_hours_after` says otherwise."""

    children: tuple[str, ...]
    by: str  # username
    days_before: int
    at: str  # "HH:MM", local time
    summary: str
    detail: str
    source: str
    indicators: tuple[str, ...]
    impact: str
    significance: str
    action_taken: str
    restricted: bool = False
    withheld_reason: str = ""
    recorded_hours_after: float | None = None
    key: str = ""  # for a disclosure that names the entry


LEEANN, TRENT, BOTH = ("leeann",), ("trent",), ("leeann", "trent")
LOW, MEDIUM = Significance.LOW.value, Significance.MEDIUM.value
POSITIVE, NEUTRAL, NEGATIVE = Impact.POSITIVE.value, Impact.NEUTRAL.value, Impact.NEGATIVE.value
OBSERVATION, CHILD, PARENT, THIRD_PARTY = (
    Source.OBSERVATION.value,
    Source.CHILD_DISCLOSURE.value,
    Source.PARENT_OR_CARER.value,
    Source.THIRD_PARTY.value,
)

# The last school holiday was the fortnight from 102 to 91 days before that Friday.
CHRONOLOGY: tuple[Entry, ...] = (
    Entry(
        children=TRENT,
        by="healthvisitor",
        days_before=161,
        at="10:00",
        key="review_no_answer",
        summary="No answer at the home for Trent's 27–30 month review",
        detail=(
            "Planned home visit for Trent's 27–30 month child health review, now due. No answer "
            "at the door. A card was left with the health visitor's telephone number."
        ),
        source=OBSERVATION,
        indicators=(HEALTHY,),
        impact=NEGATIVE,
        significance=LOW,
        action_taken="New appointment sent to Corinne by letter for two weeks' time.",
    ),
    Entry(
        children=LEEANN,
        by="headteacher",
        days_before=150,
        at="14:00",
        key="iep_review",
        summary="Review of Leeann's individualised educational programme with her mother",
        detail=(
            "Leeann has a moderate learning disability and an individualised educational "
            "programme. Reviewed with Corinne and the class teacher. Leeann is working on early "
            "level literacy and numeracy and does best with a visual timetable and short tasks. "
            "Corinne said Leeann likes drawing at home."
        ),
        source=PARENT,
        indicators=(ACHIEVING, INCLUDED),
        impact=NEUTRAL,
        significance=LOW,
        action_taken=(
            "Targets agreed: reading support three mornings a week with the classroom assistant; "
            "visual timetable continued. Next review in three months."
        ),
    ),
    Entry(
        children=TRENT,
        by="healthvisitor",
        days_before=147,
        at="10:00",
        key="review_missed",
        summary="Second appointment for Trent's 27–30 month review missed",
        detail=(
            "No answer at the home. Corinne phoned the team later in the day and said she had "
            "forgotten the appointment and had been 'feeling rubbish'."
        ),
        source=OBSERVATION,
        indicators=(HEALTHY,),
        impact=NEGATIVE,
        significance=LOW,
        action_taken=(
            "Review rearranged for a day and time Corinne chose; a reminder text to be sent the "
            "day before."
        ),
    ),
    Entry(
        children=BOTH,
        by="socialworker",
        days_before=140,
        at="11:20",
        key="rent_arrears",
        summary="Corinne phoned the duty team asking for help with money and rent arrears",
        detail=(
            "Corinne said the household has fallen behind with the rent after a change in her "
            "benefits and asked what help there is. She said the children are well and that she "
            "wanted advice only. No concern about the children's care was raised or identified "
            "during the call."
        ),
        source=PARENT,
        indicators=(NURTURED, INCLUDED),
        impact=NEUTRAL,
        significance=LOW,
        action_taken=(
            "Signposted to the council's welfare rights service and to Braeside Family Support "
            "Project (parenting group, holiday club); Corinne said she would contact them. No "
            "further social work action: a request for advice, with no concern about the "
            "children identified."
        ),
    ),
    Entry(
        children=LEEANN,
        by="classteacher",
        days_before=128,
        at="10:40",
        key="threw_chair",
        summary="Leeann pushed a classmate and threw a chair during group work",
        detail=(
            "During group reading Leeann became upset when another child took her pencil. She "
            "pushed the child and threw a chair, which landed away from the other children. No "
            "one was hurt. She calmed after about ten minutes in the quiet area with the "
            "classroom assistant."
        ),
        source=OBSERVATION,
        indicators=(RESPONSIBLE, INCLUDED),
        impact=NEGATIVE,
        significance=LOW,
        action_taken=(
            "Time in the quiet area; talked with Leeann about what happened and what she could "
            "do next time. Corinne told at pick-up; she said Leeann has been 'tired and grumpy' "
            "at home."
        ),
    ),
    Entry(
        children=TRENT,
        by="healthvisitor",
        days_before=126,
        at="10:30",
        key="speech_delay",
        summary=(
            "Trent's 27–30 month review done at home: speech delay; referred to speech and "
            "language therapy"
        ),
        detail=(
            "Review completed late, at about 32 months, after two missed appointments. Trent "
            "uses about ten single words and does not yet put two words together; he points and "
            "leads adults by the hand to show what he wants. Growth and movement are within the "
            "expected range. Corinne said she thinks Trent is autistic."
        ),
        source=OBSERVATION,
        indicators=(HEALTHY, ACHIEVING),
        impact=NEGATIVE,
        significance=MEDIUM,
        action_taken=(
            "Referred to speech and language therapy with Corinne's agreement. Ideas for play "
            "and talking together at home given. Health visitor to see Trent again in six weeks."
        ),
    ),
    Entry(
        children=TRENT,
        by="healthvisitor",
        days_before=126,
        at="11:00",
        key="low_mood",
        summary="Corinne said she has been feeling low for several months",
        detail=(
            "During Trent's review Corinne said she has been feeling low, is sleeping badly and "
            "finds it hard to cope with Trent; she said she finds it hard to feel close to him. "
            "She has not seen her GP about this. Trent was clean and dressed for the weather; "
            "the home was warm."
        ),
        source=PARENT,
        indicators=(NURTURED, HEALTHY),
        impact=NEGATIVE,
        significance=MEDIUM,
        action_taken=(
            "Talked with Corinne about support. She agreed to a listening visit next month and "
            "was encouraged to see her GP; information on local support given."
        ),
    ),
    Entry(
        children=TRENT,
        by="nursery",
        days_before=120,
        at="15:10",
        key="not_feel_like_mine",
        summary="Corinne told nursery staff that Trent does not 'feel like mine'",
        detail=(
            "At collection Corinne told Trent's key worker that he does not 'feel like mine' and "
            "that she is sure he is autistic. Staff have heard her say this before; it had not "
            "been recorded. Trent went to Corinne when she called him and was smiling."
        ),
        source=PARENT,
        indicators=(NURTURED,),
        impact=NEGATIVE,
        significance=MEDIUM,
        action_taken=(
            "Key worker listened and told Corinne how the nursery supports Trent's "
            "communication. Suggested she talk to her health visitor about her worries."
        ),
    ),
    Entry(
        children=LEEANN,
        by="assistant",
        days_before=115,
        at="09:50",
        key="reading_level",
        summary="Good progress with reading support: Leeann moved up a reading level",
        detail=(
            "Leeann has come to every reading support session this month. She read a whole book "
            "aloud to the classroom assistant for the first time and was proud of herself."
        ),
        source=OBSERVATION,
        indicators=(ACHIEVING,),
        impact=POSITIVE,
        significance=LOW,
        action_taken="Praised in class; a note sent home to Corinne. Reading support continues.",
    ),
    Entry(
        children=LEEANN,
        by="classteacher",
        days_before=107,
        at="09:15",
        key="no_breakfast",
        summary="Leeann arrived tired and said she had not had breakfast",
        detail=(
            "Leeann put her head on the desk during the first lesson. She said she had not had "
            "breakfast and had been 'up late'. She was given toast from the breakfast club and "
            "was brighter afterwards."
        ),
        source=OBSERVATION,
        indicators=(HEALTHY, NURTURED),
        impact=NEGATIVE,
        significance=LOW,
        action_taken=(
            "Breakfast given. Corinne told at pick-up and offered a breakfast club place for "
            "Leeann, which she accepted."
        ),
    ),
    Entry(
        children=TRENT,
        by="nursery",
        days_before=105,
        at="11:30",
        key="settling_well",
        summary="Trent settling well; using new words during water play",
        detail=(
            "Trent played alongside two other children for most of the morning, said 'more' and "
            "'ball', and brought his key worker a toy to share."
        ),
        source=OBSERVATION,
        indicators=(ACHIEVING, ACTIVE),
        impact=POSITIVE,
        significance=LOW,
        action_taken="Shared with Corinne at pick-up; play ideas sent home.",
    ),
    Entry(
        children=LEEANN,
        by="familysupport",
        days_before=92,
        at="15:30",
        key="holiday_club",
        summary="Leeann came to the holiday club on four days and enjoyed it",
        detail=(
            "Leeann took part in art, games and a trip to the park. She made a painting to take "
            "home for her brother and played with two girls of her own age. She was brought and "
            "collected by Maggie Doyle, a family friend."
        ),
        source=OBSERVATION,
        indicators=(ACTIVE, INCLUDED),
        impact=POSITIVE,
        significance=LOW,
        action_taken=(
            "No action needed. Corinne told that Leeann is welcome at the next holiday club."
        ),
    ),
    Entry(
        children=TRENT,
        by="nursery",
        days_before=77,
        at="16:00",
        key="absent_cold",
        summary="Trent absent four days this week; Corinne said he had a cold",
        detail=(
            "Trent missed Monday to Thursday. Corinne phoned on Wednesday, after the nursery had "
            "called her, and said he had a cold."
        ),
        source=PARENT,
        indicators=(HEALTHY, ACHIEVING),
        impact=NEGATIVE,
        significance=LOW,
        action_taken="Absence followed up by phone. Attendance will be watched.",
    ),
    Entry(
        children=TRENT,
        by="healthvisitor",
        days_before=70,
        at="14:00",
        key="therapy_missed",
        summary="Trent was not brought to his first speech and language therapy appointment",
        detail=(
            "The speech and language therapy service told the health visitor that Trent was not "
            "brought to his appointment and that no one called to cancel. When the health "
            "visitor phoned, Corinne said Trent had been unwell."
        ),
        source=THIRD_PARTY,
        indicators=(HEALTHY, ACHIEVING),
        impact=NEGATIVE,
        significance=MEDIUM,
        action_taken=(
            "A new appointment requested; the health visitor will remind Corinne the day before."
        ),
    ),
    Entry(
        children=LEEANN,
        by="classteacher",
        days_before=60,
        at="15:20",
        key="collected_by_greg",
        summary="Leeann collected by Greg Doyle, aged 17, without notice from her mother",
        detail=(
            "Greg, the son of family friend Maggie Doyle, came to collect Leeann at the end of "
            "the day. He was not on Leeann's collection list. Leeann knew him and was happy to "
            "go with him. The school phoned Corinne, who said Greg and Maggie may collect both "
            "children."
        ),
        source=OBSERVATION,
        indicators=(SAFE, NURTURED),
        impact=NEUTRAL,
        significance=LOW,
        action_taken=(
            "Leeann went home with Greg after Corinne confirmed by phone. Maggie and Greg Doyle "
            "added to the collection list at Corinne's request."
        ),
    ),
    Entry(
        children=LEEANN,
        by="assistant",
        days_before=52,
        at="12:45",
        key="alone_at_break",
        summary="Leeann alone at break and lunch times on most days this week",
        detail=(
            "Leeann has spent most break times on her own at the edge of the playground. When "
            "asked, she said the other children 'don't want me'. She joined in when an adult "
            "started a game."
        ),
        source=OBSERVATION,
        indicators=(INCLUDED, NURTURED),
        impact=NEGATIVE,
        significance=LOW,
        action_taken=(
            "A lunchtime buddy group set up with two children from her class; class teacher told."
        ),
    ),
    Entry(
        children=BOTH,
        by="constable",
        days_before=48,
        at="23:40",
        key="disturbance",
        summary=(
            "Police attended a disturbance at the family home late at night; Leeann and Trent "
            "were there"
        ),
        detail=(
            "A neighbour called at 23:25 to report shouting. On arrival Steve Munro (Corinne's "
            "partner) and Maggie Doyle (family friend) were arguing in the living room; Corinne "
            "was present. Leeann and Trent were awake in their bedroom; Leeann was crying. No "
            "injuries were seen or reported and no crime was disclosed. The adults calmed when "
            "officers arrived."
        ),
        source=OBSERVATION,
        indicators=(SAFE, NURTURED),
        impact=NEGATIVE,
        significance=MEDIUM,
        action_taken=(
            "Advice given to the adults. Maggie Doyle left to spend the night at her own home. A "
            "child concern report submitted to the Concern Hub for both children."
        ),
        recorded_hours_after=3,
    ),
    Entry(
        children=BOTH,
        by="sergeant",
        days_before=45,
        at="10:30",
        summary=(
            "Concern Hub review of the child concern report: police intelligence about Steve Munro"
        ),
        detail=(
            "Police records link Steve Munro to a domestic incident involving a former partner "
            "at a former address, about two years ago. No children lived there and no charges "
            "followed. Considered together with the report of the disturbance."
        ),
        source=THIRD_PARTY,
        indicators=(SAFE,),
        impact=NEGATIVE,
        significance=MEDIUM,
        action_taken=(
            "Assessed as no immediate risk to the children. Not shared with other agencies at "
            "this stage: an earlier incident, with no children involved and no conviction. To be "
            "reviewed if police are called to the address again."
        ),
        restricted=True,
        withheld_reason=(
            "Police intelligence about an adult in the household (third-party information); "
            "telling the family could put the children and their mother at risk."
        ),
        recorded_hours_after=2,
    ),
    Entry(
        children=TRENT,
        by="familysupport",
        days_before=42,
        at="11:30",
        key="parenting_group_started",
        summary="Corinne came to the first session of the parenting group",
        detail=(
            "Corinne came with Maggie Doyle, who stayed with Trent in the crèche. Corinne took "
            "part and said she wants help with Trent's bedtimes and with 'getting through to "
            "him'."
        ),
        source=PARENT,
        indicators=(NURTURED,),
        impact=POSITIVE,
        significance=LOW,
        action_taken="Welcomed to the six-week group; a crèche place for Trent at each session.",
    ),
    Entry(
        children=TRENT,
        by="nursery",
        days_before=39,
        at="09:05",
        key="not_feel_like_mine_again",
        summary="Corinne said again that Trent does not 'feel like mine'",
        detail=(
            "At drop-off Corinne said she 'can't get through to him' and that he 'doesn't feel "
            "like mine'. Trent has been brought and collected by family friend Maggie Doyle on "
            "three days in the last week, which is new."
        ),
        source=PARENT,
        indicators=(NURTURED,),
        impact=NEGATIVE,
        significance=MEDIUM,
        action_taken=(
            "Key worker talked with Corinne about the support the nursery can give. Corinne said "
            "she is going to a parenting group. Asked whether she would like the health visitor "
            "told, Corinne said the health visitor 'already knows'."
        ),
    ),
    Entry(
        children=TRENT,
        by="healthvisitor",
        days_before=35,
        at="10:00",
        key="listening_visit",
        summary=(
            "Listening visit: Corinne's low mood continues; a family friend does much of Trent's "
            "care"
        ),
        detail=(
            "Corinne said her mood is no better and she is sleeping poorly. Maggie Doyle was at "
            "the home and gave Trent his lunch and changed him during the visit; Corinne said "
            "Maggie 'does most things for Trent' when she stays, which is most weekends. Steve "
            "Munro was not there. Trent was playing and appeared well."
        ),
        source=OBSERVATION,
        indicators=(NURTURED, HEALTHY),
        impact=NEGATIVE,
        significance=MEDIUM,
        action_taken=(
            "GP appointment made for Corinne with her agreement. Next listening visit in four "
            "weeks. New speech and language therapy date confirmed with Corinne."
        ),
    ),
    Entry(
        children=LEEANN,
        by="classteacher",
        days_before=30,
        at="11:10",
        key="kicked_classmate",
        summary="Leeann kicked a classmate and shouted at staff, then left the classroom",
        detail=(
            "In a maths lesson Leeann kicked the boy sitting next to her and shouted at the "
            "class teacher when asked to stop. She ran out of the room and was found in the "
            "toilets by the classroom assistant. The other child was not hurt. Leeann's "
            "behaviour in class has been more disruptive over the last few weeks."
        ),
        source=OBSERVATION,
        indicators=(RESPONSIBLE, INCLUDED, ACHIEVING),
        impact=NEGATIVE,
        significance=MEDIUM,
        action_taken=(
            "The head teacher spoke with Leeann, who said she was 'tired of everything'. Corinne "
            "invited to a meeting with the head teacher."
        ),
    ),
    Entry(
        children=LEEANN,
        by="headteacher",
        days_before=24,
        at="15:45",
        key="behaviour_meeting",
        summary="Meeting with Corinne about Leeann's behaviour in class",
        detail=(
            "Corinne said Leeann's behaviour at home is 'up and down' and that the house has "
            "been busy, with family friend Maggie Doyle and her son Greg often staying over. "
            "Steve Munro came with Corinne and said little. Corinne said she would like the "
            "school's help with Leeann's behaviour."
        ),
        source=PARENT,
        indicators=(NURTURED, RESPONSIBLE),
        impact=NEUTRAL,
        significance=LOW,
        action_taken=(
            "Behaviour support plan agreed: a calm space in class, a daily check-in with the "
            "classroom assistant and a home–school diary. Offered to talk about help from other "
            "services; Corinne preferred to try the school's plan first."
        ),
    ),
    Entry(
        children=BOTH,
        by="familysupport",
        days_before=21,
        at="16:00",
        key="parenting_group_stopped",
        summary=(
            "Corinne stopped coming to the parenting group; she said things are 'difficult at home'"
        ),
        detail=(
            "Corinne came to the first two of the six sessions and took part well. She did not "
            "come to the next two. On the phone she said things are 'difficult at home' at the "
            "moment and that she will not come back for now. She did not want to say more."
        ),
        source=PARENT,
        indicators=(NURTURED,),
        impact=NEGATIVE,
        significance=LOW,
        action_taken=(
            "Offered a home visit or a one-to-one session; Corinne declined for now. The worker "
            "will phone again in two weeks."
        ),
    ),
    Entry(
        children=TRENT,
        by="nursery",
        days_before=16,
        at="15:00",
        key="absent_no_reason",
        summary="Trent absent Monday to Wednesday; no reason given",
        detail="No call from home. The nursery phoned Corinne twice and left messages; no reply.",
        source=OBSERVATION,
        indicators=(HEALTHY, ACHIEVING),
        impact=NEGATIVE,
        significance=LOW,
        action_taken="Letter sent home asking about Trent's absence.",
    ),
    Entry(
        children=LEEANN,
        by="assistant",
        days_before=10,
        at="14:30",
        key="collage",
        summary="Leeann's collage chosen for the corridor display; she was proud to show it",
        detail=(
            "Leeann worked on her collage over three art lessons and explained it to visitors. "
            "Art is a clear strength for Leeann and helps her settle."
        ),
        source=OBSERVATION,
        indicators=(ACHIEVING, RESPECTED),
        impact=POSITIVE,
        significance=LOW,
        action_taken=(
            "Photograph sent home to Corinne. Art added to the behaviour plan as a calming "
            "activity."
        ),
    ),
    Entry(
        children=TRENT,
        by="nursery",
        days_before=8,
        at="10:40",
        key="hungry",
        summary="Trent brought late by Greg Doyle, aged 17; Trent said he was hungry",
        detail=(
            "Greg brought Trent at 10:30 and said Corinne was asleep. Trent ate his snack "
            "quickly, asked for more and said 'hungry'. He was wearing the same clothes as the "
            "day before."
        ),
        source=OBSERVATION,
        indicators=(HEALTHY, NURTURED),
        impact=NEGATIVE,
        significance=LOW,
        action_taken=(
            "Extra snack given. Key worker spoke with Corinne at pick-up; she said she had had a "
            "bad night."
        ),
    ),
    Entry(
        children=LEEANN,
        by="classteacher",
        days_before=4,
        at="09:40",
        key="asleep_in_class",
        summary="Leeann fell asleep in class; she said it had been noisy at home at night",
        detail=(
            "Leeann fell asleep at her desk for about twenty minutes during reading. When she "
            "woke she said she had been kept awake because 'everyone was shouting'. She did not "
            "say more and was not pressed. She had no snack with her."
        ),
        source=CHILD,
        indicators=(HEALTHY, NURTURED, SAFE),
        impact=NEGATIVE,
        significance=MEDIUM,
        action_taken=(
            "Snack given. Corinne was not at pick-up; Leeann was collected by Maggie Doyle. The "
            "head teacher plans to speak with Corinne at the end of the week."
        ),
    ),
)

# --- consent, views and sharing before that Friday (DOMAIN §2, §4.4) -------------------

HIGH, CHILD_PROTECTION = Significance.HIGH.value, Significance.CHILD_PROTECTION.value


@dataclass(frozen=True)
class Views:
    """The views of the child or of someone around them (`whose`: "child" or a
    PersonData.key), recorded whether or not consent is the basis."""

    child: str
    whose: str
    by: str
    days_before: int
    at: str
    about: str
    views: str


@dataclass(frozen=True)
class Consenting:
    """Consent given by a person with parental responsibility (`given_by`: a
    PersonData.key), for each child named. Maggie and Greg cannot: they have none."""

    children: tuple[str, ...]
    given_by: str
    by: str
    days_before: int
    at: str
    purposes: tuple[str, ...]
    recipients: tuple[str, ...]  # AgencyData.key
    categories: tuple[str, ...]
    lasts_days: int  # from the day it was given
    views: str


@dataclass(frozen=True)
class Share:
    """A proactive disclosure, for each child named, to each agency in `to`. `entries`
    names chronology entries by their key; none: every entry of the sharer's agency."""

    children: tuple[str, ...]
    by: str
    to: tuple[str, ...]  # AgencyData.key
    days_before: int
    at: str
    purpose: str
    categories: tuple[str, ...]
    justification: str
    entries: tuple[str, ...] = ()
    family_told: bool = False  # told at once (a public-task disclosure)
    family_not_told_reason: str = ""  # telling them would put the child at risk


Event = Entry | Views | Consenting | Share

VIEWS: tuple[Views, ...] = (
    Views(
        child="trent",
        whose="corinne",
        by="healthvisitor",
        days_before=126,
        at="10:50",
        about="Trent's 27–30 month review",
        views=(
            "Corinne is sure Trent is autistic. She said she has been telling the nursery "
            "and the health visitor for a long time and feels that nobody listens to her. "
            "She wants Trent assessed, and help at home with his bedtimes. She agreed to the "
            "speech and language therapy referral and to Trent's nursery key worker being "
            "told about his speech."
        ),
    ),
    Views(
        child="leeann",
        whose="steve",
        by="headteacher",
        days_before=24,
        at="16:10",
        about="Leeann's behaviour in class and the behaviour support plan",
        views=(
            "Steve said he wants Leeann to 'do well at school' and is happy with the plan. "
            "He said the house is 'too busy' with people staying over and that Leeann gets "
            "upset when there is shouting. He did not want to say more."
        ),
    ),
    Views(
        child="leeann",
        whose="child",
        by="assistant",
        days_before=23,
        at="10:30",
        about="Her behaviour support plan and daily check-in",
        views=(
            "Leeann said she likes art best of everything at school, and she likes Mrs "
            "Gillespie, her classroom assistant, because she 'helps me and doesn't shout'. "
            "She likes the calm space in class and would like to do more painting. She does "
            "not like it when people shout at home: it makes her tummy feel sore."
        ),
    ),
)

CONSENTS: tuple[Consenting, ...] = (
    Consenting(
        children=BOTH,
        given_by="corinne",
        by="familysupport",
        days_before=108,
        at="10:00",
        purposes=(Purpose.WELLBEING_SUPPORT.value,),
        recipients=("school", "social_work"),
        categories=(Category.CORE.value, Category.CHRONOLOGY.value),
        lasts_days=365,
        views=(
            "Corinne registered Leeann for the holiday club and herself for the parenting "
            "group, with a crèche place for Trent. She is happy for the project to keep the "
            "school and nursery, and the social work duty team she spoke to, up to date with "
            "how the children are getting on, so that she does not have to tell her story "
            "again. She did not want anything shared with anyone else."
        ),
    ),
)

SHARES: tuple[Share, ...] = (
    Share(
        children=TRENT,
        by="healthvisitor",
        to=("school",),
        days_before=126,
        at="14:00",
        purpose=Purpose.WELLBEING_SUPPORT.value,
        categories=(Category.CHRONOLOGY.value,),
        entries=("speech_delay",),
        justification=(
            "Trent's key worker in the nursery class needs to know of his speech delay and "
            "his referral to speech and language therapy, to support his communication day "
            "to day. Only the review is shared: what Corinne said of her own health is not "
            "needed by the nursery."
        ),
        family_told=True,
    ),
    Share(
        children=LEEANN,
        by="familysupport",
        to=("school",),
        days_before=88,
        at="14:00",
        purpose=Purpose.WELLBEING_SUPPORT.value,
        categories=(Category.CHRONOLOGY.value,),
        entries=("holiday_club",),
        justification=(
            "With Corinne's consent: so that the school can build on what went well at the "
            "holiday club — art, and playing with girls of her own age — in its support for "
            "Leeann's behaviour and friendships."
        ),
    ),
)

HISTORY: tuple[Event, ...] = (*CHRONOLOGY, *VIEWS, *CONSENTS, *SHARES)

# --- that Friday, the last day of term (the seed's "Case Study Continued") --------------

NOT_TELLING = (
    "Telling Corinne or Steve Munro before police and social work have acted could put "
    "Leeann at risk: she named Steve, who lives in the household, and she could be pressed "
    "to take back what she said."
)

FRIDAY_ENTRIES: tuple[Entry, ...] = (
    Entry(
        children=LEEANN,
        by="classteacher",
        days_before=0,
        at="09:15",
        key="frightened",
        summary=(
            "Leeann arrived late, upset and clinging to her teacher; frightened of Steve and "
            "Corinne when they came to say goodbye"
        ),
        detail=(
            "Leeann came in at about 09:15 with Corinne and Steve Munro, who were not "
            "speaking to each other: staff thought they had had a big falling out. Leeann "
            "was upset and, which is unusual for her, held on to her teacher and would not "
            "let go. When Steve and then Corinne came over to say goodbye she pulled back "
            "behind her teacher, would not look at them and started to cry."
        ),
        source=OBSERVATION,
        indicators=(SAFE, NURTURED),
        impact=NEGATIVE,
        significance=MEDIUM,
        action_taken=(
            "Leeann kept close to adults she trusts; a one-to-one session with the classroom "
            "assistant arranged for the morning. The head teacher told."
        ),
        recorded_hours_after=1.25,
    ),
    Entry(
        children=TRENT,
        by="nursery",
        days_before=0,
        at="09:20",
        key="not_brought",
        summary=(
            "Trent not brought to nursery: Corinne said he is 'poorly' and left him with "
            "Maggie and Greg Doyle"
        ),
        detail=(
            "Corinne arrived late with Leeann and Steve Munro but without Trent. She told "
            "nursery staff that Trent is 'poorly' and that she had left him at home in the "
            "care of Maggie Doyle and her son Greg, aged 17. She did not say what was wrong "
            "with him. Corinne and Steve were not speaking to each other."
        ),
        source=PARENT,
        indicators=(HEALTHY, SAFE, NURTURED),
        impact=NEGATIVE,
        significance=MEDIUM,
        action_taken=(
            "Absence recorded. The key worker will phone home at lunchtime to ask after "
            "Trent. The head teacher told."
        ),
        recorded_hours_after=0.5,
    ),
    Entry(
        children=BOTH,
        by="headteacher",
        days_before=0,
        at="09:25",
        key="maggie_rules",
        summary=(
            "Steve Munro said Corinne lets Maggie Doyle 'rule' what happens, especially with "
            "Trent, and that Maggie stayed all weekend"
        ),
        detail=(
            "The head teacher asked Steve how he was as he was leaving. He said he is "
            "concerned about the way Corinne allows Maggie Doyle to 'rule' what happens at "
            "home, especially with Trent, and that Maggie had been staying all weekend. He "
            "did not want to say more. Corinne had already left."
        ),
        source=PARENT,
        indicators=(SAFE, NURTURED),
        impact=NEGATIVE,
        significance=MEDIUM,
        action_taken=(
            "Listened. Considered with what staff saw this morning; the depute head teacher, "
            "the school's child protection co-ordinator, told."
        ),
        recorded_hours_after=0.5,
    ),
    Entry(
        children=LEEANN,
        by="assistant",
        days_before=0,
        at="11:10",
        key="wrist_bruising",
        summary=(
            "Leeann said Steve and Maggie had a 'big fight' at the weekend and she got caught "
            "up in it; bruising on both wrists"
        ),
        detail=(
            "In her one-to-one session Leeann said that Steve and Maggie had a 'big fight' "
            "over the weekend and that she 'got caught up in it'. The classroom assistant "
            "had seen bruising around both of Leeann's wrists when she pushed up her sleeves "
            "to paint; Leeann said that was how she got it. Her words were written down as "
            "she said them; she was not asked leading questions and was not examined."
        ),
        source=CHILD,
        indicators=(SAFE, HEALTHY, NURTURED),
        impact=NEGATIVE,
        significance=HIGH,
        action_taken=(
            "The head teacher told at once, as the school's child protection procedures say. "
            "Leeann stayed with the classroom assistant for the rest of the morning."
        ),
        recorded_hours_after=0.4,
    ),
    Entry(
        children=LEEANN,
        by="classteacher",
        days_before=0,
        at="15:00",
        key="cold_bath",
        summary=(
            "Leeann said the bruising on her wrists was caused by Steve and that he sometimes "
            "makes her sit in a bath 'to cool down'"
        ),
        detail=(
            "Towards the end of the school day Leeann came to her teacher and said that "
            "Steve caused the bruising on her wrists, and that he sometimes makes her sit in "
            "a bath 'to cool down'. Her teacher listened, did not ask leading questions, "
            "and wrote down Leeann's words straight afterwards."
        ),
        source=CHILD,
        indicators=(SAFE, HEALTHY, NURTURED),
        impact=NEGATIVE,
        significance=CHILD_PROTECTION,
        action_taken=(
            "The head teacher told at once and child protection procedures started: she "
            "referred Leeann and Trent to Police Scotland and to social work. Leeann stays "
            "in school with her teacher until police and social work decide where she goes "
            "after school."
        ),
        withheld_reason=NOT_TELLING,
        recorded_hours_after=0.25,
    ),
)

FRIDAY_SHARES: tuple[Share, ...] = (
    Share(
        children=LEEANN,
        by="headteacher",
        to=("police", "social_work"),
        days_before=0,
        at="15:30",
        purpose=Purpose.CHILD_PROTECTION.value,
        categories=(Category.CORE.value, Category.HOUSEHOLD.value, Category.CHRONOLOGY.value),
        justification=(
            "Risk of significant harm. This afternoon Leeann (9) told her teacher that the "
            "bruising on both her wrists was caused by Steve Munro, her mother's partner, "
            "who lives with her, and that he sometimes makes her sit in a bath 'to cool "
            "down'. This morning she was frightened of Steve and of her mother, and she told "
            "the classroom assistant of a 'big fight' between Steve and Maggie Doyle at the "
            "weekend. Police and social work need the school's record of Leeann, her "
            "household and the school's chronology now, for an inter-agency referral "
            "discussion before she leaves school today."
        ),
        family_not_told_reason=NOT_TELLING,
    ),
    Share(
        children=TRENT,
        by="headteacher",
        to=("police", "social_work"),
        days_before=0,
        at="15:35",
        purpose=Purpose.CHILD_PROTECTION.value,
        categories=(Category.CORE.value, Category.HOUSEHOLD.value, Category.CHRONOLOGY.value),
        justification=(
            "Risk of significant harm. Trent (3) lives in the same household as his sister "
            "Leeann, who disclosed today that Steve Munro, their mother's partner, caused "
            "the bruising on her wrists and sometimes makes her sit in a bath 'to cool "
            "down'. Trent was not brought to nursery today: his mother said he is 'poorly' "
            "and left him with Maggie Doyle and her son Greg (17), and Steve said that "
            "Maggie 'rules' what happens with Trent. Police and social work need the "
            "school's record of Trent, his household and the nursery's chronology to "
            "consider his safety in the same inter-agency referral discussion."
        ),
        family_not_told_reason=(
            "Telling Corinne or Steve Munro before police and social work have acted could "
            "put Leeann and Trent at risk: Leeann named Steve, who lives in the household."
        ),
    ),
)

FRIDAY: tuple[Event, ...] = (*FRIDAY_ENTRIES, *FRIDAY_SHARES)

# --- loading ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Login:
    username: str
    name: str
    job_title: str
    agency: str
    roles: tuple[str, ...]
    note: str
    password: str = PASSWORD


@dataclass(frozen=True)
class AfterFriday:
    """When what happened after that Friday (`afterwards.py`) took place."""

    ird_at: dt.datetime  # the inter-agency referral discussions, on the Friday evening
    meeting_on: dt.date  # the Team Around the Child meetings
    cppm_due: dt.date  # the Child Protection Planning Meeting is due by this day


@dataclass(frozen=True)
class DemoResult:
    logins: list[Login]
    friday: dt.date  # that Friday, the last day of term
    with_friday: bool  # whether what happened on it, and after it, was loaded
    counts: dict[str, int]  # what the database holds after the load
    after: AfterFriday | None = None  # None with --before-friday


def logins() -> list[Login]:
    """Every demo login, from the data above (no database needed)."""
    rows = [
        Login(
            ADMIN_USERNAME,
            ADMIN_NAME,
            "System administrator",
            "",
            (Role.ADMIN.value,),
            "sets up agencies and users",
        )
    ]
    rows += [
        Login(p.username, p.full_name, p.job_title, AGENCY_NAMES[p.agency], p.roles, p.note)
        for p in PRACTITIONERS
    ]
    return rows


def that_friday(today: dt.date) -> dt.date:
    """The most recent Friday strictly before `today`: the last day of term."""
    back = (today.weekday() - 4) % 7 or 7
    return today - dt.timedelta(days=back)


def born(on: dt.date, years: int, days: int) -> dt.date:
    """The date of birth of someone `years` old and `days` more on the day `on`."""
    try:
        birthday = on.replace(year=on.year - years)
    except ValueError:  # 29 February
        birthday = on.replace(year=on.year - years, day=28)
    return birthday - dt.timedelta(days=days)


def _moment(day: dt.date, at: str) -> dt.datetime:
    hour, minute = (int(part) for part in at.split(":"))
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _recorded_at(entry: Entry, occurred: dt.datetime, now: dt.datetime) -> dt.datetime:
    if entry.recorded_hours_after is not None:
        recorded = occurred + dt.timedelta(hours=entry.recorded_hours_after)
    else:  # the next working morning
        day = timezone.localtime(occurred).date() + dt.timedelta(days=1)
        while day.weekday() >= 5:
            day += dt.timedelta(days=1)
        recorded = _moment(day, "09:30")
    return min(recorded, now - dt.timedelta(minutes=1))


def _steps(event: Event) -> int:
    if isinstance(event, Entry | Consenting):
        return len(event.children)
    if isinstance(event, Share):
        return len(event.children) * len(event.to)
    return 1


def _in_order(events: tuple[Event, ...]) -> list[Event]:
    """In the order they happened (a stable sort: ties keep the order written)."""
    return sorted(events, key=lambda e: (-e.days_before, e.at))


def step_count(*, with_friday: bool = True) -> int:
    """How many steps `load` reports through `tick`."""
    from bairn.demo import afterwards  # it builds on this module

    events = HISTORY + (FRIDAY if with_friday else ())
    return (
        (afterwards.step_count() if with_friday else 0)
        + 1
        + len(AGENCIES)
        + len(PRACTITIONERS)
        + len(CHILDREN)
        + len(PEOPLE) * len(CHILDREN)
        + len(NAMED_PERSONS)
        + len(ISPS)
        + sum(_steps(e) for e in events)
    )


def existing_data() -> dict[str, int]:
    """What the database already holds that the demo would collide with."""
    usernames = [ADMIN_USERNAME, *(p.username for p in PRACTITIONERS)]
    return {
        "agencies": Agency.objects.count(),
        "children": Child.objects.count(),
        "users with demo usernames": Practitioner.objects.filter(username__in=usernames).count(),
    }


def is_loaded() -> bool:
    """Whether this database holds the demo (its school and head teacher)."""
    return (
        Agency.objects.filter(name=AGENCY_NAMES["school"]).exists()
        and Practitioner.objects.filter(username="headteacher").exists()
    )


def load(
    stdout_write: Callable[[str], None],
    *,
    tick: Callable[[], None] | None = None,
    with_friday: bool = True,
) -> DemoResult:
    """Load the case study into an empty database, in one transaction in each store:
    the five months before that Friday, and — unless `with_friday` is false, for a
    walk-through that records it live — the Friday itself and the days after it to now
    (`afterwards.py`: the IRD, the Lead Professional, assessments, plans and meetings).

    `stdout_write` is told of each stage; `tick` (if given) is called after each of the
    `step_count()` steps. E-mails of the notifications are not sent: the addresses are
    fictional, and a console backend would fill the screen.
    """
    step = tick or (lambda: None)
    with (
        override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
        both_stores(),
    ):
        loader = _Loader(stdout_write, step)
        after = loader.load(with_friday=with_friday)
    return DemoResult(
        logins=logins(),
        friday=loader.friday,
        with_friday=with_friday,
        counts=counts(),
        after=after,
    )


class _Loader:
    """Each step is a service call a practitioner's request would make."""

    def __init__(self, say: Callable[[str], None], step: Callable[[], None]) -> None:
        self.say = say
        self.step = step
        self.friday = that_friday(timezone.localdate())
        self.now = timezone.now()
        self.agencies: dict[str, Agency] = {}
        self.staff: dict[str, Practitioner] = {}
        self.children: dict[str, Child] = {}
        self.people: dict[str, uuid.UUID] = {}
        self.isps: dict[str, Isp] = {}
        self.entries: dict[tuple[str, str], Concern] = {}  # (Entry.key, child key)
        self.joined: set[tuple[str, str]] = set()

    def load(self, *, with_friday: bool) -> AfterFriday | None:
        from bairn.demo import afterwards  # it builds on this module

        self._agencies()
        self._family()
        self._protocols()
        history = _in_order(HISTORY)
        entries = sum(len(e.children) for e in history if isinstance(e, Entry))
        self.say(
            f"The chronology, views, consent and sharing: {entries} entries in the five "
            f"months before Friday {self.friday:%d %B %Y}"
        )
        for event in history:
            self._event(event)
        if with_friday:
            self.say(
                f"That Friday, {self.friday:%d %B %Y}: the school's concerns, and the head "
                "teacher's child protection disclosures to the police and social work"
            )
            for event in _in_order(FRIDAY):
                self._event(event)
            return afterwards.load(self)
        return None

    def _agencies(self) -> None:
        self.say(f"Agencies of {AREA} and their practitioners")
        admin = Practitioner.objects.create_superuser(
            ADMIN_USERNAME,
            f"{ADMIN_USERNAME}@{EMAIL_DOMAIN}",
            PASSWORD,
            full_name=ADMIN_NAME,
            job_title="System administrator",
        )
        self.step()
        for a in AGENCIES:
            self.agencies[a.key] = create_agency(admin, name=a.name, kind=a.kind)
            self.step()
        for p in PRACTITIONERS:
            self.staff[p.username] = create_practitioner(
                admin,
                username=p.username,
                full_name=p.full_name,
                agency_id=self.agencies[p.agency].pk,
                roles=p.roles,
                email=f"{p.username}@{EMAIL_DOMAIN}",
                password=PASSWORD,
                job_title=p.job_title,
                phone=p.phone,
            )
            self.step()

    def _family(self) -> None:
        self.say("Leeann and Trent, and the people around them")
        creator = self.staff[CREATED_BY]
        for c in CHILDREN:
            dob = born(self.friday, c.years, c.days)
            self.children[c.key] = create_child(
                creator,
                given_name=c.given_name,
                family_name=FAMILY_NAME,
                date_of_birth=dob,
                chi_number=make_chi(dob, c.chi_serial, c.sex),
                sex=c.sex,
                ethnicity=ETHNICITY,
                religion=RELIGION,
                languages=list(LANGUAGES),
                address=ADDRESS,
                postcode=POSTCODE,
            )
            self.step()
        # Each adult is one person, related to both children.
        for c in CHILDREN:
            for person in PEOPLE:
                known = self.people.get(person.key)
                relation = add_person(
                    creator,
                    self.children[c.key].pk,
                    relationship=person.relationship,
                    parental_responsibility=person.parental_responsibility,
                    lives_with=person.lives_with,
                    stays_overnight=person.stays_overnight,
                    caring_role=person.caring_role,
                    person_id=known,
                    given_name=None if known else person.given_name,
                    family_name=None if known else person.family_name,
                    date_of_birth=None if known else born(self.friday, person.years, person.days),
                )
                self.people[person.key] = relation.person_id
                self.step()

        self.say("Named Persons: the head teacher for Leeann, the health visitor for Trent")
        for child_key, username in NAMED_PERSONS.items():
            assign(
                creator,
                self.children[child_key].pk,
                Assignment.Kind.NAMED_PERSON,
                self.staff[username].pk,
            )
            self.step()
            # Corinne took up the offer when each Named Person introduced themselves.
            record_named_person_offer(
                self.staff[username],
                self.children[child_key].pk,
                decision="accepted",
                given_by=str(self.people["corinne"]),
                decided_on=self.friday - dt.timedelta(days=150),
                note="Corinne was glad to have one person to go to.",
            )

    def _protocols(self) -> None:
        active = sum(1 for i in ISPS if i.approved_by is None)
        self.say(
            f"Information Sharing Protocols of {AREA}: {active} in force, "
            f"{len(ISPS) - active} waiting for approval"
        )
        governance = {p.agency: p.username for p in PRACTITIONERS if IG in p.roles}
        for data in ISPS:
            isp = draft_isp(
                self.staff[data.drafted_by],
                title=data.title,
                party_agency_ids=[self.agencies[a].pk for a in data.parties],
                purposes=list(data.purposes),
                categories=list(data.categories),
                lawful_basis=data.lawful_basis,
                special_category_condition=data.special_category_condition,
                consent_required=data.consent_required,
                onward_sharing=data.onward_sharing,
                retention_days=data.retention_days,
                review_date=self.friday + dt.timedelta(days=data.review_in_days),
                security_conditions=data.security_conditions,
                privacy_impact_assessment=data.privacy_impact_assessment,
                key_post_holders=[
                    {
                        "agency_id": self.agencies[a].pk,
                        "data_protection_officer": KEY_POST_HOLDERS[a].data_protection_officer,
                        "senior_information_risk_owner": (
                            KEY_POST_HOLDERS[a].senior_information_risk_owner
                        ),
                    }
                    for a in data.parties
                ],
            )
            # The drafter's own agency approves first, then the others.
            drafter = self.staff[data.drafted_by].agency_id
            approving = data.parties if data.approved_by is None else data.approved_by
            for agency_key in sorted(approving, key=lambda a: self.agencies[a].pk != drafter):
                isp = approve_isp(self.staff[governance[agency_key]], isp.pk)
            self.isps[data.key] = isp
            self.step()

    def _event(self, event: Event) -> None:
        if isinstance(event, Entry):
            self._entry(event)
        elif isinstance(event, Views):
            self._views(event)
        elif isinstance(event, Consenting):
            self._consent(event)
        else:
            self._share(event)

    def _join(self, username: str, child_key: str) -> None:
        """Before a practitioner's first step about a child, they join the child's team."""
        key = (username, child_key)
        if key not in JOININGS or key in self.joined:
            return
        self.joined.add(key)
        practitioner, child, joining = self.staff[username], self.children[child_key], JOININGS[key]
        if joining.asks_named_person:
            match(
                practitioner,
                given_name=child.given_name,
                family_name=child.family_name,
                date_of_birth=child.date_of_birth,
                postcode=child.postcode,
            )
        # …and, having found the Named Person, is brought into the team by them.
        named = self.staff[NAMED_PERSONS[child_key]]
        add_to_team(named, child.pk, practitioner.pk, reason=joining.reason)

    def _entry(self, entry: Entry, occurred: dt.datetime | None = None) -> None:
        """`occurred`: when, if not `days_before` and `at` (after that Friday, a moment
        that is never in the future)."""
        if occurred is None:
            occurred = _moment(self.friday - dt.timedelta(days=entry.days_before), entry.at)
        for child_key in entry.children:
            self._join(entry.by, child_key)
            concern = record_concern(
                self.staff[entry.by],
                self.children[child_key].pk,
                occurred_at=occurred,
                recorded_at=_recorded_at(entry, occurred, self.now),
                summary=entry.summary,
                detail=entry.detail,
                source=entry.source,
                indicators=list(entry.indicators),
                impact=entry.impact,
                significance=entry.significance,
                action_taken=entry.action_taken,
                restricted=entry.restricted,
                withheld_from_family=bool(entry.withheld_reason),
                withheld_reason=entry.withheld_reason,
            )
            if entry.key:
                self.entries[(entry.key, child_key)] = concern
            self.step()

    def _views(self, views: Views) -> None:
        self._join(views.by, views.child)
        record_views(
            self.staff[views.by],
            self.children[views.child].pk,
            whose="child" if views.whose == "child" else str(self.people[views.whose]),
            views=views.views,
            about=views.about,
        )
        self.step()

    def _consent(self, consent: Consenting) -> None:
        given_on = self.friday - dt.timedelta(days=consent.days_before)
        for child_key in consent.children:
            self._join(consent.by, child_key)
            record_consent(
                self.staff[consent.by],
                self.children[child_key].pk,
                given_by=str(self.people[consent.given_by]),
                decision=Consent.Decision.GIVEN,
                purposes=list(consent.purposes),
                recipient_agency_ids=[self.agencies[a].pk for a in consent.recipients],
                categories=list(consent.categories),
                expires_on=given_on + dt.timedelta(days=consent.lasts_days),
                views=consent.views,
            )
            self.step()

    def _share(self, share: Share) -> None:
        actor = self.staff[share.by]
        for child_key in share.children:
            self._join(share.by, child_key)
            entry_ids = [self.entries[(key, child_key)].pk for key in share.entries]
            for agency_key in share.to:
                made = disclose(
                    actor,
                    self.children[child_key].pk,
                    recipient_agency_id=self.agencies[agency_key].pk,
                    purpose=share.purpose,
                    categories=list(share.categories),
                    justification=share.justification,
                    entry_ids=entry_ids or None,
                    family_not_informed_reason=share.family_not_told_reason,
                )
                # The Friday's shares are the head teacher's, a senior: she authorises
                # them herself, and they are made at once (DOMAIN §4.4).
                assert isinstance(made, Disclosure), "a case-study share waits for a senior"
                if share.family_told:
                    mark_family_informed(actor, made.pk, informed=True)
                self.step()


def counts() -> dict[str, int]:
    """What the database holds now, for the summary."""
    return {
        "agencies": Agency.objects.count(),
        "logins": Practitioner.objects.count(),
        "children": Child.objects.count(),
        "people": Person.objects.count(),
        "relationships": ChildRelationship.objects.count(),
        "entries": Concern.objects.count(),
        "restricted entries": Concern.objects.filter(restricted=True).count(),
        "withheld entries": Concern.objects.filter(withheld_from_family=True).count(),
        "recording agencies": Concern.objects.values("agency_id").distinct().count(),
        "isps": Isp.objects.count(),
        "active isps": Isp.objects.filter(status=Isp.Status.ACTIVE).count(),
        "draft isps": Isp.objects.filter(status=Isp.Status.DRAFT).count(),
        "consents": Consent.objects.count(),
        "views": View.objects.count(),
        "disclosures": Disclosure.objects.count(),
        "child protection disclosures": Disclosure.objects.filter(
            child_protection_override=True
        ).count(),
        "notifications": Notification.objects.count(),
        "pattern alerts": Notification.objects.filter(kind=Notification.Kind.PATTERN_ALERT).count(),
        "involvements": Involvement.objects.filter(ended_at__isnull=True).count(),
        "irds": Ird.objects.count(),
        "assessments": Assessment.objects.count(),
        "contributions": Contribution.objects.count(),
        "plans": Plan.objects.filter(closed_at__isnull=True).count(),
        "plan versions": PlanVersion.objects.count(),
        "meetings": Meeting.objects.count(),
        "registrations": RegisterEntry.objects.filter(removed_on__isnull=True).count(),
        "audit events": AuditEvent.objects.count(),
    }
