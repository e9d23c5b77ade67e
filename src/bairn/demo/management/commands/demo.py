"""`bairn demo`: load the case study (DOMAIN §7) into an empty database, and print the
demo logins. Demo data only: everyone in it is fictional."""

from __future__ import annotations

import io
import shutil
import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from rich import box
from rich.console import Console, RenderableType
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from bairn.audit import log as audit_log
from bairn.demo import afterwards, casestudy

WARNING = (
    "DEMO DATA ONLY. Everyone in it is fictional: the case study of the Scottish "
    "Government's GIRFEC information-sharing workshop, set in the made-up council area of "
    f"{casestudy.AREA}. Never record real children or families in a demo instance, and "
    "never use these logins anywhere else."
)


class Command(BaseCommand):
    help = (
        "Load the case-study demo into an empty database — up to and including that "
        "Friday and what happened after it, or with --before-friday up to it — and print "
        "the demo logins (demo data only)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="when the database already holds data, say so (with the logins) and exit 0",
        )
        parser.add_argument(
            "--logins", action="store_true", help="only print the demo logins; load nothing"
        )
        parser.add_argument(
            "--before-friday",
            action="store_true",
            help=(
                "load everything up to that Friday and stop, so that its events can be "
                "recorded live (by default the Friday is loaded too, and after it the IRD, "
                "the assessments and the Child's Plans)"
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["logins"]:
            if not casestudy.is_loaded():
                self.stdout.write("The demo is not loaded in this database (`bairn demo`).")
            self._print_logins()
            return
        existing = casestudy.existing_data()
        if any(existing.values()):
            held = ", ".join(f"{n} {what}" for what, n in existing.items() if n)
            if options["if_empty"]:
                if casestudy.is_loaded():
                    self.stdout.write("The demo is already loaded.")
                    self._print_logins()
                else:
                    self.stdout.write(
                        f"The database already holds data ({held}) that is not the demo: "
                        "the demo was not loaded."
                    )
                return
            raise CommandError(
                f"The database is not empty ({held}): the demo loads only into an empty "
                "database. Use `bairn demo --if-empty` to leave it as it is, or point "
                "BAIRN_DATA_DIR (or DATABASE_URL and IDENTITY_DATABASE_URL) at a new one."
            )
        with_friday = not options["before_friday"]
        result = self._load(with_friday=with_friday)
        # The demo's audit goes into the transparency log at once, signed.
        audit_log.seal()
        self._render(Text(WARNING, style="bold yellow"))
        self._render(Text(f"\n{self._summary(result)}\n\n{self._next(result)}\n"))
        self._print_logins()

    def _summary(self, result: casestudy.DemoResult) -> str:
        c = result.counts
        friday = f"{result.friday:%A %d %B %Y}"
        children = ", ".join(f"{k.given_name} ({k.years})" for k in casestudy.CHILDREN)
        return (
            f"Loaded {c['agencies']} agencies and {c['logins']} logins; {children} and the "
            f"{c['people']} adults around them; {c['isps']} Information Sharing Protocols "
            f"({c['active isps']} active, {c['draft isps']} draft); {c['entries']} chronology "
            f"entries ({c['restricted entries']} restricted, {c['withheld entries']} withheld "
            f"from the family) from {c['recording agencies']} agencies; {c['consents']} "
            f"consents and {c['views']} views of the child and family; {c['disclosures']} "
            f"disclosures ({c['child protection disclosures']} of them for child "
            "protection); "
            f"{c['notifications']} notifications, {c['pattern alerts']} of them pattern "
            f"alerts; {c['audit events']} audit events."
            + (
                f"\n\nThat Friday, the last day of term, is {friday}, and it is in the demo: "
                "the school's concerns and the head teacher's child protection disclosures "
                "to Police Scotland and to social work."
                if result.with_friday
                else f"\n\nThat Friday, the last day of term, is {friday}. The demo stops "
                "before it: the chronology covers the five months before."
            )
            + self._afterwards(result)
        )

    def _afterwards(self, result: casestudy.DemoResult) -> str:
        after = result.after
        if after is None:
            return ""
        c = result.counts
        lead = next(p for p in casestudy.PRACTITIONERS if p.username == afterwards.LEAD)
        meeting = f"{after.meeting_on:%A %d %B}"
        registered = (
            f"{c['registrations']} children are on the child protection register."
            if c["registrations"]
            else "It has not been held yet, so neither child is on the child protection register."
        )
        return (
            f"\n\nAfter it, to today: {c['irds']} inter-agency referral discussions (IRDs), "
            f"one for each child, on the Friday evening at {after.ird_at:%H:%M} — police, "
            "social work, health and education: a joint investigation, and a safety plan "
            "for Leeann and Trent to stay with Corinne while Steve stays elsewhere. "
            f"{lead.full_name}, the social worker, Lead Professional for both children. "
            f"{c['assessments']} wellbeing assessments, one for each child, made of "
            f"{c['contributions']} agencies' contributions; {c['plans']} Child's Plans in "
            f"{c['plan versions']} versions; "
            f"{c['meetings']} Team Around the Child meetings, on {meeting}, whose actions "
            "joined the plans. The Child Protection Planning Meeting is due by "
            f"{after.cppm_due:%A %d %B %Y}, within {afterwards.CPPM_WITHIN_DAYS} days of "
            f"the IRD. {registered}"
        )

    def _next(self, result: casestudy.DemoResult) -> str:
        if not result.with_friday:
            return (
                "Record the Friday as the school would have: sign in as classteacher, "
                "assistant, nursery or headteacher to record the concerns, then as "
                "headteacher (a senior) to disclose to the police and social work for child "
                "protection (check first with the sharing-check)."
            )
        return (
            "Sign in as socialworker, the Lead Professional, for Leeann's and Trent's "
            "Child's Plans (GET /api/v1/children/{id}/plan, its versions and plan.pdf), "
            "their assessments and wellbeing wheels (wellbeing-wheel.svg, "
            "resilience-matrix.svg) and the meetings; as headteacher, assistant, "
            "healthvisitor or familysupport, on the plan's team, to see them too; as "
            "classteacher, who is not on it, to see that she does not, and that she may "
            "not disclose for child protection alone. Sign in as sergeant or swmanager for "
            "the IRD (child-protection) and what the school disclosed (the chronology marks "
            "each entry with the disclosure that lets them see it); as ig.school for the "
            "review queue of child protection disclosures and the transparency report, "
            "which leaves out the entry withheld from the family. `bairn demo "
            "--before-friday` loads the demo without the Friday and what came after it."
        )

    def _load(self, *, with_friday: bool) -> casestudy.DemoResult:
        self.stdout.write("Loading the case-study demo (demo data only)…")
        show = sys.stderr.isatty()
        with Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
            disable=not show,
        ) as bar:
            task = bar.add_task(
                "Loading the demo", total=casestudy.step_count(with_friday=with_friday)
            )

            def say(message: str) -> None:
                if show:
                    bar.update(task, description=message)
                    bar.console.print(f"  {message}", highlight=False)
                else:
                    self.stdout.write(f"  {message}")

            return casestudy.load(say, tick=lambda: bar.advance(task), with_friday=with_friday)

    def _print_logins(self) -> None:
        table = Table(
            title=f"Demo logins — every one has the password {casestudy.PASSWORD}",
            caption=(
                "Demo data only. Sign in at http://127.0.0.1:8000/ — the second step's code "
                "comes from `BAIRN_DEBUG=1 .venv/bin/bairn otp USERNAME`. For the API: "
                'POST /api/v1/auth/token with the password and that code as "otp", or `bairn '
                "token USERNAME`; the dangerous acts take a fresh code in X-Bairn-OTP. See "
                "/api/v1/docs."
            ),
            title_justify="left",
            box=box.SIMPLE_HEAD,
            pad_edge=False,
            caption_justify="left",
        )
        table.add_column("Username", style="bold", no_wrap=True)
        table.add_column("Password", no_wrap=True)
        table.add_column("Name")
        table.add_column("Agency")
        table.add_column("Roles", min_width=22)
        notes = self._width() >= 120  # the column that can go on a narrow terminal
        if notes:
            table.add_column("In the case study")
        rows = casestudy.logins()
        for before, login, after in zip([None, *rows[:-1]], rows, [*rows[1:], None], strict=True):
            first = before is None or before.agency != login.agency
            cells = [
                login.username,
                login.password,
                login.name,
                (login.agency or "—") if first else "",
                ", ".join(login.roles),
            ]
            table.add_row(
                *cells,
                *([login.note] if notes else []),
                end_section=after is None or after.agency != login.agency,
            )
        self._render(table)

    def _width(self) -> int:
        return shutil.get_terminal_size((140, 24)).columns if self.stdout.isatty() else 140

    def _render(self, renderable: RenderableType) -> None:
        """Through self.stdout, so that call_command(stdout=…) captures it."""
        buffer = io.StringIO()
        tty = self.stdout.isatty()
        console = Console(file=buffer, force_terminal=tty, width=self._width(), highlight=False)
        console.print(renderable)
        # Rich pads every line to the width; the padding is noise in a log.
        lines = buffer.getvalue().splitlines()
        self.stdout.write("".join(line.rstrip() + "\n" for line in lines), ending="")
