"""The places the demo is about, looked up in the loaded territory tables, never typed in.

Quảng Ninh (current code 22) with the communes formed from the old Đông Triều (district 205) and
Hải Hà (district 201); Đà Nẵng (48) with the wards formed from the old Tam Kỳ city (district 502
of the old Quảng Nam, code 49). Records from 2021-2023 belong to the old units and roll up into
today's wards through `TerritoryMapping` / `scope_path`.
"""

import random
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from danvan.core.errors import DomainError
from danvan.territories.models import Era, Level, Territory

QUANG_NINH = 22
DA_NANG = 48
LEGACY_QUANG_NAM = 49
LEGACY_DONG_TRIEU = 205
LEGACY_HAI_HA = 201
LEGACY_TAM_KY = 502


@dataclass(frozen=True)
class DemoAreas:
    quang_ninh: Territory
    da_nang: Territory
    dong_trieu: list[Territory]
    hai_ha: list[Territory]
    tam_ky: list[Territory]

    @property
    def provinces(self) -> list[Territory]:
        return [self.quang_ninh, self.da_nang]

    @property
    def communes(self) -> list[Territory]:
        return [*self.dong_trieu, *self.hai_ha, *self.tam_ky]


def _missing() -> DomainError:
    return DomainError(
        _("The administrative units are not loaded; run `danvan import-territories` first."),
        code="territories_missing",
    )


def current_province(code: int) -> Territory:
    try:
        return Territory.objects.get(era=Era.CURRENT, level=Level.PROVINCE, code=code)
    except Territory.DoesNotExist as exc:
        raise _missing() from exc


def legacy_district(code: int) -> Territory:
    try:
        return Territory.objects.get(era=Era.LEGACY, level=Level.DISTRICT, code=code)
    except Territory.DoesNotExist as exc:
        raise _missing() from exc


def successors_of_district(district: Territory) -> list[Territory]:
    """Current communes formed (wholly or partly) from the old communes of `district`."""
    return list(
        Territory.objects.filter(
            era=Era.CURRENT,
            level=Level.COMMUNE,
            predecessor_links__legacy_commune__parent=district,
        )
        .distinct()
        .order_by("code")
    )


def demo_areas() -> DemoAreas:
    return DemoAreas(
        quang_ninh=current_province(QUANG_NINH),
        da_nang=current_province(DA_NANG),
        dong_trieu=successors_of_district(legacy_district(LEGACY_DONG_TRIEU)),
        hai_ha=successors_of_district(legacy_district(LEGACY_HAI_HA)),
        tam_ky=successors_of_district(legacy_district(LEGACY_TAM_KY)),
    )


def legacy_tam_ky_district() -> Territory:
    """Old Thành phố Tam Kỳ (Quảng Nam), where 2021-2023 demo records are filed."""
    return legacy_district(LEGACY_TAM_KY)


def legacy_tam_ky_communes() -> QuerySet[Territory]:
    """The old wards and communes of Tam Kỳ city, for records dated before July 2025."""
    return Territory.objects.filter(
        era=Era.LEGACY, level=Level.COMMUNE, path__under=legacy_tam_ky_district().path
    ).order_by("code")


def pick_legacy_tam_ky_commune(rng: random.Random) -> Territory:
    """One old Tam Kỳ commune chosen by the caller's seeded generator (stable across runs)."""
    communes = list(legacy_tam_ky_communes())
    if not communes:
        raise _missing()
    return rng.choice(communes)
