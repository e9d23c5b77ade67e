"""`bairn bench` runs and prints its figures (it asserts no timings: speed is read from
its output, not tested), and never writes made-up data into a database in use."""

from __future__ import annotations

import copy
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connections

from bairn.audit import log as audit_log
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


# --- --clients: concerns recorded at once through `bairn serve` ----------------------------


@pytest.fixture
def stores_a_server_can_open(tmp_path: Path, settings: Any) -> Iterator[None]:
    """The bench's server is another process: it sees only what is committed (hence a
    transactional test) in databases it can open. On PostgreSQL those are the test
    databases themselves. The suite's SQLite test databases are in memory, which no other
    process can open: there the test runs on file copies of them (migrated, empty) in a
    data folder of its own, and the suite's own come back afterwards."""
    swapped: dict[str, Any] = {}
    for alias, file_name in (("default", "bairn.sqlite3"), ("identity", "identity.sqlite3")):
        original = connections[alias]
        if original.vendor != "sqlite":
            continue
        original.ensure_connection()
        copy_of = sqlite3.connect(tmp_path / file_name)
        original.connection.backup(copy_of)
        copy_of.close()
        settings_dict = copy.deepcopy(original.settings_dict)
        settings_dict["NAME"] = str(tmp_path / file_name)
        swapped[alias] = original
        connections[alias] = type(original)(settings_dict, alias)
    if swapped:
        settings.DATA_DIR = tmp_path
    try:
        yield
    finally:
        for alias, original in swapped.items():
            connections[alias].close()
            connections[alias] = original


def clients_table(out: str) -> tuple[list[str], dict[str, list[str]]]:
    """The clients table's columns, and its rows by their first cell."""
    table = out[out.index("Concerns recorded at once through bairn serve") :].splitlines()

    def cells(line: str, bar: str) -> list[str]:
        return [cell.strip() for cell in line.strip(f"{bar} ").split(bar)]

    columns = next(cells(line, "┃") for line in table if line.startswith("┃"))
    rows = [cells(line, "│") for line in table if line.startswith("│")]
    return columns, {row[0]: row for row in rows}


@pytest.mark.django_db(transaction=True, databases="__all__")
@pytest.mark.usefixtures("stores_a_server_can_open")
def test_the_bench_records_concerns_with_many_clients_through_the_server(
    capsys: pytest.CaptureFixture[str],
) -> None:
    call_command(
        "bench",
        "--children", "20", "--entries", "2", "--busy", "10", "--repeat", "2",
        "--clients", "1,2", "--seconds", "2",
    )  # fmt: skip
    out = capsys.readouterr().out
    said = " ".join(out.split())  # as read, whatever the console's width
    columns, rows = clients_table(out)
    assert columns[:6] == ["clients", "concerns", "concerns/s", "p50 ms", "p95 ms", "failures"]
    assert set(rows) == {"1", "2"}, out
    for row in rows.values():
        assert int(row[1].replace(",", "")) > 0, out  # concerns made
        assert row[5] == "0", out  # failures
    if connections["default"].vendor == "postgresql":
        assert columns[6] == "waiting on a lock (max)"
        assert "stores' backends waited on a lock at once" in said
    # The server wrote them: the concerns are in the stores, by the Named Persons.
    made = Concern.objects.filter(summary__startswith="Bench client concern")
    assert made.count() == sum(int(row[1].replace(",", "")) for row in rows.values())
    assert made.values("recorded_by").distinct().count() > 1
    assert made.values("child_ref").distinct().count() > 1
    assert "bairn audit verify after the load: the log holds" in said
    assert audit_log.verify().ok


def test_the_bench_refuses_nonsense_client_counts(db: None) -> None:
    with pytest.raises(CommandError, match="--clients takes client counts"):
        call_command("bench", clients="1,0")
