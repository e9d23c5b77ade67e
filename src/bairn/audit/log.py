"""The transparency log of the audit (issue 10; DEVELOPERS.md "The audit log").

Requests append events with no lock anyone waits on (bairn.audit.services.record). The
**sequencer** (`seal`) takes the committed events waiting in `PendingEvent`, in batches,
gives each the next leaf of an RFC 6962 Merkle tree, stores the complete subtrees'
hashes that proofs are made of, and signs a **checkpoint** (C2SP tlog-checkpoint in a
signed note) with the log's Ed25519 key. It runs in `bairn serve` every few seconds and
as `bairn audit seal`; only one sequencer works at a time (an advisory lock on
PostgreSQL, SQLite's write lock), and it never holds anything a request needs.

**Witnesses** — another organisation's `bairn audit witness` — check each new
checkpoint is an extension of the last they co-signed (a consistency proof) and post a
cosignature. `verify` recomputes the whole tree from the events with a raw cursor and
hashlib, checks it against the signed checkpoints and every cosignature, and, given a
witness's state, against what the witness saw: so a rewrite of the whole database,
tree and checkpoints included, is found.

Each event's leaf is the SHA-256 of 0x00 and its canonical line (`LEAF_LINE`): its
fields in a fixed order, separated by tabs (which no field holds: services.record
replaces them), the time in UTC to the microsecond. Events hold no personal data beyond
opaque references, so erasing a person's details (DOMAIN §9) never touches the log.
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone

from bairn.access.actions import AuditAction
from bairn.audit import merkle
from bairn.audit.models import (
    AuditEvent,
    Checkpoint,
    Cosignature,
    LogCheck,
    LogLeaf,
    LogNode,
    PendingEvent,
    WitnessKey,
)
from bairn.audit.note import (
    Checkpoint as CheckpointBody,
)
from bairn.audit.note import (
    NoteError,
    Signer,
    Verifier,
    open_note,
    read_key_file,
    sign_note,
    verify_cosignature,
    write_key_file,
)
from bairn.audit.services import REFUSED, record
from bairn.errors import Conflict, Invalid

log = logging.getLogger("bairn.audit")

# The fields of an event's canonical line, in order (the reason, free text, last).
LEAF_LINE = (
    "seq",
    "at",
    "flagged",
    "outcome",
    "actor_id",
    "actor",
    "agency_id",
    "action",
    "object",
    "child_id",
    "purpose",
    "reason",
)
BATCH = 20_000
CHUNK_LEVEL = 12  # verify hashes leaves in aligned runs of 4,096
SEQUENCER_LOCK = 0x62616972  # "bair": PostgreSQL advisory lock of the one sequencer


def _moment(at: dt.datetime) -> str:
    """A time as the line holds it: UTC, 'YYYY-MM-DD HH:MM:SS', then the fraction of the
    second without its trailing zeros, if any (PostgreSQL's own text form of a timestamp,
    which it writes fastest)."""
    at = at.astimezone(dt.UTC)
    whole = at.strftime("%Y-%m-%d %H:%M:%S")
    return f"{whole}.{at.microsecond:06d}".rstrip("0") if at.microsecond else whole


def leaf_line(event: AuditEvent) -> str:
    """An event's canonical line, as the database's `_line_sql` builds it."""
    values = {
        "seq": str(event.seq),
        "at": _moment(event.at),
        "flagged": "1" if event.flagged else "0",
    }
    return "\t".join(
        values[name] if name in values else str(getattr(event, name)) for name in LEAF_LINE
    )


def _line_sql(vendor: str, table: str = "e") -> str:
    """SQL building each event's canonical line in the database, the same on both: plain
    concatenation, which both do fastest (PostgreSQL's to_char and concat_ws cost more
    than the hashing)."""
    parts = []
    for name in LEAF_LINE:
        column = f"{table}.{name}"
        if name == "at":
            if vendor == "postgresql":
                # A timestamp's text form in the ISO DateStyle (set by _session).
                column = f"({column} AT TIME ZONE 'UTC')::text"
            else:
                # Django keeps UTC times as 'YYYY-MM-DD HH:MM:SS[.ffffff]' in SQLite.
                column = (
                    f"CASE WHEN length({column}) > 19 THEN rtrim({column}, '0') ELSE {column} END"
                )
        elif name == "flagged":
            column = f"CASE WHEN {column} THEN '1' ELSE '0' END"
        elif name == "seq" and vendor == "postgresql":
            column = f"{column}::text"
        parts.append(column)
    separator = " || E'\\t' || " if vendor == "postgresql" else " || char(9) || "
    return separator.join(parts)


def _session(connection: Any) -> None:
    """Times written as the line expects them, whatever the server's default DateStyle."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET datestyle = 'ISO, MDY'")


