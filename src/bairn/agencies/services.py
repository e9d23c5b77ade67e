"""Every write about agencies, practitioners, tokens, assignments and involvement."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django_otp import devices_for_user, match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from bairn.access.policy import (
    NOT_A_WAY_IN,
    Action,
    AuditAction,
    Forbidden,
    authorize,
    current_assignee,
    named_person_successor,
    works_with_children,
)
from bairn.agencies.models import (
    Agency,
    ApiToken,
    Assignment,
    Involvement,
    Practitioner,
    SetupLink,
)
from bairn.audit import services as audit
from bairn.db import insert_once
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
    try:
        with transaction.atomic():
            agency = Agency.objects.create(name=name, kind=kind)
            audit.record(actor=actor, action=Action.AGENCY_CREATE, object=f"agency:{agency.pk}")
    except IntegrityError as exc:  # the same name, at the same moment
        raise Conflict("An agency with this name already exists.", field="name") from exc
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
        audit.record(actor=practitioner, action=AuditAction.TOKEN_CREATE, reason=label)
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


def token_stepped_up(token: str) -> bool:
    """A two-factor code was accepted on this token in the last BAIRN_STEP_UP_MINUTES."""
    since = timezone.now() - dt.timedelta(minutes=settings.BAIRN_STEP_UP_MINUTES)
    return ApiToken.objects.filter(
        digest=_digest(token), revoked_at__isnull=True, stepped_up_at__gte=since
    ).exists()


def mark_stepped_up(token: str) -> None:
    ApiToken.objects.filter(digest=_digest(token)).update(stepped_up_at=timezone.now())


def check_step_up_code(user: Practitioner, code: str, what: str) -> str | None:
    """Check a code entered again before a dangerous act (the pages' step-up and the API's):
    None when it is right, else what to tell the user. Wrong codes count towards the
    device's throttle (django-otp), and each answer is audited as `auth.step_up`."""
    devices = list(devices_for_user(user, confirmed=True))
    throttled = bool(devices) and not any(d.verify_is_allowed()[0] for d in devices)
    device = None if throttled or not devices else match_token(user, code)
    if device is None:
        reason = "throttled" if throttled else "no authenticator" if not devices else "wrong code"
        audit.record(
            actor=user,
            action=AuditAction.AUTH_STEP_UP,
            outcome=audit.REFUSED,
            reason=f"{reason} before {what}",
        )
        if throttled:
            return "Too many wrong codes: wait a few seconds, then try the one your app shows now."
        if not devices:
            return "Set up two-factor authentication first: this account has no authenticator."
        return "This code is wrong or has expired: try the one your app shows now."
    audit.record(actor=user, action=AuditAction.AUTH_STEP_UP, reason=f"code accepted before {what}")
    return None


SETUP_PATH = "/sign-in/set-up-code"


@dataclass(frozen=True)
class Setup:
    """A one-time set-up link, as given to the administrator (shown once)."""

    code: str
    link: str
    expires_at: dt.datetime


def issue_setup_link(practitioner: Practitioner, *, by: Practitioner | None = None) -> Setup:
    """An account made by an administrator links its first authenticator app only through
    this link: a password alone never does. Earlier unused links of the account stop
    working. Refused for an account that already has an app (Conflict)."""
    if any(devices_for_user(practitioner, confirmed=True)):
        raise Conflict(
            f"{practitioner.username} already has an authenticator app: a set-up link "
            "would let a password link another."
        )
    code = secrets.token_urlsafe(24)
    now = timezone.now()
    expires = now + dt.timedelta(hours=settings.BAIRN_SETUP_LINK_HOURS)
    with transaction.atomic():
        SetupLink.objects.filter(practitioner=practitioner, used_at__isnull=True).update(
            expires_at=now
        )
        link = SetupLink.objects.create(
            practitioner=practitioner, digest=_digest(code), expires_at=expires
        )
        audit.record(
            actor=by or practitioner,
            action=AuditAction.PRACTITIONER_SETUP_LINK,
            object=f"practitioner:{practitioner.pk}",
            reason=f"set-up link {link.pk} made",
        )
    return Setup(
        code=code, link=f"{settings.BAIRN_BASE_URL}{SETUP_PATH}?code={code}", expires_at=expires
    )


