"""`bairn worker`: run the background tasks (e-mail, pattern checks) and seal the audit
log, until stopped; `bairn serve` starts one. `--failed` shows the queue instead."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from bairn.tasks import queue
from bairn.tasks.worker import Worker, seal_every


class Command(DatabaseWorkerCommand):
    help = (
        "Run Bairn's background tasks (e-mail, pattern checks) and seal the audit log every "
        "BAIRN_AUDIT_SEAL_SECONDS, until stopped (Ctrl-C finishes the task at hand). "
        "--failed lists the tasks that failed instead."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--failed",
            action="store_true",
            help="list the tasks that failed (and how many wait and run), then stop",
        )
        parser.add_argument(
            "--no-seal",
            action="store_true",
            help="do not seal the audit log here (another worker does, or `bairn audit seal`)",
        )
        # A worker is restarted by whoever started it, never by itself: a reloading
        # worker is a second process that a stopped parent would leave behind.
        parser.set_defaults(reload=False)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["failed"]:
            self._show_failed()
            return
        if options["reload"]:
            raise CommandError("bairn worker does not reload itself: restart it instead.")
        self.configure_logging(options["verbosity"])
        queue_names = options["queue_name"].split(",")
        excluded = options["exclude_queues"].split(",") if options["exclude_queues"] else []
        worker = Worker(
            seal_every=0 if options["no_seal"] else seal_every(),
            queue_names=queue_names,
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
            excluded_queue_names=excluded,
        )
        worker.configure_signals()
        worker.run()

    def _show_failed(self) -> None:
        found = queue.state()
        self.stdout.write(
            f"{found.queued:,} task(s) queued, {found.running:,} running, "
            f"{len(found.failed):,} failed (latest first)."
        )
        for failure in found.failed:
            when = (
                timezone.localtime(failure.finished_at).strftime("%Y-%m-%d %H:%M:%S")
                if failure.finished_at
                else "-"
            )
            then = "tried again" if failure.retried else "given up"
            self.stdout.write(
                f"{when}  {failure.task}  try {failure.attempt}  {then}  {failure.id}\n"
                f"    {failure.error}"
            )
