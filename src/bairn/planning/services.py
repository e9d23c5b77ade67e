"""Every write of the National Practice Model and the Child's Plan (practice-model.md)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from bairn.access.policy import (
    Action,
    authorize,
    current_assignee,
    visible_entries,
)
from bairn.agencies.models import Agency, Assignment, Involvement, Practitioner
from bairn.agencies.services import assignable, end_involvement, involve, write_assignment
from bairn.audit import services as audit
from bairn.chronology.models import Concern
from bairn.errors import Conflict, Invalid
from bairn.notify.models import Notification
from bairn.notify.services import notify
from bairn.planning.changes import describe_changes
from bairn.planning.models import (
    ActionStatus,
    Assessment,
    Contribution,
    Ird,
    Meeting,
    OverdueNotice,
    Plan,
    PlanVersion,
    RegisterEntry,
)
from bairn.planning.rules import action_overdue, review_overdue
from bairn.reference import MY_WORLD_AREAS

MY_WORLD_CODES = {a.code for a in MY_WORLD_AREAS}

# --- wellbeing assessment --------------------------------------------------------------


def _contribution(
    actor: Practitioner,
    child_id: uuid.UUID,
    indicators: dict[str, dict[str, Any]],
    my_world: dict[str, str],
    resilience_matrix: Sequence[dict[str, str]],
    five_questions: dict[str, str],
) -> dict[str, Any]:
    """Checks a contribution; evidence must be entries the contributor may see."""
    errors: dict[str, str] = {}
    wanted = {str(e) for view in indicators.values() for e in view.get("evidence_entry_ids") or []}
    seen = {
        str(pk)
        for pk in Concern.objects.filter(child_ref=child_id, pk__in=list(wanted))
        .filter(visible_entries(actor))
        .values_list("pk", flat=True)
    }
    for code, view in indicators.items():
        missing = [str(e) for e in view.get("evidence_entry_ids") or [] if str(e) not in seen]
        if missing:
            errors[f"indicators.{code}.evidence_entry_ids"] = (
                f"Not entries of this child's chronology that you may see: {', '.join(missing)}"
            )
    unknown = sorted(set(my_world) - MY_WORLD_CODES)
    if unknown:
        errors["my_world"] = f"Unknown My World Triangle areas: {', '.join(unknown)}"
    if not indicators and not my_world and not resilience_matrix and not five_questions:
        errors["indicators"] = "Give a view on at least one wellbeing indicator."
    if errors:
        raise Invalid(errors)
    return {
        "indicators": {
            code: {
                "rating": view["rating"],
                "notes": view.get("notes") or "",
                "evidence_entry_ids": [str(e) for e in view.get("evidence_entry_ids") or []],
            }
            for code, view in indicators.items()
        },
        "my_world": dict(my_world),
        "resilience_matrix": [dict(f) for f in resilience_matrix],
        "five_questions": dict(five_questions),
    }


def start_assessment(
    actor: Practitioner,
    child_id: uuid.UUID,
    *,
    indicators: dict[str, dict[str, Any]],
    my_world: dict[str, str] | None = None,
    resilience_matrix: Sequence[dict[str, str]] = (),
    five_questions: dict[str, str] | None = None,
) -> Assessment:
    """A new wellbeing assessment with the caller's agency's contribution (practice-model.md,
    National Practice Model). Other agencies add theirs to the same assessment."""
    authorize(actor, Action.ASSESSMENT_WRITE, child_id=child_id, object=f"child:{child_id}")
    body = _contribution(
        actor, child_id, indicators, my_world or {}, resilience_matrix, five_questions or {}
    )
    assert actor.agency is not None
    with transaction.atomic():
        assessment = Assessment.objects.create(child_ref=child_id, started_by=actor)
        Contribution.objects.create(
            assessment=assessment, agency=actor.agency, author=actor, **body
        )
        audit.record(
            actor=actor,
            action=Action.ASSESSMENT_WRITE,
            object=f"assessment:{assessment.pk}",
            child_id=child_id,
            reason="started",
        )
    return assessment


def contribute(
    actor: Practitioner,
    assessment_id: uuid.UUID,
    *,
    indicators: dict[str, dict[str, Any]],
    my_world: dict[str, str] | None = None,
    resilience_matrix: Sequence[dict[str, str]] = (),
    five_questions: dict[str, str] | None = None,
) -> Contribution:
    """Another agency's part of the same assessment: one assessment, no agency repeating
    another's (the seed: "eliminating the need for each agency to conduct its own")."""
    assessment = Assessment.objects.filter(pk=assessment_id).first()
    child_id = assessment.child_ref if assessment else None
    authorize(
        actor, Action.ASSESSMENT_WRITE, child_id=child_id, object=f"assessment:{assessment_id}"
    )
    assert assessment is not None
    assert child_id is not None
    body = _contribution(
        actor, child_id, indicators, my_world or {}, resilience_matrix, five_questions or {}
    )
    assert actor.agency is not None
    try:
        with transaction.atomic():
            contribution = Contribution.objects.create(
                assessment=assessment, agency=actor.agency, author=actor, **body
            )
            audit.record(
                actor=actor,
                action=Action.ASSESSMENT_WRITE,
                object=f"assessment:{assessment.pk}",
                child_id=child_id,
                reason="contribution",
            )
    except IntegrityError as exc:
        raise Conflict(
            "Your agency has already contributed to this assessment.", field="assessment_id"
        ) from exc
    return contribution


