"""Signed notes, checkpoints and cosignatures (bairn.audit.note), without a database.

The fixed keys, note and signatures are the test vectors of golang.org/x/mod's
sumdb/note/note_test.go at commit fe2ec04f7c3c3aa6fad97631aafcff6e49e2d1db
(https://github.com/golang/mod, Copyright 2019 The Go Authors, BSD-style licence), and
the examples of C2SP's signed-note.md and tlog-checkpoint.md at commit
5ba5ee830903e91240fc6f9f3a7a9293d49e69c9 (https://github.com/C2SP/C2SP).
"""

from __future__ import annotations

import base64
import hashlib
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from bairn.audit.note import (
    ALG_COSIGNATURE_V1,
    ALG_ED25519,
    Checkpoint,
    NoteError,
    Signer,
    Verifier,
    cosign,
    key_hash,
    open_note,
    read_key_file,
    sign_note,
    verify_cosignature,
    write_key_file,
)

pytestmark = pytest.mark.nodb

# --- golang.org/x/mod sumdb/note/note_test.go (fe2ec04f7c3c3aa6fad97631aafcff6e49e2d1db) ---
PETER_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
PETER_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
ENOCH_VKEY = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"
TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
PETER_SIG = (
    "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngot"
    "pRZb6KE6RyyBwJnAM=\n"
)
ENOCH_SIG = (
    "— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLo"
    "x33WWd1RvMc+QQ=\n"
)
# TestNewVerifier: "wrong length key, with adjusted key hash" and "unknown algorithm,
# with adjusted key hash".
BAD_LENGTH_VKEY = "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY=="
BAD_ALG_VKEY = "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"

# --- C2SP signed-note.md "Example", tlog-checkpoint.md (5ba5ee830903e91240fc6f9f3a7a9293d49e69c9)
FOO_VKEY = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
FOO_NOTE = (
    "This is an example message.\n"
    "\n"
    "— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXm"
    "RKuwHjG1Yu72IneyaQM=\n"
)
SOFA_TEXT = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"


def peter() -> Verifier:
    return Verifier.parse(PETER_VKEY)


def enoch() -> Verifier:
    return Verifier.parse(ENOCH_VKEY)


def raises(match: str) -> pytest.RaisesExc[NoteError]:
    return pytest.raises(NoteError, match=match)


# --- keys ----------------------------------------------------------------------------------


def test_the_go_verifier_key_reads_and_writes_back_the_same() -> None:
    v = peter()
    assert (v.name, v.alg, v.key_hash.hex()) == ("PeterNeumann", ALG_ED25519, "c74f20a3")
    assert len(v.public_key) == 32
    assert v.verifier_key() == PETER_VKEY
    assert v.key_hash == key_hash("PeterNeumann", ALG_ED25519, v.public_key)
    assert v.key_hash == hashlib.sha256(b"PeterNeumann\n\x01" + v.public_key).digest()[:4]


def test_the_go_signer_key_reads_and_writes_back_the_same_and_matches_its_verifier_key() -> None:
    signer = Signer.parse(PETER_SKEY)
    assert signer.name == "PeterNeumann"
    assert signer.alg == ALG_ED25519
    assert signer.private_key_string() == PETER_SKEY
    assert signer.verifier() == peter()
    assert signer.verifier().verifier_key() == PETER_VKEY


def test_a_signer_never_shows_its_private_key() -> None:
    signer = Signer.parse(PETER_SKEY)
    seed64 = PETER_SKEY.rsplit("+", 1)[1]
    assert seed64 not in repr(signer)
    assert seed64[1:12] not in repr(signer)
    assert "c74f20a3" in repr(signer)


def _manglings(key: str) -> list[str]:
    """Every part of the key but the whole, and the key with each character moved up by
    one (TestNewVerifier and TestNewSigner)."""
    parts = [key[i:j] for i in range(len(key) + 1) for j in range(i + 1, len(key) + 1)]
    parts.remove(key)
    bumped = [key[:i] + chr(ord(key[i]) + 1) + key[i + 1 :] for i in range(len(key))]
    return parts + bumped


