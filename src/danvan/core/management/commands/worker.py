"""`danvan worker`: run queued background tasks (imports, exports, reports)."""

import threading

from django.core.management import call_command
from django.core.management.base import BaseCommand

from danvan.core import schedule


class Command(BaseCommand):
    help = "Run background tasks from the database queue (django-tasks-db)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch", action="store_true", help="Run the queued tasks, then exit.")
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="Seconds to wait between looks at an empty queue (default: 1).",
        )
        parser.add_argument(
            "--queue-name", default="*", help="Queues to serve, comma-separated (default: all)."
        )
        parser.add_argument(
            "--no-clock",
            action="store_true",
            help="Do not enqueue periodic tasks (reminders, digests) from this worker.",
        )
        parser.add_argument(
            "--max-tasks", type=int, default=None, help="Exit after this many tasks."
        )

    def handle(
        self,
        *args,
        batch: bool,
        interval: float,
        queue_name: str,
        max_tasks: int | None,
        no_clock: bool = False,
        **options,
    ) -> None:
        worker_options = {
            "batch": batch,
            "interval": interval,
            "queue_name": queue_name,
            # Workers are restarted by the service manager on deploys, not by file watching,
            # and a one-off --batch run should start at once.
            "reload": False,
            "startup_delay": not batch,
            "verbosity": options.get("verbosity", 1),
        }
        if max_tasks:
            worker_options["max_tasks"] = max_tasks
        stop = threading.Event()
        if not batch and not no_clock:
            # Periodic work is enqueued by every worker's clock; core.schedule makes sure each
            # time slot is enqueued once however many workers run.
            threading.Thread(
                target=schedule.run_forever, args=(stop,), name="danvan-clock", daemon=True
            ).start()
        try:
            call_command("db_worker", **worker_options)
        finally:
            stop.set()