# --- the Child's Plan ------------------------------------------------------------------


def _practitioners(ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Practitioner]:
    return {
        p.pk: p
        for p in Practitioner.objects.filter(pk__in=list(ids), is_active=True).select_related(
            "agency"
        )
    }


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


def _normalise(
    *,
    lead: Practitioner,
    team_ids: Sequence[uuid.UUID],
    reason_for_plan: str,
    needs: Sequence[dict[str, Any]],
    child_views: str,
    family_views: str,
    review_date: dt.date,
    contingency: str,
    previous: dict[str, Any] | None,
) -> dict[str, Any]:
    """The plan's content as stored: ids for needs and actions (kept across versions when
    the caller sends them back), each action's agency, owners on the team."""
    errors: dict[str, str] = {}
    owners = [a["owner_id"] for n in needs for a in n.get("actions", [])]
    people = _practitioners([*team_ids, *owners, lead.pk])
    for i, pid in enumerate(team_ids):
        if pid not in people:
            errors[f"team_ids.{i}"] = "No active practitioner has this id."
    for n, need in enumerate(needs):
        for a, action in enumerate(need.get("actions", [])):
            if action["owner_id"] not in people:
                errors[f"needs.{n}.actions.{a}.owner_id"] = "No active practitioner has this id."
    if not reason_for_plan.strip():
        errors["reason_for_plan"] = "A plan says clearly why it was made."
    if previous is None and review_date <= timezone.localdate():
        errors["review_date"] = "The first review must be in the future."
    elif (
        previous is not None
        and review_date.isoformat() != previous["review_date"]
        and review_date < timezone.localdate()
    ):
        errors["review_date"] = (
            "A new review date cannot be in the past; keep the one due or set a coming date."
        )
    if errors:
        raise Invalid(errors)
    team = list(dict.fromkeys([*team_ids, *owners]))
    before = (previous or {}).get("needs", [])
    known = {n["id"] for n in before} | {a["id"] for n in before for a in n["actions"]}
    # Ids the edit sends back explicitly; an item sent without one (a client that does not
    # keep ids) is matched to an earlier item of the same description that nobody claims,
    # so that an unchanged need is not reported as removed and added again.
    claimed = {str(n["id"]) for n in needs if n.get("id")} | {
        str(a["id"]) for n in needs for a in n.get("actions", []) if a.get("id")
    }
    by_text: dict[tuple[str, str], list[str]] = {}
    for n in before:
        by_text.setdefault(("need", _fold(n["description"])), []).append(n["id"])
        for a in n["actions"]:
            by_text.setdefault(("action", _fold(a["description"])), []).append(a["id"])
    taken: set[str] = set()

    def identity(given: object, kind: str, description: str) -> str:
        """A need's or action's id: kept when the plan already had it (once); otherwise a
        new one, so a copied or repeated id cannot make two items one."""
        key = str(given) if given else ""
        if key and key in known and key not in taken:
            taken.add(key)
            return key
        if not key:
            for candidate in by_text.get((kind, _fold(description)), []):
                if candidate not in taken and candidate not in claimed:
                    taken.add(candidate)
                    return candidate
        return str(uuid.uuid4())

    def action_content(action: dict[str, Any]) -> dict[str, Any]:
        owner = people[action["owner_id"]]
        return {
            "id": identity(action.get("id"), "action", action["description"]),
            "description": action["description"],
            "owner_id": str(owner.pk),
            "owner": owner.display_name,
            "agency_id": str(owner.agency_id or ""),
            "agency": owner.agency.name if owner.agency else "",
            "due_on": action["due_on"].isoformat(),
            "status": action["status"],
        }

    content_needs = [
        {
            "id": identity(need.get("id"), "need", need["description"]),
            "indicators": list(need["indicators"]),
            "description": need["description"],
            "outcome": need["outcome"],
            "evidence": need["evidence"],
            "actions": [action_content(a) for a in need.get("actions", [])],
        }
        for need in needs
    ]
    return {
        "lead_professional_id": str(lead.pk),
        "lead_professional": lead.display_name,
        "team_ids": [str(t) for t in team],
        "reason_for_plan": reason_for_plan.strip(),
        "needs": content_needs,
        "child_views": child_views,
        "family_views": family_views,
        "review_date": review_date.isoformat(),
        "contingency": contingency,
    }


