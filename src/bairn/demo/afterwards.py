"""What happened after that Friday (DOMAIN §7, practice-model.md): the inter-agency
referral discussion, the Lead Professional, the wellbeing assessments and the Child's
Plans. Loaded by default, after the Friday; `bairn demo --before-friday` loads none of it.

On the Friday evening police, social work, health and education hold an Inter-agency
Referral Discussion (IRD) for each child: a joint investigation, an immediate safety plan
(Leeann and Trent stay with Corinne while Steve Munro stays elsewhere), a medical
examination and an interview for Leeann. In the days after, the social worker becomes
the Lead Professional for both children, the agencies each add their part to one
wellbeing assessment for each child, and the Named Person and the Lead Professional make
a multi-agency Child's Plan for each — Leeann's is reviewed at a Team Around the Child
meeting, whose actions join it as version 2. The Child Protection Planning Meeting is due
within 28 days of the IRD: it has not been held yet, so neither child is on the register.

The term ended on that Friday, so school and nursery are closed: the school's actions
start when school returns. Every date is relative to that Friday and never later than
now: when the demo is loaded soon after the Friday (on the Saturday, say), the later
steps move back to just before the moment of the load, in the same order. The IRD and
the meeting carry their dates and the chronology entries their moments; the assessments
and the plan versions, like consents and disclosures, carry the time of the load, as
their services record the present moment.

Everyone here is fictional. Agencies and practitioners are named by the keys and
usernames of `casestudy`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from bairn.agencies.models import Assignment
from bairn.agencies.services import assign
from bairn.demo.casestudy import (
    ACHIEVING,
    ACTIVE,
    BOTH,
    CHILD,
    CHILD_PROTECTION,
    HEALTHY,
    INCLUDED,
    LEEANN,
    LOW,
    NEGATIVE,
    NURTURED,
    OBSERVATION,
    PARENT,
    POSITIVE,
    RESPECTED,
    RESPONSIBLE,
    SAFE,
    THIRD_PARTY,
    TRENT,
    AfterFriday,
    Entry,
    _Loader,
    _moment,
)
from bairn.planning.models import Axis, Rating
from bairn.planning.services import (
    contribute,
    record_ird,
    record_meeting,
    save_plan,
    start_assessment,
)

# A Child Protection Planning Meeting is held within 28 calendar days of the IRD
# (National Guidance for Child Protection in Scotland 2021/2023).
CPPM_WITHIN_DAYS = 28
# Steps that would be in the future move back to this far apart, before now.
GAP = dt.timedelta(minutes=2)

STRENGTH, NO_CONCERN, SOME_CONCERN, SIGNIFICANT = (
    Rating.STRENGTH.value,
    Rating.NO_CONCERN.value,
    Rating.SOME_CONCERN.value,
    Rating.SIGNIFICANT_CONCERN.value,
)
RESILIENCE, VULNERABILITY, PROTECTIVE, ADVERSITY = (
    Axis.RESILIENCE.value,
    Axis.VULNERABILITY.value,
    Axis.PROTECTIVE.value,
    Axis.ADVERSITY.value,
)
PLANNED, IN_PROGRESS, DONE = "planned", "in_progress", "done"


def day_words(day: dt.date) -> str:
    """ "Friday 20 November 2026"."""
    return f"{day:%A} {day.day} {day:%B %Y}"


# --- the inter-agency referral discussion, on the Friday evening -------------------------

IRD_DAY, IRD_AT = 0, "17:00"  # days after that Friday, local time
IRD_BY = "sergeant"  # the Concern Hub's detective sergeant, child protection lead
IRD_AGENCIES = ("police", "social_work", "health", "school")


@dataclass(frozen=True)
class IrdData:
    child: str
    reason: str
    information_shared: str
    decisions: str  # "{cppm}" is the date the CPPM is due by


SHARED_ABOUT_THE_HOUSEHOLD = (
    "Health (the health visitor, Trent's Named Person): Trent's speech delay, two missed "
    "development reviews and a missed speech and language therapy appointment; Corinne's "
    "low mood over several months and her saying that Trent does not 'feel like mine'; "
    "Maggie Doyle doing much of Trent's care when she stays, which is most weekends.\n"
    "Police (the detective sergeant, Concern Hub): officers attended a disturbance at the "
    "home late at night about seven weeks ago — Steve Munro and Maggie Doyle arguing, both "
    "children awake, Leeann crying; a child concern report followed. The sergeant also "
    "gave the discussion police information about an adult in the household; it is held, "
    "restricted, by Police Scotland and is not written here, because this record is read "
    "by every practitioner of the four agencies who works with the children.\n"
    "Social work: Corinne asked the duty team for advice about rent arrears about five "
    "months ago; no concern about the children was raised then. No other involvement."
)

IRDS: tuple[IrdData, ...] = (
    IrdData(
        child="leeann",
        reason=(
            "This afternoon Leeann (9) told her class teacher that the bruising on both her "
            "wrists was caused by Steve Munro, her mother's partner, who lives with the "
            "family, and that he sometimes makes her sit in a bath 'to cool down'. The head "
            "teacher referred Leeann and her brother Trent to the police and social work "
            "under the child protection procedures. Leeann may have been physically harmed "
            "and may suffer significant harm if she goes home tonight as things are."
        ),
        information_shared=(
            "Education (the head teacher): the school's child protection disclosures this "
            "afternoon — what Leeann told her class teacher and the classroom assistant in "
            "her own words, the bruising seen on both wrists, how frightened she was of "
            "Steve and of her mother this morning, and Steve's remark that Maggie Doyle "
            "'rules' the home — and the school's chronology of the last five months: "
            "tiredness, no breakfast, falling asleep after shouting at home, outbursts in "
            "class, being alone at break; and her strengths, reading progress and art.\n"
            + SHARED_ABOUT_THE_HOUSEHOLD
        ),
        decisions=(
            "1. A joint police and social work investigation. Leeann to be interviewed "
            "jointly by a police officer and a social worker trained in the Scottish Child "
            "Interview Model, with pictures and short questions for her learning "
            "disability.\n"
            "2. Immediate safety plan: Leeann and Trent stay at home with Corinne, who "
            "agreed to it in writing this evening; Steve Munro stays with his brother and "
            "has no unsupervised contact with the children while the investigation "
            "continues; Maggie and Greg Doyle do not look after the children overnight for "
            "now. The social worker and a police officer take Leeann home from school and "
            "see Trent there tonight.\n"
            "3. A child protection medical examination of Leeann tomorrow at the children's "
            "hospital, with Corinne's agreement.\n"
            "4. Social work convenes a Child Protection Planning Meeting for both children "
            "by {cppm}; meanwhile a multi-agency Child's Plan, with the social worker as "
            "Lead Professional.\n"
            "5. Corinne is told tonight of the concerns and the plan; Steve Munro is told "
            "of the allegation by the police when he is spoken to. What was shared here "
            "stays with the partners of this discussion."
        ),
    ),
    IrdData(
        child="trent",
        reason=(
            "Trent (3) lives in the same household as his sister Leeann, who told her "
            "teacher this afternoon that Steve Munro, their mother's partner, caused the "
            "bruising on her wrists and sometimes makes her sit in a bath 'to cool down'. "
            "Trent was not brought to nursery today: his mother said he was 'poorly' and "
            "left him with Maggie Doyle and her son Greg (17). He cannot yet say what "
            "happens at home. Considered in the same discussion as his sister."
        ),
        information_shared=(
            "Education (the head teacher): the nursery's record — Trent absent today and "
            "left with family friends; hungry and in the same clothes as the day before, "
            "last week; absences without a reason; his mother saying he does not 'feel "
            "like mine'; and Leeann's disclosures today.\n" + SHARED_ABOUT_THE_HOUSEHOLD
        ),
        decisions=(
            "1. Trent is part of the joint police and social work investigation into his "
            "sister's disclosure; he is too young to be interviewed.\n"
            "2. Immediate safety plan, as for Leeann: Trent stays at home with Corinne; "
            "Steve Munro stays with his brother, with no unsupervised contact; Maggie and "
            "Greg Doyle do not look after him overnight for now. The social worker and a "
            "police officer see Trent at home tonight.\n"
            "3. No medical examination unless an injury is seen; the health visitor sees "
            "him at home within the week.\n"
            "4. Social work convenes a Child Protection Planning Meeting for both children "
            "by {cppm}; meanwhile a Child's Plan, with the social worker as Lead "
            "Professional.\n"
            "5. Corinne is told tonight of the concerns and the plan."
        ),
    ),
)

# --- the chronology after the Friday (school and nursery are closed) ------------------------

# `days_before` is negative: these are days after that Friday.
ENTRIES: tuple[Entry, ...] = (
    Entry(
        children=LEEANN,
        by="healthvisitor",
        days_before=-1,
        at="10:30",
        key="medical",
        summary=(
            "Child protection medical examination: bruising on both wrists consistent with "
            "Leeann's account; no other injuries"
        ),
        detail=(
            "As decided at the inter-agency referral discussion, a community paediatrician "
            "examined Leeann at the children's hospital, with Corinne present and agreeing. "
            "Fingertip-pattern bruising on both wrists, a few days old, consistent with "
            "Leeann's account of being held by the wrists. No other injuries. Growth and "
            "general health normal. Leeann was shy and managed with Corinne beside her and "
            "a drawing book. Recorded by the health visitor, health's contact for the family "
            "in the discussion, from the paediatrician's report."
        ),
        source=THIRD_PARTY,
        indicators=(SAFE, HEALTHY),
        impact=NEGATIVE,
        significance=CHILD_PROTECTION,
        action_taken=(
            "The paediatrician's report went to the police and the social worker the same "
            "day. The school nursing service asked to see Leeann for a health assessment."
        ),
        recorded_hours_after=5,
    ),
    Entry(
        children=LEEANN,
        by="socialworker",
        days_before=-3,
        at="10:00",
        key="interview",
        summary="Joint investigative interview of Leeann by police and social work",
        detail=(
            "Leeann was interviewed at the child interview suite by a police officer and the "
            "social worker, both trained in the Scottish Child Interview Model, with picture "
            "cards and short questions for her learning disability. In her own words she "
            "said again that Steve held her wrists hard and that he makes her sit in a cold "
            "bath when she is 'bad'. She said she wants to stay with her mum and Trent. The "
            "interview was visually recorded; the recording is held by Police Scotland."
        ),
        source=CHILD,
        indicators=(SAFE, NURTURED, RESPECTED),
        impact=NEGATIVE,
        significance=CHILD_PROTECTION,
        action_taken=(
            "The police investigation continues. The safety plan stays in place. Corinne "
            "was told the interview is over and how Leeann coped, not what she said."
        ),
        withheld_reason=(
            "A police investigation is under way: what Leeann said must not reach Steve "
            "Munro, or anyone who could press her to take it back, before the police have "
            "acted."
        ),
        recorded_hours_after=3,
    ),
    Entry(
        children=TRENT,
        by="healthvisitor",
        days_before=-4,
        at="10:00",
        key="home_visit",
        summary="Home visit: Trent well and playing; Corinne low but keeping to the safety plan",
        detail=(
            "Trent was at home with Corinne and Leeann. He was clean, dressed and playing "
            "with his cars; no marks or injuries seen; he ate a snack and said 'car' and "
            "'more'. Corinne said she is 'all over the place' but that the house is calmer "
            "without the adults arguing. Steve Munro is staying with his brother, as "
            "agreed. Corinne has a GP appointment this week."
        ),
        source=OBSERVATION,
        indicators=(HEALTHY, NURTURED, SAFE),
        impact=POSITIVE,
        significance=LOW,
        action_taken=(
            "Weekly visits while the nursery is closed. The new speech and language therapy "
            "date confirmed with Corinne; the health visitor will go with them."
        ),
        recorded_hours_after=2,
    ),
    Entry(
        children=BOTH,
        by="familysupport",
        days_before=-4,
        at="14:00",
        key="support_visit",
        summary=(
            "Home visit: Corinne asked to come back to the parenting group; Leeann booked "
            "into the holiday club"
        ),
        detail=(
            "Corinne asked for help with bedtimes and routines 'now it's just me and the "
            "kids'. Leeann showed the family support worker her drawings and asked to go "
            "back to the holiday club 'for painting'. Trent played beside her with his cars."
        ),
        source=PARENT,
        indicators=(NURTURED, ACTIVE, INCLUDED),
        impact=POSITIVE,
        significance=LOW,
        action_taken=(
            "Leeann booked into the holiday club three days a week. Corinne to rejoin the "
            "parenting group at its next block, with a crèche place for Trent. Weekly "
            "one-to-one support at home offered and accepted."
        ),
        recorded_hours_after=1.5,
    ),
)

# --- the Lead Professional --------------------------------------------------------------

LEAD = "socialworker"
# Trent's Named Person assigns his Lead Professional; Leeann's is named in her plan.
ASSIGNED_BY: dict[str, str] = {"trent": "healthvisitor"}

# --- the wellbeing assessments (National Practice Model) --------------------------------


@dataclass(frozen=True)
class Rated:
    rating: str
    notes: str
    evidence: tuple[str, ...] = ()  # keys of chronology entries the contributor may see


@dataclass(frozen=True)
class Part:
    """An agency's part of an assessment: the first part starts it."""

    by: str
    indicators: dict[str, Rated]
    my_world: dict[str, str]
    resilience: tuple[tuple[str, str], ...]  # (axis, factor)
    five_questions: tuple[str, str, str, str, str]


