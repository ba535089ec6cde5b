from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "danvan.documents"
    label = "documents"
    verbose_name = _("Guidance documents")

    def ready(self) -> None:
        from danvan.documents import policies  # noqa: F401  (registers the actions)
