"""`bairn serve`: the production server (gunicorn), static files served by whitenoise."""

from __future__ import annotations

import os
from argparse import ArgumentParser
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connections


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

    def handle(self, *args: Any, **options: Any) -> None:
        from gunicorn.app.base import BaseApplication

        call_command("collectstatic", interactive=False, verbosity=0)
        # Workers are forked: none may inherit this process's database connections.
        connections.close_all()
        config = {
            "bind": f"{options['host']}:{options['port']}",
            "workers": options["workers"],
            "threads": options["threads"],
            "accesslog": "-",
            "errorlog": "-",
            "timeout": 60,
            "forwarded_allow_ips": os.environ.get("BAIRN_FORWARDED_ALLOW_IPS", "127.0.0.1"),
        }

        class Server(BaseApplication):
            def load_config(self) -> None:
                for key, value in config.items():
                    self.cfg.set(key, value)

            def load(self) -> Any:
                from bairn.wsgi import application

                return application

        self.stdout.write(f"Bairn on http://{config['bind']}/ (Ctrl-C stops it)")
        self.stdout.flush()
        Server().run()
