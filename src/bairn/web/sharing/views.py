"""Pages of sharing (DOMAIN §4.4–4.8; API.md "Sharing"; issue 5).

- /sharing: the agency's share requests (received, waiting and decided; sent) and its
  register of Information Sharing Protocols.
- /sharing/isps/…: an ISP with its parties, approval, suspension and resumption; drafting
  one (information governance).
- /children/<id>/sharing: share information about a child — with the decision engine's
  explanation shown before the button is pressed (live, through htmx, and rendered by the
  server so that it works without JavaScript) — ask another agency, consent and views,
  and the disclosures made or received.
- /sharing/requests/<id>: a share request, and the holder's decision.

Every write goes through bairn.sharing.services; every explanation is services.check, the
same engine (`decide_share`) that refuses a disclosure. The explanation's query string
carries agency ids, codes, entry ids and the id of a practitioner asked to authorise —
never a person's name or any free text. Each view parses the request, calls one query or
service, and renders (forms.py, presenters.py).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_POST

from bairn.access.lookup import AUTHORISATION, CHILD, ISP, NONE, SHARE_REQUEST, granted
from bairn.access.policy import (
    Action,
    Decision,
    Forbidden,
    NotVisible,
    authorize,
    involvement_bases,
)
from bairn.agencies import queries as agency_queries
from bairn.agencies.models import Agency, Practitioner
from bairn.chronology import queries as chronology
from bairn.chronology.models import Concern
from bairn.errors import Conflict, Invalid
from bairn.people import services as people
from bairn.reference import (
    Purpose,
    Role,
)
from bairn.sharing import queries, services
from bairn.sharing.models import Authorisation, Consent, Isp, ShareRequest
from bairn.web import drafts
from bairn.web.forms import show_errors
from bairn.web.pages import page, signed_in
from bairn.web.sharing.forms import (
    CONSENT_NAMES,
    ISP_MULTI,
    SHARE_MULTI,
    SHARE_NAMES,
    AskForm,
    AuthorisationForm,
    ChildPlace,
    ConsentForm,
    DecisionForm,
    IspForm,
    ShareForm,
    StatusForm,
    ViewsForm,
    initial_from,
    label,
    query_dict,
)
from bairn.web.sharing.presenters import (
    AUTHORISATION_COLOURS,
    PROMPT,
    Explanation,
    authorisation_facts,
    consent_rows,
    decided_message,
    decision_query,
    disclosure_rows,
    explain_share,
    isp_facts,
    isp_row,
    may_decide,
    request_facts,
    request_row,
    shared_message,
    view_rows,
)
from bairn.web.stepup import step_up

# What the child's sharing page reads (the record, the people, the entries, consents,
# disclosures, requests and the explanation): every form on it may render it again.
CHILD_PAGE_READS = (
    Action.CHILD_READ,
    Action.PEOPLE_READ,
    Action.CHRONOLOGY_READ,
    Action.CONSENT_READ,
    Action.DISCLOSURE_READ,
    Action.SHARE_REQUEST_LIST,
    Action.SHARING_CHECK,
)


def _other_agencies(me: Practitioner) -> list[Agency]:
    return agency_queries.other_agencies(me.agency_id)


def _own_entries(me: Practitioner, child_id: uuid.UUID) -> list[Concern]:
    """The current entries of the user's own agency about the child that they may see:
    what a disclosure by their agency may release."""
    return [
        s.entry for s in chronology.chronology(me, child_id) if s.entry.agency_id == me.agency_id
    ]


def _seniors(me: Practitioner) -> list[Practitioner]:
    return agency_queries.seniors(me.agency_id, excluding=me)


@require_GET
@page(Action.SHARING_CHECK, lookup=CHILD)
def explain(request: HttpRequest, child_id: uuid.UUID) -> HttpResponse:
    """The explanation alone, for htmx to put on the page as the form changes."""
    me = signed_in(request)
    # The policy answers first: a child the user is not involved with is not found.
    authorize(me, Action.SHARING_CHECK, child_id=child_id, object=f"child:{child_id}")
    return render(
        request,
        "web/sharing/_explanation.html",
        {"explanation": explain_share(me, child_id, request.GET), "prompt": PROMPT},
    )


def _place(me: Practitioner, child_id: uuid.UUID) -> ChildPlace:
    # The child's record first: anyone not involved gets "not found" before anything else.
    record = people.get_child(me, child_id)
    return ChildPlace(
        record=record,
        household=people.list_people(me, child_id),
        entries=_own_entries(me, child_id),
        agencies=_other_agencies(me),
        seniors=_seniors(me),
        senior=me.has_role(Role.SENIOR),
    )


def _render_child(
    request: HttpRequest,
    me: Practitioner,
    place: ChildPlace,
    *,
    share: ShareForm | None = None,
    ask: AskForm | None = None,
    consent: ConsentForm | None = None,
    views: ViewsForm | None = None,
    explanation: Explanation | None = None,
    refused: bool = False,
    restored: bool = False,
) -> HttpResponse:
    child_id = place.record.pk
    found = queries.child_sharing(me, child_id)
    return render(
        request,
        "web/sharing/child.html",
        {
            "record": place.record,
            "share_form": share or ShareForm(place=place),
            "ask_form": ask or AskForm(place=place),
            "consent_form": consent or ConsentForm(place=place),
            "views_form": views or ViewsForm(place=place),
            "explanation": explanation,
            "prompt": PROMPT,
            "refused": refused,
            "restored": restored,
            "draft_key": _share_path(child_id),
            "senior": place.senior,
            "agency": me.agency,
            "has_entries": bool(place.entries),
            "consents": consent_rows(found.consents, found.names),
            "views": view_rows(found.views, found.names),
            "disclosures": disclosure_rows(me, found.disclosures),
            "requests": [request_row(r) for r in found.requests],
            "explain_params": "recipient,purpose,categories,entries,authorisation,authorised_by",
        },
    )


def _share_path(child_id: uuid.UUID) -> str:
    return reverse("web:child-sharing", kwargs={"child_id": child_id})


def _child_protection_share(request: HttpRequest) -> bool:
    return (
        request.method == "POST"
        and request.POST.get("purpose") == "child_protection"
        and request.POST.get("action") != "check"
    )


@page(
    Action.DISCLOSE,
    lookup=CHILD,
    also=CHILD_PAGE_READS,
)
@step_up("sharing for child protection", when=_child_protection_share)
def child_sharing(request: HttpRequest, child_id: uuid.UUID) -> HttpResponse:
    """Share information about a child (DOMAIN §4.4). The explanation is shown before the
    button is pressed; a refusal shows its reasons on the same page and keeps what was
    typed; a disclosure made returns to the child's page."""
    me = signed_in(request)
    place = _place(me, child_id)
    if request.method != "POST":
        draft = drafts.load(me, _share_path(child_id))
        if draft is None:
            return _render_child(request, me, place)
        return _share_checked(request, me, place, query_dict(draft), restored=True)
    if request.POST.get("action") == "check":
        # Without JavaScript: the explanation for what is chosen, nothing shared.
        return _share_checked(request, me, place, request.POST)
    form = ShareForm(request.POST, place=place)
    if form.is_valid():
        try:
            made = services.disclose(me, child_id, **form.disclosure())
        except Invalid as error:
            show_errors(form, error, SHARE_NAMES)
        except Forbidden as refusal:
            explained = _refusal(form, refusal)
            return _render_child(
                request, me, place, share=form, explanation=explained, refused=True
            )
        else:
            drafts.forget(me, _share_path(child_id))
            messages.success(request, shared_message(made))
            if isinstance(made, Authorisation):
                return redirect(_anchor("web:child-sharing", child_id, "share"))
            return redirect("web:child", child_id=child_id)
    explanation = explain_share(me, child_id, request.POST)
    return _render_child(request, me, place, share=form, explanation=explanation)


