"""The one decision engine for sharing (DOMAIN §4.3–4.6).

`decide_share()` decides any disclosure of information about a child from the caller's
agency to another — from the ISPs, consent, purpose, categories, roles and the
protections on entries — and returns whether it is allowed with every reason, for and
against. It has no side effects: `sharing-check` shows it before anyone presses the
button, a refusal answers 403 with the same reasons, and the services audit it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from bairn.access.policy import visible_entries
from bairn.agencies.models import Agency, Practitioner
from bairn.chronology.models import Concern
from bairn.reference import Category, LawfulBasis, Purpose, Role, SpecialCategoryCondition
from bairn.sharing.models import Consent, DisclosedEntry, Isp


@dataclass(frozen=True)
class ShareDecision:
    allowed: bool
    reasons: tuple[str, ...]
    isp: Isp | None = None
    consent: Consent | None = None
    lawful_basis: str = ""
    special_category_condition: str = ""
    child_protection_override: bool = False
    authorised_by: Practitioner | None = None
    entries: tuple[Concern, ...] = field(default=())
    # Child protection shared at once without a senior's authorisation (DOMAIN §4.4).
    urgent: bool = False

    @property
    def relies_on_consent(self) -> bool:
        return self.consent is not None


def _entries(
    actor: Practitioner,
    child_id: uuid.UUID,
    categories: Sequence[str],
    entry_ids: Sequence[uuid.UUID] | None,
    against: list[str],
) -> list[Concern]:
    """The entries a disclosure would release: those chosen, or, when the chronology is
    shared without a choice, every current entry of the caller's own agency they may see."""
    seen = Concern.objects.filter(child_ref=child_id).filter(visible_entries(actor, child_id))
    if entry_ids is not None and not entry_ids:
        against.append("no entries were chosen: choose the entries to share, or share all")
        return []
    if entry_ids:
        if Category.CHRONOLOGY not in categories:
            against.append("entries are chronology: include the category 'chronology'")
        found = {e.pk: e for e in seen.filter(pk__in=list(entry_ids)).select_related("agency")}
        for entry_id in entry_ids:
            if entry_id not in found:
                against.append(f"entry {entry_id} is not an entry of this child you may see")
        return [found[i] for i in entry_ids if i in found]
    if Category.CHRONOLOGY in categories:
        return list(
            seen.filter(agency=actor.agency, amended_by__isnull=True).select_related("agency")
        )
    return []


def _senior_of(person: Practitioner | None, agency: Agency) -> bool:
    return (
        person is not None
        and person.is_active
        and person.agency_id == agency.pk
        and person.has_role(Role.SENIOR)
    )


def _named(entry: Concern) -> str:
    """An entry as a reason names it: by its date and id, never by its text. The reasons
    are audited, and the audit holds no summary, detail or name (DOMAIN §4.7)."""
    return f"the entry of {timezone.localtime(entry.occurred_at):%d %B %Y} (concern:{entry.pk})"


def _entry_protections(
    actor: Practitioner,
    entries: list[Concern],
    authoriser: Practitioner | None,
    against: list[str],
    today: dt.date,
) -> None:
    for entry in entries:
        if entry.agency_id == actor.agency_id:
            if entry.restricted and not (
                _senior_of(actor, entry.agency) or _senior_of(authoriser, entry.agency)
            ):
                against.append(
                    f"{_named(entry)} is restricted: only a senior of "
                    f"{entry.agency.name} may release it (DOMAIN §4.3): choose the entries "
                    "to share without it, or ask a senior to authorise"
                )
            continue
        # Received from another agency: onward sharing only where the ISP allows it.
        received = (
            DisclosedEntry.objects.filter(concern=entry, disclosure__to_agency=actor.agency_id)
            .select_related("disclosure__isp")
            .order_by("-disclosure__made_at")
        )
        if not any(d.disclosure.isp and d.disclosure.isp.onward_sharing for d in received):
            against.append(
                f"{_named(entry)} was received from {entry.agency.name}, and no ISP "
                f"under which it came allows onward sharing: ask {entry.agency.name} to share "
                "it (DOMAIN §4.5)"
            )


