"""The audit in plain words (DOMAIN §4.7): each event as a sentence an information
governance lead reads — "Elaine Ross read the record of Leeann Cairns" — with who did it
by name, role and agency, when in UK time, allowed or refused, and the reason in words.
The governance audit viewer and its CSV export show these rows.

Every action the audit can hold has a phrase here (tests/test_audit_wording.py fails on
one without), so that a new action cannot be added without words for it.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from bairn.access.actions import Action, AuditAction
from bairn.agencies.models import Agency, Involvement, Practitioner
from bairn.audit.models import AuditEvent
from bairn.reference import Category, LawfulBasis, Purpose, Role

__all__ = [
    "PHRASES",
    "UNKNOWN_ACTOR",
    "AuditRow",
    "Phrase",
    "action_words",
    "phrase_for",
    "purpose_words",
    "reason_words",
    "rows",
    "uk_time",
]

UNKNOWN_ACTOR = "someone no longer registered"


@dataclass(frozen=True)
class Phrase:
    """What someone did, allowed and refused. With `about` the child follows the phrase
    ("read the record of" Leeann Cairns); without, the phrase is whole. `{someone}` is
    the practitioner the event names as its object (`practitioner:<id>`), by name."""

    done: str
    refused: str
    about: bool = True


def _p(done: str, refused: str, about: bool = True) -> Phrase:
    return Phrase(done, refused, about)


PHRASES: dict[str, Phrase] = {
    # Agencies, practitioners and oneself.
    Action.AGENCY_CREATE: _p("added an agency", "was refused adding an agency", False),
    Action.AGENCY_LIST: _p("listed the agencies", "was refused the list of agencies", False),
    Action.PRACTITIONER_CREATE: _p("added {someone}", "was refused adding a practitioner", False),
    Action.PRACTITIONER_LIST: _p(
        "listed the practitioners", "was refused the list of practitioners", False
    ),
    Action.SELF: _p("read their own account", "was refused their own account", False),
    # Children.
    Action.CHILD_CREATE: _p("created the record of", "was refused creating the record of"),
    Action.CHILD_LIST: _p(
        "listed the children they work with", "was refused the list of their children", False
    ),
    Action.CHILD_MATCH: _p("searched for a child", "was refused a search for a child", False),
    Action.CHILD_READ: _p("read the record of", "was refused the record of"),
    Action.PEOPLE_READ: _p("read the people around", "was refused the people around"),
    Action.PEOPLE_ADD: _p(
        "added someone to the people around", "was refused adding someone to the people around"
    ),
    Action.PEOPLE_CHANGE: _p(
        "changed someone among the people around", "was refused changing the people around"
    ),
    Action.TEAM_READ: _p("read the team around", "was refused the team around"),
    Action.TEAM_CHANGE: _p("changed the team around", "was refused changing the team around"),
    Action.NAMED_PERSON_ASSIGN: _p(
        "assigned the Named Person of", "was refused assigning the Named Person of"
    ),
    Action.LEAD_PROFESSIONAL_ASSIGN: _p(
        "assigned the Lead Professional of", "was refused assigning the Lead Professional of"
    ),
    Action.NAMED_PERSON_OFFER: _p(
        "recorded the family's answer to the Named Person offer for",
        "was refused recording the family's answer to the Named Person offer for",
    ),
    Action.BREAK_GLASS: _p(
        "used emergency access (break glass) to open the record of",
        "was refused emergency access (break glass) to the record of",
    ),
    # Concerns and the chronology.
    Action.CONCERN_CREATE: _p("recorded a concern about", "was refused recording a concern about"),
    Action.CONCERN_READ: _p("read a concern about", "was refused a concern about"),
    Action.CONCERN_AMEND: _p("amended a concern about", "was refused amending a concern about"),
    Action.CHRONOLOGY_READ: _p("read the chronology of", "was refused the chronology of"),
    Action.NOTIFICATIONS_READ: _p(
        "read their notifications", "was refused their notifications", False
    ),
    # Information governance.
    Action.AUDIT_READ: _p("read the audit", "was refused the audit", False),
    Action.REVIEW: _p("reviewed", "was refused reviewing", False),
    Action.TRANSPARENCY_READ: _p(
        "read the transparency report of", "was refused the transparency report of"
    ),
    # Sharing.
    Action.ISP_CREATE: _p(
        "drafted an Information Sharing Protocol",
        "was refused drafting an Information Sharing Protocol",
        False,
    ),
    Action.ISP_APPROVE: _p(
        "approved an Information Sharing Protocol",
        "was refused approving an Information Sharing Protocol",
        False,
    ),
    Action.ISP_SUSPEND: _p(
        "changed the status of an Information Sharing Protocol",
        "was refused changing the status of an Information Sharing Protocol",
        False,
    ),
    Action.ISP_READ: _p(
        "read an Information Sharing Protocol",
        "was refused an Information Sharing Protocol",
        False,
    ),
    Action.CONSENT_RECORD: _p("recorded consent about", "was refused recording consent about"),
    Action.CONSENT_WITHDRAW: _p(
        "recorded that consent was withdrawn about",
        "was refused recording a withdrawal of consent about",
    ),
    Action.CONSENT_READ: _p("read the consents about", "was refused the consents about"),
    Action.VIEWS_RECORD: _p(
        "recorded the views of the child or family of",
        "was refused recording the views of the child or family of",
    ),
    Action.SHARING_CHECK: _p(
        "checked whether they may share about",
        "was refused a check of sharing about",
    ),
    Action.DISCLOSE: _p("shared information about", "was refused sharing information about"),
    Action.DISCLOSURE_READ: _p("read what was shared about", "was refused what was shared about"),
    Action.SHARE_REQUEST_CREATE: _p(
        "asked another agency for information about",
        "was refused asking another agency for information about",
    ),
    Action.SHARE_REQUEST_LIST: _p(
        "listed share requests", "was refused the list of share requests", False
    ),
    Action.SHARE_REQUEST_DECIDE: _p(
        "decided a request for information about",
        "was refused deciding a request for information about",
    ),
    Action.SHARE_REQUEST_READ: _p(
        "read a request for information about", "was refused a request for information about"
    ),
    Action.AUTHORISATION_LIST: _p(
        "listed the shares waiting for authorisation",
        "was refused the shares waiting for authorisation",
        False,
    ),
    Action.AUTHORISATION_DECIDE: _p(
        "decided whether to authorise sharing about",
        "was refused deciding whether to authorise sharing about",
    ),
    # Planning.
    Action.ASSESSMENT_WRITE: _p(
        "wrote in a wellbeing assessment of", "was refused writing in a wellbeing assessment of"
    ),
    Action.ASSESSMENT_READ: _p(
        "read the wellbeing assessments of", "was refused the wellbeing assessments of"
    ),
    Action.PLAN_READ: _p("read the Child's Plan of", "was refused the Child's Plan of"),
    Action.PLAN_WRITE: _p("saved the Child's Plan of", "was refused saving the Child's Plan of"),
    Action.MEETING_RECORD: _p("recorded a meeting about", "was refused recording a meeting about"),
    Action.IRD_RECORD: _p(
        "recorded an inter-agency referral discussion about",
        "was refused recording an inter-agency referral discussion about",
    ),
    Action.IRD_READ: _p(
        "read the child protection record of", "was refused the child protection record of"
    ),
    Action.REGISTER_WRITE: _p(
        "changed the child protection register entry of",
        "was refused changing the child protection register entry of",
    ),
    Action.REGISTER_READ: _p(
        "read the child protection register entry of",
        "was refused the child protection register entry of",
    ),
    # What the services record themselves.
    AuditAction.AUTH_SIGN_IN: _p("signed in", "was refused signing in", False),
    AuditAction.AUTH_SIGN_OUT: _p("signed out", "was refused signing out", False),
    AuditAction.AUTH_TWO_FACTOR: _p(
        "entered a code from their authenticator app",
        "entered a wrong code from their authenticator app",
        False,
    ),
    AuditAction.AUTH_TWO_FACTOR_SETUP: _p(
        "linked an authenticator app", "was refused linking an authenticator app", False
    ),
    AuditAction.AUTH_TWO_FACTOR_REMOVED: _p(
        "had their authenticator app removed",
        "was refused removing an authenticator app",
        False,
    ),
    AuditAction.AUTH_STEP_UP: _p(
        "confirmed who they are again",
        "failed to confirm who they are again",
        False,
    ),
    AuditAction.AUTH_TOKEN: _p("used an API token", "was refused with an API token", False),
    AuditAction.AUTH_DEMO_CODE: _p(
        "was given a demonstration sign-in code",
        "was refused a demonstration sign-in code",
        False,
    ),
    AuditAction.TOKEN_CREATE: _p("made an API token", "was refused making an API token", False),
    AuditAction.TOKEN_REVOKE: _p(
        "revoked an API token", "was refused revoking an API token", False
    ),
    AuditAction.TOKEN_REVOKE_ALL: _p(
        "revoked all their API tokens", "was refused revoking their API tokens", False
    ),
    AuditAction.PRACTITIONER_SETUP_LINK: _p(
        "made a set-up link for {someone}",
        "was refused a set-up link for a practitioner",
        False,
    ),
    AuditAction.INVOLVEMENT_ADD: _p(
        "made {someone} involved with", "was refused making {someone} involved with"
    ),
    AuditAction.INVOLVEMENT_END: _p(
        "ended the involvement of {someone} with",
        "was refused ending the involvement of {someone} with",
    ),
    AuditAction.AUTHORISATION_REQUEST: _p(
        "asked a senior to authorise sharing about",
        "was refused asking a senior to authorise sharing about",
    ),
    AuditAction.DISCLOSURE_FAMILY_INFORMED: _p(
        "recorded whether the family was told of a share about",
        "was refused recording whether the family was told of a share about",
    ),
    # The transparency log's own acts (issue 10).
    "audit.cosign": _p(
        "co-signed the audit log as a witness",
        "was refused co-signing the audit log",
        False,
    ),
    "audit.witness_add": _p(
        "registered a witness of the audit log",
        "was refused registering a witness of the audit log",
        False,
    ),
}


def phrase_for(action: str) -> Phrase:
    """The action's phrase; an action the audit holds from before its words were written
    is named by its code in words ("plan write"), never left out."""
    found = PHRASES.get(action)
    if found is not None:
        return found
    words = action.replace(".", " ").replace("_", " ")
    return Phrase(f"did “{words}” to", f"was refused “{words}” on")


def action_words(action: str) -> str:
    """The action as a filter names it: "Read the record of", "Made a practitioner
    involved with"."""
    text = phrase_for(action).done.replace("{someone}", "a practitioner")
    return text[:1].upper() + text[1:]


