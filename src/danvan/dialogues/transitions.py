"""The lifecycles of a dialogue conference and of a petition, as data (see core.workflow)."""

from django.utils.translation import gettext_lazy

from danvan.core.workflow import Transition, Workflow
from danvan.dialogues import figures
from danvan.dialogues.models import ConferenceStatus, PetitionStatus

# --- Conferences ------------------------------------------------------------------------------
# The participants (to hold) and the minutes (to publish) are checked by the services, which set
# them in the same UPDATE as the step.


CONFERENCE_LIFECYCLE = Workflow(
    name="dialogues.conference",
    transitions=[
        Transition(
            "hold",
            source={ConferenceStatus.PLANNED},
            target=ConferenceStatus.HELD,
            action="dialogues.change",
            label=gettext_lazy("Record as held"),
        ),
        Transition(
            "publish_minutes",
            source={ConferenceStatus.HELD},
            target=ConferenceStatus.MINUTES_PUBLISHED,
            action="dialogues.change",
            label=gettext_lazy("Publish the minutes"),
        ),
        Transition(
            "cancel",
            source={ConferenceStatus.PLANNED},
            target=ConferenceStatus.CANCELLED,
            action="dialogues.change",
            requires_reason=True,
            label=gettext_lazy("Cancel"),
        ),
    ],
    timestamps={
        ConferenceStatus.HELD: "held_at",
        ConferenceStatus.MINUTES_PUBLISHED: "minutes_published_at",
    },
)

# --- Petitions --------------------------------------------------------------------------------

# What a step carries (the agency, the answer, the petition merged into) is checked by the
# services before they call `workflow.apply`, which sets it in the same UPDATE.
S = PetitionStatus


PETITION_LIFECYCLE = Workflow(
    name="dialogues.petition",
    transitions=[
        Transition(
            "assign",
            source={S.RECEIVED},
            target=S.ASSIGNED,
            action="dialogues.assign",
            label=gettext_lazy("Assign"),
        ),
        # Another agency takes it over; the deadline stays, the reason is recorded.
        Transition(
            "transfer",
            source={S.ASSIGNED, S.IN_PROGRESS},
            target=S.ASSIGNED,
            action="dialogues.assign",
            requires_reason=True,
            label=gettext_lazy("Transfer to another agency"),
        ),
        Transition(
            "start",
            source={S.ASSIGNED},
            target=S.IN_PROGRESS,
            action="dialogues.handle",
            label=gettext_lazy("Start handling"),
        ),
        Transition(
            "answer",
            source={S.ASSIGNED, S.IN_PROGRESS},
            target=S.ANSWERED,
            action="dialogues.handle",
            label=gettext_lazy("Answer"),
        ),
        Transition(
            "close",
            source={S.ANSWERED},
            target=S.CLOSED,
            action="dialogues.handle",
            label=gettext_lazy("Close"),
        ),
        # The citizen disputes the answer (on the portal or in person): work starts again with a
        # new deadline.
        Transition(
            "reopen",
            source={S.ANSWERED, S.CLOSED},
            target=S.IN_PROGRESS,
            action="dialogues.handle",
            requires_reason=True,
            label=gettext_lazy("Reopen"),
        ),
        Transition(
            "merge",
            source=set(S) - {S.MERGED, S.SPAM, S.CLOSED, S.ANSWERED},
            target=S.MERGED,
            action="dialogues.assign",
            label=gettext_lazy("Merge as a duplicate"),
        ),
        Transition(
            "mark_spam",
            source={S.RECEIVED},
            target=S.SPAM,
            action="dialogues.assign",
            label=gettext_lazy("Hide as spam"),
        ),
        Transition(
            "restore",
            source={S.SPAM},
            target=S.RECEIVED,
            action="dialogues.assign",
            label=gettext_lazy("Not spam: restore"),
        ),
    ],
    timestamps={S.ANSWERED: "answered_at", S.CLOSED: "closed_at"},
    # Every step changes what the petition counts as in the statistics kept per unit and month.
    on_applied=[lambda petition, _step, _actor: figures.refresh_petitions([petition])],
)