# --- keys --------------------------------------------------------------------------------


def key_file() -> Path:
    configured = settings.BAIRN_AUDIT_KEY_FILE
    return Path(configured) if configured else Path(settings.DATA_DIR) / "audit-log.key"


def log_signer() -> Signer:
    """The log's signing key. Named in BAIRN_AUDIT_KEY_FILE (made by `bairn audit
    keygen`); when that is unset, a key in the data folder, made on first use."""
    path = key_file()
    if not path.exists() and not settings.BAIRN_AUDIT_KEY_FILE:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            write_key_file(path, Signer.generate(settings.BAIRN_AUDIT_ORIGIN))
            log.warning("audit log: made a new signing key in %s", path)
        except NoteError:
            pass  # another process made it first
    return read_key_file(path)


def origin() -> str:
    return str(settings.BAIRN_AUDIT_ORIGIN)


# --- the tree ------------------------------------------------------------------------------


def tree_size() -> int:
    """How many events the tree holds."""
    last = LogLeaf.objects.order_by("-index").values_list("index", flat=True).first()
    return 0 if last is None else last + 1


def nodes(wanted: Iterable[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
    """The stored hashes of complete subtrees (level, index); leaves are level 0."""
    wanted = list(wanted)
    found: dict[tuple[int, int], bytes] = {}
    leaves = [index for level, index in wanted if level == 0]
    if leaves:
        for index, h in LogLeaf.objects.filter(index__in=leaves).values_list("index", "hash"):
            found[(0, index)] = bytes(h)
    keys = {LogNode.key_of(level, index): (level, index) for level, index in wanted if level}
    if keys:
        for key, h in LogNode.objects.filter(key__in=keys).values_list("key", "hash"):
            found[keys[key]] = bytes(h)
    return found


def _frontier(size: int) -> merkle.CompactRange:
    wanted = merkle.range_nodes(0, size)
    found = nodes(wanted)
    missing = [n for n in wanted if n not in found]
    if missing:
        raise LogBroken(f"the tree's stored hashes are incomplete: node {missing[0]} is missing")
    return merkle.CompactRange(size, [found[n] for n in wanted])


class LogBroken(RuntimeError):
    """The stored tree cannot be extended: `bairn audit verify` says where it breaks."""


@dataclass(frozen=True)
class Sealed:
    tree_size: int
    added: int
    checkpoint: Checkpoint | None


def _take_lock(wait: bool) -> bool:
    connection = connections["default"]
    if connection.vendor != "postgresql":
        return True  # SQLite: the transaction holds the write lock (transaction_mode)
    with connection.cursor() as cursor:
        if wait:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEQUENCER_LOCK])
            return True
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [SEQUENCER_LOCK])
        row = cursor.fetchone()
        return bool(row and row[0])


def seal(*, wait: bool = True, batch: int = BATCH, signer: Signer | None = None) -> Sealed:
    """Put every committed event waiting into the tree and sign a checkpoint of it.

    In batches, each its own transaction ending with a signed checkpoint, so a long
    backlog (a migration) is sealed a step at a time. With `wait=False` it gives way to
    a sequencer already at work (the background one in `bairn serve`)."""
    signer = signer or log_signer()
    added = 0
    checkpoint: Checkpoint | None = None
    while True:
        with transaction.atomic(using="default"):
            if not _take_lock(wait):
                return Sealed(tree_size(), added, None)
            size, done, checkpoint = _seal_batch(signer, batch)
        added += done
        if done < batch:
            return Sealed(size, added, checkpoint)