def _restricted_releaser(
    actor: Practitioner, entries: list[Concern], authoriser: Practitioner | None
) -> Practitioner | None:
    """The senior who releases the caller's agency's restricted entries, if any are shared."""
    if not any(e.restricted and e.agency_id == actor.agency_id for e in entries):
        return None
    assert actor.agency is not None
    return actor if _senior_of(actor, actor.agency) else authoriser


def covering_isps(
    from_agency: Agency, to_agency: Agency, purpose: str, categories: Sequence[str]
) -> tuple[list[Isp], list[str]]:
    """ISPs between the two agencies that are in force and cover the purpose and every
    category; and, when there are none, why each candidate does not."""
    today = timezone.localdate()
    candidates = (
        Isp.objects.filter(parties__agency=from_agency)
        .filter(pk__in=Isp.objects.filter(parties__agency=to_agency).values("pk"))
        .prefetch_related("parties__agency")
        .distinct()
    )
    covering: list[Isp] = []
    why_not: list[str] = []
    for isp in candidates:
        status = isp.effective_status(today)
        label = f"ISP '{isp.title}'"
        if status == Isp.Status.DRAFT:
            waiting = [p.agency.name for p in isp.parties.all() if p.approved_at is None]
            why_not.append(f"{label} is a draft, not yet approved by {', '.join(waiting)}")
        elif status == Isp.Status.SUSPENDED:
            why_not.append(f"{label} is suspended")
        elif status == Isp.Status.EXPIRED:
            why_not.append(f"{label} expired on its review date, {isp.review_date:%d %B %Y}")
        elif purpose not in isp.purposes:
            why_not.append(f"{label} does not cover the purpose {purpose}")
        elif missing := [c for c in categories if c not in isp.categories]:
            why_not.append(f"{label} does not cover {', '.join(missing)}")
        else:
            covering.append(isp)
    if not candidates:
        why_not.append(
            f"there is no Information Sharing Protocol between {from_agency.name} and "
            f"{to_agency.name} (DOMAIN §4.4)"
        )
    elif not covering:
        why_not.append(f"no active ISP between {from_agency.name} and {to_agency.name} covers this")
    return covering, why_not


def _why_not(consent: Consent, recipient: Agency, purpose: str, category: str) -> str:
    when = timezone.localtime(consent.recorded_at).strftime("%d %B %Y")
    if purpose not in consent.purposes:
        return f"the consent of {when} does not cover the purpose {purpose}"
    if recipient.pk not in {a.pk for a in consent.recipients.all()}:
        return f"the consent of {when} does not name {recipient.name} as a recipient"
    return f"the consent of {when} does not cover {category}"


def consent_for(
    child_id: uuid.UUID, recipient: Agency, purpose: str, categories: Sequence[str]
) -> tuple[Consent | None, list[str]]:
    """The consent in force for this share, or why there is none (DOMAIN §4.4).

    Each category is decided on its own: the most recent decision covering the purpose,
    the recipient and that category counts, so a later refusal of one category is not
    overridden by an earlier, wider agreement. Where the child has decided for
    themself, their decision counts over a parent's (DOMAIN §2: a person with parental
    responsibility decides only otherwise)."""
    consents = list(
        Consent.objects.filter(child_ref=child_id)
        .prefetch_related("recipients")
        .order_by("-recorded_at")
    )
    if not consents:
        return None, ["the ISP relies on the family's agreement and no consent is recorded"]

    def covers(consent: Consent, category: str) -> bool:
        return (
            purpose in consent.purposes
            and category in consent.categories
            and recipient.pk in {a.pk for a in consent.recipients.all()}
        )

    used: list[Consent] = []
    against: list[str] = []
    for category in categories:
        own = [c for c in consents if c.person_ref is None and covers(c, category)]
        pool = own or [c for c in consents if covers(c, category)]
        if not pool:
            against.append(
                f"no consent covers sharing {category} with {recipient.name} for {purpose}"
            )
            against += [_why_not(c, recipient, purpose, category) for c in consents]
            continue
        latest = pool[0]
        when = timezone.localtime(latest.recorded_at).strftime("%d %B %Y")
        who = "the child" if latest.person_ref is None else "a parent"
        state = latest.state()
        if state == Consent.Decision.GIVEN:
            used.append(latest)
        elif state == "withdrawn" and latest.withdrawn_at is not None:
            gone = timezone.localtime(latest.withdrawn_at).strftime("%d %B %Y")
            against.append(f"consent to {category} given on {when} was withdrawn on {gone}")
        elif state == "expired" and latest.expires_on is not None:
            against.append(
                f"consent to {category} given on {when} expired on {latest.expires_on:%d %B %Y}"
            )
        else:
            against.append(f"{who} refused consent to {category} on {when}")
    if against:
        return None, list(dict.fromkeys(against))
    return max(used, key=lambda c: c.recorded_at), []


