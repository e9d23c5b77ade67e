"""The assessment and plan pages (bairn.web.views.planning): for the plan's circle only
(the Named Person, the Lead Professional, the team), through the same services as the
API; the wellbeing wheel and the plan's contents; assessments joined by a second agency;
the plan saved as versions, a stale edit refused with everything typed kept; the PDF;
meetings whose actions join the plan; bad input named and nothing saved."""

from __future__ import annotations

import datetime as dt
import io
import re
import uuid
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from bairn.agencies.services import add_to_team
from bairn.planning import services
from bairn.planning.models import Assessment, Contribution, Meeting, Plan, PlanVersion
from bairn.web.models import Draft
from tests.factories import Cast, concern
from tests.test_components import assert_no_inline_script_or_style, assert_wired, elements
from tests.web import web_client

# --- data, made with the services -------------------------------------------------------------


def today(offset: int = 0) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=offset)


def make_plan(cast: Cast) -> PlanVersion:
    """Leeann's first plan, made by her Named Person: the social worker is Lead
    Professional and the health visitor is on the team. One action is overdue."""
    return services.save_plan(
        cast.head_teacher,
        cast.leeann.pk,
        version=0,
        lead_professional_id=cast.social_worker.pk,
        team_ids=[cast.health_visitor.pk],
        reason_for_plan="Needs at home and at school call for several agencies",
        needs=[
            {
                "indicators": ["safe", "nurtured"],
                "description": "To feel safe and cared for at home",
                "outcome": "She says she feels safe at home",
                "evidence": "Her own words at weekly check-ins",
                "actions": [
                    {
                        "description": "Weekly check-in at school",
                        "owner_id": cast.head_teacher.pk,
                        "due_on": today(14),
                        "status": "planned",
                    },
                    {
                        "description": "Parenting support for the mornings",
                        "owner_id": cast.social_worker.pk,
                        "due_on": today(-3),
                        "status": "in_progress",
                    },
                ],
            }
        ],
        child_views="I like my classroom assistant",
        family_views="Mum wants help with the mornings",
        review_date=today(90),
        contingency="A disclosure of harm follows child protection procedures",
    )


def make_assessment(cast: Cast) -> Assessment:
    """Started by the Named Person's school, with evidence from its chronology."""
    hungry = concern(cast.head_teacher, cast.leeann, "Arrived at school hungry")
    return services.start_assessment(
        cast.head_teacher,
        cast.leeann.pk,
        indicators={
            "safe": {"rating": "significant_concern", "notes": "Bruising seen twice"},
            "nurtured": {
                "rating": "some_concern",
                "notes": "Often hungry in the morning",
                "evidence_entry_ids": [str(hungry.pk)],
            },
            "achieving": {"rating": "strength", "notes": "Reading well above her age"},
        },
        my_world={"school": "Settled in class", "enough_money": "Free school meals"},
        resilience_matrix=[
            {"factor": "Close to her classroom assistant", "axis": "protective"},
            {"factor": "Low mood at times", "axis": "vulnerability"},
        ],
        five_questions={"1": "Mornings at home", "5": "Parenting support"},
    )


@pytest.fixture
def world(cast: Cast) -> Cast:
    """The cast with the class teacher involved with Leeann (on her team; he recorded a
    concern) but not in the plan's circle, and her plan made."""
    add_to_team(cast.head_teacher, cast.leeann.pk, cast.class_teacher.pk, reason="Class teacher")
    concern(cast.class_teacher, cast.leeann, "Tired in class")
    make_plan(cast)
    return cast


def url(name: str, cast: Cast, **kwargs: Any) -> str:
    return reverse(f"web:{name}", kwargs={"child_id": cast.leeann.pk, **kwargs})


# --- reading pages --------------------------------------------------------------------------


class _FormFields(HTMLParser):
    """The fields the page's draft-kept form would post, as a browser would."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.fields: dict[str, list[str]] = {}
        self.inside = False
        self.textarea: str | None = None
        self.text = ""
        self.select: str | None = None

    def add(self, name: str, value: str) -> None:
        self.fields.setdefault(name, []).append(value)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and "data-draft-key" in a:
            self.inside = True
        if not self.inside:
            return
        if tag == "input" and a.get("name") and a.get("type") != "submit":
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self.add(a["name"], a.get("value", "on"))
            else:
                self.add(a["name"], a.get("value", ""))
        elif tag == "textarea":
            self.textarea, self.text = a["name"], ""
        elif tag == "select":
            self.select = a["name"]
        elif tag == "option" and self.select and "selected" in a:
            self.add(self.select, a.get("value", ""))

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self.textarea is not None:
            self.add(self.textarea, self.text.removeprefix("\n"))
            self.textarea = None
        elif tag == "select":
            self.select = None


def form_fields(html: str) -> dict[str, list[str]]:
    parser = _FormFields()
    parser.feed(html)
    return parser.fields


def page(client: Client, path: str, status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status, (path, response.status_code)
    html = response.content.decode()
    if status == 200:
        check_page(html)
    return html


def check_page(html: str) -> None:
    """Every page: wired labels, no inline script or style, no child's name in the title."""
    assert_wired(html)
    assert_no_inline_script_or_style(html)
    title = re.search(r"<title>(.*?)</title>", html, re.S)
    assert title is not None
    assert "Leeann" not in title.group(1)
    assert "Cairns" not in title.group(1)


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def post(client: Client, path: str, data: dict[str, Any]) -> Any:
    return client.post(path, data)