def _seal_batch(signer: Signer, batch: int) -> tuple[int, int, Checkpoint | None]:
    connection = connections["default"]
    _session(connection)
    size = tree_size()
    tree = _frontier(size)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT e.seq, {_line_sql(connection.vendor)} FROM audit_pendingevent p "
            "JOIN audit_auditevent e ON e.seq = p.seq ORDER BY p.seq LIMIT %s",
            [batch],
        )
        rows = cursor.fetchall()
    leaves: list[tuple[int, int, bytes]] = []
    inner: list[tuple[int, bytes]] = []
    leaf_hash = merkle.leaf_hash
    for seq, line in rows:
        for level, index, h in tree.append(leaf_hash(line.encode())):
            if level == 0:
                leaves.append((index, seq, h))
            else:
                inner.append((LogNode.key_of(level, index), h))
    if leaves:
        _insert(connection, "audit_logleaf", ("index", "seq", "hash"), leaves)
        _insert(connection, "audit_lognode", ("key", "hash"), inner)
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM audit_pendingevent WHERE seq IN (SELECT seq FROM audit_logleaf "
                f"WHERE {connection.ops.quote_name('index')} >= %s)",
                [size],
            )
    latest = Checkpoint.objects.order_by("-tree_size").first()
    if latest is not None and latest.tree_size == tree.size:
        return tree.size, len(leaves), latest
    root = tree.root()
    body = CheckpointBody(origin(), tree.size, root).text()
    checkpoint = Checkpoint.objects.create(
        tree_size=tree.size,
        root_hash=root,
        signed_note=sign_note(body, signer),
        key=signer.verifier().verifier_key(),
        at=timezone.now(),
    )
    return tree.size, len(leaves), checkpoint


def _insert(
    connection: Any, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]
) -> None:
    """Rows straight into a table: COPY on PostgreSQL, executemany on SQLite (the ORM's
    bulk_create spent most of a seal building its statements)."""
    if not rows:
        return
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)


def latest_checkpoint(*, seal_if_none: bool = True) -> Checkpoint | None:
    found = Checkpoint.objects.order_by("-tree_size").first()
    if found is None and seal_if_none:
        return seal().checkpoint
    return found


def b64(h: bytes) -> str:
    return base64.b64encode(h).decode()


# --- proofs --------------------------------------------------------------------------------


def _signed_size(size: int | None, what: str) -> int:
    latest = latest_checkpoint()
    top = latest.tree_size if latest is not None else 0
    if size is None:
        return top
    if not 0 <= size <= top:
        raise Invalid({what: f"Ask for a tree size from 0 to {top}, the latest signed."})
    return size


@dataclass(frozen=True)
class Inclusion:
    seq: int
    leaf_index: int
    tree_size: int
    leaf_hash: bytes
    hashes: list[bytes]
    line: str


def inclusion(seq: int, tree_size: int | None = None) -> Inclusion:
    """The RFC 6962 inclusion proof of event `seq` in the signed tree of `tree_size`
    (the latest signed when not given). Conflict when the event is not in it yet."""
    leaf = LogLeaf.objects.filter(seq=seq).first()
    if leaf is None:
        raise Conflict(
            f"Event #{seq} is not in the signed log yet: it is sealed within seconds. "
            "Ask again shortly.",
            field="id",
        )
    size = _signed_size(tree_size, "tree_size")
    if leaf.index >= size:
        raise Conflict(
            f"Event #{seq} came after the tree of size {size}: ask for a larger tree.",
            field="tree_size",
        )
    path = merkle.inclusion_proof(leaf.index, size, nodes(merkle.inclusion_nodes(leaf.index, size)))
    event = AuditEvent.objects.get(seq=seq)
    return Inclusion(seq, leaf.index, size, bytes(leaf.hash), path, leaf_line(event))