def test_every_mangling_of_the_go_verifier_key_is_refused() -> None:
    for mangled in _manglings(PETER_VKEY):
        with pytest.raises(NoteError):
            Verifier.parse(mangled)


def test_every_mangling_of_the_go_signer_key_is_refused() -> None:
    for mangled in _manglings(PETER_SKEY):
        with pytest.raises(NoteError):
            Signer.parse(mangled)


def test_a_verifier_key_of_the_wrong_length_or_an_unknown_algorithm_is_refused() -> None:
    # Go's wrong-length vector ends in non-canonical base64, which is refused first.
    with raises("not its canonical spelling"):
        Verifier.parse(BAD_LENGTH_VKEY)
    data = base64.b64decode(PETER_VKEY.split("+")[2]) + b"BADKEY"
    hash_hex = key_hash("PeterNeumann", data[0], data[1:]).hex()
    with raises("public key is 32 bytes; the key of PeterNeumann is 38"):
        Verifier.parse(f"PeterNeumann+{hash_hex}+{base64.b64encode(data).decode()}")
    with raises("Unknown signature algorithm 0x65"):
        Verifier.parse(BAD_ALG_VKEY)


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("example.com+log", "plus sign"),
        ("example.com log", "contains a space"),
        ("example.com\u00a0log", "contains a space"),
        ("example.com\tlog", "contains a space"),
        ("", "cannot be empty"),
    ],
)
def test_a_key_name_with_a_plus_or_a_space_or_nothing_is_refused(name: str, problem: str) -> None:
    with raises(problem):
        Signer.generate(name)
    with raises(problem):
        Verifier(name, ALG_ED25519, bytes(32))
    # A verifier key whose hash was made for that name is refused for the name too.
    data = bytes([ALG_ED25519]) + bytes(32)
    vkey = (
        f"{name}+{key_hash(name, ALG_ED25519, bytes(32)).hex()}+{base64.b64encode(data).decode()}"
    )
    with pytest.raises(NoteError):
        Verifier.parse(vkey)


def test_a_verifier_key_whose_hash_does_not_match_is_refused() -> None:
    name, hash_hex, key64 = PETER_VKEY.split("+")
    with raises("key hash c74f20a4 in the verifier key of PeterNeumann does not match"):
        Verifier.parse(f"{name}+c74f20a4+{key64}")
    # The same key under another name: the hash no longer matches.
    with raises("key hash c74f20a3 in the verifier key of PaulNeumann does not match"):
        Verifier.parse(f"PaulNeumann+{hash_hex}+{key64}")
    with raises("8 lowercase hex digits"):
        Verifier.parse(f"{name}+C74F20A3+{key64}")


def test_a_truncated_verifier_key_is_refused_as_bad_base64() -> None:
    with raises("not valid base64"):
        Verifier.parse(PETER_VKEY[:-1])
    with raises("not valid base64"):
        Verifier.parse(PETER_VKEY[:-4] + "====")
    with raises("three parts"):
        Verifier.parse(PETER_VKEY.rsplit("+", 1)[0])


def test_a_signer_key_that_is_not_one_is_refused_without_showing_the_secret() -> None:
    seed64 = PETER_SKEY.rsplit("+", 1)[1]
    with raises("starts with PRIVATE\\+KEY\\+"):
        Signer.parse(PETER_VKEY)
    with pytest.raises(NoteError) as refused:
        Signer.parse(PETER_SKEY[:-1])
    assert "not valid base64" in str(refused.value)
    assert seed64[:-1] not in str(refused.value)
    with raises("does not match its name and key"):
        Signer.parse(PETER_SKEY.replace("c74f20a3", "c74f20a4"))


