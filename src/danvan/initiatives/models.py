"""Models of the "Dân vận khéo" movement (mô hình, điển hình), their reviews and recognitions.

The Django model for a mô hình is called `Initiative` so that it never reads like "a model model".
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class LocalisedName(models.Model):
    """Reference data kept as rows, named in both languages."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=160)
    name_en = models.CharField(_("name (English)"), max_length=160)
    sort_order = models.PositiveSmallIntegerField(default=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        abstract = True
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "vi").startswith("en") else self.name_vi


class Field(LocalisedName):
    """Lĩnh vực: economy; culture and society; defence and security; party building."""

    class Meta(LocalisedName.Meta):
        verbose_name = _("field")
        verbose_name_plural = _("fields")


class IndicatorKind(LocalisedName):
    """A kind of result a model reports (households taking part, VND mobilised, m² donated…)."""

    unit = models.CharField(_("unit"), max_length=20)
    is_money = models.BooleanField(_("amount in VND"), default=False)
    is_whole = models.BooleanField(_("whole numbers only"), default=True)

    class Meta(LocalisedName.Meta):
        verbose_name = _("indicator kind")
        verbose_name_plural = _("indicator kinds")


class Level(models.TextChoices):
    """Cấp công nhận. District level existed before 07/2025 and is kept for old records only."""

    COMMUNE = "xa", _("Commune level")
    DISTRICT = "huyen", _("District level (before 07/2025)")
    PROVINCE = "tinh", _("Provincial level")
    CENTRAL = "trung_uong", _("Central level")


# The ladder a model climbs today; district level is no longer used for new reviews.
LEVEL_LADDER = (Level.COMMUNE, Level.PROVINCE, Level.CENTRAL)
LEVEL_RANK = {Level.COMMUNE: 1, Level.DISTRICT: 2, Level.PROVINCE: 3, Level.CENTRAL: 4}


class Subject(models.TextChoices):
    COLLECTIVE = "tap_the", _("Collective")
    INDIVIDUAL = "ca_nhan", _("Individual")


