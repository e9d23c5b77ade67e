"""The audit's transparency log (issue 10; API.md "Audit log"): events go into an RFC 6962
tree with signed checkpoints; `bairn audit verify` finds any change, removal, insertion
or reordering, a rewrite under a new key, and — with a witness's state — even a rewrite
signed with the real key; witnesses co-sign only an extension of what they saw; proofs
check against the signed root. (The command in a process of its own, and the sequencer
beside `bairn serve`, are in tests/test_commands.py.)"""

from __future__ import annotations

import base64
import io
import json
import re
import threading
import urllib.error
import urllib.request
from email.message import Message
from io import StringIO
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, connections, transaction
from django.test import Client

from bairn.audit import log, merkle
from bairn.audit.models import AuditEvent, Checkpoint, Cosignature, LogLeaf, PendingEvent
from bairn.audit.note import Signer, Verifier, open_note
from tests.factories import Cast, concern
from tests.web import web_client

LOG_TABLES = [
    "audit_auditevent",
    "audit_logleaf",
    "audit_lognode",
    "audit_checkpoint",
    "audit_cosignature",
]


def run(*argv: str) -> str:
    out = StringIO()
    call_command("audit", *argv, stdout=out)
    return out.getvalue()


def broken(*argv: str) -> str:
    with pytest.raises(CommandError) as caught:
        run("verify", *argv)
    return str(caught.value)