def test_generated_keys_round_trip_through_their_strings() -> None:
    for alg in (ALG_ED25519, ALG_COSIGNATURE_V1):
        signer = Signer.generate("witness.example/w1", alg)
        again = Signer.parse(signer.private_key_string())
        assert again.private_key_string() == signer.private_key_string()
        assert again.verifier() == signer.verifier()
        vkey = signer.verifier().verifier_key()
        assert vkey.startswith(f"witness.example/w1+{signer.verifier().key_hash.hex()}+")
        assert Verifier.parse(vkey) == signer.verifier()
        assert signer.verifier().key_hash == key_hash(
            "witness.example/w1", alg, signer.verifier().public_key
        )
    assert Signer.generate("a").private_key_string() != Signer.generate("a").private_key_string()
    with raises("Unknown signature algorithm 0x02"):
        Signer.generate("a", 0x02)


def test_a_verifier_checks_raw_signatures() -> None:
    signer = Signer.parse(PETER_SKEY)
    signature = signer.sign(b"hi")
    assert peter().verify(b"hi", signature)
    assert not peter().verify(b"hj", signature)
    assert not peter().verify(b"hi", bytes([signature[0] ^ 1]) + signature[1:])
    assert not peter().verify(b"hi", signature[:-1])
    assert not enoch().verify(b"hi", signature)


# --- key files -----------------------------------------------------------------------------


def test_a_key_file_round_trips_with_mode_0600_and_is_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "log.key"
    signer = Signer.generate("bairn.example/audit")
    write_key_file(path, signer)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert read_key_file(path).private_key_string() == signer.private_key_string()

    with raises("already exists"):
        write_key_file(path, Signer.generate("bairn.example/audit"))
    assert read_key_file(path).private_key_string() == signer.private_key_string()


def test_a_missing_or_malformed_key_file_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "nothing.key"
    with pytest.raises(NoteError, match="does not exist") as refused:
        read_key_file(missing)
    assert str(missing) in str(refused.value)

    bad = tmp_path / "bad.key"
    bad.write_text(PETER_VKEY + "\n")
    with pytest.raises(NoteError, match="does not hold a signer key") as refused:
        read_key_file(bad)
    assert str(bad) in str(refused.value)

    wrong = tmp_path / "wrong.key"
    wrong.write_text(PETER_SKEY.replace("c74f20a3", "00000000"))
    with pytest.raises(NoteError, match="does not match") as refused:
        read_key_file(wrong)
    assert str(wrong) in str(refused.value)


# --- signed notes --------------------------------------------------------------------------


def test_signing_the_go_text_gives_the_go_note() -> None:
    # Ed25519 signatures are deterministic (RFC 8032), so the note is byte for byte Go's.
    assert sign_note(TEXT, Signer.parse(PETER_SKEY)) == TEXT + "\n" + PETER_SIG


def test_the_go_note_opens_with_the_keys_that_signed_it() -> None:
    note = TEXT + "\n" + PETER_SIG + ENOCH_SIG
    assert open_note(note, peter()) == (TEXT, [peter()])
    assert open_note(note, enoch()) == (TEXT, [enoch()])
    assert open_note(note, peter(), enoch()) == (TEXT, [peter(), enoch()])
    assert open_note(note, enoch(), peter()) == (TEXT, [peter(), enoch()])
    # The same verifier given twice is one verifier.
    assert open_note(TEXT + "\n" + PETER_SIG, enoch(), peter(), enoch()) == (TEXT, [peter()])


def test_the_c2sp_example_note_opens() -> None:
    foo = Verifier.parse(FOO_VKEY)
    assert open_note(FOO_NOTE, foo) == ("This is an example message.\n", [foo])


def test_a_note_signed_by_no_expected_key_is_refused() -> None:
    note = TEXT + "\n" + PETER_SIG + ENOCH_SIG
    with raises("not signed by any of the expected keys \\(none given\\)"):
        open_note(note)
    stranger = Signer.generate("PeterNeumann").verifier()  # same name, another key
    with raises("not signed by any of the expected keys \\(PeterNeumann\\+"):
        open_note(note, stranger)
    # A line by an unknown key only.
    with raises("not signed by any of the expected keys"):
        open_note(TEXT + "\n" + ENOCH_SIG, peter())