def setup_link_valid(practitioner: Practitioner, code: str) -> bool:
    return SetupLink.objects.filter(
        practitioner=practitioner,
        digest=_digest(code),
        used_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).exists()


def use_setup_link(practitioner: Practitioner, code: str) -> bool:
    """Spend the link (once: of two requests at the same moment, one wins)."""
    now = timezone.now()
    spent = SetupLink.objects.filter(
        practitioner=practitioner, digest=_digest(code), used_at__isnull=True, expires_at__gt=now
    ).update(used_at=now)
    return spent == 1


def pending_authenticator(practitioner: Practitioner) -> TOTPDevice:
    """The authenticator being linked on the two-factor set-up page: the one not yet
    confirmed, or a new one. Only the set-up link lets the page ask for it."""
    return TOTPDevice.objects.filter(
        user=practitioner, confirmed=False
    ).first() or TOTPDevice.objects.create(
        user=practitioner, name="Authenticator app", confirmed=False
    )


def confirm_authenticator(device: TOTPDevice) -> None:
    """The authenticator answered with a right code, and the set-up link is spent."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])


def revoke_token(token: str) -> bool:
    with transaction.atomic():
        found = ApiToken.objects.filter(digest=_digest(token), revoked_at__isnull=True).first()
        if found is None:
            return False
        ApiToken.objects.filter(pk=found.pk).update(revoked_at=timezone.now())
        audit.record(
            actor=found.practitioner, action=AuditAction.TOKEN_REVOKE, object=f"token:{found.pk}"
        )
    return True


def revoke_all_tokens(practitioner: Practitioner) -> int:
    with transaction.atomic():
        count = ApiToken.objects.filter(practitioner=practitioner, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        audit.record(
            actor=practitioner, action=AuditAction.TOKEN_REVOKE_ALL, reason=f"{count} revoked"
        )
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
    practitioner themself). Race-free: simultaneous first involvements make one."""
    return _involve(practitioner, child_id, basis, reason=reason, by=by)[0]


def _involve(
    practitioner: Practitioner,
    child_id: uuid.UUID,
    basis: str,
    *,
    reason: str = "",
    by: Practitioner | None = None,
) -> tuple[Involvement, bool]:
    """`involve`, saying whether this call made the involvement (only then is it audited)."""
    involvement, made = insert_once(
        Involvement.objects.filter(
            child_ref=child_id, practitioner=practitioner, basis=basis, ended_at__isnull=True
        ),
        child_ref=child_id,
        practitioner=practitioner,
        basis=basis,
        reason=reason,
        started_at=timezone.now(),
    )
    if not made:
        return involvement, False
    audit.record(
        actor=by or practitioner,
        action=AuditAction.INVOLVEMENT_ADD,
        object=f"practitioner:{practitioner.pk}",
        child_id=child_id,
        # The reason given stays with the involvement: free text may name anyone (§4.7).
        reason=str(basis),
    )
    return involvement, True


