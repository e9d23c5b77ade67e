"""Background work (DEVELOPERS "Background work"): what a concern leaves to the worker —
its pattern check and e-mails — is queued with it in the database and done by
`bairn worker`; a failed task is tried again and shown to an administrator; and a worker
killed while tasks wait or run loses none and does none twice.

The rest of the suite runs tasks as they are queued (tests/conftest.py); here they go to
the database, as in production."""

from __future__ import annotations

import copy
import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from smtplib import SMTPException
from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage
from django.core.management import call_command
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from bairn.audit import log as audit_log
from bairn.notify.models import Notification
from bairn.tasks import queue
from bairn.tasks.worker import Worker
from tests.factories import CONCERN, Cast, concern, make_cast

ROOT = Path(__file__).resolve().parent.parent
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def in_the_database(settings: Any) -> None:
    settings.TASKS = DATABASE


def tasks(status: str | None = None, name: str = "") -> list[DBTaskResult]:
    found = DBTaskResult.objects.all()
    if status is not None:
        found = found.filter(status=status)
    if name:
        found = found.filter(task_path__endswith=f".{name}")
    return list(found.order_by("enqueued_at"))


def alerts(who: Any) -> list[Notification]:
    return list(Notification.objects.filter(recipient=who, kind="pattern_alert"))


