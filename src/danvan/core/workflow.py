"""A small, explicit state-machine mechanism shared by every app with a lifecycle.

An app declares its workflow as data:

    REVIEW = Workflow(
        name="initiatives.model",
        transitions=[
            Transition("submit", source={"draft"}, target="submitted", action="initiatives.submit"),
            Transition("return", source={"under_review"}, target="draft",
                       action="initiatives.review", requires_reason=True),
        ],
        timestamps={"submitted": "submitted_at"},
    )

and calls `apply(REVIEW, obj, name="submit", actor=user, expected_version=form_version)`.
`apply` checks the table, the role and territory through the scope policy, the guards and the
required inputs, then updates the row only if nobody changed it meanwhile (optimistic locking on
a `version` column), and writes the audit record in the same transaction.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.core import scope
from danvan.core.errors import ConflictError, DomainError

Guard = Callable[[Any], str | None]  # returns an error message, or None when the step may happen


@dataclass(frozen=True)
class Transition:
    name: str
    source: frozenset[str]
    target: str
    action: str
    requires_reason: bool = False
    guards: tuple[Guard, ...] = ()
    label: str = ""

    def __init__(
        self,
        name: str,
        *,
        source: Iterable[str],
        target: str,
        action: str,
        requires_reason: bool = False,
        guards: Iterable[Guard] = (),
        label: str = "",
    ) -> None:
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "source", frozenset(source))
        object.__setattr__(self, "target", target)
        object.__setattr__(self, "action", action)
        object.__setattr__(self, "requires_reason", requires_reason)
        object.__setattr__(self, "guards", tuple(guards))
        object.__setattr__(self, "label", label or name)


@dataclass
class Workflow:
    name: str
    transitions: list[Transition]
    state_field: str = "status"
    version_field: str = "version"
    territory_attr: str = "territory"
    timestamps: dict[str, str] = field(default_factory=dict)
    # Called after commit with (obj, transition, actor): notifications, follow-up tasks.
    on_commit: list[Callable[[Any, Transition, Any], None]] = field(default_factory=list)
    # Called inside the transaction, after the row moved: what must change with it or not at all.
    on_applied: list[Callable[[Any, Transition, Any], None]] = field(default_factory=list)

    def territory_of(self, obj: Any):
        """The unit that decides who may act on `obj`; `territory_attr` may be dotted
        ("project.territory")."""
        value = obj
        for part in self.territory_attr.split("."):
            value = getattr(value, part, None)
            if value is None:
                return None
        return value

    def __post_init__(self) -> None:
        names = [t.name for t in self.transitions]
        if len(names) != len(set(names)):
            raise ValueError(f"Workflow {self.name} declares a transition name twice")
        self._by_name = {t.name: t for t in self.transitions}

    def get(self, name: str) -> Transition:
        try:
            return self._by_name[name]
        except KeyError as exc:
            raise DomainError(_("Unknown step."), code="unknown_transition") from exc

    def available(self, state: str) -> list[Transition]:
        return [t for t in self.transitions if state in t.source]

    def available_for(self, obj: Any, actor: Any) -> list[Transition]:
        """Steps the actor could take now (for buttons); guards are checked by `apply`."""
        territory = self.territory_of(obj)
        return [
            t
            for t in self.available(getattr(obj, self.state_field))
            if scope.can(actor, t.action, territory)
        ]

    def states(self) -> set[str]:
        result: set[str] = set()
        for t in self.transitions:
            result |= t.source
            result.add(t.target)
        return result


def apply(
    workflow: Workflow,
    obj: models.Model,
    *,
    name: str,
    actor: Any,
    reason: str = "",
    expected_version: int | None = None,
    extra: dict[str, Any] | None = None,
    on_behalf_of_citizen: bool = False,
) -> models.Model:
    """Perform transition `name` on `obj`; returns the refreshed object.

    `extra` sets other fields in the same UPDATE (the level a proposal asks for, a note) and is
    recorded in the same audit row, so the step and what it carried cannot be told apart.
    `on_behalf_of_citizen` skips the scope check for a step a citizen takes on the public portal
    (disputing an answer): they hold no grant, and the caller has checked their tracking code.
    """
    from danvan.audit import services as audit

    step = workflow.get(name)
    if not on_behalf_of_citizen:
        scope.require(actor, step.action, workflow.territory_of(obj))
    reason = (reason or "").strip()
    if step.requires_reason and not reason:
        raise DomainError(
            _("Please give a reason for this step."), code="reason_required", field="reason"
        )

    model = type(obj)
    with transaction.atomic():
        current = model.objects.select_for_update().get(pk=obj.pk)
        # The row may have moved to another unit since `obj` was loaded; judge the row as it is.
        if not on_behalf_of_citizen:
            scope.require(actor, step.action, workflow.territory_of(current))
        state = getattr(current, workflow.state_field)
        version = getattr(current, workflow.version_field)
        if expected_version is not None and expected_version != version:
            raise ConflictError()
        if state not in step.source:
            raise DomainError(
                _("This step is not possible from the current status."),
                code="transition_not_allowed",
            )
        for guard in step.guards:
            problem = guard(current)
            if problem:
                raise DomainError(problem, code="guard_failed")

        updates: dict[str, Any] = {
            workflow.state_field: step.target,
            workflow.version_field: version + 1,
        }
        extra_changes = {
            key: [getattr(current, key), value]
            for key, value in (extra or {}).items()
            if getattr(current, key) != value
        }
        updates.update(extra or {})
        stamp_field = workflow.timestamps.get(step.target)
        if stamp_field:
            updates[stamp_field] = timezone.now()
        # The version in the WHERE clause is the optimistic lock: a concurrent writer that
        # already moved the row makes this update touch nothing.
        touched = model.objects.filter(
            pk=obj.pk, **{workflow.version_field: version, workflow.state_field: state}
        ).update(**updates)
        if touched != 1:
            raise ConflictError()
        current.refresh_from_db()
        audit.record(
            [
                audit.Change(
                    action=audit.Action.TRANSITION,
                    obj=current,
                    changes={
                        workflow.state_field: [state, step.target],
                        "transition": step.name,
                        **{
                            key: [audit.json_value(old), audit.json_value(new)]
                            for key, (old, new) in extra_changes.items()
                        },
                    },
                    reason=reason,
                )
            ],
            actor=actor,
        )
        for callback in workflow.on_applied:
            callback(current, step, actor)
        for callback in workflow.on_commit:
            transaction.on_commit(lambda cb=callback: cb(current, step, actor))
    return current
