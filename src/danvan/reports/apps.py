from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "danvan.reports"
    label = "reports"
    verbose_name = _("Periodic reports")

    def ready(self) -> None:
        from danvan.core import attachments
        from danvan.reports import policies  # noqa: F401  (registers the actions)
        from danvan.reports.models import GeneratedReport

        attachments.register(
            GeneratedReport, view_action="reports.view", change_action="reports.generate"
        )