# --- who sees what ------------------------------------------------------------------------------


def test_pages_are_for_the_plans_circle_only(world: Cast) -> None:
    cast = world
    assessment = make_assessment(cast)
    contribute = reverse("web:assessment-contribute", kwargs={"assessment_id": assessment.pk})
    readable = [
        url("child-plan", cast),
        url("plan-version", cast, number=1),
        url("assessment-new", cast),
        url("meeting-new", cast),
    ]
    for who in (cast.head_teacher, cast.social_worker, cast.health_visitor):
        client = web_client(who)
        for path in readable:
            page(client, path)
        assert client.get(url("plan-pdf", cast)).status_code == 200
        # Every agency but the school may still add its view.
        if who != cast.head_teacher:
            page(client, contribute)
    # The plan is changed by its Lead Professional or Named Person only.
    page(web_client(cast.head_teacher), url("plan-edit", cast))
    page(web_client(cast.social_worker), url("plan-edit", cast))
    team_member = web_client(cast.health_visitor)
    refused = page(team_member, url("plan-edit", cast), 403)
    assert "only the Lead Professional or the Named Person changes the plan" in refused
    assert team_member.post(url("plan-edit", cast), {"version": "1"}).status_code == 403
    # To anyone else (involved or not) the plan and the assessment are not found.
    for who in (cast.charlie, cast.class_teacher):
        client = web_client(who)
        for path in [*readable, url("plan-edit", cast), url("plan-pdf", cast), contribute]:
            assert client.get(path).status_code == 404, (who, path)
        assert client.post(url("assessment-new", cast), {}).status_code == 404
        assert client.post(url("meeting-new", cast), {}).status_code == 404
    # An assessment that is not there is not found either.
    missing = reverse("web:assessment-contribute", kwargs={"assessment_id": uuid.uuid4()})
    assert web_client(cast.head_teacher).get(missing).status_code == 404
    # The child page opens for the class teacher: he is involved, just not in the circle.
    assert web_client(cast.class_teacher).get(url("child", cast)).status_code == 200


def test_sign_in_comes_first(world: Cast) -> None:
    response = Client().get(url("child-plan", world))
    assert response.status_code == 302
    assert response["Location"] == reverse("web:sign-in")


def test_the_edit_link_is_for_those_who_may_edit(world: Cast) -> None:
    edit = url("plan-edit", world)
    assert edit in page(web_client(world.social_worker), url("child-plan", world))
    assert edit in page(web_client(world.head_teacher), url("child-plan", world))
    team = page(web_client(world.health_visitor), url("child-plan", world))
    assert edit not in team
    assert url("meeting-new", world) in team
    assert url("plan-pdf", world) in team


# --- the plan page ------------------------------------------------------------------------


