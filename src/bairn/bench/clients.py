"""`bairn bench --clients 1,4,8,16`: concerns recorded at once by many clients through
`bairn serve`, as in real use — each request its own transaction with its audit event,
notifications and pattern check — and the audit log verified afterwards.

The server is a separate process (gunicorn, with its task worker beside it) on a free
port, against the databases the bench built: it sees only what is committed, and only
databases another process can open (files or PostgreSQL, not an in-memory SQLite).

On PostgreSQL the bench also looks, once a second while the load runs, at how many of the
stores' backends wait on a lock (pg_stat_activity), so that "no request waits on another's
audit append" is shown by a figure, not claimed."""

from __future__ import annotations

import datetime as dt
import http.client
import json
import math
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connections
from django.utils import timezone
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from bairn.agencies.services import issue_token
from bairn.audit import log as audit_log
from bairn.bench import world

STORES = (
    ("default", "DATABASE_URL", "bairn.sqlite3"),
    ("identity", "IDENTITY_DATABASE_URL", "identity.sqlite3"),
)
STARTUP_SECONDS = 90
LOG_TAIL_LINES = 30


def parse_clients(text: str) -> list[int]:
    """`--clients 1,4,8,16`: the client counts, each a whole number of at least 1."""
    counts: list[int] = []
    for part in text.split(","):
        part = part.strip()
        if not part.isdigit() or int(part) < 1:
            raise CommandError(
                f"--clients takes client counts separated by commas, such as 1,4,8,16; "
                f"{part!r} is not a whole number of at least 1."
            )
        counts.append(int(part))
    return counts


@dataclass(frozen=True)
class Writer:
    """A practitioner's token and a child they may record a concern about."""

    child: uuid.UUID
    token: str


@dataclass
class Round:
    clients: int
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)  # ms, of the 201s
    failures: Counter[str] = field(default_factory=Counter)
    lock_waits: int | None = None  # PostgreSQL: most backends seen waiting on a lock
    waited: Counter[str] = field(default_factory=Counter)  # what they waited for
    samples: int = 0
    cpu_busy: float | None = None  # share of the machine's cores busy during the round

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile(self, share: float) -> float:
        if not self.latencies:
            return 0.0
        if share == 0.5:
            return statistics.median(self.latencies)
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def writers(area: world.Area) -> list[Writer]:
    """Every child of the area with a token of their Named Person: the load is spread over
    all the children and every Named Person (the heads and the health visitors)."""
    tokens = {p.pk: issue_token(p, label="bench clients") for p in set(area.named_person.values())}
    return [Writer(child, tokens[area.named_person[child].pk]) for child in area.children]


# --- the server ----------------------------------------------------------------------------


def _database_url(settings_dict: dict[str, object]) -> str:
    user = quote(str(settings_dict.get("USER") or ""), safe="")
    password = quote(str(settings_dict.get("PASSWORD") or ""), safe="")
    credentials = f"{user}:{password}@" if password else f"{user}@" if user else ""
    host = str(settings_dict.get("HOST") or "")
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    options = settings_dict.get("OPTIONS")
    scalars = (
        {str(k): v for k, v in (options or {}).items() if isinstance(v, str | int)}
        if isinstance(options, dict)
        else {}
    )
    query = f"?{urlencode(scalars)}" if scalars else ""
    name = quote(str(settings_dict["NAME"]), safe="")
    return f"postgres://{credentials}{host}{port}/{name}{query}"


def check_stores() -> None:
    """The server must open the stores this process uses: PostgreSQL, or SQLite files
    where BAIRN_DATA_DIR puts them (not an in-memory database)."""
    data_dir = Path(settings.DATA_DIR)
    for alias, _, file_name in STORES:
        connection = connections[alias]
        if connection.vendor == "postgresql":
            continue
        name = str(connection.settings_dict["NAME"])
        expected = data_dir / file_name
        in_memory = name == ":memory:" or "mode=memory" in name
        if in_memory or Path(name).resolve() != expected.resolve():
            raise CommandError(
                f"--clients runs `bairn serve` as another process, which must open the "
                f"{alias} store too: it would open {expected}, but this bench uses {name} "
                "(an in-memory SQLite database cannot be opened by another process). Run "
                "the bench on a data folder (make bench) or on PostgreSQL (make bench-postgres)."
            )


