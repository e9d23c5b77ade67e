from django.urls import path

from bairn.web import drafts, views
from bairn.web.planning import views as planning
from bairn.web.sharing import views as sharing
from bairn.web.views import auth, children, governance, home

app_name = "web"

urlpatterns = [
    path("", home.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accessibility", views.accessibility, name="accessibility"),
    path("privacy", views.privacy, name="privacy"),
    path("sign-in", auth.sign_in, name="sign-in"),
    path("sign-in/code", auth.two_factor, name="two-factor"),
    path("sign-in/set-up-code", auth.two_factor_setup, name="two-factor-setup"),
    path("sign-out", auth.sign_out, name="sign-out"),
    path("drafts", drafts.save, name="drafts"),
    path("notifications/<uuid:notification_id>/read", home.mark_read, name="mark-read"),
    path("notifications/read", home.mark_all_read, name="mark-all-read"),
    path("find", children.find_child, name="find-child"),
    path("find/emergency-access", children.break_glass, name="break-glass"),
    path("children/new", children.new_child, name="new-child"),
    path("children/<uuid:child_id>", children.child, name="child"),
    path("children/<uuid:child_id>/people/new", children.add_person, name="add-person"),
    path(
        "children/<uuid:child_id>/people/<uuid:person_id>/change",
        children.change_person,
        name="change-person",
    ),
    path(
        "children/<uuid:child_id>/named-person",
        children.assign_named_person,
        name="assign-named-person",
    ),
    path("children/<uuid:child_id>/team/new", children.add_to_team, name="team-add"),
    path(
        "children/<uuid:child_id>/team/<uuid:practitioner_id>/remove",
        children.remove_from_team,
        name="team-remove",
    ),
    path(
        "children/<uuid:child_id>/named-person-offer",
        children.answer_offer,
        name="named-person-offer",
    ),
    path(
        "children/<uuid:child_id>/lead-professional",
        children.assign_lead_professional,
        name="assign-lead-professional",
    ),
    path("children/<uuid:child_id>/concerns/new", children.record_concern, name="record-concern"),
    path("concerns/<uuid:concern_id>", children.concern, name="concern"),
    *sharing.urlpatterns,
    *planning.urlpatterns,
    *governance.urlpatterns,
]
