"""Signed notes, checkpoints and cosignatures in the C2SP formats the audit log speaks.

- **Signed notes** (c2sp.org/signed-note, the format of golang.org/x/mod/sumdb/note): a
  text ending in a newline, a blank line, then one or more lines
  ``— <key name> base64(key hash || signature)``. A key hash is the first four bytes of
  SHA-256(name || 0x0A || algorithm || public key). Keys travel as *verifier keys*
  ``name+hex(hash)+base64(algorithm || public key)`` and, secret, as *signer keys*
  ``PRIVATE+KEY+name+hex(hash)+base64(algorithm || Ed25519 seed)``, the strings
  ``note.NewVerifier`` and ``note.NewSigner`` read.
- **Checkpoints** (c2sp.org/tlog-checkpoint): the note text ``origin``, the tree size in
  decimal, the base64 root hash of the RFC 6962 tree, then any extension lines.
- **Cosignatures** (c2sp.org/tlog-cosignature, Ed25519 ``cosignature/v1``): a witness
  signs ``cosignature/v1\\ntime <unix seconds>\\n`` followed by the checkpoint text; its
  note signature is key hash (computed with algorithm 0x04) || the time as 8 bytes
  big-endian || the 64-byte Ed25519 signature.

Two algorithms are known: 0x01, Ed25519 over the note text, and 0x04, the timestamped
cosignature. A Verifier of either kind checks the signatures its kind makes, so a note
carrying cosignatures opens with the witnesses' 0x04 verifiers like any other note.

Everything that is malformed or does not verify raises NoteError, a ValueError whose
message says in plain words what was wrong. Base64 is the standard alphabet with padding
(RFC 4648 §4), and only its canonical form is accepted.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

__all__ = [
    "ALG_COSIGNATURE_V1",
    "ALG_ED25519",
    "Checkpoint",
    "NoteError",
    "Signer",
    "Verifier",
    "cosign",
    "key_hash",
    "open_note",
    "read_key_file",
    "sign_note",
    "verify_cosignature",
    "write_key_file",
]

ALG_ED25519 = 0x01
ALG_COSIGNATURE_V1 = 0x04
ALGORITHMS = {ALG_ED25519: "Ed25519", ALG_COSIGNATURE_V1: "Ed25519 cosignature/v1"}

KEY_SIZE = 32  # an Ed25519 public key, and a private key's seed (RFC 8032)
SIGNATURE_SIZE = 64  # an Ed25519 signature
HASH_SIZE = 32  # an RFC 6962 (SHA-256) tree hash
COSIGNATURE_SIZE = 8 + SIGNATURE_SIZE  # timestamp || Ed25519 signature
MAX_TIMESTAMP = 2**63 - 1  # tlog-cosignature: the timestamp MUST NOT exceed 2^63 - 1
MAX_TREE_SIZE = 2**64 - 1  # tree sizes are uint64 in every tlog format
# signed-note: verifiers SHOULD limit the signatures in a note and MUST accept 16;
# golang.org/x/mod/sumdb/note refuses more than 100, and so do we.
MAX_SIGNATURES = 100

EM_DASH = "\u2014"
SIGNATURE_PREFIX = EM_DASH + " "
PRIVATE_PREFIX = "PRIVATE+KEY+"
COSIGNATURE_HEADER = "cosignature/v1\n"
_DECIMAL = re.compile(r"(?:0|[1-9][0-9]*)\Z")  # ASCII digits only, no leading zero
_HEX8 = re.compile(r"[0-9a-f]{8}\Z")


class NoteError(ValueError):
    """A key, note, checkpoint or cosignature that is malformed or does not verify."""


# --- encodings -----------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str, what: str) -> bytes:
    """Standard base64 with padding, in its canonical form only (so one value has one
    spelling: a root hash compared as text and as bytes agrees)."""
    try:
        data = base64.b64decode(text.encode("ascii"), validate=True)
    except (UnicodeEncodeError, binascii.Error):
        raise NoteError(f"{what} is not valid base64: {_show(text)}") from None
    if _b64(data) != text:
        raise NoteError(f"{what} is not valid base64 (not its canonical spelling): {_show(text)}")
    return data


def _show(text: str, limit: int = 80) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "…")


def _name_problem(name: str) -> str:
    """Why a key name is not allowed (signed-note: non-empty, no Unicode spaces and no
    "+"), or "" when it is."""
    if not name:
        return "a key name cannot be empty"
    if "+" in name:
        return f"the key name {name!r} contains a plus sign (+), which key names cannot"
    if any(c.isspace() for c in name):
        return f"the key name {name!r} contains a space, which key names cannot"
    if any(ord(c) < 0x20 for c in name):
        return f"the key name {name!r} contains a control character, which key names cannot"
    return ""


def _check_name(name: str) -> None:
    problem = _name_problem(name)
    if problem:
        raise NoteError(problem[0].upper() + problem[1:] + ".")


def _check_alg(alg: int) -> None:
    if alg not in ALGORITHMS:
        known = ", ".join(f"0x{a:02x} ({n})" for a, n in ALGORITHMS.items())
        raise NoteError(f"Unknown signature algorithm 0x{alg:02x}: only {known} are known.")


def _control_problem(text: str) -> str:
    for i, c in enumerate(text):
        if ord(c) < 0x20 and c != "\n":
            return f"it holds the control character {c!r} at position {i}"
        if 0xD800 <= ord(c) <= 0xDFFF:
            return f"it holds a lone surrogate {c!r} at position {i}, which is not UTF-8"
    return ""


def key_hash(name: str, alg: int, public_key: bytes) -> bytes:
    """The 4-byte key hash (key ID) of signed-note: SHA-256(name || 0x0A || alg || key)[:4]."""
    return hashlib.sha256(name.encode("utf-8") + b"\n" + bytes([alg]) + public_key).digest()[:4]


def _cosigned_message(text: bytes, timestamp: int) -> bytes:
    return f"{COSIGNATURE_HEADER}time {timestamp}\n".encode("ascii") + text


def _check_timestamp(timestamp: int) -> None:
    if not 0 <= timestamp <= MAX_TIMESTAMP:
        raise NoteError(
            f"A cosignature's time must be between 0 and {MAX_TIMESTAMP} seconds since 1970; "
            f"{timestamp} is not."
        )


# --- keys ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verifier:
    """A public key that checks signatures: the key name, the algorithm (0x01 Ed25519 or
    0x04 Ed25519 cosignature/v1) and the raw 32-byte Ed25519 public key."""

    name: str
    alg: int
    public_key: bytes

    def __post_init__(self) -> None:
        _check_name(self.name)
        _check_alg(self.alg)
        if len(self.public_key) != KEY_SIZE:
            raise NoteError(
                f"An Ed25519 public key is {KEY_SIZE} bytes; the key of {self.name} is "
                f"{len(self.public_key)}."
            )

    @property
    def key_hash(self) -> bytes:
        return key_hash(self.name, self.alg, self.public_key)

    def verifier_key(self) -> str:
        """The verifier key string, ``name+hex8+base64(alg || key)``."""
        return f"{self.name}+{self.key_hash.hex()}+{_b64(bytes([self.alg]) + self.public_key)}"

    @classmethod
    def parse(cls, vkey: str) -> Verifier:
        """Read a verifier key string (what `note.NewVerifier` reads)."""
        parts = vkey.split("+", 2)
        if len(parts) != 3:
            raise NoteError(
                f"A verifier key is three parts joined by '+' (name+hash+key); "
                f"{_show(vkey)} has {len(parts)}."
            )
        name, hash_hex, key64 = parts
        _check_name(name)
        if not _HEX8.match(hash_hex):
            raise NoteError(
                f"The key hash in the verifier key of {name} must be 8 lowercase hex digits; "
                f"it is {_show(hash_hex)}."
            )
        data = _unb64(key64, f"The key in the verifier key of {name}")
        if not data:
            raise NoteError(f"The verifier key of {name} holds no key.")
        if key_hash(name, data[0], data[1:]).hex() != hash_hex:
            raise NoteError(
                f"The key hash {hash_hex} in the verifier key of {name} does not match its "
                "name and key: the key was altered or belongs to another name."
            )
        return cls(name, data[0], data[1:])

    def verify(self, message: bytes, signature: bytes) -> bool:
        """Whether `signature` (the bytes after the 4-byte key hash in a note signature)
        is this key's signature of the note text `message`. For 0x04 it is the time and
        the Ed25519 signature of the cosignature/v1 message made of that time and the text."""
        if self.alg == ALG_COSIGNATURE_V1:
            if len(signature) != COSIGNATURE_SIZE:
                return False
            timestamp = int.from_bytes(signature[:8], "big")
            if timestamp > MAX_TIMESTAMP:
                return False
            message, signature = _cosigned_message(message, timestamp), signature[8:]
        if len(signature) != SIGNATURE_SIZE:
            return False
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, message)
        except (InvalidSignature, ValueError):
            return False
        return True


class Signer:
    """A private Ed25519 key with its name and algorithm; it signs note texts. For 0x04
    (a witness's cosigning key) `sign` makes a cosignature of the text at the current time."""

    __slots__ = ("_private", "alg", "name")

    def __init__(self, name: str, alg: int, private_key: Ed25519PrivateKey) -> None:
        _check_name(name)
        _check_alg(alg)
        self.name = name
        self.alg = alg
        self._private = private_key

    def __repr__(self) -> str:
        # Never the private key: a Signer may end up in a log or a traceback.
        return f"Signer({self.name!r}, alg=0x{self.alg:02x}, key_hash={self.key_hash.hex()})"

    @classmethod
    def generate(cls, name: str, alg: int = ALG_ED25519) -> Signer:
        """A new random key."""
        return cls(name, alg, Ed25519PrivateKey.generate())

    @classmethod
    def parse(cls, skey: str) -> Signer:
        """Read a signer key string, ``PRIVATE+KEY+name+hex8+base64(alg || seed)`` (what
        `note.NewSigner` reads). The hash is checked against the public key the seed makes."""
        if not skey.startswith(PRIVATE_PREFIX):
            raise NoteError("A signer key starts with PRIVATE+KEY+; this one does not.")
        parts = skey[len(PRIVATE_PREFIX) :].split("+", 2)
        if len(parts) != 3:
            raise NoteError(
                "A signer key is PRIVATE+KEY+ then three parts joined by '+' (name+hash+key); "
                f"this one has {len(parts)} after PRIVATE+KEY+."
            )
        name, hash_hex, key64 = parts
        _check_name(name)
        if not _HEX8.match(hash_hex):
            raise NoteError(
                f"The key hash in the signer key of {name} must be 8 lowercase hex digits."
            )
        # The message never shows the secret part, whatever is wrong with it.
        try:
            data = base64.b64decode(key64.encode("ascii"), validate=True)
        except (UnicodeEncodeError, binascii.Error):
            raise NoteError(f"The key in the signer key of {name} is not valid base64.") from None
        if not data or _b64(data) != key64:
            raise NoteError(f"The key in the signer key of {name} is not valid base64.")
        alg, seed = data[0], data[1:]
        _check_alg(alg)
        if len(seed) != KEY_SIZE:
            raise NoteError(
                f"An Ed25519 private key is a {KEY_SIZE}-byte seed; the signer key of {name} "
                f"holds {len(seed)} bytes."
            )
        signer = cls(name, alg, Ed25519PrivateKey.from_private_bytes(seed))
        if signer.key_hash.hex() != hash_hex:
            raise NoteError(
                f"The key hash {hash_hex} in the signer key of {name} does not match its name "
                "and key: the key was altered or belongs to another name."
            )
        return signer

    def _seed(self) -> bytes:
        return self._private.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )

    def _public_bytes(self) -> bytes:
        return self._private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )

    @property
    def key_hash(self) -> bytes:
        return key_hash(self.name, self.alg, self._public_bytes())

    def private_key_string(self) -> str:
        """The secret signer key string; keep it as secret as the key itself."""
        return (
            f"{PRIVATE_PREFIX}{self.name}+{self.key_hash.hex()}+"
            f"{_b64(bytes([self.alg]) + self._seed())}"
        )

    def verifier(self) -> Verifier:
        return Verifier(self.name, self.alg, self._public_bytes())

    def sign(self, message: bytes) -> bytes:
        """The signature of the note text `message` (without the key hash)."""
        if self.alg == ALG_COSIGNATURE_V1:
            timestamp = int(time.time())
            signed = self._private.sign(_cosigned_message(message, timestamp))
            return timestamp.to_bytes(8, "big") + signed
        return self._private.sign(message)

    def _sign_ed25519(self, message: bytes) -> bytes:
        return self._private.sign(message)


