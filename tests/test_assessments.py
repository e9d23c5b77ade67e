"""Wellbeing assessments (practice-model.md, National Practice Model; API.md "Plans and
assessments"): one assessment per occasion to which each agency on the team contributes
once; ratings of the eight indicators (strengths as well as concerns) with evidence from
the chronology the contributor may see; My World Triangle notes, Resilience Matrix factors
and the five questions; the combined rating is the most concerning view, each agency's
view kept; the wellbeing wheel and the Resilience Matrix drawn as SVG.

One cast for the module (tests/conftest.py `module_cast`), with Leeann's plan already
made: the social worker is Lead Professional; the health visitor, her team leader and the
police officer are on the team. Entries: one by the school, one by health, one by the
class teacher (involved, but not on the team), and one by health about Trent.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from bairn.planning.models import Assessment, Contribution
from bairn.planning.services import save_plan
from bairn.reference import FIVE_QUESTIONS, MY_WORLD_AREAS, Indicator
from tests.factories import Cast, concern, new_id

SVG = "{http://www.w3.org/2000/svg}"
CALLERS = [
    "head_teacher",
    "class_teacher",
    "health_visitor",
    "hv_team_leader",
    "police_officer",
    "police_sergeant",
    "social_worker",
    "charlie",
]


@dataclass
class World:
    cast: Cast
    school_entry: str
    health_entry: str
    class_entry: str
    trent_entry: str

    def api(self, who: str) -> Any:
        return self.cast.api(who)

    def path(self, rest: str = "") -> str:
        return f"/children/{self.cast.leeann.pk}{rest}"


@pytest.fixture(scope="module")
def world(module_cast: Cast) -> World:
    cast = module_cast
    save_plan(
        cast.head_teacher,
        cast.leeann.pk,
        version=0,
        lead_professional_id=cast.social_worker.pk,
        team_ids=[cast.health_visitor.pk, cast.hv_team_leader.pk, cast.police_officer.pk],
        reason_for_plan="Leeann's needs at home and at school call for several agencies",
        needs=[
            {
                "indicators": ["safe"],
                "description": "To feel safe at home",
                "outcome": "Leeann says she feels safe",
                "evidence": "Her own words, weekly",
                "actions": [],
            }
        ],
        child_views="I like my classroom assistant",
        family_views="Corinne wants help with Trent",
        review_date=timezone.localdate() + dt.timedelta(days=90),
    )
    school = concern(
        cast.head_teacher, cast.leeann, "Leeann upset at drop-off", indicators=("safe",)
    )
    health = concern(
        cast.health_visitor, cast.leeann, "Missed two dental appointments", indicators=("healthy",)
    )
    own = concern(cast.class_teacher, cast.leeann, "Leeann pushed another child")
    trent = concern(cast.health_visitor, cast.trent, "Trent's weight below the 2nd centile")
    for who in CALLERS:
        cast.api(who)  # tokens made once, outside the tests' savepoints
    return World(cast, str(school.pk), str(health.pk), str(own.pk), str(trent.pk))


def full_assessment(w: World) -> dict[str, Any]:
    return {
        "indicators": {
            "safe": {
                "rating": "some_concern",
                "notes": "Upset at drop-off on three mornings",
                "evidence_entry_ids": [w.school_entry],
            },
            "nurtured": {"rating": "significant_concern", "notes": "Often hungry"},
            "achieving": {"rating": "strength", "notes": "Reading is improving fast"},
            "active": {"rating": "strength"},
            "included": {"rating": "no_concern"},
        },
        "my_world": {
            "keeping_me_safe": "Mum's partner shouts at night",
            "school": "Settled in class, close to her classroom assistant",
            "support_from_family_and_friends": "Her aunt is close by and involved",
        },
        "resilience_matrix": [
            {"factor": "Loves reading", "axis": "resilience"},
            {"factor": "Low self-esteem", "axis": "vulnerability"},
            {"factor": "Supportive aunt nearby", "axis": "protective"},
            {"factor": "Domestic noise at night", "axis": "adversity"},
        ],
        "five_questions": {
            "1": "Worry and tiredness in the mornings",
            "2": "Not yet: health and police views are needed",
            "3": "Daily check-in with her classroom assistant",
            "4": "Breakfast club place",
            "5": "Social work support for the family",
        },
    }


def start(w: World, who: str = "head_teacher", body: dict[str, Any] | None = None) -> Any:
    response = w.api(who).post(w.path("/assessments"), body or full_assessment(w))
    assert response.status_code == 201, response.content
    return response.json()


def contribute(w: World, who: str, assessment_id: str, body: dict[str, Any]) -> Any:
    return w.api(who).post(f"/assessments/{assessment_id}/contributions", body)


def listed(w: World, who: str = "social_worker") -> list[dict[str, Any]]:
    response = w.api(who).get(w.path("/assessments"))
    assert response.status_code == 200, response.content
    return response.json()["assessments"]


def errors(response: Any) -> dict[str, str]:
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["detail"]
    return {e["field"]: e["message"] for e in body["errors"]}


def stored() -> tuple[int, int]:
    return Assessment.objects.count(), Contribution.objects.count()


def svg(response: Any) -> ET.Element:
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("image/svg+xml")
    return ET.fromstring(response.content)


def text_of(root: ET.Element, tag: str) -> str:
    """The text of the picture's first title or desc."""
    found = root.find(f"{SVG}{tag}")
    assert found is not None, tag
    assert found.text, tag
    return found.text


