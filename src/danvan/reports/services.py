"""Writes of the reports app: adjusting templates, generating reports and building their files."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, fields
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from danvan.audit import services as audit
from danvan.core import attachments, jobs, scope
from danvan.core.documents import (
    issuer_symbol,
    next_document_number,
    number_label,
    render_docx,
    render_pdf,
    style_of,
)
from danvan.core.errors import ConflictError, DomainError
from danvan.core.models import AttachmentKind
from danvan.core.search import normalize
from danvan.organisations.models import Organisation, OrganisationKind
from danvan.reports.documents import build_report_in_vietnamese
from danvan.reports.figures import gather_figures
from danvan.reports.models import GeneratedReport, ReportKind, ReportStatus, ReportTemplate
from danvan.reports.placeholders import PLACEHOLDERS, unknown_placeholders
from danvan.reports.selectors import CONFIGURE, GENERATE, template_for
from danvan.reports.transitions import can_move
from danvan.territories.models import Territory

logger = logging.getLogger(__name__)

REPORT_TYPE_SYMBOL = "BC"
FIRST_YEAR = 2000
# What a template may say, and what a generated report copies from it.
TEMPLATE_TEXT_FIELDS = (
    "title",
    "opening",
    "closing",
    "recipients",
    "signer_authority",
    "signer_position",
)
SNAPSHOT_FIELDS = (*TEMPLATE_TEXT_FIELDS, "include_plans", "include_campaigns", "include_domains")


# --- templates -------------------------------------------------------------------------------


@dataclass
class TemplateData:
    name: str
    kind: str
    title: str
    organisation_kind: OrganisationKind | None = None
    territory: Territory | None = None
    opening: str = ""
    closing: str = ""
    recipients: str = ""
    signer_authority: str = ""
    signer_position: str = ""
    include_plans: bool = True
    include_campaigns: bool = True
    include_domains: bool = True
    is_active: bool = True


def _check_template(data: TemplateData) -> None:
    if not data.name.strip():
        raise DomainError(_("Give the template a name."), code="required", field="name")
    if data.kind not in ReportKind.values:
        raise DomainError(_("Choose the kind of report."), code="kind", field="kind")
    if not data.title.strip():
        raise DomainError(_("Write the title of the report."), code="required", field="title")
    for name in TEMPLATE_TEXT_FIELDS:
        unknown = unknown_placeholders(getattr(data, name))
        if unknown:
            raise DomainError(
                _("Unknown placeholder %(names)s. Use only these: %(known)s.")
                % {
                    "names": ", ".join(f"{{{n}}}" for n in unknown),
                    "known": ", ".join(f"{{{n}}}" for n in PLACEHOLDERS),
                },
                code="placeholder",
                field=name,
            )


def _template_values(data: TemplateData) -> dict[str, Any]:
    values = {f.name: getattr(data, f.name) for f in fields(TemplateData)}
    for name in ("name", *TEMPLATE_TEXT_FIELDS):
        values[name] = values[name].strip()
    return values


@transaction.atomic
def template_create(*, data: TemplateData, actor) -> ReportTemplate:
    """Add a template (for a unit's subtree, or nationwide for a national administrator)."""
    scope.require(actor, CONFIGURE, data.territory)
    _check_template(data)
    template = ReportTemplate.objects.create(**_template_values(data), updated_by=actor)
    audit.record_one(
        audit.Action.CREATE, template, actor=actor, changes=audit.diff({}, audit.snapshot(template))
    )
    return template


@transaction.atomic
def template_update(
    *, template: ReportTemplate, data: TemplateData, actor, expected_version: int | None = None
) -> ReportTemplate:
    """Change a template's wording; reports already generated keep the wording they used."""
    locked = ReportTemplate.objects.select_for_update().get(pk=template.pk)
    scope.require(actor, CONFIGURE, locked.territory)
    scope.require(actor, CONFIGURE, data.territory)
    if expected_version is not None and expected_version != locked.version:
        raise ConflictError
    _check_template(data)
    before = audit.snapshot(locked)
    for name, value in _template_values(data).items():
        setattr(locked, name, value)
    locked.version += 1
    locked.updated_by = actor
    locked.save()
    changes = audit.diff(before, audit.snapshot(locked))
    changes.pop("updated_at", None)
    audit.record_one(audit.Action.UPDATE, locked, actor=actor, changes=changes)
    return locked


# --- generating a report ---------------------------------------------------------------------


# Words naming the kind of unit, left out of the place line ("Quảng Ninh, ngày …").
UNIT_WORDS = ("thành phố", "tỉnh", "phường", "xã", "đặc khu", "thị trấn", "thị xã", "quận", "huyện")


def place_of(territory: Territory) -> str:
    """The place written before the date: the unit's name without "Tỉnh", "Phường"…"""
    name = territory.name.strip()
    lowered = name.lower()
    for word in ((territory.division_type or "").strip().lower(), *UNIT_WORDS):
        if word and lowered.startswith(word + " "):
            return name[len(word) + 1 :].strip()
    return name


def _check_request(
    *, organisation: Organisation, kind: str, year: int, issued_on: date | None, signer_name: str
) -> None:
    if kind not in ReportKind.values:
        raise DomainError(_("Choose the kind of report."), code="kind", field="kind")
    this_year = timezone.localdate().year
    if isinstance(year, bool) or not isinstance(year, int) or not FIRST_YEAR <= year <= this_year:
        raise DomainError(
            _("Choose a year between %(first)s and %(last)s.")
            % {"first": FIRST_YEAR, "last": this_year},
            code="year",
            field="year",
        )
    if issued_on is None:
        raise DomainError(_("Enter the date of the report."), code="required", field="issued_on")
    if not year <= issued_on.year <= year + 1:
        raise DomainError(
            _("A report on %(year)s is dated in %(year)s or early the year after.")
            % {"year": year},
            code="issued_on",
            field="issued_on",
        )
    if not signer_name.strip():
        raise DomainError(
            _("Enter the name of the person who signs."), code="required", field="signer_name"
        )
    if len(signer_name.strip()) > 150:
        raise DomainError(
            _("The signer's name is too long (at most 150 letters)."),
            code="too_long",
            field="signer_name",
        )
    if not organisation.is_active:
        raise DomainError(
            _("This organisation is no longer active."), code="inactive", field="organisation"
        )


def _snapshot_of(template: ReportTemplate) -> dict[str, Any]:
    return {name: getattr(template, name) for name in SNAPSHOT_FIELDS} | {
        "template_id": template.pk,
        "template_version": template.version,
        "template_name": template.name,
    }


def _enqueue(report_id: int) -> None:
    def enqueue() -> None:
        from danvan.reports import tasks

        tasks.report_build.enqueue(report_id)

    transaction.on_commit(enqueue)


def _new_job(report: GeneratedReport, actor):
    return jobs.job_create(
        kind="reports:generate",
        title=_("Report: %(report)s") % {"report": report},
        actor=actor,
        params={"report_id": report.pk, "language": translation.get_language()},
    )


@transaction.atomic
def report_generate(
    *,
    organisation: Organisation,
    kind: str,
    year: int,
    issued_on: date | None,
    signer_name: str,
    actor,
) -> GeneratedReport:
    """Number a new report in the issuer's "BC" sequence and queue the building of its files."""
    scope.require(actor, GENERATE, organisation.territory)
    _check_request(
        organisation=organisation,
        kind=kind,
        year=year,
        issued_on=issued_on,
        signer_name=signer_name,
    )
    template = template_for(organisation, kind)
    if template is None:
        raise DomainError(
            _("No active report template fits this organisation. Ask an administrator to add one."),
            code="no_template",
            field="kind",
        )
    number = next_document_number(
        issuer=organisation, doc_type=REPORT_TYPE_SYMBOL, period=str(issued_on.year)
    )
    report = GeneratedReport.objects.create(
        organisation=organisation,
        territory=organisation.territory,
        kind=kind,
        year=year,
        template=template,
        template_snapshot=_snapshot_of(template),
        number=number,
        number_label=number_label(
            style_of(organisation), number, REPORT_TYPE_SYMBOL, issuer_symbol(organisation)
        ),
        issued_on=issued_on,
        place=place_of(organisation.territory),
        signer_name=signer_name.strip(),
        created_by=actor,
    )
    report.job = _new_job(report, actor)
    report.save(update_fields=["job"])
    audit.record_one(
        audit.Action.CREATE,
        report,
        actor=actor,
        changes=audit.diff(
            {},
            audit.snapshot(
                report,
                [
                    "organisation",
                    "kind",
                    "year",
                    "number_label",
                    "issued_on",
                    "signer_name",
                    "template",
                ],
            ),
        ),
    )
    _enqueue(report.pk)
    return report


# A report still "being generated" after this long lost its worker (a restart, a crash).
STALE_AFTER = timedelta(minutes=30)


def is_stale(report: GeneratedReport) -> bool:
    """Has a running report waited so long that its worker must have stopped?"""
    started = report.job.started_at if report.job and report.job.started_at else report.created_at
    return report.status == ReportStatus.RUNNING and timezone.now() - started > STALE_AFTER


def can_retry(report: GeneratedReport) -> bool:
    return report.status == ReportStatus.FAILED or is_stale(report)


@transaction.atomic
def report_retry(*, report: GeneratedReport, actor) -> GeneratedReport:
    """Queue a failed (or abandoned) report again; it keeps the number it was given."""
    locked = (
        GeneratedReport.objects.select_for_update(of=("self",))
        .select_related("job")
        .get(pk=report.pk)
    )
    scope.require(actor, GENERATE, locked.territory)
    if not can_retry(locked):
        raise DomainError(_("Only a failed report can be generated again."), code="status")
    if locked.status == ReportStatus.RUNNING:
        message = _("The generation was interrupted.")
        if locked.job_id:
            jobs.job_fail(locked.job_id, error=message)
        _move(locked, ReportStatus.FAILED, actor=actor, reason=message)
    _move(locked, ReportStatus.QUEUED, actor=actor, reason=_("generated again"))
    locked.error = ""
    locked.job = _new_job(locked, actor)
    locked.save(update_fields=["error", "job"])
    _enqueue(locked.pk)
    return locked


def _move(report: GeneratedReport, target: str, *, actor, reason: str = "") -> None:
    """Change the status (the row is locked by the caller) and audit it."""
    if not can_move(report.status, target):
        raise DomainError(_("This report cannot change to that status."), code="status")
    before = report.status
    report.status = target
    report.finished_at = (
        timezone.now() if target in {ReportStatus.DONE, ReportStatus.FAILED} else None
    )
    report.save(update_fields=["status", "finished_at"])
    audit.record_one(
        audit.Action.TRANSITION,
        report,
        actor=actor,
        changes={"status": [before, target]},
        reason=reason,
    )


# --- building the files (task body) ----------------------------------------------------------


@dataclass
class BuildTimings:
    gathering: float = 0.0
    rendering: float = 0.0
    storing: float = 0.0


def _file_base(report: GeneratedReport) -> str:
    kind = "so-ket" if report.kind == ReportKind.SIX_MONTH else "tong-ket"
    symbol = normalize(report.number_label.removeprefix("Số:").removeprefix("Số")).strip()
    return f"bao-cao-{kind}-{report.year}-" + "".join(
        ch if ch.isalnum() else "-" for ch in symbol
    ).strip("-")


def _fail(report_id: int, job_id, message: str) -> None:
    with transaction.atomic():
        report = GeneratedReport.objects.select_for_update().filter(pk=report_id).first()
        if report is not None and can_move(report.status, ReportStatus.FAILED):
            report.error = message
            report.save(update_fields=["error"])
            _move(report, ReportStatus.FAILED, actor=report.created_by, reason=message)
    if job_id:
        jobs.job_fail(job_id, error=message)


def report_build_run(report_id: int, *, timings: BuildTimings | None = None) -> None:
    """Gather the figures, write DOCX and PDF and keep them on the report.

    Safe to run twice: only a queued report is taken, and the second delivery finds it taken.
    """
    report = (
        GeneratedReport.objects.select_related("organisation__kind", "territory", "created_by")
        .filter(pk=report_id)
        .first()
    )
    if report is None:
        return
    job_id = report.job_id
    language = (report.job.params.get("language") if report.job else "") or settings.LANGUAGE_CODE
    timings = timings or BuildTimings()
    with translation.override(language):
        with transaction.atomic():
            locked = GeneratedReport.objects.select_for_update().filter(pk=report_id).first()
            if locked is None or locked.status != ReportStatus.QUEUED:
                return
            _move(locked, ReportStatus.RUNNING, actor=locked.created_by)
        if job_id:
            jobs.job_start(job_id, message=_("Gathering the figures…"))
            jobs.job_progress(job_id, done=0, total=3)
        try:
            started = time.perf_counter()
            report.figures = gather_figures(report, report.template_snapshot)
            timings.gathering = time.perf_counter() - started
            if job_id:
                jobs.job_progress(job_id, done=1, message=_("Writing the document…"))
            started = time.perf_counter()
            document = build_report_in_vietnamese(report)
            docx, pdf = render_docx(document), render_pdf(document)
            timings.rendering = time.perf_counter() - started
            if job_id:
                jobs.job_progress(job_id, done=2, message=_("Saving the files…"))
            next_url = reverse("reports:report-detail", args=[report.pk])
            started = time.perf_counter()
            _store(report, docx=docx, pdf=pdf)
            timings.storing = time.perf_counter() - started
        except DomainError as exc:
            _fail(report_id, job_id, str(exc.message))
            return
        except Exception:
            logger.exception("Report %s could not be generated", report_id)
            _fail(
                report_id,
                job_id,
                _(
                    "The report could not be written. Try again; if it fails again, tell the "
                    "administrator."
                ),
            )
            return
        if job_id:
            jobs.job_succeed(
                job_id,
                result={"report_id": report.pk, "next_url": next_url},
                message=_("The report is ready."),
            )


@transaction.atomic
def _store(report: GeneratedReport, *, docx: bytes, pdf: bytes) -> None:
    locked = GeneratedReport.objects.select_for_update().get(pk=report.pk)
    if locked.status != ReportStatus.RUNNING:
        return
    base = _file_base(report)
    caption = _("Report %(number)s") % {"number": report.number_label}
    for filename, content, kind, mime in (
        (f"{base}.docx", docx, AttachmentKind.DOCX, attachments.DOCX_MIME),
        (f"{base}.pdf", pdf, AttachmentKind.PDF, attachments.PDF_MIME),
    ):
        attachments.attachment_add_generated(
            owner=locked,
            filename=filename,
            content=content,
            kind=kind,
            mime_type=mime,
            actor=locked.created_by,
            caption=caption,
        )
    locked.figures = report.figures
    locked.error = ""
    locked.save(update_fields=["figures", "error"])
    _move(locked, ReportStatus.DONE, actor=locked.created_by, reason=_("files generated"))
