"""The Information Sharing Protocols of the demo's council area (DOMAIN §2, §4.4).

The protocols a real Scottish area would have between the agencies of the case study:
education and health, education and social work, a child protection protocol between
police, social work, health and education, and a consent-based one with the third-sector
family support project — each drafted by one party's information governance lead and
approved by every party's, so active. One more, with housing, is still a draft.

Agencies are named by the keys of `casestudy.AGENCIES`; everyone here is fictional.
"""

from __future__ import annotations

from dataclasses import dataclass

from bairn.reference import Category, LawfulBasis, Purpose, SpecialCategoryCondition

WELLBEING, PLAN, PROTECTION = (
    Purpose.WELLBEING_SUPPORT.value,
    Purpose.PLAN_COORDINATION.value,
    Purpose.CHILD_PROTECTION.value,
)
CORE, HOUSEHOLD, CHRONOLOGY, ASSESSMENT, CHILDS_PLAN = (
    Category.CORE.value,
    Category.HOUSEHOLD.value,
    Category.CHRONOLOGY.value,
    Category.ASSESSMENT.value,
    Category.PLAN.value,
)
ALL_CATEGORIES = (CORE, HOUSEHOLD, CHRONOLOGY, ASSESSMENT, CHILDS_PLAN)


@dataclass(frozen=True)
class KeyPostHolders:
    data_protection_officer: str
    senior_information_risk_owner: str


# One data protection officer per data controller: the council's school, social work and
# housing services share the council's; each service has its own senior information risk
# owner.
COUNCIL_DPO = "Elaine Crawford, Data Protection Officer, Glenbrae Council"
KEY_POST_HOLDERS: dict[str, KeyPostHolders] = {
    "school": KeyPostHolders(
        COUNCIL_DPO, "Neil Forsyth, Chief Education Officer (SIRO, Education Services)"
    ),
    "health": KeyPostHolders(
        "Ruth Abernethy, Data Protection Officer, NHS Glenbrae",
        "Dr Kenneth Lyall, Director of Public Health (SIRO, NHS Glenbrae)",
    ),
    "police": KeyPostHolders(
        "Gillian Frew, Data Protection Officer, Police Scotland",
        "Assistant Chief Constable Moira Dickson (SIRO, Police Scotland)",
    ),
    "social_work": KeyPostHolders(
        COUNCIL_DPO, "Paul Brennan, Chief Social Work Officer (SIRO, Social Work Services)"
    ),
    "support": KeyPostHolders(
        "Derek Paton, Project Manager and Data Protection Lead",
        "Yvonne Baird, Chair of the Board of Trustees (SIRO)",
    ),
    "housing": KeyPostHolders(
        COUNCIL_DPO, "Alan Gourlay, Head of Housing Services (SIRO, Housing Services)"
    ),
}

SECURITY = (
    "Shared only through Bairn: no copies by e-mail, on paper or on removable media. "
    "Information received is seen only by practitioners of the recipient who are involved "
    "with the child, and every read and disclosure is audited. Encrypted in transit and at "
    "rest. Held no longer than the retention period, then no longer visible to the "
    "recipient. A suspected breach is reported to the disclosing party's data protection "
    "officer within 24 hours. Staff who use it have completed data protection and child "
    "protection training in the last two years."
)


@dataclass(frozen=True)
class IspData:
    key: str
    title: str
    drafted_by: str  # the username of a party's information governance lead
    parties: tuple[str, ...]  # agency keys
    purposes: tuple[str, ...]
    categories: tuple[str, ...]
    lawful_basis: str
    special_category_condition: str
    consent_required: bool
    onward_sharing: bool
    retention_days: int
    review_in_days: int  # the review date, counted from that Friday
    security_conditions: str
    privacy_impact_assessment: str
    # Agency keys whose information governance lead has approved; None: every party.
    approved_by: tuple[str, ...] | None = None