@dataclass(frozen=True)
class AssessmentData:
    child: str
    parts: tuple[Part, ...]


ASSESSMENTS: tuple[AssessmentData, ...] = (
    AssessmentData(
        child="leeann",
        parts=(
            Part(
                by="socialworker",
                indicators={
                    SAFE: Rated(
                        SIGNIFICANT,
                        "Leeann told her teacher, and said again at the joint interview, "
                        "that Steve Munro held her wrists hard and makes her sit in a cold "
                        "bath. The police are investigating. Steve is staying elsewhere "
                        "under the safety plan, and Corinne is keeping to it.",
                        ("cold_bath", "wrist_bruising", "interview"),
                    ),
                    NURTURED: Rated(
                        SIGNIFICANT,
                        "A busy, unsettled home: adults arguing at night, several adults "
                        "caring for the children without a clear plan, Corinne low for "
                        "months. Corinne believes Leeann and wants to protect her.",
                        ("frightened", "maggie_rules"),
                    ),
                    HEALTHY: Rated(
                        SOME_CONCERN,
                        "Tired in school after noise at night; the bruising is healing.",
                        ("asleep_in_class",),
                    ),
                    ACHIEVING: Rated(
                        STRENGTH,
                        "Proud of her art and of her reading; the school's support works.",
                        ("collage",),
                    ),
                    RESPECTED: Rated(
                        NO_CONCERN,
                        "Leeann was listened to at the interview and could say what she "
                        "wants: to stay with her mum and Trent.",
                        ("interview",),
                    ),
                    INCLUDED: Rated(
                        SOME_CONCERN,
                        "Rent arrears and money worries in the household.",
                        ("rent_arrears",),
                    ),
                },
                my_world={
                    "keeping_me_safe": (
                        "Safety plan since the Friday evening: Steve Munro away from the "
                        "home, no unsupervised contact; no overnight care by Maggie or Greg "
                        "Doyle for now."
                    ),
                    "being_there_for_me": (
                        "Corinne believed Leeann at once and went with her to the medical."
                    ),
                    "knowing_what_will_happen": (
                        "Leeann needs short, simple explanations, with pictures, of what "
                        "happens next: who she will see and when."
                    ),
                    "understanding_my_background": (
                        "Leeann is of mixed heritage and Corinne is raising the children "
                        "in the Islamic faith; the plan's activities respect this (halal "
                        "food at the holiday club)."
                    ),
                    "enough_money": "Rent arrears after a change in Corinne's benefits.",
                    "support_from_family_and_friends": (
                        "Maggie and Greg Doyle have done much of the children's care; their "
                        "part needs to be agreed with Corinne."
                    ),
                },
                resilience=(
                    (RESILIENCE, "Told trusted adults what happened, and could say it again"),
                    (VULNERABILITY, "Learning disability: depends on adults to keep her safe"),
                    (PROTECTIVE, "Corinne believes her and keeps to the safety plan"),
                    (ADVERSITY, "Alleged physical harm and cold baths by her mother's partner"),
                    (ADVERSITY, "Rent arrears and money worries"),
                ),
                five_questions=(
                    "Alleged physical harm and frightening punishments by Steve Munro; "
                    "arguments between adults at home; her mother's low mood.",
                    "Not yet: the police investigation continues, and the part Maggie and "
                    "Greg Doyle play in the children's care needs to be understood.",
                    "See Leeann on her own every week and keep the safety plan under review.",
                    "Lead the Child's Plan and the child protection process; prepare for the "
                    "Child Protection Planning Meeting; welfare rights help with the rent.",
                    "Health for Corinne's mood and Leeann's health; family support for "
                    "routines at home and the holiday club; school for her learning and "
                    "friendships.",
                ),
            ),
            Part(
                by="headteacher",
                indicators={
                    SAFE: Rated(
                        SIGNIFICANT,
                        "She told her teacher that Steve caused the bruising on her wrists "
                        "and makes her sit in a bath 'to cool down'; that morning she was "
                        "frightened of Steve and of her mother.",
                        ("cold_bath", "wrist_bruising", "frightened"),
                    ),
                    HEALTHY: Rated(
                        SOME_CONCERN,
                        "Tired, fell asleep in class; sometimes no breakfast or snack. A "
                        "breakfast club place helps.",
                        ("no_breakfast", "asleep_in_class"),
                    ),
                    ACHIEVING: Rated(
                        STRENGTH,
                        "Moderate learning disability with an individualised educational "
                        "programme. She moved up a reading level with support, and art is a "
                        "real strength: her collage was chosen for the corridor display.",
                        ("reading_level", "collage", "iep_review"),
                    ),
                    NURTURED: Rated(
                        SOME_CONCERN,
                        "Shouting at home at night; collected by different adults at short "
                        "notice; her mother asked for help with her behaviour.",
                        ("asleep_in_class", "collected_by_greg", "behaviour_meeting"),
                    ),
                    ACTIVE: Rated(
                        NO_CONCERN,
                        "Joins in games when an adult starts them; loved the holiday club.",
                        ("holiday_club",),
                    ),
                    RESPECTED: Rated(
                        NO_CONCERN,
                        "Her views are asked at her daily check-in; her work is shown and praised.",
                        ("collage",),
                    ),
                    RESPONSIBLE: Rated(
                        SOME_CONCERN,
                        "Pushed and kicked classmates and threw a chair when upset; she "
                        "calms in the quiet area, and the behaviour support plan helps.",
                        ("threw_chair", "kicked_classmate"),
                    ),
                    INCLUDED: Rated(
                        SOME_CONCERN,
                        "Often alone at break: the other children 'don't want me'. The "
                        "buddy group helps; she played well with girls of her age at the "
                        "holiday club.",
                        ("alone_at_break", "holiday_club"),
                    ),
                },
                my_world={
                    "learning_and_achieving": (
                        "Early level literacy and numeracy; visual timetable and short tasks; "
                        "reading support three mornings a week."
                    ),
                    "being_able_to_communicate": (
                        "Says what she likes and what upsets her in simple words; pictures help."
                    ),
                    "confidence_in_who_i_am": "Proud of her art and of reading a whole book.",
                    "school": (
                        "Trusts her classroom assistant and her teacher: she told them what "
                        "happened."
                    ),
                    "everyday_care_and_help": (
                        "Came to school tired and hungry on some days; breakfast club since."
                    ),
                },
                resilience=(
                    (RESILIENCE, "Art: a strength that settles her and makes her proud"),
                    (VULNERABILITY, "May find it hard to explain what happens to her"),
                    (PROTECTIVE, "Trusted adults in school she tells when she is worried"),
                    (ADVERSITY, "Shouting and fighting between adults at home at night"),
                ),
                five_questions=(
                    "What happened at home: she was hurt and frightened, and she is tired "
                    "after noise at night. She is often alone at break.",
                    "No: until the discussion the school did not know of the police's call "
                    "to the home or of the health visitor's concerns about Corinne.",
                    "Keep her daily check-in with a trusted adult, reading support and art; "
                    "listen, and pass on at once anything she says.",
                    "Breakfast club, the lunchtime buddy group, and a review of her "
                    "individualised educational programme with Corinne.",
                    "Social work to lead the plan and the investigation; health for her "
                    "mother's wellbeing; family support for routines at home.",
                ),
            ),
            Part(
                by="healthvisitor",
                indicators={
                    SAFE: Rated(
                        SIGNIFICANT,
                        "The medical found bruising on both wrists consistent with her account.",
                        ("medical",),
                    ),
                    HEALTHY: Rated(
                        SOME_CONCERN,
                        "No other injuries; growth and general health normal. Tiredness "
                        "reported by the school; a school nursing health assessment asked "
                        "for.",
                        ("medical",),
                    ),
                    NURTURED: Rated(
                        SOME_CONCERN,
                        "Corinne's low mood for several months makes everyday care harder; "
                        "she is seeing her GP. Maggie Doyle has done much of the care.",
                    ),
                },
                my_world={
                    "being_healthy": "Well at the medical; the bruising is healing.",
                    "everyday_care_and_help": (
                        "Corinne is low and sleeping badly; Maggie Doyle has been doing much "
                        "of the care when she stays."
                    ),
                },
                resilience=(
                    (PROTECTIVE, "Corinne took Leeann to the medical and stayed with her"),
                    (ADVERSITY, "Her mother's low mood and poor sleep over several months"),
                ),
                five_questions=(
                    "Harm at home, and her mother's low mood, which makes everyday care harder.",
                    "Health holds little about Leeann herself: the school nursing service "
                    "will complete a health assessment.",
                    "Share the medical findings with the team; support Corinne at home visits.",
                    "School nursing health assessment; listening visits for Corinne; a GP "
                    "review of her mood.",
                    "The child and adolescent mental health service if Leeann shows signs of "
                    "distress after what happened.",
                ),
            ),
            Part(
                by="familysupport",
                indicators={
                    ACTIVE: Rated(
                        STRENGTH,
                        "Enjoyed art, games and the trip to the park at the holiday club.",
                        ("holiday_club",),
                    ),
                    INCLUDED: Rated(
                        STRENGTH,
                        "Played with two girls of her own age at the holiday club.",
                        ("holiday_club",),
                    ),
                    NURTURED: Rated(
                        SOME_CONCERN,
                        "Corinne stopped the parenting group when things were 'difficult at "
                        "home'; she now asks for help with routines.",
                        ("parenting_group_stopped", "support_visit"),
                    ),
                },
                my_world={
                    "play_encouragement_and_fun": "Painting and games at the holiday club.",
                    "local_resources": (
                        "The project's holiday club and parenting group, which the family "
                        "already knows."
                    ),
                },
                resilience=(
                    (PROTECTIVE, "Local support the family knows and trusts: the project"),
                ),
                five_questions=(
                    "An unsettled home and little routine.",
                    "Enough for our part.",
                    "Book Leeann into the holiday club.",
                    "Weekly one-to-one support at home for Corinne; the parenting group.",
                    "Social work to lead; health for Corinne's mood.",
                ),
            ),
        ),
    ),
    AssessmentData(
        child="trent",
        parts=(
            Part(
                by="healthvisitor",
                indicators={
                    HEALTHY: Rated(
                        SOME_CONCERN,
                        "Speech delay; two missed reviews and a missed speech and language "
                        "therapy appointment. Growth and movement normal; well at home this "
                        "week.",
                        ("speech_delay", "therapy_missed", "home_visit"),
                    ),
                    ACHIEVING: Rated(
                        SOME_CONCERN,
                        "About ten single words at 32 months; referred to speech and "
                        "language therapy.",
                        ("speech_delay",),
                    ),
                    NURTURED: Rated(
                        SIGNIFICANT,
                        "Corinne's low mood and her difficulty feeling close to Trent; much "
                        "of his care has been by a family friend.",
                        ("low_mood", "listening_visit"),
                    ),
                    SAFE: Rated(
                        SOME_CONCERN,
                        "Lives in the household where Leeann was hurt; no injuries seen; "
                        "the safety plan is kept.",
                        ("home_visit",),
                    ),
                },
                my_world={
                    "being_able_to_communicate": (
                        "Points and leads adults by the hand; a few single words."
                    ),
                    "being_healthy": "Growing well; appointments missed.",
                    "being_there_for_me": (
                        "Corinne finds it hard to feel close to him and is sure he is "
                        "autistic; she wants him assessed."
                    ),
                },
                resilience=(
                    (RESILIENCE, "Healthy, growing well, enjoys play"),
                    (VULNERABILITY, "Aged 3 with a speech delay: cannot tell anyone what happens"),
                    (PROTECTIVE, "Seen often by the health visitor and his nursery key worker"),
                    (ADVERSITY, "His mother's low mood; arguments at home"),
                ),
                five_questions=(
                    "His mother's low mood and her distance from him; an unsettled home; "
                    "missed health appointments.",
                    "Mostly: a developmental assessment would answer Corinne's question "
                    "about autism.",
                    "Weekly home visits while the nursery is closed; go with them to speech "
                    "and language therapy.",
                    "Listening visits for Corinne; ask the GP for a developmental assessment.",
                    "Family support for Corinne and Trent together; social work to lead.",
                ),
            ),
            Part(
                by="nursery",
                indicators={
                    ACHIEVING: Rated(
                        SOME_CONCERN,
                        "Speech delay; starting to use new words in play.",
                        ("speech_delay", "settling_well"),
                    ),
                    ACTIVE: Rated(
                        STRENGTH,
                        "Plays alongside other children and brings toys to share.",
                        ("settling_well",),
                    ),
                    HEALTHY: Rated(
                        SOME_CONCERN,
                        "Absences without a reason; arrived hungry.",
                        ("absent_cold", "absent_no_reason", "hungry"),
                    ),
                    NURTURED: Rated(
                        SIGNIFICANT,
                        "His mother says he does not 'feel like mine'; brought by different "
                        "adults; hungry and in the same clothes as the day before.",
                        ("not_feel_like_mine", "not_feel_like_mine_again", "hungry"),
                    ),
                    SAFE: Rated(
                        SOME_CONCERN,
                        "Not brought on the Friday and left with family friends.",
                        ("not_brought",),
                    ),
                    INCLUDED: Rated(NO_CONCERN, "Settled in the nursery class."),
                },
                my_world={
                    "play_encouragement_and_fun": "Water play, cars, and sharing toys.",
                    "school": "A key worker he goes to; settled in the nursery class.",
                },
                resilience=(
                    (RESILIENCE, "Enjoys play and is starting to use new words"),
                    (ADVERSITY, "Gaps in attendance; arriving hungry"),
                ),
                five_questions=(
                    "Missed days and an unsettled home; his speech.",
                    "Yes, for the nursery's part.",
                    "Talking and play time with his key worker every day when the nursery reopens.",
                    "Visual supports at nursery, shared with home.",
                    "Speech and language therapy; health visitor for his mother.",
                ),
            ),
        ),
    ),
)

