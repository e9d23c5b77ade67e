"""Home: my children, my notifications and pattern alerts, share requests waiting for me,
overdue actions (issue 5)."""

from __future__ import annotations

import uuid

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from bairn.access.lookup import NONE
from bairn.access.policy import Action, decide
from bairn.notify import queries as notify_queries
from bairn.notify import services as notify
from bairn.notify.models import Notification
from bairn.people import queries as child_queries
from bairn.planning import queries as planning
from bairn.sharing import queries as sharing
from bairn.sharing.models import Authorisation, ShareRequest
from bairn.web.pages import page, signed_in

UNREAD_SHOWN = 30
EARLIER_SHOWN = 20
ALERTS_READ = 100


@page(
    Action.NOTIFICATIONS_READ,
    lookup=NONE,
    also=(Action.CHILD_LIST, Action.SHARE_REQUEST_LIST, Action.AUTHORISATION_LIST),
)
def home(request: HttpRequest) -> HttpResponse:
    me = signed_in(request)
    # The same list as the API's GET /children, through the policy and audited once; an
    # administrator, who works with no child's record, has none.
    mine = child_queries.my_children(me) if decide(me, Action.CHILD_LIST).allowed else []
    children = [{"child": c.child, "bases": list(c.bases)} for c in mine]
    # Pages of the same query as the API's GET /notifications (bairn.notify.queries),
    # each a range scan of an index however long the history.
    unread = notify_queries.page(me, unread=True, limit=UNREAD_SHOWN).items
    cursor = request.GET.get("earlier") or None
    if cursor is not None and not notify_queries.is_cursor(cursor):
        cursor = None  # a mangled link: the newest again
    earlier = notify_queries.page(me, unread=False, limit=EARLIER_SHOWN, cursor=cursor)
    # The latest unread pattern alert of each child: the counts say it all.
    latest: dict[uuid.UUID | None, Notification] = {}
    for n in notify_queries.page(
        me, unread=True, kind=Notification.Kind.PATTERN_ALERT, limit=ALERTS_READ
    ).items:
        latest.setdefault(n.child_ref, n)
    alerts = list(latest.values())
    waiting: list[ShareRequest] = []
    authorisations: list[Authorisation] = []
    if me.agency_id:
        waiting = sharing.share_requests_awaiting(me)
        authorisations = sharing.authorisations_awaiting(me)
    overdue = planning.overdue_actions(me, [c.child.pk for c in mine])
    names = {c.child.pk: f"{c.child.given_name} {c.child.family_name}" for c in mine}
    return render(
        request,
        "web/home.html",
        {
            "children": children,
            "unread": unread,
            "earlier": earlier.items,
            "earlier_open": cursor is not None,
            "older": earlier.next,
            "alerts": alerts,
            "waiting": waiting,
            "authorisations": authorisations,
            "overdue": overdue,
            "names": names,
        },
    )


@require_POST
@page(Action.NOTIFICATIONS_READ, lookup=NONE)
def mark_all_read(request: HttpRequest) -> HttpResponse:
    me = signed_in(request)
    for note in notify.list_for(me, unread_only=True):
        notify.mark_read(me, note.pk)
    return redirect("web:home")


@require_POST
@page(Action.NOTIFICATIONS_READ, lookup=NONE)
def mark_read(request: HttpRequest, notification_id: uuid.UUID) -> HttpResponse:
    notify.mark_read(signed_in(request), notification_id)
    return redirect("web:home")
