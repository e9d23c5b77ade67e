"""Home: my children, my notifications and pattern alerts, share requests waiting for me,
overdue actions (issue 5)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from bairn.access.policy import Action, involved_children
from bairn.notify import services as notify
from bairn.notify.models import Notification
from bairn.people.models import Child
from bairn.planning.models import Plan, PlanVersion
from bairn.sharing import queries as sharing
from bairn.sharing.models import ShareRequest
from bairn.sharing.services import may_decide
from bairn.web.pages import page, signed_in


@page(Action.NOTIFICATIONS_READ)
def home(request: HttpRequest) -> HttpResponse:
    me = signed_in(request)
    bases: dict[uuid.UUID, set[str]] = {}
    for ref, basis in involved_children(me).values_list("child_ref", "basis"):
        bases.setdefault(ref, set()).add(basis)
    records = list(Child.objects.filter(pk__in=list(bases)).order_by("family_name", "given_name"))
    children = [{"child": c, "bases": sorted(bases[c.pk])} for c in records]
    notes = notify.list_for(me)
    unread = [n for n in notes if n.read_at is None]
    # The latest unread pattern alert of each child: the counts say it all.
    latest: dict[uuid.UUID | None, Notification] = {}
    for n in unread:
        if n.kind == Notification.Kind.PATTERN_ALERT:
            latest.setdefault(n.child_ref, n)
    alerts = list(latest.values())
    waiting: list[ShareRequest] = []
    if me.agency_id:
        waiting = [
            r for r in sharing.share_requests(me, ShareRequest.Status.PENDING) if may_decide(me, r)
        ]
    overdue = _overdue_actions(me.pk, list(bases))
    names = {c.pk: f"{c.given_name} {c.family_name}" for c in records}
    return render(
        request,
        "web/home.html",
        {
            "children": children,
            "unread": unread[:30],
            "earlier": [n for n in notes if n.read_at is not None][:20],
            "alerts": alerts,
            "waiting": waiting,
            "overdue": overdue,
            "names": names,
        },
    )


def _overdue_actions(me: uuid.UUID, children: list[uuid.UUID]) -> list[dict[str, object]]:
    today = timezone.localdate()
    found: list[dict[str, object]] = []
    for plan in Plan.objects.filter(child_ref__in=children, closed_at__isnull=True, version__gt=0):
        content = PlanVersion.objects.get(plan=plan, version=plan.version).content
        for need in content["needs"]:
            for action in need["actions"]:
                mine = action["owner_id"] == str(me) or content["lead_professional_id"] == str(me)
                due = dt.date.fromisoformat(action["due_on"])
                if mine and due < today and action["status"] in ("planned", "in_progress"):
                    found.append({"child_id": plan.child_ref, "due": due, **action})
    return sorted(found, key=lambda a: str(a["due"]))


@require_POST
@page(Action.NOTIFICATIONS_READ)
def mark_all_read(request: HttpRequest) -> HttpResponse:
    me = signed_in(request)
    for note in notify.list_for(me, unread_only=True):
        notify.mark_read(me, note.pk)
    return redirect("web:home")


@require_POST
@page(Action.NOTIFICATIONS_READ)
def mark_read(request: HttpRequest, notification_id: uuid.UUID) -> HttpResponse:
    notify.mark_read(signed_in(request), notification_id)
    return redirect("web:home")
