"""The witness's checks (bairn.audit.witness.run_witness) against a fake log, without a
database or a server: the fake is an RFC 6962 tree made with bairn.audit.merkle, signed
with a note Signer, behind a fake opener that answers the three requests a witness makes
(docs/API.md "Audit log") with canned JSON and records what it was sent.

The run against a real `bairn serve` is tests for the API's engineer.
"""

from __future__ import annotations

import base64
import datetime as dt
import email.message
import io
import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bairn.audit import merkle
from bairn.audit.note import (
    ALG_COSIGNATURE_V1,
    Checkpoint,
    Signer,
    Verifier,
    open_note,
    sign_note,
    verify_cosignature,
    write_key_file,
)
from bairn.audit.witness import WitnessRefused, run_witness

pytestmark = pytest.mark.nodb

URL = "https://bairn.example"
ORIGIN = "bairn.example/audit"
WITNESS = "witness.example/w1"


def b64(h: bytes) -> str:
    return base64.b64encode(h).decode()


@dataclass
class FakeLog:
    """A log: its key, its leaves, and what its API answers."""

    signer: Signer = field(default_factory=lambda: Signer.generate(ORIGIN))
    origin: str = ORIGIN
    leaves: list[bytes] = field(default_factory=list)

    def add(self, *events: str) -> FakeLog:
        self.leaves += [merkle.leaf_hash(e.encode()) for e in events]
        return self

    def copy(self, leaves: list[bytes] | None = None) -> FakeLog:
        return FakeLog(self.signer, self.origin, list(self.leaves if leaves is None else leaves))

    def body(self) -> Checkpoint:
        return Checkpoint(self.origin, len(self.leaves), merkle.root(self.leaves))

    def checkpoint(self) -> dict[str, object]:
        body = self.body()
        return {
            "origin": body.origin,
            "tree_size": body.size,
            "root_hash": b64(body.root_hash),
            "signed_note": sign_note(body.text(), self.signer),
            "public_key": self.signer.verifier().verifier_key(),
            "cosignatures": [],
        }

    def consistency(self, first: int, second: int) -> dict[str, object]:
        nodes = {
            (level, index): merkle.subtree_root(self.leaves[index << level : (index + 1) << level])
            for level, index in merkle.consistency_nodes(first, second)
        }
        proof = merkle.consistency_proof(first, second, nodes)
        return {"from": first, "to": second, "hashes": [b64(h) for h in proof]}


def events(n: int, prefix: str = "event") -> list[str]:
    return [f"{prefix} {i}" for i in range(n)]


class FakeResponse:
    def __init__(self, body: bytes, status: int = 200) -> None:
        self._body = io.BytesIO(body)
        self.status = status

    def read(self, amt: int = -1, /) -> bytes:
        return self._body.read(amt)

    def close(self) -> None:
        self._body.close()


def http_error(url: str, code: int, reason: str, body: object) -> urllib.error.HTTPError:
    return urllib.error.HTTPError(
        url, code, reason, email.message.Message(), io.BytesIO(json.dumps(body).encode())
    )


@dataclass
class FakeOpener:
    """Answers GET checkpoint, GET consistency and POST cosignatures from `log`; `answers`
    overrides a path's answer (a dict to send as JSON, or an exception to raise)."""

    log: FakeLog
    answers: dict[str, object] = field(default_factory=dict)
    requests: list[tuple[str, str]] = field(default_factory=list)
    posted: list[dict[str, str]] = field(default_factory=list)

    def open(self, fullurl: urllib.request.Request, /, *, timeout: float) -> FakeResponse:
        request = fullurl
        assert timeout > 0
        method, url = request.get_method(), request.full_url
        self.requests.append((method, url))
        parts = urllib.parse.urlsplit(url)
        assert f"{parts.scheme}://{parts.netloc}" == URL
        canned = self.answers.get(parts.path)
        if isinstance(canned, BaseException):
            raise canned
        if canned is not None:
            return FakeResponse(json.dumps(canned).encode())
        if (method, parts.path) == ("GET", "/api/v1/audit/checkpoint"):
            return FakeResponse(json.dumps(self.log.checkpoint()).encode())
        if (method, parts.path) == ("GET", "/api/v1/audit/consistency"):
            query = urllib.parse.parse_qs(parts.query)
            first, second = int(query["from"][0]), int(query["to"][0])
            return FakeResponse(json.dumps(self.log.consistency(first, second)).encode())
        if (method, parts.path) == ("POST", "/api/v1/audit/cosignatures"):
            assert request.get_header("Content-type") == "application/json"
            assert isinstance(request.data, bytes)
            self.posted.append(json.loads(request.data))
            size = len(self.log.leaves)
            return FakeResponse(json.dumps({"witness": WITNESS, "tree_size": size}).encode(), 201)
        raise AssertionError(f"unexpected request {method} {url}")

    def consistency_requests(self) -> list[str]:
        return [url for method, url in self.requests if "/consistency" in url]


