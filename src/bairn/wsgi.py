"""WSGI entry point, served by `bairn serve` (gunicorn)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bairn.settings")

application = get_wsgi_application()