# --- purposes and reasons in words ------------------------------------------------------

# Codes the policy's reasons name, in the words the app's labels use (the involvement
# bases of bairn.agencies.models.Involvement.Basis, the roles, purposes and categories of
# bairn.reference). Proper names keep their capitals mid-sentence.
_PROPER = ("Named Person", "Lead Professional", "Child's Plan", "Senior")


def _in_sentence(label: str) -> str:
    if label.startswith(_PROPER) or not label:
        return label
    return label[0].lower() + label[1:]


CODE_WORDS: dict[str, str] = {
    **{str(v): _in_sentence(str(label)) for v, label in Category.choices},
    **{str(v): _in_sentence(str(label)) for v, label in LawfulBasis.choices},
    **{str(v): _in_sentence(str(label)) for v, label in Purpose.choices},
    **{str(v): _in_sentence(str(label)) for v, label in Role.choices},
    **{str(v): _in_sentence(str(label)) for v, label in Involvement.Basis.choices},
}

_CODE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")


def purpose_words(purpose: str) -> str:
    """A purpose as the sharing pages name it ("Child's Plan co-ordination")."""
    if not purpose:
        return ""
    labels = dict(Purpose.choices)
    return str(labels.get(purpose, purpose.replace("_", " ")))


def reason_words(reason: str) -> str:
    """The policy's reason with every code in words: "involved with this child as
    created_record, named_person" reads "involved with this child as created the record,
    Named Person"."""
    if not reason:
        return ""
    text = _CODE.sub(lambda m: CODE_WORDS.get(m.group(0), m.group(0).replace("_", " ")), reason)
    if text in CODE_WORDS.values():  # a reason that is a code alone (an involvement's basis)
        return text[0].upper() + text[1:]
    return text


