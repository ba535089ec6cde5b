"""The register of guidance documents (văn bản): resolutions, directives, plans, guidance…

A document is filed under the unit of the body that issued it; central documents (the Party
Central Committee's "25-NQ/TW", a ministry's circular) have no unit and are readable by every
staff member. `search_text` holds the normalised number, title, summary and the text extracted
from the attached files, for accent-insensitive full-text search.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class DocumentType(models.Model):
    """A type of document with its symbol ("NQ" Nghị quyết, "HD" Hướng dẫn), kept as data."""

    code = models.CharField(_("symbol"), max_length=10, unique=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=80)
    sort_order = models.PositiveSmallIntegerField(default=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("document type")
        verbose_name_plural = _("document types")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "vi").startswith("en") else self.name_vi


class Validity(models.TextChoices):
    IN_FORCE = "in_force", _("In force")
    EXPIRED = "expired", _("Expired")
    REPLACED = "replaced", _("Replaced")


class GuidanceDocument(models.Model):
    number_symbol = models.CharField(_("number and symbol"), max_length=60)  # "25-NQ/TW"
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    doc_type = models.ForeignKey(
        DocumentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("type")
    )
    issuer = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("issuing organisation"),
    )
    # As printed on the document; filled from `issuer` when that is set, typed for bodies
    # outside the register ("Ban Chấp hành Trung ương").
    issuer_name = models.CharField(_("issued by"), max_length=255)
    # `issuer_name` normalised (accents and case dropped): the issuer filter and the counts
    # by issuer group on it.
    issuer_key = models.CharField(max_length=255, blank=True, editable=False)
    territory = models.ForeignKey(
        "territories.Territory",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("unit"),
    )
    # The unit's `scope_path`, copied here so that the scope filter is one indexed column rather
    # than a list of unit ids: PostgreSQL then estimates how many rows a reader's scope holds and
    # reads a province's documents through the index instead of scanning the table for them.
    # Empty for documents without a unit. Kept by the services and by the territories import.
    unit_path = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    issued_on = models.DateField(_("date issued"))
    signer = models.CharField(_("signed by"), max_length=150, blank=True)
    title = models.CharField(_("title"), max_length=500)  # trích yếu
    summary = models.TextField(_("summary"), blank=True)
    recipients = models.TextField(_("recipients"), blank=True)
    validity = models.CharField(
        _("validity"), max_length=10, choices=Validity.choices, default=Validity.IN_FORCE
    )
    valid_from = models.DateField(_("in force from"), null=True, blank=True)
    valid_until = models.DateField(_("in force until"), null=True, blank=True)
    # Issuer, year and number+symbol, normalised: what makes a document the same on re-import.
    natural_key = models.CharField(max_length=400, unique=True, editable=False)
    search_text = models.TextField(blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("guidance document")
        verbose_name_plural = _("guidance documents")
        ordering = ["-issued_on", "-id"]
        indexes = [
            models.Index(fields=["territory", "issued_on"], name="document_unit_date"),
            models.Index(fields=["doc_type", "issued_on"], name="document_type_date"),
            models.Index(fields=["issuer", "issued_on"], name="document_issuer_date"),
            models.Index(fields=["issued_on", "id"], name="document_date_id"),
            models.Index(fields=["issuer_key", "issued_on"], name="document_issuer_key_date"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_until__gte=F("valid_from")),
                name="document_validity_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.number_symbol} {self.title}"


class RelationKind(models.TextChoices):
    IMPLEMENTS = "implements", _("implements")
    AMENDS = "amends", _("amends")
    REPLACES = "replaces", _("replaces")


class DocumentRelation(models.Model):
    """`source` implements / amends / replaces `target`."""

    source = models.ForeignKey(
        GuidanceDocument, on_delete=models.CASCADE, related_name="relations_out"
    )
    target = models.ForeignKey(
        GuidanceDocument, on_delete=models.CASCADE, related_name="relations_in"
    )
    kind = models.CharField(_("relation"), max_length=12, choices=RelationKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("document relation")
        verbose_name_plural = _("document relations")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "target", "kind"], name="document_relation_unique"
            ),
            models.CheckConstraint(
                condition=~Q(source=F("target")), name="document_relation_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} {self.kind} {self.target_id}"
