"""The lifecycles of an annual plan and of a progress report, as data (see core.workflow)."""

from django.utils.translation import gettext_lazy

from danvan.core.workflow import Transition, Workflow
from danvan.plans.models import PlanStatus, ReportStatus

PLAN_LIFECYCLE = Workflow(
    name="plans.plan",
    transitions=[
        Transition(
            "approve",
            source={PlanStatus.DRAFT},
            target=PlanStatus.APPROVED,
            action="plans.approve",
            label=gettext_lazy("Approve"),
        ),
        # A leader sends an approved plan back for changes (a new resolution, a wrong target).
        Transition(
            "return_to_draft",
            source={PlanStatus.APPROVED},
            target=PlanStatus.DRAFT,
            action="plans.approve",
            requires_reason=True,
            label=gettext_lazy("Return to draft"),
        ),
        Transition(
            "close",
            source={PlanStatus.APPROVED},
            target=PlanStatus.CLOSED,
            action="plans.approve",
            label=gettext_lazy("Close the plan"),
        ),
        Transition(
            "reopen",
            source={PlanStatus.CLOSED},
            target=PlanStatus.APPROVED,
            action="plans.approve",
            requires_reason=True,
            label=gettext_lazy("Reopen"),
        ),
    ],
    timestamps={PlanStatus.APPROVED: "approved_at"},
)


def _report_transitions() -> list[Transition]:
    return [
        Transition(
            "submit",
            source={ReportStatus.DRAFT},
            target=ReportStatus.SUBMITTED,
            action="plans.approve",
            label=gettext_lazy("Submit the report"),
        ),
        # Figures found wrong after submission: reopened with a reason, typed again, resubmitted.
        Transition(
            "reopen",
            source={ReportStatus.SUBMITTED},
            target=ReportStatus.DRAFT,
            action="plans.approve",
            requires_reason=True,
            label=gettext_lazy("Reopen for corrections"),
        ),
    ]


# One table, two owners: the territory that decides who may act is the plan's or the campaign's.
PLAN_REPORT_LIFECYCLE = Workflow(
    name="plans.progress_report",
    transitions=_report_transitions(),
    territory_attr="plan.territory",
    timestamps={ReportStatus.SUBMITTED: "submitted_at"},
)
CAMPAIGN_REPORT_LIFECYCLE = Workflow(
    name="plans.campaign_progress_report",
    transitions=_report_transitions(),
    territory_attr="campaign.territory",
    timestamps={ReportStatus.SUBMITTED: "submitted_at"},
)


def report_lifecycle(report) -> Workflow:
    return PLAN_REPORT_LIFECYCLE if report.plan_id else CAMPAIGN_REPORT_LIFECYCLE