def tamper(sql: str, params: list[object] | None = None) -> None:
    """Raw SQL as the database's owner would run it: on PostgreSQL the append-only
    triggers are switched off first (the test's transaction puts them back)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in LOG_TABLES:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        cursor.execute(sql, params or [])


def seqs() -> list[int]:
    return list(LogLeaf.objects.order_by("index").values_list("seq", flat=True))


@pytest.fixture
def sealed(cast: Cast) -> int:
    """The cast's set-up, a read, a refusal and a concern, sealed: the tree's size."""
    cast.api("head_teacher").get(f"/children/{cast.leeann.pk}")
    cast.api("charlie").get(f"/children/{cast.leeann.pk}")
    concern(cast.class_teacher, cast.leeann)
    size = log.seal().tree_size
    assert size == AuditEvent.objects.count() >= 10
    return size


# --- sealing and verifying --------------------------------------------------------------


def test_events_wait_until_sealed_then_verify_with_their_count_and_rate(cast: Cast) -> None:
    waiting = PendingEvent.objects.count()
    assert waiting == AuditEvent.objects.count() > 0
    assert LogLeaf.objects.count() == 0

    out = run("seal")

    assert f"Sealed {waiting:,} new event(s)" in out
    assert PendingEvent.objects.count() == 0
    assert seqs() == sorted(AuditEvent.objects.values_list("seq", flat=True))
    output = run("verify")
    assert f"Audit log holds: {waiting:,} events checked" in output
    assert re.search(r"\(([\d,]+) events/s\)", output)


def test_an_empty_log_has_the_empty_root_and_verifies(db: None) -> None:
    checkpoint = log.latest_checkpoint()

    assert checkpoint is not None
    assert checkpoint.tree_size == 0
    assert bytes(checkpoint.root_hash).hex() == (
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    )
    assert "0 events checked" in run("verify")


def test_the_database_builds_the_same_line_as_the_reference(sealed: int) -> None:
    flagged = AuditEvent.objects.filter(flagged=True).first()
    events = list(AuditEvent.objects.order_by("seq")[:5]) + ([flagged] if flagged else [])
    for event in events:
        leaf = LogLeaf.objects.get(seq=event.seq)
        assert merkle.leaf_hash(log.leaf_line(event).encode()) == bytes(leaf.hash)
    line = log.leaf_line(events[0]).split("\t")
    assert line[0] == str(events[0].seq)
    # UTC to the microsecond, the fraction without its trailing zeros (none when whole).
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{0,5}[1-9])?", line[1])
    assert len(line) == len(log.LEAF_LINE)


@pytest.mark.parametrize("microsecond", [0, 120000, 5, 999999])
def test_the_line_holds_the_time_to_the_microsecond(db: None, microsecond: int) -> None:
    import datetime as dt

    at = dt.datetime(2026, 12, 2, 9, 14, 3, microsecond, tzinfo=dt.UTC)
    event = AuditEvent.objects.create(at=at, action="auth.token", outcome="refused", flagged=True)
    PendingEvent.objects.create(seq=event.seq)
    log.seal()
    event.refresh_from_db()
    line = log.leaf_line(event)
    assert line.split("\t")[1] == (
        "2026-12-02 09:14:03" + (f".{microsecond:06d}".rstrip("0") if microsecond else "")
    )
    assert merkle.leaf_hash(line.encode()) == bytes(LogLeaf.objects.get(seq=event.seq).hash)


def test_a_tab_in_a_field_cannot_shift_one_field_into_the_next(cast: Cast) -> None:
    from bairn.audit.services import record

    event = record(actor=None, actor_name="a\tb", action="auth.token", reason="x\ty")
    assert "\t" not in event.actor + event.reason
    log.seal()
    assert log.verify().ok


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("reason", "nothing happened"),
        ("actor", "swmanager"),
        ("outcome", "withdrawn"),
        ("child_id", "00000000-0000-0000-0000-000000000000"),
        ("flagged", True),
    ],
)
def test_verify_names_an_event_whose_field_was_changed(
    sealed: int, column: str, value: object
) -> None:
    victim = seqs()[4]
    tamper(f"UPDATE audit_auditevent SET {column} = %s WHERE seq = %s", [value, victim])

    message = broken()

    assert f"event #{victim} (place 4 in the log) was changed" in message


def test_verify_names_an_event_whose_time_was_changed(sealed: int) -> None:
    victim = seqs()[2]
    event = AuditEvent.objects.get(seq=victim)
    tamper(
        "UPDATE audit_auditevent SET at = %s WHERE seq = %s",
        [event.at.replace(microsecond=(event.at.microsecond + 1) % 1_000_000), victim],
    )
    assert f"event #{victim} (place 2 in the log) was changed" in broken()


def test_verify_names_an_event_removed_from_the_middle(sealed: int) -> None:
    victim = seqs()[3]
    tamper("DELETE FROM audit_auditevent WHERE seq = %s", [victim])
    assert f"event #{victim} (place 3 in the log) was removed" in broken()


def test_verify_notices_events_reordered(sealed: int) -> None:
    first, second = seqs()[1:3]
    tamper("UPDATE audit_logleaf SET seq = -1 WHERE seq = %s", [first])
    tamper("UPDATE audit_logleaf SET seq = %s WHERE seq = %s", [first, second])
    tamper("UPDATE audit_logleaf SET seq = %s WHERE seq = -1", [second])
    assert "(place 1 in the log) was changed" in broken()


def test_verify_notices_a_reorder_with_the_leaf_hashes_swapped_too(sealed: int) -> None:
    """Even when the stored leaf hashes move with the events, the tree they make is no
    longer the one the checkpoint signed."""
    a, b = LogLeaf.objects.filter(index__in=[1, 2]).order_by("index")
    tamper("DELETE FROM audit_logleaf WHERE " + connection.ops.quote_name("index") + " IN (1, 2)")
    LogLeaf.objects.bulk_create(
        [LogLeaf(index=1, seq=b.seq, hash=b.hash), LogLeaf(index=2, seq=a.seq, hash=a.hash)]
    )
    assert f"checkpoint of size {sealed} does not match the events" in broken()


def test_verify_notices_an_event_inserted_outside_the_log(sealed: int) -> None:
    forged = AuditEvent.objects.create(
        at=AuditEvent.objects.get(seq=seqs()[-1]).at,
        actor="swmanager",
        action="child.read",
        outcome="allowed",
    )
    assert f"event #{forged.seq} is in no place of the log" in broken()


def test_verify_notices_a_forged_event_that_balances_the_counts(sealed: int) -> None:
    """Verify counts events against places first: a forged event hidden behind a waiting
    row that names an event already in the tree, or one whose event was removed, does not
    make the counts agree."""
    forged = AuditEvent.objects.create(
        at=AuditEvent.objects.get(seq=seqs()[-1]).at,
        actor="swmanager",
        action="child.read",
        outcome="allowed",
    )
    tamper("DELETE FROM audit_pendingevent WHERE seq = %s", [forged.seq])
    tamper("INSERT INTO audit_pendingevent (seq) VALUES (%s)", [seqs()[0]])
    tamper("INSERT INTO audit_pendingevent (seq) VALUES (%s)", [forged.seq + 1000])
    assert f"event #{forged.seq} is in no place of the log" in broken()


def test_verify_notices_events_removed_from_the_end(sealed: int) -> None:
    last = seqs()[-2:]
    quoted = connection.ops.quote_name("index")
    tamper(f"DELETE FROM audit_logleaf WHERE {quoted} >= %s", [sealed - 2])
    tamper("DELETE FROM audit_auditevent WHERE seq IN (%s, %s)", last)
    assert f"checkpoint of size {sealed} covers events no longer in the log" in broken()


def rewrite_history(sealed: int, signer: Signer) -> None:
    """What the database's owner could do: change an event, then rebuild the whole tree
    and every checkpoint from the changed events, signed with `signer`."""
    tamper("UPDATE audit_auditevent SET reason = 'nothing to see' WHERE seq = %s", [seqs()[3]])
    for table in ["audit_cosignature", "audit_checkpoint", "audit_lognode", "audit_logleaf"]:
        tamper(f"DELETE FROM {table}")
    tamper(
        "INSERT INTO audit_pendingevent (seq) SELECT seq FROM audit_auditevent "
        "WHERE seq NOT IN (SELECT seq FROM audit_pendingevent)"
    )
    assert log.seal(signer=signer).tree_size >= sealed


def test_a_rewrite_resigned_with_another_key_is_found_by_the_signature(sealed: int) -> None:
    rewrite_history(sealed, Signer.generate(log.origin()))
    assert "is not signed by this log's key" in broken()


# --- witnesses ---------------------------------------------------------------------------


class ClientOpener:
    """The witness's HTTP opener (urllib's), pointed at the test server through
    django.test.Client: the same requests and answers, without a socket."""

    def __init__(self) -> None:
        self.client = Client()

    def open(self, request: urllib.request.Request, *, timeout: float) -> Any:
        parts = urlsplit(request.full_url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if request.get_method() == "GET":
            response = self.client.get(path)
        else:
            data = request.data if isinstance(request.data, bytes) else b""
            response = self.client.post(path, data, content_type="application/json")
        if response.status_code >= 400:
            raise urllib.error.HTTPError(
                request.full_url,
                response.status_code,
                response.reason_phrase,
                Message(),
                io.BytesIO(response.content),
            )
        answer = io.BytesIO(response.content)
        answer.status = response.status_code  # type: ignore[attr-defined]
        return answer


@pytest.fixture
def witness(tmp_path: Path) -> Any:
    """The Care Inspectorate's witness: its key, registered with the log, and a function
    running `bairn audit witness` against the test server."""
    from bairn.audit import witness as witness_module

    key = tmp_path / "witness.key"
    out = run("keygen", "care-inspectorate.example/witness", str(key))
    verifier_key = out.splitlines()[-1]
    Verifier.parse(verifier_key)
    run("witness-add", verifier_key)
    state = tmp_path / "witness-state.json"

    def cosign() -> str:
        return witness_module.run_witness("http://testserver", key, state, opener=ClientOpener())

    cosign.state = state  # type: ignore[attr-defined]
    cosign.refused = witness_module.WitnessRefused  # type: ignore[attr-defined]
    return cosign


def test_a_witness_cosigns_and_the_checkpoint_carries_it(sealed: int, witness: Any) -> None:
    witness()

    state = json.loads(witness.state.read_text())
    assert state["tree_size"] == sealed
    body = Client().get("/api/v1/audit/checkpoint").json()
    assert body["tree_size"] == sealed
    (cosigned,) = body["cosignatures"]
    assert cosigned["witness"] == "care-inspectorate.example/witness"
    assert cosigned["signed_note"].startswith(f"{log.origin()}\n{sealed}\n")
    assert "1 cosignature(s) verify" in run("verify", "--witness-state", str(witness.state))


def test_a_witness_cosigns_an_extension(sealed: int, witness: Any, cast: Cast) -> None:
    witness()
    concern(cast.head_teacher, cast.leeann, "Upset at home time")
    grown = log.seal().tree_size

    witness()

    assert json.loads(witness.state.read_text())["tree_size"] == grown > sealed
    assert Cosignature.objects.count() == 2
    assert "2 cosignature(s) verify" in run("verify", "--witness-state", str(witness.state))


def test_a_rewrite_resigned_with_the_real_key_is_found_by_the_witness_state(
    sealed: int, witness: Any
) -> None:
    witness()
    rewrite_history(sealed, log.log_signer())
    # Without the witness the rewrite is consistent with itself …
    assert "events checked" in run("verify")
    # … but not with what the witness co-signed.
    message = broken("--witness-state", str(witness.state))
    assert f"the tree of size {sealed} differs from the one the witness co-signed" in message
    with pytest.raises(witness.refused, match=r"fork|not an extension|differs"):
        witness()


def test_an_older_backup_restored_and_written_to_makes_the_witness_refuse(
    sealed: int, witness: Any, cast: Cast
) -> None:
    witness()
    # As if the database were restored from a copy taken three events earlier …
    quoted = connection.ops.quote_name("index")
    gone = seqs()[-3:]
    tamper(f"DELETE FROM audit_logleaf WHERE {quoted} >= %s", [sealed - 3])
    tamper("DELETE FROM audit_lognode")
    tamper("DELETE FROM audit_cosignature")
    tamper("DELETE FROM audit_checkpoint")
    tamper("DELETE FROM audit_auditevent WHERE seq IN (%s, %s, %s)", gone)
    # … (its tree, rebuilt here from its events, was that of the events it held) and new
    # events written since.
    tamper("DELETE FROM audit_logleaf")
    tamper(
        "INSERT INTO audit_pendingevent (seq) SELECT seq FROM audit_auditevent "
        "WHERE seq NOT IN (SELECT seq FROM audit_pendingevent)"
    )
    concern(cast.head_teacher, cast.leeann, "Written after the restore")
    log.seal()

    with pytest.raises(witness.refused):
        witness()
    assert "witness co-signed" in broken("--witness-state", str(witness.state))


def test_the_log_refuses_cosignatures_it_should_not_keep(
    sealed: int, witness: Any, tmp_path: Path
) -> None:
    api = Client()
    checkpoint = log.latest_checkpoint()
    assert checkpoint is not None
    text = checkpoint.signed_note.rpartition("\n\n")[0] + "\n"
    from bairn.audit.note import Checkpoint as Body
    from bairn.audit.note import cosign

    stranger = Signer.generate("stranger.example/witness")
    unknown = api.post(
        "/api/v1/audit/cosignatures",
        {
            "witness": stranger.verifier().name,
            "signed_note": text + "\n" + cosign(text, stranger, 1),
        },
        content_type="application/json",
    )
    assert unknown.status_code == 403
    assert "No witness named" in unknown.json()["detail"]

    key_file = tmp_path / "witness.key"
    from bairn.audit.note import read_key_file

    registered = read_key_file(key_file)
    forged = api.post(
        "/api/v1/audit/cosignatures",
        {
            "witness": registered.verifier().name,
            "signed_note": text
            + "\n"
            + cosign(text, stranger, 1).replace(
                stranger.verifier().name, registered.verifier().name
            ),
        },
        content_type="application/json",
    )
    assert forged.status_code == 403

    other = Body(log.origin(), sealed + 5, b"\x01" * 32).text()
    never = api.post(
        "/api/v1/audit/cosignatures",
        {
            "witness": registered.verifier().name,
            "signed_note": other + "\n" + cosign(other, registered, 1),
        },
        content_type="application/json",
    )
    assert never.status_code == 409
    assert Cosignature.objects.count() == 0


def test_verify_checks_every_cosignature(sealed: int, witness: Any) -> None:
    witness()
    line = Cosignature.objects.get().line
    name, _, signature = line.rstrip("\n").rpartition(" ")
    raw = bytearray(base64.b64decode(signature))
    raw[-1] ^= 1
    tamper(
        "UPDATE audit_cosignature SET line = %s",
        [f"{name} {base64.b64encode(bytes(raw)).decode()}\n"],
    )
    assert "does not verify" in broken()


# --- proofs over the API ----------------------------------------------------------------


def test_the_checkpoint_is_public_and_signed_by_the_published_key(sealed: int) -> None:
    body = Client().get("/api/v1/audit/checkpoint").json()

    assert set(body) >= {
        "origin",
        "tree_size",
        "root_hash",
        "signed_note",
        "public_key",
        "cosignatures",
    }
    verifier = Verifier.parse(body["public_key"])
    text, signed_by = open_note(body["signed_note"], verifier)
    assert signed_by == [verifier]
    assert text == f"{body['origin']}\n{body['tree_size']}\n{body['root_hash']}\n"


def test_an_inclusion_proof_leads_to_the_signed_root(sealed: int, cast: Cast) -> None:
    root = base64.b64decode(Client().get("/api/v1/audit/checkpoint").json()["root_hash"])
    mine = AuditEvent.objects.filter(agency_id=str(cast.school.pk)).order_by("seq")
    for event in mine[:4]:
        response = cast.api("ig_school").get(f"/audit/events/{event.seq}/proof")
        assert response.status_code == 200, response.content
        proof = response.json()
        assert proof["tree_size"] == sealed
        assert merkle.verify_inclusion(
            base64.b64decode(proof["leaf_hash"]),
            proof["leaf_index"],
            proof["tree_size"],
            [base64.b64decode(h) for h in proof["hashes"]],
            root,
        )


def test_proofs_are_for_information_governance_and_their_own_agency(
    sealed: int, cast: Cast
) -> None:
    school_event = AuditEvent.objects.filter(agency_id=str(cast.school.pk)).first()
    assert school_event is not None
    assert cast.api("ig_health").get(f"/audit/events/{school_event.seq}/proof").status_code == 404
    assert (
        cast.api("head_teacher").get(f"/audit/events/{school_event.seq}/proof").status_code == 403
    )
    assert cast.api("ig_school").get("/audit/events/999999999/proof").status_code == 404
    assert Client().get(f"/api/v1/audit/events/{school_event.seq}/proof").status_code == 401


def test_an_event_not_yet_sealed_has_no_proof_yet(sealed: int, cast: Cast) -> None:
    concern(cast.class_teacher, cast.leeann, "Not sealed yet")
    waiting = PendingEvent.objects.order_by("-seq").first()
    assert waiting is not None
    response = cast.api("ig_school").get(f"/audit/events/{waiting.seq}/proof")
    assert response.status_code == 409
    assert "not in the signed log yet" in response.json()["detail"]


def test_a_consistency_proof_between_two_signed_trees(sealed: int, cast: Cast) -> None:
    first = log.latest_checkpoint()
    assert first is not None
    concern(cast.head_teacher, cast.leeann, "Another")
    second = log.seal().checkpoint
    assert second is not None

    response = Client().get(
        "/api/v1/audit/consistency", {"from": first.tree_size, "to": second.tree_size}
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["from"], body["to"]) == (first.tree_size, second.tree_size)
    assert merkle.verify_consistency(
        first.tree_size,
        second.tree_size,
        bytes(first.root_hash),
        bytes(second.root_hash),
        [base64.b64decode(h) for h in body["hashes"]],
    )
    too_big = Client().get("/api/v1/audit/consistency", {"from": 1, "to": second.tree_size + 1})
    assert too_big.status_code == 422
    assert "latest signed" in too_big.content.decode()
    backwards = Client().get("/api/v1/audit/consistency", {"from": second.tree_size, "to": 1})
    assert backwards.status_code == 422


def test_prove_prints_and_checks_an_events_proof(sealed: int) -> None:
    seq = seqs()[5]
    out = run("prove", str(seq))
    assert f"Event #{seq}:" in out
    assert "The event is in the log" in out
    with pytest.raises(CommandError, match="not in the signed log yet"):
        run("prove", "999999999")


# --- keys and commands --------------------------------------------------------------------


def test_keygen_writes_a_private_key_and_prints_the_verifier_key(tmp_path: Path) -> None:
    key = tmp_path / "log.key"
    out = run("keygen", "bairn.example.scot/audit", str(key))

    vkey = out.splitlines()[-1]
    assert vkey.startswith("bairn.example.scot/audit+")
    assert Verifier.parse(vkey).name == "bairn.example.scot/audit"
    assert key.stat().st_mode & 0o777 == 0o600
    with pytest.raises(CommandError, match="exist"):
        run("keygen", "again", str(key))


def test_witness_add_refuses_a_malformed_key_and_a_second_of_the_same_name(db: None) -> None:
    with pytest.raises(CommandError):
        run("witness-add", "not-a-key")
    signer = Signer.generate("council.example/internal-audit")
    run("witness-add", signer.verifier().verifier_key())
    with pytest.raises(CommandError, match="already registered"):
        run("witness-add", signer.verifier().verifier_key())


# --- the database refuses changes (PostgreSQL) --------------------------------------------


@pytest.mark.parametrize("table", LOG_TABLES)
def test_the_log_tables_refuse_update_and_delete_on_postgresql(
    sealed: int, table: str, witness: Any
) -> None:
    witness()
    if connection.vendor != "postgresql":
        # SQLite has no such triggers: verification is what finds a change there (above).
        return
    column = {"audit_logleaf": "seq", "audit_lognode": "hash"}.get(
        table, "tree_size" if table != "audit_auditevent" else "reason"
    )
    for sql in (f"DELETE FROM {table}", f"UPDATE {table} SET {column} = {column}"):
        with pytest.raises(DatabaseError) as caught, transaction.atomic(), connection.cursor() as c:
            c.execute(sql)
        assert "append-only" in str(caught.value)
    assert "events checked" in run("verify")


def test_the_orm_cannot_change_an_event_on_postgresql(sealed: int) -> None:
    victim = seqs()[3]
    if connection.vendor != "postgresql":
        AuditEvent.objects.filter(seq=victim).update(reason="quietly changed")
        assert f"event #{victim}" in broken()
        return
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(seq=victim).update(reason="quietly changed")
    with pytest.raises(DatabaseError), transaction.atomic():
        LogLeaf.objects.filter(seq=victim).delete()
    assert "events checked" in run("verify")


# --- no lock: a request's append waits on no other ---------------------------------------


def test_an_append_does_not_wait_for_another_open_transaction(transactional_db: None) -> None:
    """Two requests at once: one appends its event inside a transaction still open; the
    other appends and commits without waiting. (On SQLite writers take turns by design,
    so this is PostgreSQL's.)"""
    from bairn.audit.services import record

    if connection.vendor != "postgresql":
        record(actor=None, actor_name="a", action="auth.token")
        assert PendingEvent.objects.count() >= 1
        return
    holding = threading.Event()
    release = threading.Event()
    finished: list[int] = []

    def slow_request() -> None:
        with transaction.atomic():
            finished.append(record(actor=None, actor_name="slow", action="auth.token").seq)
            holding.set()
            release.wait(20)
        connections.close_all()

    other = threading.Thread(target=slow_request)
    other.start()
    assert holding.wait(20)
    try:
        fast = record(actor=None, actor_name="fast", action="auth.token")  # commits at once
        assert AuditEvent.objects.filter(seq=fast.seq).exists()
        # The sequencer takes the committed one and leaves the other for later.
        log.seal()
        assert LogLeaf.objects.filter(seq=fast.seq).exists()
        assert not LogLeaf.objects.filter(seq=finished[0]).exists()
    finally:
        release.set()
        other.join(20)
    log.seal()
    assert LogLeaf.objects.filter(seq=finished[0]).exists()
    assert log.verify().ok


# --- the governance page ----------------------------------------------------------------


def test_the_governance_page_shows_the_log_its_witnesses_and_a_break(
    sealed: int, cast: Cast, witness: Any
) -> None:
    ig = web_client(cast.ig_school)
    first = " ".join(ig.get("/governance").content.decode().split())
    assert "The audit log holds." in first
    assert "No outside witness has co-signed it yet" in first
    witness()
    run("verify")
    later = " ".join(ig.get("/governance").content.decode().split())
    assert "(bairn audit verify)" in later
    assert "co-signed by care-inspectorate.example/witness" in later
    victim = seqs()[5]
    tamper("UPDATE audit_auditevent SET reason = 'changed' WHERE seq = %s", [victim])
    broken()
    after = ig.get("/governance").content.decode()
    assert "The audit log is broken" in after
    assert f"event #{victim}" in after


def test_a_checkpoint_row_says_what_its_note_says(sealed: int) -> None:
    checkpoint = Checkpoint.objects.order_by("-tree_size").first()
    assert checkpoint is not None
    tamper(
        "UPDATE audit_checkpoint SET root_hash = %s WHERE tree_size = %s",
        [b"\x00" * 32, checkpoint.tree_size],
    )
    assert "says something other than its note" in broken()


# --- the family sees it (item 9) ----------------------------------------------------------


def test_the_transparency_report_shows_each_disclosure_in_the_log_with_its_proof(
    cast: Cast,
) -> None:
    from bairn.agencies.models import Involvement
    from bairn.agencies.services import involve
    from tests.test_audit import police_disclose_to_school
    from tests.test_sharing import isp

    involve(cast.police_officer, cast.leeann.pk, Involvement.Basis.TEAM_MEMBER)
    isp(cast, cast.police, cast.school, purposes=["wellbeing_support"])
    made = police_disclose_to_school(cast)
    report = cast.api("ig_school").get(f"/children/{cast.leeann.pk}/transparency").json()
    (shown,) = [d for d in report["disclosures"] if d["id"] == made.json()["id"]]
    assert shown["audit_event_id"] is not None
    assert shown["in_signed_log"] is False  # not sealed yet

    log.seal()
    report = cast.api("ig_school").get(f"/children/{cast.leeann.pk}/transparency").json()
    (shown,) = [d for d in report["disclosures"] if d["id"] == made.json()["id"]]
    assert shown["in_signed_log"] is True
    event = AuditEvent.objects.get(seq=shown["audit_event_id"])
    assert (event.action, event.object) == ("disclosure.create", f"disclosure:{shown['id']}")
    proof = cast.api("ig_school").get(f"/audit/events/{event.seq}/proof").json()
    root = base64.b64decode(Client().get("/api/v1/audit/checkpoint").json()["root_hash"])
    assert merkle.verify_inclusion(
        base64.b64decode(proof["leaf_hash"]),
        proof["leaf_index"],
        proof["tree_size"],
        [base64.b64decode(h) for h in proof["hashes"]],
        root,
    )
    assert "The event is in the log" in run("prove", str(event.seq))
    page = " ".join(
        web_client(cast.ig_school)
        .get(f"/governance/children/{cast.leeann.pk}/transparency")
        .content.decode()
        .split()
    )
    assert f"Yes: event {event.seq}, in the signed log" in page
