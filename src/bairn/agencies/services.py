"""Every write about agencies, practitioners, tokens, assignments and involvement."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from bairn.access.policy import Action, authorize, current_assignee, works_with_children
from bairn.agencies.models import Agency, ApiToken, Assignment, Involvement, Practitioner
from bairn.audit import services as audit
from bairn.errors import Conflict, Invalid
from bairn.reference import Role

TOKEN_PREFIX = "bairn_"


def create_agency(actor: Practitioner, *, name: str, kind: str) -> Agency:
    """Set-up by an administrator (DOMAIN §1)."""
    authorize(actor, Action.AGENCY_CREATE)
    name = name.strip()
    if not name:
        raise Invalid({"name": "Give the agency a name."})
    if Agency.objects.filter(name__iexact=name).exists():
        raise Conflict("An agency with this name already exists.", field="name")
    with transaction.atomic():
        agency = Agency.objects.create(name=name, kind=kind)
        audit.record(actor=actor, action=Action.AGENCY_CREATE, object=f"agency:{agency.pk}")
    return agency


def _roles_groups(roles: Iterable[str]) -> list[Group]:
    return [Group.objects.get_or_create(name=role)[0] for role in sorted(set(roles))]


def create_practitioner(
    actor: Practitioner | None,
    *,
    username: str,
    full_name: str,
    agency_id: uuid.UUID | None,
    roles: Iterable[str],
    email: str = "",
    password: str | None = None,
    job_title: str = "",
    phone: str = "",
) -> Practitioner:
    """Set-up by an administrator. `actor` None is the system itself (the demo)."""
    if actor is not None:
        authorize(actor, Action.PRACTITIONER_CREATE)
    roles = list(roles)
    agency = None
    if agency_id is not None:
        agency = Agency.objects.filter(pk=agency_id).first()
        if agency is None:
            raise Invalid({"agency_id": "No agency has this id."})
    if agency is None and set(roles) - {Role.ADMIN}:
        raise Invalid({"agency_id": "A practitioner belongs to an agency."})
    if Practitioner.objects.filter(username__iexact=username).exists():
        raise Conflict("This username is taken.", field="username")
    user = Practitioner(
        username=username,
        full_name=full_name,
        agency=agency,
        email=email,
        job_title=job_title,
        phone=phone,
    )
    if password:
        from django.contrib.auth.password_validation import validate_password
        from django.core.exceptions import ValidationError

        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise Invalid({"password": " ".join(exc.messages)}) from exc
        user.set_password(password)
    else:
        user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
            user.groups.set(_roles_groups(roles))
            audit.record(
                actor=actor,
                actor_name="system",
                action=Action.PRACTITIONER_CREATE,
                object=f"practitioner:{user.pk}",
                reason=f"roles: {', '.join(sorted(set(roles)))}",
            )
    except IntegrityError as exc:
        raise Conflict("This username is taken.", field="username") from exc
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(
    practitioner: Practitioner, *, label: str = "", lifetime: dt.timedelta | None = None
) -> str:
    """A new bearer token; only its digest is stored, so this is the one time it is seen."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        ApiToken.objects.create(
            practitioner=practitioner,
            digest=_digest(token),
            prefix=token[: len(TOKEN_PREFIX) + 4],
            label=label,
            expires_at=timezone.now() + lifetime if lifetime else None,
        )
        audit.record(actor=practitioner, action="token.create", reason=label)
    return token


def practitioner_for_token(token: str) -> Practitioner | None:
    found = (
        ApiToken.objects.select_related("practitioner")
        .filter(digest=_digest(token), revoked_at__isnull=True)
        .first()
    )
    if found is None:
        return None
    now = timezone.now()
    if found.expires_at is not None and found.expires_at <= now:
        return None
    if not found.practitioner.is_active:
        return None
    if found.last_used_at is None or now - found.last_used_at > dt.timedelta(minutes=5):
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
    return found.practitioner


def revoke_token(token: str) -> bool:
    with transaction.atomic():
        found = ApiToken.objects.filter(digest=_digest(token), revoked_at__isnull=True).first()
        if found is None:
            return False
        ApiToken.objects.filter(pk=found.pk).update(revoked_at=timezone.now())
        audit.record(actor=found.practitioner, action="token.revoke", object=f"token:{found.pk}")
    return True