def write_key_file(path: Path, signer: Signer) -> None:
    """Write the signer key to a new file readable by its owner only (mode 0600); an
    existing file is never overwritten (NoteError)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise NoteError(f"{path} already exists: a key file is never overwritten.") from None
    except OSError as error:
        raise NoteError(f"Cannot create the key file {path}: {error.strerror}.") from None
    try:
        os.fchmod(fd, 0o600)  # whatever the umask
        os.write(fd, (signer.private_key_string() + "\n").encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)


def read_key_file(path: Path) -> Signer:
    """The signer whose key `path` holds (as write_key_file writes it)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise NoteError(f"The key file {path} does not exist.") from None
    except (OSError, UnicodeDecodeError) as error:
        raise NoteError(f"Cannot read the key file {path}: {error}.") from None
    try:
        return Signer.parse(text.strip())
    except NoteError as error:
        raise NoteError(f"The key file {path} does not hold a signer key: {error}") from None


# --- signed notes --------------------------------------------------------------------------


def _check_text(text: str) -> None:
    if not text.endswith("\n"):
        raise NoteError("A note's text must end with a newline.")
    problem = _control_problem(text)
    if problem:
        raise NoteError(
            f"A note's text cannot hold control characters other than newline: {problem}."
        )


def _signature_line(name: str, hash4: bytes, signature: bytes) -> str:
    return f"{SIGNATURE_PREFIX}{name} {_b64(hash4 + signature)}\n"


