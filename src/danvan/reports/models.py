"""Six-month and annual reports (báo cáo sơ kết / tổng kết) in the official document format.

A `ReportTemplate` holds what administrators may adjust: the title, the opening and closing
text (with a few named placeholders), the recipients and the signer block. A `GeneratedReport`
is one run of a template for an organisation and period; it is numbered in the issuer's "BC"
sequence, built by a background task, and its DOCX and PDF files are kept as generated
attachments. The figures it printed are stored with it, so a report never changes afterwards.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportKind(models.TextChoices):
    SIX_MONTH = "six_month", _("Six-month report")
    ANNUAL = "annual", _("Annual report")


class ReportTemplate(models.Model):
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind of report"), max_length=10, choices=ReportKind.choices)
    # Narrow a template to one kind of organisation and/or one unit's subtree; the most
    # specific active template wins when a report is generated.
    organisation_kind = models.ForeignKey(
        "organisations.OrganisationKind",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("for organisations of kind"),
    )
    territory = models.ForeignKey(
        "territories.Territory",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("for units under"),
    )
    title = models.CharField(_("title (summary line)"), max_length=300)
    opening = models.TextField(_("opening"), blank=True)
    closing = models.TextField(_("closing: tasks for the next period"), blank=True)
    recipients = models.TextField(_("recipients (one per line)"), blank=True)
    signer_authority = models.CharField(_("signing on behalf of"), max_length=120, blank=True)
    signer_position = models.CharField(_("signer's position"), max_length=120, blank=True)
    include_plans = models.BooleanField(_("include plan indicators and tasks"), default=True)
    include_campaigns = models.BooleanField(_("include campaigns"), default=True)
    include_domains = models.BooleanField(
        _("include figures from models, land clearance and petitions"), default=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("report template")
        verbose_name_plural = _("report templates")
        ordering = ["kind", "name", "id"]

    def __str__(self) -> str:
        return self.name


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Being generated")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class GeneratedReport(models.Model):
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation"),
    )
    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    kind = models.CharField(_("kind of report"), max_length=10, choices=ReportKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    template = models.ForeignKey(
        ReportTemplate,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("template"),
    )
    # The template's wording as it was used, so that editing a template never rewrites history.
    template_snapshot = models.JSONField(default=dict, blank=True)
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    number_label = models.CharField(_("number and symbol"), max_length=60, blank=True)
    issued_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=120, blank=True)
    signer_name = models.CharField(_("signer"), max_length=150, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.QUEUED
    )
    job = models.ForeignKey(
        "core.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    figures = models.JSONField(default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("generated report")
        verbose_name_plural = _("generated reports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["territory", "year"], name="report_unit_year")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year}, {self.organisation}"
