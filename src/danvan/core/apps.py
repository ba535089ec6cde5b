from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "danvan.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from danvan.core import lookups  # noqa: F401  (registers the __under path lookup)