def save_plan(
    actor: Practitioner,
    child_id: uuid.UUID,
    *,
    version: int,
    lead_professional_id: uuid.UUID,
    team_ids: Sequence[uuid.UUID],
    reason_for_plan: str,
    needs: Sequence[dict[str, Any]],
    child_views: str,
    family_views: str,
    review_date: dt.date,
    contingency: str = "",
    meeting: Meeting | None = None,
) -> PlanVersion:
    """Save the Child's Plan as a new version (practice-model.md, Child's Plan). The
    version edited travels with the edit: a stale one is a Conflict and nothing changes.
    Every version is kept with what changed. The Lead Professional named is assigned; the
    team (and every action's owner) may read the plan."""
    authorize(actor, Action.PLAN_WRITE, child_id=child_id, object=f"child:{child_id}")
    current_lead = current_assignee(child_id, Assignment.Kind.LEAD_PROFESSIONAL)
    if current_lead is not None and current_lead.pk != lead_professional_id:
        shown = _current_content(child_id)
        if shown is not None and str(lead_professional_id) == shown["lead_professional_id"]:
            # Handed over since this version was saved: an edit that leaves the field as
            # it was does not hand it back.
            lead_professional_id = current_lead.pk
    lead = assignable(
        lead_professional_id, Assignment.Kind.LEAD_PROFESSIONAL, field="lead_professional_id"
    )
    if current_lead is None or current_lead.pk != lead.pk:
        # Checked before the transaction so that a refusal is audited (policy.authorize).
        authorize(
            actor, Action.LEAD_PROFESSIONAL_ASSIGN, child_id=child_id, object=f"child:{child_id}"
        )
    # Checked and put together first; written only if the plan is still at that version.
    plan = Plan.objects.filter(child_ref=child_id, closed_at__isnull=True).first()
    current = plan.version if plan else 0
    if version != current:
        raise _stale(version, current)
    previous = (
        PlanVersion.objects.get(plan=plan, version=current).content if plan and current else None
    )
    content = _normalise(
        lead=lead,
        previous=previous,
        team_ids=team_ids,
        reason_for_plan=reason_for_plan,
        needs=needs,
        child_views=child_views,
        family_views=family_views,
        review_date=review_date,
        contingency=contingency,
    )
    try:
        with transaction.atomic():
            return _write_version(
                actor,
                child_id,
                version=version,
                lead=lead,
                meeting=meeting,
                previous=previous,
                content=content,
            )
    except IntegrityError as exc:  # two first versions at once: the other one won
        raise _stale(version, _current_version(child_id)) from exc


def _current_version(child_id: uuid.UUID) -> int:
    plan = Plan.objects.filter(child_ref=child_id, closed_at__isnull=True).first()
    return plan.version if plan else 0


