"""The information governance pages (DOMAIN §4.4, §4.7–4.9): an overview, the audit
viewer, the review queue of child protection overrides and break glass, and a family's
transparency report read before it is released. For the role information_governance
only: the queries and services they call authorize (and audit) every read and write."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone

from bairn.access.lookup import CHILD, NONE, QUERY
from bairn.access.policy import Action, NotVisible, authorize, decide, involved_children
from bairn.agencies.models import Practitioner
from bairn.audit import log as audit_log
from bairn.audit import queries as audit_queries
from bairn.audit import wording
from bairn.audit.models import AuditEvent
from bairn.errors import Invalid
from bairn.people import services as people
from bairn.reference import Category, LawfulBasis, Purpose
from bairn.sharing import queries as sharing
from bairn.sharing import services as sharing_services
from bairn.web.forms import MatchForm, UkDateField, set_choices, show_errors
from bairn.web.pages import page, signed_in

PER_PAGE = 100


def _uuid(value: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _visible_children(me: Practitioner, refs: set[uuid.UUID]) -> set[uuid.UUID]:
    """Of these children, those whose record the viewer may open: the policy's own filter
    of current involvement (DOMAIN §4.1), in one query."""
    return set(
        involved_children(me).filter(child_ref__in=list(refs)).values_list("child_ref", flat=True)
    )


# --- the overview ----------------------------------------------------------------------


@page(Action.REVIEW, lookup=NONE, also=(Action.CHILD_MATCH,))
def index(request: HttpRequest) -> HttpResponse:
    """What waits for review, the way to the audit, the audit chain's state, and the way
    to a family's transparency report — found by the child's details sent in a POST, so
    that no name or date of birth travels in a URL."""
    me = signed_in(request)
    # Asked first: it is the policy's answer for anyone but information governance.
    queue = sharing.review_queue(me)
    form = MatchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        child = _transparency_child(me, form)
        if child is not None:
            return redirect("web:transparency", child_id=child)
    # The whole log is recomputed by `bairn audit verify` (daily) or, when no full check
    # has held yet, here; otherwise the page checks in milliseconds what came since.
    standing = audit_log.quick_check()
    return render(
        request,
        "web/governance/index.html",
        {
            "disclosures_waiting": len(queue.disclosures),
            "break_glass_waiting": len(queue.break_glass),
            "log": standing,
            "form": form,
        },
    )


def _transparency_child(me: Practitioner, form: MatchForm) -> uuid.UUID | None:
    """The child whose report the viewer asked for, matched as bairn.people.services.match
    matches (the search is audited there), and only if the viewer's agency holds records
    about them. Anything else gets the same answer, which says nothing of the child."""
    data = form.cleaned_data
    try:
        result = people.match(me, **data)
    except Invalid as error:
        show_errors(form, error)
        return None
    found = people.find_one(**data) if result.matched else None
    if found is not None and decide(me, Action.TRANSPARENCY_READ, child_id=found.pk).allowed:
        return found.pk
    form.add_error(
        None,
        "Your agency holds no records about a child with these details. Check the spelling, "
        "the date of birth and the postcode or CHI number.",
    )
    return None


# --- the audit viewer --------------------------------------------------------------------


class AuditFilterForm(forms.Form):
    actor = forms.CharField(
        label="Who",
        help_text="The practitioner's username, for example ross",
        required=False,
        max_length=150,
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    action = forms.ChoiceField(label="Action", required=False)
    outcome = forms.ChoiceField(
        label="Outcome",
        required=False,
        choices=[("", "Allowed or refused"), *AuditEvent.Outcome.choices],
    )
    date_from = UkDateField(label="From", help_text="For example, 01/11/2026", required=False)
    date_to = UkDateField(
        label="To", help_text="The day included, for example 30/11/2026", required=False
    )
    child = forms.UUIDField(
        label="Child's reference",
        help_text=(
            "The reference shown in the audit or on the child's record. Never a name: "
            "filters travel in the page's address."
        ),
        required=False,
    )

    def __init__(self, *args: Any, actions: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(
            self,
            "action",
            [("", "Any action"), *((a, wording.action_words(a)) for a in actions)],
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end of the period must not be before its start.")
        return data


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@dataclass(frozen=True)
class _Search:
    """The audit search a request asks for: its filters and the events they find, and
    the cursor of the older events when more follow."""

    filters: AuditFilterForm
    found: list[AuditEvent]
    older: str | None = None


def _search(
    request: HttpRequest, me: Practitioner, limit: int, cursor: str | None = None
) -> _Search:
    """The viewer's query, shared by the page and its CSV export: the same filters, the
    same policy answer, bairn.audit.queries.events_page deciding which events and
    auditing this reading of them."""
    if not decide(me, Action.AUDIT_READ).allowed:
        # Nothing of the audit, not even which actions it holds, before the policy's
        # answer (authorize records the refusal and raises it).
        authorize(me, Action.AUDIT_READ, object="audit")
    filters = AuditFilterForm(_filters_of(request) or None, actions=audit_queries.actions_seen())
    if filters.is_bound and not filters.is_valid():
        # No events for filters that make no sense, but the same policy answer.
        authorize(me, Action.AUDIT_READ, object="audit")
        return _Search(filters, [])
    data = filters.cleaned_data if filters.is_bound else {}
    try:
        found = audit_queries.events_page(
            me,
            child_id=data.get("child"),
            who=(data.get("actor") or "").strip() or None,
            date_from=_start_of(data["date_from"]) if data.get("date_from") else None,
            date_to=(
                _start_of(data["date_to"] + dt.timedelta(days=1)) if data.get("date_to") else None
            ),
            action=data.get("action") or None,
            outcome=data.get("outcome") or None,
            limit=limit,
            cursor=cursor,
        )
    except Invalid as error:
        show_errors(filters, error)
        return _Search(filters, [])
    return _Search(filters, found.items, found.next)


def _filters_of(request: HttpRequest) -> Any:
    """The filters of this request, without the page's cursor."""
    query = request.GET.copy()
    query.pop("older", None)
    query.pop("page", None)  # the page numbers links used to carry
    return query