@dataclass
class Witness:
    key: Path
    state: Path
    signer: Signer

    def run(self, opener: FakeOpener) -> str:
        return run_witness(URL, self.key, self.state, opener=opener)

    def saved(self) -> dict[str, object]:
        data = json.loads(self.state.read_text())
        assert isinstance(data, dict)
        return data

    def refused(self, opener: FakeOpener, match: str) -> None:
        """The run is refused, nothing is posted and the state is untouched."""
        before = self.state.read_bytes() if self.state.exists() else None
        posted = len(opener.posted)
        with pytest.raises(WitnessRefused, match=match):
            self.run(opener)
        assert len(opener.posted) == posted
        assert (self.state.read_bytes() if self.state.exists() else None) == before


@pytest.fixture
def witness(tmp_path: Path) -> Witness:
    signer = Signer.generate(WITNESS)
    key = tmp_path / "witness.key"
    write_key_file(key, signer)
    return Witness(key, tmp_path / "state.json", signer)


def check_posted(posted: dict[str, str], log: FakeLog, witness: Witness) -> int:
    """What the witness posted is the log's checkpoint with a cosignature line by the
    witness that verifies (what the log's add_cosignature checks); its time."""
    assert set(posted) == {"witness", "signed_note"}
    assert posted["witness"] == WITNESS
    text = log.body().text()
    note = posted["signed_note"]
    assert note.startswith(text + "\n— " + WITNESS + " ")
    line = note[len(text) + 1 :]
    timestamp = verify_cosignature(text, line, witness.signer.verifier())
    cosigner = Verifier(WITNESS, ALG_COSIGNATURE_V1, witness.signer.verifier().public_key)
    assert open_note(note, cosigner) == (text, [cosigner])
    return timestamp


# --- runs that co-sign ---------------------------------------------------------------------


def test_the_first_run_trusts_the_log_records_it_and_cosigns(witness: Witness) -> None:
    log = FakeLog().add(*events(5))
    opener = FakeOpener(log)
    summary = witness.run(opener)
    assert summary.startswith(f"Co-signed {ORIGIN} at tree size 5 as {WITNESS} (first run:")
    assert log.signer.verifier().verifier_key() in summary
    assert "\n" not in summary
    assert opener.consistency_requests() == []
    assert len(opener.posted) == 1
    timestamp = check_posted(opener.posted[0], log, witness)

    saved = witness.saved()
    assert saved == {
        "origin": ORIGIN,
        "log_key": log.signer.verifier().verifier_key(),
        "tree_size": 5,
        "root_hash": b64(merkle.root(log.leaves)),
        "cosigned_at": saved["cosigned_at"],
    }
    assert isinstance(saved["cosigned_at"], str)
    assert saved["cosigned_at"] == dt.datetime.fromtimestamp(timestamp, dt.UTC).isoformat()
    assert not list(witness.state.parent.glob(".state.json.*"))  # no temporary left behind


@pytest.mark.parametrize(("first", "second"), [(1, 2), (3, 7), (4, 8), (5, 6), (6, 13), (8, 9)])
def test_a_larger_tree_is_cosigned_when_it_extends_the_cosigned_one(
    witness: Witness, first: int, second: int
) -> None:
    log = FakeLog().add(*events(first))
    opener = FakeOpener(log)
    witness.run(opener)
    log.add(*events(second - first, "later"))

    summary = witness.run(opener)
    assert f"at tree size {second} " in summary
    assert f"it extends the tree of {first} this witness co-signed before" in summary
    assert opener.consistency_requests() == [
        f"{URL}/api/v1/audit/consistency?from={first}&to={second}"
    ]
    assert len(opener.posted) == 2
    check_posted(opener.posted[1], log, witness)
    assert witness.saved()["tree_size"] == second
    assert witness.saved()["root_hash"] == b64(merkle.root(log.leaves))


def test_an_empty_log_is_cosigned_and_then_its_growth_without_a_proof(witness: Witness) -> None:
    log = FakeLog()
    opener = FakeOpener(log)
    witness.run(opener)
    assert witness.saved()["root_hash"] == b64(merkle.EMPTY_ROOT)
    log.add(*events(3))
    assert "extends the tree of 0" in witness.run(opener)
    assert opener.consistency_requests() == []  # the empty tree is consistent with every tree
    check_posted(opener.posted[1], log, witness)