def texts(element: ET.Element) -> list[str]:
    return [t.text or "" for t in element.iter(f"{SVG}text")]


# --- starting and contributing -----------------------------------------------------------------


def test_named_person_starts_an_assessment_with_strengths_and_concerns(world: World) -> None:
    w = world
    sent = full_assessment(w)
    made = start(w, body=sent)
    assert made["id"]
    assert made["child_id"] == str(w.cast.leeann.pk)
    assert made["started_by"] == "Elaine Ross"
    assert made["agencies"] == [w.cast.school.name]
    assert set(made["indicators"]) == set(sent["indicators"])
    for code, view in sent["indicators"].items():
        got = made["indicators"][code]
        assert got["rating"] == view["rating"]
        assert got["notes"] == view.get("notes", "")
        assert got["evidence_entry_ids"] == view.get("evidence_entry_ids", [])
        (one,) = got["views"]
        assert one["agency"] == w.cast.school.name
        assert one["author"] == "Elaine Ross"
        assert one["rating"] == view["rating"]
    assert made["indicators"]["achieving"]["rating"] == "strength"  # strengths recorded too
    assert made["my_world"] == {
        area: [{"agency": w.cast.school.name, "notes": notes}]
        for area, notes in sent["my_world"].items()
    }
    assert made["resilience_matrix"] == [
        {**factor, "agency": w.cast.school.name} for factor in sent["resilience_matrix"]
    ]
    assert set(made["five_questions"]) == set(FIVE_QUESTIONS)  # all five answered
    assert made["five_questions"] == {
        number: [{"agency": w.cast.school.name, "answer": answer}]
        for number, answer in sent["five_questions"].items()
    }
    # Every one of the Triangle's areas is accepted.
    every = {"indicators": {}, "my_world": {a.code: a.label for a in MY_WORLD_AREAS}}
    assert len(start(w, body=every)["my_world"]) == len(MY_WORLD_AREAS)
    # The team reads what was listed; the Lead Professional sees the same.
    assert listed(w, "police_officer")[1] == made
    assert listed(w)[1] == made