# --- the Child's Plans ------------------------------------------------------------------


@dataclass(frozen=True)
class Act:
    description: str
    owner: str  # username
    due: int  # days after that Friday
    status: str = PLANNED


@dataclass(frozen=True)
class Need:
    indicators: tuple[str, ...]
    description: str
    outcome: str
    evidence: str
    actions: tuple[Act, ...]


@dataclass(frozen=True)
class PlanData:
    child: str
    by: str  # who saves version 1
    team: tuple[str, ...]  # besides the Named Person, the Lead Professional and owners
    reason: str  # "{ird}": the day of the IRD; "{cppm}": the day the CPPM is due by
    needs: tuple[Need, ...]
    child_views: str
    family_views: str
    contingency: str
    review: int = 47  # days after that Friday: six weeks after the meeting


# The first day back at school (the holiday is two weeks and a weekend).
BACK = 17
STEVE_DISAGREES = (
    "Steve Munro (by phone with the social worker; not invited to the meeting while the "
    "police investigate): he does not agree with the plan. He says he never hurt Leeann, "
    "that the bruises happened when he and Maggie were arguing, and that he only ran a bath "
    "to calm her down. He does not agree that he should stay away, but he has kept to it. "
    "His disagreement is recorded, and he was told how to ask for it to be heard at the "
    "Child Protection Planning Meeting."
)


