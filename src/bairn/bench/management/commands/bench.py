"""`bairn bench`: how fast Bairn answers, and in how much memory, on a synthetic council
area built in an empty database. It prints figures; it asserts nothing. Run it on the
machine and database you mean to use (`make bench` uses a scratch SQLite data folder).
"""

from __future__ import annotations

import random
import resource
import statistics
import time
import uuid
from argparse import ArgumentParser
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.test import Client
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from bairn.agencies.models import Agency, Practitioner
from bairn.agencies.services import issue_token
from bairn.audit import log as audit_log
from bairn.audit.models import AuditEvent
from bairn.bench import clients, world
from bairn.chronology.models import Concern
from bairn.people.models import Child


class Command(BaseCommand):
    help = (
        "Build a synthetic council area in an EMPTY database and print how long the main "
        "requests take (p50, p95, max) and how much memory was used. Writes made-up data: "
        "never run it on a live database."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--children", type=int, default=1000, help="children (default 1000)")
        parser.add_argument(
            "--entries", type=int, default=6, help="concerns per child on average (default 6)"
        )
        parser.add_argument(
            "--busy", type=int, default=300, help="concerns about the one busy child (default 300)"
        )
        parser.add_argument("--schools", type=int, default=20, help="primary schools (default 20)")
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

    def handle(self, *args: Any, **options: Any) -> None:
        for name in ("children", "entries", "busy", "schools", "repeat"):
            if options[name] < (1 if name in ("schools", "repeat", "busy") else 0):
                raise CommandError(f"--{name} must be at least 1.")
        counts = clients.parse_clients(options["clients"]) if options["clients"] else []
        if options["seconds"] <= 0:
            raise CommandError("--seconds must be more than 0.")
        if Agency.objects.exists() or Child.objects.exists():
            raise CommandError(
                "The database is not empty. The bench writes made-up data: point it at an "
                "empty database (make bench uses ./var/bench)."
            )
        if counts:
            clients.check_stores()
        # The bench measures Bairn, not a mail server.
        settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
        # One Named Person asks the match 2 × --repeat times: the throttle is still counted
        # on every one (it is part of what a match costs), but must not stop the run.
        settings.BAIRN_MATCH_LIMIT = max(settings.BAIRN_MATCH_LIMIT, 2 * options["repeat"] + 1)
        console = Console()
        if not console.is_terminal:
            console = Console(width=120)  # a log or a pipe: rows unwrapped
        rng = random.Random(options["seed"])  # noqa: S311 - made-up data, not secrets
        started = time.perf_counter()
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        ) as progress:
            area = world.build_agencies(options["schools"])
            task = progress.add_task("Children and their chronologies", total=options["children"])
            world.build_children(
                area,
                options["children"],
                options["entries"],
                rng,
                lambda: progress.advance(task),
            )
            busy_task = progress.add_task("The busy child's chronology", total=options["busy"])
            busy = world.build_busy_child(
                area, options["busy"], rng, lambda: progress.advance(busy_task)
            )
        built = time.perf_counter() - started
        writes = Concern.objects.count()
        console.print(
            f"Built {Child.objects.count():,} children, {writes:,} concerns, "
            f"{Practitioner.objects.count():,} practitioners and "
            f"{AuditEvent.objects.count():,} audit events in {built:,.1f} s "
            f"({writes / built:,.0f} concerns/s, each with its audit, notifications and "
            "pattern check)."
        )
        timings = self._measure(area, busy, rng, options["repeat"], console)
        repeat = options["repeat"]
        table = Table(title=f"Requests through the HTTP API, in ms, each timed {repeat} times")
        for column in ("request", "n", "p50", "p95", "max"):
            table.add_column(column, justify="left" if column == "request" else "right")
        for name, samples in timings.items():
            ordered = sorted(samples)
            p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
            table.add_row(
                name,
                str(len(samples)),
                f"{statistics.median(samples):.1f}",
                f"{p95:.1f}",
                f"{ordered[-1]:.1f}",
            )
        console.print(table)
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
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        console.print(f"Peak memory of this process: {peak:,.0f} MB.")
        for line in _database_sizes():
            console.print(line)
        if counts:
            clients.run(area, counts, options["seconds"], console)

    def _measure(
        self, area: world.Area, busy: uuid.UUID, rng: random.Random, repeat: int, console: Console
    ) -> dict[str, list[float]]:
        host = next((h for h in settings.ALLOWED_HOSTS if h not in ("*", "")), "localhost")
        client = Client(HTTP_HOST=host.lstrip("."))
        head = area.heads[0]
        hv = area.health_visitors[0]
        ig = area.ig[area.schools[0].pk]
        tokens = {p.pk: issue_token(p, label="bench") for p in (head, hv, ig, area.teachers[0])}
        tokens.update(
            {p.pk: issue_token(p, label="bench") for p in set(area.named_person.values())}
        )

        def call(who: Practitioner, method: str, path: str, body: Any = None) -> float:
            headers = {"Authorization": f"Bearer {tokens[who.pk]}"}
            began = time.perf_counter()
            if method == "get":
                response = client.get("/api/v1" + path, body or {}, headers=headers)
            else:
                response = client.post(
                    "/api/v1" + path, body or {}, content_type="application/json", headers=headers
                )
            elapsed = (time.perf_counter() - began) * 1000
            if response.status_code >= 400:
                raise CommandError(
                    f"{method.upper()} {path}: {response.status_code} {response.content[:300]!r}"
                )
            return elapsed

        children = list(Child.objects.filter(pk__in=area.children[: repeat * 4]))
        timings: dict[str, list[float]] = {}

        def timed(name: str, run: Callable[[int], float]) -> None:
            timings[name] = [run(n) for n in range(repeat)]

        timed(
            "POST /children/match (known child)",
            lambda n: call(
                head,
                "post",
                "/children/match",
                {
                    "given_name": (c := children[n % len(children)]).given_name,
                    "family_name": c.family_name,
                    "date_of_birth": c.date_of_birth.isoformat(),
                    "postcode": c.postcode,
                },
            ),
        )
        timed(
            "POST /children/match (unknown child)",
            lambda n: call(
                head,
                "post",
                "/children/match",
                {
                    "given_name": "Nobody",
                    "family_name": f"Known{n}",
                    "date_of_birth": "2019-01-01",
                    "postcode": "KY1 1AA",
                },
            ),
        )
        timed(
            "GET /children/{id} (as Named Person)",
            lambda n: call(
                area.named_person[children[n % len(children)].pk],
                "get",
                f"/children/{children[n % len(children)].pk}",
            ),
        )
        busy_entries = Concern.objects.filter(child_ref=busy).count()
        timed(
            f"GET chronology, {busy_entries} entries (school)",
            lambda n: call(head, "get", f"/children/{busy}/chronology"),
        )
        timed(
            "GET chronology, busy child (health: own + disclosed)",
            lambda n: call(hv, "get", f"/children/{busy}/chronology"),
        )
        timed(
            "GET sharing-check",
            lambda n: call(
                head,
                "get",
                f"/children/{busy}/sharing-check",
                {
                    "recipient_agency_id": str(area.health.pk),
                    "purpose": "wellbeing_support",
                    "category": "chronology",
                },
            ),
        )
        timed(
            "POST concern (audit, notifications, pattern check)",
            lambda n: (
                call(
                    area.teachers[0],
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
                )
                if area.teachers[0].pk in tokens
                else 0.0
            ),
        )
        timed(
            "GET /notifications (busy Named Person)", lambda n: call(head, "get", "/notifications")
        )
        timed(
            "GET transparency report (busy child)",
            lambda n: call(ig, "get", f"/children/{busy}/transparency"),
        )
        timed(
            "GET /audit?child_id= (busy child)",
            lambda n: call(ig, "get", "/audit", {"child_id": str(busy)}),
        )
        return timings


def _database_sizes() -> list[str]:
    lines = []
    for alias in ("default", "identity"):
        connection = connections[alias]
        if connection.vendor == "sqlite":
            path = Path(str(connection.settings_dict["NAME"]))
            size = path.stat().st_size if path.exists() else 0
            lines.append(f"Database {alias} (SQLite {path.name}): {size / 1e6:,.1f} MB.")
        elif connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_database_size(current_database())")
                (size,) = cursor.fetchone()
            lines.append(f"Database {alias} (PostgreSQL): {size / 1e6:,.1f} MB.")
    return lines
