"""The sharing pages (issue 5; DOMAIN §4.4–4.8): the agency's sharing, ISPs, sharing about a
child with the decision engine's explanation shown before the button is pressed, share
requests, consent and views, disclosures.

Leeann (9) is at Riverside Primary: the head teacher is her Named Person and a senior; the
class teacher is not senior; Morag Bell is the school's information governance lead.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import dateformat
from django.utils.html import escape

from bairn.agencies.models import Agency, Involvement, Practitioner
from bairn.agencies.services import involve
from bairn.chronology.models import Concern
from bairn.people import services as people
from bairn.sharing import services
from bairn.sharing.models import Authorisation, Consent, Disclosure, Isp, ShareRequest, View
from tests.factories import Api, Cast, concern, practitioner
from tests.web import web_client

TEAM = Involvement.Basis.TEAM_MEMBER
NEXT_YEAR = dt.date.today() + dt.timedelta(days=365)


# --- helpers ------------------------------------------------------------------------------


def ig_lead(cast: Cast, agency: Agency) -> Practitioner:
    known = {cast.school.pk: cast.ig_school, cast.health.pk: cast.ig_health}
    if agency.pk in known:
        return known[agency.pk]
    return practitioner(
        cast.admin, f"ig_{agency.kind}", f"IG lead {agency.kind}", agency, "information_governance"
    )


def active_isp(cast: Cast, *parties: Agency, **overrides: Any) -> Isp:
    """An ISP drafted and approved by every party's information governance lead."""
    leads = [ig_lead(cast, a) for a in parties]
    fields: dict[str, Any] = {
        "title": "Fife GIRFEC information sharing",
        "party_agency_ids": [a.pk for a in parties],
        "purposes": ["wellbeing_support", "plan_coordination"],
        "categories": ["core", "chronology"],
        "lawful_basis": "public_task",
        "consent_required": False,
        "onward_sharing": False,
        "retention_days": 365,
        "review_date": NEXT_YEAR,
        **overrides,
    }
    isp = services.draft_isp(leads[0], **fields)
    for lead in leads:
        isp = services.approve_isp(lead, isp.pk)
    assert isp.status == Isp.Status.ACTIVE
    return isp


def sharing_url(cast: Cast) -> str:
    return f"/children/{cast.leeann.pk}/sharing"


def explain(client: Client, cast: Cast, recipient: Agency, purpose: str, **extra: Any) -> str:
    params = {
        "recipient": str(recipient.pk),
        "purpose": purpose,
        "categories": extra.pop("categories", ["chronology"]),
        **extra,
    }
    response = client.get(f"{sharing_url(cast)}/explain", params)
    assert response.status_code == 200, response.content
    return response.content.decode()


def verdict(html: str) -> str:
    """The explanation's verdict: the text of its tag."""
    found = re.search(
        r'class="bairn-explanation__verdict"><strong class="ds_tag[^"]*">([^<]+)<', html
    )
    assert found, html
    return found.group(1)


def reasons_shown(html: str, reasons: tuple[str, ...]) -> None:
    assert reasons
    for reason in reasons:
        assert escape(reason) in html, reason


def share_post(cast: Cast, recipient: Agency, purpose: str, **extra: Any) -> dict[str, Any]:
    return {
        "recipient": str(recipient.pk),
        "purpose": purpose,
        "categories": extra.pop("categories", ["chronology"]),
        "justification": extra.pop("justification", "Leeann's health visitor needs the picture"),
        **extra,
    }


def title(html: str) -> str:
    found = re.search(r"<title>(.*?)</title>", html, re.S)
    assert found
    return found.group(1)


@pytest.fixture
def story(cast: Cast) -> Cast:
    """The school's picture of Leeann, and the health visitor working with the family."""
    concern(cast.class_teacher, cast.leeann, "Arrived at school hungry", days_ago=3)
    concern(
        cast.head_teacher,
        cast.leeann,
        "Frightened and clinging at home time",
        days_ago=1,
        significance="medium",
        indicators=("safe", "nurtured"),
    )
    involve(cast.class_teacher, cast.leeann.pk, TEAM, reason="Leeann's class teacher")
    involve(cast.health_visitor, cast.leeann.pk, TEAM)
    return cast


