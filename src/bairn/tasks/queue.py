"""The queue's upkeep: a failed task tried again, a task whose worker stopped given back,
old results cleared, and what an administrator reads of it (`bairn worker --failed`).

django-tasks tries a task once and leaves retrying to the task; django-tasks-db leaves a
task its worker was running when it was killed as RUNNING for ever. Both are made good
here (DEVELOPERS "Background work")."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks.base import Task
from django_tasks_db.models import DBTaskResult

log = logging.getLogger(__name__)

# Finished tasks are kept this long for a look, then cleared; failed ones are kept.
KEEP_SUCCESSFUL = dt.timedelta(days=7)


class WorkerStopped(Exception):
    """A task's worker stopped while running it, as many times as a task is tried."""


def retry_delay(attempt: int) -> dt.timedelta:
    """How long after its `attempt`th failure a task is tried again: doubling."""
    return dt.timedelta(seconds=settings.BAIRN_TASK_RETRY_SECONDS * 2 ** (attempt - 1))


@contextmanager
def trying(the_task: Task[Any, Any], attempt: int, *args: Any) -> Iterator[None]:
    """Run a task's body; when it fails, queue the task again (with `attempt` + 1) after
    retry_delay, up to BAIRN_TASK_ATTEMPTS tries in all, and let the failure be recorded
    against this try. A backend that cannot wait (the tests' immediate one) tries again
    at once."""
    try:
        yield
    except Exception:
        if attempt < settings.BAIRN_TASK_ATTEMPTS:
            again = the_task
            if the_task.get_backend().supports_defer:
                again = the_task.using(run_after=timezone.now() + retry_delay(attempt))
            log.warning("task %s failed (try %d); trying again", the_task.name, attempt)
            again.enqueue(*args, attempt=attempt + 1)
        else:
            log.error("task %s failed %d times; giving up", the_task.name, attempt)
        raise


def give_back_abandoned(worker_id: str | None = None) -> int:
    """Tasks claimed by a worker that stopped are queued again: those this worker (by its
    id, as `bairn serve` names its worker) was running when it last stopped, and any
    running longer than BAIRN_TASK_TIMEOUT_SECONDS, whose worker is taken to be gone. A
    task that has now stopped its workers BAIRN_TASK_ATTEMPTS times is failed instead.
    Each row changes only if it is still as read (another worker may be doing the same).
    How many were given back or failed."""
    now = timezone.now()
    cutoff = now - dt.timedelta(seconds=settings.BAIRN_TASK_TIMEOUT_SECONDS)
    changed = 0
    running = DBTaskResult.objects.running().only("id", "started_at", "worker_ids")
    for row in running:
        mine = worker_id is not None and row.worker_ids[-1:] == [worker_id]
        if not mine and row.started_at is not None and row.started_at > cutoff:
            continue
        same = DBTaskResult.objects.filter(
            pk=row.pk, status=TaskResultStatus.RUNNING, started_at=row.started_at
        )
        if len(row.worker_ids) >= settings.BAIRN_TASK_ATTEMPTS:
            changed += same.update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                exception_class_path=f"{__name__}.{WorkerStopped.__name__}",
                traceback=(
                    f"{WorkerStopped.__name__}: its worker stopped while running it "
                    f"{len(row.worker_ids)} times ({', '.join(row.worker_ids)})\n"
                ),
            )
        else:
            changed += same.update(status=TaskResultStatus.READY, started_at=None)
            log.warning("task %s: its worker stopped; queued again", row.pk)
    return changed


def clear_old_results() -> int:
    """Successful results older than KEEP_SUCCESSFUL are deleted; failed ones stay until an
    administrator clears them (`bairn prune_db_task_results --failed-min-age-days N`)."""
    deleted, _ = (
        DBTaskResult.objects.successful()
        .filter(finished_at__lt=timezone.now() - KEEP_SUCCESSFUL)
        .delete()
    )
    return deleted


@dataclass(frozen=True)
class Failure:
    id: str
    task: str
    attempt: int
    finished_at: dt.datetime | None
    error: str  # the exception's last line
    retried: bool  # whether another try is queued after this one


@dataclass(frozen=True)
class State:
    queued: int
    running: int
    failed: list[Failure]


def state(*, limit: int = 50) -> State:
    """The queue as an administrator reads it: how many wait and run, and the latest
    failures with their error."""
    failed = []
    for row in DBTaskResult.objects.failed().order_by("-finished_at")[:limit]:
        attempt = int(row.args_kwargs.get("kwargs", {}).get("attempt", 1))
        lines = [line for line in row.traceback.splitlines() if line.strip()]
        failed.append(
            Failure(
                id=str(row.pk),
                task=row.task_path.rsplit(".", 1)[-1],
                attempt=attempt,
                finished_at=row.finished_at,
                error=lines[-1] if lines else row.exception_class_path,
                retried=attempt < settings.BAIRN_TASK_ATTEMPTS
                and row.exception_class_path != f"{__name__}.{WorkerStopped.__name__}",
            )
        )
    return State(
        queued=DBTaskResult.objects.filter(status=TaskResultStatus.READY).count(),
        running=DBTaskResult.objects.running().count(),
        failed=failed,
    )