def decide_share(
    actor: Practitioner,
    *,
    child_id: uuid.UUID,
    recipient: Agency,
    purpose: str,
    categories: Sequence[str],
    justification: str,
    entry_ids: Sequence[uuid.UUID] | None = None,
    authorised_by: Practitioner | None = None,
    urgent: bool = False,
) -> ShareDecision:
    """May the actor's agency disclose these categories about the child to the recipient
    for the purpose? DOMAIN §4.4 (ISP, consent, necessity; child protection), §4.3
    (restricted entries), §4.5 (no onward sharing). Every reason is returned.

    `authorised_by` is a senior of the agency whose authorisation the share would have
    (asked, they decide: services.ask_authorisation); `urgent`, child protection shared
    at once without a senior's authorisation because waiting would put the child at
    risk."""
    today = timezone.localdate()
    against: list[str] = []
    if actor.agency is None:
        return ShareDecision(False, ("only a practitioner of an agency may share",))
    from_agency = actor.agency
    if recipient.pk == from_agency.pk:
        against.append("an agency does not disclose to itself")
    if not categories:
        against.append("name at least one category of information")
    if not justification.strip():
        against.append("record why the share is necessary and proportionate (DOMAIN §4.4)")
    entries = _entries(actor, child_id, categories, entry_ids, against)
    if authorised_by is not None and not _senior_of(authorised_by, from_agency):
        against.append(f"{authorised_by.display_name} is not a senior of {from_agency.name}")
        authorised_by = None
    _entry_protections(actor, entries, authorised_by, against, today)

    if purpose == Purpose.CHILD_PROTECTION:
        senior = actor if _senior_of(actor, from_agency) else authorised_by
        if senior is None and not urgent:
            against.append(
                f"child protection sharing needs a senior of {from_agency.name} to authorise "
                "it with a written justification: the caller, or a senior asked to "
                "(authorised_by), who decides; where waiting would put the child at risk, "
                "share urgently without authorisation, saying why (DOMAIN §4.4)"
            )
        isps, _ = covering_isps(from_agency, recipient, purpose, categories)
        isp = isps[0] if isps else None
        if against:
            return ShareDecision(False, tuple(against), isp=isp)
        if senior is None:
            how = (
                "child protection: risk of significant harm; shared urgently WITHOUT a "
                "senior's authorisation, because waiting would put the child at risk; the "
                f"seniors and information governance of {from_agency.name} are told at once "
                "(DOMAIN §4.4)"
            )
        elif senior.pk == actor.pk:
            how = (
                f"child protection: risk of significant harm; authorised by "
                f"{senior.display_name}, a senior of {from_agency.name}, themselves, with a "
                "written justification (DOMAIN §4.4)"
            )
        else:
            how = (
                f"child protection: risk of significant harm; on the authorisation of "
                f"{senior.display_name}, a senior of {from_agency.name}, asked: shared only "
                "when they authorise it, as their own act (DOMAIN §4.4)"
            )
        return ShareDecision(
            True,
            (
                how,
                "may be shared without agreement and even against a refusal, with or "
                "without an ISP",
                f"under ISP '{isp.title}'"
                if isp
                else "no ISP covers it: shared on the child protection exception",
                "flagged for information governance review",
            ),
            urgent=senior is None,
            isp=isp,
            lawful_basis=isp.lawful_basis if isp else LawfulBasis.PUBLIC_TASK,
            special_category_condition=(
                isp.special_category_condition
                if isp and isp.special_category_condition
                else SpecialCategoryCondition.SUBSTANTIAL_PUBLIC_INTEREST
            ),
            child_protection_override=True,
            authorised_by=senior,
            entries=tuple(entries),
        )

    isps, why_not = covering_isps(from_agency, recipient, purpose, categories)
    if not isps:
        return ShareDecision(False, tuple(against + why_not))
    isp = isps[0]
    reasons = [f"active ISP '{isp.title}' covers {purpose} and {', '.join(categories)}"]
    consent = None
    if isp.consent_required or isp.lawful_basis == LawfulBasis.CONSENT:
        consent, missing = consent_for(child_id, recipient, purpose, categories)
        if consent is None:
            return ShareDecision(False, tuple(against + missing), isp=isp)
        reasons.append(
            f"the ISP relies on the family's agreement: consent given on "
            f"{timezone.localtime(consent.recorded_at):%d %B %Y} covers it"
        )
    else:
        reasons.append(
            f"lawful basis {isp.lawful_basis}: the family is to be told, unless telling them "
            "would put the child at risk"
        )
    if against:
        return ShareDecision(False, tuple(against), isp=isp, consent=consent)
    releaser = _restricted_releaser(actor, entries, authorised_by)
    if releaser is not None:
        reasons.append(
            f"restricted entries released by {releaser.display_name}, a senior of "
            f"{from_agency.name}"
        )
    reasons.append("a reason why it is necessary and proportionate is recorded")
    return ShareDecision(
        True,
        tuple(reasons),
        isp=isp,
        consent=consent,
        lawful_basis=isp.lawful_basis,
        special_category_condition=isp.special_category_condition,
        authorised_by=releaser,
        entries=tuple(entries),
    )


