"""A synthetic Scotland for `bairn bench --nation`, loaded straight into the databases in
bulk: PostgreSQL `COPY`, SQLite `executemany`, in one transaction per store.

`world.py` builds a council area through the services, one write at a time, so each
write pays for its audit event, notifications and pattern check; at 5–60 concerns a
second a nation is out of reach. This writes the same rows those services would have
written — each entry's indicators, the Named Person's and Lead Professional's
notifications, the involvements and assignments that let people see a child, the
disclosures under the councils' Information Sharing Protocols and the entries they
released, the Child's Plans — and a sample of the audit events (about one per child,
one per 25 entries, and every event of the busy child), each with its PendingEvent, so
that `bairn.audit.log.seal()` puts them into the tree and `bairn audit verify` holds.

Scaled by the number of children: up to Scotland's 32 councils (one per 2,000 children,
the largest first), their health boards and police divisions, primary and secondary
schools (about one per 430 children), nurseries, social work, third sector
organisations; practitioners in every role (about one per 16 children); children in
households, with their Named Person (a health visitor under 5, the school's head or a
depute after), and concerns spread as real chronologies are: a lognormal, most children
a few entries, a long tail of some hundreds. Seeded: two runs with one seed build the
same nation, ids included (times are counted back from midnight UTC of the day).

Everyone in it is made up.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
import queue
import random
import threading
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import CommandError
from django.db import connections, transaction
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

from bairn.agencies.models import Agency, Practitioner
from bairn.bench.world import Area
from bairn.people.chi import check_digit
from bairn.people.models import name_key, postcode_key
from bairn.planning.changes import describe_changes
from bairn.planning.models import ActionStatus
from bairn.reference import Indicator, Role

# The password of the few practitioners the bench may sign in as (the Area's); everyone
# else's is unusable. Made-up data on a scratch database.
PASSWORD = "bench-nation-2026"
CHUNK = 20_000  # rows buffered per table before they are written
SAMPLE = 1000  # children returned in Area.children
BUSY_ENTRIES = 300
EVENTS_PER_ENTRY = 25  # one concern.create audit event per this many entries
PATTERN_WINDOW = 90 * 86400
DAY = 86400

# name, children (relative), postcode area, health board, police division
COUNCILS: list[tuple[str, int, str, str, str]] = [
    ("Glasgow City", 110, "G", "Greater Glasgow and Clyde", "Greater Glasgow"),
    ("City of Edinburgh", 90, "EH", "Lothian", "Edinburgh City"),
    ("Fife", 70, "KY", "Fife", "Fife"),
    ("North Lanarkshire", 67, "ML", "Lanarkshire", "Lanarkshire"),
    ("South Lanarkshire", 60, "ML", "Lanarkshire", "Lanarkshire"),
    ("Aberdeenshire", 52, "AB", "Grampian", "North East"),
    ("Highland", 42, "IV", "Highland", "Highlands and Islands"),
    ("Aberdeen City", 38, "AB", "Grampian", "North East"),
    ("West Lothian", 37, "EH", "Lothian", "Lothians and Scottish Borders"),
    ("Renfrewshire", 33, "PA", "Greater Glasgow and Clyde", "Renfrewshire and Inverclyde"),
    ("Falkirk", 30, "FK", "Forth Valley", "Forth Valley"),
    ("Perth and Kinross", 28, "PH", "Tayside", "Tayside"),
    ("Dundee City", 27, "DD", "Tayside", "Tayside"),
    ("Dumfries and Galloway", 25, "DG", "Dumfries and Galloway", "Dumfries and Galloway"),
    ("North Ayrshire", 25, "KA", "Ayrshire and Arran", "Ayrshire"),
    ("East Ayrshire", 22, "KA", "Ayrshire and Arran", "Ayrshire"),
    ("East Dunbartonshire", 21, "G", "Greater Glasgow and Clyde", "Greater Glasgow"),
    ("East Renfrewshire", 21, "G", "Greater Glasgow and Clyde", "Greater Glasgow"),
    ("East Lothian", 21, "EH", "Lothian", "Lothians and Scottish Borders"),
    ("Angus", 20, "DD", "Tayside", "Tayside"),
    ("Midlothian", 20, "EH", "Lothian", "Lothians and Scottish Borders"),
    ("Scottish Borders", 20, "TD", "Borders", "Lothians and Scottish Borders"),
    ("South Ayrshire", 19, "KA", "Ayrshire and Arran", "Ayrshire"),
    ("Moray", 17, "IV", "Grampian", "North East"),
    ("Stirling", 17, "FK", "Forth Valley", "Forth Valley"),
    ("West Dunbartonshire", 17, "G", "Greater Glasgow and Clyde", "Argyll and West Dunbartonshire"),
    ("Argyll and Bute", 14, "PA", "Highland", "Argyll and West Dunbartonshire"),
    ("Inverclyde", 13, "PA", "Greater Glasgow and Clyde", "Renfrewshire and Inverclyde"),
    ("Clackmannanshire", 10, "FK", "Forth Valley", "Forth Valley"),
    ("Na h-Eileanan Siar", 4, "HS", "Western Isles", "Highlands and Islands"),
    ("Orkney Islands", 4, "KW", "Orkney", "Highlands and Islands"),
    ("Shetland Islands", 4, "ZE", "Shetland", "Highlands and Islands"),
]
THIRD_SECTOR = [
    "Children 1st",
    "Barnardo's Scotland",
    "Aberlour Children's Charity",
    "Action for Children Scotland",
    "Quarriers",
    "Includem",
    "Home-Start Scotland",
    "CrossReach",
    "Who Cares? Scotland",
    "Circle Scotland",
]
SCHOOL_NAMES = [
    "St Andrew's",
    "St Mary's",
    "St Ninian's",
    "St Columba's",
    "St Margaret's",
    "Hillhead",
    "Kirkton",
    "Burnside",
    "Craigmount",
    "Parkhead",
    "Woodlands",
    "Riverside",
    "Castlehill",
    "Braeside",
    "Glenwood",
    "Newton",
    "Mossend",
    "Lochside",
    "Ashgrove",
    "Bankhead",
    "Whitehill",
    "Fairview",
    "Netherton",
    "Larchfield",
]
ACTION_STATUSES = [s.value for s in ActionStatus if s != ActionStatus.DROPPED]


def _words(text: str, sep: str | None = None) -> list[str]:
    return text.split(sep)


GIVEN_F = _words(
    "Olivia Isla Emily Freya Ava Sophie Grace Amelia Ella Lily Aria Mia Evie Millie "
    "Harper Ivy Rosie Ellie Willow Maisie Orla Sofia Zara Aisha Maja Chloe Hannah Eilidh "
    "Catrìona Niamh"
)
GIVEN_M = _words(
    "Jack Noah Leo Harris Rory Lewis Oliver Finlay Callum Archie Alfie Lucas Theo Arlo "
    "Freddie James Max Brodie Jacob Luca Mohammed Yusuf Jakub Oskar Cameron Daniel "
    "Ruaraidh Euan Jamie Kai"
)
ADULT = _words(
    "Sarah Laura Gemma Nicola Claire Lisa Kirsty Amy Emma Lauren Fiona Karen Jennifer "
    "Stephanie David John Paul Mark Scott Steven Craig Andrew Michael Stuart Gary Ross "
    "Darren Kevin"
)
FAMILY = _words(
    "Smith Brown Wilson Campbell Stewart Thomson Robertson Anderson MacDonald Scott Reid "
    "Murray Taylor Clark Ross Watson Morrison Paterson Young Mitchell Walker Fraser "
    "Miller McDonald Gray Henderson Hamilton Johnston Duncan Graham Ferguson Kerr "
    "Davidson Bell Cameron Kelly Martin Hunter Allan Mackenzie Grant Simpson MacLeod "
    "Black Russell Marshall Wallace Gibson Kennedy Gordon Burns Sutherland Wood Craig "
    "Wright McKenzie Ritchie Johnstone Khan Ali Nowak Kowalski Hussain Singh Mackay Munro "
    "Ogilvie Drummond MacKinnon Òg Baird Boyle Docherty Quinn"
)
STREETS = _words(
    "High Street|Main Street|Church Street|Station Road|Park Avenue|Victoria Road|"
    "King Street|Queen Street|Mill Road|Burnside Crescent|School Wynd|Glebe Road|"
    "Manse Road|Bridge Street|Castle Terrace|Loch View|Birch Drive|Rowan Court|"
    "Hawthorn Place|Thistle Gardens",
    "|",
)
SUMMARIES = {
    "education": [
        "Arrived at school without breakfast",
        "Seemed withdrawn in class",
        "Late three mornings this week",
        "Did not have a coat in cold weather",
        "Reading has improved",
        "Good week: joined the football club",
        "Upset at pick-up time",
        "Absent without explanation",
        "Said there is shouting at home",
        "Uniform not washed for a week",
    ],
    "health": [
        "Missed a health appointment",
        "Weight below the expected centile",
        "Immunisations not up to date",
        "Parent asked for help with routines",
        "Home visit: home warm and child well",
        "Minor injury explained by the child",
        "Dental decay, no dentist registered",
    ],
    "police": [
        "Police attended a disturbance at the address",
        "Child found out late at night",
        "Domestic incident reported, child present",
        "Missing person report, returned the same day",
    ],
    "social_work": [
        "Home visit: parent struggling with money",
        "Family engaging well with support",
        "Concerns about supervision at home",
        "Referral received from school",
        "Kinship carer asked for respite",
    ],
    "third_sector": [
        "Attended the youth group, settled well",
        "Young carer session: tired and anxious",
        "Family support worker visit went well",
        "Parent missed the planned session",
    ],
}
SOURCES = ["observation"] * 5 + ["child_disclosure", "parent_or_carer", "third_party"]
SIGNIFICANCE = ["low"] * 70 + ["medium"] * 22 + ["high"] * 7 + ["child_protection"]
IMPACT = ["negative"] * 70 + ["neutral"] * 15 + ["positive"] * 15
INDICATORS = [i.value for i in Indicator]
SIG_LABEL = {
    "low": "low",
    "medium": "medium",
    "high": "high",
    "child_protection": "child protection",
}

# What the last build wrote: rows and seconds spent writing them, by table.
LAST_LOAD: dict[str, tuple[int, float]] = {}

UUID_MASK = ~((0xC000 << 48) | (0xF000 << 64)) & ((1 << 128) - 1)
UUID_V4 = (0x8000 << 48) | (4 << 76)


def columns() -> list[ProgressColumn]:
    """The columns of a progress bar that shows each table's rate (for `bairn bench`)."""
    return [
        TextColumn("{task.description}", style="bold"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TimeElapsedColumn(),
    ]


class RateColumn(ProgressColumn):
    """Rows a second of a table, as they are written."""

    def render(self, task: Task) -> Text:
        done = task.finished_time if task.finished else task.elapsed
        if not done or not task.completed:
            return Text("")
        return Text(f"{task.completed / done:,.0f} rows/s", style="cyan")


# --- writing rows ------------------------------------------------------------------------


class _Table:
    """Rows of one table, buffered and written a chunk at a time."""

    def __init__(self, loader: _Loader, alias: str, name: str, cols: Sequence[str]) -> None:
        self.loader = loader
        self.alias = alias
        self.name = name
        self.cols = list(cols)
        self.rows: list[tuple[Any, ...]] = []
        self.count = 0
        self.task: TaskID | None = None
        self.total: int | None = None
        self.started = 0.0
        self.seconds = 0.0

    def add(self, row: tuple[Any, ...]) -> None:
        if self.task is None and self.loader.progress is not None:
            self.task = self.loader.progress.add_task(self.label(), total=self.total)
        self.rows.append(row)
        if len(self.rows) >= CHUNK:
            if self.loader.pg:
                self.write()
            else:
                # SQLite checks deferred foreign keys by scanning the child table for
                # every parent row written after its children: parents first, always.
                for table in self.loader.tables:
                    table.write()

    def write(self) -> None:
        if not self.rows:
            return
        connection = connections[self.alias]
        names = ", ".join(connection.ops.quote_name(c) for c in self.cols)
        if connection.vendor == "postgresql":
            data = "\n".join(["\t".join(row) for row in self.rows]) + "\n"
            self.loader.writers[self.alias].put(
                self, f"COPY {self.name} ({names}) FROM STDIN", data
            )
        else:
            began = time.perf_counter()
            marks = ", ".join("?" * len(self.cols))
            connection.connection.executemany(
                f"INSERT INTO {self.name} ({names}) VALUES ({marks})",  # noqa: S608
                self.rows,
            )
            self.seconds += time.perf_counter() - began
        n = len(self.rows)
        self.count += n
        self.rows = []
        progress = self.loader.progress
        if progress is not None and self.task is not None:
            progress.advance(self.task, n)

    def label(self) -> str:
        return self.name.split("_", 1)[1]

    def done(self) -> None:
        progress = self.loader.progress
        if progress is not None and self.task is not None:
            progress.update(self.task, total=self.count, completed=self.count)
            progress.stop_task(self.task)


class _Writer(threading.Thread):
    """COPYs chunks into one PostgreSQL store from a thread of its own, in the load's
    transaction, while the main thread makes the next rows: the server ingests on one
    core while Python generates on the other."""

    def __init__(self, alias: str) -> None:
        super().__init__(name=f"bairn-nation-{alias}", daemon=True)
        self.raw = connections[alias].connection
        self.chunks: queue.Queue[tuple[_Table, str, str] | None] = queue.Queue(maxsize=4)
        self.error: BaseException | None = None

    def put(self, table: _Table, sql: str, data: str) -> None:
        if self.error is not None:
            raise self.error
        self.chunks.put((table, sql, data))

    def run(self) -> None:
        while (item := self.chunks.get()) is not None:
            if self.error is not None:
                continue
            table, sql, data = item
            began = time.perf_counter()
            try:
                with self.raw.cursor() as cursor, cursor.copy(sql) as copy:
                    copy.write(data)
            except BaseException as error:  # handed to the main thread
                self.error = error
            table.seconds += time.perf_counter() - began

    def abort(self) -> None:
        """Stop writing (the load failed): what is queued is dropped, and the transaction
        is rolled back by the caller once this thread has let go of the connection."""
        if self.error is None:
            self.error = RuntimeError("the load stopped")
        self.chunks.put(None)
        self.join()

    def close(self) -> None:
        self.chunks.put(None)
        self.join()
        if self.error is not None:
            raise self.error


@dataclass
class _Agency:
    index: int
    hex: str
    name: str
    kind: str
    council: int  # -1: national or regional
    seniors: list[int] = field(default_factory=list)
    staff: list[int] = field(default_factory=list)
    named: list[int] = field(default_factory=list)  # Named Persons (heads, deputes, HVs)
    ig: int = -1
    pupils: int = 0
    phase: str = ""  # primary, secondary, nursery


@dataclass
class _Council:
    index: int
    name: str
    children: int
    postcode: str
    board: int = -1
    division: int = -1
    social_work: int = -1
    primaries: list[int] = field(default_factory=list)
    secondaries: list[int] = field(default_factory=list)
    nurseries: list[int] = field(default_factory=list)
    isp_hex: str = ""
    isp_title: str = ""


@dataclass
class _Person:
    hex: str
    dashed: str
    username: str
    name: str
    agency: int  # -1 for the administrator
    roles: tuple[str, ...]
    who: str = ""  # "Name (Agency)", as notifications say


class _Loader:
    def __init__(self, children: int, entries: int, seed: int, progress: Progress | None) -> None:
        self.n_children = children
        self.n_entries = entries
        self.rng = random.Random(seed)  # noqa: S311 - made-up data, not secrets
        self.progress = progress
        pg = connections["default"].vendor == "postgresql"
        self.pg = pg
        self.NULL: Any = "\\N" if pg else None
        self.T: Any = "t" if pg else 1
        self.F: Any = "f" if pg else 0
        self.tz = "+00" if pg else ""
        today = dt.datetime.now(dt.UTC).date()
        self.anchor = int(dt.datetime.combine(today, dt.time(), tzinfo=dt.UTC).timestamp())
        self.day0 = self.anchor // DAY - 20 * 366
        self.days = [
            (dt.date(1970, 1, 1) + dt.timedelta(days=d)).isoformat()
            for d in range(self.day0, self.anchor // DAY + 800)
        ]
        self.tods = [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(DAY)]
        self.tables: list[_Table] = []
        self.writers: dict[str, _Writer] = {}
        self.seq = 0
        self.agencies: list[_Agency] = []
        self.people: list[_Person] = []
        self.councils: list[_Council] = []
        self.boards: dict[str, int] = {}
        self.divisions: dict[str, int] = {}
        self.third: list[int] = []
        self.groups: dict[str, str] = {}
        self.sample: list[uuid.UUID] = []
        self.sample_np: dict[uuid.UUID, int] = {}
        self.busy: uuid.UUID | None = None
        self.entry_count = 0
        self._amended: set[str] = set()
        self.password = "!"
        self.seal_seconds = 0.0

    # -- small helpers --

    def hex(self) -> str:
        return "%032x" % ((self.rng.getrandbits(128) & UUID_MASK) | UUID_V4)

    @staticmethod
    def dashed(h: str) -> str:
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def ts(self, t: int) -> str:
        return f"{self.days[t // DAY - self.day0]} {self.tods[t % DAY]}{self.tz}"

    def iso(self, t: int) -> str:
        return f"{self.days[t // DAY - self.day0]}T{self.tods[t % DAY]}+00:00"

    def date(self, t: int) -> str:
        return self.days[t // DAY - self.day0]

    def table(self, alias: str, name: str, cols: Sequence[str]) -> _Table:
        t = _Table(self, alias, name, cols)
        self.tables.append(t)
        return t

    def flush(self) -> None:
        """Every buffer, and wait until the stores have them."""
        for t in self.tables:
            t.write()
        for writer in self.writers.values():
            writer.close()
        self.writers = {}

    def event(
        self,
        at: int,
        actor: int,
        action: str,
        *,
        obj: str = "",
        child: str = "",
        purpose: str = "",
        reason: str = "",
        touched: Iterable[int] = (),
    ) -> None:
        """An audit event as bairn.audit.services.record writes it, with its PendingEvent
        and the agencies it touched other than the actor's own."""
        self.seq += 1
        person = self.people[actor]
        own = self.agencies[person.agency].hex if person.agency >= 0 else ""
        agency_id = self.dashed(own) if own else ""
        self.events.add(
            (
                str(self.seq),
                self.ts(at),
                person.dashed,
                person.username,
                agency_id,
                action,
                obj[:120],
                child,
                purpose,
                "allowed",
                reason.replace("\t", " "),
                self.F,
                "",
                "",
            )
        )
        self.pending.add((str(self.seq),))
        for a in sorted({self.dashed(self.agencies[i].hex) for i in touched} - {agency_id}):
            self.event_agencies.add((str(self.seq), a))

    # -- the load --

    def run(self) -> Area:
        self._refuse_unless_empty()
        self._plan_agencies()
        self._plan_people()
        for role in Role:
            group, _ = Group.objects.get_or_create(name=role.value)
            self.groups[role.value] = str(group.pk)
        self._declare_tables()
        self.password = make_password(PASSWORD, salt="bairnbenchnation")
        with transaction.atomic(using="identity"), transaction.atomic(using="default"):
            indexes = _Indexes(self) if self.pg else _SqliteIndexes(self)
            indexes.drop()
            if self.pg:
                self.writers = {a: _Writer(a) for a in ("default", "identity")}
                for writer in self.writers.values():
                    writer.start()
            try:
                self._write_agencies()
                self._write_people()
                self._write_isps()
                for table in self.tables:
                    table.write()
                self._write_children()
                self.flush()
            except BaseException:
                for writer in self.writers.values():
                    writer.abort()
                raise
            indexes.restore()
            self._finish_sequences()
        for t in self.tables:
            t.done()
        LAST_LOAD.clear()
        LAST_LOAD.update({t.name: (t.count, t.seconds) for t in self.tables})
        self._analyze()
        self._seal()
        return self._area()

    def _refuse_unless_empty(self) -> None:
        from bairn.agencies.models import Assignment, Involvement
        from bairn.audit.models import AuditEvent
        from bairn.chronology.models import Concern
        from bairn.notify.models import Notification
        from bairn.people.models import Child, Person

        vendors = {connections[a].vendor for a in ("default", "identity")}
        if len(vendors) != 1 or vendors - {"postgresql", "sqlite"}:
            raise CommandError(
                "bairn bench --nation loads both stores in bulk: put them on the same kind "
                f"of database, PostgreSQL or SQLite (found {', '.join(sorted(vendors))})."
            )
        held = [
            model._meta.verbose_name_plural
            for model in (
                Agency,
                Practitioner,
                Involvement,
                Assignment,
                Concern,
                Notification,
                AuditEvent,
                Child,
                Person,
            )
            if model.objects.exists()
        ]
        if held:
            raise CommandError(
                f"The database is not empty: it holds {', '.join(str(h) for h in held)}. "
                "bairn bench --nation writes a made-up nation: point it at empty, migrated "
                "databases (make bench-nation makes scratch ones)."
            )
        if self.n_children < 1 or self.n_entries < 1:
            raise CommandError("--nation needs at least 1 child and 1 entry.")

    # -- agencies and people, planned in memory (tens of thousands at most) --

    def _agency(self, name: str, kind: str, council: int, phase: str = "") -> int:
        a = _Agency(len(self.agencies), self.hex(), name, kind, council, phase=phase)
        self.agencies.append(a)
        return a.index

    def _plan_agencies(self) -> None:
        n = self.n_children
        used = COUNCILS[: min(len(COUNCILS), max(1, n // 2000))]
        weight = sum(c[1] for c in used)
        left = n
        for i, (name, share, postcode, board, division) in enumerate(used):
            count = left if i == len(used) - 1 else round(n * share / weight)
            count = min(count, left)
            left -= count
            council = _Council(i, name, count, postcode)
            self.councils.append(council)
            if board not in self.boards:
                self.boards[board] = self._agency(f"NHS {board} Health Visiting", "health", -1)
            if division not in self.divisions:
                self.divisions[division] = self._agency(
                    f"Police Scotland {division} Division", "police", -1
                )
            council.board = self.boards[board]
            council.division = self.divisions[division]
            council.social_work = self._agency(
                f"{name} Council Children and Families Social Work", "social_work", i
            )
            names = itertools.cycle(SCHOOL_NAMES)
            for phase, share_of_children, size, into in (
                ("secondary", 0.33, 900, council.secondaries),
                ("primary", 0.39, 200, council.primaries),
                ("nursery", 0.11, 110, council.nurseries),
            ):
                for k in range(max(1, math.ceil(count * share_of_children / size))):
                    place = next(names)
                    lap = k // len(SCHOOL_NAMES)
                    suffix = f" ({name}{f' {lap + 1}' if lap else ''})"
                    title = {
                        "secondary": f"{place} High School",
                        "primary": f"{place} Primary School",
                        "nursery": f"{place} Nursery",
                    }[phase]
                    into.append(self._agency(title + suffix, "education", i, phase))
        for name in THIRD_SECTOR[: min(len(THIRD_SECTOR), max(2, n // 20000))]:
            self.third.append(self._agency(name, "third_sector", -1))

    def _person(self, agency: int, label: str, *roles: str) -> int:
        rng = self.rng
        index = len(self.people)
        given = rng.choice(ADULT)
        family = rng.choice(FAMILY)
        person = _Person(
            self.hex(),
            "",
            f"p{index:06d}",
            f"{given} {family}",
            agency,
            tuple(sorted(set(roles))),
        )
        person.dashed = self.dashed(person.hex)
        self.people.append(person)
        if agency >= 0:
            a = self.agencies[agency]
            person.who = f"{person.name} ({a.name})"
            a.staff.append(index)
            if Role.SENIOR in roles:
                a.seniors.append(index)
            if Role.NAMED_PERSON in roles:
                a.named.append(index)
            if Role.INFORMATION_GOVERNANCE in roles:
                a.ig = index
        person.username = f"{label}{index}"
        return index

    def _plan_people(self) -> None:
        P, NP, LP, S, IG = (
            Role.PRACTITIONER.value,
            Role.NAMED_PERSON.value,
            Role.LEAD_PROFESSIONAL.value,
            Role.SENIOR.value,
            Role.INFORMATION_GOVERNANCE.value,
        )
        self.admin = self._person(-1, "bench-admin", Role.ADMIN.value)
        self.people[self.admin].username = "bench-admin"
        self.people[self.admin].name = "Bench Administrator"
        # Children per region, to size the regional agencies.
        per_board: dict[int, int] = {}
        per_division: dict[int, int] = {}
        for c in self.councils:
            per_board[c.board] = per_board.get(c.board, 0) + c.children
            per_division[c.division] = per_division.get(c.division, 0) + c.children
        for c in self.councils:
            for school in c.secondaries + c.primaries:
                a = self.agencies[school]
                size = 900 if a.phase == "secondary" else 200
                self._person(school, "head", NP, S)
                for _ in range(max(1, size // 300)):
                    self._person(school, "depute", NP)
                for _ in range(max(3, size // 18)):
                    self._person(school, "teacher", P)
                self._person(school, "ig", IG)
            for nursery in c.nurseries:
                self._person(nursery, "manager", P, S)
                for _ in range(5):
                    self._person(nursery, "nursery", P)
                self._person(nursery, "ig", IG)
            sw = c.social_work
            workers = max(2, c.children // 250)
            for _ in range(1 + workers // 15):
                self._person(sw, "swmanager", S)
            for _ in range(workers):
                self._person(sw, "sw", P, LP)
            self._person(sw, "ig", IG)
        for board, count in per_board.items():
            hvs = max(2, round(count * 0.28 / 120))
            for _ in range(1 + hvs // 40):
                self._person(board, "hvlead", S)
            for _ in range(hvs):
                self._person(board, "hv", NP)
            for _ in range(max(1, count // 2500)):
                self._person(board, "nurse", P)
            self._person(board, "ig", IG)
        for division, count in per_division.items():
            officers = max(2, count // 800)
            for _ in range(1 + officers // 30):
                self._person(division, "dsgt", S)
            for _ in range(officers):
                self._person(division, "pc", P)
            self._person(division, "ig", IG)
        for org in self.third:
            self._person(org, "tsmanager", S)
            for _ in range(max(2, self.n_children // 5000)):
                self._person(org, "worker", P)
            self._person(org, "ig", IG)

    def _declare_tables(self) -> None:
        d, i = "default", "identity"
        self.t_agency = self.table(d, "agencies_agency", ["id", "name", "kind", "created_at"])
        self.t_practitioner = self.table(
            d,
            "agencies_practitioner",
            [
                "id",
                "password",
                "last_login",
                "is_superuser",
                "username",
                "first_name",
                "last_name",
                "email",
                "is_staff",
                "is_active",
                "date_joined",
                "full_name",
                "agency_id",
                "phone",
                "job_title",
            ],
        )
        self.t_groups = self.table(
            d, "agencies_practitioner_groups", ["practitioner_id", "group_id"]
        )
        self.t_isp = self.table(
            d,
            "sharing_isp",
            [
                "id",
                "title",
                "purposes",
                "categories",
                "lawful_basis",
                "special_category_condition",
                "consent_required",
                "onward_sharing",
                "retention_days",
                "review_date",
                "security_conditions",
                "privacy_impact_assessment",
                "status",
                "status_reason",
                "drafted_by_id",
                "drafted_at",
                "activated_at",
            ],
        )
        self.t_party = self.table(
            d,
            "sharing_ispparty",
            [
                "id",
                "isp_id",
                "agency_id",
                "data_protection_officer",
                "senior_information_risk_owner",
                "approved_by_id",
                "approved_at",
            ],
        )
        self.t_child = self.table(
            i,
            "people_child",
            [
                "id",
                "given_name",
                "family_name",
                "date_of_birth",
                "chi_number",
                "scottish_candidate_number",
                "sex",
                "ethnicity",
                "religion",
                "languages",
                "address",
                "postcode",
                "created_at",
                "given_name_key",
                "family_name_key",
                "postcode_key",
            ],
        )
        self.t_person = self.table(
            i,
            "people_person",
            ["id", "given_name", "family_name", "date_of_birth", "created_at"],
        )
        self.t_relation = self.table(
            i,
            "people_childrelationship",
            [
                "id",
                "child_id",
                "person_id",
                "relationship",
                "parental_responsibility",
                "lives_with",
                "stays_overnight",
                "caring_role",
                "created_at",
            ],
        )
        self.t_involvement = self.table(
            d,
            "agencies_involvement",
            [
                "id",
                "child_ref",
                "practitioner_id",
                "basis",
                "reason",
                "started_at",
                "ended_at",
                "flagged",
                "reviewed_at",
                "reviewed_by_id",
            ],
        )
        self.t_assignment = self.table(
            d,
            "agencies_assignment",
            [
                "id",
                "child_ref",
                "kind",
                "practitioner_id",
                "started_at",
                "ended_at",
                "assigned_by_id",
            ],
        )
        self.t_concern = self.table(
            d,
            "chronology_concern",
            [
                "id",
                "child_ref",
                "agency_id",
                "recorded_by_id",
                "occurred_at",
                "recorded_at",
                "summary",
                "detail",
                "source",
                "impact",
                "significance",
                "action_taken",
                "restricted",
                "withheld_from_family",
                "withheld_reason",
                "amends_id",
                "amendment_reason",
            ],
        )
        self.t_indicator = self.table(d, "chronology_concernindicator", ["concern_id", "indicator"])
        self.t_disclosure = self.table(
            d,
            "sharing_disclosure",
            [
                "id",
                "child_ref",
                "from_agency_id",
                "to_agency_id",
                "purpose",
                "categories",
                "lawful_basis",
                "special_category_condition",
                "isp_id",
                "consent_id",
                "justification",
                "reasons",
                "conditions",
                "made_by_id",
                "authorised_by_id",
                "urgent",
                "urgent_reason",
                "made_at",
                "expires_at",
                "child_protection_override",
                "review",
                "reviewed_by_id",
                "reviewed_at",
                "review_notes",
                "family_informed",
                "family_not_informed_reason",
            ],
        )
        self.t_disclosed = self.table(d, "sharing_disclosedentry", ["disclosure_id", "concern_id"])
        self.t_plan = self.table(
            d, "planning_plan", ["id", "child_ref", "version", "created_at", "closed_at"]
        )
        self.t_version = self.table(
            d,
            "planning_planversion",
            [
                "id",
                "plan_id",
                "version",
                "saved_at",
                "saved_by_id",
                "content",
                "changes",
                "meeting_id",
            ],
        )
        self.t_notification = self.table(
            d,
            "notify_notification",
            [
                "id",
                "recipient_id",
                "kind",
                "child_ref",
                "created_at",
                "text",
                "data",
                "read_at",
                "emailed",
            ],
        )
        self.events = self.table(
            d,
            "audit_auditevent",
            [
                "seq",
                "at",
                "actor_id",
                "actor",
                "agency_id",
                "action",
                "object",
                "child_id",
                "purpose",
                "outcome",
                "reason",
                "flagged",
                "prev_hash",
                "hash",
            ],
        )
        self.pending = self.table(d, "audit_pendingevent", ["seq"])
        self.event_agencies = self.table(d, "audit_auditeventagency", ["seq", "agency_id"])
        self.t_child.total = self.n_children
        self.t_concern.total = self.n_entries

    def _write_agencies(self) -> None:
        made = self.anchor - 11 * 365 * DAY
        for a in self.agencies:
            self.t_agency.add((a.hex, a.name, a.kind, self.ts(made)))
            self.event(made, self.admin, "agency.create", obj=f"agency:{self.dashed(a.hex)}")

    def _write_people(self) -> None:
        made = self.anchor - 11 * 365 * DAY + 3600
        T, F, NULL = self.T, self.F, self.NULL
        for index, p in enumerate(self.people):
            admin = index == self.admin
            agency = self.agencies[p.agency].hex if p.agency >= 0 else NULL
            self.t_practitioner.add(
                (
                    p.hex,
                    "!",
                    NULL,
                    T if admin else F,
                    p.username,
                    "",
                    "",
                    f"{p.username}@bench.invalid",
                    T if admin else F,
                    T,
                    self.ts(made),
                    p.name,
                    agency,
                    "",
                    "",
                )
            )
            for role in p.roles:
                self.t_groups.add((p.hex, self.groups[role]))
            self.event(
                made,
                self.admin,
                "practitioner.create",
                obj=f"practitioner:{p.dashed}",
                reason=f"roles: {', '.join(p.roles)}",
            )

    def _write_isps(self) -> None:
        """One Information Sharing Protocol per council: its schools, nurseries and social
        work, its health board and police division; active, approved by every party."""
        drafted = self.anchor - 400 * DAY
        F = self.F
        for c in self.councils:
            c.isp_hex = self.hex()
            c.isp_title = f"{c.name} GIRFEC information sharing protocol"
            drafter = self.agencies[c.social_work].ig
            parties = [
                c.social_work,
                c.board,
                c.division,
                *c.secondaries,
                *c.primaries,
                *c.nurseries,
            ]
            self.t_isp.add(
                (
                    c.isp_hex,
                    c.isp_title,
                    '["child_protection", "plan_coordination", "wellbeing_support"]',
                    '["assessment", "chronology", "core", "household", "plan"]',
                    "public_task",
                    "",
                    F,
                    F,
                    "730",
                    self.date(self.anchor + 365 * DAY),
                    "",
                    "",
                    "active",
                    "",
                    self.people[drafter].hex,
                    self.ts(drafted),
                    self.ts(drafted + 20 * DAY),
                )
            )
            isp = f"isp:{self.dashed(c.isp_hex)}"
            self.event(drafted, drafter, "isp.create", obj=isp, reason=c.isp_title, touched=parties)
            for k, party in enumerate(parties):
                ig = self.agencies[party].ig
                when = drafted + DAY + k * 60
                self.t_party.add(
                    (
                        self.hex(),
                        c.isp_hex,
                        self.agencies[party].hex,
                        "",
                        "",
                        self.people[ig].hex,
                        self.ts(when),
                    )
                )
                last = k == len(parties) - 1
                self.event(
                    when,
                    ig,
                    "isp.approve",
                    obj=isp,
                    reason="approved; now active" if last else "approved; waiting for others",
                    touched=parties,
                )

    # -- children and their chronologies --

    def _entry_counts(self, busy: int) -> list[int]:
        """Entries per child: lognormal weights (σ 1.2), capped at 40× the mean, scaled to
        the total asked; child 0 (the busy child) gets `busy`."""
        rng = self.rng
        n = self.n_children
        rest = self.n_entries - busy
        if n == 1:
            return [self.n_entries]
        cap = 40.0
        weights = [min(cap, rng.lognormvariate(-0.72, 1.2)) for _ in range(n - 1)]
        scale = rest / sum(weights)
        counts = [int(w * scale) for w in weights]
        short = rest - sum(counts)
        for k in rng.sample(range(n - 1), short) if short <= n - 1 else range(n - 1):
            counts[k] += 1
        short = rest - sum(counts)
        counts[0] += short  # only when more entries than children, by little
        return [busy, *counts]

    def _templates(self) -> dict[str, list[tuple[str, str, str, str, list[str], bool]]]:
        rng = self.rng
        combos = (
            [(x,) for x in INDICATORS] * 4
            + list(itertools.combinations(INDICATORS, 2))
            + list(itertools.combinations(INDICATORS, 3))[:20]
        )
        out = {}
        for kind, summaries in SUMMARIES.items():
            rows = []
            for _ in range(1024):
                rows.append(
                    (
                        rng.choice(summaries),
                        rng.choice(SOURCES),
                        rng.choice(IMPACT),
                        rng.choice(SIGNIFICANCE),
                        list(rng.choice(combos)),
                        rng.random() < 0.01,  # restricted
                    )
                )
            out[kind] = rows
        return out

    def _write_children(self) -> None:
        rng = self.rng
        n = self.n_children
        busy_entries = min(BUSY_ENTRIES, max(1, self.n_entries // 10))
        counts = self._entry_counts(busy_entries)
        templates = self._templates()
        mean = self.n_entries / n
        plan_from = max(12, int(mean * 3))
        sample_every = max(1, (n - 1) // SAMPLE)
        chi_next: dict[tuple[int, bool], int] = {}
        T, F, NULL = self.T, self.F, self.NULL
        anchor = self.anchor
        family_left = 0
        home: tuple[str, str, str, list[tuple[str, str, str, str]]] = ("", "", "", [])
        council_of = list(
            itertools.chain.from_iterable([c.index] * c.children for c in self.councils)
        )
        rng.shuffle(council_of)
        council_of[0] = 0
        busy_school = self.councils[0].secondaries[0]
        for ci in range(n):
            busy = ci == 0
            c = self.councils[council_of[ci]]
            age = 13 if busy else rng.randrange(18)
            born = anchor - (age * 365 + rng.randrange(365) + 1) * DAY
            if family_left <= 0 or busy:
                family_left = rng.choice([1, 1, 1, 2, 2, 2, 2, 3, 3, 4])
                family = "Bench" if busy else rng.choice(FAMILY)
                postcode = (
                    f"{c.postcode}{rng.randrange(1, 40)} {rng.randrange(1, 10)}"
                    f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
                )
                address = f"{rng.randrange(1, 200)} {rng.choice(STREETS)}"
                adults = []
                for relationship in ["mother", "father"] if rng.random() < 0.6 else ["mother"]:
                    adults.append((self.hex(), rng.choice(ADULT), family, relationship))
                home = (family, postcode, address, adults)
                new_family = True
            else:
                new_family = False
            family_left -= 1
            family, postcode, address, adults = home
            female = rng.random() < 0.5
            given = "Busy" if busy else rng.choice(GIVEN_F if female else GIVEN_M)
            child_hex = self.hex()
            child_dashed = self.dashed(child_hex)
            child_id = f"child:{child_dashed}"
            born_day = born // DAY
            serial = chi_next.get((born_day, female), 0)
            ymd = self.days[born_day - self.day0]
            dmy = f"{ymd[8:10]}{ymd[5:7]}{ymd[2:4]}"
            chi = NULL
            while serial < 1000:
                first_nine = f"{dmy}{serial:03d}"
                serial += 1
                if (int(first_nine[8]) % 2 == 0) != female:
                    continue
                check = check_digit(first_nine)
                if check is not None:
                    chi = first_nine + str(check)
                    break
            chi_next[(born_day, female)] = serial
            known = max(born, anchor - 10 * 365 * DAY) + rng.randrange(1, 30 * DAY)
            known = min(known, anchor - 2 * DAY)
            self.t_child.add(
                (
                    child_hex,
                    given,
                    family,
                    self.date(born),
                    chi,
                    "",
                    "female" if female else "male",
                    "",
                    "",
                    "[]",
                    address,
                    postcode,
                    self.ts(known),
                    name_key(given),
                    name_key(family),
                    postcode_key(postcode),
                )
            )
            for person_hex, adult, surname, relationship in adults:
                if new_family:
                    self.t_person.add((person_hex, adult, surname, NULL, self.ts(known)))
                self.t_relation.add(
                    (
                        self.hex(),
                        child_hex,
                        person_hex,
                        relationship,
                        T,
                        T if relationship == "mother" or rng.random() < 0.7 else F,
                        F,
                        "",
                        self.ts(known),
                    )
                )
            # Where the child is known: Named Person and the team around them.
            if busy:
                school = busy_school
            elif age < 5:
                school = rng.choice(c.nurseries) if age >= 3 else -1
            else:
                school = rng.choice(c.primaries if age < 12 else c.secondaries)
            if busy:
                named = self.agencies[school].seniors[0]
            elif age < 5:
                named = rng.choice(self.agencies[c.board].named)
            else:
                named = rng.choice(self.agencies[school].named)
            k = counts[ci]
            team: list[int] = []
            if busy:
                b = self.agencies
                teacher = next(
                    p for p in b[school].staff if self.people[p].roles == ("practitioner",)
                )
                team = [
                    teacher,
                    b[c.board].named[0],
                    next(p for p in b[c.division].staff if p not in b[c.division].seniors),
                    next(
                        p
                        for p in b[c.social_work].staff
                        if "lead_professional" in self.people[p].roles
                    ),
                ]
            else:
                if school >= 0:
                    staff = self.agencies[school].staff
                    pick = rng.choice(staff)
                    if pick != named and self.people[pick].roles == ("practitioner",):
                        team.append(pick)
                if k >= 3 and age >= 5 and rng.random() < 0.4:
                    team.append(
                        rng.choice(
                            self.agencies[c.board].staff[
                                -max(1, len(self.agencies[c.board].staff) // 10) :
                            ]
                        )
                    )
                if k >= 6 and rng.random() < 0.5:
                    officers = self.agencies[c.division].staff
                    team.append(rng.choice(officers))
                if k >= 10 and rng.random() < 0.6:
                    team.append(rng.choice(self.agencies[c.social_work].staff))
                if k >= 30 and self.third and rng.random() < 0.4:
                    team.append(rng.choice(self.agencies[rng.choice(self.third)].staff))
                team = [
                    p
                    for p in dict.fromkeys(team)
                    if p != named and self.agencies[self.people[p].agency].ig != p
                ]
            np_p = self.people[named]
            np_agency = np_p.agency
            child_name = f"{given} {family}"
            inv_reason = "Works with the child"
            involved: set[tuple[int, str]] = set()

            def involve(
                person: int,
                basis: str,
                reason: str,
                at: int,
                involved: set[tuple[int, str]] = involved,
                child_hex: str = child_hex,
                child_dashed: str = child_dashed,
                busy: bool = busy,
            ) -> bool:
                if (person, basis) in involved:
                    return False
                involved.add((person, basis))
                self.t_involvement.add(
                    (
                        self.hex(),
                        child_hex,
                        self.people[person].hex,
                        basis,
                        reason,
                        self.ts(at),
                        NULL,
                        F,
                        NULL,
                        NULL,
                    )
                )
                if busy:
                    self.event(
                        at,
                        person,
                        "involvement.add",
                        obj=f"practitioner:{self.people[person].dashed}",
                        child=child_dashed,
                        reason=basis,
                    )
                return True

            involve(named, "created_record", "", known)
            self.event(known, named, "child.create", obj=child_id, child=child_dashed)
            involve(named, "named_person", "", known)
            self.t_assignment.add(
                (self.hex(), child_hex, "named_person", np_p.hex, self.ts(known), NULL, np_p.hex)
            )
            if busy:
                self.event(
                    known,
                    named,
                    "named_person.assign",
                    obj=f"practitioner:{np_p.dashed}",
                    child=child_dashed,
                    reason=f"Named Person: {np_p.name}",
                )
            for member in team:
                involve(member, "team_member", inv_reason, known + 60)
                self._note(
                    member,
                    "assigned",
                    child_hex,
                    known + 60,
                    f"{child_name}: {np_p.name} ({self.agencies[np_agency].name}) added you "
                    f"to the team: {inv_reason}.",
                    f'{{"by": "{np_p.name}"}}',
                )
            writers = [named, *team]
            # A Child's Plan, with a Lead Professional from social work, for children with
            # many concerns (and the busy child).
            lead = -1
            plan_at = 0
            if busy or (k >= plan_from and rng.random() < 0.6):
                sws = [p for p in writers if "lead_professional" in self.people[p].roles]
                if not sws:
                    sw = rng.choice(
                        [
                            p
                            for p in self.agencies[c.social_work].staff
                            if "lead_professional" in self.people[p].roles
                        ]
                    )
                    involve(sw, "team_member", inv_reason, known + 60)
                    writers.append(sw)
                    sws = [sw]
                lead = sws[0]
            # The entries, in time order.
            span_from = known + 3600
            span = max(1, anchor - 3600 - span_from)
            times = sorted(span_from + rng.randrange(span) for _ in range(k))
            if lead >= 0:
                plan_at = times[len(times) // 2] + 3600 if times else known + DAY
                plan_at = min(plan_at, anchor - 3600)
            entry_rows: list[tuple[str, int, int, str]] = []  # hex, agency, recorded, sig
            window: list[tuple[str, int]] = []
            cp_told: set[int] = set()
            nw = len(writers)
            for e_i, occurred in enumerate(times):
                writer = (
                    writers[e_i % nw]
                    if busy
                    else (writers[rng.randrange(nw)] if rng.random() > 0.25 else named)
                )
                wp = self.people[writer]
                agency = self.agencies[wp.agency]
                summary, source, impact, sig, indicators, restricted = templates[
                    "education" if agency.kind == "education" else agency.kind
                ][rng.getrandbits(10)]
                recorded = min(occurred + rng.randrange(1, 3 * DAY), anchor - 60)
                entry_hex = self.hex()
                amends = NULL
                reason = ""
                if entry_rows and rng.random() < 0.005:
                    old = entry_rows[-1]
                    if old[1] == wp.agency and old[0] not in self._amended:
                        self._amended.add(old[0])
                        amends = old[0]
                        reason = "Date corrected"
                self.t_concern.add(
                    (
                        entry_hex,
                        child_hex,
                        agency.hex,
                        wp.hex,
                        self.ts(occurred),
                        self.ts(recorded),
                        summary,
                        "",
                        source,
                        impact,
                        sig,
                        "",
                        T if restricted else F,
                        F,
                        "",
                        amends,
                        reason,
                    )
                )
                for code in indicators:
                    self.t_indicator.add((entry_hex, code))
                self.entry_count += 1
                entry_rows.append((entry_hex, wp.agency, recorded, sig))
                if busy or self.entry_count % EVENTS_PER_ENTRY == 0:
                    self.event(
                        recorded,
                        writer,
                        "concern.create",
                        obj=f"concern:{self.dashed(entry_hex)}",
                        child=child_dashed,
                    )
                if (
                    occurred >= anchor - PATTERN_WINDOW
                    and impact != "positive"
                    and (not restricted or wp.agency == np_agency)
                ):
                    window.append((sig, wp.agency))
                # Who is told (alerts.announce).
                cp = sig == "child_protection"
                recipients: list[tuple[int, str]] = []
                for person in (named, lead if lead >= 0 and recorded >= plan_at else -1):
                    if person < 0 or person == writer:
                        continue
                    if restricted and self.people[person].agency != wp.agency and not cp:
                        continue
                    recipients.append(
                        (
                            person,
                            "child_protection_concern"
                            if cp and person == named
                            else "concern_recorded",
                        )
                    )
                if cp:
                    for senior in agency.seniors:
                        if senior == writer:
                            continue
                        if senior not in cp_told:
                            cp_told.add(senior)
                            involve(
                                senior,
                                "child_protection_lead",
                                f"child protection concern {self.dashed(entry_hex)}",
                                recorded,
                            )
                        if all(r[0] != senior for r in recipients):
                            recipients.append((senior, "child_protection_concern"))
                if recipients:
                    label = SIG_LABEL[sig]
                    data = (
                        f'{{"concern_id": "{self.dashed(entry_hex)}", '
                        f'"agency_id": "{self.dashed(agency.hex)}", '
                        f'"agency_name": "{agency.name}", "recorded_by": "{wp.name}", '
                        f'"significance": "{sig}", "occurred_at": "{self.iso(occurred)}"}}'
                    )
                    for person, kind in recipients:
                        reader = self.people[person]
                        if reader.agency == wp.agency and (
                            not restricted or "senior" in reader.roles
                        ):
                            text = (
                                f"{child_name}: {wp.who} recorded a concern of {label} "
                                f"significance: {summary}"
                            )
                        else:
                            day = self.days[occurred // DAY - self.day0]
                            when = f"{day[8:10]} {_MONTHS[int(day[5:7])]} {day[:4]}"
                            text = (
                                f"{child_name}: {wp.who} recorded a concern of {label} "
                                f"significance about {when}. It is held by {agency.name}; "
                                "to see it, make a share request to them."
                            )
                        self._note(person, kind, child_hex, recorded + 1, text, data)
            if window:
                medium = sum(1 for s, _ in window if s != "low")
                high = sum(1 for s, _ in window if s in ("high", "child_protection"))
                agencies = len({a for _, a in window})
                triggers = [
                    t
                    for t, on in (
                        ("three_or_more_medium", medium >= 3),
                        ("two_or_more_agencies", agencies >= 2),
                        ("high_significance", high >= 1),
                    )
                    if on
                ]
                if triggers:
                    total = len(window)
                    word = "agency" if agencies == 1 else "agencies"
                    text = (
                        f"{child_name}: {total} concern{'s' if total != 1 else ''} in the last "
                        f"90 days from {agencies} {word} ({medium} of medium significance or "
                        f"above, {high} high or child protection). Consider whether {given} "
                        "needs a wellbeing assessment or a Child's Plan."
                    )
                    data = json.dumps(
                        {
                            "concerns": total,
                            "medium_or_above": medium,
                            "high_or_above": high,
                            "agencies": agencies,
                            "window_days": 90,
                            "triggers": triggers,
                        }
                    )
                    self._note(named, "pattern_alert", child_hex, entry_rows[-1][2] + 2, text, data)
            if lead >= 0:
                self._plan(child_hex, child_dashed, child_name, named, lead, writers, plan_at, busy)
            # A disclosure under the council's ISP: the busy child's school entries to
            # health; for some children with many entries, one agency's to social work.
            if busy:
                self._disclose(
                    c,
                    child_hex,
                    child_dashed,
                    school,
                    c.board,
                    named,
                    entry_rows,
                    anchor - 2 * 3600,
                    lead,
                )
            elif k >= 15 and rng.random() < 0.2:
                holders = [
                    self.people[w].agency
                    for w in writers
                    if self.agencies[self.people[w].agency].kind
                    in ("education", "police", "health")
                ]
                if holders:
                    source_agency = rng.choice(holders)
                    to = (
                        c.social_work
                        if self.agencies[source_agency].kind != "social_work"
                        else c.board
                    )
                    made = anchor - rng.randrange(2, 300) * DAY
                    maker = (
                        self.agencies[source_agency].seniors[0]
                        if self.agencies[source_agency].seniors
                        else named
                    )
                    self._disclose(
                        c, child_hex, child_dashed, source_agency, to, maker, entry_rows, made, lead
                    )
            if busy:
                self.busy = uuid.UUID(child_hex)
            elif ci % sample_every == 0 and len(self.sample) < SAMPLE:
                self.sample.append(uuid.UUID(child_hex))
                self.sample_np[self.sample[-1]] = named

    def _note(self, person: int, kind: str, child_hex: str, at: int, text: str, data: str) -> None:
        rng = self.rng
        old = at < self.anchor - 30 * DAY
        read = (old and rng.random() < 0.9) or (not old and rng.random() < 0.5)
        self.t_notification.add(
            (
                self.hex(),
                self.people[person].hex,
                kind,
                child_hex,
                self.ts(at),
                text,
                data,
                self.ts(min(at + DAY, self.anchor - 1)) if read else self.NULL,
                self.T,
            )
        )

    def _plan(
        self,
        child_hex: str,
        child_dashed: str,
        child_name: str,
        named: int,
        lead: int,
        writers: list[int],
        at: int,
        busy: bool,
    ) -> None:
        rng = self.rng
        lp = self.people[lead]
        plan_hex = self.hex()
        team = [p for p in writers if p != lead]
        due = self.date(self.anchor + rng.randrange(20, 120) * DAY)
        review = self.date(self.anchor + rng.randrange(30, 180) * DAY)

        def action(owner: int, what: str) -> dict[str, Any]:
            o = self.people[owner]
            a = self.agencies[o.agency]
            return {
                "id": self.dashed(self.hex()),
                "description": what,
                "owner_id": o.dashed,
                "owner": o.name,
                "agency_id": self.dashed(a.hex),
                "agency": a.name,
                "due_on": due,
                "status": rng.choice(ACTION_STATUSES),
            }

        content = {
            "lead_professional_id": lp.dashed,
            "lead_professional": lp.name,
            "team_ids": [self.people[p].dashed for p in team],
            "reason_for_plan": "Concerns from several agencies add up: support is co-ordinated.",
            "needs": [
                {
                    "id": self.dashed(self.hex()),
                    "indicators": ["nurtured", "healthy"],
                    "description": "Regular meals and routines at home",
                    "outcome": f"{child_name.split(' ')[0]} has breakfast every school day",
                    "evidence": "Concerns recorded by the school and health visiting",
                    "actions": [
                        action(lead, "Family support worker visits weekly"),
                        action(team[0] if team else lead, "Breakfast club place offered"),
                    ],
                }
            ],
            "child_views": "Wants things to be calmer at home.",
            "family_views": "Parent agrees to the support offered.",
            "review_date": review,
            "contingency": "",
        }
        F, NULL = self.F, self.NULL
        self.t_plan.add((plan_hex, child_hex, "1", self.ts(at), NULL))
        self.t_version.add(
            (
                self.hex(),
                plan_hex,
                "1",
                self.ts(at),
                self.people[named].hex,
                json.dumps(content, ensure_ascii=False),
                json.dumps(describe_changes(None, content)),
                NULL,
            )
        )
        self.t_assignment.add(
            (
                self.hex(),
                child_hex,
                "lead_professional",
                lp.hex,
                self.ts(at),
                NULL,
                self.people[named].hex,
            )
        )
        self.t_involvement.add(
            (
                self.hex(),
                child_hex,
                lp.hex,
                "lead_professional",
                "",
                self.ts(at),
                NULL,
                F,
                NULL,
                NULL,
            )
        )
        for p in team:
            self.t_involvement.add(
                (
                    self.hex(),
                    child_hex,
                    self.people[p].hex,
                    "plan_team",
                    "on the Child's Plan team",
                    self.ts(at),
                    NULL,
                    F,
                    NULL,
                    NULL,
                )
            )
        np_p = self.people[named]
        self._note(
            lead,
            "assigned",
            child_hex,
            at,
            f"{child_name}: {np_p.name} ({self.agencies[np_p.agency].name}) made you "
            "Lead Professional.",
            f'{{"by": "{np_p.name}"}}',
        )
        if busy:
            self.event(
                at,
                named,
                "lead_professional.assign",
                obj=f"practitioner:{lp.dashed}",
                child=child_dashed,
                reason=f"Lead Professional: {lp.name}",
            )
            self.event(
                at,
                named,
                "plan.write",
                obj=f"plan:{self.dashed(plan_hex)}",
                child=child_dashed,
                purpose="plan_coordination",
                reason="version 1",
            )

    def _disclose(
        self,
        c: _Council,
        child_hex: str,
        child_dashed: str,
        source: int,
        to: int,
        maker: int,
        entry_rows: list[tuple[str, int, int, str]],
        made: int,
        lead: int,
    ) -> None:
        shared = [
            e[0]
            for e in entry_rows
            if e[1] == source and e[2] <= made and e[0] not in self._amended
        ]
        if not shared:
            return
        F, NULL = self.F, self.NULL
        disclosure_hex = self.hex()
        src, dst = self.agencies[source], self.agencies[to]
        reasons = [
            f"ISP '{c.isp_title}' between {src.name} and {dst.name} covers wellbeing_support "
            "and chronology",
            "lawful basis: public task",
        ]
        self.t_disclosure.add(
            (
                disclosure_hex,
                child_hex,
                src.hex,
                dst.hex,
                "wellbeing_support",
                '["chronology"]',
                "public_task",
                "",
                c.isp_hex,
                NULL,
                "Working together to support the family",
                json.dumps(reasons, ensure_ascii=False),
                "",
                self.people[maker].hex,
                NULL,
                F,
                "",
                self.ts(made),
                self.ts(made + 730 * DAY),
                F,
                "not_needed",
                NULL,
                NULL,
                "",
                "to_inform",
                "",
            )
        )
        for e in shared:
            self.t_disclosed.add((disclosure_hex, e))
        self.event(
            made,
            maker,
            "disclosure.create",
            obj=f"disclosure:{self.dashed(disclosure_hex)}",
            child=child_dashed,
            purpose="wellbeing_support",
            reason="; ".join(reasons),
            touched=[source, to],
        )
        told = list(dst.seniors)
        text = (
            f"{src.name} disclosed information about a child to {dst.name} for wellbeing "
            f"support: chronology ({len(shared)} chronology "
            f"entr{'y' if len(shared) == 1 else 'ies'})."
        )
        data = json.dumps(
            {"disclosure_id": self.dashed(disclosure_hex), "from_agency": src.name},
            ensure_ascii=False,
        )
        if lead >= 0 and self.people[lead].agency == to:
            told.append(lead)
        for person in dict.fromkeys(told):
            self.t_involvement.add(
                (
                    self.hex(),
                    child_hex,
                    self.people[person].hex,
                    "disclosure_received",
                    f"disclosure {self.dashed(disclosure_hex)}",
                    self.ts(made),
                    NULL,
                    F,
                    NULL,
                    NULL,
                )
            )
            self._note(person, "disclosure_received", child_hex, made, text, data)

    # -- after the load --

    def _finish_sequences(self) -> None:
        connection = connections["default"]
        if connection.vendor == "postgresql" and self.seq:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence('audit_auditevent', 'seq'), %s)",
                    [self.seq],
                )

    def _analyze(self) -> None:
        """Statistics for the planner on the tables written (not the whole database:
        that would analyze the shared catalogs too, which the other store's open
        transaction may hold when both are in one server)."""
        task = self.progress.add_task("analyze", total=len(self.tables)) if self.progress else None
        for t in self.tables:
            with connections[t.alias].cursor() as cursor:
                cursor.execute(f"ANALYZE {t.name}")
            if self.progress is not None and task is not None:
                self.progress.advance(task)

    def _seal(self) -> None:
        from bairn.audit import log as audit_log

        task = self.progress.add_task("audit seal", total=self.seq) if self.progress else None
        began = time.perf_counter()
        sealed = audit_log.seal()
        self.seal_seconds = time.perf_counter() - began
        if self.progress is not None and task is not None:
            self.progress.update(task, completed=sealed.added)

    def _area(self) -> Area:
        c = self.councils[0]
        schools_idx = [*c.secondaries, *c.primaries]
        agencies = Agency.objects.in_bulk(
            [
                uuid.UUID(self.agencies[i].hex)
                for i in [*schools_idx, c.board, c.division, c.social_work]
            ]
        )

        def agency(i: int) -> Agency:
            return agencies[uuid.UUID(self.agencies[i].hex)]

        wanted: dict[str, list[int]] = {
            "heads": [self.agencies[s].seniors[0] for s in schools_idx],
            "teachers": [
                p
                for s in schools_idx
                for p in self.agencies[s].staff
                if self.people[p].roles == ("practitioner",)
            ],
            "hvs": list(self.agencies[c.board].named),
            "police": [
                p
                for p in self.agencies[c.division].staff
                if self.people[p].roles == ("practitioner",)
            ],
            "sws": [
                p
                for p in self.agencies[c.social_work].staff
                if "lead_professional" in self.people[p].roles
            ],
        }
        busy = self.busy
        assert busy is not None
        # teachers[0] is on the busy child's team, as in world.build_busy_child.
        from bairn.agencies.models import Involvement

        on_team = set(
            Involvement.objects.filter(child_ref=busy, basis="team_member").values_list(
                "practitioner_id", flat=True
            )
        )
        for key in ("teachers", "police", "sws"):
            wanted[key].sort(key=lambda p: uuid.UUID(self.people[p].hex) not in on_team)
        ig_idx = {
            i: self.agencies[i].ig for i in [*schools_idx, c.board, c.division, c.social_work]
        }
        signed = {
            self.admin,
            *wanted["heads"][:5],
            *wanted["teachers"][:5],
            *wanted["hvs"][:5],
            *wanted["police"][:5],
            *wanted["sws"][:5],
            *ig_idx.values(),
        }
        signed |= set(self.sample_np.values())
        Practitioner.objects.filter(pk__in=[uuid.UUID(self.people[p].hex) for p in signed]).update(
            password=self.password
        )
        ids = {uuid.UUID(self.people[p].hex) for lst in wanted.values() for p in lst} | {
            uuid.UUID(self.people[p].hex) for p in signed
        }
        found = Practitioner.objects.select_related("agency").in_bulk(list(ids))

        def who(p: int) -> Practitioner:
            return found[uuid.UUID(self.people[p].hex)]

        return Area(
            admin=who(self.admin),
            schools=[agency(s) for s in schools_idx],
            health=agency(c.board),
            police=agency(c.division),
            social_work=agency(c.social_work),
            heads=[who(p) for p in wanted["heads"]],
            teachers=[who(p) for p in wanted["teachers"]],
            health_visitors=[who(p) for p in wanted["hvs"]],
            police_officers=[who(p) for p in wanted["police"]],
            social_workers=[who(p) for p in wanted["sws"]],
            ig={agency(i).pk: who(p) for i, p in ig_idx.items()},
            children=list(self.sample),
            named_person={child: who(p) for child, p in self.sample_np.items()},
            busy_child=busy,
        )


_MONTHS = [
    "",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


class _Indexes:
    """On PostgreSQL the big tables' keys and indexes are dropped before the load and made
    again after it, in the same transaction (a failed load leaves the schema as it was):
    building an index once from the rows is much faster than keeping it up row by row
    (random UUIDs touch every page of a B-tree larger than the buffers), and adding a
    foreign key checks every row in one join. Every constraint is checked again then."""

    BIG = (
        "chronology_concern",
        "chronology_concernindicator",
        "notify_notification",
        "agencies_involvement",
        "agencies_assignment",
        "sharing_disclosedentry",
        "audit_auditevent",
        "audit_pendingevent",
        "audit_auditeventagency",
        "people_child",
        "people_person",
        "people_childrelationship",
    )

    def __init__(self, loader: _Loader) -> None:
        self.loader = loader
        self.saved: dict[str, list[tuple[str, str]]] = {}  # alias → [(kind, sql)]

    def drop(self) -> None:
        big = list(self.BIG)
        for alias in ("default", "identity"):
            saved: list[tuple[str, str]] = []
            with connections[alias].cursor() as cursor:
                # Foreign keys of, or to, the big tables; then their keys; then the rest.
                cursor.execute(
                    "SELECT c.conname, c.conrelid::regclass::text, pg_get_constraintdef(c.oid), "
                    "c.contype FROM pg_constraint c WHERE c.contype IN ('f', 'p', 'u') AND "
                    "(c.conrelid::regclass::text = ANY(%s) OR (c.contype = 'f' AND "
                    "c.confrelid::regclass::text = ANY(%s))) ORDER BY c.contype <> 'f', c.conname",
                    [big, big],
                )
                for name, table, definition, kind in cursor.fetchall():
                    saved.append(
                        (
                            "fk" if kind == "f" else "key",
                            f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}',
                        )
                    )
                    cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
                cursor.execute(
                    "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' "
                    "AND tablename = ANY(%s)",
                    [big],
                )
                for name, definition in cursor.fetchall():
                    saved.append(("index", definition))
                    cursor.execute(f'DROP INDEX "{name}"')
            self.saved[alias] = saved

    def restore(self) -> None:
        progress = self.loader.progress
        total = sum(len(v) for v in self.saved.values())
        task = progress.add_task("keys and indexes", total=total) if progress else None
        for alias, saved in self.saved.items():
            with connections[alias].cursor() as cursor:
                cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
                for kind in ("key", "index", "fk"):
                    for k, sql in saved:
                        if k != kind:
                            continue
                        cursor.execute(sql)
                        if progress is not None and task is not None:
                            progress.advance(task)


class _SqliteIndexes(_Indexes):
    """On SQLite the same for the indexes that can be dropped (not those of primary keys
    and plain unique constraints), and a page cache large enough for the others."""

    def drop(self) -> None:
        big = list(self.BIG)
        for alias in ("default", "identity"):
            saved: list[tuple[str, str]] = []
            with connections[alias].cursor() as cursor:
                cursor.execute("PRAGMA cache_size = -400000")  # 400 MB, this connection
                cursor.execute(
                    "SELECT name, sql, tbl_name FROM sqlite_master "
                    "WHERE type = 'index' AND sql IS NOT NULL"
                )
                found = [(n, sql) for n, sql, table in cursor.fetchall() if table in big]
                for name, sql in found:
                    saved.append(("index", sql))
                    cursor.execute(f'DROP INDEX "{name}"')
            self.saved[alias] = saved

    def restore(self) -> None:
        progress = self.loader.progress
        total = sum(len(v) for v in self.saved.values())
        task = progress.add_task("indexes", total=total) if progress else None
        for alias, saved in self.saved.items():
            with connections[alias].cursor() as cursor:
                for _, sql in saved:
                    cursor.execute(sql)
                    if progress is not None and task is not None:
                        progress.advance(task)


def build(
    children: int, entries: int, *, seed: int = 2026, progress: Progress | None = None
) -> Area:
    """Load a synthetic Scotland of `children` children and `entries` chronology entries
    into EMPTY databases (CommandError otherwise), seal its audit events into the log,
    and return an Area to measure with: the busy child, a sample of children and their
    Named Persons, and the agencies and people the bench signs in as (password
    `PASSWORD`)."""
    loader = _Loader(children, entries, seed, progress)
    if progress is None:
        with Progress(*columns(), transient=True) as own:
            loader.progress = own
            return loader.run()
    return loader.run()