def test_agencies_contribute_to_one_assessment_and_the_most_concerning_view_wins(
    world: World,
) -> None:
    w = world
    made = start(
        w,
        body={
            "indicators": {
                "safe": {"rating": "some_concern", "evidence_entry_ids": [w.school_entry]},
                "achieving": {"rating": "strength", "notes": "Reading"},
                "healthy": {"rating": "no_concern"},
            },
            "my_world": {"school": "Settled"},
            "resilience_matrix": [{"factor": "Loves reading", "axis": "resilience"}],
            "five_questions": {"1": "Tiredness"},
        },
    )
    response = contribute(
        w,
        "health_visitor",
        made["id"],
        {
            "indicators": {
                "safe": {"rating": "significant_concern", "notes": "Bruise seen at home visit"},
                "achieving": {"rating": "no_concern"},
                "healthy": {
                    "rating": "some_concern",
                    "notes": "Dental care missed",
                    "evidence_entry_ids": [w.health_entry],
                },
                "included": {"rating": "strength", "notes": "Goes to Brownies"},
            },
            "my_world": {"school": "Attends", "being_healthy": "Teeth need treatment"},
            "resilience_matrix": [{"factor": "Missed appointments", "axis": "adversity"}],
            "five_questions": {"1": "Home conditions", "5": "Dental service"},
        },
    )
    assert response.status_code == 201, response.content
    both = response.json()
    assert both["id"] == made["id"]
    assert both["agencies"] == [w.cast.school.name, w.cast.health.name]
    ratings = {code: view["rating"] for code, view in both["indicators"].items()}
    assert ratings == {
        "safe": "significant_concern",
        "achieving": "no_concern",
        "healthy": "some_concern",
        "included": "strength",
    }
    # Each agency's view is kept beside the combined one.
    views = {v["agency"]: v for v in both["indicators"]["safe"]["views"]}
    assert views[w.cast.school.name]["rating"] == "some_concern"
    assert views[w.cast.school.name]["evidence_entry_ids"] == [w.school_entry]
    assert views[w.cast.health.name]["rating"] == "significant_concern"
    assert views[w.cast.health.name]["author"] == "Fiona McLeod"
    assert views[w.cast.health.name]["notes"] == "Bruise seen at home visit"
    achieving = {v["agency"]: v["rating"] for v in both["indicators"]["achieving"]["views"]}
    assert achieving == {w.cast.school.name: "strength", w.cast.health.name: "no_concern"}
    assert both["indicators"]["healthy"]["evidence_entry_ids"] == [w.health_entry]
    assert both["my_world"]["school"] == [
        {"agency": w.cast.school.name, "notes": "Settled"},
        {"agency": w.cast.health.name, "notes": "Attends"},
    ]
    assert [f["agency"] for f in both["resilience_matrix"]] == [
        w.cast.school.name,
        w.cast.health.name,
    ]
    assert [a["answer"] for a in both["five_questions"]["1"]] == ["Tiredness", "Home conditions"]
    assert both["five_questions"]["5"] == [
        {"agency": w.cast.health.name, "answer": "Dental service"}
    ]

    # A third agency on the team: police.
    response = contribute(
        w, "police_officer", made["id"], {"indicators": {"safe": {"rating": "some_concern"}}}
    )
    assert response.status_code == 201, response.content
    three = response.json()
    assert three["indicators"]["safe"]["rating"] == "significant_concern"
    assert len(three["indicators"]["safe"]["views"]) == 3
    assert listed(w) == [three]


def test_an_agency_contributes_to_an_assessment_once(world: World) -> None:
    w = world
    made = start(w, body={"indicators": {"safe": {"rating": "some_concern"}}})
    body = {"indicators": {"healthy": {"rating": "strength"}}}
    assert contribute(w, "health_visitor", made["id"], body).status_code == 201
    before = (listed(w), stored())
    # The same practitioner again, another of the same agency, and the starting agency.
    for who in ("health_visitor", "hv_team_leader", "head_teacher"):
        response = contribute(w, who, made["id"], {"indicators": {"safe": {"rating": "strength"}}})
        assert response.status_code == 409, (who, response.content)
        assert response.json()["errors"][0]["field"] == "assessment_id"
    assert (listed(w), stored()) == before
    # A new assessment is a new occasion: the agency may contribute to that.
    other = start(w, body={"indicators": {"safe": {"rating": "no_concern"}}})
    assert contribute(w, "hv_team_leader", other["id"], body).status_code == 201