def contingency(worry: str) -> str:
    return (
        "If Steve Munro comes back to the home or sees the children without agreed "
        f"supervision, if {worry}, or if Corinne cannot keep to the safety plan: social work "
        "and police hold a new inter-agency referral discussion the same day and consider "
        "care away from home, looking first at family and friends. Out of hours: Glenbrae "
        "social work standby, 01632 960999."
    )


PLANS: tuple[PlanData, ...] = (
    PlanData(
        child="leeann",
        by="headteacher",
        team=("socialworker", "assistant", "healthvisitor", "familysupport"),
        reason=(
            "Leeann told her teacher that her mother's partner hurt her wrists and makes her "
            "sit in a cold bath 'to cool down'. Police and social work are investigating "
            "together (inter-agency referral discussion, {ird}). What Leeann needs crosses "
            "school, health, social work and family support: one plan, with a social worker "
            "as Lead Professional, so that Leeann and her mother do not tell their story "
            "many times. A Child Protection Planning Meeting by {cppm} will decide whether "
            "a Child Protection Plan is needed."
        ),
        needs=(
            Need(
                indicators=(SAFE,),
                description=(
                    "Leeann said that Steve Munro hurt her wrists and makes her sit in a cold "
                    "bath. She needs to be safe at home and to know who she can tell."
                ),
                outcome=("Leeann is safe at home, has no more injuries, and says she feels safe."),
                evidence=(
                    "Leeann's own words at her check-ins and visits; no new injuries seen; "
                    "the safety plan kept (Steve Munro away from the home)."
                ),
                actions=(
                    Act(
                        "Agree a written safety plan with Corinne: Leeann and Trent stay with "
                        "her; Steve Munro stays elsewhere, with no unsupervised contact",
                        "socialworker",
                        0,
                        DONE,
                    ),
                    Act(
                        "Visit every week and see Leeann on her own, with picture cards to "
                        "help her say how things are",
                        "socialworker",
                        47,
                        IN_PROGRESS,
                    ),
                    Act(
                        "When school returns: a check-in with Mrs Gillespie at the start of "
                        "every day; Leeann knows she can tell her if she is worried",
                        "assistant",
                        BACK,
                    ),
                ),
            ),
            Need(
                indicators=(NURTURED,),
                description=(
                    "Home has been busy and unsettled: adults arguing at night, Corinne low "
                    "for months, different adults looking after Leeann and collecting her."
                ),
                outcome=(
                    "A calm, predictable routine at home: bedtime, breakfast, and knowing "
                    "who will collect her."
                ),
                evidence=(
                    "Leeann arrives rested and fed; the home–school diary; Corinne's own "
                    "account at visits."
                ),
                actions=(
                    Act(
                        "One-to-one support for Corinne at home every week: bedtimes, "
                        "breakfast, calm evenings",
                        "familysupport",
                        33,
                        IN_PROGRESS,
                    ),
                    Act(
                        "Listening visits for Corinne every two weeks; a GP review of her low mood",
                        "healthvisitor",
                        33,
                        IN_PROGRESS,
                    ),
                    Act(
                        "Agree with Corinne who may look after and collect the children, and "
                        "talk with Maggie and Greg Doyle about their part",
                        "socialworker",
                        19,
                    ),
                ),
            ),
            Need(
                indicators=(HEALTHY,),
                description=(
                    "Leeann has been tired, sometimes without breakfast, and had bruising on "
                    "both wrists; the medical found no other injuries."
                ),
                outcome="Leeann sleeps well, eats breakfast every day, and her health is checked.",
                evidence=(
                    "Breakfast club attendance; no more falling asleep in class; the school "
                    "nursing health assessment."
                ),
                actions=(
                    Act(
                        "A breakfast club place every morning when school returns",
                        "headteacher",
                        BACK,
                    ),
                    Act(
                        "Ask the school nursing service for a health assessment of Leeann and "
                        "share the result with the Lead Professional",
                        "healthvisitor",
                        26,
                        IN_PROGRESS,
                    ),
                ),
            ),
            Need(
                indicators=(ACHIEVING,),
                description=(
                    "Leeann has a moderate learning disability. Her reading is improving and "
                    "art is a real strength, but tiredness and worry get in the way of her "
                    "learning."
                ),
                outcome="Leeann keeps making progress with reading and uses art to settle.",
                evidence=(
                    "Her reading level and her individualised educational programme review; "
                    "her art work."
                ),
                actions=(
                    Act(
                        "Reading support three mornings a week, and art in her day as a "
                        "calming activity",
                        "assistant",
                        BACK,
                    ),
                    Act(
                        "Review Leeann's individualised educational programme with Corinne",
                        "headteacher",
                        40,
                    ),
                ),
            ),
            Need(
                indicators=(INCLUDED, ACTIVE),
                description=(
                    "Leeann is often alone at break and says the other children 'don't want "
                    "me'; she played happily with girls of her age at the holiday club."
                ),
                outcome="Leeann has friends to play with and takes part in an activity she enjoys.",
                evidence="What Leeann says; playground observations; holiday club attendance.",
                actions=(
                    Act(
                        "Holiday club three days a week for the rest of the holiday",
                        "familysupport",
                        14,
                        IN_PROGRESS,
                    ),
                    Act(
                        "The lunchtime buddy group starts again when school returns",
                        "assistant",
                        BACK,
                    ),
                ),
            ),
        ),
        child_views=(
            'Leeann said, with the social worker and her picture cards: "I want to stay with '
            "my mum and Trent. I don't want Steve to hurt my arms. I don't want the cold bath. "
            "It is quiet at home now. I like painting. I like Mrs Gillespie. I want to go to "
            'the holiday club."'
        ),
        family_views=(
            "Corinne believes Leeann and wants the children to stay with her. She agrees to "
            "the safety plan and to Steve staying away while the police investigate. She "
            "wants help with routines at home and with her own mood.\n" + STEVE_DISAGREES
        ),
        contingency=contingency("Leeann is hurt again or says she is frightened"),
    ),
    PlanData(
        child="trent",
        by="socialworker",
        team=("healthvisitor", "nursery", "familysupport"),
        reason=(
            "Trent lives in the household where his sister Leeann was hurt; on the day she "
            "told her teacher, he was not brought to nursery and was left with family "
            "friends (inter-agency referral discussion, {ird}). He has a speech delay, and "
            "his mother, his main carer, has been low for months. His plan runs beside "
            "Leeann's, with the same Lead Professional, until the Child Protection Planning "
            "Meeting by {cppm}."
        ),
        needs=(
            Need(
                indicators=(SAFE, NURTURED),
                description=(
                    "Trent needs safe, consistent care at home from people Corinne and the "
                    "team have agreed."
                ),
                outcome="Trent is cared for at home by Corinne, safely and every day.",
                evidence="Home visits; nursery attendance; the safety plan kept.",
                actions=(
                    Act(
                        "Agree a written safety plan with Corinne (as for Leeann)",
                        "socialworker",
                        0,
                        DONE,
                    ),
                    Act(
                        "Visit every week while the nursery is closed",
                        "healthvisitor",
                        BACK,
                        IN_PROGRESS,
                    ),
                ),
            ),
            Need(
                indicators=(HEALTHY, ACHIEVING),
                description=(
                    "Speech delay (about ten single words at 32 months); appointments "
                    "missed. Corinne is sure he is autistic and wants him assessed."
                ),
                outcome=(
                    "Trent gets speech and language therapy and a developmental assessment, "
                    "and uses more words."
                ),
                evidence="Appointments kept; the therapist's and the nursery's observations.",
                actions=(
                    Act(
                        "Go with Corinne and Trent to the speech and language therapy appointment",
                        "healthvisitor",
                        24,
                    ),
                    Act(
                        "Ask the GP to refer Trent for a developmental assessment",
                        "healthvisitor",
                        21,
                        IN_PROGRESS,
                    ),
                    Act(
                        "Daily talking-and-play time with his key worker when the nursery reopens",
                        "nursery",
                        BACK,
                    ),
                ),
            ),
            Need(
                indicators=(NURTURED,),
                description=(
                    "Corinne finds it hard to feel close to Trent and says he does not 'feel "
                    "like mine'."
                ),
                outcome="Corinne and Trent enjoy time together, and Corinne feels closer to him.",
                evidence="Corinne's own account; what the family support worker sees.",
                actions=(
                    Act(
                        "Play sessions for Corinne and Trent together, and the parenting group "
                        "with a crèche place",
                        "familysupport",
                        33,
                    ),
                ),
            ),
        ),
        child_views=(
            "Trent is 3 and uses a few words. At home this week he smiled, brought his cars to "
            "the health visitor and said 'Mummy' and 'Leeann'. At nursery he goes to his key "
            "worker and loves water play."
        ),
        family_views=(
            "Corinne wants Trent assessed for autism, and help with his bedtimes. She agrees "
            "to the safety plan.\n" + STEVE_DISAGREES
        ),
        contingency=contingency("Trent is hurt or not brought to his appointments"),
    ),
)

