from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from danvan.accounts.tests.factories import user_with_role
from danvan.audit.models import AuditEvent
from danvan.core import attachments
from danvan.core.errors import ConflictError, DomainError
from danvan.core.models import Job, JobStatus
from danvan.plans.models import Period, TaskStatus
from danvan.plans.tests.factories import (
    IndicatorFactory,
    IndicatorValueFactory,
    PlanFactory,
    PlanTaskFactory,
    ProgressReportFactory,
)
from danvan.reports import services
from danvan.reports.models import GeneratedReport, ReportKind, ReportStatus, ReportTemplate
from danvan.reports.selectors import template_for
from danvan.reports.tests.factories import (
    CommissionFactory,
    PeoplesCommitteeFactory,
    ReportTemplateFactory,
)

pytestmark = pytest.mark.django_db
YEAR = 2025


def generate(organisation, actor, **changes):
    values = {
        "organisation": organisation,
        "kind": ReportKind.SIX_MONTH,
        "year": YEAR,
        "issued_on": date(YEAR, 7, 5),
        "signer_name": "Trần Quang Vinh",
        "actor": actor,
    } | changes
    return services.report_generate(**values)


@pytest.fixture
def commission(place):
    province, _a, _b = place
    return CommissionFactory(territory=province)


def plan_with_progress(organisation):
    plan = PlanFactory(organisation=organisation, year=YEAR)
    models = IndicatorFactory(plan=plan, name="Mô hình được công nhận", target_value=40)
    households = IndicatorFactory(plan=plan, name="Hộ dân đồng thuận", unit="hộ", target_value=200)
    report = ProgressReportFactory(plan=plan, year=YEAR, period=Period.H1)
    IndicatorValueFactory(report=report, indicator=models, value=Decimal("17"))
    IndicatorValueFactory(report=report, indicator=households, value=Decimal("150.5"))
    PlanTaskFactory(plan=plan, status=TaskStatus.DONE)
    PlanTaskFactory(plan=plan, status=TaskStatus.IN_PROGRESS, deadline=date(YEAR, 3, 1))
    PlanTaskFactory(plan=plan, status=TaskStatus.TODO, deadline=date(YEAR, 12, 1))
    return plan


# --- generating --------------------------------------------------------------------------------


def test_generate_numbers_the_report_in_the_issuers_bc_sequence(commission, people):
    first = generate(commission, people["officer"])
    second = generate(commission, people["officer"], kind=ReportKind.ANNUAL)

    assert (first.number, second.number) == (1, 2)
    assert first.number_label == "Số 1-BC/BTGDVTU"
    assert second.number_label == "Số 2-BC/BTGDVTU"
    assert first.place == commission.territory.name.removeprefix("Tỉnh ").strip()


def test_state_bodies_number_with_a_colon_and_the_ubnd_symbol(place, people):
    committee = PeoplesCommitteeFactory(territory=place[0])

    report = generate(committee, people["officer"])

    assert report.number_label == "Số: 1/BC-UBND"


def test_generate_queues_a_job_and_audits_who_asked(commission, people):
    report = generate(commission, people["officer"])

    assert report.status == ReportStatus.QUEUED
    assert report.job.status == JobStatus.QUEUED
    event = AuditEvent.objects.get(object_type="reports.generatedreport", action="create")
    assert event.actor_id == people["officer"].pk
    assert event.changes["number_label"][1] == "Số 1-BC/BTGDVTU"


def test_officer_of_another_province_cannot_generate(commission, people):
    with pytest.raises(PermissionDenied):
        generate(commission, people["outsider"])

    assert not GeneratedReport.objects.exists()


def test_viewer_cannot_generate(commission, people):
    with pytest.raises(PermissionDenied):
        generate(commission, people["viewer"])


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"year": 1999}, "year"),
        ({"year": 2999}, "year"),
        ({"kind": "monthly"}, "kind"),
        ({"issued_on": None}, "issued_on"),
        ({"issued_on": date(YEAR + 3, 1, 1)}, "issued_on"),
        ({"signer_name": "   "}, "signer_name"),
    ],
)
def test_bad_requests_are_refused_and_change_nothing(commission, people, changes, field):
    with pytest.raises(DomainError) as refused:
        generate(commission, people["officer"], **changes)

    assert refused.value.field == field
    assert not GeneratedReport.objects.exists()
    assert not Job.objects.exists()


