"""Annual plans (kế hoạch) and themed campaigns (phong trào, đợt thi đua) with their indicators.

A plan belongs to one organisation and one year; a campaign to its owning organisation and a
period. Both carry indicators (name, unit, target) and progress reports per period whose values
are typed by hand or computed from another domain's records through `core.indicators` (the
value then keeps its source). Plans of lower levels roll up to the level above where their
indicators match (same `code`, or the same name and unit).
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Period(models.TextChoices):
    Q1 = "q1", _("First quarter")
    Q2 = "q2", _("Second quarter")
    Q3 = "q3", _("Third quarter")
    Q4 = "q4", _("Fourth quarter")
    H1 = "h1", _("First six months")
    YEAR = "year", _("Whole year")


# Months covered by each period, counted from January: a six-month or annual report sums the
# year so far (sơ kết / tổng kết), a quarter covers its own three months.
PERIOD_MONTHS = {
    Period.Q1: (1, 3),
    Period.Q2: (4, 6),
    Period.Q3: (7, 9),
    Period.Q4: (10, 12),
    Period.H1: (1, 6),
    Period.YEAR: (1, 12),
}


def period_bounds(year: int, period: str) -> tuple[date, date]:
    """First and last day of `period` in `year`."""
    first_month, last_month = PERIOD_MONTHS[Period(period)]
    last_day = date(year + (last_month == 12), last_month % 12 + 1, 1).toordinal() - 1
    return date(year, first_month, 1), date.fromordinal(last_day)


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    CLOSED = "closed", _("Closed")


class Plan(models.Model):
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation"),
    )
    # The organisation's unit, copied so that the scope filter needs no join.
    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=300)
    goals = models.TextField(_("goals"), blank=True)
    documents = models.ManyToManyField(
        "documents.GuidanceDocument",
        blank=True,
        related_name="plans",
        verbose_name=_("implements documents"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    search_text = models.CharField(max_length=600, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("annual plan")
        verbose_name_plural = _("annual plans")
        ordering = ["-year", "territory__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="plan_per_org_year")
        ]
        indexes = [models.Index(fields=["territory", "year"], name="plan_unit_year")]

    def __str__(self) -> str:
        return self.title


class CampaignStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("campaign status", "Planned")
    RUNNING = "running", pgettext_lazy("campaign status", "Running")
    ENDED = "ended", _("Ended")
    CANCELLED = "cancelled", _("Cancelled")


class Campaign(models.Model):
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("owning organisation"),
    )
    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    # Where it runs, when narrower than the owner's whole unit.
    territories = models.ManyToManyField(
        "territories.Territory", blank=True, related_name="+", verbose_name=_("units taking part")
    )
    participants = models.ManyToManyField(
        "organisations.Organisation",
        blank=True,
        related_name="+",
        verbose_name=_("participating organisations"),
    )
    documents = models.ManyToManyField(
        "documents.GuidanceDocument",
        blank=True,
        related_name="campaigns",
        verbose_name=_("implements documents"),
    )
    title = models.CharField(_("title"), max_length=300)
    theme = models.CharField(_("theme"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    status = models.CharField(
        _("status"), max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.PLANNED
    )
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    results = models.TextField(_("results"), blank=True)
    search_text = models.CharField(max_length=800, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["territory", "starts_on"], name="campaign_unit_start")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="campaign_period_order"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Aggregation(models.TextChoices):
    SUM = "sum", _("Sum of the lower levels")
    AVERAGE = "average", _("Average of the lower levels")
    NONE = "none", _("Not rolled up")


class Indicator(models.Model):
    """A measurable goal of a plan or of a campaign (exactly one of the two)."""

    plan = models.ForeignKey(
        Plan, null=True, blank=True, on_delete=models.CASCADE, related_name="indicators"
    )
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.CASCADE, related_name="indicators"
    )
    # Shared key that matches the same indicator in plans of other levels ("models_recognised").
    code = models.SlugField(_("code"), max_length=60, blank=True)
    name = models.CharField(_("indicator"), max_length=300)
    unit = models.CharField(_("unit"), max_length=40)
    target_value = models.DecimalField(
        _("target"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    measurement = models.TextField(_("how it is measured"), blank=True)
    # Key of a source registered in `core.indicators`; empty means typed by hand.
    source = models.CharField(_("computed from"), max_length=60, blank=True)
    aggregation = models.CharField(
        _("roll-up"), max_length=10, choices=Aggregation.choices, default=Aggregation.SUM
    )
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["sort_order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(plan__isnull=False, campaign__isnull=True)
                | Q(plan__isnull=True, campaign__isnull=False),
                name="indicator_of_plan_or_campaign",
            )
        ]

    def __str__(self) -> str:
        return self.name


class TaskStatus(models.TextChoices):
    TODO = "todo", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class PlanTask(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("task"), max_length=500)
    owner = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responsible organisation"),
    )
    owner_name = models.CharField(_("responsible"), max_length=200, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.TODO
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("plan task")
        verbose_name_plural = _("plan tasks")
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.title


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class ProgressReport(models.Model):
    """The figures of a plan or campaign for one period (quarter, six months, year)."""

    plan = models.ForeignKey(
        Plan, null=True, blank=True, on_delete=models.CASCADE, related_name="progress_reports"
    )
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.CASCADE, related_name="progress_reports"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    period = models.CharField(_("period"), max_length=5, choices=Period.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    note = models.TextField(_("assessment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["-year", "period", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(plan__isnull=False, campaign__isnull=True)
                | Q(plan__isnull=True, campaign__isnull=False),
                name="progress_of_plan_or_campaign",
            ),
            models.UniqueConstraint(
                fields=["plan", "year", "period"],
                condition=Q(plan__isnull=False),
                name="progress_plan_period",
            ),
            models.UniqueConstraint(
                fields=["campaign", "year", "period"],
                condition=Q(campaign__isnull=False),
                name="progress_campaign_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_period_display()} {self.year}"


class IndicatorValue(models.Model):
    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="values")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2, null=True, blank=True)
    # The source key when the value was computed; empty when typed by hand.
    source = models.CharField(max_length=60, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            models.UniqueConstraint(fields=["report", "indicator"], name="indicator_value_once")
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}: {self.value}"


class CampaignLink(models.Model):
    """A record of another domain linked to a campaign (a model of good practice, a project).

    Kept as a type key and an id, resolved through `core.links`, so that a campaign works
    whether or not the other domain is installed.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="links")
    target_type = models.CharField(max_length=60)
    target_id = models.CharField(max_length=40)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("linked record")
        verbose_name_plural = _("linked records")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "target_type", "target_id"], name="campaign_link_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.target_type}:{self.target_id}"


class AwardSubject(models.TextChoices):
    COLLECTIVE = "collective", _("Collective")
    INDIVIDUAL = "individual", _("Individual")


class CampaignAward(models.Model):
    """An outstanding collective or individual recognised at the end of a campaign."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="awards")
    subject = models.CharField(_("recognised"), max_length=12, choices=AwardSubject.choices)
    name = models.CharField(_("name"), max_length=255)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation"),
    )
    territory = models.ForeignKey(
        "territories.Territory",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("unit"),
    )
    award = models.CharField(_("award"), max_length=120)  # "Giấy khen", "Bằng khen"
    reason = models.TextField(_("achievement"), blank=True)
    awarded_on = models.DateField(_("date"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("campaign award")
        verbose_name_plural = _("campaign awards")
        ordering = ["subject", "name", "id"]

    def __str__(self) -> str:
        return self.name