def run_queued(monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker's loop, in this test's transaction, until nothing is due: its check of
    the connection between tasks is for a long-lived process (here it would close the
    test's connection), and the log's upkeep is tested with a real worker below."""
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    Worker(
        seal_every=0,
        upkeep=False,
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-in-process",
        excluded_queue_names=[],
    ).run()


# --- a concern's pattern check and e-mails are the worker's -------------------------------


@pytest.mark.usefixtures("in_the_database")
def test_a_concern_is_answered_at_once_and_its_pattern_and_mail_follow_from_the_worker(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    teacher = cast.api("class_teacher")
    yesterday = (timezone.now() - dt.timedelta(days=1)).isoformat()
    for n in range(3):  # three of medium significance in the window: a pattern (DOMAIN §5)
        body = dict(CONCERN, occurred_at=yesterday, significance="medium", summary=f"Hungry ({n})")
        assert teacher.post(f"/children/{cast.leeann.pk}/concerns", body).status_code == 201

    # The Named Person heard of each at once, in the request; the pattern check and the
    # e-mails wait for the worker, one task a concern, queued with it.
    told = Notification.objects.filter(recipient=cast.head_teacher, kind="concern_recorded")
    assert told.count() == 3
    assert alerts(cast.head_teacher) == []
    assert mail.outbox == []
    queued = tasks(TaskResultStatus.READY)
    assert [t.task_path for t in queued] == ["bairn.tasks.work.after_concern"] * 3
    assert {t.args_kwargs["args"][0] for t in queued} == {str(cast.leeann.pk)}

    run_queued(monkeypatch)

    (alert,) = alerts(cast.head_teacher)
    assert alert.data["triggers"] == ["three_or_more_medium"]
    assert {t.status for t in tasks()} == {TaskResultStatus.SUCCESSFUL}
    # Each notification e-mailed once: three concerns and the alert.
    assert [m.to for m in mail.outbox] == [[cast.head_teacher.email]] * 4
    assert told.filter(emailed=True).count() == 3
    assert Notification.objects.get(pk=alert.pk).emailed


@pytest.mark.usefixtures("in_the_database")
def test_a_concern_post_takes_few_statements(cast: Cast) -> None:
    """The request records, audits and notifies; what it leaves to the worker is one row
    (findings cause 5: the child's name was read twice, the Named Person three times)."""
    teacher = cast.api("class_teacher")
    body = dict(CONCERN, significance="medium")
    assert teacher.post(f"/children/{cast.leeann.pk}/concerns", body).status_code == 201
    with (
        CaptureQueriesContext(connections["default"]) as default,
        CaptureQueriesContext(connections["identity"]) as identity,
    ):
        assert teacher.post(f"/children/{cast.leeann.pk}/concerns", body).status_code == 201
    statements = [q["sql"] for q in default.captured_queries + identity.captured_queries]
    on = Counter(
        word
        for sql in statements
        for word in ("people_child", "agencies_assignment", "django_tasks_database")
        if f'FROM "{word}' in sql or f'INTO "{word}' in sql
    )
    assert on["people_child"] == 2  # the lookup, then date of birth and name together
    assert on["agencies_assignment"] == 1  # Named Person and Lead Professional together
    assert on["django_tasks_database"] == 1  # the pattern check and e-mails: one task
    assert len(statements) <= 24, "\n".join(statements)


# --- a failed task is tried again, and an administrator sees it ---------------------------


class Refusing(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages: Any) -> int:
        raise SMTPException("421 the mail server is not taking mail now")


@pytest.mark.usefixtures("in_the_database")
def test_a_failed_task_is_tried_again_later_and_shown_to_an_administrator(
    cast: Cast, settings: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    settings.EMAIL_BACKEND = "tests.test_tasks.Refusing"
    settings.BAIRN_TASK_ATTEMPTS = 2
    concern(cast.class_teacher, cast.leeann, "Hungry")

    run_queued(monkeypatch)

    (failed,) = tasks(TaskResultStatus.FAILED)
    assert "SMTPException" in failed.traceback
    (again,) = tasks(TaskResultStatus.READY)
    assert again.args_kwargs["kwargs"] == {"attempt": 2}
    assert again.run_after > timezone.now() + dt.timedelta(seconds=20)  # not at once
    # The in-app notification stands, not yet e-mailed.
    note = Notification.objects.get(recipient=cast.head_teacher)
    assert not note.emailed
    call_command("worker", "--failed")
    shown = capsys.readouterr().out
    assert "1 task(s) queued, 0 running, 1 failed" in shown
    assert "after_concern  try 1  tried again" in shown
    assert "SMTPException: 421 the mail server is not taking mail now" in shown

    # The second try, when due, fails too: the last one, so it is given up and says so.
    DBTaskResult.objects.filter(pk=again.pk).update(run_after=timezone.now())
    run_queued(monkeypatch)
    assert tasks(TaskResultStatus.READY) == []
    call_command("worker", "--failed")
    assert "after_concern  try 2  given up" in capsys.readouterr().out

    # With the mail server back, a try sends the e-mail, once.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    DBTaskResult.objects.filter(pk=again.pk).update(status=TaskResultStatus.READY)
    run_queued(monkeypatch)
    assert [m.to for m in mail.outbox] == [[cast.head_teacher.email]]
    note.refresh_from_db()
    assert note.emailed


def test_without_a_worker_a_failed_task_is_tried_at_once_and_the_request_stands(
    cast: Cast, settings: Any
) -> None:
    """The tests' immediate backend cannot wait: it tries again at once, up to the limit,
    and a failure never undoes the request that queued the task."""
    settings.EMAIL_BACKEND = "tests.test_tasks.Refusing"
    response = cast.api("class_teacher").post(f"/children/{cast.leeann.pk}/concerns", CONCERN)
    assert response.status_code == 201
    note = Notification.objects.get(recipient=cast.head_teacher)
    assert not note.emailed


# --- a task whose worker stopped runs again ------------------------------------------------


@pytest.mark.usefixtures("in_the_database")
def test_a_task_left_running_by_a_stopped_worker_is_given_back(cast: Cast, settings: Any) -> None:
    concern(cast.class_teacher, cast.leeann, "One")
    concern(cast.class_teacher, cast.leeann, "Two")
    concern(cast.class_teacher, cast.leeann, "Three")
    mine, recent, stale = tasks(TaskResultStatus.READY)
    long_ago = timezone.now() - dt.timedelta(seconds=settings.BAIRN_TASK_TIMEOUT_SECONDS + 1)
    for row, worker, started in (
        (mine, "serve-this-host-8000", timezone.now()),
        (recent, "another-worker", timezone.now()),
        (stale, "another-worker", long_ago),
    ):
        DBTaskResult.objects.filter(pk=row.pk).update(
            status=TaskResultStatus.RUNNING, started_at=started, worker_ids=[worker]
        )

    # Started again under its id, a worker takes back what it was running at once; what
    # another worker runs is taken back only once it has run too long for a live one.
    assert queue.give_back_abandoned("serve-this-host-8000") == 2
    assert {t.pk for t in tasks(TaskResultStatus.READY)} == {mine.pk, stale.pk}
    assert [t.pk for t in tasks(TaskResultStatus.RUNNING)] == [recent.pk]

    # A task that stops its worker every time (say it is killed for its memory) is not
    # tried for ever: after BAIRN_TASK_ATTEMPTS workers, it fails, and says why.
    DBTaskResult.objects.filter(pk=stale.pk).update(
        status=TaskResultStatus.RUNNING,
        started_at=long_ago,
        worker_ids=[f"w{n}" for n in range(settings.BAIRN_TASK_ATTEMPTS)],
    )
    assert queue.give_back_abandoned() == 1
    gave_up = DBTaskResult.objects.get(pk=stale.pk)
    assert gave_up.status == TaskResultStatus.FAILED
    attempts = settings.BAIRN_TASK_ATTEMPTS
    assert f"its worker stopped while running it {attempts} times" in gave_up.traceback
    failures = {f.id: f for f in queue.state().failed}
    assert not failures[str(stale.pk)].retried


# --- a real worker, killed ------------------------------------------------------------------


@task(priority=10)  # taken before the concerns' tasks
def hold(folder: str) -> str:
    """A task that, the first time it runs, waits to be killed."""
    started = Path(folder) / "hold-started"
    if not started.exists():
        started.write_text(str(os.getpid()))
        time.sleep(600)
    with (Path(folder) / "hold-finished").open("a") as finished:
        finished.write("finished\n")
    return "finished"


class Folder(BaseEmailBackend):
    """Each message a file in $BAIRN_TEST_MAIL_DIR, so another process can count them."""

    def send_messages(self, email_messages: Any) -> int:
        folder = Path(os.environ["BAIRN_TEST_MAIL_DIR"])
        for message in email_messages:
            assert isinstance(message, EmailMessage)
            name = f"{time.time_ns()}-{os.getpid()}.eml"
            (folder / name).write_bytes(message.message().as_bytes())
        return len(email_messages)


@pytest.fixture
def stores_a_worker_can_open(tmp_path: Path, settings: Any) -> Iterator[Path]:
    """The worker is another process: it sees only what is committed (hence a
    transactional test) in databases it can open. On PostgreSQL those are the test
    databases themselves; the suite's SQLite ones are in memory, so there the test runs on
    file copies of them (migrated, empty) in a data folder of its own, and the suite's own
    come back afterwards (as tests/test_bench.py does for `bairn serve`)."""
    swapped: dict[str, Any] = {}
    for alias, file_name in (("default", "bairn.sqlite3"), ("identity", "identity.sqlite3")):
        original = connections[alias]
        if original.vendor != "sqlite":
            continue
        original.ensure_connection()
        copy_of = sqlite3.connect(tmp_path / file_name)
        original.connection.backup(copy_of)
        copy_of.close()
        settings_dict = copy.deepcopy(original.settings_dict)
        settings_dict["NAME"] = str(tmp_path / file_name)
        swapped[alias] = original
        connections[alias] = type(original)(settings_dict, alias)
    settings.DATA_DIR = tmp_path
    try:
        yield tmp_path
    finally:
        for alias, original in swapped.items():
            connections[alias].close()
            connections[alias] = original


def database_url(alias: str) -> str:
    s = connections[alias].settings_dict
    return f"postgres://{s['USER']}:{s['PASSWORD'] or ''}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


def worker_environment(data_dir: Path, mail_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.endswith("DATABASE_URL")}
    for alias, variable in (("default", "DATABASE_URL"), ("identity", "IDENTITY_DATABASE_URL")):
        if connections[alias].vendor == "postgresql":
            env[variable] = database_url(alias)
    audit_log.log_signer()  # the test's key, in its data folder, signs the worker's checkpoints
    env.update(
        BAIRN_DATA_DIR=str(data_dir),
        BAIRN_AUDIT_KEY_FILE=str(audit_log.key_file()),
        BAIRN_AUDIT_SEAL_SECONDS="1",
        BAIRN_EMAIL_BACKEND="tests.test_tasks.Folder",
        BAIRN_TEST_MAIL_DIR=str(mail_dir),
        DJANGO_SETTINGS_MODULE="tests.settings",
        PYTHONPATH=str(ROOT),
        PYTHONUNBUFFERED="1",
    )
    env.pop("BAIRN_TASKS_BACKEND", None)  # the database, as in production
    return env


def start_worker(env: dict[str, str], log: Path, *extra: str) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "bairn", "worker", "--worker-id", "test-worker"]
    with log.open("a") as out:
        return subprocess.Popen(
            [*command, "--no-startup-delay", "--interval", "0.2", *extra],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def until(what: Callable[[], bool], worker: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 120
    while not what():
        assert worker.poll() is None or what(), log.read_text()
        assert time.monotonic() < deadline, log.read_text()
        time.sleep(0.2)


def finish(worker: subprocess.Popen[bytes], log: Path) -> None:
    """A --batch worker stops by itself once nothing is due."""
    try:
        assert worker.wait(timeout=120) == 0, log.read_text()
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()


@pytest.mark.django_db(transaction=True, databases="__all__")
def test_a_worker_killed_mid_task_loses_nothing_and_does_nothing_twice(
    stores_a_worker_can_open: Path, settings: Any
) -> None:
    settings.TASKS = DATABASE
    data_dir = stores_a_worker_can_open
    mail_dir = data_dir / "mail"
    mail_dir.mkdir()
    log = data_dir / "worker.log"
    env = worker_environment(data_dir, mail_dir)
    cast = make_cast()
    hold.enqueue(str(data_dir))
    for n in range(3):  # a pattern for Leeann's Named Person: three of medium significance
        concern(cast.class_teacher, cast.leeann, f"Hungry ({n})", significance="medium")
    concern(cast.hv_team_leader, cast.trent, "Bruising", significance="high")  # and Trent's
    assert len(tasks(TaskResultStatus.READY)) == 5

    # The first worker takes the held task first and is killed in the middle of it, the
    # concerns' tasks still waiting.
    first = start_worker(env, log)
    try:
        until(lambda: (data_dir / "hold-started").exists(), first, log)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    (held,) = tasks(TaskResultStatus.RUNNING)
    assert held.task_path == "tests.test_tasks.hold"
    assert len(tasks(TaskResultStatus.READY)) == 4
    assert alerts(cast.head_teacher) == alerts(cast.health_visitor) == []

    # Started again under the same id, the worker takes back the task it was running and
    # does everything, then stops (--batch); it sealed the audit log as it went.
    finish(start_worker(env, log, "--batch"), log)
    assert {t.status for t in tasks()} == {TaskResultStatus.SUCCESSFUL}, log.read_text()
    assert (data_dir / "hold-finished").read_text() == "finished\n"
    assert DBTaskResult.objects.get(pk=held.pk).worker_ids == ["test-worker", "test-worker"]
    assert all(len(t.worker_ids) == 1 for t in tasks() if t.pk != held.pk)
    assert audit_log.tree_size() > 0

    def outcome() -> tuple[int, int, int, int]:
        return (
            len(alerts(cast.head_teacher)),
            len(alerts(cast.health_visitor)),
            Notification.objects.filter(emailed=True).count(),
            len(list(mail_dir.iterdir())),
        )

    # One alert for each child's Named Person; six e-mails (three concerns of Leeann's to
    # her Named Person, one of Trent's to his, the two alerts), each sent once.
    assert outcome() == (1, 1, 6, 6)
    assert Notification.objects.exclude(recipient__email="").filter(emailed=False).count() == 0

    # A worker killed after a task committed but before it wrote the task's result leaves
    # it running: it is run again, and does nothing it had done.
    for done in tasks(TaskResultStatus.SUCCESSFUL, name="after_concern"):
        DBTaskResult.objects.filter(pk=done.pk).update(
            status=TaskResultStatus.RUNNING,
            started_at=timezone.now() - dt.timedelta(hours=1),
            worker_ids=["a-worker-that-died"],
        )
    finish(start_worker(env, log, "--batch"), log)
    again = tasks(name="after_concern")
    assert {t.status for t in again} == {TaskResultStatus.SUCCESSFUL}
    assert {len(t.worker_ids) for t in again} == {2}
    assert outcome() == (1, 1, 6, 6)
