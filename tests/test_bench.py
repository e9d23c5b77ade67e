"""`bairn bench` runs and prints its figures (it asserts no timings: speed is read from
its output, not tested), and never writes made-up data into a database in use."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import CommandError, call_command

from bairn.chronology.models import Concern
from bairn.people.models import Child
from tests.factories import Cast


def test_the_bench_builds_an_area_and_prints_figures(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("bench", children=6, entries=2, busy=8, repeat=2, schools=2)
    out = capsys.readouterr().out
    assert Child.objects.count() == 7  # six, and the busy child
    assert Concern.objects.filter(summary__startswith="Bench concern").count() == 2
    for line in (
        "POST /children/match (known child)",
        "GET chronology, busy child (health: own + disclosed)",
        "POST concern (audit, notifications, pattern check)",
        "GET transparency report (busy child)",
        "p95",
    ):
        assert line in out, line
    assert "bairn audit verify:" in out
    assert "intact" in out
    assert "Peak memory of this process:" in out


def test_the_bench_times_more_matches_than_one_practitioner_may_ask(
    settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """The bench asks the match 2 × --repeat times as one Named Person: the throttle
    (BAIRN_MATCH_LIMIT) is still checked on every one, but must not stop the bench."""
    settings.BAIRN_MATCH_LIMIT = 3
    call_command("bench", children=6, entries=1, busy=2, repeat=3, schools=1)
    assert "POST /children/match (unknown child)" in capsys.readouterr().out


def test_the_bench_refuses_a_database_in_use(cast: Cast) -> None:
    with pytest.raises(CommandError, match="not empty"):
        call_command("bench", children=1)
    assert Child.objects.count() == 2


def test_the_bench_refuses_nonsense_sizes(db: None) -> None:
    with pytest.raises(CommandError, match="--repeat must be at least 1"):
        call_command("bench", repeat=0)
