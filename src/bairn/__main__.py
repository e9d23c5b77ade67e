"""The `bairn` console command: Django's management commands plus Bairn's own."""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bairn.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv)
    argv[0] = "bairn"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
