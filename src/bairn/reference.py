"""GIRFEC reference data, with its official wording (practice-model.md, DOMAIN.md).

One module, used by models, API schemas, forms and documents alike. The codes are the
API's enumerations; the labels and meanings are what people read.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


class Indicator(models.TextChoices):
    """The wellbeing indicators (SHANARRI), Children and Young People (Scotland) Act 2014."""

    SAFE = "safe", "Safe"
    HEALTHY = "healthy", "Healthy"
    ACHIEVING = "achieving", "Achieving"
    NURTURED = "nurtured", "Nurtured"
    ACTIVE = "active", "Active"
    RESPECTED = "respected", "Respected"
    RESPONSIBLE = "responsible", "Responsible"
    INCLUDED = "included", "Included"


INDICATOR_MEANINGS: dict[str, str] = {
    Indicator.SAFE: (
        "Protected from abuse, neglect or harm at home, at school and in the community."
    ),
    Indicator.HEALTHY: (
        "Having the highest attainable standards of physical and mental health, access to "
        "suitable healthcare, and support in learning to make healthy, safe choices."
    ),
    Indicator.ACHIEVING: (
        "Being supported and guided in learning and in the development of skills, confidence "
        "and self-esteem, at home, in school and in the community."
    ),
    Indicator.NURTURED: (
        "Having a nurturing place to live in a family setting, with additional help if "
        "needed, or, where this is not possible, in a suitable care setting."
    ),
    Indicator.ACTIVE: (
        "Having opportunities to take part in activities such as play, recreation and sport, "
        "which contribute to healthy growth and development, at home, in school and in the "
        "community."
    ),
    Indicator.RESPECTED: (
        "Having the opportunity, along with carers, to be heard and involved in decisions "
        "that affect them."
    ),
    Indicator.RESPONSIBLE: (
        "Having opportunities and encouragement to play active and responsible roles at "
        "home, in school and in the community, and where necessary, having appropriate "
        "guidance and supervision, and being involved in decisions that affect them."
    ),
    Indicator.INCLUDED: (
        "Having help to overcome social, educational, physical and economic inequalities, "
        "and being accepted as part of the community in which they live and learn."
    ),
}


class Significance(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    CHILD_PROTECTION = "child_protection", "Child protection"


SIGNIFICANCE_RANK: dict[str, int] = {
    Significance.LOW: 0,
    Significance.MEDIUM: 1,
    Significance.HIGH: 2,
    Significance.CHILD_PROTECTION: 3,
}


class Impact(models.TextChoices):
    POSITIVE = "positive", "Positive"
    NEUTRAL = "neutral", "Neutral"
    NEGATIVE = "negative", "Negative"


class Source(models.TextChoices):
    OBSERVATION = "observation", "Observation"
    CHILD_DISCLOSURE = "child_disclosure", "Disclosure by the child"
    PARENT_OR_CARER = "parent_or_carer", "Parent or carer"
    THIRD_PARTY = "third_party", "Third party"
    OTHER_AGENCY = "other_agency", "Another agency"


class AgencyKind(models.TextChoices):
    EDUCATION = "education", "Education"
    HEALTH = "health", "Health"
    POLICE = "police", "Police"
    SOCIAL_WORK = "social_work", "Social work"
    HOUSING = "housing", "Housing"
    THIRD_SECTOR = "third_sector", "Third sector"
    OTHER = "other", "Other"


class Role(models.TextChoices):
    PRACTITIONER = "practitioner", "Practitioner"
    NAMED_PERSON = "named_person", "Named Person"
    LEAD_PROFESSIONAL = "lead_professional", "Lead Professional"
    SENIOR = "senior", "Senior (team manager or child protection lead)"
    INFORMATION_GOVERNANCE = "information_governance", "Information governance"
    ADMIN = "admin", "Administrator"


# Roles that work with children's records. `admin` alone never reads them (DOMAIN §1).
PRACTICE_ROLES: frozenset[str] = frozenset(
    {
        Role.PRACTITIONER,
        Role.NAMED_PERSON,
        Role.LEAD_PROFESSIONAL,
        Role.SENIOR,
        Role.INFORMATION_GOVERNANCE,
    }
)


class Purpose(models.TextChoices):
    WELLBEING_SUPPORT = "wellbeing_support", "Wellbeing support"
    PLAN_COORDINATION = "plan_coordination", "Child's Plan co-ordination"
    CHILD_PROTECTION = "child_protection", "Child protection"


class Category(models.TextChoices):
    CORE = "core", "Core record (identity and contact)"
    HOUSEHOLD = "household", "Household (people and relationships)"
    CHRONOLOGY = "chronology", "Chronology (concerns)"
    ASSESSMENT = "assessment", "Wellbeing assessment"
    PLAN = "plan", "Child's Plan"


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    INDETERMINATE = "indeterminate", "Indeterminate"
    NOT_KNOWN = "not_known", "Not known"


class Relationship(models.TextChoices):
    MOTHER = "mother", "Mother"
    FATHER = "father", "Father"
    PARENT = "parent", "Parent"
    STEP_PARENT = "step_parent", "Step-parent"
    PARTNER_OF_PARENT = "partner_of_parent", "Partner of a parent"
    SIBLING = "sibling", "Sibling"
    HALF_SIBLING = "half_sibling", "Half-sibling"
    GRANDPARENT = "grandparent", "Grandparent"
    AUNT_OR_UNCLE = "aunt_or_uncle", "Aunt or uncle"
    OTHER_RELATIVE = "other_relative", "Other relative"
    FAMILY_FRIEND = "family_friend", "Family friend"
    KINSHIP_CARER = "kinship_carer", "Kinship carer"
    FOSTER_CARER = "foster_carer", "Foster carer"
    CARER = "carer", "Carer"
    OTHER = "other", "Other"


class LawfulBasis(models.TextChoices):
    """UK GDPR Article 6."""

    PUBLIC_TASK = "public_task", "Public task (Article 6(1)(e))"
    LEGAL_OBLIGATION = "legal_obligation", "Legal obligation (Article 6(1)(c))"
    VITAL_INTERESTS = "vital_interests", "Vital interests (Article 6(1)(d))"
    CONSENT = "consent", "Consent (Article 6(1)(a))"
    LEGITIMATE_INTERESTS = "legitimate_interests", "Legitimate interests (Article 6(1)(f))"
    CONTRACT = "contract", "Contract (Article 6(1)(b))"


class SpecialCategoryCondition(models.TextChoices):
    """UK GDPR Article 9 with the Data Protection Act 2018 Schedule 1 condition."""

    SUBSTANTIAL_PUBLIC_INTEREST = (
        "substantial_public_interest",
        "Substantial public interest (Article 9(2)(g)); DPA 2018 Schedule 1 paragraph 18, "
        "safeguarding of children and of individuals at risk",
    )
    HEALTH_SOCIAL_CARE = (
        "health_social_care",
        "Health or social care (Article 9(2)(h)); DPA 2018 Schedule 1 paragraph 2",
    )
    EXPLICIT_CONSENT = "explicit_consent", "Explicit consent (Article 9(2)(a))"
    VITAL_INTERESTS = "vital_interests", "Vital interests (Article 9(2)(c))"


@dataclass(frozen=True)
class MyWorldArea:
    code: str
    side: str
    label: str


MY_WORLD_SIDES: dict[str, str] = {
    "grow": "How I grow and develop",
    "care": "What I need from people who look after me",
    "world": "My wider world",
}

MY_WORLD_AREAS: tuple[MyWorldArea, ...] = (
    MyWorldArea("being_healthy", "grow", "Being healthy"),
    MyWorldArea("learning_and_achieving", "grow", "Learning and achieving"),
    MyWorldArea("being_able_to_communicate", "grow", "Being able to communicate"),
    MyWorldArea("confidence_in_who_i_am", "grow", "Confidence in who I am"),
    MyWorldArea("learning_to_be_responsible", "grow", "Learning to be responsible"),
    MyWorldArea("becoming_independent", "grow", "Becoming independent, looking after myself"),
    MyWorldArea("enjoying_family_and_friends", "grow", "Enjoying family and friends"),
    MyWorldArea("everyday_care_and_help", "care", "Everyday care and help"),
    MyWorldArea("keeping_me_safe", "care", "Keeping me safe"),
    MyWorldArea("being_there_for_me", "care", "Being there for me"),
    MyWorldArea("play_encouragement_and_fun", "care", "Play, encouragement and fun"),
    MyWorldArea("guidance", "care", "Guidance, supporting me to make the right choices"),
    MyWorldArea("knowing_what_will_happen", "care", "Knowing what is going to happen and when"),
    MyWorldArea(
        "understanding_my_background",
        "care",
        "Understanding my family's background and beliefs",
    ),
    MyWorldArea(
        "support_from_family_and_friends",
        "world",
        "Support from family, friends and other people",
    ),
    MyWorldArea("school", "world", "School"),
    MyWorldArea("enough_money", "world", "Enough money"),
    MyWorldArea("local_resources", "world", "Local resources"),
    MyWorldArea("comfortable_and_safe_housing", "world", "Comfortable and safe housing"),
    MyWorldArea("work_opportunities_for_my_family", "world", "Work opportunities for my family"),
    MyWorldArea("belonging", "world", "Belonging"),
)

FIVE_QUESTIONS: dict[str, str] = {
    "1": "What is getting in the way of this child or young person's wellbeing?",
    "2": "Do I have all the information I need to help this child or young person?",
    "3": "What can I do now that is needed and appropriate to help this child or young person?",
    "4": "What can my agency or organisation do now to help this child or young person?",
    "5": "What additional help, if any, may be needed from others?",
}


def unknown_codes(values: object, choices: type[models.TextChoices]) -> list[str]:
    """The values that are not codes of `choices` (services check what schemas check, so
    that every caller gets the same answer)."""
    items = [values] if isinstance(values, str) else list(values or [])  # type: ignore[call-overload]
    return [str(v) for v in items if str(v) not in choices.values]


def indicator_label(code: str) -> str:
    return str(Indicator(code).label)


# The My World Triangle's area codes as an enumeration, for schemas and the OpenAPI document.
MyWorldCode = models.TextChoices(  # type: ignore[call-overload]
    "MyWorldCode", [(a.code.upper(), (a.code, a.label)) for a in MY_WORLD_AREAS]
)