def revoke_all_tokens(practitioner: Practitioner) -> int:
    with transaction.atomic():
        count = ApiToken.objects.filter(practitioner=practitioner, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        audit.record(actor=practitioner, action="token.revoke_all", reason=f"{count} revoked")
    return count


def involve(
    practitioner: Practitioner,
    child_id: uuid.UUID,
    basis: str,
    *,
    reason: str = "",
    by: Practitioner | None = None,
) -> Involvement:
    """Make a practitioner involved with a child on a basis (DOMAIN §4.1); idempotent per
    basis. Who may see a child is itself audited: `by` is who made it so (default: the
    practitioner themself)."""
    existing = Involvement.objects.filter(
        child_ref=child_id, practitioner=practitioner, basis=basis, ended_at__isnull=True
    ).first()
    if existing is not None:
        return existing
    involvement = Involvement.objects.create(
        child_ref=child_id,
        practitioner=practitioner,
        basis=basis,
        reason=reason,
        started_at=timezone.now(),
    )
    audit.record(
        actor=by or practitioner,
        action="involvement.add",
        object=f"practitioner:{practitioner.pk}",
        child_id=child_id,
        reason=f"{basis}{': ' + reason if reason else ''}",
    )
    return involvement


def end_involvement(
    practitioner: Practitioner, child_id: uuid.UUID, basis: str, *, by: Practitioner
) -> None:
    ended = Involvement.objects.filter(
        child_ref=child_id, practitioner=practitioner, basis=basis, ended_at__isnull=True
    ).update(ended_at=timezone.now())
    if ended:
        audit.record(
            actor=by,
            action="involvement.end",
            object=f"practitioner:{practitioner.pk}",
            child_id=child_id,
            reason=basis,
        )


ASSIGN_ACTION = {
    Assignment.Kind.NAMED_PERSON: Action.NAMED_PERSON_ASSIGN,
    Assignment.Kind.LEAD_PROFESSIONAL: Action.LEAD_PROFESSIONAL_ASSIGN,
}


def assign(
    actor: Practitioner, child_id: uuid.UUID, kind: str, practitioner_id: uuid.UUID
) -> Assignment:
    """Make a practitioner the child's Named Person or Lead Professional (DOMAIN §2).

    The previous one's assignment ends, and with it that basis of their involvement.
    The one assigned must hold the role, and becomes involved.
    """
    action = ASSIGN_ACTION[Assignment.Kind(kind)]
    authorize(actor, action, child_id=child_id, object=f"child:{child_id}")
    assignee = assignable(practitioner_id, kind, field="practitioner_id")
    with transaction.atomic():
        return write_assignment(actor, child_id, kind, assignee)


def assignable(practitioner_id: uuid.UUID, kind: str, *, field: str) -> Practitioner:
    """The practitioner to assign, who must be active and hold the role."""
    assignee = (
        Practitioner.objects.select_related("agency")
        .filter(pk=practitioner_id, is_active=True)
        .first()
    )
    if assignee is None:
        raise Invalid({field: "No active practitioner has this id."})
    if not assignee.has_role(kind):
        label = Assignment.Kind(kind).label
        raise Invalid({field: f"{assignee.display_name} does not hold the role {label}."})
    return assignee


def write_assignment(
    actor: Practitioner, child_id: uuid.UUID, kind: str, assignee: Practitioner
) -> Assignment:
    """The write of an assignment, in the caller's transaction, after the policy allowed
    it (`assign`, or a plan naming its Lead Professional)."""
    label = Assignment.Kind(kind).label
    current = current_assignee(child_id, kind)
    now = timezone.now()
    if current is not None and current.pk == assignee.pk:
        return Assignment.objects.get(child_ref=child_id, kind=kind, ended_at__isnull=True)
    if current is not None:
        Assignment.objects.filter(child_ref=child_id, kind=kind, ended_at__isnull=True).update(
            ended_at=now
        )
        end_involvement(current, child_id, kind, by=actor)
    assignment = Assignment.objects.create(
        child_ref=child_id, kind=kind, practitioner=assignee, started_at=now, assigned_by=actor
    )
    involve(assignee, child_id, kind, by=actor)
    audit.record(
        actor=actor,
        action=ASSIGN_ACTION[Assignment.Kind(kind)],
        object=f"practitioner:{assignee.pk}",
        child_id=child_id,
        reason=f"{label}: {assignee.display_name}",
    )
    if assignee.pk != actor.pk:
        _tell_joined(assignee, actor, child_id, f"made you {label}")
    return assignment


def _tell_joined(who: Practitioner, by: Practitioner, child_id: uuid.UUID, what: str) -> None:
    """Someone now works with a child: they are told, by whom and why."""
    from bairn.notify.models import Notification
    from bairn.notify.services import notify
    from bairn.people.models import Child

    child = Child.objects.filter(pk=child_id).only("given_name", "family_name").first()
    name = f"{child.given_name} {child.family_name}" if child else "a child"
    agency = f" ({by.agency.name})" if by.agency else ""
    notify(
        who,
        Notification.Kind.ASSIGNED,
        f"{name}: {by.display_name}{agency} {what}.",
        child_id=child_id,
        data={"by": by.display_name},
    )


@dataclass(frozen=True)
class TeamMember:
    """One practitioner working with a child, with every reason they are involved."""

    practitioner: Practitioner
    bases: tuple[str, ...]
    since: dt.datetime
    team_reason: str  # why they joined the team, where they did

    @property
    def on_team(self) -> bool:
        return Involvement.Basis.TEAM_MEMBER in self.bases


def members(involvements: Iterable[Involvement]) -> list[TeamMember]:
    grouped: dict[uuid.UUID, list[Involvement]] = {}
    for inv in involvements:
        grouped.setdefault(inv.practitioner_id, []).append(inv)
    return [
        TeamMember(
            practitioner=rows[0].practitioner,
            bases=tuple(inv.basis for inv in rows),
            since=min(inv.started_at for inv in rows),
            team_reason=next(
                (inv.reason for inv in rows if inv.basis == Involvement.Basis.TEAM_MEMBER), ""
            ),
        )
        for rows in grouped.values()
    ]


def _current(child_id: uuid.UUID) -> QuerySet[Involvement]:
    return (
        Involvement.objects.filter(child_ref=child_id, ended_at__isnull=True)
        .select_related("practitioner__agency")
        .order_by("practitioner__agency__name", "practitioner__full_name", "basis")
    )


def team(actor: Practitioner, child_id: uuid.UUID) -> list[TeamMember]:
    """Who works with the child now, and why (DOMAIN §4.1): one row per practitioner."""
    authorize(actor, Action.TEAM_READ, child_id=child_id, object=f"child:{child_id}")
    return members(_current(child_id))


def add_to_team(
    actor: Practitioner, child_id: uuid.UUID, practitioner_id: uuid.UUID, *, reason: str
) -> TeamMember:
    """The Named Person or Lead Professional brings a practitioner — of any agency — into
    the team around the child: the way in that is not an emergency (DOMAIN §4.1). They
    see what their own agency holds and what is shared with it, nothing more."""
    authorize(actor, Action.TEAM_CHANGE, child_id=child_id, object=f"child:{child_id}")
    errors: dict[str, str] = {}
    member = (
        Practitioner.objects.select_related("agency")
        .filter(pk=practitioner_id, is_active=True)
        .first()
    )
    if member is None:
        errors["practitioner_id"] = "No active practitioner has this id."
    elif not works_with_children(member):
        errors["practitioner_id"] = (
            f"{member.display_name} is not a practitioner of an agency working with children."
        )
    if not reason.strip():
        errors["reason"] = "Say why they join the team, for example what they will do."
    if errors:
        raise Invalid(errors)
    assert member is not None
    if Involvement.objects.filter(
        child_ref=child_id,
        practitioner=member,
        basis=Involvement.Basis.TEAM_MEMBER,
        ended_at__isnull=True,
    ).exists():
        raise Conflict(f"{member.display_name} is already on the team.", field="practitioner_id")
    with transaction.atomic():
        involve(member, child_id, Involvement.Basis.TEAM_MEMBER, reason=reason.strip(), by=actor)
        _tell_joined(member, actor, child_id, f"added you to the team: {reason.strip()}")
    (joined,) = members(_current(child_id).filter(practitioner=member))
    return joined


def remove_from_team(actor: Practitioner, child_id: uuid.UUID, practitioner_id: uuid.UUID) -> None:
    """A practitioner leaves the team around the child. Other reasons they may be involved
    (a concern they recorded, an assignment) are not touched."""
    authorize(actor, Action.TEAM_CHANGE, child_id=child_id, object=f"child:{child_id}")
    member = Practitioner.objects.filter(pk=practitioner_id).first()
    on_team = (
        member is not None
        and Involvement.objects.filter(
            child_ref=child_id,
            practitioner=member,
            basis=Involvement.Basis.TEAM_MEMBER,
            ended_at__isnull=True,
        ).exists()
    )
    if not on_team:
        raise Invalid({"practitioner_id": "This practitioner is not on the team."})
    assert member is not None
    with transaction.atomic():
        end_involvement(member, child_id, Involvement.Basis.TEAM_MEMBER, by=actor)


def break_glass(actor: Practitioner, child_id: uuid.UUID, reason: str) -> Involvement:
    """Emergency involvement with a written reason: at once, flagged, audited (DOMAIN §4.9)."""
    reason = reason.strip()
    if len(reason) < 3:
        # Checked before the policy so a bad request does not count as emergency access.
        raise Invalid({"reason": "Say why you need emergency access."})
    decision = authorize(actor, Action.BREAK_GLASS, child_id=child_id, object=f"child:{child_id}")
    with transaction.atomic():
        # A second declaration while the first is current adds its reason to the audit.
        involvement = Involvement.objects.filter(
            child_ref=child_id,
            practitioner=actor,
            basis=Involvement.Basis.BREAK_GLASS,
            ended_at__isnull=True,
        ).first() or Involvement.objects.create(
            child_ref=child_id,
            practitioner=actor,
            basis=Involvement.Basis.BREAK_GLASS,
            reason=reason,
            flagged=True,
            started_at=timezone.now(),
        )
        audit.record(
            actor=actor,
            action=Action.BREAK_GLASS,
            object=f"involvement:{involvement.pk}",
            child_id=child_id,
            reason=f"{'; '.join(decision.reasons)}. Reason given: {reason}",
            flagged=True,
        )
    return involvement