def consistency(first: int, second: int) -> list[bytes]:
    """The RFC 6962 consistency proof between two signed tree sizes."""
    second = _signed_size(second, "to")
    first = _signed_size(first, "from")
    if first > second:
        raise Invalid({"from": "The first tree size must not be larger than the second."})
    return merkle.consistency_proof(first, second, nodes(merkle.consistency_nodes(first, second)))


@dataclass(frozen=True)
class Logged:
    """Where the event recording an act sits in the log: its id, and its place in the
    signed tree (None while it waits to be sealed, seconds)."""

    seq: int
    leaf_index: int | None
    tree_size: int

    @property
    def signed(self) -> bool:
        return self.leaf_index is not None and self.leaf_index < self.tree_size


def logged(action: str, objects: Iterable[str]) -> dict[str, Logged]:
    """The allowed event of `action` on each object (e.g. a disclosure's "disclosure:<id>"
    made), and its place in the signed log: what a transparency report shows so a family
    can be given the proof (`bairn audit prove EVENT_ID`, or the API's proof)."""
    wanted = list(objects)
    if not wanted:
        return {}
    events = dict(
        AuditEvent.objects.filter(
            action=action, object__in=wanted, outcome=AuditEvent.Outcome.ALLOWED
        )
        .order_by("-seq")
        .values_list("object", "seq")
    )
    places = dict(LogLeaf.objects.filter(seq__in=events.values()).values_list("seq", "index"))
    latest = (
        Checkpoint.objects.order_by("-tree_size").values_list("tree_size", flat=True).first() or 0
    )
    return {obj: Logged(seq, places.get(seq), latest) for obj, seq in events.items()}


# --- witnesses -----------------------------------------------------------------------------


class UnknownWitness(Exception):
    """A cosignature by a key no one registered with `bairn audit witness-add` (→ 403)."""


def add_witness(verifier_key: str) -> WitnessKey:
    try:
        verifier = Verifier.parse(verifier_key.strip())
    except NoteError as error:
        raise Invalid({"verifier_key": str(error)}) from None
    if WitnessKey.objects.filter(name=verifier.name).exists():
        raise Conflict(f"A witness named {verifier.name} is already registered.", field="name")
    added = WitnessKey.objects.create(
        name=verifier.name, verifier_key=verifier.verifier_key(), added_at=timezone.now()
    )
    record(
        actor=None,
        actor_name="bairn audit witness-add",
        action=AuditAction.AUDIT_WITNESS_ADD,
        object=f"witness:{verifier.name}"[:120],
    )
    return added


def witnesses() -> dict[str, Verifier]:
    return {w.name: Verifier.parse(w.verifier_key) for w in WitnessKey.objects.order_by("name")}


def add_cosignature(witness: str, signed_note: str) -> Cosignature:
    """Keep a witness's cosignature of one of this log's checkpoints (API.md "Audit
    log"): UnknownWitness for a key not registered or a signature that does not verify
    with it; Conflict for a note about a tree this log never signed."""
    try:
        kept = _add_cosignature(witness, signed_note)
    except (UnknownWitness, Conflict, Invalid) as error:
        record(
            actor=None,
            actor_name=witness[:150],
            action=AuditAction.AUDIT_COSIGN,
            outcome=REFUSED,
            reason=str(error.message if isinstance(error, Conflict) else error)[:500],
        )
        raise
    record(
        actor=None,
        actor_name=witness[:150],
        action=AuditAction.AUDIT_COSIGN,
        object=f"checkpoint:{kept.tree_size}",
    )
    return kept