def test_plan_page_shows_the_wheel_every_view_and_the_plan(world: Cast) -> None:
    cast = world
    assessment = make_assessment(cast)
    services.contribute(
        cast.health_visitor,
        assessment.pk,
        indicators={
            "safe": {"rating": "some_concern", "notes": "Missed two appointments"},
            "healthy": {"rating": "no_concern"},
        },
        my_world={"being_healthy": "Growth on track"},
    )
    html = page(web_client(cast.social_worker), url("child-plan", cast))
    words = text(html)

    # The wheel, inline: every indicator named, with the combined (most concerning) rating.
    start = html.index('<svg xmlns="http://www.w3.org/2000/svg"', html.index('id="assessment"'))
    svg = html[start : html.index("</svg>", start)]
    assert 'aria-labelledby="wheel-title wheel-desc"' in svg
    svg_text = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    for name in ("Safe", "Healthy", "Achieving", "Nurtured", "Active", "Respected"):
        assert name in svg_text
    assert "Responsible" in svg_text
    assert "Included" in svg_text
    assert 'data-indicator="safe" data-rating="significant_concern"' in svg
    assert 'data-indicator="nurtured" data-rating="some_concern"' in svg
    assert 'data-indicator="achieving" data-rating="strength"' in svg
    assert 'data-indicator="active" data-rating=""' in svg
    assert "Significant" in svg_text
    assert "Strength" in svg_text

    # Every agency's view, with notes and links to the evidence.
    assert "Bruising seen twice" in words
    assert "Missed two appointments" in words
    assert "Riverside Primary School and Nursery" in words
    assert "Health Visiting Team" in words
    # The school's entry is not shared with social work: said, not shown.
    assert "Arrived at school hungry" not in words
    assert (
        "1 entry of Riverside Primary School and Nursery's chronology not shared with your "
        "agency" in words.replace("&#x27;", "'")
    )
    school = page(web_client(cast.head_teacher), url("child-plan", cast))
    assert "Arrived at school hungry" in text(school)
    assert f'href="{url("child", cast)}#chronology"' in school
    # My World by its sides, the matrix, the five questions.
    assert words.index("How I grow and develop") < words.index("Growth on track")
    assert words.index("My wider world") < words.index("Settled in class")
    assert "Free school meals" in words
    assert 'aria-labelledby="matrix-title matrix-desc"' in html
    assert "Close to her classroom assistant" in words
    assert "What is getting in the way of this child or young person" in words
    assert "Mornings at home" in words

    # The plan: why, its need with indicators, outcome, evidence, and its actions.
    assert "Needs at home and at school call for several agencies" in words
    assert "To feel safe and cared for at home" in words
    assert "She says she feels safe at home" in words
    assert "Her own words at weekly check-ins" in words
    assert "Weekly check-in at school" in words
    assert "Parenting support for the mornings" in words
    assert "Children and Families Social Work" in words  # the action's service
    assert "I like my classroom assistant" in words
    assert "Mum wants help with the mornings" in words
    assert "A disclosure of harm follows child protection procedures" in words
    assert f"{today(90):%-d %B %Y}" in words
    # The overdue action is marked, in words.
    assert "1 action of this plan is past the due date and not done" in words
    rows = re.findall(r"<tr[^>]*>.*?</tr>", html, re.S)
    overdue = [r for r in rows if "Parenting support for the mornings" in r]
    assert len(overdue) == 1
    assert "Overdue" in overdue[0]
    assert "In progress" in overdue[0]
    assert "Overdue" not in next(r for r in rows if "Weekly check-in at school" in r)
    # The tables have headers with their scope.
    assert '<th scope="col">Person responsible</th>' in html
    # Version history and the PDF.
    assert "Plan made." in words
    assert url("plan-pdf", cast) in html
    assert "Download the plan (PDF)" in words


def test_without_a_plan_or_assessment_the_page_says_so(cast: Cast) -> None:
    html = page(web_client(cast.head_teacher), url("child-plan", cast))
    words = text(html)
    assert "No wellbeing assessment has been made yet" in words
    assert "There is no Child's Plan yet" in words
    assert url("assessment-new", cast) in html
    assert "Start a wellbeing assessment" in words
    assert "Make the Child's Plan" in words
    assert url("plan-edit", cast) in html
    assert "wheel-title" not in html
    assert "matrix-title" not in html


def test_the_second_agency_is_offered_to_join_the_assessment(world: Cast) -> None:
    cast = world
    assessment = make_assessment(cast)
    join = reverse("web:assessment-contribute", kwargs={"assessment_id": assessment.pk})
    html = page(web_client(cast.health_visitor), url("child-plan", cast))
    assert join in html
    assert "Add your agency's view to the assessment" in html
    # The school has given its view: it may start a new assessment instead.
    school = page(web_client(cast.head_teacher), url("child-plan", cast))
    assert join not in school
    assert "Start a new wellbeing assessment" in school
    # And the school's own contribution page sends it back.
    response = web_client(cast.head_teacher).get(join)
    assert response.status_code == 302
    assert response["Location"] == url("child-plan", cast)


# --- the assessment form ---------------------------------------------------------------------


