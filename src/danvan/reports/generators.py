"""Demo data of the reports app: one ready six-month report of the Quảng Ninh commission.

It goes through the same service and task body as a report asked for on the page, so the demo
shows exactly what users get. Larger scales add nothing: reports are made on request.
"""

from datetime import date

from danvan.core.demo.registry import GenerationRun, register
from danvan.organisations.models import Organisation
from danvan.reports import services
from danvan.reports.models import GeneratedReport, ReportKind, ReportStatus

QUANG_NINH = 22
DEMO_YEAR = 2025
DEMO_SIGNER = "Trần Quang Vinh"


@register("reports", order=800)
def generate_reports(run: GenerationRun) -> dict[str, int]:
    if run.scale != "demo":
        return {}
    province = next((p for p in run.provinces if p.code == QUANG_NINH), None)
    if province is None:
        return {}
    commission = (
        Organisation.objects.filter(
            territory=province, kind__code="mass_mobilisation_commission", is_active=True
        )
        .select_related("kind", "territory")
        .order_by("pk")
        .first()
    )
    if commission is None:
        return {}
    existing = GeneratedReport.objects.filter(
        organisation=commission, kind=ReportKind.SIX_MONTH, year=DEMO_YEAR
    ).first()
    if existing is None:
        existing = services.report_generate(
            organisation=commission,
            kind=ReportKind.SIX_MONTH,
            year=DEMO_YEAR,
            issued_on=date(DEMO_YEAR, 7, 5),
            signer_name=DEMO_SIGNER,
            actor=run.actor,
        )
    elif existing.status == ReportStatus.FAILED:
        existing = services.report_retry(report=existing, actor=run.actor)
    # Built here and now rather than by the worker; the queued task then finds it done.
    services.report_build_run(existing.pk)
    existing.refresh_from_db()
    if existing.status != ReportStatus.DONE:
        run.say(f"  reports: the demo report failed: {existing.error}")
        return {}
    run.say(f"  reports: {existing.number_label} ready")
    return {"reports": 1}
