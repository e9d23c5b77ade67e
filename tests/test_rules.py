"""One rule per action (issue 9, item 2): the registry `bairn.access.rules.RULES` holds
exactly one named rule per `Action`, each citing the section it enforces, and the rules
that used to live in several places (the plan's circle, who reads an IRD, what is
overdue) live in one place each."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import get_args

import pytest

import bairn
from bairn.access import policy
from bairn.access.actions import Action, AuditAction
from bairn.access.rules import RULES, rule
from bairn.agencies.models import Involvement
from bairn.api.main import api
from bairn.planning.models import ActionStatus
from bairn.planning.rules import OPEN_STATUSES, action_overdue, review_overdue
from tests.factories import Cast

SRC = Path(bairn.__file__).parent
DOMAIN_SECTIONS = {"§1", "§2", "§4.1", "§4.2", "§4.3", "§4.4", "§4.7", "§4.8", "§4.9", "§5"}
API_SECTIONS = {'"Set-up"', '"Set-up (role admin)"', '"Plans and assessments"'}


def test_every_action_has_exactly_one_named_rule_citing_its_section() -> None:
    assert set(RULES) == set(Action)
    for action, found in RULES.items():
        assert found.action is action
        assert found.name == found.decide.__name__
        assert not found.name.startswith("_")
        cited = found.cites.removeprefix("DOMAIN ").removeprefix("API.md ")
        assert cited in DOMAIN_SECTIONS | API_SECTIONS, f"{action}: {found.cites}"


def test_a_second_rule_for_an_action_is_refused() -> None:
    with pytest.raises(ValueError, match="two rules"):

        @rule(Action.CHILD_READ, cites="DOMAIN §4.1")
        def another(actor, child_id, record):  # type: ignore[no-untyped-def]
            raise AssertionError


def test_an_action_without_a_rule_is_denied(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(RULES, Action.SELF)
    decision = policy.decide(cast.head_teacher, Action.SELF)
    assert not decision.allowed
    assert decision.reasons == ("no rule allows self",)


def test_listing_actions_name_their_list_filter() -> None:
    assert RULES[Action.CHRONOLOGY_READ].lists is policy.visible_entries
    assert RULES[Action.SHARE_REQUEST_DECIDE].lists is policy.share_requests_to_decide
    assert RULES[Action.SHARE_REQUEST_READ].lists is policy.share_requests_visible
    assert RULES[Action.ISP_READ].lists is policy.isps_visible
    assert RULES[Action.AUTHORISATION_DECIDE].lists is policy.authorisations_to_decide
    assert RULES[Action.IRD_READ].lists is policy.irds_visible
    assert RULES[Action.CHILD_LIST].lists is policy.involved_children


def test_decisions_carry_no_dead_fields() -> None:
    assert "flagged" not in policy.Decision.__dataclass_fields__


def test_enums_keep_the_stored_strings() -> None:
    assert {str(b) for b in policy.PLAN_CIRCLE} == {
        "named_person",
        "lead_professional",
        "plan_team",
    }
    assert set(Involvement.Basis) >= policy.PLAN_CIRCLE
    assert {str(k) for k in policy.IRD_AGENCIES} == {"police", "social_work", "health"}
    assert [s.value for s in ActionStatus] == ["planned", "in_progress", "done", "dropped"]
    assert {"planned", "in_progress"} == OPEN_STATUSES
    assert AuditAction.TOKEN_CREATE == "token.create"
    assert not {a.value for a in AuditAction} & {a.value for a in Action}


@pytest.mark.parametrize(
    ("status", "due_on", "overdue"),
    [
        ("planned", "2026-03-01", True),
        ("in_progress", "2026-03-01", True),
        ("planned", "2026-03-02", False),  # due today is not yet overdue
        ("done", "2026-03-01", False),
        ("dropped", "2026-01-01", False),
        ("planned", "not a date", False),
    ],
)
def test_what_is_overdue(status: str, due_on: str, overdue: bool) -> None:
    today = dt.date(2026, 3, 2)
    assert action_overdue({"status": status, "due_on": due_on}, today) is overdue


def test_a_review_is_overdue_after_its_date() -> None:
    today = dt.date(2026, 3, 2)
    assert review_overdue({"review_date": "2026-03-01"}, today)
    assert not review_overdue({"review_date": "2026-03-02"}, today)
    assert not review_overdue({"review_date": ""}, today)


def _lines(pattern: str, *, allowed: set[str]) -> list[str]:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        rel = str(path.relative_to(SRC))
        if rel in allowed or "/migrations/" in rel or rel.startswith("demo/"):
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if re.search(pattern, line):
                found.append(f"{rel}:{number}: {line.strip()}")
    return found


def test_the_overdue_rule_lives_once() -> None:
    """What is overdue is decided by `planning.rules` alone, not by a copy in a service,
    a presenter or the home page."""
    assert (
        _lines(
            r"""(due\w*|review\w*)\s*<\s*today|today\s*>\s*(due|review)""",
            # an ISP's review date is the ISP's own rule, not the plan's
            allowed={"planning/rules.py", "sharing/models.py"},
        )
        == []
    )
    # The API spells the statuses out (its OpenAPI document stays as it is): the same ones.
    assert _lines(r"""["']planned["'],\s*["']in_progress["']""", allowed={"api/planning.py"}) == []
    from bairn.api.planning import ActionIn  # after the API, which imports it

    assert api is not None
    assert get_args(ActionIn.model_fields["status"].annotation) == tuple(ActionStatus.values)


def test_the_plan_circle_and_ird_rules_live_in_the_policy() -> None:
    """Who is in the plan's circle, and who reads which IRD, is asked of the policy."""
    assert _lines(r"&\s*PLAN_CIRCLE|PLAN_CIRCLE\s*&", allowed={"access/rules/facts.py"}) == []
    assert (
        _lines(
            r"""frozenset\(\{\s*["']named_person["']|["']police["'],\s*["']social_work["']""",
            allowed=set(),
        )
        == []
    )


def test_audit_actions_are_named_by_the_enums() -> None:
    """What the audit records is an `Action` or an `AuditAction`, never a loose string."""
    assert _lines(r"""\baction=["'][a-z_]+\.[a-z_]+["']""", allowed=set()) == []
