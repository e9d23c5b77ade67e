"""`bairn bench`: how fast Bairn answers, and in how much memory, on a synthetic area built
in an empty database. It prints figures; it asserts nothing. Run it on the machine and
database you mean to use (`make bench` uses a scratch SQLite data folder, `make
bench-postgres` and `make bench-nation` scratch PostgreSQL databases).

Each main request is timed through HTTP and, right after each call, the raw SQL that
fetches the same rows (bairn.bench.rawsql), alternately, so that both see the same machine
at the same moment; the ratio of the two is what Bairn adds on top of its database.

Two ways to build the area: a council area through the services (the default: every write
pays for its audit event, notifications and pattern check, so it is slow but exercises
the write path), or `--nation`, a whole country loaded in bulk (bairn.bench.nation)."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import random
import resource
import sqlite3
import statistics
import sys
import time
import uuid
from argparse import ArgumentParser
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connections
from django.http.response import HttpResponseBase
from django.test import Client
from django.utils import timezone
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from bairn.access.policy import current_assignee, involvement_bases
from bairn.agencies.models import Agency, Assignment, Practitioner
from bairn.agencies.services import issue_token
from bairn.audit import log as audit_log
from bairn.audit.models import AuditEvent
from bairn.bench import clients, rawsql, world
from bairn.chronology.models import Concern
from bairn.people.models import Child
from bairn.planning.models import Plan

FORMAT = "bairn-bench/1"  # the --json file's shape; changed only with a new number
NATION_CHILDREN = 1_000_000
NATION_ENTRIES = 20_000_000
SMALL_CHILDREN = 1000
SMALL_ENTRIES = 6


class RequestFailed(Exception):
    """A request of the bench answered an error: reported, and the bench goes on."""


@dataclass
class Probe:
    """One main request: how to call it through HTTP (returns the response) and the raw
    SQL of the same rows (given the call's number and the warm-up call's JSON)."""

    key: str
    name: str
    http: Callable[[int], HttpResponseBase]
    raw: Callable[[int, Any], rawsql.Raw]
    warm: bool = True  # an untimed call first (not for a write: it would add a row)
    rows: str | None = None  # the list in the JSON whose length the raw SQL should match


@dataclass
class Measured:
    key: str
    name: str
    http: list[float] = field(default_factory=list)
    sql: list[float] = field(default_factory=list)
    note: str = ""
    rows_http: int | None = None
    rows_sql: int | None = None
    error: str = ""


def percentile(samples: list[float], share: float) -> float:
    if not samples:
        return 0.0
    if share == 0.5:
        return float(statistics.median(samples))
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def figures(samples: list[float]) -> dict[str, float] | None:
    if not samples:
        return None
    return {
        "p50": round(percentile(samples, 0.5), 3),
        "p95": round(percentile(samples, 0.95), 3),
        "max": round(max(samples), 3),
    }


def ratio(http: list[float], sql: list[float], share: float) -> float | None:
    below = percentile(sql, share)
    if not http or not sql or below <= 0:
        return None
    return round(percentile(http, share) / below, 2)


class Command(BaseCommand):
    help = (
        "Build a synthetic area in an EMPTY database and print how long the main requests "
        "take (p50, p95, max) through HTTP and as the raw SQL of the same rows, and how much "
        "memory was used. Writes made-up data: never run it on a live database."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--nation",
            action="store_true",
            help="load a whole synthetic Scotland in bulk (bairn.bench.nation) instead of "
            "building a council area through the services; --children and --entries are "
            f"then totals (default {NATION_CHILDREN:,} and {NATION_ENTRIES:,})",
        )
        parser.add_argument(
            "--children",
            type=int,
            default=None,
            help=f"children (default {SMALL_CHILDREN}; with --nation {NATION_CHILDREN:,})",
        )
        parser.add_argument(
            "--entries",
            type=int,
            default=None,
            help=f"concerns per child on average (default {SMALL_ENTRIES}); with --nation, "
            f"concerns in all (default {NATION_ENTRIES:,})",
        )
        parser.add_argument(
            "--busy",
            type=int,
            default=None,
            help="concerns about the one busy child (default 300; not with --nation)",
        )
        parser.add_argument(
            "--schools",
            type=int,
            default=None,
            help="primary schools (default 20; not with --nation)",
        )
        parser.add_argument(
            "--repeat", type=int, default=50, help="times each request is timed (default 50)"
        )
        parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
        parser.add_argument(
            "--clients",
            default="",
            help="then record concerns through `bairn serve` with this many clients at "
            "once, one round each (for example 1,4,8,16; default: not run)",
        )
        parser.add_argument(
            "--seconds",
            type=float,
            default=10.0,
            help="how long each --clients round lasts (default 10)",
        )
        parser.add_argument(
            "--json",
            default="",
            metavar="FILE",
            help="also write every figure into FILE as JSON (for machines)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        sizes = self._sizes(options)
        counts = clients.parse_clients(options["clients"]) if options["clients"] else []
        if options["seconds"] <= 0:
            raise CommandError("--seconds must be more than 0.")
        json_file = Path(options["json"]) if options["json"] else None
        if json_file is not None and not json_file.resolve().parent.is_dir():
            raise CommandError(
                f"--json {json_file}: the folder {json_file.resolve().parent} does not exist."
            )
        nation = _nation_module() if options["nation"] else None
        if Agency.objects.exists() or Child.objects.exists():
            raise CommandError(
                "The database is not empty. The bench writes made-up data: point it at an "
                "empty database (make bench uses ./var/bench)."
            )
        if counts:
            clients.check_stores()
        # The bench measures Bairn, not a mail server.
        settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
        # One Named Person asks the match 2 × (--repeat + 1) times (each probe has an
        # untimed first call): the throttle is still counted on every one (it is part of
        # what a match costs), but must not stop the run.
        settings.BAIRN_MATCH_LIMIT = max(
            settings.BAIRN_MATCH_LIMIT, 2 * (options["repeat"] + 1) + 1
        )
        console = Console()
        if not console.is_terminal:
            console = Console(width=150)  # a log or a pipe: rows unwrapped
        started = time.perf_counter()
        bar = (
            nation.columns()
            if nation is not None and hasattr(nation, "columns")
            else [
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
            ]
        )
        with Progress(*bar, console=console, transient=False) as progress:
            if nation is not None:
                area = nation.build(
                    sizes["children"], sizes["entries"], seed=options["seed"], progress=progress
                )
            else:
                area = self._build_area(sizes, options["seed"], progress)
        built = time.perf_counter() - started
        if area.busy_child is None:
            raise CommandError("The area was built without a busy child to time requests on.")
        busy = area.busy_child
        planned = _give_a_plan(area, busy)
        report: dict[str, Any] = {
            "format": FORMAT,
            "date": timezone.now().isoformat(timespec="seconds"),
            "machine": _machine(),
            "options": {
                "nation": bool(options["nation"]),
                "repeat": options["repeat"],
                "seed": options["seed"],
                **sizes,
            },
        }
        report["world"] = self._world(console, area, busy, built, bool(options["nation"]))
        if planned:
            console.print("The busy child was given a Child's Plan (for GET plan).")
        rng = random.Random(options["seed"])  # noqa: S311 - made-up data, not secrets
        measured = self._measure(area, busy, rng, options["repeat"])
        self._print_requests(console, measured, options["repeat"])
        report["requests"] = [_request_json(m) for m in measured]
        report["audit"] = _audit(console)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        console.print(f"Peak memory of this process: {peak:,.0f} MB.")
        report["memory"] = {"bench_peak_mb": round(peak, 1)}
        report["databases"] = _database_sizes()
        for size in report["databases"]:
            console.print(
                f"Database {size['alias']} ({size['label']}): {size['bytes'] / 1e6:,.1f} MB."
            )
        report["clients"] = None
        if counts:
            done = clients.run(area, counts, options["seconds"], console)
            report["clients"] = done.as_json()
        if json_file is not None:
            json_file.write_text(json.dumps(report, indent=2, default=str) + "\n")
            console.print(f"Figures written to {json_file}.")
        failed = [m for m in measured if m.error]
        if failed:
            raise CommandError(
                f"{len(failed)} request(s) of the bench failed: "
                + "; ".join(f"{m.name}: {m.error}" for m in failed)
            )

    # --- the area ------------------------------------------------------------------------

    def _sizes(self, options: dict[str, Any]) -> dict[str, int]:
        nation = bool(options["nation"])
        if nation:
            for name in ("busy", "schools"):
                if options[name] is not None:
                    raise CommandError(
                        f"--{name} is for the council area built through the services; "
                        "--nation builds its own schools and busy child."
                    )
        sizes = {
            "children": options["children"]
            if options["children"] is not None
            else (NATION_CHILDREN if nation else SMALL_CHILDREN),
            "entries": options["entries"]
            if options["entries"] is not None
            else (NATION_ENTRIES if nation else SMALL_ENTRIES),
        }
        if not nation:
            sizes["busy"] = 300 if options["busy"] is None else options["busy"]
            sizes["schools"] = 20 if options["schools"] is None else options["schools"]
        least = {"children": 1 if nation else 0, "entries": 0, "busy": 1, "schools": 1}
        for name, value in [*sizes.items(), ("repeat", options["repeat"])]:
            if value < least.get(name, 1):
                raise CommandError(f"--{name} must be at least {least.get(name, 1)}.")
        return sizes

    def _build_area(self, sizes: dict[str, int], seed: int, progress: Progress) -> world.Area:
        rng = random.Random(seed)  # noqa: S311 - made-up data, not secrets
        area = world.build_agencies(sizes["schools"])
        task = progress.add_task("Children and their chronologies", total=sizes["children"])
        world.build_children(
            area, sizes["children"], sizes["entries"], rng, lambda: progress.advance(task)
        )
        busy_task = progress.add_task("The busy child's chronology", total=sizes["busy"])
        world.build_busy_child(area, sizes["busy"], rng, lambda: progress.advance(busy_task))
        return area

    def _world(
        self, console: Console, area: world.Area, busy: uuid.UUID, built: float, nation: bool
    ) -> dict[str, Any]:
        children = Child.objects.count()
        writes = Concern.objects.count()
        practitioners = Practitioner.objects.count()
        events = AuditEvent.objects.count()
        busy_entries = Concern.objects.filter(child_ref=busy).count()
        how = "loaded in bulk" if nation else "each with its audit, notifications and pattern check"
        console.print(
            f"Built {children:,} children, {writes:,} concerns, {practitioners:,} "
            f"practitioners and {events:,} audit events in {built:,.1f} s "
            f"({writes / built if built else 0:,.0f} concerns/s, {how}); the busy child "
            f"has {busy_entries:,} entries."
        )
        return {
            "mode": "nation" if nation else "services",
            "children": children,
            "concerns": writes,
            "practitioners": practitioners,
            "agencies": Agency.objects.count(),
            "audit_events": events,
            "busy_child_entries": busy_entries,
            "built_seconds": round(built, 2),
            "concerns_per_second": round(writes / built, 1) if built else None,
        }

    # --- the requests --------------------------------------------------------------------

    def _measure(
        self, area: world.Area, busy: uuid.UUID, rng: random.Random, repeat: int
    ) -> list[Measured]:
        host = next((h for h in settings.ALLOWED_HOSTS if h not in ("*", "")), "localhost")
        host = host.lstrip(".")
        client = Client(HTTP_HOST=host)
        head = current_assignee(busy, Assignment.Kind.NAMED_PERSON) or area.heads[0]
        hv = next(
            (h for h in area.health_visitors[:50] if involvement_bases(h, busy)),
            area.health_visitors[0],
        )
        ig = area.ig.get(head.agency_id) if head.agency_id else None
        ig = ig or area.ig[area.schools[0].pk]
        writer = next((t for t in area.teachers[:50] if involvement_bases(t, busy)), head)
        tokens: dict[uuid.UUID, str] = {}

        def token(who: Practitioner) -> str:
            if who.pk not in tokens:
                tokens[who.pk] = issue_token(who, label="bench")
            return tokens[who.pk]

        def call(who: Practitioner, method: str, path: str, body: Any = None) -> HttpResponseBase:
            headers = {"Authorization": f"Bearer {token(who)}"}
            if method == "get":
                response = client.get("/api/v1" + path, body or {}, headers=headers)
            else:
                response = client.post(
                    "/api/v1" + path, body or {}, content_type="application/json", headers=headers
                )
            if response.status_code >= 400:
                raise RequestFailed(
                    f"{method.upper()} {path}: {response.status_code} {response.content[:300]!r}"
                )
            return response

        pages = _signed_in(head, host)

        def page(path: str) -> HttpResponseBase:
            response = pages.get(path)
            if response.status_code != 200:
                raise RequestFailed(
                    f"page {path}: {response.status_code} "
                    f"{response.get('Location', '') or response.content[:300]!r}"
                )
            return response

        sample = area.children[: repeat * 4] or [busy]
        children = list(Child.objects.filter(pk__in=sample))
        if not children:
            children = list(Child.objects.filter(pk=busy))

        def nth(n: int) -> Child:
            return children[n % len(children)]

        def named(c: Child) -> Practitioner:
            return (
                area.named_person.get(c.pk)
                or current_assignee(c.pk, Assignment.Kind.NAMED_PERSON)
                or head
            )

        def match_body(c: Child) -> dict[str, str]:
            return {
                "given_name": c.given_name,
                "family_name": c.family_name,
                "date_of_birth": c.date_of_birth.isoformat(),
                "postcode": c.postcode,
            }

        def unknown(n: int) -> dict[str, str]:
            return {
                "given_name": "Nobody",
                "family_name": f"Known{n}",
                "date_of_birth": "2019-01-01",
                "postcode": "KY1 1AA",
            }

        notes_seen = {"limit": 500}

        def notes_limit(warm: Any) -> int:
            found = warm.get("notifications") if isinstance(warm, dict) else None
            if isinstance(found, list):
                notes_seen["limit"] = len(found)
            return notes_seen["limit"]

        def events_limit(warm: Any) -> int:
            found = warm.get("events") if isinstance(warm, dict) else None
            return len(found) if isinstance(found, list) else 1000

        busy_entries = Concern.objects.filter(child_ref=busy).count()
        check = {
            "recipient_agency_id": str(area.health.pk),
            "purpose": "wellbeing_support",
            "category": "chronology",
        }
        probes = [
            Probe(
                "match_known",
                "POST /children/match (known child)",
                lambda n: call(head, "post", "/children/match", match_body(nth(n))),
                lambda n, _: rawsql.match(
                    nth(n).given_name, nth(n).family_name, nth(n).date_of_birth, nth(n).postcode
                ),
            ),
            Probe(
                "match_unknown",
                "POST /children/match (unknown child)",
                lambda n: call(head, "post", "/children/match", unknown(n)),
                lambda n, _: rawsql.match("Nobody", f"Known{n}", dt.date(2019, 1, 1), "KY1 1AA"),
            ),
            Probe(
                "child",
                "GET /children/{id} (as Named Person)",
                lambda n: call(named(nth(n)), "get", f"/children/{nth(n).pk}"),
                lambda n, _: rawsql.child(named(nth(n)), nth(n).pk),
            ),
            Probe(
                "chronology_school",
                f"GET chronology, {busy_entries} entries (school)",
                lambda n: call(head, "get", f"/children/{busy}/chronology"),
                lambda n, _: rawsql.chronology(head, busy),
                rows="entries",
            ),
            Probe(
                "chronology_health",
                "GET chronology, busy child (health: own + disclosed)",
                lambda n: call(hv, "get", f"/children/{busy}/chronology"),
                lambda n, _: rawsql.chronology(hv, busy),
                rows="entries",
            ),
            Probe(
                "sharing_check",
                "GET sharing-check",
                lambda n: call(head, "get", f"/children/{busy}/sharing-check", check),
                lambda n, _: rawsql.sharing_check(head, busy, area.health.pk),
            ),
            Probe(
                "concern_post",
                "POST concern (audit, notifications, pattern check)",
                lambda n: call(
                    writer,
                    "post",
                    f"/children/{busy}/concerns",
                    {
                        "occurred_at": "2026-01-05T09:00:00+00:00",
                        "summary": f"Bench concern {n}",
                        "source": "observation",
                        "indicators": ["nurtured"],
                        "impact": "negative",
                        "significance": rng.choice(["low", "medium"]),
                    },
                ),
                lambda n, _: rawsql.record_concern(writer, busy),
                warm=False,
            ),
            Probe(
                "notifications",
                "GET /notifications (busy Named Person)",
                lambda n: call(head, "get", "/notifications"),
                lambda n, warm: rawsql.notifications(head, notes_limit(warm)),
                rows="notifications",
            ),
            Probe(
                "transparency",
                "GET transparency report (busy child)",
                lambda n: call(ig, "get", f"/children/{busy}/transparency"),
                lambda n, _: rawsql.transparency(ig, busy),
                rows="entries",
            ),
            Probe(
                "audit",
                "GET /audit?child_id= (busy child)",
                lambda n: call(ig, "get", "/audit", {"child_id": str(busy)}),
                lambda n, warm: rawsql.audit(
                    ig.agency_id or uuid.UUID(int=0), busy, events_limit(warm)
                ),
            ),
            Probe(
                "plan",
                "GET /children/{id}/plan (Named Person)",
                lambda n: call(head, "get", f"/children/{busy}/plan"),
                lambda n, _: rawsql.plan(busy),
            ),
            Probe(
                "child_page",
                "Page /children/{id} (busy child, Named Person)",
                lambda n: page(f"/children/{busy}"),
                lambda n, _: rawsql.child_page(head, busy),
            ),
            Probe(
                "home_page",
                "Page / (home of the busy Named Person)",
                lambda n: page("/"),
                lambda n, _: rawsql.home(head, notes_seen["limit"]),
            ),
        ]
        return [_run(probe, repeat) for probe in probes]

    def _print_requests(self, console: Console, measured: list[Measured], repeat: int) -> None:
        table = Table(
            title=f"Requests in ms, each timed {repeat} times through HTTP and, right after "
            "each, as the raw SQL of the same rows (× = HTTP ÷ SQL)"
        )
        columns = [
            "request", "n", "HTTP p50", "HTTP p95", "HTTP max", "SQL p50", "SQL p95",
            "× p50", "× p95",
        ]  # fmt: skip
        for column in columns:
            table.add_column(column, justify="left" if column == "request" else "right")
        for m in measured:
            if m.error and not m.http:
                table.add_row(m.name, "0", "failed", "", "", "", "", "", "")
                continue
            x50, x95 = ratio(m.http, m.sql, 0.5), ratio(m.http, m.sql, 0.95)
            table.add_row(
                m.name,
                str(len(m.http)),
                f"{percentile(m.http, 0.5):.1f}",
                f"{percentile(m.http, 0.95):.1f}",
                f"{max(m.http):.1f}",
                f"{percentile(m.sql, 0.5):.2f}" if m.sql else "failed",
                f"{percentile(m.sql, 0.95):.2f}" if m.sql else "",
                "n/a" if x50 is None else f"{x50:.1f}",
                "n/a" if x95 is None else f"{x95:.1f}",
            )
        console.print(table)
        console.print("The raw SQL of each request (connection.cursor(), with parameters):")
        for m in measured:
            console.print(f"  {m.name}: {m.note}", highlight=False)
        for m in measured:
            if m.rows_http is not None and m.rows_sql is not None and m.rows_http != m.rows_sql:
                console.print(
                    f"  NOTE {m.name}: the request answered {m.rows_http} rows, the raw SQL "
                    f"fetched {m.rows_sql}."
                )
            if m.error:
                console.print(f"  FAILED {m.name}: {m.error}", highlight=False)


def _run(probe: Probe, repeat: int) -> Measured:
    """The probe timed `repeat` times, HTTP then raw SQL, alternately."""
    done = Measured(probe.key, probe.name)
    warm: Any = None
    try:
        if probe.warm:
            response = probe.http(-1)
            warm = _json(response)
            if probe.rows and isinstance(warm, dict) and isinstance(warm.get(probe.rows), list):
                done.rows_http = len(warm[probe.rows])
        first = probe.raw(-1, warm)
        done.note = first.note
        done.rows_sql = first.run()
        for n in range(repeat):
            began = time.perf_counter()
            probe.http(n)
            done.http.append((time.perf_counter() - began) * 1000)
            raw = probe.raw(n, warm)
            began = time.perf_counter()
            raw.run()
            done.sql.append((time.perf_counter() - began) * 1000)
    except RequestFailed as exc:
        done.error = str(exc)
    except DatabaseError as exc:
        done.error = f"the raw SQL failed: {exc}"
    return done


def _json(response: HttpResponseBase) -> Any:
    if "json" not in response.get("Content-Type", ""):
        return None
    try:
        return json.loads(getattr(response, "content", b""))
    except ValueError:
        return None


def _request_json(m: Measured) -> dict[str, Any]:
    return {
        "key": m.key,
        "name": m.name,
        "n": len(m.http),
        "http": figures(m.http),
        "sql": figures(m.sql),
        "ratio": {"p50": ratio(m.http, m.sql, 0.5), "p95": ratio(m.http, m.sql, 0.95)},
        "sql_fetches": m.note,
        "rows": {"http": m.rows_http, "sql": m.rows_sql},
        "error": m.error or None,
    }


def _signed_in(who: Practitioner, host: str) -> Client:
    """A browser signed in as `who`, past the second factor (as after a real sign-in)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from bairn.web.stepup import CONFIRMED_AT

    device = TOTPDevice.objects.filter(user=who, confirmed=True).first() or (
        TOTPDevice.objects.create(user=who, name="Bench", confirmed=True)
    )
    browser = Client(HTTP_HOST=host)
    browser.force_login(who)
    session = browser.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[CONFIRMED_AT] = time.time()
    session.save()
    return browser


