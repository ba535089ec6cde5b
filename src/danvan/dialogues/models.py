"""Dialogue conferences (hội nghị đối thoại) and citizens' petitions (kiến nghị, phản ánh).

A conference is held by a leader with the people of a unit; what people raise there becomes
petitions, as do petitions from reception days, the public portal, letters, the hotline and the
press. A petition is assigned to an agency (and an officer there) with a deadline taken from the
`DeadlineRule` table; "overdue" is computed from the deadline and the status, never stored.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class OrganiserRole(models.TextChoices):
    PARTY_SECRETARY = "party_secretary", _("Party committee secretary")
    COMMITTEE_CHAIR = "committee_chair", _("Chair of the People's Committee")
    FRONT_CHAIR = "front_chair", _("Chair of the Fatherland Front committee")
    COUNCIL_CHAIR = "council_chair", _("Chair of the People's Council")
    OTHER = "other", _("Other leader")


class ConferenceStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    MINUTES_PUBLISHED = "minutes_published", _("Minutes published")
    CANCELLED = "cancelled", _("Cancelled")


# Conferences that count towards a unit's yearly plan.
HELD_STATES = (ConferenceStatus.HELD, ConferenceStatus.MINUTES_PUBLISHED)


class ConferencePlan(models.Model):
    """How many dialogue conferences a unit must hold in a year."""

    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    planned_count = models.PositiveSmallIntegerField(_("conferences planned"))
    note = models.TextField(_("note"), blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("conference plan")
        verbose_name_plural = _("conference plans")
        ordering = ["-year", "territory__name"]
        constraints = [
            models.UniqueConstraint(fields=["territory", "year"], name="conference_plan_unit_year")
        ]

    def __str__(self) -> str:
        return f"{self.territory} {self.year}: {self.planned_count}"


class Conference(models.Model):
    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    organiser_role = models.CharField(_("organiser"), max_length=20, choices=OrganiserRole.choices)
    organiser_name = models.CharField(_("organiser's name"), max_length=150, blank=True)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("organising body"),
    )
    topic = models.CharField(_("topic"), max_length=300)
    starts_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=300)
    invited = models.ManyToManyField(
        "organisations.Organisation",
        blank=True,
        related_name="+",
        verbose_name=_("invited agencies"),
    )
    invited_other = models.TextField(_("other invited guests"), blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    participants = models.PositiveIntegerField(_("participants"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ConferenceStatus.choices,
        default=ConferenceStatus.PLANNED,
    )
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    held_at = models.DateTimeField(_("held"), null=True, blank=True)
    minutes_published_at = models.DateTimeField(_("minutes published"), null=True, blank=True)
    search_text = models.CharField(max_length=400, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("dialogue conference")
        verbose_name_plural = _("dialogue conferences")
        ordering = ["-starts_at", "-id"]
        indexes = [
            models.Index(fields=["territory", "starts_at"], name="conference_unit_date"),
            models.Index(fields=["status", "starts_at"], name="conference_status_date"),
        ]

    def __str__(self) -> str:
        return self.topic


class Category(models.TextChoices):
    LAND = "land", _("Land and site clearance")
    ENVIRONMENT = "environment", _("Environment")
    INFRASTRUCTURE = "infrastructure", _("Infrastructure and transport")
    SOCIAL_POLICY = "social_policy", _("Social policy")
    SECURITY = "security", _("Security and public order")
    ADMINISTRATION = "administration", _("Administrative procedures")
    ECONOMY = "economy", _("Economy and livelihoods")
    CULTURE_HEALTH = "culture_health", _("Culture, education and health")
    OTHER = "other", _("Other")


class Channel(models.TextChoices):
    CONFERENCE = "conference", _("Dialogue conference")
    RECEPTION = "reception", _("Citizen reception day")
    PORTAL = "portal", _("Public portal")
    LETTER = "letter", _("Letter")
    HOTLINE = "hotline", _("Hotline")
    PRESS = "press", _("Press")


class PetitionStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")
    MERGED = "merged", _("Merged into another petition")
    SPAM = "spam", _("Hidden as spam")


# Statuses in which the clock runs: a petition here past its deadline is overdue.
OPEN_STATES = (PetitionStatus.RECEIVED, PetitionStatus.ASSIGNED, PetitionStatus.IN_PROGRESS)
# Statuses that count as "answered" in statistics.
ANSWERED_STATES = (PetitionStatus.ANSWERED, PetitionStatus.CLOSED)
# Petitions that are not real work: hidden from inboxes, statistics and the public.
HIDDEN_STATES = (PetitionStatus.MERGED, PetitionStatus.SPAM)


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    PARTLY = "partly", _("Partly satisfied")
    DISSATISFIED = "dissatisfied", _("Not satisfied")


class DeadlineRule(models.Model):
    """Days to answer a petition, by category and channel; the most specific rule wins.

    A rule with an empty category or channel applies to every value; a rule of a unit applies to
    its whole subtree and beats the national rules (territory empty).
    """

    territory = models.ForeignKey(
        "territories.Territory",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("unit"),
    )
    category = models.CharField(_("field"), max_length=20, choices=Category.choices, blank=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, blank=True)
    days = models.PositiveSmallIntegerField(_("days to answer"))
    due_soon_days = models.PositiveSmallIntegerField(_("remind this many days before"), default=3)
    escalate_after_days = models.PositiveSmallIntegerField(
        _("escalate this many days after the deadline"), default=7
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("deadline rule")
        verbose_name_plural = _("deadline rules")
        ordering = ["territory_id", "category", "channel"]
        constraints = [
            models.UniqueConstraint(
                fields=["territory", "category", "channel"],
                name="deadline_rule_key",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        return f"{self.category or '*'}/{self.channel or '*'}: {self.days}"


class Petition(models.Model):
    # Given to the citizen to follow the petition; random, never sequential (services.new_code).
    code = models.CharField(_("tracking code"), max_length=16, unique=True)
    title = models.CharField(_("summary"), max_length=300)
    content = models.TextField(_("content"))
    category = models.CharField(_("field"), max_length=20, choices=Category.choices)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    conference = models.ForeignKey(
        Conference,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="petitions",
        verbose_name=_("conference"),
    )
    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    address = models.CharField(_("address"), max_length=300, blank=True)

    # The submitter: personal data, masked unless the role allows (core.personal).
    anonymous = models.BooleanField(_("anonymous"), default=False)
    submitter_name = models.CharField(_("submitter"), max_length=150, blank=True)
    submitter_id_number = models.CharField(_("citizen ID"), max_length=12, blank=True)
    submitter_phone = models.CharField(_("phone"), max_length=20, blank=True)
    submitter_email = models.EmailField(_("e-mail"), blank=True)
    consent_at = models.DateTimeField(_("consent given"), null=True, blank=True)

    received_at = models.DateTimeField(_("received"))
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=20, choices=PetitionStatus.choices, default=PetitionStatus.RECEIVED
    )
    agency = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("assigned agency"),
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("assigned officer"),
    )
    assigned_at = models.DateTimeField(_("assigned"), null=True, blank=True)

    answer = models.TextField(_("answer"), blank=True)
    answer_public = models.BooleanField(_("publish the answer"), default=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("answered by"),
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    satisfaction = models.CharField(
        _("citizen's satisfaction"), max_length=20, choices=Satisfaction.choices, blank=True
    )
    satisfaction_note = models.TextField(_("citizen's comment"), blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
        verbose_name=_("merged into"),
    )
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    # The last reminder sent for the current deadline (services.reminders); a new deadline
    # (reopened) starts again from "".
    reminder_stage = models.CharField(max_length=12, blank=True, editable=False)
    status_note = models.TextField(_("note on the status"), blank=True)

    # Accent-free title and content for search and duplicate suggestions (core.search).
    search_text = models.TextField(blank=True, editable=False)
    # Hash of the portal device and IP (never the raw values), for abuse handling.
    source_hash = models.CharField(max_length=64, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("petition")
        verbose_name_plural = _("petitions")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["territory", "received_at"], name="petition_unit_received"),
            models.Index(fields=["status", "deadline"], name="petition_status_deadline"),
            models.Index(fields=["agency", "status", "deadline"], name="petition_agency_inbox"),
            models.Index(fields=["officer", "status", "deadline"], name="petition_officer_inbox"),
            models.Index(fields=["received_at"], name="petition_received"),
            models.Index(
                fields=["answered_at"],
                condition=Q(answer_public=True, status__in=["answered", "closed"]),
                name="petition_public_answers",
            ),
            # The open petitions (a few per cent): the inbox tabs of a unit's subtree and their
            # counts, read from the index alone (no INCLUDE: SQLite would warn it has none).
            models.Index(
                fields=["territory", "deadline", "status", "officer", "agency", "escalated_at"],
                condition=Q(status__in=["received", "assigned", "in_progress"]),
                name="petition_open_inbox",
            ),
            # The open tabs in their order (deadline first), for a scope of many units.
            models.Index(
                fields=["deadline", "received_at", "id"],
                condition=Q(status__in=["received", "assigned", "in_progress"]),
                name="petition_open_order",
            ),
            # The "answered" tab, newest answer first.
            models.Index(
                fields=["-answered_at"],
                condition=Q(status__in=["answered", "closed"]),
                name="petition_answered_inbox",
            ),
            # The spam tab (and merged duplicates) of a unit's subtree.
            models.Index(
                fields=["territory", "status"],
                condition=Q(status__in=["merged", "spam"]),
                name="petition_hidden_inbox",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATES


# --- pre-counted statistics ----------------------------------------------------------------------

# Response times are counted per whole day (rounded up) from 0 to this; the last one holds
# "this many days or more".
RESPONSE_DAYS_COUNTED = 60


class FigureFacet(models.TextChoices):
    """Which one dimension, besides unit and month, a row of pre-counted figures splits by."""

    NONE = "", _("none")
    CATEGORY = "category", _("field")
    CHANNEL = "channel", _("channel")
    AGENCY = "agency", _("agency")


class PetitionFigures(models.Model):
    """Petition statistics counted in advance for one unit and month of receipt (see
    `dialogues.figures`): the total of the unit (`facet` empty), or one value of one facet.

    Unit rows (`rollup` false) belong to the petitions' own unit; rollup rows add up a whole
    province's unit rows, so a nationwide view reads a few hundred rows instead of every commune.
    `days_N` counts answered petitions that took N days (rounded up) to answer.
    """

    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.CASCADE, related_name="+"
    )
    rollup = models.BooleanField(default=False)
    month = models.DateField()
    facet = models.CharField(max_length=10, choices=FigureFacet.choices, blank=True)
    value = models.CharField(max_length=20, blank=True)
    received = models.PositiveIntegerField(default=0)
    answered = models.PositiveIntegerField(default=0)
    on_time = models.PositiveIntegerField(default=0)
    open = models.PositiveIntegerField(default=0)
    overdue = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0)
    partly_satisfied = models.PositiveIntegerField(default=0)
    dissatisfied = models.PositiveIntegerField(default=0)
    response_seconds = models.FloatField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["rollup", "territory", "month", "facet", "value"],
                name="petition_figures_key",
            )
        ]
        indexes = [
            models.Index(fields=["rollup", "facet", "month"], name="petition_figures_facet"),
        ]

    def __str__(self) -> str:
        return f"{self.territory_id} {self.month:%m/%Y} {self.facet} {self.value}"


# One column per day counted (a histogram per row): the 90th percentile of a whole province or
# country is then a sum of columns, not a sort of every answered petition.
for _day in range(RESPONSE_DAYS_COUNTED + 1):
    PetitionFigures.add_to_class(f"days_{_day}", models.PositiveIntegerField(default=0))
del _day


class PetitionFiguresState(models.Model):
    """One row: the local day the pre-counted figures are correct for (their "overdue now").
    Statistics count live while it is not today, e.g. after midnight until the worker rebuilt."""

    as_of = models.DateField(null=True, blank=True)
    rebuilt_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"petition figures as of {self.as_of}"
