from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InitiativesConfig(AppConfig):
    name = "danvan.initiatives"
    label = "initiatives"
    verbose_name = _("Skilled Mass Mobilisation models")

    def ready(self) -> None:
        from danvan.core import attachments
        from danvan.core.imports import registry as imports
        from danvan.initiatives import exports, policies, statistics  # noqa: F401  (they register; the worker finds exports by key)
        from danvan.initiatives.models import Initiative, ReviewRound

        attachments.register(
            Initiative,
            view_action="initiatives.view",
            change_action="initiatives.change",
            public=lambda initiative: initiative.is_public,
        )
        attachments.register(
            ReviewRound,
            view_action="initiatives.view",
            change_action="initiatives.council.manage",
            territory_attr="council.territory",
        )
        imports.register("initiatives", "danvan.initiatives.imports.InitiativeImport")