def _share_checked(
    request: HttpRequest,
    me: Practitioner,
    place: ChildPlace,
    sent: QueryDict,
    restored: bool = False,
) -> HttpResponse:
    """The child's sharing page with the share form as sent (a draft or a check), and the
    explanation for it: nothing is shared."""
    return _render_child(
        request,
        me,
        place,
        share=ShareForm(place=place, initial=initial_from(sent, "", SHARE_MULTI)),
        explanation=explain_share(me, place.record.pk, sent),
        restored=restored,
    )


def _refusal(form: ShareForm | DecisionForm, refusal: Forbidden) -> Explanation:
    """The engine's reasons for refusing, on the form and as the explanation."""
    for reason in refusal.decision.reasons:
        form.add_error(None, reason)
    return Explanation(False, refusal.decision.reasons)


@require_POST
@page(Action.SHARE_REQUEST_CREATE, lookup=CHILD, also=CHILD_PAGE_READS)
def ask(request: HttpRequest, child_id: uuid.UUID) -> HttpResponse:
    """Ask another agency for information about the child."""
    me = signed_in(request)
    place = _place(me, child_id)
    form = AskForm(request.POST, place=place)
    if form.is_valid():
        data = form.cleaned_data
        try:
            made = services.request_share(
                me,
                child_id,
                holder_agency_id=uuid.UUID(data["holder"]),
                purpose=data["purpose"],
                necessity=data["necessity"],
                categories=data["categories"],
                urgency=data["urgency"],
            )
        except Invalid as error:
            show_errors(form, error, {"holder_agency_id": "holder"})
        else:
            messages.success(
                request,
                f"Your request is sent to {made.holder_agency.name}. Those there who work "
                "with the child, its seniors and its information governance are told.",
            )
            return redirect("web:share-request", request_id=made.pk)
    return _render_child(request, me, place, ask=form)