def _filter_query(request: HttpRequest) -> str:
    """The filters of this request as a query string, without the page's cursor."""
    return str(_filters_of(request).urlencode())


@page(Action.AUDIT_READ, lookup=QUERY)
def audit_viewer(request: HttpRequest) -> HttpResponse:
    """Every read and write the viewer answers for, allowed and refused, newest first
    (DOMAIN §4.7), each as a sentence (bairn.audit.wording): bairn.audit.queries decides
    which, and audits this reading. A page of PER_PAGE at a time, the older ones by the
    cursor the page links to (bairn.pagination): as quick far back as at the start."""
    me = signed_in(request)
    cursor = request.GET.get("older") or None
    if cursor is not None and not audit_queries.is_cursor(cursor):
        # A mangled link: the newest page instead, said plainly.
        messages.info(request, "That page of events could not be found: these are the newest.")
        cursor = None
    search = _search(request, me, PER_PAGE, cursor)
    rows = _audit_rows(me, search.found)
    query = _filter_query(request)
    return render(
        request,
        "web/governance/audit.html",
        {
            "filters": search.filters,
            "filtered": bool(query),
            "filter_query": query,
            "max_events": f"{audit_queries.MAX_EVENTS:,}",
            "rows": rows,
            "older": search.older,
            "later_page": bool(cursor),
        },
    )


CSV_COLUMNS = (
    "Event",
    "Date and time (UTC)",
    "Who",
    "Role",
    "Agency",
    "Action",
    "Child reference",
    "Child",
    "Purpose",
    "Outcome",
    "Reason",
    "Flagged",
)


def csv_cell(value: object) -> str:
    """A cell a spreadsheet shows as text: one that would start a formula (= + - @, or a
    tab or carriage return before one) gets a leading apostrophe (OWASP, CSV injection)."""
    text = str(value)
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    return text


@page(Action.AUDIT_READ, lookup=QUERY)
def audit_csv(request: HttpRequest) -> HttpResponse:
    """The events the viewer's filters find — every one it can page through, newest
    first — as a CSV file for an information governance search (DOMAIN §4.7), with names
    only where the viewer shows them. The export is itself audited as a reading of the
    audit (bairn.audit.queries.events)."""
    me = signed_in(request)
    search = _search(request, me, audit_queries.MAX_EVENTS)
    if search.filters.errors:
        messages.error(request, "The filters were not valid, so nothing was exported.")
        return redirect(f"{reverse('web:audit')}?{_filter_query(request)}")
    rows = _audit_rows(me, search.found)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        e = row.event
        writer.writerow(
            [
                csv_cell(v)
                for v in (
                    e.seq,
                    e.at.astimezone(dt.UTC).isoformat(timespec="seconds"),
                    row.who,
                    row.role,
                    row.agency,
                    row.what,
                    row.child or "",
                    row.child_name,
                    row.purpose,
                    row.outcome,
                    row.reason,
                    row.flag,
                )
            ]
        )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y-%m-%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="bairn-audit-{stamp}.csv"'
    response["Cache-Control"] = "no-store"
    return response


def _audit_rows(me: Practitioner, found: list[AuditEvent]) -> list[wording.AuditRow]:
    """The events as sentences; the record's link only where the viewer may open it."""
    children = {c for e in found if (c := _uuid(e.child_id)) is not None}
    return wording.rows(me, found, visible=_visible_children(me, children))


# --- the review queue ----------------------------------------------------------------------

DISCLOSURE = "disclosure"
BREAK_GLASS = "break_glass"


class ReviewForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[(DISCLOSURE, "Disclosure"), (BREAK_GLASS, "Break glass")],
        widget=forms.HiddenInput,
    )
    item = forms.UUIDField(widget=forms.HiddenInput)
    notes = forms.CharField(
        label="What did the review find?",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Record what the review found."},
    )

    HINTS = {
        DISCLOSURE: (
            "For example, whether the risk of significant harm justified sharing without "
            "agreement, and what follows."
        ),
        BREAK_GLASS: "For example, whether the emergency justified the access, and what follows.",
    }

    @classmethod
    def of(cls, kind: str, item: uuid.UUID, data: Any = None) -> ReviewForm:
        # One form per item on the page: ids unique to the item, names the same.
        form = cls(data, initial={"kind": kind, "item": item}, auto_id=f"review-{item}-%s")
        form.fields["notes"].help_text = cls.HINTS[kind]
        return form


