from django.core.management.base import BaseCommand, CommandError

from danvan.clearance.models import Household, Project
from danvan.clearance.services import totals


class Command(BaseCommand):
    help = (
        "Recompute every household's and project's stored totals from their lines (plans, "
        "payments, plots, complaints) and report any that differ; exits non-zero if one does."
    )

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=20, help="How many differences to list.")

    def handle(self, *args, limit: int, **options):
        problems = totals.check()
        if problems:
            for item in problems[:limit]:
                self.stderr.write(
                    f"{item.kind} #{item.pk}: {item.field} stored {item.stored}, "
                    f"lines add up to {item.computed}"
                )
            raise CommandError(f"{len(problems)} stored totals differ from their lines.")
        self.stdout.write(
            f"OK: {Project.objects.count()} projects and {Household.objects.count()} households; "
            "every stored total equals the sum of its lines."
        )