def test_assessment_form_starts_an_assessment_and_another_agency_joins_it(world: Cast) -> None:
    cast = world
    hungry = concern(cast.head_teacher, cast.leeann, "Arrived at school hungry")
    school = web_client(cast.head_teacher)
    html = page(school, url("assessment-new", cast))
    words = text(html)
    # The eight indicators with their official meaning, every rating, "not assessed".
    assert "Protected from abuse, neglect or harm at home, at school and in the community." in (
        words
    )
    assert html.count(">Not assessed by us</label>") == 8
    assert "Significant concern" in words
    assert "Information gathered is proportionate: not every area must be explored" in words
    assert "What additional help, if any, may be needed from others?" in words
    assert f'value="{hungry.pk}"' in html  # the chronology entries, as evidence
    assert 'data-draft-key="' + url("assessment-new", cast) + '"' in html
    fields = form_fields(html)
    fields.update(
        {
            "safe-rating": ["some_concern"],
            "safe-notes": ["Bruise on her arm"],
            "nurtured-rating": ["significant_concern"],
            "nurtured-evidence": [str(hungry.pk)],
            "achieving-rating": ["strength"],
            "my_world-school": ["Settled in class"],
            "factor-0-factor": ["Close to her classroom assistant"],
            "factor-0-axis": ["protective"],
            "five-q1": ["Mornings at home"],
        }
    )
    response = post(school, url("assessment-new", cast), fields)
    assert response.status_code == 302, text(response.content.decode())[:3000]
    assert response["Location"] == url("child-plan", cast)
    assessment = Assessment.objects.get(child_ref=cast.leeann.pk)
    mine = Contribution.objects.get(assessment=assessment)
    assert mine.agency == cast.school
    assert mine.indicators == {
        "safe": {"rating": "some_concern", "notes": "Bruise on her arm", "evidence_entry_ids": []},
        "nurtured": {
            "rating": "significant_concern",
            "notes": "",
            "evidence_entry_ids": [str(hungry.pk)],
        },
        "achieving": {"rating": "strength", "notes": "", "evidence_entry_ids": []},
    }
    assert mine.my_world == {"school": "Settled in class"}
    assert mine.resilience_matrix == [
        {"factor": "Close to her classroom assistant", "axis": "protective"}
    ]
    assert mine.five_questions == {"1": "Mornings at home"}

    # The health visitor adds her agency's view to the same assessment.
    health = web_client(cast.health_visitor)
    join = reverse("web:assessment-contribute", kwargs={"assessment_id": assessment.pk})
    html = page(health, join)
    assert "Riverside Primary School and Nursery" in text(html)
    assert f'value="{hungry.pk}"' not in html  # the school's entry is not hers to see
    fields = form_fields(html)
    fields.update({"healthy-rating": ["no_concern"], "healthy-notes": ["Growth on track"]})
    response = post(health, join, fields)
    assert response.status_code == 302
    assert Assessment.objects.filter(child_ref=cast.leeann.pk).count() == 1
    theirs = Contribution.objects.get(assessment=assessment, agency=cast.health)
    assert theirs.indicators == {
        "healthy": {"rating": "no_concern", "notes": "Growth on track", "evidence_entry_ids": []}
    }
    # Both views are on the page, the wheel showing the combined ratings.
    words = text(page(health, url("child-plan", cast)))
    assert "Bruise on her arm" in words
    assert "Growth on track" in words


def test_more_factor_rows_keep_what_was_typed(world: Cast) -> None:
    cast = world
    client = web_client(cast.head_teacher)
    fields = form_fields(page(client, url("assessment-new", cast)))
    assert fields["factor_rows"] == ["3"]
    fields.update({"safe-notes": ["Typed before asking for more rows"], "more": ["factors"]})
    response = post(client, url("assessment-new", cast), fields)
    assert response.status_code == 200
    html = response.content.decode()
    check_page(html)
    assert "Typed before asking for more rows" in html
    assert form_fields(html)["factor_rows"] == ["6"]
    assert 'name="factor-5-factor"' in html
    assert "There is a problem" not in html
    assert not Assessment.objects.exists()


def test_assessment_bad_input_is_named_and_nothing_saved(world: Cast) -> None:
    cast = world
    client = web_client(cast.head_teacher)
    fields = form_fields(page(client, url("assessment-new", cast)))
    # Nothing given at all.
    response = post(client, url("assessment-new", cast), fields)
    assert response.status_code == 200
    html = response.content.decode()
    check_page(html)
    assert "Give a view on at least one wellbeing indicator." in html
    # Notes without a rating; a factor without its place; the notes stay in the form.
    fields.update(
        {
            "healthy-notes": ["Seen by the GP"],
            "factor-1-factor": ["Loves football"],
        }
    )
    response = post(client, url("assessment-new", cast), fields)
    html = response.content.decode()
    check_page(html)
    summary = html[
        html.index('id="error-summary"') : html.index("</ul>", html.index("error-summary"))
    ]
    assert "Choose your agency&#x27;s view of Healthy to go with your notes" in summary
    assert 'href="#id_healthy-rating"' in summary
    assert "Factor 2 — Where it sits: Choose where the factor sits." in summary
    assert 'href="#id_factor-1-axis"' in summary
    assert "Seen by the GP" in html
    assert "Loves football" in html
    assert not Assessment.objects.exists()


# --- editing the plan ------------------------------------------------------------------------


def new_plan_fields(cast: Cast, client: Client) -> dict[str, list[str]]:
    fields = form_fields(page(client, url("plan-edit", cast)))
    assert fields["version"] == ["0"]
    fields.update(
        {
            "lead_professional": [str(cast.social_worker.pk)],
            "team": [],
            "reason_for_plan": ["Several agencies are needed"],
            "need-0-indicators": ["safe", "nurtured"],
            "need-0-description": ["To feel safe at home"],
            "need-0-outcome": ["She says she feels safe"],
            "need-0-evidence": ["Her own words"],
            "need-0-action-0-description": ["Weekly check-in"],
            "need-0-action-0-owner": [str(cast.head_teacher.pk)],
            "need-0-action-0-due_on": [f"{today(14):%d/%m/%Y}"],
            "need-0-action-0-status": ["planned"],
            "child_views": ["I like my school"],
            "family_views": ["Mum wants help"],
            "review_date": [f"{today(90):%d/%m/%Y}"],
        }
    )
    return fields


