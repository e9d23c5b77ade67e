"""The `bairn` console command (API.md "Commands"), run as a user runs it: a separate
process with its configuration in the environment.

These tests use a fresh SQLite Bairn of their own in a temporary folder, whatever database
the rest of the suite runs on: the subprocesses could not see the test's transaction."""

from __future__ import annotations

import atexit
import functools
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

BAIRN = Path(sys.executable).with_name("bairn")

# What the test run itself set, which a real user's environment would not hold.
SCRUBBED = {
    "DATABASE_URL",
    "IDENTITY_DATABASE_URL",
    "DJANGO_SETTINGS_MODULE",
    "BAIRN_SECRET_KEY",
    "BAIRN_SECRET_KEY_FILE",
    "BAIRN_DEBUG",
    "BAIRN_DATA_DIR",
}


def bairn_env(data_dir: Path, *, debug: bool = True, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SCRUBBED}
    env["BAIRN_DATA_DIR"] = str(data_dir)
    if debug:
        env["BAIRN_DEBUG"] = "1"
    env.update(extra)
    return env


def bairn(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BAIRN), *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


@functools.cache
def first_migration() -> tuple[Path, subprocess.CompletedProcess[str]]:
    """`bairn migrate` into a folder that does not exist yet, once per test run: the
    migrate test checks what it made, and the other tests start from copies of it."""
    parent = Path(tempfile.mkdtemp(prefix="bairn-migrated-"))
    atexit.register(shutil.rmtree, parent, True)
    folder = parent / "data"
    return folder, bairn(bairn_env(folder), "migrate", "--verbosity", "0")


def migrated_copy(data_dir: Path) -> Path:
    """A freshly migrated, empty SQLite Bairn in data_dir."""
    template, done = first_migration()
    assert done.returncode == 0, done.stdout + done.stderr
    shutil.copytree(template, data_dir, dirs_exist_ok=True)
    return data_dir


def in_parallel(
    *runs: tuple[dict[str, str], tuple[str, ...]],
) -> list[subprocess.CompletedProcess[str]]:
    """Independent commands at once (each takes a second or two to start Django)."""
    with ThreadPoolExecutor(max_workers=len(runs)) as pool:
        return list(pool.map(lambda run: bairn(run[0], *run[1]), runs))


def tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return {name for (name,) in rows}


# --- bairn migrate ---------------------------------------------------------------------


def test_migrate_creates_both_stores() -> None:
    data_dir, done = first_migration()

    assert done.returncode == 0, done.stdout + done.stderr
    main, identity = data_dir / "bairn.sqlite3", data_dir / "identity.sqlite3"
    assert main.is_file()
    assert identity.is_file()

    identity_tables = tables(identity)
    main_tables = tables(main)
    assert "people_child" in identity_tables
    assert not {t for t in identity_tables if t.startswith("agencies_")}
    assert not {t for t in identity_tables if t.startswith("audit_")}
    assert not {t for t in main_tables if t.startswith("people_")}
    assert {"agencies_practitioner", "agencies_apitoken", "audit_auditevent"} <= main_tables
    # Both stores know which migrations they had.
    assert "django_migrations" in identity_tables
    assert "django_migrations" in main_tables


