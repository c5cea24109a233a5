#!/usr/bin/env python
"""Django's command-line utility for pbr."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pbr.settings")
    if len(sys.argv) > 1 and sys.argv[1] not in ("runserver", "testserver"):
        # Commands that serve no request (migrate, makemigrations, check, loaddata…) run without a
        # SECRET_KEY; anything that serves pages still refuses to start without one when DEBUG is off.
        os.environ.setdefault("PBR_ALLOW_INSECURE_KEY", "1")
    # Imported after the environment is set: Django reads it on import.
    from django.core.management import execute_from_command_line  # noqa: PLC0415

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