def _add_cosignature(witness: str, signed_note: str) -> Cosignature:
    key = WitnessKey.objects.filter(name=witness).first()
    if key is None:
        raise UnknownWitness(f"No witness named {witness!r} is registered with this log.")
    verifier = Verifier.parse(key.verifier_key)
    text, lines = _split_note(signed_note)
    try:
        body = CheckpointBody.parse(text)
    except NoteError as error:
        raise Invalid({"signed_note": str(error)}) from None
    timestamp = None
    for line in lines:
        if line.startswith(f"— {witness} "):
            try:
                timestamp = verify_cosignature(text, line + "\n", verifier)
                break
            except NoteError:
                continue
    if timestamp is None:
        raise UnknownWitness(
            f"The note carries no cosignature by {witness} that verifies with its registered key."
        )
    ours = Checkpoint.objects.filter(tree_size=body.size).first()
    if ours is None or body.origin != origin() or bytes(ours.root_hash) != body.root_hash:
        raise Conflict(
            f"This log never signed a tree of size {body.size} with that root hash.",
            field="signed_note",
        )
    found = Cosignature.objects.filter(witness=witness, tree_size=body.size).first()
    if found is not None:
        return found
    return Cosignature.objects.create(
        tree_size=body.size,
        witness=witness,
        line=next(line for line in lines if line.startswith(f"— {witness} ")) + "\n",
        timestamp=timestamp,
        at=timezone.now(),
    )


def _split_note(note: str) -> tuple[str, list[str]]:
    """A signed note's text and its signature lines (C2SP signed-note)."""
    if "\n\n" not in note:
        raise Invalid(
            {"signed_note": "A signed note needs its text, a blank line, then signatures."}
        )
    text, _, signatures = note.rpartition("\n\n")
    return text + "\n", [line for line in signatures.split("\n") if line]


def cosigned_note(checkpoint: Checkpoint) -> list[dict[str, str]]:
    body = checkpoint.signed_note.rpartition("\n\n")[0] + "\n"
    return [
        {"witness": c.witness, "signed_note": body + "\n" + c.line}
        for c in Cosignature.objects.filter(tree_size=checkpoint.tree_size).order_by("witness")
    ]


# --- verification --------------------------------------------------------------------------


@dataclass
class Verification:
    ok: bool
    checked: int
    tree_size: int = 0
    problem: str = ""
    broken_seq: int | None = None
    seconds: float = 0.0
    waiting: int = 0
    checkpoints: int = 0
    cosignatures: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.checked / self.seconds if self.seconds > 0 else 0.0


@dataclass(frozen=True)
class WitnessState:
    tree_size: int
    root_hash: bytes

    @classmethod
    def read(cls, path: Path) -> WitnessState:
        import json

        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(int(data["tree_size"]), base64.b64decode(data["root_hash"], validate=True))
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise Invalid(
                {"witness_state": f"{path} is not a witness's state file ({error})."}
            ) from None


