"""The witness's side of the audit log: `bairn audit witness --url URL --key FILE --state FILE`.

Run by another organisation, on its own machine, with its own key. Each run fetches the
log's latest checkpoint, checks it is signed by the log key the witness trusts and that
it is an extension of the last checkpoint this witness co-signed (an RFC 6962
consistency proof), and only then co-signs it (c2sp.org/tlog-cosignature, Ed25519 v1)
and posts the cosignature back to the log. So a log that rewrites or removes history,
or shows a different tree to someone else (a fork), is caught by the next run: the
witness refuses, and the command exits non-zero saying why.

The rules are those a C2SP witness follows (c2sp.org/tlog-witness, "add-checkpoint"),
over Bairn's JSON API (docs/API.md "Audit log"):

- The first run trusts the log's key and origin and records them in the state file
  (trust on first use); later runs refuse any other key or origin.
- A checkpoint smaller than the one co-signed, or of the same size with another root
  hash, is refused; a larger one needs a consistency proof from the co-signed one.
- The new state is written (atomically: a temporary file renamed over the old) before
  the cosignature is posted, as tlog-witness requires a witness to persist a checkpoint
  before it releases a cosignature: a crash between the two leaves a state that is
  ahead of the log's copy of the cosignature, never behind what the witness signed.
- One run at a time per state file (a lock on STATE.lock), so two runs cannot roll the
  state back.

The state file is JSON: {"origin", "log_key" (the C2SP verifier key), "tree_size",
"root_hash" (base64), "cosigned_at" (ISO 8601, UTC)}.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import fcntl
import json
import os
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from bairn.audit import merkle
from bairn.audit.note import (
    Checkpoint,
    NoteError,
    Signer,
    Verifier,
    cosign,
    open_note,
    read_key_file,
)

__all__ = ["Opener", "WitnessRefused", "WitnessState", "run_witness"]

TIMEOUT = 30.0  # seconds for each request
MAX_RESPONSE = 1 << 20  # bytes: a checkpoint or a proof is a few kilobytes
MAX_PROOF = 63  # tlog-witness: a consistency proof has at most 63 hashes
CHECKPOINT_PATH = "/api/v1/audit/checkpoint"
CONSISTENCY_PATH = "/api/v1/audit/consistency"
COSIGNATURES_PATH = "/api/v1/audit/cosignatures"


class WitnessRefused(Exception):
    """Why the witness did not co-sign (the command exits non-zero with this message)."""


class Response(Protocol):
    def read(self, amt: int = ..., /) -> bytes: ...

    def close(self) -> None: ...


class Opener(Protocol):
    """What sends the requests: urllib.request.OpenerDirector (build_opener()) or a fake."""

    def open(self, fullurl: urllib.request.Request, /, *, timeout: float) -> Response: ...


@dataclass(frozen=True)
class WitnessState:
    """The last checkpoint this witness co-signed, and the log it trusts."""

    origin: str
    log_key: str
    tree_size: int
    root_hash: bytes
    cosigned_at: str

    @classmethod
    def read(cls, path: Path) -> WitnessState | None:
        """The state in `path`, or None when there is none yet (the first run)."""
        try:
            raw = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as error:
            raise WitnessRefused(f"Cannot read the state file {path}: {error}.") from None
        try:
            data = json.loads(raw)
            state = cls(
                origin=_text(data, "origin"),
                log_key=_text(data, "log_key"),
                tree_size=_whole(data, "tree_size"),
                root_hash=_hash(data, "root_hash"),
                cosigned_at=_text(data, "cosigned_at"),
            )
            Verifier.parse(state.log_key)
        except (ValueError, TypeError, KeyError) as error:
            raise WitnessRefused(
                f"The state file {path} is not a witness's state ({error}). Restore it from a "
                "backup: starting afresh would trust whatever the log shows now."
            ) from None
        return state

    def write(self, path: Path) -> None:
        """Replace the state file atomically: a temporary file beside it, renamed over it."""
        data = {
            "origin": self.origin,
            "log_key": self.log_key,
            "tree_size": self.tree_size,
            "root_hash": base64.b64encode(self.root_hash).decode("ascii"),
            "cosigned_at": self.cosigned_at,
        }
        directory = path.parent
        try:
            fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
        except OSError as error:
            raise WitnessRefused(f"Cannot write the state file {path}: {error}.") from None
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(data, out, indent=2)
                out.write("\n")
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, path)
            dirfd = os.open(directory, os.O_RDONLY)
            try:
                os.fsync(dirfd)  # the rename itself survives a crash
            finally:
                os.close(dirfd)
        except OSError as error:
            Path(temporary).unlink(missing_ok=True)
            raise WitnessRefused(f"Cannot write the state file {path}: {error}.") from None


# --- reading the log's answers -------------------------------------------------------------


def _text(data: Any, key: str) -> str:
    value = data[key]
    if not isinstance(value, str) or not value:
        raise ValueError(f"{key!r} is not a non-empty string")
    return value


def _whole(data: Any, key: str) -> int:
    value = data[key]
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{key!r} is not a whole number")
    return value


def _b64hash(value: object, what: str) -> bytes:
    if not isinstance(value, str):
        raise ValueError(f"{what} is not a string")
    try:
        raw = base64.b64decode(value.encode("ascii"), validate=True)
    except (UnicodeEncodeError, binascii.Error):
        raise ValueError(f"{what} is not base64") from None
    if len(raw) != merkle.HASH_SIZE:
        raise ValueError(f"{what} is {len(raw)} bytes, not {merkle.HASH_SIZE}")
    return raw


def _hash(data: Any, key: str) -> bytes:
    return _b64hash(data[key], repr(key))


def _describe(error: urllib.error.HTTPError) -> str:
    """The status, its reason, and what the server said (its JSON "detail" if any)."""
    said = ""
    try:
        body = error.read(MAX_RESPONSE).decode("utf-8", "replace")
        try:
            parsed = json.loads(body)
            said = str(parsed.get("detail", "")) if isinstance(parsed, dict) else ""
        except ValueError:
            said = body.strip()[:200]
    except OSError:
        pass
    said = said.strip().rstrip(".")
    return f"{error.code} {error.reason}" + (f": {said}" if said else "")


def _send(opener: Opener, request: urllib.request.Request) -> bytes:
    what = f"{request.get_method()} {request.full_url}"
    try:
        response = opener.open(request, timeout=TIMEOUT)
    except urllib.error.HTTPError as error:
        raise WitnessRefused(f"The log answered {what} with {_describe(error)}.") from None
    except urllib.error.URLError as error:
        raise WitnessRefused(f"Cannot reach the log for {what}: {error.reason}.") from None
    except (OSError, ValueError) as error:
        raise WitnessRefused(f"Cannot reach the log for {what}: {error}.") from None
    try:
        status = getattr(response, "status", 200)
        body = response.read(MAX_RESPONSE + 1)
    except OSError as error:
        raise WitnessRefused(f"The log's answer to {what} broke off: {error}.") from None
    finally:
        response.close()
    if not 200 <= status < 300:
        raise WitnessRefused(f"The log answered {what} with {status}.")
    if len(body) > MAX_RESPONSE:
        raise WitnessRefused(f"The log's answer to {what} is larger than {MAX_RESPONSE} bytes.")
    return body


def _json(opener: Opener, request: urllib.request.Request) -> Any:
    body = _send(opener, request)
    try:
        return json.loads(body)
    except ValueError:
        raise WitnessRefused(
            f"The log's answer to {request.get_method()} {request.full_url} is not JSON."
        ) from None


def _get(opener: Opener, url: str) -> Any:
    # run_witness allows only http(s) addresses (S310).
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310
    return _json(opener, request)


@dataclass(frozen=True)
class _Seen:
    """The log's latest checkpoint as it answered, checked against its own signature."""

    log_key: Verifier
    body: Checkpoint
    text: str


