"""The actions the policy decides (`Action`), and the other things the audit records
(`AuditAction`): signing in, tokens, involvements and the like, which no rule decides but
the audit names. Both are stored as their string values."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["AUDITED_READS", "Action", "AuditAction"]


class Action(StrEnum):
    AGENCY_CREATE = "agency.create"
    AGENCY_LIST = "agency.list"
    PRACTITIONER_CREATE = "practitioner.create"
    PRACTITIONER_LIST = "practitioner.list"
    SELF = "self"
    CHILD_CREATE = "child.create"
    CHILD_LIST = "child.list"
    CHILD_MATCH = "child.match"
    CHILD_READ = "child.read"
    PEOPLE_READ = "people.read"
    PEOPLE_ADD = "people.add"
    PEOPLE_CHANGE = "people.change"
    TEAM_READ = "team.read"
    TEAM_CHANGE = "team.change"
    NAMED_PERSON_ASSIGN = "named_person.assign"
    LEAD_PROFESSIONAL_ASSIGN = "lead_professional.assign"
    NAMED_PERSON_OFFER = "named_person.offer"
    BREAK_GLASS = "involvement.break_glass"
    CONCERN_CREATE = "concern.create"
    CONCERN_READ = "concern.read"
    CONCERN_AMEND = "concern.amend"
    CHRONOLOGY_READ = "chronology.read"
    NOTIFICATIONS_READ = "notification.read"
    AUDIT_READ = "audit.read"
    ISP_CREATE = "isp.create"
    ISP_APPROVE = "isp.approve"
    ISP_SUSPEND = "isp.status"
    ISP_READ = "isp.read"
    CONSENT_RECORD = "consent.record"
    CONSENT_WITHDRAW = "consent.withdraw"
    CONSENT_READ = "consent.read"
    VIEWS_RECORD = "views.record"
    SHARING_CHECK = "sharing.check"
    DISCLOSE = "disclosure.create"
    DISCLOSURE_READ = "disclosure.read"
    SHARE_REQUEST_CREATE = "share_request.create"
    SHARE_REQUEST_LIST = "share_request.list"
    SHARE_REQUEST_DECIDE = "share_request.decide"
    SHARE_REQUEST_READ = "share_request.read"
    AUTHORISATION_LIST = "authorisation.list"
    AUTHORISATION_DECIDE = "authorisation.decide"
    TRANSPARENCY_READ = "transparency.read"
    REVIEW = "review"
    ASSESSMENT_WRITE = "assessment.write"
    ASSESSMENT_READ = "assessment.read"
    PLAN_READ = "plan.read"
    PLAN_WRITE = "plan.write"
    MEETING_RECORD = "meeting.record"
    IRD_RECORD = "ird.record"
    IRD_READ = "ird.read"
    REGISTER_WRITE = "register.write"
    REGISTER_READ = "register.read"


# Reads of a child's data are audited when allowed, not only when refused (DOMAIN §2).
AUDITED_READS = frozenset(
    {
        Action.CHILD_READ,
        Action.CHILD_LIST,
        Action.PEOPLE_READ,
        Action.TEAM_READ,
        Action.CONCERN_READ,
        Action.CHRONOLOGY_READ,
        Action.AUDIT_READ,
        Action.SHARE_REQUEST_READ,
        Action.CONSENT_READ,
        Action.DISCLOSURE_READ,
        Action.TRANSPARENCY_READ,
        Action.ASSESSMENT_READ,
        Action.PLAN_READ,
        Action.IRD_READ,
        Action.REGISTER_READ,
    }
)


class AuditAction(StrEnum):
    """Audit events written by the services themselves, not by `authorize()`."""

    AUTH_SIGN_IN = "auth.sign_in"
    AUTH_SIGN_OUT = "auth.sign_out"
    AUTH_TWO_FACTOR = "auth.two_factor"
    AUTH_TWO_FACTOR_SETUP = "auth.two_factor_setup"
    AUTH_TWO_FACTOR_REMOVED = "auth.two_factor_removed"
    AUTH_STEP_UP = "auth.step_up"
    AUTH_TOKEN = "auth.token"
    AUTH_DEMO_CODE = "auth.demo_code"
    TOKEN_CREATE = "token.create"
    TOKEN_REVOKE = "token.revoke"
    TOKEN_REVOKE_ALL = "token.revoke_all"
    PRACTITIONER_SETUP_LINK = "practitioner.setup_link"
    INVOLVEMENT_ADD = "involvement.add"
    INVOLVEMENT_END = "involvement.end"
    AUTHORISATION_REQUEST = "authorisation.request"
    DISCLOSURE_FAMILY_INFORMED = "disclosure.family_informed"
    AUDIT_COSIGN = "audit.cosign"
    AUDIT_WITNESS_ADD = "audit.witness_add"