def uk_time(at: dt.datetime) -> str:
    """A moment in UK time as people write it: "2 December 2026, 09:14"."""
    local = timezone.localtime(at)
    return f"{local.day} {local:%B %Y, %H:%M}"


# --- the rows -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditRow:
    """One event as the audit viewer and its CSV export show it."""

    event: AuditEvent
    who: str
    role: str
    agency: str
    what: str  # the phrase alone, allowed or refused
    sentence: str
    child: uuid.UUID | None
    child_name: str  # only where the viewer's agency may know the child
    child_visible: bool  # the viewer may open the child's record
    when: str
    refused: bool
    outcome: str
    purpose: str
    reason: str
    flag: str


FLAG_LABELS = {
    str(Action.BREAK_GLASS): "Break glass",
    str(Action.DISCLOSE): "Child protection override",
    str(Action.SHARING_CHECK): "Child protection override",
}


PRACTITIONER = "practitioner:"


def _uuid(value: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _roles(practitioner: Practitioner) -> str:
    labels = dict(Role.choices)
    names = sorted(g.name for g in practitioner.groups.all())
    return ", ".join(str(labels.get(n, n)) for n in names)


def _children_known(agency_id: uuid.UUID | None, refs: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    """The names of those of these children the agency knows — someone in it is or was
    involved, or it recorded about them (bairn.access.rules.facts.agency_knows_child) —
    in three queries whatever their number."""
    from bairn.chronology.models import Concern
    from bairn.people.models import Child

    if agency_id is None or not refs:
        return {}
    known = set(
        Involvement.objects.filter(
            child_ref__in=list(refs), practitioner__agency_id=agency_id
        ).values_list("child_ref", flat=True)
    ) | set(
        Concern.objects.filter(child_ref__in=list(refs), agency_id=agency_id).values_list(
            "child_ref", flat=True
        )
    )
    if not known:
        return {}
    return {
        c.pk: f"{c.given_name} {c.family_name}".strip()
        for c in Child.objects.filter(pk__in=list(known)).only("given_name", "family_name")
    }


def rows(
    viewer: Practitioner, events: Iterable[AuditEvent], *, visible: set[uuid.UUID]
) -> list[AuditRow]:
    """The events as sentences, for `viewer`: who by name, role and agency (resolved in
    bulk; "someone no longer registered" for an actor Bairn no longer holds), the
    child by name only where the viewer's agency may know them (otherwise by reference),
    `visible` the children whose record the viewer may open (the policy's filter, which
    the caller asks)."""
    found = list(events)
    actor_ids = {a for e in found if (a := _uuid(e.actor_id)) is not None}
    agency_ids = {a for e in found if (a := _uuid(e.agency_id)) is not None}
    agencies = {str(a.pk): a.name for a in Agency.objects.filter(pk__in=list(agency_ids))}
    named = {
        o
        for e in found
        if e.object.startswith(PRACTITIONER) and (o := _uuid(e.object[len(PRACTITIONER) :]))
    }
    people = {
        str(p.pk): p
        for p in Practitioner.objects.filter(pk__in=list(actor_ids | named))
        .select_related("agency")
        .prefetch_related("groups")
    }
    refs = {c for e in found if (c := _uuid(e.child_id)) is not None}
    names = _children_known(viewer.agency_id, refs)
    result = []
    for event in found:
        person = people.get(event.actor_id)
        if person is not None:
            who, role = person.display_name, _roles(person)
        elif not event.actor_id and event.actor:
            # No one Bairn knows: a sign-in with a name it does not hold, say.
            who, role = f"someone giving the name “{event.actor}”", ""
        elif not event.actor_id:
            who, role = "Bairn itself", ""
        else:
            who, role = UNKNOWN_ACTOR, ""
        child = _uuid(event.child_id)
        child_name = names.get(child, "") if child is not None else ""
        phrase = phrase_for(event.action)
        refused = event.outcome == AuditEvent.Outcome.REFUSED
        what = phrase.refused if refused else phrase.done
        if "{someone}" in what:
            them = people.get(event.object[len(PRACTITIONER) :])
            what = what.replace("{someone}", them.display_name if them else "a practitioner")
        sentence = f"{who} {what}"
        if phrase.about:
            sentence += f" {child_name}" if child_name else " a child"
        result.append(
            AuditRow(
                event=event,
                who=who,
                role=role,
                agency=agencies.get(event.agency_id, ""),
                what=what,
                sentence=sentence,
                child=child,
                child_name=child_name,
                child_visible=child in visible,
                when=uk_time(event.at),
                refused=refused,
                outcome="Refused" if refused else "Allowed",
                purpose=purpose_words(event.purpose),
                reason=reason_words(event.reason),
                flag=FLAG_LABELS.get(event.action, "Flagged") if event.flagged else "",
            )
        )
    return result