class _Broken(Exception):
    def __init__(self, problem: str, seq: int | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.seq = seq


RUN = 1 << CHUNK_LEVEL


def _place_problem(index: int, seq: int, removed: bool) -> _Broken:
    what = "removed" if removed else "changed"
    return _Broken(f"event #{seq} (place {index} in the log) was {what}", seq)


def _runs_sqlite(connection: Any) -> Iterator[list[bytes]]:
    """The leaf hashes recomputed from every event, in runs of RUN (the last shorter),
    each checked against the stored one: a raw cursor and hashlib."""
    quoted = connection.ops.quote_name("index")
    sql = (
        f"SELECT l.{quoted}, l.seq, l.hash, "
        f"CASE WHEN e.seq IS NULL THEN NULL ELSE {_line_sql(connection.vendor)} END "
        f"FROM audit_logleaf l LEFT JOIN audit_auditevent e ON e.seq = l.seq ORDER BY l.{quoted}"
    )
    cursor = connection.connection.cursor()
    leaf_hash = merkle.leaf_hash
    run: list[bytes] = []
    expected = 0
    try:
        cursor.execute(sql)
        while chunk := cursor.fetchmany(RUN):
            for index, seq, stored, line in chunk:
                if index != expected:
                    raise _Broken(f"place {expected} of the log is missing: its event was removed")
                if line is None:
                    raise _place_problem(index, seq, True)
                h = leaf_hash(line.encode())
                if h != stored:
                    raise _place_problem(index, seq, False)
                run.append(h)
                expected += 1
                if len(run) == RUN:
                    yield run
                    run = []
    finally:
        cursor.close()
    if run:
        yield run


def _runs_postgresql(connection: Any) -> Iterator[list[bytes]]:
    """On PostgreSQL the database recomputes every leaf hash from its event (sha256() in
    SQL, in parallel workers) and names the first place that does not match; then this
    process streams the stored hashes, RUN at a time, and builds the tree from them."""
    quoted = connection.ops.quote_name("index")
    with connection.cursor() as cursor:
        # On the same connection as the stream (so the same view of the log), first: the
        # first place whose event is gone or no longer gives its leaf hash — one pass, a
        # parallel hash join with sha256() in SQL.
        cursor.execute(
            f"SELECT min(l.{quoted}), min(CASE WHEN e.seq IS NULL THEN l.{quoted} END) "
            "FROM audit_logleaf l LEFT JOIN audit_auditevent e ON e.seq = l.seq "
            "WHERE e.seq IS NULL OR sha256('\\x00'::bytea || "
            f"convert_to({_line_sql('postgresql')}, 'UTF8')) <> l.hash"
        )
        row = cursor.fetchone()
        changed, gone = (None, None) if row is None else row
        first = min((i for i in (gone, changed) if i is not None), default=None)
        found = None
        if first is not None:
            cursor.execute(f"SELECT seq FROM audit_logleaf WHERE {quoted} = %s", [first])
            row = cursor.fetchone()
            found = (first, row[0] if row else 0, first == gone)
    expected = 0
    with connection.connection.cursor(name="bairn_audit_runs", withhold=True) as cursor:
        cursor.itersize = 8
        cursor.execute(
            f"SELECT min(l.{quoted}), max(l.{quoted}), count(*), "
            f"string_agg(l.hash, ''::bytea ORDER BY l.{quoted}) FROM audit_logleaf l "
            f"GROUP BY l.{quoted} / {RUN} ORDER BY l.{quoted} / {RUN}"
        )
        for first, last, count, joined in cursor:
            if found is not None and found[0] < first + count:
                break
            if first != expected or last - first + 1 != count:
                raise _Broken(f"place {expected} of the log is missing: its event was removed")
            data = bytes(joined)
            yield [data[i : i + 32] for i in range(0, len(data), 32)]
            expected += count
    if found is not None:
        index, seq, removed = found
        raise _place_problem(index, seq, removed)


def _first(cursor: Any) -> int | None:
    row = cursor.fetchone()
    return None if row is None or row[0] is None else int(row[0])


def verify(
    progress: Callable[[int], None] | None = None,
    *,
    witness_state: WitnessState | None = None,
    verifier: Verifier | None = None,
) -> Verification:
    """Recompute the tree from every event and check it against every checkpoint that
    matters — the latest, each one a witness co-signed, and the witness's own state —
    and each cosignature against its witness's registered key. The first event or
    checkpoint that does not hold is named."""
    started = time.perf_counter()
    verifier = verifier or log_signer().verifier()
    connection = connections["default"]
    connection.ensure_connection()
    _session(connection)
    checkpoints = list(Checkpoint.objects.order_by("tree_size"))
    cosignatures = list(Cosignature.objects.order_by("tree_size", "witness"))
    known = witnesses()
    result = Verification(
        ok=True, checked=0, checkpoints=len(checkpoints), cosignatures=len(cosignatures)
    )

    def fail(problem: str, seq: int | None = None) -> Verification:
        result.ok = False
        result.problem = problem
        result.broken_seq = seq
        result.seconds = time.perf_counter() - started
        return result

    # Signatures first: they say which checkpoints can be believed at all.
    for checkpoint in checkpoints:
        problem = _checkpoint_problem(checkpoint, verifier)
        if problem:
            return fail(problem)
    for cosignature in cosignatures:
        problem = _cosignature_problem(cosignature, checkpoints, known)
        if problem:
            return fail(problem)
    wanted = {c.tree_size for c in cosignatures}
    if checkpoints:
        wanted.add(checkpoints[-1].tree_size)
    if witness_state is not None:
        wanted.add(witness_state.tree_size)
    expected = {c.tree_size: bytes(c.root_hash) for c in checkpoints}
    roots: dict[int, bytes] = {0: merkle.EMPTY_ROOT}

    # The tree, a run of RUN leaves at a time; the root at each size wanted on the way.
    tree = merkle.CompactRange()
    want = sorted(s for s in wanted if s > 0)
    runs = _runs_postgresql if connection.vendor == "postgresql" else _runs_sqlite
    try:
        for run in runs(connection):
            base = tree.size
            while want and want[0] <= base + len(run):
                partial = merkle.CompactRange(tree.size, tree.hashes)
                for leaf in run[: want[0] - base]:
                    partial.append(leaf)
                roots[want.pop(0)] = partial.root()
            if len(run) == RUN:
                tree.append_subtree(CHUNK_LEVEL, merkle.subtree_root(run))
            else:
                for leaf in run:
                    tree.append(leaf)
            if progress is not None:
                progress(tree.size)
    except _Broken as broken:
        result.checked = tree.size
        return fail(broken.problem, broken.seq)
    result.checked = result.tree_size = tree.size
    for size in sorted(wanted):
        if size > tree.size:
            if witness_state is not None and size == witness_state.tree_size:
                return fail(
                    f"the log holds {tree.size} events but the witness co-signed a tree of "
                    f"{size}: history was removed, or an older backup restored"
                )
            return fail(
                f"checkpoint of size {size} covers events no longer in the log: the last "
                f"{size - tree.size} were removed"
            )
        root = roots[size]
        if size in expected and root != expected[size]:
            return fail(
                f"checkpoint of size {size} does not match the events: the log was "
                "rewritten after it was signed"
            )
        if (
            witness_state is not None
            and size == witness_state.tree_size
            and root != witness_state.root_hash
        ):
            return fail(
                f"the tree of size {size} differs from the one the witness co-signed: "
                "the history was rewritten (events, tree and checkpoints together)"
            )
    stray = _stray(connection)
    if stray:
        return fail(
            f"event #{stray[0]} is in no place of the log: it was inserted outside it", stray[0]
        )
    result.waiting = PendingEvent.objects.count()
    if checkpoints and checkpoints[-1].tree_size < tree.size:
        result.notes.append(
            f"{tree.size - checkpoints[-1].tree_size:,} event(s) are in the tree after the "
            "latest checkpoint"
        )
    result.seconds = time.perf_counter() - started
    return result


def _stray(connection: Any) -> tuple[int] | None:
    """The first event in no place of the log (neither a leaf nor waiting). Counted first,
    in one statement (one snapshot): every leaf has its own event (the tree pass checked
    it), so the events are all placed when they number the leaves plus the waiting
    events that have no leaf. Only when the counts differ is the event looked for."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM audit_auditevent), "
            "(SELECT count(*) FROM audit_logleaf), "
            "(SELECT count(*) FROM audit_pendingevent p WHERE "
            "EXISTS (SELECT 1 FROM audit_auditevent e WHERE e.seq = p.seq) AND "
            "NOT EXISTS (SELECT 1 FROM audit_logleaf l WHERE l.seq = p.seq))"
        )
        events, leaves, waiting = cursor.fetchone()
        if events == leaves + waiting:
            return None
        cursor.execute(
            "SELECT e.seq FROM audit_auditevent e "
            "LEFT JOIN audit_logleaf l ON l.seq = e.seq "
            "LEFT JOIN audit_pendingevent p ON p.seq = e.seq "
            "WHERE l.seq IS NULL AND p.seq IS NULL ORDER BY e.seq LIMIT 1"
        )
        row = cursor.fetchone()
    return None if row is None else (int(row[0]),)


def _checkpoint_problem(checkpoint: Checkpoint, verifier: Verifier) -> str:
    try:
        text, _ = open_note(checkpoint.signed_note, verifier)
        body = CheckpointBody.parse(text)
    except NoteError:
        return (
            f"checkpoint of size {checkpoint.tree_size} is not signed by this log's key "
            f"({verifier.name}): it was forged or re-signed"
        )
    if body.size != checkpoint.tree_size or body.root_hash != bytes(checkpoint.root_hash):
        return f"checkpoint of size {checkpoint.tree_size} says something other than its note"
    return ""


def _cosignature_problem(
    cosignature: Cosignature, checkpoints: Sequence[Checkpoint], known: dict[str, Verifier]
) -> str:
    checkpoint = next((c for c in checkpoints if c.tree_size == cosignature.tree_size), None)
    if checkpoint is None:
        return (
            f"{cosignature.witness} co-signed a tree of size {cosignature.tree_size} "
            "the log no longer holds"
        )
    witness = known.get(cosignature.witness)
    if witness is None:
        return f"the cosignature by {cosignature.witness} is by no registered witness"
    text = checkpoint.signed_note.rpartition("\n\n")[0] + "\n"
    try:
        verify_cosignature(text, cosignature.line, witness)
    except NoteError:
        return (
            f"the cosignature by {cosignature.witness} of size {cosignature.tree_size} does "
            "not verify"
        )
    return ""


@dataclass(frozen=True)
class Standing:
    """What the governance page shows of the log: the latest checkpoint, who co-signed
    it, the last full verification, and a quick check since (`quick_check`)."""

    ok: bool
    problem: str
    checkpoint: Checkpoint | None
    cosignatures: list[Cosignature]
    last_full: LogCheck | None
    added_since: int


def quick_check() -> Standing:
    """A check in milliseconds, for the governance page: the latest checkpoint is signed
    by the log's key, the stored tree gives its root, and it extends the tree the last
    full verification recomputed (a consistency proof from the stored hashes). What it
    cannot see — an event changed under an unchanged tree — the daily `bairn audit
    verify` finds; with no full check yet, the page runs one."""
    last_full = (
        LogCheck.objects.filter(by__in=["bairn audit verify", "governance page"])
        .order_by("-at", "-id")
        .first()
    )
    if last_full is None or not last_full.ok:
        result = verify()
        last_full = record_check(result, by="governance page")
    latest = latest_checkpoint()
    assert latest is not None
    cosigned = list(Cosignature.objects.filter(tree_size=latest.tree_size).order_by("witness"))

    def standing(problem: str = "") -> Standing:
        return Standing(
            not problem,
            problem,
            latest,
            cosigned,
            last_full,
            latest.tree_size - last_full.tree_size,
        )

    if not last_full.ok:
        return standing(last_full.problem)
    problem = _checkpoint_problem(latest, log_signer().verifier())
    if problem:
        return standing(problem)
    try:
        stored = _frontier(latest.tree_size).root()
    except LogBroken as error:
        return standing(str(error))
    if stored != bytes(latest.root_hash):
        return standing("the stored tree does not give the latest checkpoint's root")
    earlier = Checkpoint.objects.filter(tree_size=last_full.tree_size).first()
    if last_full.tree_size > latest.tree_size:
        return standing(
            f"the log holds fewer events ({latest.tree_size}) than the last full check "
            f"found ({last_full.tree_size})"
        )
    if earlier is not None and earlier.tree_size:
        proof = consistency(earlier.tree_size, latest.tree_size)
        if not merkle.verify_consistency(
            earlier.tree_size,
            latest.tree_size,
            bytes(earlier.root_hash),
            bytes(latest.root_hash),
            proof,
        ):
            return standing(
                "the latest checkpoint does not extend the tree the last full check found"
            )
    return standing()


def record_check(result: Verification, *, by: str) -> LogCheck:
    return LogCheck.objects.create(
        at=timezone.now(),
        ok=result.ok,
        checked=result.checked,
        tree_size=result.tree_size,
        problem=result.problem,
        broken_seq=result.broken_seq,
        by=by,
        rate=result.rate,
    )


def last_check() -> LogCheck | None:
    return LogCheck.objects.order_by("-at", "-id").first()


__all__ = [
    "LEAF_LINE",
    "Inclusion",
    "LogBroken",
    "Sealed",
    "UnknownWitness",
    "Verification",
    "WitnessState",
    "add_cosignature",
    "add_witness",
    "consistency",
    "inclusion",
    "latest_checkpoint",
    "leaf_line",
    "log_signer",
    "record_check",
    "seal",
    "verify",
]
