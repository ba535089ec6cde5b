"""Petitions: entry by staff and from the portal, routing, answers, citizen feedback.

Every write checks scope, changes the row under optimistic locking (a `version` column), and
records the audit row in the same transaction. Status changes go through
`transitions.PETITION_LIFECYCLE`; what a step carries (agency, answer, target of a merge) is
checked here and written in the same UPDATE as the step.
"""

import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.audit import services as audit
from danvan.core import notifications, scope, workflow
from danvan.core.errors import ConflictError, DomainError
from danvan.core.search import nfc, search_key
from danvan.dialogues import figures
from danvan.dialogues.models import (
    ANSWERED_STATES,
    HIDDEN_STATES,
    OPEN_STATES,
    Category,
    Channel,
    Conference,
    Petition,
    PetitionStatus,
    Satisfaction,
)
from danvan.dialogues.services import deadlines, recipients
from danvan.dialogues.transitions import PETITION_LIFECYCLE

TITLE_MAX = 300
CONTENT_MAX = 10_000
CONTENT_MIN = 20
ANSWER_MAX = 20_000

# Crockford's base32: no I, L, O or U, so a code read out on the phone is not misheard.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 12  # 60 random bits
_CODE_FIXES = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})
_ID_NUMBER = re.compile(r"^\d{12}$")
_PHONE = re.compile(r"^\+?\d{9,12}$")


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(text: str | None) -> str:
    """What a citizen typed ("kn4x-7q2m-9d0a", spaces, O for 0) -> the stored code, or ""."""
    code = re.sub(r"[\s\-.]", "", str(text or "")).upper().translate(_CODE_FIXES)
    if len(code) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
        return ""
    return code


def format_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


@dataclass
class PetitionData:
    title: str
    content: str
    category: str
    channel: str
    territory: object
    address: str = ""
    conference: Conference | None = None
    anonymous: bool = False
    submitter_name: str = ""
    submitter_id_number: str = ""
    submitter_phone: str = ""
    submitter_email: str = ""
    received_at: datetime | None = None


PERSONAL_FIELDS = ("submitter_name", "submitter_id_number", "submitter_phone", "submitter_email")


def _clean(data: PetitionData) -> PetitionData:
    for name in ("title", "content", "address", *PERSONAL_FIELDS):
        setattr(data, name, nfc(getattr(data, name) or "").strip())
    data.submitter_phone = re.sub(r"[\s.\-()]", "", data.submitter_phone)
    data.submitter_id_number = re.sub(r"\s", "", data.submitter_id_number)
    if data.anonymous:
        for name in PERSONAL_FIELDS:
            setattr(data, name, "")
    return data


def check(data: PetitionData, *, now: datetime | None = None) -> None:
    """Field checks shared by staff entry, the portal and the API; raises DomainError."""
    if not data.title:
        raise DomainError(_("Enter a short summary of the petition."), code="title", field="title")
    if len(data.title) > TITLE_MAX:
        raise DomainError(
            _("The summary is at most %(max)s characters.") % {"max": TITLE_MAX},
            code="title",
            field="title",
        )
    if len(data.content) < CONTENT_MIN:
        raise DomainError(
            _("Describe the matter in at least %(min)s characters.") % {"min": CONTENT_MIN},
            code="content",
            field="content",
        )
    if len(data.content) > CONTENT_MAX:
        raise DomainError(
            _("The content is at most %(max)s characters.") % {"max": CONTENT_MAX},
            code="content",
            field="content",
        )
    if data.category not in Category.values:
        raise DomainError(_("Choose the field of the petition."), code="category", field="category")
    if data.channel not in Channel.values:
        raise DomainError(_("Choose how the petition came in."), code="channel", field="channel")
    if data.territory is None or not data.territory.is_current:
        raise DomainError(
            _("Choose the commune or ward the petition is about."),
            code="territory",
            field="territory",
        )
    if data.channel == Channel.CONFERENCE and data.conference is None:
        raise DomainError(
            _("Choose the conference where the petition was raised."),
            code="conference",
            field="conference",
        )
    if data.conference is not None and not data.territory.scope_path.startswith(
        data.conference.territory.scope_path
    ):
        raise DomainError(
            _("The petition's unit must lie within the conference's unit."),
            code="conference",
            field="conference",
        )
    if not data.anonymous and not data.submitter_name:
        raise DomainError(
            _("Enter the submitter's name, or mark the petition anonymous."),
            code="submitter_name",
            field="submitter_name",
        )
    if data.submitter_id_number and not _ID_NUMBER.match(data.submitter_id_number):
        raise DomainError(
            _("A citizen ID number has exactly 12 digits."),
            code="id_number",
            field="submitter_id_number",
        )
    if data.submitter_phone and not _PHONE.match(data.submitter_phone):
        raise DomainError(
            _("Enter a phone number of 9 to 12 digits."),
            code="phone",
            field="submitter_phone",
        )
    if data.submitter_email:
        try:
            validate_email(data.submitter_email)
        except ValidationError as exc:
            raise DomainError(
                _("Enter a valid e-mail address."), code="email", field="submitter_email"
            ) from exc
    received = data.received_at
    if received is not None and received > (now or timezone.now()):
        raise DomainError(
            _("The date received cannot be in the future."), code="received_at", field="received_at"
        )


