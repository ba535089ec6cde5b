from django import template

from danvan.core.templatetags.vn import format_number

register = template.Library()


@register.filter
def figure(value) -> str:
    """A figure the Vietnamese way, with the decimals it needs only ("1.234", "12,5")."""
    text = format_number(value, 2)
    if "," in text:
        text = text.rstrip("0").rstrip(",")
    return text