# --- the Team Around the Child meetings -------------------------------------------------

MEETING_DAY, MEETING_AT = 5, "10:00"


@dataclass(frozen=True)
class MeetingData:
    child: str
    by: str
    attendees: tuple[str, ...]
    invited: tuple[str, ...]  # invited but did not come
    family_attended: bool
    decisions: str  # "{cppm}": the day the CPPM is due by
    minutes: str
    actions: tuple[tuple[int, Act], ...] = field(default=())  # (need index, action)


MEETINGS: tuple[MeetingData, ...] = (
    MeetingData(
        child="leeann",
        by="socialworker",
        attendees=("socialworker", "headteacher", "healthvisitor", "familysupport"),
        invited=("assistant",),
        family_attended=True,
        decisions=(
            "The Child's Plan is agreed with Corinne. The safety plan continues until the "
            "police investigation and the Child Protection Planning Meeting, which social "
            "work convenes by {cppm}. Four actions added to the plan. Steve Munro's "
            "disagreement is recorded in the plan."
        ),
        minutes=(
            "Corinne came, with the family support worker. The social worker brought "
            "Leeann's views (her picture cards). The classroom assistant, on holiday, sent "
            "notes on Leeann's check-ins. The health visitor summarised the medical; the "
            "head teacher the school's support for when term starts."
        ),
        actions=(
            (
                0,
                Act(
                    "Consolidate the multi-agency chronology and write the report for the "
                    "Child Protection Planning Meeting",
                    "socialworker",
                    25,
                ),
            ),
            (
                1,
                Act(
                    "Corinne rejoins the parenting group at its next block, with a crèche "
                    "place for Trent",
                    "familysupport",
                    26,
                ),
            ),
            (
                2,
                Act(
                    "Ask the child and adolescent mental health service about help for "
                    "Leeann after what happened, with Corinne's agreement",
                    "healthvisitor",
                    19,
                ),
            ),
            (
                4,
                Act(
                    "A lunchtime art club with two buddies, once a week, when school returns",
                    "assistant",
                    24,
                ),
            ),
        ),
    ),
    MeetingData(
        child="trent",
        by="socialworker",
        attendees=("socialworker", "healthvisitor", "familysupport"),
        invited=("nursery",),
        family_attended=True,
        decisions=(
            "Trent's plan is agreed with Corinne, beside Leeann's. The safety plan "
            "continues; the Child Protection Planning Meeting for both children is due by "
            "{cppm}. One action added."
        ),
        minutes=(
            "Held straight after Leeann's, with Corinne. The nursery key worker, on holiday, "
            "sent her notes on Trent's play and words."
        ),
        actions=(
            (
                1,
                Act(
                    "A picture book of Trent's day, for home and nursery to use the same words",
                    "nursery",
                    BACK + 4,
                ),
            ),
        ),
    ),
)