def server_environment() -> dict[str, str]:
    """This process's environment, naming the databases this process uses (the test
    databases, in the test suite) and the audit log's key, so that the server writes into
    the same stores and the same log."""
    check_stores()
    env = dict(os.environ)
    for alias, variable, _ in STORES:
        connection = connections[alias]
        env.pop(f"{variable}_FILE", None)
        if connection.vendor == "postgresql":
            env[variable] = _database_url(connection.settings_dict)
        else:
            env.pop(variable, None)
    env["BAIRN_DATA_DIR"] = str(Path(settings.DATA_DIR))
    audit_log.log_signer()  # makes the key in the data folder if there is none yet
    env["BAIRN_AUDIT_KEY_FILE"] = str(audit_log.key_file())
    # The bench measures Bairn, not a mail server.
    env["BAIRN_EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
    env["DJANGO_SETTINGS_MODULE"] = os.environ.get("DJANGO_SETTINGS_MODULE") or "bairn.settings"
    env["PYTHONUNBUFFERED"] = "1"
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _tail(path: Path) -> str:
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return "(no log)"
    return "\n".join(lines[-LOG_TAIL_LINES:]) or "(the log is empty)"


@dataclass(frozen=True)
class Server:
    port: int
    host: str  # the Host header: one of BAIRN_ALLOWED_HOSTS
    workers: int
    threads: int
    log: Path
    pid: int  # gunicorn's master: the workers and the task worker are its children


def _get(port: int, host: str, path: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", path, headers={"Host": host})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


@contextmanager
def serving(workers: int, threads: int, console: Console) -> Iterator[Server]:
    """`bairn serve` on a free port, up and answering /healthz; stopped, with its task
    worker, on the way out."""
    port = free_port()
    host = next((h for h in settings.ALLOWED_HOSTS if h not in ("*", "")), "localhost")
    host = host.lstrip(".")
    log_path = Path(settings.DATA_DIR) / "run" / f"bench-server-{port}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    env = server_environment()
    # Workers are forked by the server, not this process: nothing here is shared, but a
    # connection left open could hold a lock the server needs (SQLite).
    connections.close_all()
    command = [
        sys.executable, "-m", "bairn", "serve", "--host", "127.0.0.1", "--port", str(port),
        "--workers", str(workers), "--threads", str(threads), "--no-control-socket",
    ]  # fmt: skip
    with (
        log_path.open("w", encoding="utf-8") as log,
        console.status(f"Starting bairn serve on port {port} ({workers} × {threads})…"),
    ):
        server = subprocess.Popen(  # noqa: S603 - this interpreter, fixed arguments
            command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            _wait_until_healthy(server, port, host, log_path)
        except BaseException:
            _stop(server)
            raise
    try:
        yield Server(port, host, workers, threads, log_path, server.pid)
    finally:
        with console.status("Stopping bairn serve…"):
            _stop(server)


def _wait_until_healthy(server: subprocess.Popen[bytes], port: int, host: str, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    status = 0
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise CommandError(
                f"bairn serve stopped (exit code {server.returncode}) before it answered "
                f"/healthz. The end of its log ({log}):\n{_tail(log)}"
            )
        try:
            status = _get(port, host, "/healthz")
        except OSError:
            time.sleep(0.2)
            continue
        if status == 200:
            return
        time.sleep(0.2)
    raise CommandError(
        f"bairn serve did not answer /healthz with 200 within {STARTUP_SECONDS} s "
        f"(last answer: {status or 'none'}). The end of its log ({log}):\n{_tail(log)}"
    )


def _stop(server: subprocess.Popen[bytes]) -> None:
    """The server's whole process group: gunicorn, its workers and its task worker."""
    if server.poll() is not None:
        return
    with suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        with suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)


# --- the load ------------------------------------------------------------------------------


class _Client:
    """One client: one kept-alive connection, a concern at a time."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.connection: http.client.HTTPConnection | None = None

    def post(self, path: str, body: bytes, token: str) -> int:
        if self.connection is None:
            self.connection = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=60)
        try:
            self.connection.request(
                "POST",
                path,
                body=body,
                headers={
                    "Host": self.server.host,
                    "Authorization": f"Bearer {token}",
                    "Content-Type": "application/json",
                },
            )
            response = self.connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):
            self.close()
            raise
        if response.will_close:
            self.close()
        return response.status

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def _body(n: int, occurred_at: str) -> bytes:
    return json.dumps(
        {
            "occurred_at": occurred_at,
            "summary": f"Bench client concern {n}",
            "source": world.SOURCES[n % len(world.SOURCES)],
            "indicators": [world.INDICATORS[n % len(world.INDICATORS)]],
            "impact": "negative",
            "significance": ("low", "medium")[n % 2],
        }
    ).encode()


class _LockWatch:
    """PostgreSQL: how many of the stores' backends wait on a lock, sampled from this
    process's own connection (a plain read of pg_stat_activity, which waits on nothing)."""

    def __init__(self) -> None:
        self.names = [
            str(connections[alias].settings_dict["NAME"])
            for alias, _, _ in STORES
            if connections[alias].vendor == "postgresql"
        ]
        self.on = connections["default"].vendor == "postgresql"

    def sample(self, into: Round) -> None:
        if not self.on:
            return
        with connections["default"].cursor() as cursor:
            cursor.execute(
                "SELECT wait_event, left(regexp_replace(query, '\\s+', ' ', 'g'), 60) "
                "FROM pg_stat_activity WHERE datname = ANY(%s) AND wait_event_type = 'Lock' "
                "AND pid <> pg_backend_pid()",
                [self.names],
            )
            rows = cursor.fetchall()
        into.samples += 1
        into.lock_waits = max(into.lock_waits or 0, len(rows))
        for wait_event, query in rows:
            into.waited[f"{wait_event}: {query}"] += 1


def _cpu_times() -> tuple[int, int] | None:
    """(busy, total) clock ticks of all the machine's cores since boot (Linux)."""
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:9]
    except (OSError, IndexError):
        return None
    ticks = [int(f) for f in fields]
    idle = ticks[3] + ticks[4]  # idle, iowait
    return sum(ticks) - idle, sum(ticks)


def run_round(
    server: Server, load: list[Writer], clients: int, seconds: float, progress: Progress
) -> Round:
    """`clients` threads, each recording concerns one after another for `seconds`."""
    result = Round(clients, lock_waits=None)
    watch = _LockWatch()
    if watch.on:
        result.lock_waits = 0
    occurred_at = (timezone.now() - dt.timedelta(hours=1)).isoformat()
    latencies: list[list[float]] = [[] for _ in range(clients)]
    failures: list[Counter[str]] = [Counter() for _ in range(clients)]
    gate = threading.Barrier(clients + 1)
    stop = threading.Event()

    def client(number: int) -> None:
        me = _Client(server)
        n = number
        gate.wait()
        try:
            while not stop.is_set():
                writer = load[n % len(load)]
                began = time.perf_counter()
                try:
                    status = me.post(
                        f"/api/v1/children/{writer.child}/concerns",
                        _body(n, occurred_at),
                        writer.token,
                    )
                except (OSError, http.client.HTTPException) as exc:
                    failures[number][type(exc).__name__] += 1
                    n += clients
                    continue
                if status == 201:
                    latencies[number].append((time.perf_counter() - began) * 1000)
                else:
                    failures[number][str(status)] += 1
                n += clients
        finally:
            me.close()

    task = progress.add_task(f"{clients} client(s)", total=seconds)
    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    gate.wait()
    started = time.perf_counter()
    cpu_before = _cpu_times()
    while (elapsed := time.perf_counter() - started) < seconds:
        watch.sample(result)
        done = sum(len(x) for x in latencies)
        progress.update(
            task,
            completed=elapsed,
            description=f"{clients} client(s): {done:,} concerns, "
            f"{sum(sum(f.values()) for f in failures):,} failed",
        )
        time.sleep(min(1.0, max(0.0, seconds - elapsed)))
    stop.set()
    for thread in threads:
        thread.join(timeout=90)
    result.seconds = time.perf_counter() - started
    cpu_after = _cpu_times()
    if cpu_before and cpu_after and cpu_after[1] > cpu_before[1]:
        result.cpu_busy = (cpu_after[0] - cpu_before[0]) / (cpu_after[1] - cpu_before[1])
    for part in latencies:
        result.latencies.extend(part)
    for failed in failures:
        result.failures.update(failed)
    progress.update(
        task,
        completed=seconds,
        description=f"{clients} client(s): {len(result.latencies):,} concerns, "
        f"{sum(result.failures.values()):,} failed",
    )
    connections["default"].close()
    return result


def _warm_up(server: Server, load: list[Writer], threads: int) -> None:
    """Each worker thread imports and connects on its first request: not part of a round."""

    def one(i: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        try:
            connection.request(
                "GET",
                "/api/v1/me",
                headers={
                    "Host": server.host,
                    "Authorization": f"Bearer {load[i % len(load)].token}",
                },
            )
            connection.getresponse().read()
        except (OSError, http.client.HTTPException):
            pass  # a round will count it, if it is not passing
        finally:
            connection.close()

    warmers = [threading.Thread(target=one, args=(i,), daemon=True) for i in range(threads)]
    for warmer in warmers:
        warmer.start()
    for warmer in warmers:
        warmer.join(timeout=60)


# --- the server's memory -------------------------------------------------------------------


@dataclass(frozen=True)
class ProcessMemory:
    """One process of `bairn serve`: what it is, and its peak resident memory so far
    (VmHWM of /proc/<pid>/status, Linux) and its resident memory now (VmRSS)."""

    role: str
    pid: int
    peak_mb: float
    now_mb: float


def _status_mb(status: str, key: str) -> float:
    for line in status.splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024  # kB
    return 0.0


def _parent(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # pid (comm) state ppid …: the command name may hold spaces and brackets.
    fields = stat.rsplit(")", 1)[-1].split()
    return int(fields[1]) if len(fields) > 1 else None


def _command(pid: int) -> list[str]:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return []
    return [part.decode(errors="replace") for part in raw.split(b"\0") if part]


def _role(pid: int, master: int, parent: int | None) -> str:
    if pid == master:
        return "gunicorn master"
    command = _command(pid)
    words = set(command)
    if {"audit", "seal"} <= words:
        return "audit sequencer"
    if "worker" in words:
        return "task worker"
    if parent == master and command == _command(master):
        return "gunicorn worker"
    return "other: " + " ".join(command)[:60]


def server_memory(master: int) -> list[ProcessMemory]:
    """The server's processes (its master and every descendant) with their peak memory:
    read before the server stops, so VmHWM covers all the rounds. Empty off Linux."""
    proc = Path("/proc")
    if not proc.is_dir():
        return []
    parents: dict[int, int] = {}
    for entry in proc.iterdir():
        if entry.name.isdigit():
            parent = _parent(int(entry.name))
            if parent is not None:
                parents[int(entry.name)] = parent
    family = [master]
    for pid in family:  # grows as it goes: breadth first
        family.extend(sorted(p for p, parent in parents.items() if parent == pid))
    found = []
    for pid in family:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue  # ended meanwhile
        found.append(
            ProcessMemory(
                _role(pid, master, parents.get(pid)),
                pid,
                round(_status_mb(status, "VmHWM"), 1),
                round(_status_mb(status, "VmRSS"), 1),
            )
        )
    return found


# --- the section of the bench ----------------------------------------------------------------


def server_shape(counts: list[int]) -> tuple[int, int]:
    """A worker process per core (at least two), and enough threads that every client has
    one: the clients then wait on Bairn, never on a free thread in gunicorn."""
    workers = max(2, os.cpu_count() or 2)
    return workers, max(4, math.ceil(max(counts) / workers))


def _failures(failures: Counter[str]) -> str:
    total = sum(failures.values())
    if not total:
        return "0"
    return f"{total} (" + ", ".join(f"{k} ×{v}" for k, v in failures.most_common()) + ")"


@dataclass
class Clients:
    """What the clients section measured, for the bench's --json."""

    workers: int
    threads: int
    seconds: float
    rounds: list[Round]
    memory: list[ProcessMemory]
    sealed: int = 0
    tree_size: int = 0
    verify_ok: bool = False
    verify_rate: float = 0.0
    verify_events: int = 0

    def as_json(self) -> dict[str, object]:
        return {
            "workers": self.workers,
            "threads": self.threads,
            "seconds_per_round": self.seconds,
            "rounds": [
                {
                    "clients": r.clients,
                    "concerns": len(r.latencies),
                    "seconds": round(r.seconds, 3),
                    "concerns_per_second": round(r.rate, 1),
                    "p50_ms": round(r.percentile(0.5), 2),
                    "p95_ms": round(r.percentile(0.95), 2),
                    "max_ms": round(max(r.latencies), 2) if r.latencies else None,
                    "failures": dict(r.failures),
                    "lock_waits_max": r.lock_waits,
                    "cpu_busy": None if r.cpu_busy is None else round(r.cpu_busy, 3),
                }
                for r in self.rounds
            ],
            "server_processes": [
                {"role": m.role, "pid": m.pid, "peak_rss_mb": m.peak_mb, "rss_mb": m.now_mb}
                for m in self.memory
            ],
            "worker_peak_rss_mb": [m.peak_mb for m in self.memory if m.role == "gunicorn worker"],
            "audit_after": {
                "sealed": self.sealed,
                "tree_size": self.tree_size,
                "verify_ok": self.verify_ok,
                "verify_events": self.verify_events,
                "verify_rate": round(self.verify_rate, 1),
            },
        }


def _memory_line(memory: list[ProcessMemory]) -> str:
    if not memory:
        return "Peak memory of bairn serve's processes: not known on this system (no /proc)."
    workers = [m for m in memory if m.role == "gunicorn worker"]
    others = [m for m in memory if m.role != "gunicorn worker"]
    parts = [f"worker {n + 1} {m.peak_mb:,.0f} MB" for n, m in enumerate(workers)]
    parts += [f"{m.role} {m.peak_mb:,.0f} MB" for m in others]
    return "Peak memory (VmHWM) of bairn serve's processes: " + ", ".join(parts) + "."


def run(area: world.Area, counts: list[int], seconds: float, console: Console) -> Clients:
    """The clients section of `bairn bench`: the rounds, their table, and the log verified."""
    load = writers(area)
    if not load:
        raise CommandError(
            "--clients needs children to record concerns about (--children 1 or more)."
        )
    workers, threads = server_shape(counts)
    rounds: list[Round] = []
    with serving(workers, threads, console) as server:
        with console.status("Warming up the server's threads…"):
            _warm_up(server, load, workers * threads)
        with Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        ) as progress:
            for clients in counts:
                rounds.append(run_round(server, load, clients, seconds, progress))
        memory = server_memory(server.pid)
    postgres = connections["default"].vendor == "postgresql"
    console.print(
        f"bairn serve: {workers} workers × {threads} threads (a process per core, a thread "
        f"for every client), its task worker beside it; {seconds:g} s a round; concerns "
        f"about {len(load):,} children by {len({w.token for w in load})} Named Persons."
    )
    table = Table(title="Concerns recorded at once through bairn serve")
    for column in ("clients", "concerns", "concerns/s", "p50 ms", "p95 ms", "failures"):
        table.add_column(column, justify="right")
    if postgres:
        table.add_column("waiting on a lock (max)", justify="right")
    table.add_column("CPU busy", justify="right")
    for done in rounds:
        row = [
            str(done.clients),
            f"{len(done.latencies):,}",
            f"{done.rate:,.1f}",
            f"{done.percentile(0.5):.0f}",
            f"{done.percentile(0.95):.0f}",
            _failures(done.failures),
        ]
        if postgres:
            row.append(str(done.lock_waits or 0))
        row.append("n/a" if done.cpu_busy is None else f"{done.cpu_busy:.0%}")
        table.add_row(*row)
    console.print(table)
    console.print(_memory_line(memory))
    console.print(
        f"CPU busy: of all {os.cpu_count()} cores of this machine during the round, whoever "
        f"used them (the server, the database, these clients, anything else; load average "
        f"now {os.getloadavg()[0]:.2f})."
    )
    if postgres:
        most = max((r.lock_waits or 0) for r in rounds)
        console.print(
            f"PostgreSQL, pg_stat_activity sampled once a second while the load ran "
            f"({sum(r.samples for r in rounds)} samples): at most {most} of the stores' "
            "backends waited on a lock at once."
        )
        waited: Counter[str] = Counter()
        for done in rounds:
            waited.update(done.waited)
        for what, times in waited.most_common(5):
            console.print(f"  seen waiting {times}×: {what}")
    else:
        console.print(
            "SQLite takes one writer at a time by design (BEGIN IMMEDIATE): the requests' "
            "writes take turns there."
        )
    with console.status("Sealing the audit log…"):
        began = time.perf_counter()
        sealed = audit_log.seal()
        took = time.perf_counter() - began
    with console.status("Verifying the audit log…"):
        result = audit_log.verify()
    console.print(
        f"bairn audit seal after the load: the {sealed.added:,} events still waiting went "
        f"into the tree in {took:.2f} s; it holds {sealed.tree_size:,}."
    )
    if result.ok:
        console.print(
            f"bairn audit verify after the load: the log holds — {result.checked:,} events "
            f"checked in {result.seconds:.2f} s ({result.rate:,.0f} events/s)."
        )
    else:
        console.print(
            f"bairn audit verify after the load: the log does NOT hold — {result.problem}"
        )
    return Clients(
        workers,
        threads,
        seconds,
        rounds,
        memory,
        sealed=sealed.added,
        tree_size=sealed.tree_size,
        verify_ok=bool(result.ok),
        verify_rate=result.rate,
        verify_events=result.checked,
    )
