"""Who issues an official document: its style, the body above it and its number symbol."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from .content import Style

if TYPE_CHECKING:
    from danvan.organisations.models import Organisation

# Party bodies (the committee and its commission) write "Số 15-BC/BTGDVTU" under the Party's
# name; every other body follows the state style of Decree 30/2020.
PARTY_KINDS = frozenset({"party_committee", "mass_mobilisation_commission"})
# Symbols used when an organisation has no short name recorded; a party body's symbol ends with
# its committee's ("TU" for a province's Tỉnh ủy, "ĐU" for a commune's Đảng ủy).
DEFAULT_SYMBOLS = {
    "mass_mobilisation_commission": "BTGDV{committee}",
    "party_committee": "{committee}",
    "peoples_committee": "UBND",
    "fatherland_front": "MTTQ",
}


def style_of(issuer: Organisation) -> Style:
    return "party" if issuer.kind.code in PARTY_KINDS else "state"


def issuer_symbol(issuer: Organisation) -> str:
    """The issuer's part of a number ("BTGDVTU", "UBND"): its short name without spaces."""
    symbol = (issuer.short_name or "").replace(" ", "").upper()
    if symbol:
        return symbol
    committee = "TU" if issuer.territory.level == "province" else "ĐU"
    return DEFAULT_SYMBOLS.get(issuer.kind.code, "BDV").format(committee=committee)


def parent_body(issuer: Organisation) -> str:
    """The line above the issuer's name: its parent organisation, else the unit's committee."""
    if issuer.parent_id:
        return issuer.parent.name.upper()
    unit = issuer.territory.name.upper()
    if style_of(issuer) == "party":
        return _("PARTY COMMITTEE OF %(unit)s") % {"unit": unit}
    return _("PEOPLE'S COMMITTEE OF %(unit)s") % {"unit": unit}