class Kind(models.TextChoices):
    MODEL = "mo_hinh", _("Model")
    EXEMPLAR = "dien_hinh", _("Exemplar")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for recognition")
    UNDER_REVIEW = "under_review", _("Under review")
    RECOGNISED = "recognised", _("Recognised")
    REJECTED = "rejected", _("Not recognised")
    STOPPED = "stopped", _("No longer in effect")


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=60, unique=True)
    search_name = models.CharField(max_length=60, db_index=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["search_name"]

    def __str__(self) -> str:
        return self.name


class Initiative(models.Model):
    """One mô hình or điển hình, from registration through review to recognition."""

    name = models.CharField(_("name"), max_length=255)
    summary = models.TextField(_("summary"))
    problem = models.TextField(_("problem it solved"), blank=True)
    mobilisation = models.TextField(_("how people were mobilised"), blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.MODEL)
    subject = models.CharField(_("subject"), max_length=8, choices=Subject.choices)
    field = models.ForeignKey(
        Field, on_delete=models.PROTECT, related_name="initiatives", verbose_name=_("field")
    )
    territory = models.ForeignKey(
        "territories.Territory",
        on_delete=models.PROTECT,
        related_name="initiatives",
        verbose_name=_("unit"),
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="initiatives",
        verbose_name=_("organisation"),
        help_text=_("The collective itself, or the organisation of the individual."),
    )
    person_name = models.CharField(_("person's full name"), max_length=120, blank=True)
    person_position = models.CharField(_("person's position"), max_length=120, blank=True)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(
        _("registration year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    # Every year the model was registered for the movement (the first is `year`).
    registered_years = models.JSONField(_("registered years"), default=list, blank=True)
    tags = models.ManyToManyField(
        Tag, blank=True, related_name="initiatives", verbose_name=_("tags")
    )
    status = models.CharField(
        _("status"), max_length=14, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    # The highest level at which it is recognised; None until the first recognition.
    level = models.CharField(
        _("recognised level"), max_length=12, choices=Level.choices, blank=True
    )
    # The level the current submission or review asks for.
    target_level = models.CharField(
        _("level requested"), max_length=12, choices=Level.choices, default=Level.COMMUNE
    )
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True, blank=True)
    status_note = models.TextField(_("reason given"), blank=True)
    search_name = models.CharField(max_length=300, db_index=True, editable=False)
    # Name and summary, normalised without accents, for full-text search.
    search_text = models.TextField(editable=False, default="")
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    recognised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("model")
        verbose_name_plural = _("models")
        ordering = ["-year", "search_name", "id"]
        indexes = [
            models.Index(fields=["year", "status"], name="initiative_year_status"),
            # The list's default order (newest year first), read backwards.
            models.Index(fields=["year", "id"], name="initiative_year_id"),
            # Counting a year's models of one field (and status) straight from the index.
            models.Index(fields=["year", "field", "status"], name="initiative_year_field"),
            models.Index(fields=["territory", "year"], name="initiative_territory_year"),
            models.Index(fields=["status", "level", "year"], name="initiative_public"),
        ]
        constraints = [
            # Re-importing a year's list must not duplicate it.
            models.UniqueConstraint(
                fields=["territory", "year", "search_name"], name="initiative_natural_key"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_public(self) -> bool:
        return self.status == Status.RECOGNISED

    @property
    def subject_label(self) -> str:
        if self.subject == Subject.INDIVIDUAL and self.person_name:
            return self.person_name
        return str(self.organisation)


class Indicator(models.Model):
    """One measured result of a model: 120 households, 1.500.000.000 VND, 3,5 km of road."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="indicators")
    kind = models.ForeignKey(IndicatorKind, on_delete=models.PROTECT, related_name="+")
    # Money is kept exact: VND amounts are whole numbers stored in the same decimal column.
    value = models.DecimalField(
        _("value"), max_digits=18, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("result indicator")
        verbose_name_plural = _("result indicators")
        ordering = ["kind__sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["initiative", "kind"], name="indicator_once_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.value}"


class Replication(models.Model):
    """ "This model was replicated in commune X" — optionally pointing at the copy's own record."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="replications"
    )
    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    copy = models.ForeignKey(
        Initiative,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replicated_from",
        verbose_name=_("record of the copy"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("replication")
        verbose_name_plural = _("replications")
        ordering = ["-year", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "territory", "year"], name="replication_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.territory} ({self.year})"


class Recognition(models.Model):
    """A recognition decision for a model at one level.

    Subject, field and unit are copied from the model when the decision is made: they are facts
    of the decision, and statistics count them without joining half a million models.
    """

    initiative = models.ForeignKey(
        Initiative, on_delete=models.PROTECT, related_name="recognitions"
    )
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    decision_number = models.CharField(_("decision number"), max_length=60)
    decision_date = models.DateField(_("decision date"))
    issuer = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("issued by"),
    )
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True, blank=True)
    review_round = models.ForeignKey(
        "ReviewRound", null=True, blank=True, on_delete=models.PROTECT, related_name="recognitions"
    )
    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.PROTECT, related_name="+"
    )
    subject = models.CharField(max_length=8, choices=Subject.choices)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    field = models.ForeignKey(Field, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("recognition")
        verbose_name_plural = _("recognitions")
        ordering = ["-decision_date", "-id"]
        indexes = [models.Index(fields=["year", "level"], name="recognition_year_level")]
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "level", "year"], name="recognition_once_per_level_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.decision_number} ({self.get_level_display()})"


class EvaluationOutcome(models.TextChoices):
    MAINTAINED = "maintained", _("Still effective")
    INEFFECTIVE = "ineffective", _("No longer effective")


class Evaluation(models.Model):
    """The yearly re-evaluation of a recognised model."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="evaluations")
    year = models.PositiveSmallIntegerField(_("year"))
    outcome = models.CharField(_("outcome"), max_length=12, choices=EvaluationOutcome.choices)
    note = models.TextField(_("note"), blank=True)
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("yearly evaluation")
        verbose_name_plural = _("yearly evaluations")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["initiative", "year"], name="evaluation_once_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.get_outcome_display()}"


# --- review councils ------------------------------------------------------------------------


class CriteriaSet(models.Model):
    """A scoring sheet: weighted criteria, kept as data because every province sets its own."""

    name = models.CharField(_("name"), max_length=160)
    territory = models.ForeignKey(
        "territories.Territory",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("unit"),
        help_text=_("Empty: available everywhere."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("criteria set")
        verbose_name_plural = _("criteria sets")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Criterion(models.Model):
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="criteria")
    code = models.SlugField(max_length=40)
    name = models.CharField(_("criterion"), max_length=160)
    description = models.CharField(_("description"), max_length=255, blank=True)
    weight = models.DecimalField(
        _("weight"), max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    max_score = models.PositiveSmallIntegerField(_("maximum score"), default=10)
    sort_order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "code"], name="criterion_code_once")
        ]

    def __str__(self) -> str:
        return self.name


class Council(models.Model):
    """Hội đồng thẩm định: reviews the models of one level in one unit for one year."""

    name = models.CharField(_("name"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    issuer = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("issuing organisation"),
        help_text=_("The body whose decision recognises the models."),
    )
    criteria_set = models.ForeignKey(
        CriteriaSet, on_delete=models.PROTECT, related_name="councils", verbose_name=_("criteria")
    )
    pass_score = models.DecimalField(
        _("score needed for recognition"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(70),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("review council")
        verbose_name_plural = _("review councils")
        ordering = ["-year", "name"]

    def __str__(self) -> str:
        return self.name


class MemberRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    MEMBER = "member", _("Member")


class CouncilMember(models.Model):
    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="council_seats"
    )
    # Copied from the user when seated: the conflict-of-interest rule compares it.
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation"),
    )
    role = models.CharField(
        _("role"), max_length=8, choices=MemberRole.choices, default=MemberRole.MEMBER
    )

    class Meta:
        verbose_name = _("council member")
        verbose_name_plural = _("council members")
        ordering = ["-role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["council", "user"], name="council_member_once"),
            models.UniqueConstraint(
                fields=["council"],
                condition=models.Q(role="chair"),
                name="council_one_chair",
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)


class RoundStatus(models.TextChoices):
    OPEN = "open", _("Scoring")
    CLOSED = "closed", _("Closed")


class ReviewRound(models.Model):
    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="rounds")
    name = models.CharField(_("name"), max_length=160)
    deadline = models.DateField(_("scoring deadline"))
    status = models.CharField(
        _("status"), max_length=8, choices=RoundStatus.choices, default=RoundStatus.OPEN
    )
    decision_number = models.CharField(_("decision number"), max_length=60, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    signer_name = models.CharField(_("signed by"), max_length=120, blank=True)
    signer_position = models.CharField(_("signer's position"), max_length=120, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("review round")
        verbose_name_plural = _("review rounds")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name

    @property
    def territory(self):
        return self.council.territory


class Entry(models.Model):
    """A model put before a review round; the aggregate is kept up to date as scores arrive."""

    review_round = models.ForeignKey(ReviewRound, on_delete=models.PROTECT, related_name="entries")
    initiative = models.ForeignKey(Initiative, on_delete=models.PROTECT, related_name="entries")
    level = models.CharField(_("level requested"), max_length=12, choices=Level.choices)
    average = models.DecimalField(
        _("average score"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    score_count = models.PositiveSmallIntegerField(_("scores"), default=0)
    recognised = models.BooleanField(null=True)

    class Meta:
        verbose_name = _("review entry")
        verbose_name_plural = _("review entries")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["review_round", "initiative"], name="entry_once")
        ]

    def __str__(self) -> str:
        return str(self.initiative)


class ScoreSheet(models.Model):
    """One member's scores for one entry: a value per criterion, and their weighted total."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="sheets")
    member = models.ForeignKey(CouncilMember, on_delete=models.PROTECT, related_name="sheets")
    values = models.JSONField(default=dict)  # criterion code -> score given
    total = models.DecimalField(max_digits=5, decimal_places=2)  # on a 100-point scale
    comment = models.TextField(_("comment"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("score sheet")
        verbose_name_plural = _("score sheets")
        constraints = [models.UniqueConstraint(fields=["entry", "member"], name="score_sheet_once")]

    def __str__(self) -> str:
        return f"{self.member}: {self.total}"
