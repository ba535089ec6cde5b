from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TerritoriesConfig(AppConfig):
    name = "danvan.territories"
    label = "territories"
    verbose_name = _("Territories")

    def ready(self) -> None:
        from danvan.territories import policies  # noqa: F401  (registers actions)