def _checkpoint(opener: Opener, base: str) -> _Seen:
    url = base + CHECKPOINT_PATH
    answer = _get(opener, url)
    try:
        if not isinstance(answer, dict):
            raise ValueError("it is not a JSON object")
        origin = _text(answer, "origin")
        tree_size = _whole(answer, "tree_size")
        root_hash = _hash(answer, "root_hash")
        signed_note = _text(answer, "signed_note")
        public_key = _text(answer, "public_key")
    except (ValueError, KeyError) as error:
        raise WitnessRefused(f"The log's checkpoint ({url}) is malformed: {error}.") from None
    try:
        log_key = Verifier.parse(public_key)
    except NoteError as error:
        raise WitnessRefused(f"The log's public key is not a verifier key: {error}") from None
    try:
        text, _ = open_note(signed_note, log_key)
    except NoteError as error:
        raise WitnessRefused(
            f"The log's checkpoint is not signed by the log's key {log_key.verifier_key()}: {error}"
        ) from None
    try:
        body = Checkpoint.parse(text)
    except NoteError as error:
        raise WitnessRefused(f"The log's signed note is not a checkpoint: {error}") from None
    if (body.origin, body.size, body.root_hash) != (origin, tree_size, root_hash):
        raise WitnessRefused(
            "The log's signed checkpoint says something other than its answer: the note is "
            f"for {body.origin} at size {body.size}, root {_b64(body.root_hash)}; the answer "
            f"says {origin} at size {tree_size}, root {_b64(root_hash)}."
        )
    if body.size == 0 and body.root_hash != merkle.EMPTY_ROOT:
        raise WitnessRefused(
            "The log's checkpoint is of an empty tree but its root hash is not the empty "
            "tree's (SHA-256 of nothing)."
        )
    return _Seen(log_key, body, text)


