"""`{% attachments_block obj %}`: the attachment block of a record in one line, and file sizes."""

from django import template
from django.utils.translation import gettext as _

from danvan.core import attachments
from danvan.core.templatetags.vn import format_number

register = template.Library()


@register.inclusion_tag("core/partials/attachments.html", takes_context=True)
def attachments_block(context, owner):
    """The files of `owner` with upload and delete forms; the page must already show `owner`."""
    return attachments.attachments_context(context["request"], owner)


@register.filter
def file_size(value) -> str:
    """350 B, 12 KB, 1,5 MB: Vietnamese decimal comma, one decimal from a megabyte up."""
    if value is None or value == "":
        return ""
    size = int(value)
    if size < 1024:
        return _("%(size)s B") % {"size": size}
    if size < 1024 * 1024:
        return _("%(size)s KB") % {"size": format_number(size / 1024)}
    text = format_number(size / (1024 * 1024), 1)
    return _("%(size)s MB") % {"size": text.removesuffix(",0")}