def test_a_failing_signature_by_a_known_key_is_refused_even_beside_a_good_one() -> None:
    # TestOpen "Invalid signature": four characters inserted into Peter's signature.
    forged = PETER_SIG[:60] + "ABCD" + PETER_SIG[60:]
    with raises("signature by PeterNeumann \\(key c74f20a3\\) on line 1 does not verify"):
        open_note(TEXT + "\n" + forged, peter())
    with raises("on line 2 does not verify"):
        open_note(TEXT + "\n" + PETER_SIG + forged, peter())
    # Unknown to the reader, the same line is ignored.
    assert open_note(TEXT + "\n" + forged + ENOCH_SIG, enoch()) == (TEXT, [enoch()])


def test_repeated_and_unknown_lines_are_tolerated() -> None:
    # TestOpen "Duplicated verified and unverified signatures".
    enoch_abcd = ENOCH_SIG[:60] + "ABCD" + ENOCH_SIG[60:]
    note = TEXT + "\n" + PETER_SIG + PETER_SIG + ENOCH_SIG + ENOCH_SIG + enoch_abcd
    assert open_note(note, peter()) == (TEXT, [peter()])


def test_tampered_text_is_refused() -> None:
    note = TEXT.replace("answer", "Answer") + "\n" + PETER_SIG
    with raises("does not verify: the note was altered"):
        open_note(note, peter())


@pytest.mark.parametrize(
    ("note", "problem"),
    # TestOpen's badMsgs, in order, then ours.
    [
        (TEXT, "has no blank line"),
        (TEXT + "\n", "no signature lines after its blank line"),
        (TEXT + "\n" + PETER_SIG[:-1], "last signature line does not end with a newline"),
        ("\x01" + TEXT + "\n" + PETER_SIG, "control character '\\\\x01' at position 0"),
        ("\udcff" + TEXT + "\n" + PETER_SIG, "not UTF-8"),
        (TEXT + "\n— Bad Name " + PETER_SIG.split()[2], "does not end with a newline"),
        (TEXT + "\n— Bad Name " + PETER_SIG.split()[2] + "\n", "more than a key name and a"),
        (TEXT + "\n" + PETER_SIG + "Unexpected line.\n", "line 2 does not start with an em dash"),
        (TEXT + "\n" + PETER_SIG * 101, "101 signature lines; at most 100"),
        (TEXT + "\n— PeterNeumann\n", "is not '— <key name> <base64 signature>'"),
        (TEXT + "\n" + PETER_SIG[:-2] + "\n", "not valid base64"),
        (TEXT + "\n" + PETER_SIG[:-3] + "\n", "not valid base64"),
        (TEXT + "\n— PeterNeumann x08g\n", "too short"),
        (TEXT + "\n— a+b " + PETER_SIG.split()[2] + "\n", "plus sign"),
        (
            TEXT + "\n- PeterNeumann " + PETER_SIG.split()[2] + "\n",
            "does not start with an em dash",
        ),
    ],
)
def test_a_malformed_note_is_refused_saying_why(note: str, problem: str) -> None:
    with raises(problem):
        open_note(note, peter())


def test_the_text_is_separated_by_the_last_blank_line() -> None:
    signer = Signer.generate("example.com/log")
    text = "first\n\nthird\n\n\nsixth\n"
    assert open_note(sign_note(text, signer), signer.verifier()) == (text, [signer.verifier()])


def test_signing_refuses_text_without_a_final_newline_or_with_control_characters() -> None:
    signer = Signer.parse(PETER_SKEY)
    with raises("must end with a newline"):
        sign_note(TEXT[:-1], signer)
    with raises("control characters other than newline"):
        sign_note("a\rb\n", signer)
    with raises("at least one signer"):
        sign_note(TEXT)