def test_evidence_must_be_entries_the_contributor_may_see(world: World) -> None:
    w = world
    made = start(w, body={"indicators": {"safe": {"rating": "some_concern"}}})
    before = (listed(w), stored())
    # The school's entry was not disclosed to health; Trent's is another child's; the
    # last is no entry at all.
    for entry in (w.school_entry, w.class_entry, w.trent_entry, new_id()):
        response = contribute(
            w,
            "health_visitor",
            made["id"],
            {
                "indicators": {
                    "safe": {"rating": "significant_concern", "evidence_entry_ids": [entry]},
                    "healthy": {"rating": "some_concern", "evidence_entry_ids": [w.health_entry]},
                }
            },
        )
        found = errors(response)
        assert set(found) == {"indicators.safe.evidence_entry_ids"}, found
        assert entry in found["indicators.safe.evidence_entry_ids"]
    # Each indicator with evidence out of reach is named.
    response = contribute(
        w,
        "health_visitor",
        made["id"],
        {
            "indicators": {
                "safe": {"rating": "some_concern", "evidence_entry_ids": [w.school_entry]},
                "nurtured": {"rating": "some_concern", "evidence_entry_ids": [w.trent_entry]},
            }
        },
    )
    assert set(errors(response)) == {
        "indicators.safe.evidence_entry_ids",
        "indicators.nurtured.evidence_entry_ids",
    }
    # Starting one is checked the same way: the school cannot cite health's entry.
    response = w.api("head_teacher").post(
        w.path("/assessments"),
        {
            "indicators": {
                "healthy": {"rating": "some_concern", "evidence_entry_ids": [w.health_entry]}
            }
        },
    )
    assert "indicators.healthy.evidence_entry_ids" in errors(response)
    assert (listed(w), stored()) == before

    # Once the school discloses its entry to health, health may cite it.
    disclosed = w.api("head_teacher").post(
        "/disclosures",
        {
            "child_id": str(w.cast.leeann.pk),
            "recipient_agency_id": str(w.cast.health.pk),
            "purpose": "child_protection",
            "categories": ["chronology"],
            "entry_ids": [w.school_entry],
            "justification": "Health needs the school's observations for the assessment",
        },
    )
    assert disclosed.status_code == 201, disclosed.content
    response = contribute(
        w,
        "health_visitor",
        made["id"],
        {
            "indicators": {
                "safe": {"rating": "some_concern", "evidence_entry_ids": [w.school_entry]}
            }
        },
    )
    assert response.status_code == 201, response.content


BAD: list[tuple[dict[str, Any], str]] = [
    ({"indicators": {"happy": {"rating": "strength"}}}, "indicators.happy"),
    ({"indicators": {"safe": {"rating": "fine"}}}, "indicators.safe.rating"),
    ({"indicators": {"safe": {"rating": "Strength"}}}, "indicators.safe.rating"),
    ({"indicators": {"safe": {}}}, "indicators.safe.rating"),
    ({"indicators": {"safe": {"rating": "strength", "score": 3}}}, "indicators.safe.score"),
    (
        {"indicators": {"safe": {"rating": "strength", "evidence_entry_ids": ["entry-1"]}}},
        "indicators.safe.evidence_entry_ids.0",
    ),
    ({"indicators": {"safe": "some_concern"}}, "indicators.safe"),
    ({"my_world": {"school": "x"}}, "indicators"),
    ({"indicators": {}}, "indicators"),
    ({"indicators": {}, "my_world": {"the_moon": "x"}}, "my_world.the_moon"),
    ({"indicators": {}, "my_world": {"school": 3}}, "my_world.school"),
    (
        {"indicators": {}, "resilience_matrix": [{"factor": "Reads", "axis": "sideways"}]},
        "resilience_matrix.0.axis",
    ),
    ({"indicators": {}, "resilience_matrix": [{"factor": "Reads"}]}, "resilience_matrix.0.axis"),
    (
        {"indicators": {}, "resilience_matrix": [{"factor": "", "axis": "resilience"}]},
        "resilience_matrix.0.factor",
    ),
    (
        {
            "indicators": {},
            "resilience_matrix": [{"factor": "Reads", "axis": "resilience", "weight": 2}],
        },
        "resilience_matrix.0.weight",
    ),
    ({"indicators": {}, "five_questions": {"6": "x"}}, "five_questions.6"),
    ({"indicators": {}, "five_questions": {"one": "x"}}, "five_questions.one"),
    ({"indicators": {"safe": {"rating": "strength"}}, "score": 7}, "score"),
]
BAD_IDS = [f"{i:02d}-{field}" for i, (_, field) in enumerate(BAD)]


