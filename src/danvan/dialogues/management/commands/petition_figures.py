from django.core.management.base import BaseCommand, CommandError

from danvan.core.context import acting
from danvan.dialogues import figures
from danvan.dialogues.models import PetitionFigures


class Command(BaseCommand):
    help = (
        "Recount the petition statistics kept per unit and month (the worker does it every "
        "night); with --check, compare the kept counts with a live count instead and exit "
        "non-zero if any differ."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Compare, do not rebuild.")
        parser.add_argument("--limit", type=int, default=20, help="How many differences to list.")

    def handle(self, *args, check: bool, limit: int, **options):
        if check:
            problems = figures.differences(limit=limit)
            if problems:
                for problem in problems:
                    self.stderr.write(problem)
                raise CommandError("The kept petition figures differ from a live count.")
            count = PetitionFigures.objects.filter(rollup=False).count()
            self.stdout.write(f"OK: {count} kept rows equal a live count of the petitions.")
            return
        with acting(source="command:petition_figures"):
            written = figures.rebuild()
        self.stdout.write(f"Rebuilt: {written} rows.")
