from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DialoguesConfig(AppConfig):
    name = "danvan.dialogues"
    label = "dialogues"
    verbose_name = _("Dialogues and petitions")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        import danvan.dialogues.digest  # noqa: F401  (adds the petitions to the daily digest)
        from danvan.core import attachments
        from danvan.dialogues import exports, figures, policies  # noqa: F401  (they register)
        from danvan.dialogues.models import ANSWERED_STATES, Conference, Petition
        from danvan.territories.services import follow_scope_paths

        # Every saved or deleted petition recounts its unit and month in the kept figures.
        post_save.connect(_recount, sender=Petition, dispatch_uid="petition_figures_save")
        post_delete.connect(_recount, sender=Petition, dispatch_uid="petition_figures_delete")
        # Units re-mapped: the province rollups may be wrong until the next rebuild.
        follow_scope_paths(figures.mark_stale)

        attachments.register(
            Conference, view_action="dialogues.view", change_action="dialogues.change"
        )
        # Files on a petition are shown to the public only with a published answer, and only
        # those an officer marks public (never what the citizen sent in).
        attachments.register(
            Petition,
            view_action="dialogues.view",
            change_action="dialogues.handle",
            public=lambda p: p.status in ANSWERED_STATES and p.answer_public,
        )


def _recount(sender, instance, raw: bool = False, **kwargs) -> None:
    if raw:  # loaddata: the figures are rebuilt afterwards
        return
    from danvan.dialogues import figures

    figures.refresh_petitions([instance])