def sign_note(text: str, *signers: Signer) -> str:
    """The signed note of `text` (which ends in a newline) with one signature line by
    each signer, in order."""
    _check_text(text)
    if not signers:
        raise NoteError("A signed note needs at least one signer.")
    message = text.encode("utf-8")
    lines = "".join(_signature_line(s.name, s.key_hash, s.sign(message)) for s in signers)
    return text + "\n" + lines


def _parse_signature_line(line: str, number: int) -> tuple[str, bytes, bytes]:
    """(name, key hash, signature) of one signature line, without its newline."""
    if not line.startswith(SIGNATURE_PREFIX):
        raise NoteError(
            f"Signature line {number} does not start with an em dash and a space: {_show(line)}."
        )
    name, space, b64 = line[len(SIGNATURE_PREFIX) :].partition(" ")
    if not space:
        raise NoteError(
            f"Signature line {number} is not '— <key name> <base64 signature>': {_show(line)}."
        )
    if " " in b64:
        raise NoteError(
            f"Signature line {number} holds more than a key name and a signature (key names "
            f"cannot contain spaces): {_show(line)}."
        )
    problem = _name_problem(name)
    if problem:
        raise NoteError(f"Signature line {number} is malformed: {problem}.")
    data = _unb64(b64, f"The signature on line {number} (by {name})")
    if len(data) < 5:
        raise NoteError(
            f"The signature on line {number} (by {name}) is {len(data)} bytes: too short to "
            "hold a key hash and a signature."
        )
    return name, data[:4], data[4:]