def test_sign_and_open_round_trip_with_several_signers() -> None:
    log = Signer.generate("example.com/log")
    other = Signer.generate("example.com/other")
    note = sign_note(TEXT, log, other)
    assert note.startswith(TEXT + "\n— example.com/log ")
    assert note.count("\n— ") == 2
    assert open_note(note, log.verifier()) == (TEXT, [log.verifier()])
    assert open_note(note, other.verifier(), log.verifier()) == (
        TEXT,
        [log.verifier(), other.verifier()],
    )


def test_one_key_under_two_algorithms_has_two_key_hashes() -> None:
    v = peter()
    twin = Verifier(v.name, ALG_COSIGNATURE_V1, v.public_key)
    assert twin.key_hash != v.key_hash  # the algorithm is part of the hash
    assert open_note(TEXT + "\n" + PETER_SIG, v, twin) == (TEXT, [v])


def test_two_different_keys_with_one_name_and_key_hash_are_refused() -> None:
    # A 4-byte key hash collides by the birthday bound after some 2**16 keys: find two
    # (the same ones every run), as an attacker would.
    seen: dict[bytes, bytes] = {}
    i = 0
    while True:
        key = hashlib.sha256(i.to_bytes(8, "big")).digest()
        hash4 = key_hash("PeterNeumann", ALG_ED25519, key)
        if hash4 in seen:
            break
        seen[hash4] = key
        i += 1
    first = Verifier("PeterNeumann", ALG_ED25519, seen[hash4])
    second = Verifier("PeterNeumann", ALG_ED25519, key)
    assert first != second
    assert first.key_hash == second.key_hash
    with raises("Two different verifiers of PeterNeumann have the same key hash"):
        open_note(TEXT + "\n" + PETER_SIG, peter(), first, second)


# --- checkpoints ---------------------------------------------------------------------------


def test_the_c2sp_checkpoint_body_reads_and_writes_back_the_same() -> None:
    body = Checkpoint.parse(SOFA_TEXT)
    assert body.origin == "example.com/behind-the-sofa"
    assert body.size == 20852163
    assert body.root_hash == base64.b64decode("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=")
    assert body.extensions == ()
    assert body.text() == SOFA_TEXT


def test_a_checkpoint_body_is_origin_decimal_size_and_standard_base64_root() -> None:
    root = bytes(range(0xE0, 0x100))  # encodes with '+' and '/' in standard base64
    body = Checkpoint("bairn.example/audit", 10, root)
    assert body.text() == "bairn.example/audit\n10\n4OHi4+Tl5ufo6err7O3u7/Dx8vP09fb3+Pn6+/z9/v8=\n"
    assert Checkpoint.parse(body.text()) == body
    empty = Checkpoint("bairn.example/audit", 0, hashlib.sha256(b"").digest())
    assert empty.text().split("\n")[1] == "0"
    assert Checkpoint.parse(empty.text()) == empty
    extended = Checkpoint("o", 1, root, ("ext one", "ext two"))
    assert extended.text().endswith("\next one\next two\n")
    assert Checkpoint.parse(extended.text()) == extended


