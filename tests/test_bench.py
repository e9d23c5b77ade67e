"""`bairn bench` runs and prints its figures (it asserts no timings: speed is read from
its output, not tested), and never writes made-up data into a database in use."""

from __future__ import annotations

import copy
import json
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

# Every main request of the bench (issue 11, item 2), each through HTTP and as raw SQL.
REQUESTS = {
    "match_known": "POST /children/match (known child)",
    "match_unknown": "POST /children/match (unknown child)",
    "child": "GET /children/{id} (as Named Person)",
    "chronology_school": "GET chronology, 8 entries (school)",
    "chronology_health": "GET chronology, busy child (health: own + disclosed)",
    "sharing_check": "GET sharing-check",
    "concern_post": "POST concern (audit, notifications, pattern check)",
    "notifications": "GET /notifications (busy Named Person)",
    "transparency": "GET transparency report (busy child)",
    "audit": "GET /audit?child_id= (busy child)",
    "plan": "GET /children/{id}/plan (Named Person)",
    "child_page": "Page /children/{id} (busy child, Named Person)",
    "home_page": "Page / (home of the busy Named Person)",
}
COLUMNS = [
    "request", "n", "HTTP p50", "HTTP p95", "HTTP max", "SQL p50", "SQL p95", "× p50", "× p95",
]  # fmt: skip


def table(out: str, title: str) -> tuple[list[str], dict[str, list[str]]]:
    """A table of the output: its columns, and its rows by their first cell."""
    lines = out[out.index(title) :].splitlines()

    def cells(line: str, bar: str) -> list[str]:
        return [cell.strip() for cell in line.strip(f"{bar} ").split(bar)]

    columns = next(cells(line, "┃") for line in lines if line.startswith("┃"))
    rows = []
    for line in lines[1:]:
        if line.startswith("└"):
            break
        if line.startswith("│"):
            rows.append(cells(line, "│"))
    return columns, {row[0]: row for row in rows}


