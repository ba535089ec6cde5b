from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "danvan.plans"
    label = "plans"
    verbose_name = _("Plans and campaigns")

    def ready(self) -> None:
        from danvan.core.imports import registry as imports
        from danvan.plans import policies  # noqa: F401  (registers the actions)

        imports.register("plan-indicators", "danvan.plans.imports.PlanIndicatorImport")
