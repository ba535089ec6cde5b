"""Vietnamese display formats: 1.234.567 for numbers, 1.234.567 đ for money, dd/mm/yyyy dates.

Values are stored raw; these filters format them at the edge, in templates and exports.
"""

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

register = template.Library()


_WIDE = Context(prec=60)  # enough digits to quantize any amount a report will hold


def _decimal(value) -> Decimal | None:
    """The value as a finite Decimal, or None when it is not a number."""
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, TypeError, ValueError):
        return None
    return number if number.is_finite() else None


def _round(number: Decimal, decimals: int) -> Decimal:
    # Reports round half up (2,5 -> 3), not to the even neighbour as Decimal does by default.
    return number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP, context=_WIDE)


def format_number(value, decimals: int = 0) -> str:
    if value is None or value == "":
        return ""
    number = _decimal(value)
    if number is None:
        return str(value)  # a template shows odd input as it is rather than failing the page
    decimals = int(decimals)
    text = f"{_round(number, decimals):,.{decimals}f}"
    # Python groups with "," and marks decimals with "."; Vietnamese is the other way round.
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def format_money(value) -> str:
    if value is None or value == "":
        return ""
    if _decimal(value) is None:
        return str(value)
    return f"{format_number(value)} đ"


def format_money_short(value) -> str:
    """Summaries: 450 tỷ đồng, 128,6 triệu đồng."""
    if value is None or value == "":
        return ""
    amount = _decimal(value)
    if amount is None:
        return str(value)
    # Decide the unit on the rounded figure, so 999.960.000 reads "1 tỷ", not "1.000 triệu".
    if abs(_round(amount / 10**9, 1)) >= 1:
        return _("%(amount)s billion VND") % {"amount": _trim(format_number(amount / 10**9, 1))}
    if abs(_round(amount / 10**6, 1)) >= 1:
        return _("%(amount)s million VND") % {"amount": _trim(format_number(amount / 10**6, 1))}
    return format_money(amount)


def _trim(text: str) -> str:
    return text[:-2] if text.endswith(",0") else text


def format_date(value) -> str:
    if not value:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.strftime("%d/%m/%Y")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def format_datetime(value) -> str:
    if not value:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.strftime("%d/%m/%Y %H:%M")
    return format_date(value)


def format_area(value) -> str:
    if value is None or value == "":
        return ""
    number = _decimal(value)
    if number is None:
        return str(value)
    decimals = 0 if number == number.to_integral_value() else 1
    return f"{format_number(number, decimals)} m²"


def format_percent(value, decimals: int = 1) -> str:
    if value is None or value == "":
        return ""
    number = _decimal(value)
    if number is None:
        return str(value)
    return f"{_trim(format_number(number, decimals))}%"


register.filter("vn_number", format_number)
register.filter("vn_money", format_money)
register.filter("vn_money_short", format_money_short)
register.filter("vn_date", format_date)
register.filter("vn_datetime", format_datetime)
register.filter("vn_area", format_area)
register.filter("vn_percent", format_percent)


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced (for sort and page links)."""
    request = context["request"]
    params = request.GET.copy()
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = value
    if "page" not in changes:
        params.pop("page", None)
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"