def _split(note: str) -> tuple[str, list[str]]:
    """The text of a signed note and its signature lines."""
    problem = _control_problem(note)
    if problem:
        raise NoteError(
            f"A signed note cannot hold control characters other than newline: {problem}."
        )
    split = note.rfind("\n\n")
    if split < 0:
        raise NoteError(
            "A signed note is its text, a blank line, then signature lines; this one has no "
            "blank line."
        )
    text, signatures = note[: split + 1], note[split + 2 :]
    if not signatures:
        raise NoteError("The signed note has no signature lines after its blank line.")
    if not signatures.endswith("\n"):
        raise NoteError("The signed note's last signature line does not end with a newline.")
    lines = signatures[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise NoteError(
            f"The signed note has {len(lines)} signature lines; at most {MAX_SIGNATURES} are read."
        )
    return text, lines


def open_note(note: str, *verifiers: Verifier) -> tuple[str, list[Verifier]]:
    """The text of a signed note and the verifiers, of those given, whose signatures are
    on it (in the order of their lines). Lines by keys not given are ignored; a line by a
    given key (same name and key hash) whose signature does not verify is an error, and
    so is a note that no given key signed (signed-note "Signatures")."""
    known: dict[tuple[str, bytes], Verifier] = {}
    for v in verifiers:
        other = known.setdefault((v.name, v.key_hash), v)
        if other != v:
            raise NoteError(
                f"Two different verifiers of {v.name} have the same key hash "
                f"{v.key_hash.hex()}: which one signed cannot be told."
            )
    text, lines = _split(note)
    message = text.encode("utf-8")
    signed: list[Verifier] = []
    for number, line in enumerate(lines, start=1):
        name, hash4, signature = _parse_signature_line(line, number)
        verifier = known.get((name, hash4))
        if verifier is None:
            continue  # another key's signature: not ours to judge
        if not verifier.verify(message, signature):
            raise NoteError(
                f"The signature by {name} (key {hash4.hex()}) on line {number} does not verify: "
                "the note was altered after it was signed, or the signature is forged."
            )
        if verifier not in signed:
            signed.append(verifier)
    if not signed:
        names = ", ".join(f"{v.name}+{v.key_hash.hex()}" for v in known.values()) or "none given"
        raise NoteError(f"The note is not signed by any of the expected keys ({names}).")
    return text, signed


# --- checkpoints ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Checkpoint:
    """The body of a checkpoint (c2sp.org/tlog-checkpoint): who the log is, how many
    leaves its tree has, the tree's root hash, and any (opaque) extension lines."""

    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.origin:
            raise NoteError("A checkpoint's origin cannot be empty.")
        problem = _control_problem(self.origin)
        if "\n" in self.origin or problem:
            raise NoteError(
                f"A checkpoint's origin must be one line of text: {_show(self.origin)}."
            )
        if isinstance(self.size, bool) or not isinstance(self.size, int):
            raise NoteError(f"A checkpoint's tree size must be a whole number, not {self.size!r}.")
        if not 0 <= self.size <= MAX_TREE_SIZE:
            raise NoteError(
                f"A checkpoint's tree size must be between 0 and {MAX_TREE_SIZE}; "
                f"it is {self.size}."
            )
        if len(self.root_hash) != HASH_SIZE:
            raise NoteError(
                f"A checkpoint's root hash is {HASH_SIZE} bytes (SHA-256); this one is "
                f"{len(self.root_hash)}."
            )
        for number, line in enumerate(self.extensions, start=4):
            if not line or "\n" in line or _control_problem(line):
                raise NoteError(
                    f"Extension line {number} of a checkpoint must be one non-empty line of "
                    f"text: {_show(line)}."
                )

    def text(self) -> str:
        """The note text: origin, size and root hash lines, then the extension lines."""
        lines = [self.origin, str(self.size), _b64(self.root_hash), *self.extensions]
        return "".join(line + "\n" for line in lines)

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        """Read a checkpoint's note text (without its signatures)."""
        if not text.endswith("\n"):
            raise NoteError("A checkpoint's text must end with a newline.")
        lines = text[:-1].split("\n")
        if len(lines) < 3:
            raise NoteError(
                "A checkpoint's text is at least three lines (origin, tree size, root hash); "
                f"this one has {len(lines)}."
            )
        origin, size, root = lines[:3]
        if not origin:
            raise NoteError("A checkpoint's first line, its origin, cannot be empty.")
        if not _DECIMAL.match(size):
            raise NoteError(
                "A checkpoint's second line, the tree size, must be a decimal number without "
                f"leading zeros; it is {_show(size)}."
            )
        if len(size) > len(str(MAX_TREE_SIZE)):
            raise NoteError(f"A checkpoint's tree size is too large: {_show(size)}.")
        root_hash = _unb64(root, "A checkpoint's third line, the root hash,")
        return cls(origin, int(size), root_hash, tuple(lines[3:]))


# --- cosignatures --------------------------------------------------------------------------


def _cosigner_hash(name: str, public_key: bytes) -> bytes:
    return key_hash(name, ALG_COSIGNATURE_V1, public_key)


def cosign(checkpoint_text: str, signer: Signer, timestamp: int) -> str:
    """A witness's cosignature of a checkpoint at `timestamp` (unix seconds): the signature
    line ``— name base64(key hash || timestamp || signature)\\n`` (tlog-cosignature v1).
    The key hash is computed with 0x04 whatever the signer's own algorithm: the same
    Ed25519 key may serve."""
    Checkpoint.parse(checkpoint_text)  # a witness cosigns checkpoints, nothing else
    _check_text(checkpoint_text)
    _check_timestamp(timestamp)
    message = _cosigned_message(checkpoint_text.encode("utf-8"), timestamp)
    signature = timestamp.to_bytes(8, "big") + signer._sign_ed25519(message)
    hash4 = _cosigner_hash(signer.name, signer.verifier().public_key)
    return _signature_line(signer.name, hash4, signature)


def verify_cosignature(checkpoint_text: str, line: str, witness: Verifier) -> int:
    """The time (unix seconds) at which `witness` cosigned the checkpoint, from its
    signature line (with or without the final newline); NoteError if the line is not
    this witness's or does not verify. The witness may be given with algorithm 0x01 or
    0x04: either way its Ed25519 key is used, with the 0x04 key hash."""
    Checkpoint.parse(checkpoint_text)
    _check_text(checkpoint_text)
    if line.endswith("\n"):
        line = line[:-1]
    if "\n" in line:
        raise NoteError("A cosignature is one signature line; this holds several.")
    name, hash4, signature = _parse_signature_line(line, 1)
    if name != witness.name:
        raise NoteError(f"The cosignature is by {name}, not by the witness {witness.name}.")
    expected = _cosigner_hash(witness.name, witness.public_key)
    if hash4 != expected:
        raise NoteError(
            f"The cosignature by {name} has key hash {hash4.hex()}, not {expected.hex()}: it "
            "was made with another key, or is not a cosignature/v1."
        )
    if len(signature) != COSIGNATURE_SIZE:
        raise NoteError(
            f"A cosignature/v1 is a key hash, an 8-byte time and a {SIGNATURE_SIZE}-byte "
            f"signature; the one by {name} has {len(signature)} bytes after its key hash."
        )
    timestamp = int.from_bytes(signature[:8], "big")
    _check_timestamp(timestamp)
    cosigner = Verifier(witness.name, ALG_COSIGNATURE_V1, witness.public_key)
    if not cosigner.verify(checkpoint_text.encode("utf-8"), signature):
        raise NoteError(
            f"The cosignature by {name} does not verify: the checkpoint or the time was "
            "altered after it was signed, or the cosignature is forged."
        )
    return timestamp