ROOT64 = base64.b64encode(bytes(32)).decode()


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (f"o\n007\n{ROOT64}\n", "without leading zeros"),
        (f"o\n00\n{ROOT64}\n", "without leading zeros"),
        (f"o\n+7\n{ROOT64}\n", "without leading zeros"),
        (f"o\n-1\n{ROOT64}\n", "without leading zeros"),
        (f"o\n 7\n{ROOT64}\n", "without leading zeros"),
        (f"o\n7 \n{ROOT64}\n", "without leading zeros"),
        (f"o\n1e3\n{ROOT64}\n", "without leading zeros"),
        (f"o\n\u0663\n{ROOT64}\n", "without leading zeros"),  # an Arabic-Indic three
        (f"o\n1_000\n{ROOT64}\n", "without leading zeros"),
        (f"o\n\n{ROOT64}\n", "without leading zeros"),
        (f"o\n{2**64}\n{ROOT64}\n", "between 0 and"),
        (f"o\n{'9' * 30}\n{ROOT64}\n", "too large"),
        (f"o\n7\n{ROOT64.rstrip('=')}\n", "not valid base64"),
        (f"o\n7\n{base64.urlsafe_b64encode(bytes([0xFB] * 32)).decode()}\n", "not valid base64"),
        (f"o\n7\n{ROOT64[:-2]}B=\n", "not its canonical spelling"),
        (
            f"o\n7\n{base64.b64encode(bytes(31)).decode()}\n",
            "32 bytes \\(SHA-256\\); this one is 31",
        ),
        (f"o\n7\n{ROOT64}", "must end with a newline"),
        (f"\n7\n{ROOT64}\n", "origin, cannot be empty"),
        ("o\n7\n", "at least three lines"),
        (f"o\n7\n{ROOT64}\n\n", "Extension line 4"),
        (f"o\n7\n{ROOT64}\next\n\n", "Extension line 5"),
        (f"o\x01\n7\n{ROOT64}\n", "one line of text"),
    ],
)
def test_a_malformed_checkpoint_body_is_refused_saying_why(text: str, problem: str) -> None:
    with raises(problem):
        Checkpoint.parse(text)


def test_a_checkpoint_that_cannot_be_written_is_refused() -> None:
    with raises("origin cannot be empty"):
        Checkpoint("", 1, bytes(32))
    with raises("one line of text"):
        Checkpoint("a\nb", 1, bytes(32))
    with raises("between 0 and"):
        Checkpoint("o", -1, bytes(32))
    with raises("this one is 20"):
        Checkpoint("o", 1, bytes(20))
    with raises("Extension line 4"):
        Checkpoint("o", 1, bytes(32), ("",))


def test_a_signed_checkpoint_opens_and_parses() -> None:
    log = Signer.generate("bairn.example/audit")
    body = Checkpoint("bairn.example/audit", 5, hashlib.sha256(b"x").digest())
    text, signed = open_note(sign_note(body.text(), log), log.verifier())
    assert signed == [log.verifier()]
    assert Checkpoint.parse(text) == body


# --- cosignatures --------------------------------------------------------------------------

T = 1679315147  # the time in tlog-cosignature.md's example


def _line_bytes(line: str) -> tuple[str, bytes]:
    assert line.startswith("— ")
    assert line.endswith("\n")
    name, b64 = line[2:-1].split(" ")
    return name, base64.b64decode(b64, validate=True)