@require_POST
@page(Action.CONSENT_RECORD, lookup=CHILD, also=CHILD_PAGE_READS)
def record_consent(request: HttpRequest, child_id: uuid.UUID) -> HttpResponse:
    """Consent given or refused, by the child or a person with parental responsibility."""
    me = signed_in(request)
    place = _place(me, child_id)
    form = ConsentForm(request.POST, place=place)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.record_consent(
                me,
                child_id,
                given_by=data["given_by"],
                decision=data["decision"],
                purposes=data["purposes"],
                recipient_agency_ids=[uuid.UUID(a) for a in data["recipients"]],
                categories=data["categories"],
                expires_on=data["expires_on"],
                views=data["views"],
                child_understands=data["child_understands"],
                capacity_reason=data["capacity_reason"],
            )
        except Invalid as error:
            show_errors(form, error, CONSENT_NAMES)
        else:
            messages.success(
                request,
                "The decision is recorded."
                if data["decision"] == Consent.Decision.GIVEN
                else "The refusal is recorded.",
            )
            return redirect(_anchor("web:child-sharing", child_id, "consent"))
    return _render_child(request, me, place, consent=form)


@require_POST
@page(
    Action.CONSENT_WITHDRAW,
    lookup=CHILD,
    also=(Action.CONSENT_READ, Action.CHILD_READ, Action.CHRONOLOGY_READ),
)
def withdraw_consent(
    request: HttpRequest, child_id: uuid.UUID, consent_id: uuid.UUID
) -> HttpResponse:
    """Withdrawal stops future disclosures at once."""
    me = signed_in(request)
    found, _ = queries.consents(me, child_id)
    if consent_id not in {c.pk for c in found}:
        raise NotVisible(consent_id)
    reason = request.POST.get("reason", "").strip()[:5000]
    try:
        services.withdraw_consent(me, consent_id, reason=reason)
    except Conflict as conflict:
        messages.error(request, conflict.message)
    else:
        messages.success(request, "The consent is withdrawn: nothing more is shared under it.")
    return redirect(_anchor("web:child-sharing", child_id, "consent"))


@require_POST
@page(Action.VIEWS_RECORD, lookup=CHILD, also=CHILD_PAGE_READS)
def record_views(request: HttpRequest, child_id: uuid.UUID) -> HttpResponse:
    """The views of the child or family, whether or not consent is the basis."""
    me = signed_in(request)
    place = _place(me, child_id)
    form = ViewsForm(request.POST, place=place)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.record_views(
                me, child_id, whose=data["whose"], views=data["views"], about=data["about"]
            )
        except Invalid as error:
            show_errors(form, error)
        else:
            messages.success(request, "The views are recorded.")
            return redirect(_anchor("web:child-sharing", child_id, "views"))
    return _render_child(request, me, place, views=form)


@require_POST
@page(Action.DISCLOSE, lookup=CHILD, also=(Action.DISCLOSURE_READ, Action.CHILD_READ))
def family_informed(
    request: HttpRequest, child_id: uuid.UUID, disclosure_id: uuid.UUID
) -> HttpResponse:
    """The disclosing agency records that the family was told of a disclosure."""
    me = signed_in(request)
    if disclosure_id not in {d.pk for d in queries.disclosures(me, child_id)}:
        raise NotVisible(disclosure_id)
    services.mark_family_informed(me, disclosure_id, informed=True)
    messages.success(request, "Recorded: the family has been told of the share.")
    return redirect(_anchor("web:child-sharing", child_id, "disclosures"))


