from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DialoguesConfig(AppConfig):
    name = "danvan.dialogues"
    label = "dialogues"
    verbose_name = _("Dialogues and petitions")

    def ready(self) -> None:
        import danvan.dialogues.digest  # noqa: F401  (adds the petitions to the daily digest)
        from danvan.core import attachments
        from danvan.dialogues import exports, policies  # noqa: F401  (registers actions, exports)
        from danvan.dialogues.models import ANSWERED_STATES, Conference, Petition

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
