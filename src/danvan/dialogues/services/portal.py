"""Abuse resistance of the public portal, without third-party services.

Who is asking: the client's IP (core.middleware.client_ip, as the audit trail reads it) and a
random device id kept in a signed cookie. Both feed the database rate limits (core.ratelimit)
and, salted and hashed, the petition's `source_hash`: the raw values are never stored.

A submission is refused before anything is written when the sender is over a limit, fails
the content checks or sends unsuitable files; the petition, its files and the audit rows are
then written in one transaction, so either all of them exist or none.
"""

import logging
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.core import signing
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from danvan.core import attachments, ratelimit
from danvan.core.context import acting
from danvan.core.errors import DomainError
from danvan.core.middleware import client_ip
from danvan.core.models import Attachment, AttachmentKind
from danvan.dialogues.models import Channel, Petition
from danvan.dialogues.services import deadlines, petitions
from danvan.dialogues.services.petitions import PetitionData

logger = logging.getLogger(__name__)

MB = 1024 * 1024
DEVICE_COOKIE = "dv_device"
DEVICE_SALT = "danvan.dialogues.portal.device"
DEVICE_MAX_AGE = 365 * 24 * 3600
RECEIPT_COOKIE = "dv_receipt"
RECEIPT_SALT = "danvan.dialogues.portal.receipt"
RECEIPT_MAX_AGE = 30 * 60

# (hits, window in seconds)
SUBMIT_PER_IP = (5, 3600)
SUBMIT_PER_DEVICE = (3, 3600)
# Every submit attempt, valid or not: stops scripted probing of the checks.
ATTEMPT_PER_IP = (30, 3600)
LOOKUP_PER_IP = (30, 600)
FEEDBACK_PER_IP = (10, 3600)

MAX_FILES = 3
MAX_FILE_BYTES = 5 * MB
MAX_TOTAL_BYTES = 10 * MB
FILE_KINDS = (AttachmentKind.IMAGE, AttachmentKind.PDF)
FILE_ACCEPT = ".jpg,.jpeg,.png,.webp,.pdf"

MAX_LINKS = 2
MIN_TITLE_LETTERS = 5
MIN_CONTENT_WORDS = 5
_LINK = re.compile(r"(https?://|www\.)\S+", re.IGNORECASE)
_REPEATED = re.compile(r"(\S)\1{9,}")
_WORD = re.compile(r"[^\W\d_]{2,}")


class RateLimited(DomainError):
    """Too many requests from one sender; nothing was written."""

    status_code = 429

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message, code="rate_limited")
        self.retry_after = retry_after


@dataclass(frozen=True)
class Client:
    """Who sent a request to the portal, as far as the portal needs to know."""

    ip: str
    device: str
    is_new_device: bool = False

    @property
    def source_hash(self) -> str:
        """A salted hash of IP and device: equal for one sender, useless to anyone else."""
        return salted_hmac(
            "danvan.dialogues.portal.source", f"{self.ip}|{self.device}", algorithm="sha256"
        ).hexdigest()


def client_of(request: HttpRequest) -> Client:
    device = ""
    try:
        device = request.get_signed_cookie(DEVICE_COOKIE, default="", salt=DEVICE_SALT)
    except signing.BadSignature:
        device = ""
    if device:
        return Client(ip=client_ip(request), device=device)
    return Client(ip=client_ip(request), device=secrets.token_urlsafe(16), is_new_device=True)


def remember_device(response: HttpResponse, client: Client, *, secure: bool = False) -> None:
    """Give a first-time visitor their device id (a random value, nothing about them)."""
    if client.is_new_device:
        response.set_signed_cookie(
            DEVICE_COOKIE,
            client.device,
            salt=DEVICE_SALT,
            max_age=DEVICE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=secure,
        )


def _key(name: str, what: str, value: str) -> str:
    # The counters hold a hash of the address, not the address itself.
    digest = salted_hmac("danvan.dialogues.portal.rate", value, algorithm="sha256").hexdigest()
    return f"portal-{name}:{what}:{digest[:32]}"