def _give_a_plan(area: world.Area, busy: uuid.UUID) -> bool:
    """A Child's Plan for the busy child, if the area has none, made by its Named Person
    through the planning services: three needs with actions by the team."""
    from bairn.planning.services import save_plan

    if Plan.objects.filter(child_ref=busy, closed_at__isnull=True, version__gt=0).exists():
        return False
    named = current_assignee(busy, Assignment.Kind.NAMED_PERSON)
    if named is None:
        return False
    lead = current_assignee(busy, Assignment.Kind.LEAD_PROFESSIONAL) or area.social_workers[0]
    team = [
        p for p in (*area.health_visitors[:1], *area.teachers[:1]) if involvement_bases(p, busy)
    ]
    owners = [named, *team]
    due = timezone.localdate() + dt.timedelta(days=30)
    needs = [
        {
            "indicators": [indicator],
            "description": f"Bench need {n + 1}: {indicator}",
            "outcome": "Things are better at home and at school",
            "evidence": "The chronology",
            "actions": [
                {
                    "description": f"Bench action {n + 1}.{a + 1}",
                    "owner_id": owners[(n + a) % len(owners)].pk,
                    "due_on": due,
                    "status": "planned",
                }
                for a in range(2)
            ],
        }
        for n, indicator in enumerate(["nurtured", "healthy", "achieving"])
    ]
    save_plan(
        named,
        busy,
        version=0,
        lead_professional_id=lead.pk,
        team_ids=[p.pk for p in team],
        reason_for_plan="Several agencies are needed (bench)",
        needs=needs,
        child_views="Wants to stay at this school",
        family_views="Would like help with mornings",
        review_date=timezone.localdate() + dt.timedelta(days=90),
    )
    return True


