from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "danvan.organisations"
    label = "organisations"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        from danvan.organisations import policies  # noqa: F401