def _consistency(opener: Opener, base: str, first: int, second: int) -> list[bytes]:
    query = urllib.parse.urlencode({"from": first, "to": second})
    url = f"{base}{CONSISTENCY_PATH}?{query}"
    answer = _get(opener, url)
    try:
        if not isinstance(answer, dict):
            raise ValueError("it is not a JSON object")
        if (_whole(answer, "from"), _whole(answer, "to")) != (first, second):
            raise ValueError(f"it is a proof between other sizes, not {first} and {second}")
        hashes = answer["hashes"]
        if not isinstance(hashes, list) or len(hashes) > MAX_PROOF:
            raise ValueError(f"'hashes' is not a list of at most {MAX_PROOF} hashes")
        return [_b64hash(h, f"hash {i}") for i, h in enumerate(hashes)]
    except (ValueError, KeyError) as error:
        raise WitnessRefused(
            f"The log's consistency proof ({url}) is malformed: {error}."
        ) from None


def _b64(h: bytes) -> str:
    return base64.b64encode(h).decode("ascii")


@contextmanager
def _locked(state_file: Path) -> Iterator[None]:
    lock = state_file.with_name(state_file.name + ".lock")
    try:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as error:
        raise WitnessRefused(f"Cannot open the lock file {lock}: {error.strerror}.") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise WitnessRefused(
                f"Another witness run holds {lock}: one run at a time per state file."
            ) from None
        yield
    finally:
        os.close(fd)


# --- the run -------------------------------------------------------------------------------


def run_witness(url: str, key_file: Path, state_file: Path, *, opener: Opener | None = None) -> str:
    """Fetch the log's checkpoint at `url` (the Bairn server's address), check it against
    the state, co-sign it with the key in `key_file`, post the cosignature, and return a
    one-line summary; WitnessRefused says why it did not."""
    base = url.rstrip("/")
    if urllib.parse.urlsplit(base).scheme not in ("http", "https"):
        raise WitnessRefused(f"The log's address must start with https:// or http://: {url!r}.")
    send: Opener = opener if opener is not None else urllib.request.build_opener()
    try:
        witness: Signer = read_key_file(key_file)
    except NoteError as error:
        raise WitnessRefused(str(error)) from None

    with _locked(state_file):
        state = WitnessState.read(state_file)
        seen = _checkpoint(send, base)
        body = seen.body
        if state is not None:
            _check_against(state, seen, send, base)

        timestamp = int(time.time())
        line = cosign(seen.text, witness, timestamp)
        WitnessState(
            origin=body.origin,
            log_key=seen.log_key.verifier_key(),
            tree_size=body.size,
            root_hash=body.root_hash,
            cosigned_at=dt.datetime.fromtimestamp(timestamp, dt.UTC).isoformat(),
        ).write(state_file)

        payload = json.dumps({"witness": witness.name, "signed_note": seen.text + "\n" + line})
        request = urllib.request.Request(  # noqa: S310 (an http(s) address, checked above)
            base + COSIGNATURES_PATH,
            data=payload.encode("utf-8"),
            headers={"Content-Type": "application/json", "Accept": "application/json"},
            method="POST",
        )
        try:
            _send(send, request)
        except WitnessRefused as error:
            raise WitnessRefused(
                f"{error} The checkpoint of size {body.size} is co-signed and recorded in "
                f"{state_file}; the next run posts the cosignature again."
            ) from None

    if state is None:
        how = f"first run: trusted the log key {seen.log_key.verifier_key()}"
    elif state.tree_size == body.size:
        how = "the log has not grown since the last run"
    else:
        how = f"it extends the tree of {state.tree_size:,} this witness co-signed before"
    return f"Co-signed {body.origin} at tree size {body.size:,} as {witness.name} ({how})."


def _check_against(state: WitnessState, seen: _Seen, opener: Opener, base: str) -> None:
    """Refuse a log other than the trusted one, or a tree that is not an extension of
    the one this witness co-signed (tlog-witness "add-checkpoint")."""
    body = seen.body
    if seen.log_key.verifier_key() != state.log_key:
        raise WitnessRefused(
            f"The log's key has changed: this witness trusts {state.log_key}, the log now "
            f"signs with {seen.log_key.verifier_key()}. If its operator really replaced the "
            "key, check that with them and start a new state file."
        )
    if body.origin != state.origin:
        raise WitnessRefused(
            f"The log's origin has changed from {state.origin} to {body.origin}: this "
            "witness co-signs one log per state file."
        )
    if body.size < state.tree_size:
        raise WitnessRefused(
            f"The log is smaller than the checkpoint this witness co-signed: history was "
            f"removed or an older backup restored (it has {body.size:,} entries; this "
            f"witness co-signed {state.tree_size:,} at {state.cosigned_at})."
        )
    if body.size == state.tree_size:
        if body.root_hash != state.root_hash:
            raise WitnessRefused(
                f"The log has forked: at size {body.size:,} its root hash is now "
                f"{_b64(body.root_hash)}, but this witness co-signed {_b64(state.root_hash)}. "
                "History was rewritten."
            )
        return
    if state.tree_size == 0:
        return  # the empty tree is consistent with every tree
    proof = _consistency(opener, base, state.tree_size, body.size)
    if not merkle.verify_consistency(
        state.tree_size, body.size, state.root_hash, body.root_hash, proof
    ):
        raise WitnessRefused(
            f"The log of size {body.size:,} is not an extension of what this witness saw at "
            f"size {state.tree_size:,}: its consistency proof does not verify, so history "
            "was rewritten."
        )