@pytest.mark.parametrize(("body", "field"), BAD, ids=BAD_IDS)
def test_bad_assessment_names_the_field_and_saves_nothing(
    world: World, body: dict[str, Any], field: str
) -> None:
    w = world
    before = stored()
    found = errors(w.api("head_teacher").post(w.path("/assessments"), body))
    assert field in found, found
    assert found[field]
    assert stored() == before


def test_bad_contribution_names_the_field_and_saves_nothing(world: World) -> None:
    w = world
    made = start(w, body={"indicators": {"safe": {"rating": "some_concern"}}})
    before = (listed(w), stored())
    for body, field in BAD:
        found = errors(contribute(w, "health_visitor", made["id"], body))
        assert field in found, (body, found)
    assert (listed(w), stored()) == before
    # A contribution to an assessment that does not exist is not found.
    response = contribute(
        w, "health_visitor", new_id(), {"indicators": {"safe": {"rating": "strength"}}}
    )
    assert response.status_code == 404


def test_assessments_are_listed_newest_first(world: World) -> None:
    w = world
    assert listed(w) == []
    first = start(w, body={"indicators": {"safe": {"rating": "some_concern"}}})
    second = start(w, "social_worker", {"indicators": {"safe": {"rating": "no_concern"}}})
    third = start(w, "health_visitor", {"indicators": {"safe": {"rating": "strength"}}})
    found = listed(w, "police_officer")
    assert [a["id"] for a in found] == [third["id"], second["id"], first["id"]]
    assert [a["started_by"] for a in found] == ["Fiona McLeod", "Chris Devlin", "Elaine Ross"]
    assert found[0]["started_at"] >= found[1]["started_at"] >= found[2]["started_at"]


def test_assessments_are_for_the_plans_circle_only(world: World) -> None:
    w = world
    made = start(w, body={"indicators": {"safe": {"rating": "some_concern"}}})
    body = {"indicators": {"safe": {"rating": "strength"}}}
    before = stored()
    # Involved but not on the team (the class teacher), and involved with nothing (the
    # sergeant, Charlie).
    for who in ("class_teacher", "police_sergeant", "charlie"):
        api = w.api(who)
        for path in ("/assessments", "/wellbeing-wheel.svg", "/resilience-matrix.svg"):
            response = api.get(w.path(path))
            assert response.status_code == 404, (who, path)
            assert response.json() == {"detail": "Not found."}
        assert api.post(w.path("/assessments"), body).status_code == 404, who
        assert contribute(w, who, made["id"], body).status_code == 404, who
    assert stored() == before
    # Leeann's Lead Professional has nothing to do with her brother.
    assert w.api("social_worker").get(f"/children/{w.cast.trent.pk}/assessments").status_code == 404


# --- pictures -------------------------------------------------------------------------------------