def end_involvement(
    practitioner: Practitioner, child_id: uuid.UUID, basis: str, *, by: Practitioner
) -> None:
    ended = Involvement.objects.filter(
        child_ref=child_id, practitioner=practitioner, basis=basis, ended_at__isnull=True
    ).update(ended_at=timezone.now())
    if ended:
        audit.record(
            actor=by,
            action=AuditAction.INVOLVEMENT_END,
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
    The one assigned must hold the role, and becomes involved. A Named Person hands over
    only to a colleague of their own agency (DOMAIN §1): another agency's takes over
    through a transition.
    """
    action = ASSIGN_ACTION[Assignment.Kind(kind)]
    authorize(actor, action, child_id=child_id, object=f"child:{child_id}")
    assignee = assignable(practitioner_id, kind, field="practitioner_id")
    if kind == Assignment.Kind.NAMED_PERSON:
        successor = named_person_successor(child_id, assignee)
        if not successor.allowed:
            audit.record(
                actor=actor,
                action=action,
                outcome=audit.REFUSED,
                object=f"practitioner:{assignee.pk}",
                child_id=child_id,
                reason="; ".join(successor.reasons),
            )
            raise Forbidden(successor)
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
    try:
        with transaction.atomic():  # a savepoint: one current assignment per kind settles a race
            assignment = Assignment.objects.create(
                child_ref=child_id,
                kind=kind,
                practitioner=assignee,
                started_at=now,
                assigned_by=actor,
            )
    except IntegrityError:
        # Someone assigned one at the same moment: the same person is the success asked
        # for; anyone else is a change this caller has not seen.
        made = Assignment.objects.filter(child_ref=child_id, kind=kind, ended_at__isnull=True)
        same = made.filter(practitioner=assignee).first()
        if same is not None:
            return same
        raise Conflict(
            f"The {label} was changed by someone else at the same moment: look again.",
            field="practitioner_id",
        ) from None
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
        .exclude(basis__in=NOT_A_WAY_IN)
        .select_related("practitioner__agency")
        .order_by("practitioner__agency__name", "practitioner__full_name", "basis")
    )


def team(actor: Practitioner, child_id: uuid.UUID) -> list[TeamMember]:
    """Who works with the child now: one row per practitioner, with their agency and role
    (DOMAIN §4.1) — never what another agency recorded (§4.3). Why someone joined the
    team is told within their own agency only (it is often what that agency knows); an
    involvement that exists because of a record the actor may not see (a senior told of
    a restricted child protection concern; a share request or disclosure of another
    agency) is not shown, and a practitioner with nothing else to show is not listed."""
    authorize(actor, Action.TEAM_READ, child_id=child_id, object=f"child:{child_id}")
    shown = _known_to(actor, child_id)
    return [
        member
        if member.practitioner.agency_id == actor.agency_id
        else replace(member, team_reason="")
        for member in members(inv for inv in _current(child_id) if shown(inv))
    ]


def _known_to(actor: Practitioner, child_id: uuid.UUID) -> Callable[[Involvement], bool]:
    """Which involvements the actor may learn of (see `team`)."""
    from bairn.access.policy import visible_entries
    from bairn.chronology.models import Concern
    from bairn.reference import Significance

    told: set[uuid.UUID] = set()  # agencies with a child protection concern the actor may know of

    def shown(inv: Involvement) -> bool:
        agency = inv.practitioner.agency_id
        if inv.basis in SHARING_BASES:
            return agency == actor.agency_id
        if inv.basis != Involvement.Basis.CHILD_PROTECTION_LEAD:
            return True
        if agency is None:
            return False
        if agency not in told:
            known = Concern.objects.filter(
                child_ref=child_id, agency_id=agency, significance=Significance.CHILD_PROTECTION
            ).filter(Q(restricted=False) | visible_entries(actor))
            if known.exists():
                told.add(agency)
        return agency in told

    return shown


# Involved to decide a share request, or having received a disclosure: the request and
# the disclosure are the two agencies' business (DOMAIN §4.4).
SHARING_BASES = frozenset(
    {Involvement.Basis.SHARE_REQUEST.value, Involvement.Basis.DISCLOSURE_RECEIVED.value}
)


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
        _, made = _involve(
            member, child_id, Involvement.Basis.TEAM_MEMBER, reason=reason.strip(), by=actor
        )
        if not made:  # brought in at the same moment by someone else
            raise Conflict(
                f"{member.display_name} is already on the team.", field="practitioner_id"
            )
        _tell_joined(member, actor, child_id, f"added you to the team: {reason.strip()}")
    (joined,) = members(_current(child_id).filter(practitioner=member))
    return joined


def remove_from_team(actor: Practitioner, child_id: uuid.UUID, practitioner_id: uuid.UUID) -> None:
    """A practitioner leaves the team around the child. Other reasons they may be involved
    (an assignment, a plan's team) are not touched."""
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
        # A second declaration while the first is current (even one made at the same
        # moment) adds its reason to the audit.
        involvement, _ = insert_once(
            Involvement.objects.filter(
                child_ref=child_id,
                practitioner=actor,
                basis=Involvement.Basis.BREAK_GLASS,
                ended_at__isnull=True,
            ),
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
            # The reason given is kept with the involvement, for the review (§4.7, §4.9).
            reason="; ".join(decision.reasons),
            flagged=True,
        )
    return involvement
