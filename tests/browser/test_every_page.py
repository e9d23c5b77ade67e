"""axe-core on every page, as the people who use each see it, with the whole case study
loaded (issue 5: "no serious or critical violation on any page")."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Page

from bairn.agencies.models import Practitioner
from bairn.agencies.services import issue_setup_link
from bairn.people.models import Child
from bairn.planning.models import Assessment
from bairn.sharing.models import Isp
from bairn.sharing.services import request_share
from tests.browser.conftest import PASSWORD, Checked, sign_in, sign_out, with_app

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


def user(username: str) -> Practitioner:
    return with_app(Practitioner.objects.get(username=username))


def test_every_page_passes_axe(page: Page, checked: Checked, settings: Any) -> None:
    call_command("demo", verbosity=0)
    leeann = Child.objects.get(given_name="Leeann")
    trent = Child.objects.get(given_name="Trent")
    isp = Isp.objects.filter(status="active").first()
    assert isp is not None
    assessment = Assessment.objects.filter(child_ref=leeann.pk).first()
    assert assessment is not None
    police = Practitioner.objects.get(username="sergeant")
    school = Practitioner.objects.get(username="headteacher")
    asked = request_share(
        police,
        leeann.pk,
        holder_agency_id=school.agency_id,  # type: ignore[arg-type]
        purpose="child_protection",
        necessity="For the joint investigation interview",
        categories=["chronology"],
        urgency="urgent",
    )

    # First sign-in of someone without an authenticator app: the set-up page.
    newcomer = Practitioner.objects.get(username="nursery")
    newcomer.set_password(PASSWORD)
    newcomer.save()
    # With the one-time set-up link the administrator gave: a password alone links no app.
    page.goto(issue_setup_link(newcomer).link.removeprefix(settings.BAIRN_BASE_URL))
    page.goto("/sign-in")
    page.get_by_label("Username").fill("nursery")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/sign-in/set-up-code")
    checked(page, "two-factor-setup")
    page.context.clear_cookies()

    page.goto("/accessibility")
    checked(page, "accessibility")
    page.goto("/privacy")
    checked(page, "privacy")

    # The Lead Professional: the plan and everything around it.
    sign_in(page, user("socialworker"), checked)
    visits = {
        "home-lead-professional": "/",
        "find-child": "/find",
        "child-leeann": f"/children/{leeann.pk}",
        "child-trent": f"/children/{trent.pk}",
        "plan": f"/children/{leeann.pk}/plan",
        "plan-version-1": f"/children/{leeann.pk}/plan/versions/1",
        "plan-edit": f"/children/{leeann.pk}/plan/edit",
        "meeting-new": f"/children/{leeann.pk}/meetings/new",
        "assessment-new": f"/children/{trent.pk}/assessments/new",
        "child-new": "/children/new",
        "person-new": f"/children/{leeann.pk}/people/new",
        "assign-lead-professional": f"/children/{leeann.pk}/lead-professional",
        "named-person-offer": f"/children/{leeann.pk}/named-person-offer",
        "team-new": f"/children/{leeann.pk}/team/new",
        "sharing-index": "/sharing",
        "isp": f"/sharing/isps/{isp.pk}",
        "not-found": "/children/00000000-0000-4000-8000-000000000000",
    }
    for name, path in visits.items():
        page.goto(path)
        checked(page, name)
    # A dangerous act long after signing in: the code is asked for again.
    settings.BAIRN_STEP_UP_MINUTES = 0
    page.goto(f"/children/{leeann.pk}/plan.pdf")
    checked(page, "step-up")
    settings.BAIRN_STEP_UP_MINUTES = 10
    page.goto("/find")
    page.get_by_label("Given name").fill("Leeann")
    page.get_by_label("Family name").fill("Bello")
    page.get_by_label("Date of birth").fill(leeann.date_of_birth.strftime("%d/%m/%Y"))
    page.get_by_label("Postcode").fill(leeann.postcode)
    page.get_by_role("button", name="Find").click()
    checked(page, "find-child-result")
    # A form sent with mistakes: the error summary and the fields' errors.
    page.goto(f"/children/{leeann.pk}/concerns/new")
    page.get_by_role("button", name="Record the concern").click()
    checked(page, "record-concern-errors")
    sign_out(page)

    # The head teacher: a share request to decide, and a refusal with its reasons.
    sign_in(page, user("headteacher"))
    page.goto(f"/sharing/requests/{asked.pk}")
    checked(page, "share-request")
    page.goto(f"/children/{leeann.pk}/sharing")
    checked(page, "child-sharing")
    page.goto(f"/assessments/{assessment.pk}/contribute")
    checked(page, "assessment-contribute")
    sign_out(page)

    # Information governance.
    sign_in(page, user("ig.school"))
    for name, path in {
        "governance-index": "/governance",
        "audit-viewer": "/governance/audit",
        "review": "/governance/review",
        "transparency-report": f"/governance/children/{leeann.pk}/transparency",
        "isp-new": "/sharing/isps/new",
        "forbidden": f"/children/{leeann.pk}/plan/edit",
    }.items():
        page.goto(path)
        checked(page, name)
    assert len(checked.pages) >= 32