@page(Action.REVIEW, lookup=NONE)
def review_queue(request: HttpRequest) -> HttpResponse:
    """The agency's child protection disclosures made without agreement and its people's
    break glass, waiting for review (DOMAIN §4.4, §4.9); each is marked reviewed with
    notes by bairn.sharing.services.review, which audits it."""
    me = signed_in(request)
    queue = sharing.review_queue(me)
    waiting = {
        DISCLOSURE: {d.pk for d in queue.disclosures},
        BREAK_GLASS: {i.pk for i in queue.break_glass},
    }
    failed: ReviewForm | None = None
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        item = _uuid(request.POST.get("item", ""))
        if item is None or item not in waiting.get(kind, set()):
            # Reviewed meanwhile, or never this agency's: the same answer either way.
            messages.info(request, "That is no longer waiting for your review.")
            return redirect("web:review-queue")
        failed = ReviewForm.of(kind, item, request.POST)
        if failed.is_valid():
            notes = failed.cleaned_data["notes"]
            try:
                if kind == DISCLOSURE:
                    sharing_services.review(me, disclosure_id=item, notes=notes)
                else:
                    sharing_services.review(me, involvement_id=item, notes=notes)
            except Invalid as error:
                show_errors(failed, error)
            except NotVisible:
                messages.info(request, "That is no longer waiting for your review.")
                return redirect("web:review-queue")
            else:
                what = "disclosure" if kind == DISCLOSURE else "emergency access"
                messages.success(request, f"The review of the {what} is recorded.")
                return redirect("web:review-queue")

    def form_for(kind: str, item: uuid.UUID) -> ReviewForm:
        if failed is not None and failed.initial["item"] == item:
            return failed
        return ReviewForm.of(kind, item)

    children = {d.child_ref for d in queue.disclosures} | {i.child_ref for i in queue.break_glass}
    visible = _visible_children(me, children)
    purposes = dict(Purpose.choices)
    categories = dict(Category.choices)
    disclosures = [
        {
            "item": d,
            "form": form_for(DISCLOSURE, d.pk),
            "child_visible": d.child_ref in visible,
            "purpose": purposes.get(d.purpose, d.purpose),
            "categories": [categories.get(c, c) for c in d.categories],
        }
        for d in queue.disclosures
    ]
    break_glass = [
        {
            "item": i,
            "form": form_for(BREAK_GLASS, i.pk),
            "child_visible": i.child_ref in visible,
        }
        for i in queue.break_glass
    ]
    return render(
        request,
        "web/governance/review_queue.html",
        {
            "disclosures": disclosures,
            "break_glass": break_glass,
            "failed": failed if failed is not None and failed.errors else None,
        },
    )


# --- the transparency report ----------------------------------------------------------------


@page(Action.TRANSPARENCY_READ, lookup=CHILD)
def transparency(request: HttpRequest, child_id: uuid.UUID) -> HttpResponse:
    """What the family would be shown (DOMAIN §4.8), for information governance to read
    before it is released: never an entry withheld from the family, never details of
    other people — their names are removed from the summaries, and the detail of an
    entry is never included."""
    me = signed_in(request)
    report = sharing.transparency(me, child_id)
    purposes = dict(Purpose.choices)
    bases = dict(LawfulBasis.choices)
    categories = dict(Category.choices)
    entries = [
        {
            "occurred_at": e.occurred_at,
            "agency": e.agency.name,
            "summary": report.redact(e.summary),
            "action_taken": report.redact(e.action_taken),
            "indicators": e.indicator_codes,
        }
        for e in report.entries
    ]
    disclosures = [
        {
            "date": timezone.localtime(d.made_at).date(),
            "from_agency": d.from_agency.name,
            "to_agency": d.to_agency.name,
            "purpose": purposes.get(d.purpose, d.purpose),
            "lawful_basis": bases.get(d.lawful_basis, d.lawful_basis),
            "categories": [categories.get(c, c) for c in d.categories],
            "consent_withdrawn": bool(d.consent_id and d.consent and d.consent.withdrawn_at),
            "logged": report.in_log(d),
        }
        for d in report.disclosures
    ]
    return render(
        request,
        "web/governance/transparency.html",
        {
            "report": report,
            "child": report.child,
            "entries": entries,
            "disclosures": disclosures,
            "prepared_on": timezone.localdate(),
        },
    )


urlpatterns = [
    path("governance", index, name="governance"),
    path("governance/audit", audit_viewer, name="audit"),
    path("governance/audit.csv", audit_csv, name="audit-csv"),
    path("governance/review", review_queue, name="review-queue"),
    path(
        "governance/children/<uuid:child_id>/transparency",
        transparency,
        name="transparency",
    ),
]