def test_plan_edit_makes_version_1_then_version_2_with_the_changes(cast: Cast) -> None:
    add_to_team(cast.head_teacher, cast.leeann.pk, cast.class_teacher.pk, reason="Class teacher")
    named = web_client(cast.head_teacher)
    html = page(named, url("plan-edit", cast))
    # Lead Professionals to choose from; the team from those involved with Leeann.
    lead_options = html[html.index('name="lead_professional"') :]
    lead_options = lead_options[: lead_options.index("</select>")]
    assert "Chris Devlin, Children and Families Social Work" in lead_options
    assert "Tom Baird" not in lead_options
    assert f'value="{cast.class_teacher.pk}"' in html  # involved: may join the team
    assert 'name="need-0-description"' in html
    assert 'data-draft-key="' + url("plan-edit", cast) + '"' in html

    fields = new_plan_fields(cast, named)
    fields["team"] = [str(cast.class_teacher.pk)]
    response = post(named, url("plan-edit", cast), fields)
    assert response.status_code == 302, text(response.content.decode())[:3000]
    assert response["Location"] == url("child-plan", cast)
    first = PlanVersion.objects.get(plan__child_ref=cast.leeann.pk)
    assert first.version == 1
    assert first.changes == ["Plan made."]
    assert first.content["lead_professional_id"] == str(cast.social_worker.pk)
    assert first.content["needs"][0]["actions"][0]["owner"] == "Elaine Ross"
    need_id = first.content["needs"][0]["id"]
    action_id = first.content["needs"][0]["actions"][0]["id"]

    # The Lead Professional edits it: the form holds version 1, with the ids.
    lead = web_client(cast.social_worker)
    html = page(lead, url("plan-edit", cast))
    fields = form_fields(html)
    assert fields["version"] == ["1"]
    assert fields["need-0-id"] == [need_id]
    assert fields["need-0-action-0-id"] == [action_id]
    assert fields["reason_for_plan"] == ["Several agencies are needed"]
    assert fields["need-0-action-0-due_on"] == [f"{today(14):%d/%m/%Y}"]
    # The team: the one chosen, and the owner of an action.
    assert sorted(fields["team"]) == sorted([str(cast.class_teacher.pk), str(cast.head_teacher.pk)])
    # Add an action row (a submit, no script), then fill it.
    fields["add"] = ["action-0"]
    response = post(lead, url("plan-edit", cast), fields)
    assert response.status_code == 200
    html = response.content.decode()
    check_page(html)
    assert 'name="need-0-action-1-description"' in html
    assert "autofocus" in html[html.index('name="need-0-action-1-description"') - 300 :][:400]
    fields = form_fields(html)
    fields.update(
        {
            "reason_for_plan": ["Several agencies are needed at home and at school"],
            "need-0-action-0-status": ["in_progress"],
            "need-0-action-1-description": ["Parenting support"],
            "need-0-action-1-owner": [str(cast.social_worker.pk)],
            "need-0-action-1-due_on": [f"{today(21):%d/%m/%Y}"],
        }
    )
    response = post(lead, url("plan-edit", cast), fields)
    assert response.status_code == 302, text(response.content.decode())[:3000]
    second = PlanVersion.objects.get(plan__child_ref=cast.leeann.pk, version=2)
    assert second.saved_by == cast.social_worker
    assert second.content["needs"][0]["id"] == need_id
    assert second.content["needs"][0]["actions"][0]["id"] == action_id
    assert second.changes == [
        "Reason for the plan changed: “Several agencies are needed at home and at school”",
        "Team: 1 added",  # the owner of the new action
        "Action “Weekly check-in”: planned → in progress",
        f"Action added: Parenting support (Chris Devlin, by {today(21).isoformat()})",
    ]
    # The history lists both, and version 1 can be seen as it was.
    html = page(lead, url("child-plan", cast))
    words = text(html)
    assert "Plan made." in words
    assert "Action added: Parenting support" in words
    assert url("plan-version", cast, number=1) in html
    old = text(page(lead, url("plan-version", cast, number=1)))
    assert "This is version 1 as it was saved" in old
    assert "Several agencies are needed" in old
    assert "Parenting support" not in old.split("The plan as it was", 1)[1]
    assert (
        web_client(cast.social_worker).get(url("plan-version", cast, number=3)).status_code == 404
    )