def _too_many(window: int) -> RateLimited:
    minutes = max(1, window // 60)
    return RateLimited(
        _(
            "Too many requests from your connection or device. Please wait %(minutes)s minutes "
            "and try again; nothing was saved."
        )
        % {"minutes": minutes},
        retry_after=window,
    )


def _hit(name: str, what: str, value: str, rule: tuple[int, int]) -> None:
    limit, window = rule
    if not ratelimit.hit(_key(name, what, value), limit=limit, window=window):
        raise _too_many(window)


def _peek(name: str, what: str, value: str, rule: tuple[int, int]) -> None:
    limit, window = rule
    if ratelimit.peek(_key(name, what, value), window=window) >= limit:
        raise _too_many(window)


def require_submit_quota(client: Client) -> None:
    """Count the attempt; refuse (429) when the sender has used up its submissions."""
    _hit("attempt", "ip", client.ip, ATTEMPT_PER_IP)
    _peek("submit", "ip", client.ip, SUBMIT_PER_IP)
    _peek("submit", "device", client.device, SUBMIT_PER_DEVICE)


def require_lookup_quota(client: Client) -> None:
    _hit("lookup", "ip", client.ip, LOOKUP_PER_IP)


def require_feedback_quota(client: Client) -> None:
    _hit("feedback", "ip", client.ip, FEEDBACK_PER_IP)


# --- content checks ----------------------------------------------------------------------------


def content_problems(*, title: str, content: str) -> dict[str, str]:
    """Signs of junk in what a citizen wrote: {field: message}, empty when it reads fine."""
    problems: dict[str, str] = {}
    title, content = (title or "").strip(), (content or "").strip()
    for field, text in (("title", title), ("content", content)):
        if not text:
            continue
        letters = [ch for ch in text if ch.isalpha()]
        if not letters:
            problems[field] = _("Write in words: this text has no letters.")
        elif _REPEATED.search(text):
            problems[field] = _("Please do not repeat the same character many times in a row.")
        elif len(letters) >= 12 and sum(ch.isupper() for ch in letters) > 0.8 * len(letters):
            problems[field] = _(
                "Please do not write everything in capital letters; it is hard to read."
            )
    if "title" not in problems and title and sum(ch.isalpha() for ch in title) < MIN_TITLE_LETTERS:
        problems["title"] = _("The summary is too short: say in a few words what it is about.")
    if "content" not in problems and content:
        if len(_LINK.findall(f"{title} {content}")) > MAX_LINKS:
            problems["content"] = _(
                "Too many links: include at most %(max)s. Describe the matter in your own words."
            ) % {"max": MAX_LINKS}
        elif len(_WORD.findall(content)) < MIN_CONTENT_WORDS:
            problems["content"] = _(
                "The description is too short: describe what happened, where and since when."
            )
    return problems


def file_problems(files: Sequence[UploadedFile], *, read_content: bool = True) -> list[str]:
    """Count, size and type of the files; each problem is a message naming the file.

    `read_content=False` checks count and sizes only (the upload itself checks the content).
    """
    problems: list[str] = []
    if len(files) > MAX_FILES:
        return [_("Attach at most %(max)s files.") % {"max": MAX_FILES}]
    total = 0
    for upload in files:
        name = attachments.safe_filename(upload.name or "")
        size = upload.size or 0
        total += size
        if size > MAX_FILE_BYTES:
            problems.append(
                _("“%(name)s” is larger than %(limit)s MB.")
                % {"name": name, "limit": MAX_FILE_BYTES // MB}
            )
            continue
        if not read_content:
            continue
        try:
            kind, _mime = attachments.validate_upload(upload)
        except DomainError as error:
            problems.append(f"“{name}”: {error.message}")
            continue
        if kind not in FILE_KINDS:
            problems.append(
                _("“%(name)s” is not a photo or a PDF; only photos and PDFs are accepted.")
                % {"name": name}
            )
    if total > MAX_TOTAL_BYTES and not problems:
        problems.append(
            _("The files together are larger than %(limit)s MB.") % {"limit": MAX_TOTAL_BYTES // MB}
        )
    return problems


# --- writes ------------------------------------------------------------------------------------


def _delete_stored(rows: list[Attachment]) -> None:
    for row in rows:
        for stored in (row.file, row.thumbnail):
            if stored:
                try:
                    stored.storage.delete(stored.name)
                except OSError:
                    logger.warning("Could not delete %s", stored.name, exc_info=True)


def portal_submit(
    *,
    data: PetitionData,
    consent: bool,
    files: Sequence[UploadedFile] = (),
    client: Client,
) -> Petition:
    """Register a citizen's petition with its files: all of it, or nothing.

    The caller has called `require_submit_quota` (and shown the sender every problem of the
    form at once); the checks run again here, and the limits are counted with the write.
    Raises RateLimited or DomainError (a message for one field); either way nothing is written.
    """
    problems = content_problems(title=data.title, content=data.content)
    if problems:
        field, message = next(iter(problems.items()))
        raise DomainError(message, code="content_check", field=field)
    bad_files = file_problems(files, read_content=False)
    if bad_files:
        raise DomainError(bad_files[0], code="bad_file", field="attachments")
    stored: list[Attachment] = []
    try:
        # The raw address stays out of the audit trail as well; source_hash links the rows.
        with acting(source="portal", ip=""), transaction.atomic():
            petition = petitions.petition_submit_public(
                data=data, consent=consent, source_hash=client.source_hash
            )
            for upload in files:
                stored.append(
                    attachments.attachment_add_from_citizen(
                        owner=petition, uploaded_file=upload, kinds=FILE_KINDS
                    )
                )
            # Counted inside the transaction: a submission that fails is not counted, and two
            # racing ones cannot both slip under the limit.
            _hit("submit", "ip", client.ip, SUBMIT_PER_IP)
            _hit("submit", "device", client.device, SUBMIT_PER_DEVICE)
    except BaseException:
        _delete_stored(stored)
        raise
    return petition


def expected_deadline(*, territory, category: str) -> date:
    """The deadline a portal petition about `territory` and `category` gets if sent now."""
    terms = deadlines.terms_for(territory=territory, category=category, channel=Channel.PORTAL)
    return deadlines.deadline_from(timezone.now(), terms.days)


def decoy_code() -> str:
    """A code that looks real, for a submission the honeypot caught; it names nothing."""
    return petitions.new_code()


def portal_feedback(*, petition: Petition, satisfaction: str, note: str) -> Petition:
    """The citizen's rating of the answer; the caller has called require_feedback_quota."""
    with acting(source="portal", ip=""):
        return petitions.petition_citizen_feedback(
            petition=petition, satisfaction=satisfaction, note=note
        )