def test_the_same_tree_is_cosigned_again(witness: Witness) -> None:
    log = FakeLog().add(*events(4))
    opener = FakeOpener(log)
    witness.run(opener)
    summary = witness.run(opener)
    assert "at tree size 4 " in summary
    assert "the log has not grown since the last run" in summary
    assert opener.consistency_requests() == []
    assert len(opener.posted) == 2
    check_posted(opener.posted[1], log, witness)
    assert witness.saved()["tree_size"] == 4


def test_a_url_with_a_final_slash_is_the_same_log(witness: Witness) -> None:
    opener = FakeOpener(FakeLog().add(*events(2)))
    run_witness(URL + "/", witness.key, witness.state, opener=opener)
    assert opener.requests[0] == ("GET", f"{URL}/api/v1/audit/checkpoint")


# --- runs that refuse ----------------------------------------------------------------------


def test_a_smaller_tree_is_refused(witness: Witness) -> None:
    log = FakeLog().add(*events(5))
    witness.run(FakeOpener(log))
    restored = FakeOpener(log.copy(log.leaves[:3]))
    witness.refused(
        restored,
        "The log is smaller than the checkpoint this witness co-signed: history was removed "
        "or an older backup restored \\(it has 3 entries; this witness co-signed 5 at ",
    )


def test_a_fork_at_the_same_size_is_refused(witness: Witness) -> None:
    log = FakeLog().add(*events(5))
    witness.run(FakeOpener(log))
    forked = log.copy(log.leaves[:4]).add("a different event 4")
    witness.refused(FakeOpener(forked), "The log has forked: at size 5 its root hash is now")


def test_a_larger_tree_that_rewrote_history_is_refused(witness: Witness) -> None:
    log = FakeLog().add(*events(5))
    witness.run(FakeOpener(log))
    rewritten = FakeLog(log.signer).add("a different event 0", *events(9)[1:])
    opener = FakeOpener(rewritten)  # serves the honest proof of its own, rewritten, tree
    witness.refused(
        opener,
        "The log of size 9 is not an extension of what this witness saw at size 5: its "
        "consistency proof does not verify",
    )
    assert len(opener.consistency_requests()) == 1


def test_a_tampered_or_missing_proof_is_refused(witness: Witness) -> None:
    log = FakeLog().add(*events(5))
    witness.run(FakeOpener(log))
    log.add(*events(4, "later"))
    proof = log.consistency(5, 9)
    hashes = proof["hashes"]
    assert isinstance(hashes, list)
    bad = bytearray(base64.b64decode(hashes[0]))
    bad[0] ^= 1
    tampered = {**proof, "hashes": [b64(bytes(bad)), *hashes[1:]]}
    path = "/api/v1/audit/consistency"
    witness.refused(FakeOpener(log, {path: tampered}), "is not an extension of what this witness")
    witness.refused(FakeOpener(log, {path: {**proof, "hashes": []}}), "is not an extension")
    witness.refused(
        FakeOpener(log, {path: log.consistency(4, 9)}), "a proof between other sizes, not 5 and 9"
    )
    witness.refused(FakeOpener(log, {path: {**proof, "hashes": ["not base64!"]}}), "not base64")
    witness.refused(FakeOpener(log, {path: {**proof, "hashes": [b64(b"short")]}}), "5 bytes")
    # With the honest proof it is co-signed.
    assert "extends the tree of 5" in witness.run(FakeOpener(log))


def test_a_checkpoint_not_signed_by_the_log_key_is_refused(witness: Witness) -> None:
    log = FakeLog().add(*events(3))
    answer = log.checkpoint()
    forger = Signer.generate(ORIGIN)
    forged = {**answer, "signed_note": sign_note(log.body().text(), forger)}
    path = "/api/v1/audit/checkpoint"
    witness.refused(
        FakeOpener(log, {path: forged}),
        "The log's checkpoint is not signed by the log's key .*not signed by any of the expected",
    )
    note = answer["signed_note"]
    assert isinstance(note, str)
    tampered = {**answer, "signed_note": note.replace("\n3\n", "\n4\n", 1)}
    witness.refused(FakeOpener(log, {path: tampered}), "does not verify")
    # Signed, but not what the answer says.
    lying = {**answer, "tree_size": 4}
    witness.refused(
        FakeOpener(log, {path: lying}),
        "The log's signed checkpoint says something other than its answer",
    )
    not_a_checkpoint = {**answer, "signed_note": sign_note("hello\n", log.signer)}
    witness.refused(FakeOpener(log, {path: not_a_checkpoint}), "is not a checkpoint")
    witness.refused(
        FakeOpener(log, {path: {**answer, "public_key": "nonsense"}}), "not a verifier key"
    )
    witness.refused(FakeOpener(log, {path: {**answer, "root_hash": 7}}), "'root_hash' is not")
    witness.refused(FakeOpener(log, {path: [answer]}), "not a JSON object")
    witness.refused(
        FakeOpener(log, {path: {k: v for k, v in answer.items() if k != "origin"}}),
        "The log's checkpoint .* is malformed: 'origin'",
    )
    assert not witness.state.exists()


