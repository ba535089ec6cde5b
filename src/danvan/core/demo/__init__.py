"""Demo data (`danvan demo`) and synthetic data at scale (`danvan generate`).

Later apps use:
- `registry.register` to add a bulk generator (see registry.py);
- `areas.pick_legacy_tam_ky_commune(rng)` / `areas.legacy_tam_ky_communes()` to file their
  2021-2023 records under the old Tam Kỳ units, which roll up into today's Đà Nẵng wards;
- `DEMO_SEED` and `DEMO_PASSWORD` so tests and benchmarks can rebuild the same data.
"""

from danvan.core.demo.areas import (
    demo_areas,
    legacy_tam_ky_communes,
    legacy_tam_ky_district,
    pick_legacy_tam_ky_commune,
)
from danvan.core.demo.loader import DEMO_LOGINS, DEMO_PASSWORD, DEMO_SEED, DemoSummary, demo_load

__all__ = [
    "DEMO_LOGINS",
    "DEMO_PASSWORD",
    "DEMO_SEED",
    "DemoSummary",
    "demo_areas",
    "demo_load",
    "legacy_tam_ky_communes",
    "legacy_tam_ky_district",
    "pick_legacy_tam_ky_commune",
]