def test_wellbeing_wheel_names_every_indicator_and_its_rating(world: World) -> None:
    w = world
    assert w.api("head_teacher").get(w.path("/wellbeing-wheel.svg")).status_code == 404
    start(w)
    root = svg(w.api("police_officer").get(w.path("/wellbeing-wheel.svg")))
    assert text_of(root, "title") == "Wellbeing wheel for Leeann Cairns"
    expected = {
        "safe": "Some concern",
        "nurtured": "Significant concern",
        "achieving": "Strength",
        "active": "Strength",
        "included": "No concern",
        "healthy": "Not assessed",
        "respected": "Not assessed",
        "responsible": "Not assessed",
    }
    groups = {g.get("data-indicator"): g for g in root.iter(f"{SVG}g") if g.get("data-indicator")}
    assert set(groups) == set(Indicator.values)
    for code, rating in expected.items():
        words = texts(groups[code])
        assert words[0] == Indicator(code).label, words
        assert " ".join(words[1:]) == rating, (code, words)
    every = " ".join(texts(root))
    for label in Indicator.labels:
        assert label in every
    for key in ("Strength", "No concern", "Some concern", "Significant concern"):
        assert key in every  # in the key
    desc = text_of(root, "desc")
    for code, rating in expected.items():
        assert f"{Indicator(code).label}: {rating}" in desc


def test_wellbeing_wheel_draws_the_latest_assessment_combined(world: World) -> None:
    w = world
    start(w, body={"indicators": {"safe": {"rating": "strength"}}})
    made = start(w, body={"indicators": {"safe": {"rating": "no_concern"}}})
    contribute(
        w, "health_visitor", made["id"], {"indicators": {"safe": {"rating": "some_concern"}}}
    )
    root = svg(w.api("head_teacher").get(w.path("/wellbeing-wheel.svg")))
    (safe,) = [g for g in root.iter(f"{SVG}g") if g.get("data-indicator") == "safe"]
    assert texts(safe) == ["Safe", "Some", "concern"]
    assert safe.get("data-rating") == "some_concern"
    # The rest of that assessment was not assessed by anyone.
    others = [g for g in root.iter(f"{SVG}g") if g.get("data-indicator") not in (None, "safe")]
    assert len(others) == 7
    assert all(texts(g)[1:] == ["Not", "assessed"] for g in others)


def test_resilience_matrix_holds_the_factors_on_their_axes(world: World) -> None:
    w = world
    assert w.api("head_teacher").get(w.path("/resilience-matrix.svg")).status_code == 404
    made = start(w)
    contribute(
        w,
        "police_officer",
        made["id"],
        {
            "indicators": {},
            "resilience_matrix": [
                {"factor": "Police called to the flat twice", "axis": "adversity"}
            ],
        },
    )
    root = svg(w.api("social_worker").get(w.path("/resilience-matrix.svg")))
    assert text_of(root, "title") == "Resilience Matrix for Leeann Cairns"
    axes = {g.get("data-axis"): texts(g) for g in root.iter(f"{SVG}g") if g.get("data-axis")}
    assert set(axes) == {"resilience", "vulnerability", "protective", "adversity"}
    assert axes["resilience"] == ["Resilience", "• Loves reading"]
    assert axes["vulnerability"] == ["Vulnerability", "• Low self-esteem"]
    assert axes["protective"] == ["Protective environment", "• Supportive aunt nearby"]
    assert axes["adversity"] == [
        "Adversity",
        "• Domestic noise at night",
        "• Police called to the flat twice",
    ]
    assert "Loves reading" in text_of(root, "desc")


def test_resilience_matrix_says_when_an_axis_has_nothing(world: World) -> None:
    w = world
    start(w, body={"indicators": {"safe": {"rating": "strength"}}})
    root = svg(w.api("head_teacher").get(w.path("/resilience-matrix.svg")))
    axes = {g.get("data-axis"): texts(g) for g in root.iter(f"{SVG}g") if g.get("data-axis")}
    assert all(words[1:] == ["None recorded"] for words in axes.values()), axes