def entry_disclosures(actor: Practitioner, child_id: uuid.UUID) -> dict[uuid.UUID, uuid.UUID]:
    """For each entry disclosed to the actor's agency (and still in force), the disclosure
    that makes it visible."""
    now = timezone.now()
    rows = DisclosedEntry.objects.filter(
        disclosure__child_ref=child_id,
        disclosure__to_agency=actor.agency_id,
        disclosure__expires_at__gt=now,
    ).order_by("disclosure__made_at")
    found: dict[uuid.UUID, uuid.UUID] = {}
    for concern_id, disclosure_id in rows.values_list("concern_id", "disclosure_id"):
        found.setdefault(concern_id, disclosure_id)
    return found


def disclosed_to(agency_id: uuid.UUID, child_id: uuid.UUID | None = None) -> Q:
    """Entries disclosed to the agency while the disclosure is in force (DOMAIN §4.3).

    Given the child, only the disclosures about that child are read (an index on the
    disclosure's child): a chronology then costs the same whether the agency has received
    ten disclosures or a nation's. Without it, each entry the query reads is asked of
    its own disclosures (a correlated EXISTS), never `pk IN (every entry ever disclosed
    to the agency)`."""
    now = timezone.now()
    if child_id is not None:
        return Q(
            pk__in=DisclosedEntry.objects.filter(
                disclosure__child_ref=child_id,
                disclosure__to_agency=agency_id,
                disclosure__expires_at__gt=now,
            ).values("concern_id")
        )
    return Q(
        Exists(
            DisclosedEntry.objects.filter(
                concern_id=OuterRef("pk"),
                disclosure__to_agency=agency_id,
                disclosure__expires_at__gt=now,
            )
        )
    )
