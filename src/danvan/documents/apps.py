from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "danvan.documents"
    label = "documents"
    verbose_name = _("Guidance documents")

    def ready(self) -> None:
        from danvan.core import attachments
        from danvan.core.imports import registry as imports
        from danvan.documents import exports, policies  # noqa: F401  (they register)
        from danvan.documents.models import GuidanceDocument
        from danvan.documents.services import document_reindex, document_unit_paths_refresh
        from danvan.territories.services import follow_scope_paths

        attachments.register(
            GuidanceDocument,
            view_action="documents.view",
            change_action="documents.change",
            # The text of its files is part of what the register's search reads.
            on_files_changed=document_reindex,
        )
        imports.register("documents", "danvan.documents.imports.DocumentImport")
        # Documents carry a copy of their unit's scope path (the scope filter reads it).
        follow_scope_paths(document_unit_paths_refresh)