def test_without_any_fitting_template_nothing_is_numbered(commission, people):
    ReportTemplate.objects.update(is_active=False)

    with pytest.raises(DomainError) as refused:
        generate(commission, people["officer"])

    assert refused.value.code == "no_template"
    assert not GeneratedReport.objects.exists()


# --- building the files ------------------------------------------------------------------------


def test_the_task_gathers_the_plan_figures_and_attaches_docx_and_pdf(
    commission, people, django_capture_on_commit_callbacks
):
    plan_with_progress(commission)

    with django_capture_on_commit_callbacks(execute=True):
        report = generate(commission, people["officer"])

    report.refresh_from_db()
    assert report.status == ReportStatus.DONE, report.error
    plan = report.figures["plans"][0]
    assert [(row["name"], row["target"], row["actual"], row["percent"]) for row in
            plan["indicators"]] == [("Mô hình được công nhận", "40", "17", "42.5"),
                                    ("Hộ dân đồng thuận", "200", "150.5", "75.3")]  # fmt: skip
    assert plan["tasks"] == {"total": 3, "done": 1, "in_progress": 1, "overdue": 1}
    files = attachments.attachments_for(report)
    assert sorted(f.kind for f in files) == ["docx", "pdf"]
    assert all(f.is_generated for f in files)
    assert report.job.status == JobStatus.SUCCEEDED
    assert AuditEvent.objects.filter(
        object_type="reports.generatedreport",
        action="transition",
        changes__status=["running", "done"],
    ).exists()


