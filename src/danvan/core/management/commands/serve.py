"""`danvan serve`: the production web server (gunicorn) with static files served by whitenoise."""

import hashlib
import os
import sys
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.utils import OperationalError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

STAMP_NAME = ".danvan-static-stamp"


def default_workers() -> int:
    return min(2 * (os.cpu_count() or 1) + 1, 9)


def static_fingerprint() -> str:
    """Digest of every source static file's path, size and modification time."""
    digest = hashlib.sha256()
    entries = []
    for finder in get_finders():
        for path, storage in finder.list(["CVS", ".*", "*~"]):
            stat = os.stat(storage.path(path))
            entries.append(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}")
    for entry in sorted(entries):
        digest.update(entry.encode())
    return digest.hexdigest()


class Command(BaseCommand):
    help = gettext_lazy(
        "Run the production web server (gunicorn). Settings come from the environment; "
        "DANVAN_SECRET_KEY is required. Extra gunicorn options can be given in GUNICORN_CMD_ARGS."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        # argparse needs a plain string, not a lazy translation.
        self.help = str(self.help)
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument(
            "--bind",
            default=os.environ.get("DANVAN_BIND", "127.0.0.1:8000"),
            help=_(
                "Address and port to listen on (default 127.0.0.1:8000; "
                "0.0.0.0:8000 listens on every interface)."
            ),
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("DANVAN_WORKERS", default_workers())),
            help=_("Number of worker processes (default: 2 x CPUs + 1, at most 9)."),
        )
        parser.add_argument("--timeout", type=int, default=60, help=_("Worker timeout in seconds."))
        parser.add_argument(
            "--no-collectstatic",
            action="store_true",
            help=_("Do not collect static files before starting."),
        )

    def handle(self, *args, bind, workers, timeout, no_collectstatic, **options):
        if workers < 1:
            raise CommandError(_("--workers must be at least 1."))
        self._check_migrations()
        if not no_collectstatic:
            self._collect_static_if_stale()
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "danvan.config.wsgi:application",
            "--bind",
            bind,
            "--workers",
            str(workers),
            "--timeout",
            str(timeout),
            "--access-logfile",
            "-",
            "--error-logfile",
            "-",
        ]
        self.stdout.write(
            _("Serving danvan on http://%(bind)s with %(workers)d workers.")
            % {"bind": bind, "workers": workers}
        )
        sys.stdout.flush()
        connections.close_all()
        # Hand the process over to gunicorn so that signals from systemd or a container runtime
        # reach its master process directly.
        os.execv(sys.executable, command)  # noqa: S606

    def _check_migrations(self) -> None:
        try:
            connection = connections[DEFAULT_DB_ALIAS]
            executor = MigrationExecutor(connection)
            pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        except OperationalError as exc:
            raise CommandError(_("Cannot reach the database: %(error)s") % {"error": exc}) from exc
        if pending:
            raise CommandError(
                _("The database has %(count)d unapplied migrations; run `danvan migrate` first.")
                % {"count": len(pending)}
            )

    def _collect_static_if_stale(self) -> None:
        root = Path(settings.STATIC_ROOT)
        stamp = root / STAMP_NAME
        fingerprint = static_fingerprint()
        if stamp.exists() and stamp.read_text().strip() == fingerprint:
            return
        self.stdout.write(_("Collecting static files into %(root)s…") % {"root": root})
        call_command("collectstatic", interactive=False, verbosity=0)
        stamp.write_text(fingerprint + "\n")
