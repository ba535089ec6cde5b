"""`danvan demo`: set up the embedded database with demo data, then run the app on this machine."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from danvan.core.context import acting
from danvan.core.demo.build import ensure_territories, generate
from danvan.core.demo.loader import DEMO_PASSWORD, DEMO_SEED
from danvan.core.errors import DomainError
from danvan.core.roles import Role


def _interrupt(signum, frame):
    raise KeyboardInterrupt


class Command(BaseCommand):
    help = gettext_lazy(
        "Create or migrate the embedded database, load the demo data, start the task worker and "
        "serve the app at http://127.0.0.1:8000."
    )
    # The database may not exist yet; checks run when the server starts.
    requires_system_checks = []

    def create_parser(self, prog_name, subcommand, **kwargs):
        # argparse needs a plain string, not a lazy translation.
        self.help = str(self.help)
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset",
            action="store_true",
            help=_("Delete the demo database and uploaded files first."),
        )
        parser.add_argument(
            "--port", type=int, default=8000, help=_("Port to serve on (default 8000).")
        )
        parser.add_argument(
            "--no-server",
            action="store_true",
            help=_("Only prepare the data and print the logins; start nothing."),
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help=_("Serve without starting the background task worker."),
        )
        parser.add_argument("--seed", type=int, default=DEMO_SEED, help=_("Seed of the demo data."))

    def handle(self, *args, **options):
        database = settings.DATABASES["default"]
        is_sqlite = database["ENGINE"] == "django.db.backends.sqlite3"
        if options["reset"]:
            if not is_sqlite:
                raise CommandError(
                    _(
                        "--reset only deletes the embedded SQLite database; "
                        "drop a PostgreSQL database with its own tools."
                    )
                )
            self._reset(Path(database["NAME"]), Path(settings.MEDIA_ROOT))
        if not options["no_server"]:
            self._check_port_free(options["port"])

        where = (
            database["NAME"]
            if is_sqlite
            else _("PostgreSQL database %(name)s") % {"name": database["NAME"]}
        )
        self.stdout.write(_("Database: %(where)s") % {"where": where})
        call_command("migrate", interactive=False, verbosity=0)
        started = time.perf_counter()
        with acting(source="command:demo"):
            ensure_territories(self.stdout)
            try:
                summary, results = generate(scale="demo", seed=options["seed"], out=self.stdout)
            except DomainError as exc:
                raise CommandError(exc.message) from exc
        self.stdout.write(
            _("Demo data: %(orgs)d organisations and %(users)d users created (%(seconds).1f s).")
            % {
                "orgs": summary.organisations_created,
                "users": summary.users_created,
                "seconds": time.perf_counter() - started,
            }
        )
        for result in results:
            if result.counts:
                self.stdout.write(f"  {result.name}: {result.counts}")

        if options["no_server"]:
            self._print_logins(summary.logins, url=None)
            return
        connections.close_all()  # the worker and the server open their own connections
        worker = None if options["no_worker"] else self._start_worker()
        # A plain `kill` stops the demo like Ctrl-C does, so the worker is never left behind.
        signal.signal(signal.SIGTERM, _interrupt)
        try:
            self._print_logins(summary.logins, url=f"http://127.0.0.1:{options['port']}/")
            call_command(
                "runserver", f"127.0.0.1:{options['port']}", use_reloader=False, use_threading=True
            )
        finally:
            if worker is not None:
                self._stop_worker(worker)

    def _reset(self, database: Path, media: Path) -> None:
        targets = [
            p
            for p in (database, Path(f"{database}-wal"), Path(f"{database}-shm"), media)
            if p.exists()
        ]
        if not targets:
            self.stdout.write(_("Nothing to reset."))
            return
        self.stdout.write(_("Resetting the demo: deleting"))
        for path in targets:
            self.stdout.write(f"  {path}")
        connections.close_all()
        for path in targets:
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()

    def _check_port_free(self, port: int) -> None:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError as exc:
                raise CommandError(
                    _("Port %(port)d is already in use; choose another with --port.")
                    % {"port": port}
                ) from exc

    def _start_worker(self) -> subprocess.Popen:
        # `danvan worker` is the project's runner; fall back to django-tasks-db's own command.
        name = "worker" if "worker" in get_commands() else "db_worker"
        self.stdout.write(_("Starting the task worker (danvan %(name)s)…") % {"name": name})
        command = [sys.executable, "-m", "danvan", name]
        if name == "db_worker":
            command.append("--no-reload")
        # No debug mode in the worker: nothing to reload, no query log growing without end.
        env = {**os.environ, "DANVAN_DEBUG": "0"}
        # Its own session, so Ctrl-C in the terminal reaches the server only and the worker is
        # stopped afterwards in an orderly way.
        return subprocess.Popen(command, env=env, start_new_session=True)  # noqa: S603

    def _stop_worker(self, worker: subprocess.Popen) -> None:
        if worker.poll() is not None:
            return
        self.stdout.write(_("Stopping the task worker…"))
        try:
            worker.send_signal(signal.SIGINT if os.name == "posix" else signal.SIGTERM)
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()

    def _print_logins(self, logins, *, url: str | None) -> None:
        roles = dict(Role.choices)
        rows = [
            (login.username, str(roles[login.role]), where or _("Whole country"))
            for login, where in logins
        ]
        width = max(len(r[0]) for r in rows) + 2
        role_width = max(len(r[1]) for r in rows) + 2
        line = "=" * 78
        out = [line]
        if url:
            out.append(_("danvan demo is running at %(url)s") % {"url": url})
        else:
            out.append(_("The demo data is ready. Start the app with: danvan demo"))
        out.append(_("Demo logins (password for all: %(password)s)") % {"password": DEMO_PASSWORD})
        out.append("")
        out.append(f"  {_('Username'):<{width}}{_('Role'):<{role_width}}{_('Territory')}")
        out += [f"  {u:<{width}}{r:<{role_width}}{t}" for u, r, t in rows]
        out.append("")
        if url:
            out.append(_("Press Ctrl-C to stop the server and the worker."))
        out.append(line)
        self.stdout.write(self.style.SUCCESS("\n".join(out)))