def _current_content(child_id: uuid.UUID) -> dict[str, Any] | None:
    plan = Plan.objects.filter(child_ref=child_id, closed_at__isnull=True).first()
    if plan is None or plan.version == 0:
        return None
    found = PlanVersion.objects.filter(plan=plan, version=plan.version).first()
    return found.content if found else None


def _stale(version: int, current: int) -> Conflict:
    return Conflict(
        f"The plan has changed since version {version}: it is now version {current}. "
        "Reload it and make your change again.",
        field="version",
        current_version=current,
        version=current,
    )


def _write_version(
    actor: Practitioner,
    child_id: uuid.UUID,
    *,
    version: int,
    lead: Practitioner,
    meeting: Meeting | None,
    previous: dict[str, Any] | None,
    content: dict[str, Any],
) -> PlanVersion:
    plan = (
        Plan.objects.select_for_update().filter(child_ref=child_id, closed_at__isnull=True).first()
    )
    current = plan.version if plan else 0
    if version != current:
        raise _stale(version, current)
    if plan is None:
        plan = Plan.objects.create(child_ref=child_id)
    saved = PlanVersion.objects.create(
        plan=plan,
        version=current + 1,
        saved_at=timezone.now(),
        saved_by=actor,
        content=content,
        changes=describe_changes(previous, content),
        meeting=meeting,
    )
    Plan.objects.filter(pk=plan.pk).update(version=current + 1)
    write_assignment(actor, child_id, Assignment.Kind.LEAD_PROFESSIONAL, lead)
    _sync_team(actor, child_id, previous, content)
    audit.record(
        actor=actor,
        action=Action.PLAN_WRITE,
        object=f"plan:{plan.pk}",
        child_id=child_id,
        purpose="plan_coordination",
        reason=f"version {current + 1}",
    )
    return saved


def _sync_team(
    actor: Practitioner,
    child_id: uuid.UUID,
    previous: dict[str, Any] | None,
    content: dict[str, Any],
) -> None:
    before = set(previous["team_ids"]) if previous else set()
    after = set(content["team_ids"])
    people = _practitioners([uuid.UUID(p) for p in before | after])
    for pid in after - before:
        involve(
            people[uuid.UUID(pid)],
            child_id,
            Involvement.Basis.PLAN_TEAM,
            reason="on the Child's Plan team",
            by=actor,
        )
    for pid in before - after:
        person = people.get(uuid.UUID(pid))
        if person is not None:
            end_involvement(person, child_id, Involvement.Basis.PLAN_TEAM, by=actor)


def plan_input(content: dict[str, Any]) -> dict[str, Any]:
    """A stored version's content as save_plan takes it (for meetings adding actions)."""
    return {
        "lead_professional_id": uuid.UUID(content["lead_professional_id"]),
        "team_ids": [uuid.UUID(t) for t in content["team_ids"]],
        "reason_for_plan": content["reason_for_plan"],
        "needs": [
            {
                **need,
                "actions": [
                    {
                        **a,
                        "owner_id": uuid.UUID(a["owner_id"]),
                        "due_on": dt.date.fromisoformat(a["due_on"]),
                    }
                    for a in need["actions"]
                ],
            }
            for need in content["needs"]
        ],
        "child_views": content["child_views"],
        "family_views": content["family_views"],
        "review_date": dt.date.fromisoformat(content["review_date"]),
        "contingency": content["contingency"],
    }


# --- Team Around the Child meetings -------------------------------------------------------