def step_count() -> int:
    """How many steps `load` reports."""
    return (
        len(IRDS)
        + sum(len(e.children) for e in ENTRIES)
        + len(ASSIGNED_BY)
        + sum(len(a.parts) for a in ASSESSMENTS)
        + len(PLANS)
        + len(MEETINGS)
    )


def schedule(wanted: list[dt.datetime], now: dt.datetime) -> list[dt.datetime]:
    """The moments wanted, in order, none later than now: a step that would be in the
    future moves back to just before now, and those before it to just before that."""
    moments: list[dt.datetime] = []
    latest = now - GAP
    for wish in reversed(wanted):
        moment = min(wish, latest)
        moments.append(moment)
        latest = moment - GAP
    return moments[::-1]


class _Afterwards:
    """Each step is a service call a practitioner's request would make."""

    def __init__(self, loader: _Loader) -> None:
        self.loader = loader
        self.friday = loader.friday
        self.staff = loader.staff

    def day(self, days: int) -> dt.date:
        return self.friday + dt.timedelta(days=days)

    def child_id(self, key: str) -> Any:
        return self.loader.children[key].pk

    def load(self) -> AfterFriday:
        wanted = [_moment(self.day(IRD_DAY), IRD_AT)]
        wanted += [_moment(self.day(-e.days_before), e.at) for e in ENTRIES]
        wanted += [_moment(self.day(MEETING_DAY), MEETING_AT)]
        ird_at, *entry_moments, meeting_at = schedule(wanted, self.loader.now)
        cppm = ird_at.date() + dt.timedelta(days=CPPM_WITHIN_DAYS)
        words = {"ird": day_words(ird_at.date()), "cppm": day_words(cppm)}
        meeting_on = meeting_at.date()

        self.loader.say(
            "After that Friday: the inter-agency referral discussions, the Lead Professional, "
            "the wellbeing assessments, the Child's Plans and the Team Around the Child "
            "meetings"
        )
        self._irds(ird_at, words)
        # The medical, then the Lead Professional for Trent, then the rest of the week.
        self.loader._entry(ENTRIES[0], entry_moments[0])
        for child_key, by in ASSIGNED_BY.items():
            assign(
                self.staff[by],
                self.child_id(child_key),
                Assignment.Kind.LEAD_PROFESSIONAL,
                self.staff[LEAD].pk,
            )
            self.loader.step()
        for entry, moment in zip(ENTRIES[1:], entry_moments[1:], strict=True):
            self.loader._entry(entry, moment)
        # The plan names the team around each child; the team then contributes to one
        # wellbeing assessment (only the plan's circle may, API.md).
        for plan in PLANS:
            self._plan(plan, words)
        for assessment in ASSESSMENTS:
            self._assessment(assessment)
        for meeting in MEETINGS:
            self._meeting(meeting, meeting_on, words)
        return AfterFriday(ird_at=ird_at, meeting_on=meeting_on, cppm_due=cppm)

    def _irds(self, started_at: dt.datetime, words: dict[str, str]) -> None:
        agencies = [self.loader.agencies[a].pk for a in IRD_AGENCIES]
        for ird in IRDS:
            record_ird(
                self.staff[IRD_BY],
                self.child_id(ird.child),
                started_at=started_at,
                reason=ird.reason,
                participant_agency_ids=agencies,
                information_shared=ird.information_shared,
                decisions=ird.decisions.format(**words),
            )
            self.loader.step()

    def _part(self, child_key: str, part: Part) -> dict[str, Any]:
        entries = self.loader.entries
        return {
            "indicators": {
                code: {
                    "rating": rated.rating,
                    "notes": rated.notes,
                    "evidence_entry_ids": [entries[(k, child_key)].pk for k in rated.evidence],
                }
                for code, rated in part.indicators.items()
            },
            "my_world": dict(part.my_world),
            "resilience_matrix": [{"axis": axis, "factor": f} for axis, f in part.resilience],
            "five_questions": {str(n): a for n, a in enumerate(part.five_questions, start=1)},
        }

    def _assessment(self, data: AssessmentData) -> None:
        first, *others = data.parts
        made = start_assessment(
            self.staff[first.by], self.child_id(data.child), **self._part(data.child, first)
        )
        self.loader.step()
        for part in others:
            contribute(self.staff[part.by], made.pk, **self._part(data.child, part))
            self.loader.step()

    def _action(self, act: Act) -> dict[str, Any]:
        return {
            "description": act.description,
            "owner_id": self.staff[act.owner].pk,
            "due_on": self.day(act.due),
            "status": act.status,
        }

    def _plan(self, data: PlanData, words: dict[str, str]) -> None:
        save_plan(
            self.staff[data.by],
            self.child_id(data.child),
            version=0,
            lead_professional_id=self.staff[LEAD].pk,
            team_ids=[self.staff[u].pk for u in data.team],
            reason_for_plan=data.reason.format(**words),
            needs=[
                {
                    "indicators": list(need.indicators),
                    "description": need.description,
                    "outcome": need.outcome,
                    "evidence": need.evidence,
                    "actions": [self._action(a) for a in need.actions],
                }
                for need in data.needs
            ],
            child_views=data.child_views,
            family_views=data.family_views,
            review_date=self.day(data.review),
            contingency=data.contingency,
        )
        self.loader.step()

    def _meeting(self, data: MeetingData, held_on: dt.date, words: dict[str, str]) -> None:
        record_meeting(
            self.staff[data.by],
            self.child_id(data.child),
            held_on=held_on,
            attendee_ids=[self.staff[u].pk for u in data.attendees],
            invitee_ids=[self.staff[u].pk for u in data.invited],
            family_attended=data.family_attended,
            decisions=data.decisions.format(**words),
            minutes=data.minutes,
            actions=[
                {
                    "need_index": index,
                    "description": act.description,
                    "owner_id": self.staff[act.owner].pk,
                    "due_on": self.day(act.due),
                }
                for index, act in data.actions
            ],
        )
        self.loader.step()


def load(loader: _Loader) -> AfterFriday:
    """Load what happened after that Friday, through the services, into the loader's
    demo (which holds the Friday)."""
    return _Afterwards(loader).load()
