"""The petitions section of every officer's daily digest: what is new, due soon and overdue."""

from datetime import date

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from danvan.core import scope
from danvan.core.notifications import DigestSection, register_digest_section
from danvan.dialogues import selectors
from danvan.dialogues.services import deadlines


def _inbox_url() -> str:
    try:
        return reverse("dialogues:petition_inbox")
    except NoReverseMatch:  # the inbox page has no name yet: the app's start page
        return "/dialogues/"


@register_digest_section
def petitions_section(user, day: date) -> DigestSection | None:
    """Counts of the petitions in the user's scope that need attention on `day`; None if none."""
    if not scope.can_anywhere(user, "dialogues.handle") and not scope.can_anywhere(
        user, "dialogues.assign"
    ):
        return None
    counts = selectors.inbox_counts(user, on=day)
    new, due_soon, overdue = counts["new"], counts["due_soon"], counts["overdue"]
    if not (new or due_soon or overdue):
        return None
    return DigestSection(
        title=_("Petitions"),
        lines=[
            _("New, waiting to be assigned: %(count)s") % {"count": new},
            _("Due within %(days)s days: %(count)s")
            % {"days": deadlines.DEFAULT_DUE_SOON_DAYS, "count": due_soon},
            _("Overdue: %(count)s") % {"count": overdue},
        ],
        url=_inbox_url(),
    )