def _audit(console: Console) -> dict[str, Any]:
    sealed_at = time.perf_counter()
    sealed = audit_log.seal()
    took = time.perf_counter() - sealed_at
    console.print(
        f"bairn audit seal: {sealed.added:,} events into the tree in {took:.2f} s "
        f"({sealed.added / took if took else 0:,.0f} events/s)."
    )
    result = audit_log.verify()
    console.print(
        f"bairn audit verify: {result.checked:,} events in {result.seconds:.2f} s "
        f"({result.rate:,.0f} events/s), {'intact' if result.ok else 'BROKEN'}."
    )
    return {
        "seal": {
            "events": sealed.added,
            "seconds": round(took, 3),
            "rate": round(sealed.added / took, 1) if took else None,
        },
        "verify": {
            "events": result.checked,
            "seconds": round(result.seconds, 3),
            "rate": round(result.rate, 1),
            "ok": bool(result.ok),
        },
    }


def _nation_module() -> Any:
    try:
        from bairn.bench import nation  # type: ignore[attr-defined, unused-ignore]
    except ModuleNotFoundError as exc:
        if exc.name != "bairn.bench.nation":
            raise
        raise CommandError(
            "--nation needs the bulk loader bairn.bench.nation, which this installation "
            "does not have."
        ) from exc
    return nation


