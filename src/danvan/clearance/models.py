"""Land clearance (giải phóng mặt bằng): projects, household cases, money, mobilisation, donations.

Money is whole VND in `BigIntegerField`s and areas are `Decimal` m². A household's approved and
paid totals, and a project's counts and sums, are kept on the rows so that boards and dashboards
read a handful of columns instead of summing millions of lines; only the services in
`services/` write them, always in the same transaction as the lines they sum
(`services.totals`), and `danvan check-clearance` recomputes them to prove it.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

AREA = {"max_digits": 14, "decimal_places": 2}


class InProject:
    """Rows filed under a project are scoped, and audited, under the project's unit."""

    @property
    def scope_territory_id(self) -> int:
        return self.project.territory_id


class InHousehold:
    @property
    def scope_territory_id(self) -> int:
        return self.household.project.territory_id


class ProjectKind(models.TextChoices):
    STATE_RECOVERY = "state_recovery", _("State land recovery with compensation")
    PEOPLE_FUNDED = "people_funded", _("People-funded works relying on donations")


class ProjectStatus(models.TextChoices):
    PREPARING = "preparing", _("Preparing")
    NOTICE_ISSUED = "notice_issued", _("Recovery notice issued")
    INVENTORY = "inventory", _("Inventory and measurement")
    PLAN_DRAFTED = "plan_drafted", _("Compensation plan drafted")
    PLAN_POSTED = "plan_posted", _("Plan posted for comment")
    PLAN_APPROVED = "plan_approved", _("Plan approved")
    PAYING = "paying", _("Paying compensation")
    HANDED_OVER = "handed_over", _("Land handed over")
    COMPLETED = "completed", _("Completed")
    SUSPENDED = "suspended", _("Suspended")


# The main line of a project, in order; `suspended` is a side state that remembers where it left.
PROJECT_STEPS = [s for s in ProjectStatus if s != ProjectStatus.SUSPENDED]


class CaseStatus(models.TextChoices):
    """Where one household stands. A complaint is a record of its own, not a status."""

    NOT_CONTACTED = "not_contacted", _("Not yet contacted")
    PERSUADING = "persuading", _("Being persuaded")
    INVENTORY_DONE = "inventory_done", _("Inventory done")
    FORCED_INVENTORY = "forced_inventory", _("Compulsory inventory")
    AGREED = "agreed", _("Agreed")
    DISAGREED = "disagreed", _("Not yet agreed")
    PAID = "paid", _("Paid")
    HANDED_OVER = "handed_over", _("Land handed over")
    ENFORCED = "enforced", _("Enforced recovery")


# Households counted as "agreed", "paid" and "handed over" on boards: each later step implies
# the earlier ones.
AGREED_STATES = (CaseStatus.AGREED, CaseStatus.PAID, CaseStatus.HANDED_OVER)
PAID_STATES = (CaseStatus.PAID, CaseStatus.HANDED_OVER)


class Category(models.TextChoices):
    """Lines of compensation, support and resettlement (BT-HT-TĐC)."""

    LAND = "land", _("Land")
    STRUCTURES = "structures", _("Houses and structures")
    CROPS = "crops", _("Crops and livestock")
    RELOCATION = "relocation", _("Relocation costs")
    SUPPORT = "support", _("Support")
    BONUS = "bonus", _("Early handover bonus")
    RESETTLEMENT = "resettlement", _("Resettlement")


class LandType(models.TextChoices):
    ODT = "ODT", _("ODT - urban residential land")
    ONT = "ONT", _("ONT - rural residential land")
    LUA = "LUA", _("LUA - rice land")
    HNK = "HNK", _("HNK - other annual crops")
    CLN = "CLN", _("CLN - perennial crops")
    NTS = "NTS", _("NTS - aquaculture")
    RSX = "RSX", _("RSX - production forest")
    OTHER = "KHAC", _("Other land")


class LegalStatus(models.TextChoices):
    CERTIFIED = "certified", _("Has a land-use certificate")
    ELIGIBLE = "eligible", _("No certificate, eligible for one")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible for compensation")
    PUBLIC = "public", _("Public land managed by the commune")
    DISPUTED = "disputed", _("In dispute")


class TaskForce(models.Model):
    """A mobilisation team (tổ dân vận, tổ công tác GPMB) and its members."""

    name = models.CharField(_("name"), max_length=200)
    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("organisation"),
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("task force")
        verbose_name_plural = _("task forces")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def leader(self):
        return next((m for m in self.members.all() if m.is_leader), None)