@pytest.mark.parametrize("alg", [ALG_ED25519, ALG_COSIGNATURE_V1])
def test_a_cosignature_is_the_c2sp_v1_format_and_verifies(alg: int) -> None:
    witness = Signer.generate("witness.example/w1", alg)
    public = witness.verifier().public_key
    line = cosign(SOFA_TEXT, witness, T)
    name, data = _line_bytes(line)
    assert name == "witness.example/w1"
    assert len(data) == 4 + 8 + 64
    assert data[:4] == hashlib.sha256(b"witness.example/w1\n\x04" + public).digest()[:4]
    assert int.from_bytes(data[4:12], "big") == T
    # The Ed25519 signature is over the message tlog-cosignature.md spells out.
    message = (
        b"cosignature/v1\ntime 1679315147\n"
        b"example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    )
    Ed25519PublicKey.from_public_bytes(public).verify(data[12:], message)

    for given in (ALG_ED25519, ALG_COSIGNATURE_V1):
        assert verify_cosignature(SOFA_TEXT, line, Verifier(name, given, public)) == T
    assert verify_cosignature(SOFA_TEXT, line.rstrip("\n"), witness.verifier()) == T


def test_a_cosigned_checkpoint_opens_with_the_log_key_and_the_witness_key() -> None:
    log = Signer.generate("example.com/behind-the-sofa")
    body = Checkpoint("example.com/behind-the-sofa", 3, hashlib.sha256(b"r").digest()).text()
    witness = Signer.generate("witness.example/w1")
    note = sign_note(body, log) + cosign(body, witness, T)
    cosigner = Verifier(witness.name, ALG_COSIGNATURE_V1, witness.verifier().public_key)
    assert open_note(note, log.verifier(), cosigner) == (body, [log.verifier(), cosigner])
    # The witness's Ed25519 (0x01) verifier has another key hash: its line is not its.
    assert open_note(note, log.verifier(), witness.verifier()) == (body, [log.verifier()])
    # A cosigning (0x04) signer signs notes as cosignatures at the current time.
    live = Signer.generate("witness.example/w2", ALG_COSIGNATURE_V1)
    assert open_note(sign_note(body, live), live.verifier())[1] == [live.verifier()]
    assert verify_cosignature(body, sign_note(body, live).split("\n\n")[1], live.verifier()) > 0


def test_a_tampered_cosignature_is_refused() -> None:
    witness = Signer.generate("witness.example/w1")
    line = cosign(SOFA_TEXT, witness, T)
    name, data = _line_bytes(line)

    def respelt(data: bytes) -> str:
        return f"— {name} {base64.b64encode(data).decode()}\n"

    later = data[:4] + (T + 1).to_bytes(8, "big") + data[12:]
    with raises("cosignature by witness.example/w1 does not verify: the checkpoint or the time"):
        verify_cosignature(SOFA_TEXT, respelt(later), witness.verifier())
    with raises("does not verify"):
        verify_cosignature(SOFA_TEXT.replace("20852163", "20852164"), line, witness.verifier())
    with raises("does not verify"):
        verify_cosignature(
            SOFA_TEXT, respelt(data[:-1] + bytes([data[-1] ^ 1])), witness.verifier()
        )
    with raises("has 71 bytes after its key hash"):
        verify_cosignature(SOFA_TEXT, respelt(data[:-1]), witness.verifier())
    with raises("between 0 and"):
        verify_cosignature(
            SOFA_TEXT, respelt(data[:4] + b"\xff" * 8 + data[12:]), witness.verifier()
        )
    # As a note signature, the changed time fails too.
    cosigner = Verifier(name, ALG_COSIGNATURE_V1, witness.verifier().public_key)
    with raises("does not verify"):
        open_note(SOFA_TEXT + "\n" + respelt(later), cosigner)


def test_a_cosignature_by_another_witness_or_key_is_refused() -> None:
    witness = Signer.generate("witness.example/w1")
    line = cosign(SOFA_TEXT, witness, T)
    impostor = Signer.generate("witness.example/w1")
    with raises("key hash .* not .*: it was made with another key"):
        verify_cosignature(SOFA_TEXT, line, impostor.verifier())
    with raises("is by witness.example/w1, not by the witness witness.example/w2"):
        verify_cosignature(SOFA_TEXT, line, Signer.generate("witness.example/w2").verifier())
    # A log's plain Ed25519 signature is not a cosignature.
    plain = sign_note(SOFA_TEXT, witness).split("\n\n")[1]
    with raises("key hash"):
        verify_cosignature(SOFA_TEXT, plain, witness.verifier())
    with raises("holds several"):
        verify_cosignature(SOFA_TEXT, line + line, witness.verifier())
    with raises("at least three lines"):
        verify_cosignature("o\n1\n", line, witness.verifier())


def test_cosigning_refuses_what_is_not_a_checkpoint_or_a_time() -> None:
    witness = Signer.generate("witness.example/w1")
    with raises("at least three lines"):
        cosign(TEXT, witness, T)
    with raises("between 0 and"):
        cosign(SOFA_TEXT, witness, -1)
    with raises("between 0 and"):
        cosign(SOFA_TEXT, witness, 2**63)
    assert verify_cosignature(
        SOFA_TEXT, cosign(SOFA_TEXT, witness, 2**63 - 1), witness.verifier()
    ) == (2**63 - 1)
