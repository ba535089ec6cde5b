"""The lifecycles of a project and of a household case, as data (see core.workflow)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from danvan.clearance.models import PROJECT_STEPS, CaseStatus, ProjectStatus
from danvan.core.templatetags.vn import format_money
from danvan.core.workflow import Transition, Workflow

# --- Projects -------------------------------------------------------------------------------


def _all_households_settled(project) -> str | None:
    waiting = project.households.exclude(
        status__in=(CaseStatus.HANDED_OVER, CaseStatus.ENFORCED)
    ).count()
    if waiting:
        return _("%(count)s households have not handed over their land yet.") % {"count": waiting}
    return None


def _has_households(project) -> str | None:
    if not project.households.exists():
        return _("Add the affected households first.")
    return None


def _resumes_to(state: str):
    def guard(project) -> str | None:
        if project.suspended_from != state:
            return _("The project resumes where it was suspended.")
        return None

    return guard


_FORWARD = [
    ("issue_notice", ProjectStatus.PREPARING, ProjectStatus.NOTICE_ISSUED, "clearance.change",
     gettext_lazy("Record the recovery notice"), ()),
    ("start_inventory", ProjectStatus.NOTICE_ISSUED, ProjectStatus.INVENTORY, "clearance.change",
     gettext_lazy("Start the inventory"), ()),
    ("draft_plan", ProjectStatus.INVENTORY, ProjectStatus.PLAN_DRAFTED, "clearance.change",
     gettext_lazy("Compensation plan drafted"), (_has_households,)),
    ("post_plan", ProjectStatus.PLAN_DRAFTED, ProjectStatus.PLAN_POSTED, "clearance.change",
     gettext_lazy("Post the plan for comment"), ()),
    ("approve_plan", ProjectStatus.PLAN_POSTED, ProjectStatus.PLAN_APPROVED, "clearance.approve",
     gettext_lazy("Plan approved"), ()),
    ("start_paying", ProjectStatus.PLAN_APPROVED, ProjectStatus.PAYING, "clearance.change",
     gettext_lazy("Start paying"), ()),
    ("hand_over", ProjectStatus.PAYING, ProjectStatus.HANDED_OVER, "clearance.change",
     gettext_lazy("Land handed over"), (_all_households_settled,)),
    ("complete", ProjectStatus.HANDED_OVER, ProjectStatus.COMPLETED, "clearance.approve",
     gettext_lazy("Complete the project"), ()),
]  # fmt: skip

PROJECT_LIFECYCLE = Workflow(
    name="clearance.project",
    transitions=[
        *(
            Transition(name, source={source}, target=target, action=action, label=label,
                       guards=guards)
            for name, source, target, action, label, guards in _FORWARD
        ),
        Transition(
            "suspend",
            source=set(PROJECT_STEPS) - {ProjectStatus.COMPLETED},
            target=ProjectStatus.SUSPENDED,
            action="clearance.approve",
            requires_reason=True,
            label=gettext_lazy("Suspend"),
        ),
        # One resume step per state, each allowed only back to where the project stopped.
        *(
            Transition(
                f"resume_{state}",
                source={ProjectStatus.SUSPENDED},
                target=state,
                action="clearance.approve",
                guards=[_resumes_to(state)],
                label=gettext_lazy("Resume"),
            )
            for state in PROJECT_STEPS
            if state != ProjectStatus.COMPLETED
        ),
    ],
)  # fmt: skip


def project_steps_for(project, actor) -> list[Transition]:
    """The buttons to show: the resume step only back to where the project was suspended."""
    return [
        t
        for t in PROJECT_LIFECYCLE.available_for(project, actor)
        if not t.name.startswith("resume_") or t.target == project.suspended_from
    ]


# --- Household cases ------------------------------------------------------------------------


def _fully_paid(household) -> str | None:
    if household.approved_total <= 0:
        return _("There is no approved compensation plan for this household yet.")
    if household.paid_total < household.approved_total:
        return _("%(amount)s of the approved amount is still unpaid.") % {
            "amount": format_money(household.approved_total - household.paid_total)
        }
    return None


def _nothing_owed(household) -> str | None:
    if household.status == CaseStatus.ENFORCED:
        return None
    if household.paid_total < household.approved_total:
        return _fully_paid(household)
    return None


CASE_LIFECYCLE = Workflow(
    name="clearance.household",
    territory_attr="project.territory",
    transitions=[
        Transition(
            "start_persuading",
            source={CaseStatus.NOT_CONTACTED},
            target=CaseStatus.PERSUADING,
            action="clearance.mobilise",
            label=gettext_lazy("Start persuading"),
        ),
        Transition(
            "record_inventory",
            source={CaseStatus.NOT_CONTACTED, CaseStatus.PERSUADING},
            target=CaseStatus.INVENTORY_DONE,
            action="clearance.change",
            label=gettext_lazy("Inventory done"),
        ),
        Transition(
            "force_inventory",
            source={CaseStatus.PERSUADING, CaseStatus.DISAGREED},
            target=CaseStatus.FORCED_INVENTORY,
            action="clearance.approve",
            requires_reason=True,
            label=gettext_lazy("Order a compulsory inventory"),
        ),
        Transition(
            "agree",
            source={
                CaseStatus.PERSUADING,
                CaseStatus.INVENTORY_DONE,
                CaseStatus.FORCED_INVENTORY,
                CaseStatus.DISAGREED,
            },
            target=CaseStatus.AGREED,
            action="clearance.mobilise",
            label=gettext_lazy("Household agrees"),
        ),
        Transition(
            "disagree",
            source={
                CaseStatus.PERSUADING,
                CaseStatus.INVENTORY_DONE,
                CaseStatus.FORCED_INVENTORY,
                CaseStatus.AGREED,
            },
            target=CaseStatus.DISAGREED,
            action="clearance.mobilise",
            requires_reason=True,
            label=gettext_lazy("Household does not agree yet"),
        ),
        Transition(
            "mark_paid",
            source={CaseStatus.AGREED},
            target=CaseStatus.PAID,
            action="clearance.pay",
            guards=[_fully_paid],
            label=gettext_lazy("Fully paid"),
        ),
        Transition(
            "hand_over",
            source={CaseStatus.AGREED, CaseStatus.PAID, CaseStatus.ENFORCED},
            target=CaseStatus.HANDED_OVER,
            action="clearance.change",
            guards=[_nothing_owed],
            label=gettext_lazy("Land handed over"),
        ),
        Transition(
            "enforce",
            source={CaseStatus.DISAGREED, CaseStatus.FORCED_INVENTORY},
            target=CaseStatus.ENFORCED,
            action="clearance.approve",
            requires_reason=True,
            label=gettext_lazy("Enforce the recovery"),
        ),
    ],
)

__all__ = ["CASE_LIFECYCLE", "PROJECT_LIFECYCLE", "project_steps_for"]