def record_meeting(
    actor: Practitioner,
    child_id: uuid.UUID,
    *,
    held_on: dt.date,
    attendee_ids: Sequence[uuid.UUID],
    family_attended: bool,
    decisions: str,
    minutes: str = "",
    invitee_ids: Sequence[uuid.UUID] = (),
    actions: Sequence[dict[str, Any]] = (),
) -> Meeting:
    """A Team Around the Child meeting: who was invited and came, the decisions, minutes,
    and actions that flow into the plan as a new version."""
    authorize(actor, Action.MEETING_RECORD, child_id=child_id, object=f"child:{child_id}")
    errors: dict[str, str] = {}
    people = _practitioners([*attendee_ids, *invitee_ids])
    for i, pid in enumerate(attendee_ids):
        if pid not in people:
            errors[f"attendee_ids.{i}"] = "No active practitioner has this id."
    for i, pid in enumerate(invitee_ids):
        if pid not in people:
            errors[f"invitee_ids.{i}"] = "No active practitioner has this id."
    if held_on > timezone.localdate():
        errors["held_on"] = "Record a meeting once it has been held."
    if not decisions.strip():
        errors["decisions"] = "Record the decisions."
    plan = Plan.objects.filter(child_ref=child_id, closed_at__isnull=True, version__gt=0).first()
    _check_meeting_actions(plan, actions, errors)
    if errors:
        raise Invalid(errors)
    if actions:
        # Actions join the plan through its Lead Professional or Named Person.
        authorize(actor, Action.PLAN_WRITE, child_id=child_id, object=f"child:{child_id}")
    with transaction.atomic():
        meeting = Meeting.objects.create(
            child_ref=child_id,
            held_on=held_on,
            family_attended=family_attended,
            decisions=decisions.strip(),
            minutes=minutes,
            recorded_by=actor,
        )
        meeting.attendees.set([people[p] for p in attendee_ids])
        meeting.invitees.set([people[p] for p in {*invitee_ids, *attendee_ids}])
        audit.record(
            actor=actor,
            action=Action.MEETING_RECORD,
            object=f"meeting:{meeting.pk}",
            child_id=child_id,
            purpose="plan_coordination",
        )
        if actions and plan is not None:
            _actions_into_plan(actor, child_id, plan, meeting, actions)
    return meeting


def _actions_into_plan(
    actor: Practitioner,
    child_id: uuid.UUID,
    plan: Plan,
    meeting: Meeting,
    actions: Sequence[dict[str, Any]],
) -> None:
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    data = plan_input(PlanVersion.objects.get(plan=plan, version=plan.version).content)
    for action in actions:
        data["needs"][action.get("need_index", 0)]["actions"].append(
            {
                "description": action["description"],
                "owner_id": action["owner_id"],
                "due_on": action["due_on"],
                "status": ActionStatus.PLANNED.value,
            }
        )
    save_plan(actor, child_id, version=plan.version, meeting=meeting, **data)


def _check_meeting_actions(
    plan: Plan | None, actions: Sequence[dict[str, Any]], errors: dict[str, str]
) -> None:
    """Meeting actions are checked as the caller sent them, before anything is saved."""
    if not actions:
        return
    if plan is None:
        errors["actions"] = "There is no plan for these actions to join: make the plan first."
        return
    needs = PlanVersion.objects.get(plan=plan, version=plan.version).content["needs"]
    owners = _practitioners([a["owner_id"] for a in actions])
    for i, action in enumerate(actions):
        if not 0 <= action.get("need_index", 0) < len(needs):
            errors[f"actions.{i}.need_index"] = "The plan has no need with this number."
        if action["owner_id"] not in owners:
            errors[f"actions.{i}.owner_id"] = "No active practitioner has this id."


# --- child protection: IRD and the register ------------------------------------------------


def record_ird(
    actor: Practitioner,
    child_id: uuid.UUID,
    *,
    started_at: dt.datetime,
    reason: str,
    participant_agency_ids: Sequence[uuid.UUID],
    information_shared: str,
    decisions: str,
) -> Ird:
    """An Inter-agency Referral Discussion (practice-model.md, Child protection): recorded by
    police, social work or health."""
    authorize(actor, Action.IRD_RECORD, child_id=child_id, object=f"child:{child_id}")
    errors: dict[str, str] = {}
    agencies = list(Agency.objects.filter(pk__in=list(participant_agency_ids)))
    if len(agencies) != len(set(participant_agency_ids)):
        errors["participant_agency_ids"] = "Some of these agencies do not exist."
    if actor.agency is not None and actor.agency not in agencies:
        agencies.append(actor.agency)  # the recorder's agency took part
    if started_at > timezone.now() + dt.timedelta(minutes=5):
        errors["started_at"] = "An IRD is recorded once it has started."
    for name, value in (("reason", reason), ("decisions", decisions)):
        if not value.strip():
            errors[name] = "This is part of the IRD record."
    if errors:
        raise Invalid(errors)
    assert actor.agency is not None
    with transaction.atomic():
        ird = Ird.objects.create(
            child_ref=child_id,
            started_at=started_at,
            reason=reason.strip(),
            information_shared=information_shared,
            decisions=decisions.strip(),
            recorded_by=actor,
            agency=actor.agency,
        )
        ird.participants.set(agencies)
        audit.record(
            actor=actor,
            action=Action.IRD_RECORD,
            object=f"ird:{ird.pk}",
            child_id=child_id,
            purpose="child_protection",
        )
    return ird


