"""The case study, end to end, in a real browser (issue 5): the school records that
Friday's concerns, the Named Person sees the pattern alert and the child protection
notification, the head teacher makes the child protection disclosure after reading its
explanation, and information governance finds it in the audit. axe checks every page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from bairn.agencies.models import Practitioner
from bairn.demo.casestudy import that_friday
from bairn.people.models import Child
from tests.browser.conftest import Checked, sign_in, sign_out, with_app

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


def user(username: str) -> Practitioner:
    return with_app(Practitioner.objects.get(username=username))


def friday_at(hour: int, minute: int) -> str:
    friday = that_friday(timezone.localdate())
    return dt.datetime.combine(friday, dt.time(hour, minute)).strftime("%d/%m/%Y %H:%M")


def choose(page: Page, group: str, option: str) -> None:
    """Ticks a radio or checkbox the way people do: by its label (the design system's
    inputs sit under their labels)."""
    page.get_by_role("group", name=group).locator("label").get_by_text(option, exact=True).click()


def record(page: Page, leeann: Child, **answers: str | list[str]) -> None:
    page.goto(f"/children/{leeann.pk}/concerns/new")
    page.get_by_label("When did it happen?").fill(str(answers["when"]))
    page.get_by_label("What happened?").fill(str(answers["summary"]))
    choose(page, "Where did this come from?", str(answers["source"]))
    for indicator in answers["indicators"]:
        choose(page, "Which wellbeing indicators", indicator)
    choose(page, "Impact on the child", "Negative")
    choose(page, "Significance", str(answers["significance"]))
    page.get_by_label("What was done, or why nothing was done").fill(str(answers["action"]))
    if answers.get("withheld"):
        page.get_by_text("Withhold from the family", exact=True).click()
        page.get_by_label("Why must the family not be shown it?").fill(str(answers["withheld"]))
    page.get_by_role("button", name="Record the concern").click()
    expect(page.get_by_text("The concern is recorded.")).to_be_visible()


def test_that_friday(page: Page, checked: Checked) -> None:
    call_command("demo", "--before-friday", verbosity=0)
    leeann = Child.objects.get(given_name="Leeann")

    # The class teacher signs in with two-factor authentication.
    teacher = user("classteacher")
    sign_in(page, teacher, checked)
    checked(page, "home-class-teacher")

    # Leeann's record: the school's part of the chronology, as a list and a picture.
    page.get_by_role("link", name="Leeann Bello", exact=True).click()
    expect(page.get_by_role("heading", name="Chronology")).to_be_visible()
    checked(page, "child")

    # That Friday's concerns, on one page each.
    page.goto(f"/children/{leeann.pk}/concerns/new")
    checked(page, "record-concern")
    record(
        page,
        leeann,
        when=friday_at(9, 5),
        summary=(
            "Leeann arrived late, upset, and clung to me; frightened of Steve and Corinne "
            "at goodbye"
        ),
        source="Observation",
        indicators=["Safe", "Nurtured"],
        significance="Medium",
        action="Told the head teacher; kept Leeann with the classroom assistant",
    )
    record(
        page,
        leeann,
        when=friday_at(15, 10),
        summary=(
            "Leeann said the bruising on her wrists was caused by Steve and that he makes "
            "her sit in a cold bath"
        ),
        source="Disclosure by the child",
        indicators=["Safe"],
        significance="Child protection",
        action="Told the head teacher at once, as child protection procedures require",
        withheld="Telling the family before police and social work act could put Leeann at risk",
    )
    sign_out(page)

    # The Named Person, the head teacher, sees the pattern alert and the child
    # protection notification on her home page.
    head = user("headteacher")
    sign_in(page, head)
    expect(page.get_by_text("Concerns are adding up").first).to_be_visible()
    expect(page.get_by_text("Child protection concern").first).to_be_visible()
    checked(page, "home-named-person")

    # She opens Leeann's record and shares with the police for child protection. Before
    # she presses the button, the page explains why the rules allow it.
    page.goto(f"/children/{leeann.pk}")
    page.get_by_role("link", name="Share or ask for information").click()
    checked(page, "sharing")
    police = page.get_by_label("Which agency do you want to share with?")
    police.select_option(label="Police Scotland, Glenbrae Division")
    choose(page, "What is the share for?", "Child protection")
    for category in ("Core record (identity and contact)", "Chronology (concerns)"):
        choose(page, "What information?", category)
    explanation = page.locator("#share-explanation")
    expect(explanation.get_by_text("Allowed", exact=True)).to_be_visible()
    expect(explanation).to_contain_text("child protection")
    expect(explanation).to_contain_text("flagged for information governance review")
    page.get_by_label("Why is sharing necessary and proportionate?").fill(
        "Leeann disclosed that Steve caused the bruising on her wrists and puts her in a "
        "cold bath: risk of significant harm. Police and social work must act today."
    )
    page.get_by_label("Do not tell the family because…").fill(
        "Telling the family before police and social work act could put Leeann at risk"
    )
    explanation.scroll_into_view_if_needed()
    checked(page, "sharing-explained")
    page.get_by_role("button", name="Share", exact=True).click()
    expect(page.get_by_role("heading", name="Chronology")).to_be_visible()
    sign_out(page)

    # Information governance sees the disclosure in the audit, flagged, and in the
    # review queue.
    governance = user("ig.school")
    sign_in(page, governance)
    page.get_by_role("link", name="Information governance").first.click()
    checked(page, "governance")
    page.goto("/governance/audit?action=disclosure.create")
    rows = page.locator("table tbody tr")
    expect(rows.first).to_contain_text("Alison Dunbar shared information about Leeann")
    expect(rows.first).to_contain_text("Child protection override")
    checked(page, "audit")
    page.goto("/governance/review")
    expect(page.get_by_text("Police Scotland, Glenbrae Division").first).to_be_visible()
    checked(page, "review-queue")
    page.goto(f"/governance/children/{leeann.pk}/transparency")
    expect(page.get_by_text("Steve")).to_have_count(0)
    checked(page, "transparency")
    assert len(checked.pages) >= 12