def _anchor(name: str, child_id: uuid.UUID, fragment: str) -> str:
    return f"{reverse(name, kwargs={'child_id': child_id})}#{fragment}"


# --- the agency's sharing ------------------------------------------------------------------


@page(Action.ISP_READ, lookup=NONE, also=(Action.SHARE_REQUEST_LIST,))
def index(request: HttpRequest) -> HttpResponse:
    """The agency's share requests and its register of ISPs."""
    me = signed_in(request)
    register = [isp_row(me, i) for i in queries.isps(me)]
    found = queries.share_requests(me)
    names = queries.child_names(me, {r.child_ref for r in found})
    received = [r for r in found if r.holder_agency_id == me.agency_id]
    return render(
        request,
        "web/sharing/index.html",
        {
            "waiting": [
                {**request_row(r), "may_decide": may_decide(me, r)}
                for r in received
                if r.status == ShareRequest.Status.PENDING
            ],
            "decided": [
                request_row(r) for r in received if r.status != ShareRequest.Status.PENDING
            ],
            "sent": [request_row(r) for r in found if r.requesting_agency_id == me.agency_id],
            "names": names,
            "register": register,
            "governance": me.has_role(Role.INFORMATION_GOVERNANCE),
        },
    )


# --- Information Sharing Protocols -----------------------------------------------------------


@page(Action.ISP_CREATE, lookup=NONE, also=(Action.ISP_READ,))
def isp_new(request: HttpRequest) -> HttpResponse:
    """Information governance drafts an ISP; it is a draft until every party approves."""
    me = signed_in(request)
    authorize(me, Action.ISP_CREATE)
    agencies = agency_queries.agencies()
    if request.method != "POST":
        draft = drafts.load(me, request.path)
        initial: dict[str, Any] = (
            {"parties": [str(me.agency_id)]}
            if draft is None
            else initial_from(query_dict(draft), "", ISP_MULTI)
        )
        form = IspForm(initial=initial, agencies=agencies)
        return _render_isp_new(request, form, restored=draft is not None)
    form = IspForm(request.POST, agencies=agencies)
    if form.is_valid():
        try:
            isp = services.draft_isp(me, **form.to_draft())
        except Invalid as error:
            show_errors(form, error, {"party_agency_ids": "parties"})
        else:
            drafts.forget(me, request.path)
            messages.success(
                request,
                "The ISP is drafted. It is active once the information governance lead "
                "of every party has approved it.",
            )
            return redirect("web:isp", isp_id=isp.pk)
    return _render_isp_new(request, form)


def _render_isp_new(request: HttpRequest, form: IspForm, restored: bool = False) -> HttpResponse:
    return render(
        request,
        "web/sharing/isp_new.html",
        {"form": form, "restored": restored, "draft_key": request.path},
    )


def _render_isp(
    request: HttpRequest, me: Practitioner, isp_id: uuid.UUID, status_form: StatusForm | None = None
) -> HttpResponse:
    isp = queries.isp(me, isp_id)
    row = isp_row(me, isp)
    parties = list(isp.parties.all())
    governance = me.has_role(Role.INFORMATION_GOVERNANCE)
    mine = next((p for p in parties if p.agency_id == me.agency_id), None)
    facts = isp_facts(isp, row)
    return render(
        request,
        "web/sharing/isp.html",
        {
            "isp": isp,
            "row": row,
            "facts": facts,
            "parties": parties,
            "can_approve": governance and row["awaiting_us"],
            "can_suspend": governance and mine is not None and isp.status == Isp.Status.ACTIVE,
            "can_resume": governance and mine is not None and isp.status == Isp.Status.SUSPENDED,
            "status_form": status_form or StatusForm(),
        },
    )


@page(Action.ISP_READ, lookup=ISP)
def isp_detail(request: HttpRequest, isp_id: uuid.UUID) -> HttpResponse:
    """An ISP with its parties, key post holders and privacy impact assessment."""
    return _render_isp(request, signed_in(request), isp_id)