# --- /sharing -------------------------------------------------------------------------------


def test_the_agency_sharing_page(story: Cast) -> None:
    cast = story
    isp = active_isp(cast, cast.school, cast.health)
    services.request_share(
        cast.health_visitor,
        cast.leeann.pk,
        holder_agency_id=cast.school.pk,
        purpose="wellbeing_support",
        necessity="Leeann was distressed at her health check",
        categories=["chronology"],
        urgency="urgent",
    )

    head = web_client(cast.head_teacher).get("/sharing")
    assert head.status_code == 200
    html = head.content.decode()
    assert "Requests waiting for your agency's decision" in html
    assert "Fiona McLeod, Health Visiting Team" in html
    assert "Leeann Cairns" in html  # the head teacher works with her
    assert f'href="/sharing/isps/{isp.pk}"' in html
    assert "Public task (Article 6(1)(e))" in html
    assert ">Active<" in html
    assert "Draft an ISP" not in html  # not information governance
    assert title(html).startswith("Sharing")

    sent = web_client(cast.health_visitor).get("/sharing").content.decode()
    assert "Requests your agency sent" in sent
    assert ">Pending<" in sent

    governance = web_client(cast.ig_school).get("/sharing").content.decode()
    assert 'href="/sharing/isps/new"' in governance

    # The outsider sees an empty register; the administrator may not see it at all.
    outsider = web_client(cast.charlie).get("/sharing")
    assert outsider.status_code == 200
    assert "Fife GIRFEC" not in outsider.content.decode()
    admin = web_client(cast.admin).get("/sharing")
    assert admin.status_code == 403
    assert "the administrator role alone never works with children" in admin.content.decode()


# --- ISPs -----------------------------------------------------------------------------------


