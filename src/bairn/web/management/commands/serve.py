"""`bairn serve`: the production server (gunicorn), static files served by whitenoise."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connections

# A Unix socket's path has room for about 100 bytes.
SOCKET_PATH_MAX = 100
# django-tasks-db keeps a worker's id in 64 characters.
WORKER_ID_MAX = 64
WORKER_STOP_SECONDS = 20


def gunicorn_config(options: dict[str, Any]) -> dict[str, object]:
    """gunicorn's settings for this instance. gunicorn (25.1+) opens a control socket,
    by default one per user (~/.gunicorn/gunicorn.ctl): a second instance on the machine
    would take it over and remove it when it stops. Each instance has its own, in its data
    folder and named by its port; none when asked, or when that path would be too long."""
    config: dict[str, object] = {
        "bind": f"{options['host']}:{options['port']}",
        "workers": options["workers"],
        "threads": options["threads"],
        "accesslog": "-",
        "errorlog": "-",
        "timeout": 60,
        "forwarded_allow_ips": os.environ.get("BAIRN_FORWARDED_ALLOW_IPS")
        or ",".join(settings.BAIRN_TRUSTED_PROXIES)
        or "127.0.0.1",
    }
    path = Path(settings.DATA_DIR) / "run" / f"gunicorn-{options['port']}.ctl"
    if options.get("no_control_socket") or len(str(path).encode()) > SOCKET_PATH_MAX:
        config["control_socket_disable"] = True
    else:
        config["control_socket"] = str(path)
    return config


class Command(BaseCommand):
    help = "Serve Bairn with gunicorn (not Django's development server)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("BAIRN_WORKERS", "2"))
        )
        parser.add_argument(
            "--threads", type=int, default=int(os.environ.get("BAIRN_THREADS", "4"))
        )
        parser.add_argument(
            "--no-worker",
            "--no-sequencer",
            action="store_true",
            dest="no_worker",
            help="start no `bairn worker` beside the server (one runs elsewhere: it sends "
            "e-mail, checks patterns and seals the audit log)",
        )
        parser.add_argument(
            "--no-control-socket",
            action="store_true",
            help="no gunicorn control socket (by default each instance has its own in "
            "BAIRN_DATA_DIR)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from gunicorn.app.base import BaseApplication

        call_command("collectstatic", interactive=False, verbosity=0)
        # Workers are forked: none may inherit this process's database connections.
        connections.close_all()
        config = gunicorn_config(options)
        if config.get("control_socket"):
            Path(str(config["control_socket"])).parent.mkdir(parents=True, exist_ok=True)

        class Server(BaseApplication):
            def load_config(self) -> None:
                for key, value in config.items():
                    self.cfg.set(key, value)

            def load(self) -> Any:
                from bairn.wsgi import application

                return application

        self.stdout.write(f"Bairn on http://{config['bind']}/ (Ctrl-C stops it)")
        self.stdout.flush()
        worker = _start_worker(options)
        try:
            Server().run()
        finally:
            if worker is not None:
                _stop_worker(worker)


def worker_command(options: dict[str, Any]) -> list[str] | None:
    """`bairn worker` beside the server (bairn.tasks.worker): a process of its own, so no
    request waits for what it does — e-mail, pattern checks, and sealing the audit log
    every BAIRN_AUDIT_SEAL_SECONDS. It is named by this machine and port, so that when
    the server is started again its worker at once takes up again what it was doing when
    it was stopped. Several servers on one database may each run one: they share the
    queue and take turns at the log."""
    if options.get("no_worker"):
        return None
    worker_id = f"serve-{socket.gethostname()}-{options['port']}"[:WORKER_ID_MAX]
    # A quarter of a second between looks at an empty queue (one indexed query): a
    # pattern alert reaches the Named Person well within a second of its concern.
    return [sys.executable, "-m", "bairn", "worker", "--worker-id", worker_id, "--interval", "0.25"]


def _start_worker(options: dict[str, Any]) -> subprocess.Popen[bytes] | None:
    command = worker_command(options)
    if command is None:
        return None
    return subprocess.Popen(  # noqa: S603 (our own arguments, no shell)
        command,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "bairn.settings"),
        },
    )


def _stop_worker(worker: subprocess.Popen[bytes]) -> None:
    """Asked to stop, the worker finishes the task at hand; one that does not is killed,
    and its task is run again when a worker starts (bairn.tasks.queue)."""
    if worker.poll() is None:
        worker.terminate()
    try:
        worker.wait(timeout=WORKER_STOP_SECONDS)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait(timeout=10)