# --- bairn serve -----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def test_serve_runs_gunicorn_and_serves_the_api_and_static_files(tmp_path: Path) -> None:
    """In production mode: no BAIRN_DEBUG, so static files come from collectstatic, and
    the secret key comes from BAIRN_SECRET_KEY_FILE (without one it would not start)."""
    data_dir = migrated_copy(tmp_path / "data")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = tmp_path / "serve.log"
    secret_file = tmp_path / "secret"
    secret_file.write_text("serve-test-secret-key-from-a-file-0123456789\n", encoding="utf-8")
    env = bairn_env(
        data_dir,
        debug=False,
        BAIRN_SECRET_KEY_FILE=str(secret_file),
        BAIRN_AUDIT_SEAL_SECONDS="1",
    )
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [str(BAIRN), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 60
        health: tuple[int, dict[str, str], bytes] | None = None
        while time.monotonic() < deadline:
            assert server.poll() is None, log_path.read_text()
            try:
                health = fetch(f"{base}/healthz")
                break
            except (ConnectionError, urllib.error.URLError):
                time.sleep(0.2)
        assert health is not None, log_path.read_text()

        status, headers, body = health
        assert status == 200, body
        assert headers["Content-Type"].startswith("application/json")
        assert json.loads(body) == {
            "status": "ok",
            "databases": {"default": "ok", "identity": "ok"},
        }

        status, headers, body = fetch(f"{base}/api/v1/openapi.json")
        assert status == 200
        schema = json.loads(body)
        assert schema["openapi"].startswith("3.")
        assert "/api/v1/audit" in schema["paths"]
        assert "/api/v1/auth/token" in schema["paths"]

        status, headers, body = fetch(f"{base}/static/ninja/swagger-ui.css")
        assert status == 200
        assert headers["Content-Type"].startswith("text/css")
        assert len(body) > 1000

        status, _, _ = fetch(f"{base}/static/no/such/file.css")
        assert status == 404

        # Without a token the API refuses, as it does in the tests' client.
        status, _, _ = fetch(f"{base}/api/v1/me")
        assert status == 401

        # A refused sign-in is an audit event; the sequencer beside the server puts it
        # in the log and signs a checkpoint within seconds (BAIRN_AUDIT_SEAL_SECONDS).
        refused = urllib.request.Request(
            f"{base}/api/v1/auth/token",
            data=json.dumps({"username": "nobody", "password": "wrong-password"}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(refused, timeout=5)
        assert caught.value.code == 401
        signed = 0
        while time.monotonic() < deadline + 30 and not signed:
            status, _, body = fetch(f"{base}/api/v1/audit/checkpoint")
            assert status == 200, body
            signed = json.loads(body)["tree_size"]
            time.sleep(0.3)
        assert signed >= 1, log_path.read_text()

        # gunicorn, not Django's development server.
        assert headers.get("Server", "").lower().startswith("gunicorn"), headers
        # Its control socket is this instance's own, in its data folder (issue 9).
        assert (data_dir / "run" / f"gunicorn-{port}.ctl").is_socket(), log_path.read_text()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)
    output = log_path.read_text()
    assert "Starting gunicorn" in output
    assert "GET /healthz" in output  # the access log
    assert "runserver" not in output
    assert (data_dir / "static" / "ninja" / "swagger-ui.css").is_file()


# --- settings ------------------------------------------------------------------------------


def test_without_a_secret_key_bairn_refuses_to_start(tmp_path: Path) -> None:
    done = bairn(bairn_env(tmp_path, debug=False), "check")

    assert done.returncode != 0
    assert "BAIRN_SECRET_KEY" in done.stderr


@pytest.mark.parametrize("value", ["0", "false"])
def test_debug_off_needs_a_secret_key(tmp_path: Path, value: str) -> None:
    done = bairn(bairn_env(tmp_path, debug=False, BAIRN_DEBUG=value), "check")

    assert done.returncode != 0
    assert "BAIRN_SECRET_KEY" in done.stderr


def test_an_empty_secret_key_file_is_refused(tmp_path: Path) -> None:
    secret_file = tmp_path / "secret"
    secret_file.write_text("\n", encoding="utf-8")

    done = bairn(bairn_env(tmp_path, debug=False, BAIRN_SECRET_KEY_FILE=str(secret_file)), "check")

    assert done.returncode != 0
    assert "BAIRN_SECRET_KEY" in done.stderr


def test_a_first_administrator_a_token_and_the_audit_verified(tmp_path: Path) -> None:
    """`bairn createsuperuser`, `bairn token` (the token alone on the last line, stored
    only as a digest) and `bairn audit verify` (exit 0 with the count, then non-zero
    naming the event changed behind its back)."""
    data_dir = migrated_copy(tmp_path / "data")
    env = bairn_env(
        data_dir,
        DJANGO_SUPERUSER_USERNAME="root",
        DJANGO_SUPERUSER_PASSWORD="a-long-and-unusual-passphrase",
        DJANGO_SUPERUSER_EMAIL="root@example.org",
    )
    made = bairn(env, "createsuperuser", "--noinput")
    assert made.returncode == 0, made.stderr

    done = bairn(env, "token", "root")

    assert done.returncode == 0, done.stderr
    token = done.stdout.splitlines()[-1]
    assert token == token.strip()
    assert token.startswith("bairn_")
    assert len(token) > 30
    with sqlite3.connect(data_dir / "bairn.sqlite3") as db:
        stored = db.execute("SELECT * FROM agencies_apitoken").fetchall()
        events = db.execute("SELECT count(*) FROM audit_auditevent").fetchone()[0]
    assert len(stored) == 1
    assert not any(token[10:] in str(value) for value in stored[0])
    assert events >= 1

    sealed = bairn(env, "audit", "seal")
    assert sealed.returncode == 0, sealed.stderr
    assert f"the log holds {events:,}, signed" in sealed.stdout

    # The same log twice: as it is, and with one event changed behind its back.
    tampered = tmp_path / "tampered"
    shutil.copytree(data_dir, tampered)
    with sqlite3.connect(tampered / "bairn.sqlite3") as db:
        changed = db.execute(
            "UPDATE audit_auditevent SET reason = 'nothing happened' WHERE seq = 1"
        ).rowcount
    assert changed == 1

    holds, fails = in_parallel(
        (env, ("audit", "verify")), (bairn_env(tampered), ("audit", "verify"))
    )

    assert holds.returncode == 0, holds.stderr
    assert f"{events:,} events checked" in holds.stdout
    assert "events/s" in holds.stdout
    assert fails.returncode != 0
    assert "BROKEN: event #1 (place 0 in the log) was changed" in fails.stderr
    assert "events checked" not in fails.stdout


def serve_config(*argv: str) -> dict[str, object]:
    from bairn.web.management.commands.serve import Command, gunicorn_config

    options = vars(Command().create_parser("bairn", "serve").parse_args(list(argv)))
    return gunicorn_config(options)


def test_each_served_instance_has_its_own_gunicorn_control_socket(settings: Any) -> None:
    # Issue 9: every instance on a machine used ~/.gunicorn/gunicorn.ctl, so one server
    # removed another's.
    settings.DATA_DIR = Path("/srv/bairn-a")
    first = serve_config("--port", "8001")
    second = serve_config("--port", "8002")
    settings.DATA_DIR = Path("/srv/bairn-b")
    elsewhere = serve_config("--port", "8001")

    sockets = {c["control_socket"] for c in (first, second, elsewhere)}
    assert sockets == {
        "/srv/bairn-a/run/gunicorn-8001.ctl",
        "/srv/bairn-a/run/gunicorn-8002.ctl",
        "/srv/bairn-b/run/gunicorn-8001.ctl",
    }
    assert not any(c.get("control_socket_disable") for c in (first, second, elsewhere))
    assert serve_config("--no-control-socket")["control_socket_disable"] is True
    assert "control_socket" not in serve_config("--no-control-socket")
    # A path too long for a Unix socket: none rather than a failed start.
    settings.DATA_DIR = Path("/srv/" + "x" * 120)
    assert serve_config()["control_socket_disable"] is True


def test_gunicorn_takes_every_setting_serve_gives_it() -> None:
    from gunicorn.config import Config

    known = Config().settings
    for config in (serve_config(), serve_config("--no-control-socket")):
        assert set(config) <= set(known), set(config) - set(known)