@require_POST
@page(Action.ISP_APPROVE, lookup=NONE, also=(Action.ISP_READ,))
def isp_approve(request: HttpRequest, isp_id: uuid.UUID) -> HttpResponse:
    me = signed_in(request)
    try:
        isp = services.approve_isp(me, isp_id)
    except Conflict as conflict:
        messages.error(request, conflict.message)
    else:
        if isp.status == Isp.Status.ACTIVE:
            messages.success(request, "Approved. Every party has approved: the ISP is active.")
        else:
            waiting = [p.agency.name for p in isp.parties.all() if p.approved_at is None]
            messages.success(request, f"Approved. Waiting for {', '.join(waiting)}.")
    return redirect("web:isp", isp_id=isp_id)


@require_POST
@page(Action.ISP_SUSPEND, lookup=NONE, also=(Action.ISP_READ,))
def isp_status(request: HttpRequest, isp_id: uuid.UUID) -> HttpResponse:
    """Suspend an ISP (sharing under it stops at once) or resume it, with the reason."""
    me = signed_in(request)
    form = StatusForm(request.POST)
    suspend = request.POST.get("change") == "suspend"
    if form.is_valid():
        try:
            isp = services.set_isp_status(
                me, isp_id, suspend=suspend, reason=form.cleaned_data["reason"]
            )
        except Invalid as error:
            show_errors(form, error)
        except Conflict as conflict:
            form.add_error(None, conflict.message)
        else:
            messages.success(
                request,
                "The ISP is suspended: nothing more is shared under it."
                if isp.status == Isp.Status.SUSPENDED
                else "The ISP is active again.",
            )
            return redirect("web:isp", isp_id=isp_id)
    return _render_isp(request, me, isp_id, status_form=form)


# --- a share request ------------------------------------------------------------------------


@page(
    Action.SHARE_REQUEST_READ,
    lookup=SHARE_REQUEST,
    also=(
        Action.SHARE_REQUEST_DECIDE,
        Action.CHILD_READ,
        Action.CHRONOLOGY_READ,
        Action.SHARING_CHECK,
    ),
)
def share_request(request: HttpRequest, request_id: uuid.UUID) -> HttpResponse:
    """A share request: what is asked and why; for the holder, the decision, with the
    explanation of the share before it is made."""
    me = signed_in(request)
    asked = granted(request).record
    assert isinstance(asked, ShareRequest)
    allowed = may_decide(me, asked)
    decider = allowed and asked.status == ShareRequest.Status.PENDING
    entries = _own_entries(me, asked.child_ref) if decider else []
    if request.method != "POST":
        return _render_request(request, me, asked, DecisionForm(entries=entries), decider)
    if asked.holder_agency_id != me.agency_id:
        raise Forbidden(Decision.forbid(f"only {asked.holder_agency.name}, asked, decides"))
    form = DecisionForm(request.POST, entries=entries)
    # Someone who may not decide, or a request already decided: the service says why.
    if form.is_valid() or not decider:
        try:
            decided = services.decide_request(me, request_id, **form.to_decide())
        except Invalid as error:
            show_errors(form, error, {"entry_ids": "entries"})
        except Conflict as conflict:
            messages.error(request, conflict.message)
            return redirect("web:share-request", request_id=request_id)
        except Forbidden as refusal:
            if not allowed:
                raise
            explained = _refusal(form, refusal)
            return _render_request(request, me, asked, form, decider, explained, refused=True)
        else:
            messages.success(request, decided_message(decided))
            return redirect("web:share-request", request_id=request_id)
    return _render_request(request, me, asked, form, decider)


def _render_request(
    request: HttpRequest,
    me: Practitioner,
    asked: ShareRequest,
    form: DecisionForm,
    decider: bool,
    explanation: Explanation | None = None,
    refused: bool = False,
) -> HttpResponse:
    child_id = asked.child_ref
    if decider and explanation is None:
        explanation = explain_share(me, child_id, decision_query(asked, request))
    # The child's name only for someone who still works with the child.
    record = people.get_child(me, child_id) if involvement_bases(me, child_id) else None
    return render(
        request,
        "web/sharing/request.html",
        {
            "row": request_row(asked),
            "asked": asked,
            "heading": f"{asked.requesting_agency.name} asks {asked.holder_agency.name}",
            "facts": request_facts(asked, record),
            "child_id": child_id,
            "decider": decider,
            "holder": asked.holder_agency_id == me.agency_id,
            "form": form,
            "explanation": explanation,
            "prompt": PROMPT,
            "refused": refused,
            "explain_params": "recipient,purpose,categories,entries,decision",
        },
    )


