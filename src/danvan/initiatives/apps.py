from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InitiativesConfig(AppConfig):
    name = "danvan.initiatives"
    label = "initiatives"
    verbose_name = _("Skilled Mass Mobilisation models")

    def ready(self) -> None:
        from danvan.initiatives import policies  # noqa: F401