class TaskForceMember(models.Model):
    task_force = models.ForeignKey(TaskForce, on_delete=models.CASCADE, related_name="members")
    # A member may have no account (a village head, a veteran); the name is then enough.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="task_forces",
        verbose_name=_("account"),
    )
    full_name = models.CharField(_("full name"), max_length=120)
    position = models.CharField(_("position"), max_length=160, blank=True)
    is_leader = models.BooleanField(_("leader"), default=False)

    class Meta:
        verbose_name = _("task force member")
        verbose_name_plural = _("task force members")
        ordering = ["-is_leader", "full_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["task_force"],
                condition=models.Q(is_leader=True),
                name="task_force_one_leader",
            )
        ]

    def __str__(self) -> str:
        return self.full_name


class Project(models.Model):
    name = models.CharField(_("name"), max_length=255)
    code = models.CharField(_("code"), max_length=40, unique=True)
    investor = models.CharField(_("investor"), max_length=200, blank=True)
    purpose = models.TextField(_("purpose"), blank=True)
    kind = models.CharField(
        _("kind"), max_length=16, choices=ProjectKind.choices, default=ProjectKind.STATE_RECOVERY
    )
    # The unit that owns the project and decides who sees it; `units` lists every commune it
    # touches.
    territory = models.ForeignKey(
        "territories.Territory",
        on_delete=models.PROTECT,
        related_name="clearance_projects",
        verbose_name=_("unit in charge"),
    )
    units = models.ManyToManyField(
        "territories.Territory", blank=True, related_name="+", verbose_name=_("communes affected")
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    planned_area = models.DecimalField(_("planned area (m²)"), default=0, **AREA)
    planned_households = models.PositiveIntegerField(_("planned households"), default=0)
    budget = models.BigIntegerField(_("budget (VND)"), default=0)
    starts_on = models.DateField(_("start date"), null=True, blank=True)
    handover_deadline = models.DateField(_("handover deadline"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ProjectStatus.choices,
        default=ProjectStatus.PREPARING,
        db_index=True,
    )
    # Where a suspended project resumes.
    suspended_from = models.CharField(max_length=16, choices=ProjectStatus.choices, blank=True)
    status_note = models.TextField(_("reason given"), blank=True)
    task_force = models.ForeignKey(
        TaskForce,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
        verbose_name=_("task force"),
    )
    search_name = models.CharField(max_length=300, db_index=True, editable=False)
    # Totals kept by services.totals.refresh_projects.
    households_count = models.PositiveIntegerField(default=0, editable=False)
    agreed_count = models.PositiveIntegerField(default=0, editable=False)
    paid_count = models.PositiveIntegerField(default=0, editable=False)
    handed_over_count = models.PositiveIntegerField(default=0, editable=False)
    complaint_count = models.PositiveIntegerField(default=0, editable=False)
    approved_total = models.BigIntegerField(default=0, editable=False)
    paid_total = models.BigIntegerField(default=0, editable=False)
    recovered_area = models.DecimalField(default=0, editable=False, **AREA)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("clearance project")
        verbose_name_plural = _("clearance projects")
        ordering = ["-year", "search_name", "id"]
        indexes = [
            models.Index(fields=["territory", "year"], name="clearance_project_unit_year"),
            models.Index(fields=["year", "status"], name="clearance_project_year_status"),
        ]

    def __str__(self) -> str:
        return f"{self.code} - {self.name}"


class RecoveryDecision(InProject, models.Model):
    """A land recovery decision (quyết định thu hồi đất) behind a project."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="decisions")
    number = models.CharField(_("number"), max_length=60)
    signed_on = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("land recovery decision")
        verbose_name_plural = _("land recovery decisions")
        ordering = ["signed_on", "id"]

    def __str__(self) -> str:
        return self.number


class Phase(InProject, models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="phases")
    name = models.CharField(_("name"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    starts_on = models.DateField(_("start date"), null=True, blank=True)
    ends_on = models.DateField(_("end date"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class Household(InProject, models.Model):
    """One affected household (hộ bị ảnh hưởng): a case that runs until its land is handed over."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="households")
    code = models.CharField(_("household code"), max_length=40)
    head_name = models.CharField(_("head of household"), max_length=120)
    # Personal data: shown masked unless the role allows (see core.personal).
    head_id_number = models.CharField(_("citizen ID (CCCD)"), max_length=12, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    village = models.CharField(_("village / residential group"), max_length=120, blank=True)
    commune = models.ForeignKey(
        "territories.Territory",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("commune"),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=CaseStatus.choices,
        default=CaseStatus.NOT_CONTACTED,
        db_index=True,
    )
    status_note = models.TextField(_("reason given"), blank=True)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("officer in charge"),
    )
    resettlement = models.CharField(_("resettlement allocation"), max_length=255, blank=True)
    resettlement_on = models.DateField(_("resettlement allocated on"), null=True, blank=True)
    handed_over_on = models.DateField(_("handed over on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    search_name = models.CharField(max_length=300, db_index=True, editable=False)
    # Totals kept by services.totals.refresh_households.
    approved_total = models.BigIntegerField(_("approved amount (VND)"), default=0, editable=False)
    paid_total = models.BigIntegerField(_("paid (VND)"), default=0, editable=False)
    recovered_area = models.DecimalField(
        _("recovered area (m²)"), default=0, editable=False, **AREA
    )
    open_complaints = models.PositiveSmallIntegerField(default=0, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["project", "code", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "code"], name="household_code_once")
        ]
        indexes = [models.Index(fields=["project", "status"], name="household_project_status")]

    def __str__(self) -> str:
        return f"{self.code} - {self.head_name}"

    @property
    def outstanding(self) -> int:
        return self.approved_total - self.paid_total


class HouseholdMember(InHousehold, models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    full_name = models.CharField(_("full name"), max_length=120)
    relation = models.CharField(_("relation to the head"), max_length=60, blank=True)
    id_number = models.CharField(_("citizen ID (CCCD)"), max_length=12, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)

    class Meta:
        verbose_name = _("household member")
        verbose_name_plural = _("household members")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.full_name


class Plot(InHousehold, models.Model):
    """A land parcel (thửa đất) of the household that the project takes, wholly or in part."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="plots")
    map_sheet = models.CharField(_("map sheet no."), max_length=20)
    plot_number = models.CharField(_("plot no."), max_length=20)
    certificate_number = models.CharField(_("certificate no."), max_length=40, blank=True)
    land_type = models.CharField(
        _("land type"), max_length=6, choices=LandType.choices, default=LandType.ODT
    )
    legal_status = models.CharField(
        _("legal status"), max_length=14, choices=LegalStatus.choices, default=LegalStatus.CERTIFIED
    )
    total_area = models.DecimalField(_("total area (m²)"), **AREA)
    recovered_area = models.DecimalField(_("recovered area (m²)"), **AREA)

    class Meta:
        verbose_name = _("plot")
        verbose_name_plural = _("plots")
        ordering = ["map_sheet", "plot_number", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "map_sheet", "plot_number"], name="plot_once_per_household"
            )
        ]

    def __str__(self) -> str:
        return f"{self.map_sheet}/{self.plot_number}"


class InventoryItem(InHousehold, models.Model):
    """One counted item of the inventory (kiểm đếm): quantity x unit price = amount."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="inventory")
    category = models.CharField(_("category"), max_length=14, choices=Category.choices)
    description = models.CharField(_("description"), max_length=255)
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=20, default="m²")
    unit_price = models.BigIntegerField(_("unit price (VND)"))
    # quantity x unit price rounded half up to the đồng; set by the service, never typed.
    amount = models.BigIntegerField(_("amount (VND)"), editable=False)

    class Meta:
        verbose_name = _("inventory item")
        verbose_name_plural = _("inventory items")
        ordering = ["category", "id"]

    def __str__(self) -> str:
        return self.description


class PlanKind(models.TextChoices):
    ORIGINAL = "original", _("Compensation plan")
    SUPPLEMENTARY = "supplementary", _("Supplementary plan")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")


class CompensationPlan(InHousehold, models.Model):
    """A household's share of a compensation plan; its lines are the amounts per category."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="plans")
    kind = models.CharField(
        _("kind"), max_length=14, choices=PlanKind.choices, default=PlanKind.ORIGINAL
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    decision_number = models.CharField(_("approval decision no."), max_length=60, blank=True)
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("compensation plan")
        verbose_name_plural = _("compensation plans")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.decision_number}".strip()

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.lines.all())


class PlanLine(models.Model):
    plan = models.ForeignKey(CompensationPlan, on_delete=models.CASCADE, related_name="lines")
    category = models.CharField(_("category"), max_length=14, choices=Category.choices)
    amount = models.BigIntegerField(_("amount (VND)"))
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("plan line")
        verbose_name_plural = _("plan lines")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "category"], name="plan_line_once_per_category")
        ]

    def __str__(self) -> str:
        return f"{self.category}: {self.amount}"


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Cash")
    TRANSFER = "transfer", _("Bank transfer")
    TREASURY = "treasury", _("Deposit at the State Treasury")


class Payment(InHousehold, models.Model):
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="payments")
    paid_on = models.DateField(_("payment date"))
    voucher_number = models.CharField(_("voucher no."), max_length=40)
    method = models.CharField(
        _("method"), max_length=10, choices=PaymentMethod.choices, default=PaymentMethod.TRANSFER
    )
    amount = models.BigIntegerField(_("amount (VND)"))
    note = models.CharField(_("note"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["paid_on", "id"]
        indexes = [models.Index(fields=["paid_on"], name="clearance_payment_date")]

    def __str__(self) -> str:
        return self.voucher_number


class ComplaintStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    HANDLING = "handling", _("Being handled")
    RESOLVED = "resolved", _("Resolved")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_COMPLAINT_STATES = (ComplaintStatus.RECEIVED, ComplaintStatus.HANDLING)


class Complaint(InHousehold, models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="complaints")
    received_on = models.DateField(_("received on"))
    content = models.TextField(_("content"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ComplaintStatus.choices,
        default=ComplaintStatus.RECEIVED,
    )
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-received_on", "id"]

    def __str__(self) -> str:
        return self.content[:60]


class VisitKind(models.TextChoices):
    VISIT = "visit", _("Home visit")
    MEETING = "meeting", _("Meeting")
    CALL = "call", _("Phone call")


class VisitOutcome(models.TextChoices):
    AGREED = "agreed", _("Agreed")
    CONSIDERING = "considering", _("Will consider")
    PENDING = "pending", _("Raised questions to answer")
    REFUSED = "refused", _("Refused")
    ABSENT = "absent", _("Nobody at home")


class Visit(InHousehold, models.Model):
    """One mobilisation contact (lần vận động) with a household."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="visits")
    visited_on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=8, choices=VisitKind.choices, default="visit")
    officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("officers")
    )
    participants = models.CharField(_("others who went"), max_length=255, blank=True)
    discussed = models.TextField(_("what was discussed"))
    outcome = models.CharField(_("outcome"), max_length=12, choices=VisitOutcome.choices)
    next_step = models.CharField(_("next step"), max_length=255, blank=True)
    follow_up_on = models.DateField(_("follow-up date"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-visited_on", "-id"]
        indexes = [models.Index(fields=["household", "visited_on"], name="visit_household_date")]

    def __str__(self) -> str:
        return f"{self.visited_on:%d/%m/%Y}"


class PeakCampaign(models.Model):
    """A peak campaign (đợt cao điểm): a period with a number of households and m² to hand over."""

    name = models.CharField(_("name"), max_length=200)
    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    projects = models.ManyToManyField(Project, related_name="campaigns", verbose_name=_("projects"))
    starts_on = models.DateField(_("start date"))
    ends_on = models.DateField(_("end date"))
    target_households = models.PositiveIntegerField(_("households to hand over"))
    target_area = models.DecimalField(_("area to hand over (m²)"), default=0, **AREA)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("peak campaign")
        verbose_name_plural = _("peak campaigns")
        ordering = ["-starts_on", "id"]

    def __str__(self) -> str:
        return self.name


class WorksKind(models.TextChoices):
    ROAD = "road", _("Village or commune road")
    ALLEY = "alley", _("Urban alley")
    SCHOOL = "school", _("School yard")
    CANAL = "canal", _("Irrigation canal")
    PUBLIC = "public", _("Other public works")


class Donation(models.Model):
    """Land a household gives free for public works (hiến đất)."""

    territory = models.ForeignKey(
        "territories.Territory",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("unit"),
    )
    project = models.ForeignKey(
        Project,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="donations",
        verbose_name=_("project"),
    )
    household = models.ForeignKey(
        Household,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="donations",
        verbose_name=_("household"),
    )
    donor_name = models.CharField(_("donor"), max_length=160)
    address = models.CharField(_("address"), max_length=255, blank=True)
    area = models.DecimalField(_("area (m²)"), **AREA)
    value = models.BigIntegerField(_("estimated value (VND)"))
    works_kind = models.CharField(_("works"), max_length=8, choices=WorksKind.choices)
    works_name = models.CharField(_("name of the works"), max_length=200)
    donated_on = models.DateField(_("date"))
    thanked_on = models.DateField(_("thank-you letter sent on"), null=True, blank=True)
    search_name = models.CharField(max_length=300, db_index=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("land donation")
        verbose_name_plural = _("land donations")
        ordering = ["-donated_on", "id"]
        indexes = [models.Index(fields=["territory", "donated_on"], name="donation_unit_date")]

    def __str__(self) -> str:
        return f"{self.donor_name} - {self.area} m²"