ISPS: tuple[IspData, ...] = (
    IspData(
        key="education_health",
        title="Glenbrae education and health: wellbeing support for children and young people",
        drafted_by="ig.health",
        parties=("school", "health"),
        purposes=(WELLBEING, PLAN),
        categories=ALL_CATEGORIES,
        lawful_basis=LawfulBasis.PUBLIC_TASK.value,
        special_category_condition=SpecialCategoryCondition.SUBSTANTIAL_PUBLIC_INTEREST.value,
        consent_required=False,
        onward_sharing=False,
        retention_days=730,
        review_in_days=720,
        security_conditions=SECURITY,
        privacy_impact_assessment=(
            "DPIA agreed by both data protection officers. Data: core record, household, "
            "chronology entries, assessments and plans of children known to a health "
            "visitor, a school nurse or a school, including health data and ethnicity and "
            "religion (special category). Risks: sharing more than a Named Person needs; "
            "families not knowing what was shared; inaccurate entries travelling. "
            "Mitigations: entry-by-entry choice with a recorded reason for each disclosure; "
            "the family told of each disclosure unless that would put the child at risk; "
            "corrections follow what was shared; transparency report on request. Residual "
            "risk: low."
        ),
    ),
    IspData(
        key="education_social_work",
        title="Glenbrae education and social work: wellbeing support and Child's Plans",
        drafted_by="ig.socialwork",
        parties=("school", "social_work"),
        purposes=(WELLBEING, PLAN),
        categories=ALL_CATEGORIES,
        lawful_basis=LawfulBasis.PUBLIC_TASK.value,
        special_category_condition=SpecialCategoryCondition.SUBSTANTIAL_PUBLIC_INTEREST.value,
        consent_required=False,
        onward_sharing=False,
        retention_days=730,
        review_in_days=660,
        security_conditions=SECURITY,
        privacy_impact_assessment=(
            "DPIA agreed by the council's data protection officer for both services (one "
            "data controller, two services, each accountable for its own records). Risks: "
            "social work involvement becoming known in school beyond those who need it; "
            "stigma for the family. Mitigations: only the Named Person, the Lead "
            "Professional and the child's team see what is shared; each disclosure has a "
            "recorded reason; the family is told. Residual risk: low."
        ),
    ),
    IspData(
        key="child_protection",
        title="Glenbrae child protection: police, social work, health and education",
        drafted_by="ig.police",
        parties=("police", "social_work", "health", "school"),
        purposes=(PROTECTION,),
        categories=ALL_CATEGORIES,
        lawful_basis=LawfulBasis.PUBLIC_TASK.value,
        special_category_condition=SpecialCategoryCondition.SUBSTANTIAL_PUBLIC_INTEREST.value,
        consent_required=False,
        # The partners of an inter-agency referral discussion pass on what they received.
        onward_sharing=True,
        retention_days=1825,
        review_in_days=540,
        security_conditions=(
            SECURITY + " Information from police intelligence is released only by a senior "
            "police officer and is not passed on without the agreement of Police Scotland."
        ),
        privacy_impact_assessment=(
            "DPIA agreed by the four data protection officers, following the National "
            "Guidance for Child Protection in Scotland. Data: everything a partner holds "
            "that bears on a risk of significant harm to a child, shared without the "
            "family's agreement where seeking it would put the child at risk. Risks: "
            "sharing on suspicion alone; police intelligence about adults reaching people "
            "who do not need it. Mitigations: a senior of the disclosing agency authorises "
            "each disclosure with a written justification; each is reviewed by the "
            "disclosing agency's information governance; onward sharing only between the "
            "partners of an inter-agency referral discussion. Residual risk: medium, "
            "accepted as necessary to protect children."
        ),
    ),
    IspData(
        key="family_support",
        title="Braeside Family Support Project with education and social work (with consent)",
        drafted_by="ig.support",
        parties=("support", "school", "social_work"),
        purposes=(WELLBEING,),
        categories=(CORE, HOUSEHOLD, CHRONOLOGY),
        lawful_basis=LawfulBasis.CONSENT.value,
        special_category_condition=SpecialCategoryCondition.EXPLICIT_CONSENT.value,
        consent_required=True,
        onward_sharing=False,
        retention_days=365,
        review_in_days=600,
        security_conditions=SECURITY,
        privacy_impact_assessment=(
            "DPIA agreed by the project's data protection lead and the council's data "
            "protection officer. The project's support is optional, so families have a "
            "genuine choice: consent is the basis, recorded for each child with the "
            "recipients and categories, and can be withdrawn at any time, which stops "
            "further sharing at once. Risks: families feeling they must agree to get help; "
            "consent going stale. Mitigations: the support is offered whatever the family "
            "decides; consent lasts a year and is reviewed with the family; a child "
            "protection concern is shared under the child protection procedures, not "
            "this protocol. Residual risk: low."
        ),
    ),
    IspData(
        key="housing",
        title="Glenbrae housing and social work: keeping families with children in their homes",
        drafted_by="ig.housing",
        parties=("housing", "social_work"),
        purposes=(WELLBEING,),
        categories=(CORE, HOUSEHOLD),
        lawful_basis=LawfulBasis.PUBLIC_TASK.value,
        special_category_condition="",
        consent_required=False,
        onward_sharing=False,
        retention_days=365,
        review_in_days=730,
        security_conditions=SECURITY,
        privacy_impact_assessment=(
            "Draft DPIA: rent arrears and tenancy risks of households with children, "
            "shared so that social work can offer help before an eviction. Awaiting the "
            "comments of Social Work Services on which household details are needed."
        ),
        # Housing has approved its own draft; social work has not yet.
        approved_by=("housing",),
    ),
)
