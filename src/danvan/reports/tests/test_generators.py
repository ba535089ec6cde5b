import pytest

from danvan.audit.models import AuditEvent
from danvan.core import attachments
from danvan.core.demo.build import ensure_territories, generation_run
from danvan.core.demo.loader import demo_load
from danvan.core.demo.registry import GenerationRun
from danvan.reports.generators import generate_reports
from danvan.reports.models import GeneratedReport, ReportStatus

pytestmark = pytest.mark.django_db


def test_demo_has_one_ready_six_month_report_of_the_quang_ninh_commission():
    ensure_territories()
    demo_load()
    run = generation_run(scale="demo", seed=2025)

    counts = generate_reports(run)
    again = generate_reports(run)

    report = GeneratedReport.objects.get()
    assert counts == again == {"reports": 1}
    assert report.status == ReportStatus.DONE, report.error
    assert report.territory.code == 22
    assert report.organisation.kind.code == "mass_mobilisation_commission"
    assert report.number_label.startswith("Số ")
    assert "-BC/" in report.number_label
    assert attachments.attachments_for(report).count() == 2
    assert (
        AuditEvent.objects.filter(object_type="reports.generatedreport", action="create").count()
        == 1
    )


def test_larger_scales_generate_no_report():
    run = GenerationRun(
        scale="national", seed=1, provinces=[], communes=[], actor=None, password="x"
    )

    assert generate_reports(run) == {}
