"""Entry points shared by `danvan demo`, `danvan generate` and the benchmarks."""

import time
from collections import Counter
from typing import TextIO

from django.db.models import Count
from django.utils.translation import gettext as _

from danvan.core.demo.areas import QUANG_NINH, demo_areas
from danvan.core.demo.loader import (
    DEMO_PASSWORD,
    DEMO_SEED,
    DemoSummary,
    demo_load,
    ensure_system_admin,
)
from danvan.core.demo.registry import GenerationRun, GeneratorResult, run_all
from danvan.core.errors import DomainError
from danvan.territories.models import Era, Level, Territory, TerritoryMapping
from danvan.territories.services import territories_import


def _library_counts() -> Counter:
    from vietnam_provinces import Province, Ward, legacy

    return Counter(
        {
            (Era.CURRENT, Level.PROVINCE): sum(1 for _p in Province.iter_all()),
            (Era.CURRENT, Level.COMMUNE): sum(1 for _w in Ward.iter_all()),
            (Era.LEGACY, Level.PROVINCE): sum(1 for _p in legacy.Province.iter_all()),
            (Era.LEGACY, Level.DISTRICT): sum(1 for _d in legacy.District.iter_all()),
            (Era.LEGACY, Level.COMMUNE): sum(1 for _w in legacy.Ward.iter_all()),
        }
    )


def territories_loaded() -> bool:
    """True when every unit of the installed vietnam-provinces release is in the database."""
    rows = Territory.objects.values("era", "level").annotate(n=Count("id"))
    have = Counter({(r["era"], r["level"]): r["n"] for r in rows})
    return have == _library_counts() and TerritoryMapping.objects.exists()


def ensure_territories(out: TextIO | None = None, *, only_if_empty: bool = False) -> bool:
    """Import the administrative units unless they are already complete (or, with
    `only_if_empty`, unless any are loaded at all); True if it imported.

    `danvan import-territories` forces a refresh (e.g. after upgrading vietnam-provinces).
    """
    if only_if_empty and Territory.objects.exists():
        return False
    if territories_loaded():
        return False
    started = time.perf_counter()
    summary = territories_import()
    if out is not None:
        out.write(
            _("Territories: %(summary)s (%(seconds).1f s)\n")
            % {"summary": summary, "seconds": time.perf_counter() - started}
        )
    return True


def _current_communes(provinces: list[Territory]) -> list[Territory]:
    codes = [p.code for p in provinces]
    return list(
        Territory.objects.filter(
            era=Era.CURRENT, level=Level.COMMUNE, province_code__in=codes
        ).order_by("province_code", "code")
    )


def generation_run(
    *, scale: str, seed: int, province_code: int | None = None, out: TextIO | None = None
) -> GenerationRun:
    current = Territory.objects.filter(era=Era.CURRENT, level=Level.PROVINCE).order_by("code")
    if scale == "demo":
        areas = demo_areas()
        provinces, communes = areas.provinces, areas.communes
    elif scale == "province":
        code = province_code or QUANG_NINH
        provinces = list(current.filter(code=code))
        if not provinces:
            raise DomainError(
                _("There is no current province with code %(code)s.") % {"code": code},
                code="unknown_province",
            )
        communes = _current_communes(provinces)
    elif scale == "national":
        provinces = list(current)
        communes = _current_communes(provinces)
    else:
        raise DomainError(_("Unknown scale %(scale)s.") % {"scale": scale}, code="unknown_scale")
    admin, _created = ensure_system_admin()
    return GenerationRun(
        scale=scale,
        seed=seed,
        provinces=provinces,
        communes=communes,
        actor=admin,
        password=DEMO_PASSWORD,
        out=out,
    )


def generate(
    *,
    scale: str,
    seed: int = DEMO_SEED,
    province_code: int | None = None,
    out: TextIO | None = None,
    only: list[str] | None = None,
) -> tuple[DemoSummary | None, list[GeneratorResult]]:
    """Run every registered generator (or the ones named in `only`) at `scale`; at demo scale
    load the demo data first."""
    summary = demo_load(seed=seed) if scale == "demo" else None
    run = generation_run(scale=scale, seed=seed, province_code=province_code, out=out)
    return summary, run_all(run, only=only)