def _fill(petition: Petition, data: PetitionData) -> None:
    for name in ("title", "content", "category", "channel", "territory", "address", "conference",
                 "anonymous", *PERSONAL_FIELDS):  # fmt: skip
        setattr(petition, name, getattr(data, name))
    petition.search_text = search_key(petition.title, petition.content)


def _insert(petition: Petition) -> Petition:
    # A clash of 60 random bits is next to impossible, but a retry costs nothing.
    for _attempt in range(5):
        petition.code = new_code()
        try:
            with transaction.atomic():
                petition.save()
        except IntegrityError:
            continue
        return petition
    raise DomainError(_("Could not register the petition; please try again."), code="code")


def _snapshot(petition: Petition) -> dict:
    snap = audit.snapshot(petition)
    for noise in ("updated_at", "version", "search_text", "source_hash"):
        snap.pop(noise, None)
    # The audit trail names that personal data changed, never the values themselves.
    for name in PERSONAL_FIELDS:
        if snap.get(name):
            snap[name] = "***"
    return snap


@transaction.atomic
def petition_create(*, data: PetitionData, actor, now: datetime | None = None) -> Petition:
    """A petition entered by staff (from a conference, a reception day, a letter…)."""
    data = _clean(data)
    scope.require(actor, "dialogues.change", data.territory)
    if data.conference is not None and not scope.can(
        actor, "dialogues.view", data.conference.territory
    ):
        raise DomainError(_("Choose a conference within your scope."), field="conference")
    check(data, now=now)
    now = now or timezone.now()
    received = data.received_at or now
    terms = deadlines.terms_for(
        territory=data.territory, category=data.category, channel=data.channel
    )
    petition = Petition(
        received_at=received,
        deadline=deadlines.deadline_from(received, terms.days),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    _fill(petition, data)
    _insert(petition)
    audit.record_one(audit.Action.CREATE, petition, actor=actor, changes=_snapshot(petition))
    notifications.notify(
        recipients.routers_of(petition),
        kind="dialogues.received",
        title=_("New petition %(code)s: %(title)s")
        % {"code": format_code(petition.code), "title": petition.title},
        url=reverse("dialogues:petition_detail", args=[petition.pk]),
        key=f"petition:{petition.pk}:received",
    )
    return petition


@transaction.atomic
def petition_submit_public(
    *, data: PetitionData, consent: bool, source_hash: str = "", now: datetime | None = None
) -> Petition:
    """A petition a citizen sends through the portal (no account); the caller rate-limits."""
    data = _clean(data)
    data.channel = Channel.PORTAL
    data.conference = None
    data.received_at = None
    check(data, now=now)
    if not consent:
        raise DomainError(
            _("Please agree to the use of your information for handling the petition."),
            code="consent",
            field="consent",
        )
    if not data.anonymous and not (data.submitter_phone or data.submitter_email):
        raise DomainError(
            _("Leave a phone number or an e-mail address, or send the petition anonymously."),
            code="contact",
            field="submitter_phone",
        )
    now = now or timezone.now()
    terms = deadlines.terms_for(
        territory=data.territory, category=data.category, channel=data.channel
    )
    petition = Petition(
        received_at=now,
        deadline=deadlines.deadline_from(now, terms.days),
        consent_at=None if data.anonymous else now,
        source_hash=source_hash[:64],
    )
    _fill(petition, data)
    _insert(petition)
    audit.record_one(audit.Action.CREATE, petition, actor=None, changes=_snapshot(petition))
    notifications.notify(
        recipients.routers_of(petition),
        kind="dialogues.received",
        title=_("New petition from the portal %(code)s: %(title)s")
        % {"code": format_code(petition.code), "title": petition.title},
        url=reverse("dialogues:petition_detail", args=[petition.pk]),
        key=f"petition:{petition.pk}:received",
    )
    return petition


@transaction.atomic
def petition_update(
    *, petition: Petition, data: PetitionData, actor, expected_version: int | None = None
) -> Petition:
    """Correct what a petition says (not its status); a new field or channel moves the deadline."""
    data = _clean(data)
    scope.require(actor, "dialogues.change", petition.territory)
    scope.require(actor, "dialogues.change", data.territory)
    current = Petition.objects.select_for_update().get(pk=petition.pk)
    if expected_version is not None and current.version != expected_version:
        raise ConflictError()
    if current.status in HIDDEN_STATES:
        raise DomainError(_("A merged or hidden petition cannot be edited."), code="hidden")
    data.received_at = data.received_at or current.received_at
    check(data)
    before = _snapshot(current)
    left = (current.territory_id, figures.month_of(current.received_at))
    moved = (current.category, current.channel, current.territory_id) != (
        data.category,
        data.channel,
        data.territory.pk,
    )
    _fill(current, data)
    current.received_at = data.received_at
    if moved and current.status in OPEN_STATES and not current.reopen_count:
        terms = deadlines.terms_for(
            territory=data.territory, category=data.category, channel=data.channel
        )
        deadline = deadlines.deadline_from(current.received_at, terms.days)
        if deadline != current.deadline:
            # Reminders start again for the new deadline (their keys name the deadline).
            current.deadline, current.reminder_stage, current.escalated_at = deadline, "", None
    current.version += 1
    # The cells it left and joined are recounted together, so the provinces' locks are taken
    # in one order (two moves in opposite directions cannot deadlock).
    with figures.deferred():
        current.save()
        figures.refresh({left})
    changes = audit.diff(before, _snapshot(current))
    if changes:
        audit.record_one(audit.Action.UPDATE, current, actor=actor, changes=changes)
    return current


# --- routing -----------------------------------------------------------------------------------


def check_assignee(petition: Petition, agency, officer) -> None:
    """The agency must work in the petition's province; the officer must belong to it and be
    able to handle petitions of that unit."""
    if agency is None:
        raise DomainError(
            _("Choose the agency that handles the petition."), code="agency", field="agency"
        )
    province_path = "/".join(petition.territory.scope_path.split("/")[:2]) + "/"
    if not agency.territory.scope_path.startswith(province_path):
        raise DomainError(
            _("Choose an agency of the petition's province."), code="agency", field="agency"
        )
    if officer is not None:
        if officer.organisation_id != agency.pk or not officer.is_active:
            raise DomainError(
                _("The officer must work at the chosen agency."), code="officer", field="officer"
            )
        if not scope.can(officer, "dialogues.handle", petition.territory):
            raise DomainError(
                _("This officer cannot handle petitions of this unit."),
                code="officer",
                field="officer",
            )


def _notify_assignee(petition: Petition) -> None:
    people = [petition.officer] if petition.officer_id else recipients.handlers_of(petition)
    notifications.notify(
        people,
        kind="dialogues.assigned",
        title=_("Petition %(code)s assigned to you, due %(deadline)s")
        % {"code": format_code(petition.code), "deadline": petition.deadline.strftime("%d/%m/%Y")},
        body=petition.title,
        url=reverse("dialogues:petition_detail", args=[petition.pk]),
        key=f"petition:{petition.pk}:assigned:{petition.version}",
        email=True,
    )


def petition_assign(
    *,
    petition: Petition,
    agency,
    actor,
    officer=None,
    reason: str = "",
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Petition:
    """Assign a received petition, or transfer an assigned one (then a reason is required)."""
    check_assignee(petition, agency, officer)
    name = "assign" if petition.status == PetitionStatus.RECEIVED else "transfer"
    with transaction.atomic():
        updated = workflow.apply(
            PETITION_LIFECYCLE,
            petition,
            name=name,
            actor=actor,
            reason=reason,
            expected_version=expected_version,
            extra={"agency": agency, "officer": officer, "assigned_at": now or timezone.now()},
        )
        # In the same transaction: if the step rolls back, so does the notification.
        _notify_assignee(updated)
    return updated


@transaction.atomic
def petitions_bulk_assign(*, petitions: list[Petition], agency, actor, officer=None) -> int:
    """Assign many received petitions at once: all of them, or none when one cannot be."""
    # Their units and months are recounted once, at the end, not once per petition.
    with figures.deferred():
        for petition in petitions:
            if petition.status != PetitionStatus.RECEIVED:
                raise DomainError(
                    _("Petition %(code)s is no longer waiting to be assigned.")
                    % {"code": format_code(petition.code)},
                    code="not_received",
                )
            petition_assign(
                petition=petition,
                agency=agency,
                officer=officer,
                actor=actor,
                expected_version=petition.version,
            )
    return len(petitions)


def petition_start(*, petition: Petition, actor, expected_version: int | None = None) -> Petition:
    return workflow.apply(
        PETITION_LIFECYCLE, petition, name="start", actor=actor, expected_version=expected_version
    )


def petition_answer(
    *,
    petition: Petition,
    answer: str,
    actor,
    public: bool = True,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Petition:
    answer = nfc(answer or "").strip()
    if not answer:
        raise DomainError(_("Write the answer first."), code="answer", field="answer")
    if len(answer) > ANSWER_MAX:
        raise DomainError(
            _("The answer is at most %(max)s characters.") % {"max": ANSWER_MAX},
            code="answer",
            field="answer",
        )
    with transaction.atomic():
        updated = workflow.apply(
            PETITION_LIFECYCLE,
            petition,
            name="answer",
            actor=actor,
            expected_version=expected_version,
            extra={
                "answer": answer,
                "answer_public": bool(public),
                "answered_by": actor if getattr(actor, "pk", None) else None,
                "satisfaction": "",
                "satisfaction_note": "",
            },
        )
        if now is not None:  # a controllable clock (tests, imports of old answers)
            Petition.objects.filter(pk=updated.pk).update(answered_at=now)
            updated.answered_at = now
            figures.refresh_petitions([updated])
    return updated


def petition_close(*, petition: Petition, actor, expected_version: int | None = None) -> Petition:
    return workflow.apply(
        PETITION_LIFECYCLE, petition, name="close", actor=actor, expected_version=expected_version
    )


def _reopen_extra(petition: Petition, now: datetime) -> dict:
    terms = deadlines.terms_for(
        territory=petition.territory, category=petition.category, channel=petition.channel
    )
    return {
        "deadline": deadlines.deadline_from(now, terms.days),
        "reopen_count": petition.reopen_count + 1,
        "reminder_stage": "",
        "escalated_at": None,
        "closed_at": None,
    }


def petition_reopen(
    *,
    petition: Petition,
    reason: str,
    actor,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Petition:
    """The citizen disputes the answer: work starts again with a new deadline."""
    return workflow.apply(
        PETITION_LIFECYCLE,
        petition,
        name="reopen",
        actor=actor,
        reason=reason,
        expected_version=expected_version,
        extra=_reopen_extra(petition, now or timezone.now()),
    )


def petition_merge(
    *, petition: Petition, into: Petition, actor, expected_version: int | None = None
) -> Petition:
    """File `petition` as a duplicate of `into` (followed to the end of any merge chain)."""
    seen = {petition.pk}
    while into.merged_into_id is not None and into.pk not in seen:
        seen.add(into.pk)
        into = into.merged_into
    if into.pk in seen:
        raise DomainError(
            _("A petition cannot be merged into itself."), code="merge_self", field="merged_into"
        )
    if into.status == PetitionStatus.SPAM:
        raise DomainError(
            _("Choose a petition that is not hidden as spam."),
            code="merge_spam",
            field="merged_into",
        )
    if not scope.can(actor, "dialogues.view", into.territory):
        raise DomainError(
            _("Choose a petition within your scope."), code="merge_scope", field="merged_into"
        )
    return workflow.apply(
        PETITION_LIFECYCLE,
        petition,
        name="merge",
        actor=actor,
        expected_version=expected_version,
        extra={"merged_into": into},
    )


def petition_mark_spam(
    *, petition: Petition, actor, reason: str = "", expected_version: int | None = None
) -> Petition:
    return workflow.apply(
        PETITION_LIFECYCLE,
        petition,
        name="mark_spam",
        actor=actor,
        reason=reason,
        expected_version=expected_version,
    )


def petition_restore(*, petition: Petition, actor, expected_version: int | None = None) -> Petition:
    return workflow.apply(
        PETITION_LIFECYCLE, petition, name="restore", actor=actor, expected_version=expected_version
    )


# --- the citizen, by tracking code -------------------------------------------------------------


def petition_by_code(code: str) -> Petition | None:
    """The petition a tracking code names, or None (also for spam: it is simply not there)."""
    code = normalize_code(code)
    if not code:
        return None
    return (
        Petition.objects.select_related("territory", "agency", "merged_into")
        .exclude(status=PetitionStatus.SPAM)
        .filter(code=code)
        .first()
    )


def petition_citizen_feedback(
    *, petition: Petition, satisfaction: str, note: str = "", now: datetime | None = None
) -> Petition:
    """The citizen rates the answer; "not satisfied" with a reason reopens the petition."""
    if satisfaction not in Satisfaction.values:
        raise DomainError(
            _("Choose how satisfied you are with the answer."),
            code="satisfaction",
            field="satisfaction",
        )
    note = nfc(note or "").strip()[:2000]
    with transaction.atomic():
        current = Petition.objects.select_for_update().get(pk=petition.pk)
        if current.status not in ANSWERED_STATES:
            raise DomainError(_("The petition has no answer to rate yet."), code="not_answered")
        if current.satisfaction:
            raise DomainError(
                _("You have already given your opinion on this answer."), code="already_rated"
            )
        if satisfaction == Satisfaction.DISSATISFIED and not note:
            raise DomainError(
                _("Please say what is missing from the answer."), code="note", field="note"
            )
        before = {
            "satisfaction": current.satisfaction,
            "satisfaction_note": current.satisfaction_note,
        }
        Petition.objects.filter(pk=current.pk).update(
            satisfaction=satisfaction, satisfaction_note=note, version=current.version + 1
        )
        current.refresh_from_db()
        figures.refresh_petitions([current])
        audit.record_one(
            audit.Action.UPDATE,
            current,
            actor=None,
            changes=audit.diff(before, {"satisfaction": satisfaction, "satisfaction_note": note}),
        )
        if satisfaction == Satisfaction.DISSATISFIED:
            current = workflow.apply(
                PETITION_LIFECYCLE,
                current,
                name="reopen",
                actor=None,
                reason=note,
                extra=_reopen_extra(current, now or timezone.now()),
                on_behalf_of_citizen=True,
            )
            notifications.notify(
                [current.officer] if current.officer_id else recipients.handlers_of(current),
                kind="dialogues.reopened",
                title=_("The citizen disputes the answer to %(code)s")
                % {"code": format_code(current.code)},
                body=note,
                url=reverse("dialogues:petition_detail", args=[current.pk]),
                key=f"petition:{current.pk}:reopened:{current.reopen_count}",
                email=True,
            )
    return current
