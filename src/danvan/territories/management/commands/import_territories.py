from django.core.management.base import BaseCommand

from danvan.core.context import acting
from danvan.territories.services import territories_import


class Command(BaseCommand):
    help = "Load or refresh the current and historic administrative units from vietnam-provinces."

    def handle(self, *args, **options):
        with acting(source="command:import-territories"):
            summary = territories_import()
        self.stdout.write(f"Territories: {summary}")