def test_draft_an_isp_approve_by_each_party_and_suspend(cast: Cast) -> None:
    ig_school = web_client(cast.ig_school)
    form = ig_school.get("/sharing/isps/new")
    assert form.status_code == 200
    html = form.content.decode()
    assert "Public task (Article 6(1)(e))" in html  # the reference labels
    assert "Privacy impact assessment" in html
    assert 'name="parties" type="checkbox"' in html

    # Only information governance drafts: 403 with the reason.
    refused = web_client(cast.class_teacher).get("/sharing/isps/new")
    assert refused.status_code == 403
    assert "only information governance may" in refused.content.decode()

    body = {
        "title": "Riverside and Health Visiting",
        "parties": [str(cast.school.pk)],
        "purposes": ["wellbeing_support"],
        "categories": ["chronology"],
        "lawful_basis": "public_task",
        "special_category_condition": "health_social_care",
        "retention_days": "365",
        "review_date": NEXT_YEAR.strftime("%d/%m/%Y"),
        "security_conditions": "Sent through Bairn only; destroyed after a year",
        "privacy_impact_assessment": "Risk: a household member learns of a concern.",
        f"dpo_{cast.school.pk.hex}": "Alison Reid",
        f"siro_{cast.health.pk.hex}": "Dr James Hay",
    }
    one_party = ig_school.post("/sharing/isps/new", body)
    assert one_party.status_code == 200
    assert "An ISP is between two or more agencies." in one_party.content.decode()
    assert "Risk: a household member learns of a concern." in one_party.content.decode()
    assert not Isp.objects.exists()

    body["parties"] = [str(cast.school.pk), str(cast.health.pk)]
    made = ig_school.post("/sharing/isps/new", body)
    assert made.status_code == 302
    isp = Isp.objects.get()
    assert made["Location"] == f"/sharing/isps/{isp.pk}"
    assert isp.status == Isp.Status.DRAFT
    assert {p.agency_id: p.data_protection_officer for p in isp.parties.all()}[
        cast.school.pk
    ] == "Alison Reid"

    page = ig_school.get(made["Location"]).content.decode()
    for shown in (
        "Riverside and Health Visiting",
        "Draft",
        "Alison Reid",
        "Dr James Hay",
        "Risk: a household member learns of a concern.",
        "Sent through Bairn only; destroyed after a year",
        "Health or social care (Article 9(2)(h))",
        "365 days",
        "Waiting for approval",
    ):
        assert shown in page, shown
    assert f'action="/sharing/isps/{isp.pk}/approve"' in page

    # A party's practitioner reads it, without the approval; an outsider's agency is no party.
    head = web_client(cast.head_teacher)
    assert head.get(f"/sharing/isps/{isp.pk}").status_code == 200
    assert "/approve" not in head.get(f"/sharing/isps/{isp.pk}").content.decode()
    assert head.post(f"/sharing/isps/{isp.pk}/approve").status_code == 403
    assert web_client(cast.charlie).get(f"/sharing/isps/{isp.pk}").status_code == 404

    assert ig_school.post(f"/sharing/isps/{isp.pk}/approve").status_code == 302
    isp.refresh_from_db()
    assert isp.status == Isp.Status.DRAFT
    after = ig_school.get(f"/sharing/isps/{isp.pk}").content.decode()
    assert "Waiting for Health Visiting Team" in after
    assert "/approve" not in after

    ig_health = web_client(cast.ig_health)
    assert ig_health.post(f"/sharing/isps/{isp.pk}/approve").status_code == 302
    isp.refresh_from_db()
    assert isp.status == Isp.Status.ACTIVE
    page = ig_health.get(f"/sharing/isps/{isp.pk}").content.decode()
    assert ">Active<" in page
    assert "the ISP is active" in page

    # Suspend needs a reason; then sharing under it stops; resume.
    no_reason = ig_health.post(f"/sharing/isps/{isp.pk}/status", {"change": "suspend"})
    assert no_reason.status_code == 200
    assert "Say why." in no_reason.content.decode()
    suspended = ig_health.post(
        f"/sharing/isps/{isp.pk}/status", {"change": "suspend", "reason": "Breach under review"}
    )
    assert suspended.status_code == 302
    isp.refresh_from_db()
    assert isp.status == Isp.Status.SUSPENDED
    page = ig_school.get(f"/sharing/isps/{isp.pk}").content.decode()
    assert "Breach under review" in page
    assert ">Suspended<" in page
    resumed = ig_school.post(
        f"/sharing/isps/{isp.pk}/status", {"change": "resume", "reason": "Breach closed"}
    )
    assert resumed.status_code == 302
    isp.refresh_from_db()
    assert isp.status == Isp.Status.ACTIVE


# --- the child's sharing page ------------------------------------------------------------------


def test_the_child_sharing_page_is_for_those_involved(story: Cast) -> None:
    cast = story
    page = web_client(cast.head_teacher).get(sharing_url(cast))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Leeann" not in title(html)
    assert "Share or ask for information" in title(html)
    # The explanation is on the page before anything is chosen, and the live one asks only
    # for ids and codes.
    assert "Choose the agency, the purpose and at least one category" in html
    assert f'hx-get="{sharing_url(cast)}/explain"' in html
    assert 'hx-params="recipient,purpose,categories,entries,authorisation,authorised_by"' in html
    assert 'hx-trigger="change from:.bairn-explains"' in html
    # The entries offered are the school's own.
    assert "Arrived at school hungry" in html
    assert "Frightened and clinging at home time" in html
    # The head teacher is a senior: no one else needs to authorise.
    assert 'name="authorised_by"' not in html
    assert 'name="urgent_reason"' not in html

    # The class teacher may ask a senior, or share urgently without authorisation.
    teacher = web_client(cast.class_teacher).get(sharing_url(cast)).content.decode()
    assert 'name="authorised_by"' in teacher
    assert ">Elaine Ross<" in teacher  # the school's senior
    assert "Ask a senior to authorise it" in teacher
    assert "Share now, urgently, without a senior&#x27;s authorisation" in teacher
    assert 'name="urgent_reason"' in teacher

    # Not involved: not found, for the page, the explanation and every form.
    charlie = web_client(cast.charlie)
    assert charlie.get(sharing_url(cast)).status_code == 404
    assert charlie.get(f"{sharing_url(cast)}/explain", {"purpose": "x"}).status_code == 404
    assert (
        charlie.post(
            sharing_url(cast), share_post(cast, cast.school, "wellbeing_support")
        ).status_code
        == 404
    )
    assert charlie.post(f"{sharing_url(cast)}/ask", {}).status_code == 404
    assert charlie.post(f"/children/{cast.leeann.pk}/consents", {}).status_code == 404
    assert not Disclosure.objects.exists()