def _machine() -> dict[str, Any]:
    cpu = ""
    memory = None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = round(int(line.split()[1]) / 1024)
                break
    except OSError:
        pass
    databases = {}
    for alias in ("default", "identity"):
        connection = connections[alias]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SHOW server_version")
                (version,) = cursor.fetchone()
        else:
            version = sqlite3.sqlite_version
        databases[alias] = {"vendor": connection.vendor, "version": str(version)}
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "memory_mb": memory,
        "python": platform.python_version(),
        "implementation": sys.implementation.name,
        "platform": platform.platform(),
        "databases": databases,
    }


def _database_sizes() -> list[dict[str, Any]]:
    sizes = []
    for alias in ("default", "identity"):
        connection = connections[alias]
        if connection.vendor == "sqlite":
            # The pages the database holds: its file's size, and an in-memory one's too.
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA page_count")
                (pages,) = cursor.fetchone()
                cursor.execute("PRAGMA page_size")
                (page_size,) = cursor.fetchone()
            size = pages * page_size
            label = f"SQLite {Path(str(connection.settings_dict['NAME'])).name}"
        elif connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_database_size(current_database())")
                (size,) = cursor.fetchone()
            label = "PostgreSQL"
        else:
            continue
        sizes.append(
            {"alias": alias, "vendor": connection.vendor, "label": label, "bytes": int(size)}
        )
    return sizes