# --- a senior's authorisation (DOMAIN §4.4) --------------------------------------------------


@page(Action.AUTHORISATION_LIST, lookup=NONE)
def authorisations(request: HttpRequest) -> HttpResponse:
    """The shares waiting for the user's authorisation as a senior, with the decision;
    and those they asked a senior to authorise."""
    me = signed_in(request)
    awaiting = queries.authorisations_awaiting(me)
    asked = [a for a in queries.authorisations(me) if a.asked_by_id == me.pk]
    names = queries.child_names(me, {a.child_ref for a in awaiting})
    return render(
        request,
        "web/sharing/authorisations.html",
        {
            "awaiting": [
                {
                    "authorisation": a,
                    "facts": authorisation_facts(a, names),
                    "form": AuthorisationForm(prefix=str(a.pk)),
                }
                for a in awaiting
            ],
            "asked": [
                {
                    "authorisation": a,
                    "purpose": label(Purpose, a.purpose),
                    "colour": AUTHORISATION_COLOURS.get(a.status, "grey"),
                }
                for a in asked
            ],
        },
    )


def _authorising(request: HttpRequest) -> bool:
    return request.method == "POST" and any(
        k.endswith("-decision") and v == "authorise" for k, v in request.POST.items()
    )


@require_POST
@page(Action.AUTHORISATION_DECIDE, lookup=AUTHORISATION)
@step_up("authorising a share", when=_authorising)
def authorisation_decide(request: HttpRequest, authorisation_id: uuid.UUID) -> HttpResponse:
    """A senior authorises (the share is made now) or refuses, with the reason."""
    me = signed_in(request)
    form = AuthorisationForm(request.POST, prefix=str(authorisation_id))
    if not form.is_valid():
        messages.error(request, "Choose to authorise or refuse, and say why.")
        return redirect(f"{reverse('web:authorisations')}#authorisation-{authorisation_id}")
    try:
        decided = services.decide_authorisation(
            me,
            authorisation_id,
            decision=form.cleaned_data["decision"],
            reason=form.cleaned_data["reason"],
        )
    except (Invalid, Conflict) as error:
        messages.error(request, str(error))
    except Forbidden as refusal:
        messages.error(
            request, "The rules do not allow this share now: " + "; ".join(refusal.decision.reasons)
        )
    else:
        if decided.status == Authorisation.Status.AUTHORISED:
            messages.success(
                request,
                f"Authorised: shared with {decided.recipient.name}, recorded as authorised by "
                f"you. {decided.asked_by.display_name} is told.",
            )
        else:
            messages.success(
                request, f"Refused: nothing is shared. {decided.asked_by.display_name} is told why."
            )
    return redirect("web:authorisations")


urlpatterns = [
    path("sharing", index, name="sharing"),
    path("sharing/isps/new", isp_new, name="isp-new"),
    path("sharing/isps/<uuid:isp_id>", isp_detail, name="isp"),
    path("sharing/isps/<uuid:isp_id>/approve", isp_approve, name="isp-approve"),
    path("sharing/isps/<uuid:isp_id>/status", isp_status, name="isp-status"),
    path("sharing/requests/<uuid:request_id>", share_request, name="share-request"),
    path("sharing/authorisations", authorisations, name="authorisations"),
    path(
        "sharing/authorisations/<uuid:authorisation_id>",
        authorisation_decide,
        name="authorisation-decide",
    ),
    path("children/<uuid:child_id>/sharing", child_sharing, name="child-sharing"),
    path("children/<uuid:child_id>/sharing/explain", explain, name="sharing-explain"),
    path("children/<uuid:child_id>/sharing/ask", ask, name="child-share-ask"),
    path("children/<uuid:child_id>/consents", record_consent, name="child-consent"),
    path(
        "children/<uuid:child_id>/consents/<uuid:consent_id>/withdraw",
        withdraw_consent,
        name="consent-withdraw",
    ),
    path("children/<uuid:child_id>/views", record_views, name="child-views"),
    path(
        "children/<uuid:child_id>/disclosures/<uuid:disclosure_id>/family-informed",
        family_informed,
        name="family-informed",
    ),
]