def test_adding_a_need_and_removing_an_action(world: Cast) -> None:
    cast = world
    client = web_client(cast.social_worker)
    fields = form_fields(page(client, url("plan-edit", cast)))
    fields["add"] = ["need"]
    html = post(client, url("plan-edit", cast), fields).content.decode()
    check_page(html)
    assert 'name="need-1-description"' in html
    assert "There is a problem" not in html
    fields = form_fields(html)
    fields.update(
        {
            "need-1-indicators": ["healthy"],
            "need-1-description": ["Dental checks up to date"],
            "need-1-outcome": ["Checked by the summer"],
            "need-1-evidence": ["The health record"],
            "need-1-action-0-description": ["Arrange a dental appointment"],
            "need-1-action-0-owner": [str(cast.health_visitor.pk)],
            "need-1-action-0-due_on": [f"{today(30):%d/%m/%Y}"],
            "need-0-action-1-remove": ["on"],
        }
    )
    response = post(client, url("plan-edit", cast), fields)
    assert response.status_code == 302, text(response.content.decode())[:3000]
    latest = PlanVersion.objects.get(plan__child_ref=cast.leeann.pk, version=2)
    assert [n["description"] for n in latest.content["needs"]] == [
        "To feel safe and cared for at home",
        "Dental checks up to date",
    ]
    assert [a["description"] for a in latest.content["needs"][0]["actions"]] == [
        "Weekly check-in at school"
    ]
    assert "Need added: Dental checks up to date" in latest.changes
    assert "Action removed: Parenting support for the mornings" in latest.changes


def test_a_stale_edit_keeps_what_was_typed_and_saves_nothing(world: Cast) -> None:
    cast = world
    lead = web_client(cast.social_worker)
    fields = form_fields(page(lead, url("plan-edit", cast)))
    assert fields["version"] == ["1"]
    # Meanwhile the Named Person saves version 2.
    current = PlanVersion.objects.get(plan__child_ref=cast.leeann.pk, version=1)
    services.save_plan(
        cast.head_teacher,
        cast.leeann.pk,
        version=1,
        **{**services.plan_input(current.content), "contingency": "Call the duty team"},
    )
    fields["family_views"] = ["Typed by the Lead Professional while someone else saved"]
    response = post(lead, url("plan-edit", cast), fields)
    assert response.status_code == 200
    html = response.content.decode()
    check_page(html)
    words = text(html)
    assert (
        "Someone saved a newer version (version 2) while you were editing: your changes are "
        "below, nothing was saved." in words
    )
    assert "Review the newer version" in words
    assert url("plan-version", cast, number=2) in html
    kept = form_fields(html)
    assert kept["family_views"] == ["Typed by the Lead Professional while someone else saved"]
    assert kept["version"] == ["1"]  # until they confirm
    assert kept["seen_version"] == ["2"]
    assert "I have reviewed version 2" in words
    assert not PlanVersion.objects.filter(plan__child_ref=cast.leeann.pk, version=3).exists()
    assert Plan.objects.get(child_ref=cast.leeann.pk).version == 2

    # Sending it again unconfirmed is refused again; confirmed, it is saved as version 3.
    again = post(lead, url("plan-edit", cast), kept)
    assert "Someone saved a newer version (version 2)" in text(again.content.decode())
    assert Plan.objects.get(child_ref=cast.leeann.pk).version == 2
    kept["save_over"] = ["on"]
    response = post(lead, url("plan-edit", cast), kept)
    assert response.status_code == 302
    third = PlanVersion.objects.get(plan__child_ref=cast.leeann.pk, version=3)
    assert third.content["family_views"] == (
        "Typed by the Lead Professional while someone else saved"
    )


def test_plan_bad_input_is_named_and_nothing_saved(cast: Cast) -> None:
    client = web_client(cast.head_teacher)
    fields = new_plan_fields(cast, client)
    fields.update(
        {
            "reason_for_plan": [""],
            "need-0-indicators": [],
            "need-0-action-0-owner": [""],
            "need-0-action-0-due_on": ["31/02/2027"],
            "review_date": [f"{today(-1):%d/%m/%Y}"],
        }
    )
    response = post(client, url("plan-edit", cast), fields)
    assert response.status_code == 200
    html = response.content.decode()
    check_page(html)
    summary = text(
        html[
            html.index('id="error-summary"') : html.index("</ul>", html.index('id="error-summary"'))
        ]
    )
    assert "Why the plan was made: Say why the plan was made." in summary
    assert "Need 1 — Wellbeing indicators: Choose at least one wellbeing indicator." in summary
    assert "Need 1, action 1 — Person responsible: Choose who is responsible." in summary
    assert "Need 1, action 1 — Due by: Enter the due date as a real date" in summary
    assert 'href="#id_need-0-indicators"' in html
    assert 'href="#id_need-0-action-0-owner"' in html
    assert "To feel safe at home" in html  # kept
    assert not Plan.objects.exists()

    # The form's checks pass; the service refuses a first review in the past.
    fields = new_plan_fields(cast, client)
    fields["review_date"] = [f"{today(-1):%d/%m/%Y}"]
    html = post(client, url("plan-edit", cast), fields).content.decode()
    assert "When will the plan be reviewed?: The first review must be in the future." in text(html)
    assert 'href="#id_review_date"' in html
    assert not Plan.objects.exists()

    # No need at all.
    fields = new_plan_fields(cast, client)
    for name in [k for k in fields if k.startswith("need-0-") and not k.endswith("status")]:
        fields[name] = [""]
    fields["need-0-indicators"] = []
    html = post(client, url("plan-edit", cast), fields).content.decode()
    assert "Describe at least one wellbeing need, with its actions." in html
    assert not Plan.objects.exists()


