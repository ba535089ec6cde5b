from django.core.management.base import BaseCommand, CommandError

from danvan.audit.services import verify_chain


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain; exits non-zero and names the first broken row."

    def handle(self, *args, **options):
        report = verify_chain()
        if not report.ok:
            raise CommandError(
                f"Audit chain broken at event #{report.first_broken_seq}: {report.problem} "
                f"({report.checked} events verified before it)."
            )
        self.stdout.write(f"OK: {report.checked} events verified.")
