from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClearanceConfig(AppConfig):
    name = "danvan.clearance"
    label = "clearance"
    verbose_name = _("Land clearance")

    def ready(self) -> None:
        from danvan.clearance import exports, policies  # noqa: F401  (they register; the worker finds exports by key)
        from danvan.clearance.models import Donation, Household, Project
        from danvan.core import attachments
        from danvan.core.imports import registry as imports

        attachments.register(
            Project, view_action="clearance.view", change_action="clearance.change"
        )
        attachments.register(
            Household,
            view_action="clearance.view",
            change_action="clearance.change",
            territory_attr="project.territory",
        )
        attachments.register(
            Donation, view_action="clearance.view", change_action="clearance.change"
        )
        imports.register("clearance-households", "danvan.clearance.imports.HouseholdImport")
        imports.register("clearance-inventory", "danvan.clearance.imports.InventoryImport")
