"""The `danvan` command: every Django management command, plus the project's own."""

import os
import sys

MIN_PYTHON = (3, 12)


def main() -> None:
    if sys.version_info < MIN_PYTHON:
        sys.exit(
            f"danvan needs Python {MIN_PYTHON[0]}.{MIN_PYTHON[1]} or newer; "
            f"this is {sys.version.split()[0]}."
        )
    # Production commands pick the production settings unless told otherwise; everything
    # else (demo, tests, one-off commands on a laptop) runs with the local settings.
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    production = command == "serve" or os.environ.get("DANVAN_ENV") == "production"
    default = "production" if production else "local"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", f"danvan.config.settings.{default}")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    args = sys.argv[1:]
    # Project commands are spelled with hyphens (`danvan import-territories`); Django's
    # modules use underscores, and none of Django's own command names has a hyphen.
    if args and not args[0].startswith("-"):
        args[0] = args[0].replace("-", "_")
    try:
        execute_from_command_line(["danvan", *args])
    except ImproperlyConfigured as exc:
        # A configuration mistake (e.g. no DANVAN_SECRET_KEY) deserves one clear line, not a traceback.
        sys.exit(f"danvan: {exc}")


if __name__ == "__main__":
    main()