def test_an_empty_tree_with_another_root_is_refused(witness: Witness) -> None:
    log = FakeLog()
    body = Checkpoint(ORIGIN, 0, bytes(32))
    answer = {
        **log.checkpoint(),
        "root_hash": b64(bytes(32)),
        "signed_note": sign_note(body.text(), log.signer),
    }
    witness.refused(
        FakeOpener(log, {"/api/v1/audit/checkpoint": answer}),
        "empty tree but its root hash is not the empty tree's",
    )


def test_a_changed_log_key_or_origin_is_refused(witness: Witness) -> None:
    log = FakeLog().add(*events(3))
    witness.run(FakeOpener(log))
    rekeyed = FakeLog(Signer.generate(ORIGIN), ORIGIN, list(log.leaves)).add("event 3")
    witness.refused(FakeOpener(rekeyed), "The log's key has changed: this witness trusts")
    other_name = "bairn.example/another"
    renamed = FakeLog(log.signer, other_name, list(log.leaves))
    witness.refused(
        FakeOpener(renamed),
        f"The log's origin has changed from {ORIGIN} to {other_name}",
    )


def test_server_errors_and_an_unreachable_server_are_refused(witness: Witness) -> None:
    log = FakeLog().add(*events(3))
    checkpoint = "/api/v1/audit/checkpoint"
    broken = http_error(URL + checkpoint, 500, "Internal Server Error", {"detail": "boom"})
    witness.refused(
        FakeOpener(log, {checkpoint: broken}),
        f"The log answered GET {URL}{checkpoint} with 500 Internal Server Error: boom",
    )
    away = urllib.error.URLError(ConnectionRefusedError(111, "Connection refused"))
    witness.refused(
        FakeOpener(log, {checkpoint: away}), "Cannot reach the log .*Connection refused"
    )

    witness.run(FakeOpener(log))
    log.add("event 3")
    consistency = "/api/v1/audit/consistency"
    missing = http_error(URL + consistency, 404, "Not Found", {"detail": "No such tree."})
    witness.refused(FakeOpener(log, {consistency: missing}), r"with 404 Not Found: No such tree\.$")


def test_a_refused_post_is_an_error_after_the_state_is_recorded(witness: Witness) -> None:
    log = FakeLog().add(*events(3))
    post = "/api/v1/audit/cosignatures"
    unknown = http_error(URL + post, 403, "Forbidden", {"detail": "No witness named it."})
    opener = FakeOpener(log, {post: unknown})
    with pytest.raises(
        WitnessRefused, match=r"403 Forbidden: No witness named it\. The checkpoint"
    ):
        witness.run(opener)
    # tlog-witness: the state is kept before the cosignature leaves the witness.
    assert witness.saved()["tree_size"] == 3
    opener.answers.clear()
    assert "the log has not grown" in witness.run(opener)
    assert len(opener.posted) == 1


def test_a_bad_key_or_state_file_is_refused_naming_it(witness: Witness, tmp_path: Path) -> None:
    opener = FakeOpener(FakeLog().add(*events(3)))
    with pytest.raises(WitnessRefused, match=r"nothing\.key does not exist"):
        run_witness(URL, tmp_path / "nothing.key", witness.state, opener=opener)
    witness.state.write_text("{not json")
    with pytest.raises(WitnessRefused, match=r"The state file .*state\.json is not a witness's"):
        witness.run(opener)
    witness.state.write_text(json.dumps({"origin": ORIGIN}))
    with pytest.raises(WitnessRefused, match="is not a witness's state \\('log_key'\\)"):
        witness.run(opener)
    assert opener.posted == []
    with pytest.raises(WitnessRefused, match="must start with https:// or http://"):
        run_witness("bairn.example", witness.key, witness.state, opener=opener)