def test_running_the_task_twice_attaches_the_files_once(
    commission, people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = generate(commission, people["officer"])

    services.report_build_run(report.pk)

    assert attachments.attachments_for(report).count() == 2


def test_a_failure_is_recorded_with_a_clear_message_and_can_be_retried(
    commission, people, django_capture_on_commit_callbacks, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "render_pdf", broken)
    with django_capture_on_commit_callbacks(execute=True):
        report = generate(commission, people["officer"])
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert "disk full" not in report.error
    assert report.error
    assert report.job.status == JobStatus.FAILED
    assert not attachments.attachments_for(report).exists()

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        services.report_retry(report=report, actor=people["officer"])

    report.refresh_from_db()
    assert report.status == ReportStatus.DONE
    assert report.number == 1


def test_a_ready_report_cannot_be_retried(commission, people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = generate(commission, people["officer"])

    with pytest.raises(DomainError):
        services.report_retry(report=report, actor=people["officer"])


def test_a_template_edited_afterwards_does_not_change_the_report(
    commission, people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = generate(commission, people["officer"])
    template = report.template
    data = services.TemplateData(
        name=template.name, kind=template.kind, title="Tiêu đề mới {year}",
        organisation_kind=template.organisation_kind,
    )  # fmt: skip

    services.template_update(template=template, data=data, actor=user_with_role("system_admin"))

    report.refresh_from_db()
    assert report.template_snapshot["title"] != "Tiêu đề mới {year}"


# --- templates ---------------------------------------------------------------------------------


def test_the_most_specific_active_template_is_chosen(place, commission):
    province, _a, _b = place
    for_province = ReportTemplateFactory(territory=province)
    for_province_and_kind = ReportTemplateFactory(
        territory=province, organisation_kind=commission.kind
    )
    ReportTemplateFactory(territory=province, organisation_kind=commission.kind, is_active=False)
    ReportTemplateFactory(territory=province, kind=ReportKind.ANNUAL)

    assert template_for(commission, ReportKind.SIX_MONTH) == for_province_and_kind
    for_province_and_kind.delete()
    assert template_for(commission, ReportKind.SIX_MONTH) == for_province
    for_province.delete()
    seeded = template_for(commission, ReportKind.SIX_MONTH)
    assert seeded.territory is None
    assert seeded.organisation_kind == commission.kind


def test_a_template_of_another_province_is_never_used(people, commission):
    ReportTemplateFactory(territory=people["other_province"], organisation_kind=commission.kind)

    assert template_for(commission, ReportKind.SIX_MONTH).territory is None


def test_default_templates_are_seeded_for_party_and_state_bodies():
    seeded = ReportTemplate.objects.filter(territory__isnull=True, is_active=True)
    codes = {(t.kind, t.organisation_kind.code if t.organisation_kind else None) for t in seeded}

    for kind in ReportKind.values:
        for code in ("mass_mobilisation_commission", "party_committee", "peoples_committee", None):
            assert (kind, code) in codes


def template_data(**changes) -> services.TemplateData:
    values = {"name": "Mẫu riêng", "kind": ReportKind.ANNUAL, "title": "Tổng kết {period}"}
    return services.TemplateData(**(values | changes))


@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("title", "Báo cáo {organisation.kind.name}"),
        ("opening", "Kính gửi {nguoi_nhan}"),
        ("closing", "{ year }"),
        ("recipients", "{__class__}"),
        ("signer_position", "{settings.SECRET_KEY}"),
    ],
)
def test_unknown_placeholders_are_refused_when_saving(place, people, field, text):
    with pytest.raises(DomainError) as refused:
        services.template_create(
            data=template_data(territory=place[0], **{field: text}), actor=people["admin"]
        )

    assert refused.value.field == field
    assert "{year}" in refused.value.message
    assert not ReportTemplate.objects.filter(name="Mẫu riêng").exists()


def test_an_administrator_adds_a_template_for_the_province_and_it_is_audited(place, people):
    template = services.template_create(
        data=template_data(territory=place[0], opening="{organisation}, {unit}, {date}"),
        actor=people["admin"],
    )

    assert template.updated_by == people["admin"]
    assert AuditEvent.objects.filter(
        object_type="reports.reporttemplate", object_id=str(template.pk), action="create"
    ).exists()


def test_a_provincial_administrator_cannot_change_a_nationwide_template(people):
    nationwide = ReportTemplate.objects.filter(territory__isnull=True).first()

    with pytest.raises(PermissionDenied):
        services.template_update(template=nationwide, data=template_data(), actor=people["admin"])


def test_a_second_editor_with_a_stale_version_is_told_and_nothing_changes(place, people):
    template = services.template_create(
        data=template_data(territory=place[0]), actor=people["admin"]
    )
    services.template_update(
        template=template, data=template_data(territory=place[0], title="Một {year}"),
        actor=people["admin"], expected_version=1,
    )  # fmt: skip

    with pytest.raises(ConflictError):
        services.template_update(
            template=template, data=template_data(territory=place[0], title="Hai {year}"),
            actor=people["leader"], expected_version=1,
        )  # fmt: skip

    template.refresh_from_db()
    assert (template.title, template.version) == ("Một {year}", 2)
    diff = AuditEvent.objects.filter(object_type="reports.reporttemplate", action="update").get()
    assert diff.changes["title"] == ["Tổng kết {period}", "Một {year}"]


def test_a_report_abandoned_while_running_can_be_generated_again(
    commission, people, django_capture_on_commit_callbacks
):
    report = generate(commission, people["officer"])
    GeneratedReport.objects.filter(pk=report.pk).update(status=ReportStatus.RUNNING)
    report.refresh_from_db()
    with pytest.raises(DomainError):
        services.report_retry(report=report, actor=people["officer"])
    old_job = report.job
    Job.objects.filter(pk=old_job.pk).update(
        started_at=timezone.now() - services.STALE_AFTER - timedelta(minutes=1)
    )
    report.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        services.report_retry(report=report, actor=people["officer"])

    report.refresh_from_db()
    old_job.refresh_from_db()
    assert report.status == ReportStatus.DONE
    assert old_job.status == JobStatus.FAILED
    assert report.job_id != old_job.pk