def test_the_explanation_shows_the_engines_reasons_before_sharing(story: Cast) -> None:
    cast = story
    teacher = web_client(cast.class_teacher)
    head = web_client(cast.head_teacher)

    # No ISP between the school and health.
    html = explain(teacher, cast, cast.health, "wellbeing_support")
    assert verdict(html) == "Not allowed"
    assert (
        "there is no Information Sharing Protocol between Riverside Primary School and Nursery "
        "and Health Visiting Team" in html
    )
    expected = services.check(
        cast.class_teacher,
        cast.leeann.pk,
        recipient_agency_id=cast.health.pk,
        purpose="wellbeing_support",
        categories=["chronology"],
    )
    reasons_shown(html, expected.reasons)

    # Child protection: the class teacher needs a senior; the head teacher is one.
    html = explain(teacher, cast, cast.police, "child_protection")
    assert verdict(html) == "Not allowed"
    assert "child protection sharing needs a senior of Riverside Primary School and Nursery" in html
    html = explain(head, cast, cast.police, "child_protection")
    assert verdict(html) == "Allowed"
    expected = services.check(
        cast.head_teacher,
        cast.leeann.pk,
        recipient_agency_id=cast.police.pk,
        purpose="child_protection",
        categories=["chronology"],
    )
    assert expected.allowed
    reasons_shown(html, expected.reasons)
    assert "flagged for your information governance lead to review" in html
    assert "It would release 2 chronology entries" in html
    # ... or the class teacher, asking the head teacher to authorise it, or sharing
    # urgently without authorisation; a senior named but not asked counts for nothing.
    html = explain(
        teacher,
        cast,
        cast.police,
        "child_protection",
        authorisation="ask",
        authorised_by=str(cast.head_teacher.pk),
    )
    assert verdict(html) == "Allowed"
    assert "shared only when they authorise it" in html
    html = explain(teacher, cast, cast.police, "child_protection", authorisation="urgent")
    assert verdict(html) == "Allowed"
    assert "WITHOUT a senior&#x27;s authorisation" in html
    html = explain(
        teacher, cast, cast.police, "child_protection", authorised_by=str(cast.head_teacher.pk)
    )
    assert verdict(html) == "Not allowed"

    # With an ISP, only the entries chosen; and for a purpose it does not cover.
    active_isp(cast, cast.school, cast.health)
    hungry = Concern.objects.get(summary="Arrived at school hungry")
    html = explain(teacher, cast, cast.health, "wellbeing_support", entries=[str(hungry.pk)])
    assert verdict(html) == "Allowed"
    assert "It would release 1 chronology entry" in html
    html = explain(teacher, cast, cast.health, "child_protection")
    assert verdict(html) == "Not allowed"
    # An incomplete form: the prompt, and nothing checked.
    prompt = teacher.get(f"{sharing_url(cast)}/explain", {"purpose": "wellbeing_support"})
    assert "Choose the agency, the purpose" in prompt.content.decode()


