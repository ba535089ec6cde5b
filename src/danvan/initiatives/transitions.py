"""The lifecycle of a model as data: who may take which step from where (see core.workflow)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from danvan.core.workflow import Transition, Workflow
from danvan.initiatives.models import LEVEL_LADDER, LEVEL_RANK, Level, Status, Subject


def is_complete(initiative) -> str | None:
    if not initiative.summary.strip():
        return _("Write a summary before submitting.")
    if initiative.subject == Subject.INDIVIDUAL and not initiative.person_name.strip():
        return _("Name the person for an individual model.")
    if not initiative.territory.is_current:
        return _("Models filed under a unit from before 07/2025 cannot be submitted again.")
    return None


def first_review(initiative) -> str | None:
    if initiative.level:
        return _("This model is already recognised; keep its current level instead.")
    return None


def raising_level(initiative) -> str | None:
    if not initiative.level:
        return _("This step applies to a model proposed for a higher level.")
    return None


def next_level(level: str) -> str | None:
    """The level above `level` on today's ladder (a district recognition leads to province)."""
    rank = LEVEL_RANK.get(level, 0)
    higher = [step for step in LEVEL_LADDER if LEVEL_RANK[step] > rank]
    return higher[0] if higher else None


def can_go_higher(initiative) -> str | None:
    if next_level(initiative.level) is None:
        return _("This model is already recognised at the highest level.")
    return None


MODEL_LIFECYCLE = Workflow(
    name="initiatives.initiative",
    transitions=[
        Transition(
            "submit",
            source={Status.DRAFT},
            target=Status.SUBMITTED,
            action="initiatives.submit",
            guards=[is_complete],
            label=gettext_lazy("Submit for recognition"),
        ),
        Transition(
            "withdraw",
            source={Status.SUBMITTED},
            target=Status.DRAFT,
            action="initiatives.submit",
            guards=[first_review],
            label=gettext_lazy("Withdraw"),
        ),
        Transition(
            "start_review",
            source={Status.SUBMITTED},
            target=Status.UNDER_REVIEW,
            action="initiatives.review",
            label=gettext_lazy("Start review"),
        ),
        Transition(
            "return",
            source={Status.SUBMITTED, Status.UNDER_REVIEW},
            target=Status.DRAFT,
            action="initiatives.review",
            requires_reason=True,
            guards=[first_review],
            label=gettext_lazy("Return for revision"),
        ),
        Transition(
            "recognise",
            source={Status.UNDER_REVIEW},
            target=Status.RECOGNISED,
            action="initiatives.decide",
            label=gettext_lazy("Recognise"),
        ),
        Transition(
            "reject",
            source={Status.UNDER_REVIEW},
            target=Status.REJECTED,
            action="initiatives.decide",
            requires_reason=True,
            guards=[first_review],
            label=gettext_lazy("Do not recognise"),
        ),
        Transition(
            "keep_level",
            source={Status.SUBMITTED, Status.UNDER_REVIEW},
            target=Status.RECOGNISED,
            action="initiatives.decide",
            requires_reason=True,
            guards=[raising_level],
            label=gettext_lazy("Keep the current level"),
        ),
        Transition(
            "propose_higher",
            source={Status.RECOGNISED},
            target=Status.SUBMITTED,
            action="initiatives.propose",
            guards=[can_go_higher],
            label=gettext_lazy("Propose for a higher level"),
        ),
        Transition(
            "stop",
            source={Status.RECOGNISED},
            target=Status.STOPPED,
            action="initiatives.decide",
            requires_reason=True,
            label=gettext_lazy("No longer in effect"),
        ),
    ],
    timestamps={Status.SUBMITTED: "submitted_at", Status.RECOGNISED: "recognised_at"},
)

# Steps people take from the model page; the rest happen through councils and evaluations.
PAGE_STEPS = ("submit", "withdraw", "return", "propose_higher")

__all__ = ["MODEL_LIFECYCLE", "PAGE_STEPS", "Level", "next_level"]