def test_a_kept_draft_is_offered_back_and_forgotten_once_saved(cast: Cast) -> None:
    client = web_client(cast.head_teacher)
    key = url("plan-edit", cast)
    fields = new_plan_fields(cast, client)
    fields["contingency"] = ["Written before the idle timeout"]
    Draft.objects.create(practitioner=cast.head_teacher, key=key, data=fields)
    html = page(client, key)
    assert "We kept what you were writing" in html
    assert "Written before the idle timeout" in html
    assert form_fields(html)["need-0-description"] == ["To feel safe at home"]
    response = post(client, key, form_fields(html))
    assert response.status_code == 302
    assert not Draft.objects.filter(practitioner=cast.head_teacher, key=key).exists()
    assert "We kept" not in page(client, key)

    # The assessment form keeps its drafts too.
    key = url("assessment-new", cast)
    Draft.objects.create(
        practitioner=cast.head_teacher,
        key=key,
        data={"safe-rating": ["some_concern"], "safe-notes": ["Half-written note"]},
    )
    html = page(client, key)
    assert "We kept what you were writing" in html
    assert form_fields(html)["safe-notes"] == ["Half-written note"]
    assert form_fields(html)["safe-rating"] == ["some_concern"]


# --- the PDF ---------------------------------------------------------------------------------