def test_a_refused_share_keeps_what_was_typed_and_shows_the_reasons(story: Cast) -> None:
    cast = story
    teacher = web_client(cast.class_teacher)
    typed = "Bruising on both wrists seen at 10:40; Leeann was frightened"
    response = teacher.post(
        sharing_url(cast),
        share_post(
            cast,
            cast.police,
            "child_protection",
            justification=typed,
            family_not_informed_reason="Telling the household would put her at risk",
        ),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "The rules do not allow this share" in html  # the error summary
    assert 'class="ds_error-summary"' in html
    expected = services.check(
        cast.class_teacher,
        cast.leeann.pk,
        recipient_agency_id=cast.police.pk,
        purpose="child_protection",
        categories=["chronology"],
        justification=typed,
    )
    reasons_shown(html, expected.reasons)
    assert verdict(html) == "Not allowed"
    # Nothing lost: the text, the choices.
    assert escape(typed) in html
    assert "Telling the household would put her at risk" in html
    assert re.search(rf'value="{cast.police.pk}"\s+selected', html)
    assert re.search(r'value="child_protection"[^>]*checked', html) or re.search(
        r'checked[^>]*value="child_protection"', html
    )
    assert not Disclosure.objects.exists()

    # A missing reason is named against its field.
    missing = teacher.post(
        sharing_url(cast), share_post(cast, cast.police, "child_protection", justification="")
    )
    assert missing.status_code == 200
    assert 'href="#id_justification"' in missing.content.decode()


def test_checking_without_javascript_shares_nothing(story: Cast) -> None:
    cast = story
    head = web_client(cast.head_teacher)
    response = head.post(
        sharing_url(cast), {**share_post(cast, cast.police, "child_protection"), "action": "check"}
    )
    assert response.status_code == 200
    assert verdict(response.content.decode()) == "Allowed"
    assert 'class="ds_error-summary"' not in response.content.decode()
    assert not Disclosure.objects.exists()


def test_an_allowed_share_reaches_the_recipient(story: Cast) -> None:
    cast = story
    active_isp(cast, cast.school, cast.health)
    head = web_client(cast.head_teacher)
    response = head.post(sharing_url(cast), share_post(cast, cast.health, "wellbeing_support"))
    assert response.status_code == 302, response.content.decode()
    assert response["Location"] == f"/children/{cast.leeann.pk}"
    followed = head.get(response["Location"]).content.decode()
    assert "Shared with Health Visiting Team" in followed

    disclosure = Disclosure.objects.get()
    assert disclosure.family_informed == Disclosure.FamilyInformed.TO_INFORM
    seen = Api(cast.hv_team_leader).get(f"/children/{cast.leeann.pk}/chronology").json()
    because = {e["summary"]: e["visible_because"] for e in seen["entries"]}
    assert because == {
        "Arrived at school hungry": f"disclosure:{disclosure.pk}",
        "Frightened and clinging at home time": f"disclosure:{disclosure.pk}",
    }

    # The disclosure is listed on both sides; the school tells the family.
    page = head.get(sharing_url(cast)).content.decode()
    assert "Family to be informed" in page
    told = f"/children/{cast.leeann.pk}/disclosures/{disclosure.pk}/family-informed"
    assert f'action="{told}"' in page
    health = web_client(cast.health_visitor).get(sharing_url(cast)).content.decode()
    assert "Riverside Primary School and Nursery (Elaine Ross)" in health
    assert f'action="{told}"' not in health  # only the disclosing agency tells the family
    assert web_client(cast.health_visitor).post(told).status_code == 403
    assert head.post(told).status_code == 302
    disclosure.refresh_from_db()
    assert disclosure.family_informed == Disclosure.FamilyInformed.INFORMED


def test_asking_a_senior_from_the_page_and_her_decision(story: Cast) -> None:
    """DOMAIN §4.4: the class teacher asks the head teacher; nothing is shared until she
    decides, on the authorisations page she reaches from her home page."""
    cast = story
    teacher = web_client(cast.class_teacher)
    # Asking without choosing the senior is named against the field.
    missing = teacher.post(
        sharing_url(cast), share_post(cast, cast.police, "child_protection", authorisation="ask")
    )
    assert missing.status_code == 200
    assert 'href="#id_authorised_by"' in missing.content.decode()
    response = teacher.post(
        sharing_url(cast),
        share_post(
            cast,
            cast.police,
            "child_protection",
            justification="Bruising on both wrists; she said Steve did it",
            authorisation="ask",
            authorised_by=str(cast.head_teacher.pk),
        ),
    )
    assert response.status_code == 302, response.content.decode()
    followed = teacher.get(response["Location"]).content.decode()
    assert "Elaine Ross is asked to authorise it" in followed
    assert not Disclosure.objects.exists()
    (asked,) = Authorisation.objects.all()
    mine = teacher.get("/sharing/authorisations").content.decode()
    assert "Waiting for a senior" in mine

    head = web_client(cast.head_teacher)
    home = head.get("/").content.decode()
    assert "Shares waiting for your authorisation" in home
    assert f"/sharing/authorisations#authorisation-{asked.pk}" in home
    page = head.get("/sharing/authorisations").content.decode()
    assert "Tom Baird asks to share with Police Scotland" in page
    assert "Bruising on both wrists; she said Steve did it" in page
    decide_url = f"/sharing/authorisations/{asked.pk}"
    assert f'action="{decide_url}"' in page
    # The asker may not decide; the outsider finds nothing.
    assert teacher.post(decide_url, {f"{asked.pk}-decision": "refuse"}).status_code == 403
    assert web_client(cast.charlie).post(decide_url, {}).status_code == 404
    # A decision without a reason decides nothing.
    head.post(decide_url, {f"{asked.pk}-decision": "refuse", f"{asked.pk}-reason": ""})
    asked.refresh_from_db()
    assert asked.status == Authorisation.Status.PENDING
    response = head.post(
        decide_url,
        {f"{asked.pk}-decision": "refuse", f"{asked.pk}-reason": "Talk to the family first"},
    )
    assert response.status_code == 302
    asked.refresh_from_db()
    assert asked.status == Authorisation.Status.REFUSED
    assert asked.decided_by == cast.head_teacher
    assert not Disclosure.objects.exists()
    assert "Shares waiting for your authorisation" not in head.get("/").content.decode()


def test_an_urgent_share_from_the_page_says_it_was_not_authorised(story: Cast) -> None:
    cast = story
    teacher = web_client(cast.class_teacher)
    missing = teacher.post(
        sharing_url(cast), share_post(cast, cast.police, "child_protection", authorisation="urgent")
    )
    assert missing.status_code == 200
    assert 'href="#id_urgent_reason"' in missing.content.decode()
    assert not Disclosure.objects.exists()
    response = teacher.post(
        sharing_url(cast),
        share_post(
            cast,
            cast.police,
            "child_protection",
            authorisation="urgent",
            urgent_reason="She goes home with him at 3.15 and no senior can be reached",
        ),
    )
    assert response.status_code == 302, response.content.decode()
    assert response["Location"] == f"/children/{cast.leeann.pk}"
    made = Disclosure.objects.get()
    assert made.urgent
    assert made.authorised_by is None
    page = teacher.get(sharing_url(cast)).content.decode()
    assert "recorded as shared urgently without a senior&#x27;s authorisation" in page
    assert "Child protection, shared urgently without a senior's authorisation" in page
    review = web_client(cast.ig_school).get("/governance/review").content.decode()
    assert "No one: shared urgently without a senior's authorisation" in review


def test_a_share_request_from_asking_to_the_decision(story: Cast) -> None:
    cast = story
    hv = web_client(cast.health_visitor)
    asked = hv.post(
        f"{sharing_url(cast)}/ask",
        {
            "ask-holder": str(cast.school.pk),
            "ask-purpose": "wellbeing_support",
            "ask-categories": ["chronology"],
            "ask-necessity": "Leeann was distressed at her health check",
            "ask-urgency": "urgent",
        },
    )
    assert asked.status_code == 302, asked.content.decode()
    request = ShareRequest.objects.get()
    url = f"/sharing/requests/{request.pk}"
    assert asked["Location"] == url
    mine = hv.get(url).content.decode()
    assert "Leeann was distressed at her health check" in mine
    assert ">Pending<" in mine
    assert 'name="decision"' not in mine  # the requester does not decide

    # The holder's Named Person sees the request and the explanation before deciding.
    head = web_client(cast.head_teacher)
    page = head.get(url).content.decode()
    assert "Health Visiting Team asks Riverside Primary School and Nursery" in page
    assert verdict(page) == "Not allowed"
    assert "there is no Information Sharing Protocol between" in page
    assert 'hx-params="recipient,purpose,categories,entries,decision"' in page
    refused = head.post(url, {"decision": "share_all", "reason": "The health visitor needs it"})
    assert refused.status_code == 200
    assert "The rules do not allow this share" in refused.content.decode()
    assert "The health visitor needs it" in refused.content.decode()
    request.refresh_from_db()
    assert request.status == ShareRequest.Status.PENDING

    # Someone of the holder who does not work with Leeann, and an outsider: not found
    # (DOMAIN §4.4). The class teacher, on her team, is offered the decision too.
    nursery = web_client(cast.nursery_teacher)
    assert nursery.post(url, {"decision": "decline", "reason": "Not mine"}).status_code == 404
    assert web_client(cast.charlie).get(url).status_code == 404
    assert 'name="decision"' in web_client(cast.class_teacher).get(url).content.decode()

    # With an ISP: choosing "only these entries" but none → an error, not everything.
    active_isp(cast, cast.school, cast.health)
    none_chosen = head.post(url, {"decision": "share_chosen", "reason": "Only what she needs"})
    assert none_chosen.status_code == 200
    assert "Choose the entries to share" in none_chosen.content.decode()
    hungry = Concern.objects.get(summary="Arrived at school hungry")
    chosen = head.post(
        url,
        {"decision": "share_chosen", "entries": [str(hungry.pk)], "reason": "Only what she needs"},
    )
    assert chosen.status_code == 302
    request.refresh_from_db()
    assert request.status == ShareRequest.Status.SHARED
    assert request.disclosure is not None
    assert list(request.disclosure.entries.all()) == [hungry]
    seen = Api(cast.health_visitor).get(f"/children/{cast.leeann.pk}/chronology").json()
    assert {e["summary"]: e["visible_because"] for e in seen["entries"]} == {
        "Arrived at school hungry": f"disclosure:{request.disclosure_id}"
    }
    answered = hv.get(url).content.decode()
    assert ">Shared<" in answered
    assert "Only what she needs" in answered
    assert "Elaine Ross" in answered

    # A second request, declined with the reason; the requester sees both.
    again = services.request_share(
        cast.health_visitor,
        cast.leeann.pk,
        holder_agency_id=cast.school.pk,
        purpose="plan_coordination",
        necessity="For the Child's Plan meeting",
        categories=["core"],
    )
    declined = head.post(
        f"/sharing/requests/{again.pk}", {"decision": "decline", "reason": "No plan is open yet"}
    )
    assert declined.status_code == 302
    page = hv.get(f"/sharing/requests/{again.pk}").content.decode()
    assert ">Declined<" in page
    assert "No plan is open yet" in page
    listing = hv.get("/sharing").content.decode()
    assert ">Shared<" in listing
    assert ">Declined<" in listing
    # Deciding again is refused with the reason.
    twice = head.post(f"/sharing/requests/{again.pk}", {"decision": "decline", "reason": "x"})
    assert twice.status_code == 302
    assert "already declined" in head.get(twice["Location"]).content.decode()


def test_consent_and_views(story: Cast) -> None:
    cast = story
    corinne = people.add_person(
        cast.head_teacher,
        cast.leeann.pk,
        given_name="Corinne",
        family_name="Cairns",
        relationship="mother",
        parental_responsibility=True,
        lives_with=True,
        stays_overnight=True,
    )
    maggie = people.add_person(
        cast.head_teacher,
        cast.leeann.pk,
        given_name="Maggie",
        family_name="Duncan",
        relationship="family_friend",
        parental_responsibility=False,
        lives_with=False,
        stays_overnight=True,
        caring_role="Looks after the children overnight",
    )
    head = web_client(cast.head_teacher)
    page = head.get(sharing_url(cast)).content.decode()
    assert "Maggie Duncan (Family friend)" in page
    assert "No parental responsibility." in page
    assert "No consent or refusal is recorded." in page

    body = {
        "consent-given_by": str(maggie.person_id),
        "consent-decision": "given",
        "consent-purposes": ["wellbeing_support"],
        "consent-recipients": [str(cast.health.pk)],
        "consent-categories": ["chronology"],
        "consent-views": "Maggie says she is happy for the health visitor to know",
    }
    refused = head.post(f"/children/{cast.leeann.pk}/consents", body)
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "Maggie Duncan has no parental responsibility for Leeann" in html
    assert 'href="#id_consent-given_by"' in html
    assert "Maggie says she is happy for the health visitor to know" in html
    assert not Consent.objects.exists()

    # Leeann is 9: she decides only when judged to understand, with the reason.
    child = head.post(f"/children/{cast.leeann.pk}/consents", {**body, "consent-given_by": "child"})
    assert child.status_code == 200
    assert "under 12 a child decides only where judged to understand" in child.content.decode()

    body["consent-given_by"] = str(corinne.person_id)
    body["consent-views"] = "Corinne wants Leeann to have help"
    body["consent-expires_on"] = NEXT_YEAR.strftime("%d/%m/%Y")
    given = head.post(f"/children/{cast.leeann.pk}/consents", body)
    assert given.status_code == 302
    consent = Consent.objects.get()
    assert consent.person_ref == corinne.person_id
    page = head.get(sharing_url(cast)).content.decode()
    assert "Given by Corinne Cairns" in page
    assert "Given, in force" in page
    assert "Health Visiting Team" in page
    assert dateformat.format(NEXT_YEAR, "j F Y") in page
    withdraw = f"/children/{cast.leeann.pk}/consents/{consent.pk}/withdraw"
    assert f'action="{withdraw}"' in page

    # Withdrawn, with the reason; then it is no longer offered for withdrawal.
    assert head.post(withdraw, {"reason": "Corinne changed her mind"}).status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    page = head.get(sharing_url(cast)).content.decode()
    assert "Withdrawn" in page
    assert "Corinne changed her mind" in page
    assert f'action="{withdraw}"' not in page
    assert head.post(withdraw).status_code == 302  # already withdrawn: said, nothing changed
    # Someone not involved cannot withdraw it.
    assert web_client(cast.charlie).post(withdraw).status_code == 404

    # Views, whether or not consent is the basis.
    missing = head.post(f"/children/{cast.leeann.pk}/views", {"views-whose": "child"})
    assert missing.status_code == 200
    assert 'href="#id_views-views"' in missing.content.decode()
    recorded = head.post(
        f"/children/{cast.leeann.pk}/views",
        {
            "views-whose": "child",
            "views-about": "Talking to the nurse",
            "views-views": "I like Fiona",
        },
    )
    assert recorded.status_code == 302
    assert View.objects.get().views == "I like Fiona"
    page = head.get(sharing_url(cast)).content.decode()
    assert "I like Fiona" in page
    assert "about Talking to the nurse" in page


def test_no_template_or_explanation_puts_names_in_a_url(story: Cast) -> None:
    cast = story
    html = web_client(cast.head_teacher).get(sharing_url(cast)).content.decode()
    for url in re.findall(r'(?:href|action|hx-get)="([^"]*)"', html):
        assert "?" not in url or "Leeann" not in url, url
        assert "Cairns" not in url, url


def test_a_share_half_written_when_signed_out_is_kept_with_its_explanation(story: Cast) -> None:
    cast = story
    head = web_client(cast.head_teacher)
    kept = head.post(
        "/drafts",
        json.dumps(
            {
                "key": sharing_url(cast),
                "fields": {
                    "recipient": [str(cast.police.pk)],
                    "purpose": ["child_protection"],
                    "categories": ["chronology"],
                    "justification": ["Leeann spoke of a cold bath"],
                },
            }
        ),
        content_type="application/json",
    )
    assert kept.status_code == 200, kept.content
    html = head.get(sharing_url(cast)).content.decode()
    assert "We kept what you were writing" in html
    assert "Leeann spoke of a cold bath" in html
    assert verdict(html) == "Allowed"  # the explanation, rendered before any script runs
    # Shared: the draft is forgotten.
    done = head.post(
        sharing_url(cast),
        share_post(cast, cast.police, "child_protection", justification="Cold bath"),
    )
    assert done.status_code == 302
    assert "We kept what you were writing" not in head.get(sharing_url(cast)).content.decode()
    assert Disclosure.objects.get().child_protection_override