def test_the_bench_builds_an_area_and_prints_figures(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    figures = tmp_path / "bench.json"
    call_command("bench", children=6, entries=2, busy=8, repeat=2, schools=2, json=str(figures))
    out = capsys.readouterr().out
    assert Child.objects.count() == 7  # six, and the busy child
    assert Concern.objects.filter(summary__startswith="Bench concern").count() == 2
    # The raw SQL of the POST wrote nothing that stayed.
    assert not Concern.objects.filter(summary="Bench raw concern").exists()
    columns, rows = table(out, "Requests in ms")
    assert columns == COLUMNS
    assert set(rows) == set(REQUESTS.values()), out
    for name, row in rows.items():
        assert row[1] == "2", name  # timed twice
        for cell in row[2:]:  # HTTP p50, p95, max; SQL p50, p95; the ratios
            assert float(cell) > 0, (name, row)
    said = " ".join(out.split())
    assert "The raw SQL of each request" in said
    assert "ROLLED BACK" in said  # the POST's raw SQL says what it is
    assert "NOTE" not in said  # the raw SQL fetched as many rows as each request answered
    assert "FAILED" not in said
    assert "bairn audit verify:" in out
    assert "intact" in out
    assert "Peak memory of this process:" in out
    assert "Database default" in out

    written = json.loads(figures.read_text())
    assert written["format"] == "bairn-bench/1"
    assert written["date"]
    assert written["machine"]["cores"] >= 1
    assert written["machine"]["python"].startswith("3.11")
    vendor = connections["default"].vendor
    assert written["machine"]["databases"]["default"]["vendor"] == vendor
    assert written["machine"]["databases"]["identity"]["version"]
    assert written["world"]["mode"] == "services"
    assert written["world"]["children"] == 7
    assert written["world"]["busy_child_entries"] == 8
    assert written["world"]["concerns"] > 0
    assert [r["key"] for r in written["requests"]] == list(REQUESTS)
    for request in written["requests"]:
        assert request["n"] == 2
        assert request["error"] is None
        for side in ("http", "sql"):
            assert set(request[side]) == {"p50", "p95", "max"}
            assert all(v > 0 for v in request[side].values()), request
        assert request["ratio"]["p50"] > 0
        assert request["ratio"]["p95"] > 0
        assert request["sql_fetches"]
    chronology = next(r for r in written["requests"] if r["key"] == "chronology_health")
    assert chronology["rows"]["http"] == chronology["rows"]["sql"] > 0
    assert written["audit"]["seal"]["events"] > 0
    assert written["audit"]["verify"]["ok"] is True
    assert written["audit"]["verify"]["rate"] > 0
    assert written["memory"]["bench_peak_mb"] > 0
    assert {d["alias"] for d in written["databases"]} == {"default", "identity"}
    assert all(d["bytes"] > 0 for d in written["databases"])
    assert written["clients"] is None


def test_the_bench_times_the_same_requests_on_a_nation_loaded_in_bulk(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """--nation: the area comes from bairn.bench.nation (sizes are totals), and the same
    requests are timed, through HTTP and as raw SQL, on it."""
    figures = tmp_path / "nation.json"
    call_command(
        "bench", "--nation", "--children", "300", "--entries", "3000", "--repeat", "1",
        "--json", str(figures),
    )  # fmt: skip
    out = capsys.readouterr().out
    columns, rows = table(out, "Requests in ms")
    assert columns == COLUMNS
    assert len(rows) == len(REQUESTS), out
    for name, row in rows.items():
        assert all(float(cell) > 0 for cell in row[1:]), (name, row)
    assert "FAILED" not in out
    assert "NOTE" not in out
    written = json.loads(figures.read_text())
    assert written["options"]["nation"] is True
    assert written["world"]["mode"] == "nation"
    assert written["world"]["children"] >= 300
    assert written["world"]["busy_child_entries"] > 0
    assert [r["key"] for r in written["requests"]] == list(REQUESTS)
    for key in ("chronology_school", "chronology_health"):
        rows_of = next(r for r in written["requests"] if r["key"] == key)["rows"]
        assert rows_of["http"] == rows_of["sql"] > 0, key


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
    with pytest.raises(CommandError, match="--children must be at least 0"):
        call_command("bench", children=-1)
    with pytest.raises(CommandError, match="--seconds must be more than 0"):
        call_command("bench", seconds=0)
    assert not Child.objects.exists()


def test_the_bench_refuses_flags_of_the_other_mode(db: None) -> None:
    """--busy and --schools shape the council area built through the services; the
    nation has its own (and --nation needs at least one child)."""
    with pytest.raises(CommandError, match="--busy is for the council area"):
        call_command("bench", "--nation", "--busy", "5")
    with pytest.raises(CommandError, match="--schools is for the council area"):
        call_command("bench", "--nation", "--schools", "5")
    with pytest.raises(CommandError, match="--children must be at least 1"):
        call_command("bench", "--nation", "--children", "0")
    assert not Child.objects.exists()


def test_the_bench_refuses_a_json_file_it_cannot_write(db: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="does not exist"):
        call_command("bench", "--json", str(tmp_path / "no-such-folder" / "bench.json"))
    assert not Child.objects.exists()


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


@pytest.mark.django_db(transaction=True, databases="__all__")
@pytest.mark.usefixtures("stores_a_server_can_open")
def test_the_bench_records_concerns_with_many_clients_through_the_server(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    figures = tmp_path / "clients.json"
    call_command(
        "bench",
        "--children", "20", "--entries", "2", "--busy", "10", "--repeat", "2",
        "--clients", "1,2", "--seconds", "2", "--json", str(figures),
    )  # fmt: skip
    out = capsys.readouterr().out
    said = " ".join(out.split())  # as read, whatever the console's width
    columns, rows = table(out, "Concerns recorded at once through bairn serve")
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
    # The peak memory of each of the server's workers, read from /proc before it stopped.
    assert "Peak memory (VmHWM) of bairn serve's processes: worker 1 " in said
    written = json.loads(figures.read_text())["clients"]
    assert [r["clients"] for r in written["rounds"]] == [1, 2]
    for done in written["rounds"]:
        assert done["concerns"] == int(rows[str(done["clients"])][1].replace(",", ""))
        assert done["concerns_per_second"] > 0
        assert done["p50_ms"] > 0
        assert done["failures"] == {}
    assert len(written["worker_peak_rss_mb"]) == written["workers"] >= 2
    assert all(mb > 0 for mb in written["worker_peak_rss_mb"])
    roles = {p["role"] for p in written["server_processes"]}
    assert {"gunicorn master", "gunicorn worker", "task worker"} <= roles
    assert written["audit_after"]["verify_ok"] is True


def test_the_bench_refuses_nonsense_client_counts(db: None) -> None:
    with pytest.raises(CommandError, match="--clients takes client counts"):
        call_command("bench", clients="1,0")