def test_the_plan_as_a_pdf(world: Cast) -> None:
    response = web_client(world.health_visitor).get(url("plan-pdf", world))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "Leeann" not in response["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.content))
    words = " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)
    assert "Child's Plan" in words
    assert "Leeann Cairns" in words
    assert "Needs at home and at school call for several agencies" in words
    assert "Weekly check-in at school" in words
    assert "Chris Devlin" in words
    # Without a plan: not found, for the circle too.
    Plan.objects.all().update(closed_at=timezone.now())
    assert web_client(world.head_teacher).get(url("plan-pdf", world)).status_code == 404


def test_the_plan_pdf_is_one_read_for_the_api_and_the_page(world: Cast) -> None:
    """The API's PDF and the page's print are the same read: the same headers (never
    kept in a cache) and the same audit — the plan, the child and the people around
    them (the PDF names the parents), each once."""
    from bairn.audit.models import AuditEvent

    def printed(get: Any) -> tuple[Any, list[str]]:
        before = AuditEvent.objects.count()
        response = get()
        events = AuditEvent.objects.order_by("seq")[before:]
        return response, sorted(e.action for e in events if e.child_id == str(world.leeann.pk))

    page_pdf, page_reads = printed(
        lambda: web_client(world.health_visitor).get(url("plan-pdf", world))
    )
    api_pdf, api_reads = printed(
        lambda: world.api("health_visitor").get(f"/children/{world.leeann.pk}/plan.pdf")
    )
    for response in (page_pdf, api_pdf):
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Cache-Control"] == "no-store"
        assert response["Content-Disposition"] == 'attachment; filename="childs-plan.pdf"'
    assert page_reads == api_reads == ["child.read", "people.read", "plan.read"]


# --- meetings --------------------------------------------------------------------------------


def test_a_meeting_with_actions_makes_a_new_plan_version(world: Cast) -> None:
    cast = world
    lead = web_client(cast.social_worker)
    html = page(lead, url("meeting-new", cast))
    assert 'name="action-0-description"' in html
    assert "Need 1: To feel safe and cared for at home" in html
    # The team to tick: the plan's circle, not the class teacher.
    assert f'value="{cast.health_visitor.pk}"' in html
    assert f'value="{cast.class_teacher.pk}"' not in html
    fields = form_fields(html)
    fields.update(
        {
            "held_on": [f"{today(-1):%d/%m/%Y}"],
            "attendees": [str(cast.social_worker.pk), str(cast.head_teacher.pk)],
            "invitees": [str(cast.health_visitor.pk)],
            "family_attended": ["yes"],
            "decisions": ["Continue the plan; add a referral"],
            "minutes": ["Mum attended with Leeann"],
            "action-0-need": ["0"],
            "action-0-description": ["Refer to the family support service"],
            "action-0-owner": [str(cast.social_worker.pk)],
            "action-0-due_on": [f"{today(10):%d/%m/%Y}"],
        }
    )
    response = post(lead, url("meeting-new", cast), fields)
    assert response.status_code == 302, text(response.content.decode())[:3000]
    meeting = Meeting.objects.get(child_ref=cast.leeann.pk)
    assert meeting.family_attended is True
    assert set(meeting.attendees.all()) == {cast.social_worker, cast.head_teacher}
    assert set(meeting.invitees.all()) == {
        cast.social_worker,
        cast.head_teacher,
        cast.health_visitor,
    }
    latest = PlanVersion.objects.get(plan__child_ref=cast.leeann.pk, version=2)
    assert latest.meeting == meeting
    assert latest.changes == [
        "Action added: Refer to the family support service "
        f"(Chris Devlin, by {today(10).isoformat()})"
    ]
    words = text(page(lead, url("child-plan", cast)))
    assert f"Meeting of {today(-1):%-d %B %Y}" in words
    assert "Continue the plan; add a referral" in words
    assert "Invited but did not attend Fiona McLeod, Health Visiting Team" in words


def test_a_team_member_records_a_meeting_without_plan_actions(world: Cast) -> None:
    cast = world
    client = web_client(cast.health_visitor)
    html = page(client, url("meeting-new", cast))
    assert 'name="action-0-description"' not in html
    assert "Actions join the plan through its Lead Professional or Named Person" in html
    fields = form_fields(html)
    fields.update(
        {
            "attendees": [str(cast.health_visitor.pk)],
            "family_attended": ["no"],
            "decisions": ["Review in a month"],
            # Rows posted anyway are not the team member's to add.
            "action-0-description": ["Not hers to add"],
        }
    )
    response = post(client, url("meeting-new", cast), fields)
    assert response.status_code == 302
    assert Meeting.objects.filter(child_ref=cast.leeann.pk).count() == 1
    assert Plan.objects.get(child_ref=cast.leeann.pk).version == 1


def test_meeting_bad_input_is_named_and_nothing_saved(world: Cast) -> None:
    cast = world
    client = web_client(cast.social_worker)
    fields = form_fields(page(client, url("meeting-new", cast)))
    fields.update(
        {
            "held_on": [f"{today(2):%d/%m/%Y}"],
            "family_attended": ["no"],
            "decisions": ["Something"],
            "attendees": [str(cast.social_worker.pk)],
            "action-1-description": ["An action with no owner"],
            "action-1-due_on": [f"{today(10):%d/%m/%Y}"],
        }
    )
    response = post(client, url("meeting-new", cast), fields)
    assert response.status_code == 200
    html = response.content.decode()
    check_page(html)
    words = text(html)
    assert "Action 2 — Person responsible: Choose who is responsible." in words
    assert "An action with no owner" in html
    assert not Meeting.objects.exists()
    # The form passes; the service refuses a meeting in the future.
    fields["action-1-owner"] = [str(cast.head_teacher.pk)]
    html = post(client, url("meeting-new", cast), fields).content.decode()
    assert "When was the meeting held?: Record a meeting once it has been held." in text(html)
    assert 'href="#id_held_on"' in html
    assert not Meeting.objects.exists()
    # Nobody attended, no decisions.
    fields.update({"held_on": [f"{today():%d/%m/%Y}"], "attendees": [], "decisions": [""]})
    words = text(post(client, url("meeting-new", cast), fields).content.decode())
    assert "Who attended: Choose who attended." in words
    assert "Decisions: Record the decisions." in words
    assert not Meeting.objects.exists()
    assert Plan.objects.get(child_ref=cast.leeann.pk).version == 1


def test_more_meeting_action_rows(world: Cast) -> None:
    cast = world
    client = web_client(cast.head_teacher)
    fields = form_fields(page(client, url("meeting-new", cast)))
    fields.update({"decisions": ["Typed first"], "more": ["actions"]})
    html = post(client, url("meeting-new", cast), fields).content.decode()
    check_page(html)
    assert 'name="action-3-description"' in html
    assert "Typed first" in html
    assert "There is a problem" not in html
    assert not Meeting.objects.exists()


def test_forms_show_their_fields_in_groups_with_legends(world: Cast) -> None:
    html = page(web_client(world.head_teacher), url("assessment-new", world))
    legends = re.findall(r"<legend[^>]*>(.*?)</legend>", html, re.S)
    assert "How I grow and develop" in legends
    assert "What I need from people who look after me" in legends
    assert "My wider world" in legends
    assert "Your agency&#x27;s view of Safe" in legends
    for field in elements(html, "textarea"):
        assert elements(html, "label", for_=field["id"]), field
