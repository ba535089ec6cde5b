from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Action(models.TextChoices):
    # A context keeps these apart from the same English words used as column headings.
    CREATE = "create", pgettext_lazy("audit action", "Created")
    UPDATE = "update", pgettext_lazy("audit action", "Updated")
    DELETE = "delete", pgettext_lazy("audit action", "Deleted")
    TRANSITION = "transition", pgettext_lazy("audit action", "Status changed")
    IMPORT = "import", pgettext_lazy("audit action", "Imported")
    LOGIN = "login", pgettext_lazy("audit action", "Signed in")
    GRANT = "grant", pgettext_lazy("audit action", "Role granted")
    REVOKE = "revoke", pgettext_lazy("audit action", "Role revoked")
    PASSWORD = "password", pgettext_lazy("audit action", "Password changed")
    VIEW_PERSONAL = "view_personal", pgettext_lazy("audit action", "Personal data shown")


class AuditEvent(models.Model):
    """One append-only, hash-chained record of a change.

    `hash` covers every other column and the previous row's hash, so editing or deleting any
    row breaks the chain from that row on; database triggers also refuse UPDATE and DELETE.
    """

    seq = models.BigIntegerField(unique=True)
    created_at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_label = models.CharField(_("actor"), max_length=150, blank=True)
    source = models.CharField(_("source"), max_length=80)
    ip = models.CharField(_("IP address"), max_length=45, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    object_type = models.CharField(_("object type"), max_length=80)
    object_id = models.CharField(_("object ID"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=255, blank=True)
    territory = models.ForeignKey(
        "territories.Territory",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-seq"]
        indexes = [models.Index(fields=["object_type", "object_id", "seq"], name="audit_object")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"


class ChainHead(models.Model):
    """The single row that holds the end of the chain; writers lock it to append in order."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash[:12]}"
