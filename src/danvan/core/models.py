import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Finished")
    FAILED = "failed", _("Failed")


class Job(models.Model):
    """Long work (imports, exports, reports) run by the task worker, with progress for the UI."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=60)
    title = models.CharField(_("title"), max_length=255)
    status = models.CharField(
        _("status"), max_length=12, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    progress_done = models.PositiveBigIntegerField(default=0)
    progress_total = models.PositiveBigIntegerField(null=True, blank=True)
    message = models.CharField(_("message"), max_length=255, blank=True)
    error = models.TextField(_("error"), blank=True)
    params = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)
    result_file = models.FileField(upload_to="jobs/%Y/%m/", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="jobs"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def percent(self) -> int | None:
        if not self.progress_total:
            return None
        return min(100, int(self.progress_done * 100 / self.progress_total))

    @property
    def is_finished(self) -> bool:
        return self.status in {JobStatus.SUCCEEDED, JobStatus.FAILED}


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    VALIDATING = "validating", _("Checking")
    VALIDATED = "validated", _("Ready to import")
    INVALID = "invalid", _("Has errors")
    COMMITTING = "committing", _("Importing")
    COMMITTED = "committed", _("Imported")
    FAILED = "failed", _("Failed")


class ImportBatch(models.Model):
    """One uploaded spreadsheet going through check → preview → all-or-nothing import."""

    schema = models.CharField(_("data type"), max_length=60)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="import_batches",
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    original_name = models.CharField(_("file name"), max_length=255)
    file = models.FileField(upload_to="imports/%Y/%m/")
    file_format = models.CharField(max_length=8)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, db_index=True)
    # The importing user's scope for the schema's action when the file was uploaded, as sorted
    # territory paths ("*" for nationwide), so a repeated upload can be recognised.
    scope_key = models.TextField(blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    message = models.TextField(_("message"), blank=True)
    header_row = models.PositiveIntegerField(null=True, blank=True)
    columns = models.JSONField(default=dict, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    valid_count = models.PositiveIntegerField(_("valid rows"), default=0)
    error_row_count = models.PositiveIntegerField(_("rows with errors"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    created_count = models.PositiveIntegerField(_("created rows"), default=0)
    updated_count = models.PositiveIntegerField(_("updated rows"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged rows"), default=0)
    errors = models.JSONField(default=list, blank=True)
    preview = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)
    rejected_file = models.FileField(upload_to="imports/%Y/%m/", blank=True)
    job = models.ForeignKey(Job, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    validated_at = models.DateTimeField(null=True, blank=True)
    committed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["schema", "sha256", "status"], name="import_batch_repeat")]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_busy(self) -> bool:
        return self.status in {
            ImportStatus.UPLOADED,
            ImportStatus.VALIDATING,
            ImportStatus.COMMITTING,
        }


class AttachmentKind(models.TextChoices):
    IMAGE = "image", _("Image")
    PDF = "pdf", _("PDF document")
    DOCX = "docx", _("Word document")
    XLSX = "xlsx", _("Excel workbook")


class Attachment(models.Model):
    """A file attached to any record (photos, evidence, generated decisions).

    The owner is named by its audit object type ("initiatives.model") and primary key; who may
    see or change the files follows the owner, as declared in `core.attachments.register`.
    `territory` is copied from the owner so that scope filters need no join to the owner.
    """

    owner_type = models.CharField(max_length=60)
    owner_id = models.CharField(max_length=40)
    territory = models.ForeignKey(
        "territories.Territory", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=AttachmentKind.choices)
    file = models.FileField(upload_to="attachments/%Y/%m/")
    thumbnail = models.FileField(upload_to="attachments/thumbs/%Y/%m/", blank=True)
    original_name = models.CharField(_("file name"), max_length=255)
    mime_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    caption = models.CharField(_("caption"), max_length=255, blank=True)
    # Generated files (decisions, reports) are produced by the system and cannot be deleted.
    is_generated = models.BooleanField(default=False)
    is_public = models.BooleanField(
        _("public"), default=False, help_text=_("Shown on the public portal with the record.")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    # The words of a PDF or Word file, extracted in the background for full-text search;
    # `text_extracted_at` stays empty until that has run (images never get text).
    text = models.TextField(blank=True, editable=False)
    text_extracted_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["owner_type", "owner_id"], name="attachment_owner")]

    def __str__(self) -> str:
        return self.original_name


class DocumentSequence(models.Model):
    """The last number given to an official document of one issuer, type and year (or term)."""

    issuer = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    doc_type = models.CharField(max_length=20)  # the type symbol: QĐ, BC, KH…
    period = models.CharField(max_length=20)  # a year ("2024") or a party term ("2025-2030")
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "doc_type", "period"], name="document_sequence_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.doc_type} {self.period}: {self.last_number}"


class Notification(models.Model):
    """One message for one user: shown in the app, and e-mailed when `email_wanted`.

    `key` makes a notification idempotent: the same reminder for the same record and day can be
    produced any number of times (a task run twice, a worker restarted) and is stored once.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=60)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(max_length=500, blank=True)
    key = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    email_wanted = models.BooleanField(default=False)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"], condition=~Q(key=""), name="notification_once"
            )
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(
                fields=["emailed_at"], condition=Q(email_wanted=True), name="notification_mail"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class PeriodicRun(models.Model):
    """The last time slot a periodic task was enqueued for; workers race to advance it."""

    name = models.CharField(max_length=100, primary_key=True)
    slot = models.BigIntegerField(default=-1)
    enqueued_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} @ {self.slot}"


class RateCounter(models.Model):
    """Hits of one key (an IP, a device) in one fixed window; shared by every app server."""

    key = models.CharField(max_length=200)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="rate_counter_window")
        ]
        indexes = [models.Index(fields=["window_start"], name="rate_counter_age")]

    def __str__(self) -> str:
        return f"{self.key} {self.window_start}: {self.count}"
