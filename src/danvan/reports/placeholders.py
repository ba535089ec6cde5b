"""The named placeholders a report template may use, and their safe substitution.

Only the names below exist. Text is filled by a plain search-and-replace of `{name}`: there is
no template engine and no attribute access, so a template can never reach an object's data.
"""

import re
from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _

PLACEHOLDERS = {
    "organisation": _("name of the organisation reporting"),
    "unit": _("name of its unit (province or commune)"),
    "year": _("year reported on"),
    "period": _("period reported on, e.g. “the first six months of 2025”"),
    "next_period": _("the period that follows, e.g. “the last six months of 2025”"),
    "date": _("date of the report, dd/mm/yyyy"),
}
# Anything between braces counts as a placeholder, so "{ year }" or "{org.name}" is refused
# rather than printed as it is.
PLACEHOLDER_PATTERN = re.compile(r"\{([^{}\n]*)\}")


def unknown_placeholders(text: str) -> list[str]:
    """The names in `text` that are not placeholders, in order, each once."""
    found = [name for name in PLACEHOLDER_PATTERN.findall(text or "") if name not in PLACEHOLDERS]
    return list(dict.fromkeys(found))


def fill(text: str, values: Mapping[str, str]) -> str:
    """`text` with every known placeholder replaced by its value (others stay as written)."""

    def replace(match: re.Match) -> str:
        name = match.group(1)
        return str(values[name]) if name in PLACEHOLDERS and name in values else match.group(0)

    return PLACEHOLDER_PATTERN.sub(replace, text or "")
