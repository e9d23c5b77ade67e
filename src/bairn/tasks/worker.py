"""`bairn worker`'s loop: django-tasks-db's worker, which claims one queued task at a
time (a row lock, so several workers never take the same), and beside it one thread of
upkeep — the audit log's sequencer, every BAIRN_AUDIT_SEAL_SECONDS (bairn.audit.log.seal,
as `bairn audit seal --every` did), and the queue's own: tasks whose worker stopped are
given back, old results cleared."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connections
from django_tasks_db.management.commands.db_worker import Worker as DatabaseWorker

from bairn.audit import log as audit_log
from bairn.tasks import queue

log = logging.getLogger(__name__)

# How often the queue is looked over for tasks whose worker stopped, and old results.
UPKEEP_SECONDS = 30
CLEAR_SECONDS = 3600


class Worker(DatabaseWorker):
    """The database worker, which first gives back what it was running when it last
    stopped (under the same --worker-id) and keeps up the queue and the log while it runs."""

    def __init__(self, *, seal_every: int, upkeep: bool = True, **options: Any) -> None:
        super().__init__(**options)
        self.seal_every = seal_every
        self.keeps_up = upkeep
        self.stopping = threading.Event()

    def run(self) -> None:
        given_back = queue.give_back_abandoned(self.worker_id)
        if given_back:
            log.warning("%d task(s) left by a stopped worker are queued again", given_back)
        if not self.keeps_up:
            super().run()
            return
        upkeep = threading.Thread(target=self.upkeep, name="bairn-upkeep", daemon=True)
        upkeep.start()
        try:
            super().run()
        finally:
            self.stopping.set()
            upkeep.join(timeout=10)

    def upkeep(self) -> None:
        """Seal the log every seal_every seconds (none when 0), look over the queue every
        UPKEEP_SECONDS; an error is logged and tried again next time, never fatal."""
        step = min(s for s in (self.seal_every, UPKEEP_SECONDS) if s > 0)
        last_look = last_clear = 0.0
        while not self.stopping.is_set():
            now = time.monotonic()
            try:
                close_old_connections()
                if self.seal_every > 0:
                    sealed = audit_log.seal(wait=False)
                    if sealed.added:
                        log.info(
                            "audit log: sealed %s event(s); %s in all",
                            f"{sealed.added:,}",
                            f"{sealed.tree_size:,}",
                        )
                if now - last_look >= UPKEEP_SECONDS:
                    queue.give_back_abandoned()
                    last_look = now
                if now - last_clear >= CLEAR_SECONDS:
                    queue.clear_old_results()
                    last_clear = now
            except Exception:
                log.exception("upkeep failed; trying again")
                connections.close_all()
            self.stopping.wait(step)
        connections.close_all()


def seal_every() -> int:
    return max(0, settings.BAIRN_AUDIT_SEAL_SECONDS)
