"""In-app notifications and e-mail, shared by every app.

An app calls `notify` with the users, a title and a link; a `key` that names the reason
("petition:42:overdue:2026-12-06") makes the call idempotent, so a reminder task may run twice, or
a worker restart repeat it, without anyone hearing twice. E-mail goes out from `send_pending_emails`
(run by the worker), which claims each row with a conditional UPDATE before sending: two workers
never send the same message, and a crash between claim and send loses a mail rather than
repeating it.

The daily digest gathers, per user, what each app reports through `register_digest_section`.
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from danvan.core.models import Notification

logger = logging.getLogger(__name__)

TITLE_MAX = 300


def notify(
    recipients: Iterable,
    *,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    key: str = "",
    email: bool = False,
    now: datetime | None = None,
) -> int:
    """Store one notification per recipient (users or user ids); returns how many rows were new.

    With a `key`, a recipient who already has that key gets nothing more.
    """
    ids = sorted({getattr(r, "pk", r) for r in recipients if r is not None})
    if not ids:
        return 0
    key = key[:200]
    if key:
        already = set(
            Notification.objects.filter(recipient_id__in=ids, key=key).values_list(
                "recipient_id", flat=True
            )
        )
        ids = [i for i in ids if i not in already]
    rows = [
        Notification(
            recipient_id=user_id,
            kind=kind,
            title=str(title)[:TITLE_MAX],
            body=str(body),
            url=url,
            key=key,
            created_at=now or timezone.now(),
            email_wanted=email,
        )
        for user_id in ids
    ]
    # A concurrent call with the same key loses the race on the unique constraint, silently.
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def for_user(user) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)


def mark_read(user, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (all of them when `ids` is None)."""
    rows = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows.update(read_at=timezone.now())


def _absolute(url: str) -> str:
    if not url or url.startswith("http"):
        return url
    return settings.DANVAN_SITE_URL.rstrip("/") + url


def send_pending_emails(*, limit: int = 500) -> int:
    """Send the e-mails that are due; returns how many went out."""
    pending = (
        Notification.objects.filter(email_wanted=True, emailed_at__isnull=True)
        .select_related("recipient")
        .order_by("id")[:limit]
    )
    sent = 0
    for note in pending:
        claimed = Notification.objects.filter(pk=note.pk, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )
        if not claimed or not note.recipient.email or not note.recipient.is_active:
            continue
        text = note.body
        if note.url:
            text = f"{text}\n\n{_absolute(note.url)}".strip()
        try:
            send_mail(note.title, text, None, [note.recipient.email])
        except OSError:
            logger.exception("Could not send notification %s", note.pk)
            continue
        sent += 1
    return sent


# --- daily digest -----------------------------------------------------------------------------


@dataclass
class DigestSection:
    title: str
    lines: list[str]
    url: str = ""


DigestSource = Callable[[object, date], DigestSection | None]
_DIGEST_SOURCES: list[DigestSource] = []


def register_digest_section(source: DigestSource) -> DigestSource:
    """Add a function (user, day) -> DigestSection | None to every user's daily digest."""
    if source not in _DIGEST_SOURCES:
        _DIGEST_SOURCES.append(source)
    return source


def digest_for(user, day: date) -> list[DigestSection]:
    return [section for source in _DIGEST_SOURCES if (section := source(user, day))]


def send_daily_digests(*, day: date | None = None, now: datetime | None = None) -> int:
    """Queue one digest per active user with an e-mail address and something to report.

    The key "digest:<day>" keeps it to one a day however often the task runs.
    """
    day = day or timezone.localdate(now)
    key = f"digest:{day.isoformat()}"
    users = (
        get_user_model()
        .objects.filter(is_active=True)
        .exclude(email="")
        .exclude(notifications__key=key)
        .order_by("pk")
    )
    queued = 0
    with translation.override(settings.LANGUAGE_CODE):
        for user in users.iterator(chunk_size=500):
            sections = digest_for(user, day)
            if not sections:
                continue
            parts = []
            for section in sections:
                parts.append(section.title)
                parts.extend(f"  - {line}" for line in section.lines)
                if section.url:
                    parts.append(f"  {_absolute(section.url)}")
                parts.append("")
            queued += notify(
                [user],
                kind="core.digest",
                title=_("Your daily summary for %(day)s") % {"day": day.strftime("%d/%m/%Y")},
                body="\n".join(parts).strip(),
                key=key,
                email=True,
                now=now,
            )
    return queued