def register(
    actor: Practitioner,
    child_id: uuid.UUID,
    *,
    cppm_held_on: dt.date,
    registered_on: dt.date,
    concerns: Sequence[str],
) -> RegisterEntry:
    """The child's name is added to the child protection register after a Child Protection
    Planning Meeting decides on a plan (practice-model.md)."""
    authorize(actor, Action.REGISTER_WRITE, child_id=child_id, object=f"child:{child_id}")
    errors: dict[str, str] = {}
    if registered_on < cppm_held_on:
        errors["registered_on"] = "Registration follows the Child Protection Planning Meeting."
    if registered_on > timezone.localdate():
        errors["registered_on"] = "This date is in the future."
    if not concerns:
        errors["concerns"] = "Name the areas of concern."
    if errors:
        raise Invalid(errors)
    assert actor.agency is not None
    try:
        with transaction.atomic():
            entry = RegisterEntry.objects.create(
                child_ref=child_id,
                local_authority=actor.agency,
                cppm_held_on=cppm_held_on,
                registered_on=registered_on,
                concerns=list(concerns),
                recorded_by=actor,
            )
            audit.record(
                actor=actor,
                action=Action.REGISTER_WRITE,
                object=f"register:{entry.pk}",
                child_id=child_id,
                purpose="child_protection",
            )
    except IntegrityError as exc:
        raise Conflict("The child is already on the register.", field="child_id") from exc
    return entry


# --- overdue actions and reviews --------------------------------------------------------


def announce_overdue(today: dt.date | None = None) -> int:
    """Tell owners and the Lead Professional of actions past their date, and the Lead
    Professional of a review past its date — each once. Run daily (`bairn overdue`)."""
    today = today or timezone.localdate()
    sent = 0
    plans = Plan.objects.filter(closed_at__isnull=True, version__gt=0)
    for plan in plans:
        content = PlanVersion.objects.get(plan=plan, version=plan.version).content
        assigned = current_assignee(plan.child_ref, Assignment.Kind.LEAD_PROFESSIONAL)
        lead_id = assigned.pk if assigned else uuid.UUID(content["lead_professional_id"])
        for need in content["needs"]:
            for action in need["actions"]:
                if not action_overdue(action, today):
                    continue
                key = f"action:{plan.pk}:{action['id']}:{action['due_on']}"
                text = (
                    f"An action of a Child's Plan was due on {action['due_on']} and is "
                    f"still {action['status'].replace('_', ' ')}: {action['description']} "
                    f"(owner {action['owner']})."
                )
                sent += _once(
                    key,
                    [uuid.UUID(action["owner_id"]), lead_id],
                    Notification.Kind.OVERDUE_ACTION,
                    text,
                    plan.child_ref,
                )
        if review_overdue(content, today):
            key = f"review:{plan.pk}:{content['review_date']}"
            text = f"The review of a Child's Plan was due on {content['review_date']}."
            sent += _once(key, [lead_id], Notification.Kind.OVERDUE_REVIEW, text, plan.child_ref)
    return sent


def _once(
    key: str, recipient_ids: list[uuid.UUID], kind: str, text: str, child_id: uuid.UUID
) -> int:
    with transaction.atomic():
        _, created = OverdueNotice.objects.get_or_create(key=key)
        if not created:
            return 0
        for person in _practitioners(list(dict.fromkeys(recipient_ids))).values():
            notify(person, kind, text, child_id=child_id, data={"key": key})
    return 1
