"""Loading the administrative units of both eras from the `vietnam-provinces` package."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from danvan.audit import services as audit
from danvan.core.search import search_key
from danvan.territories.models import Era, Level, Territory, TerritoryMapping

CURRENT_PREFIX = "2025/"
LEGACY_PREFIX = "legacy/"

_LOADED_FIELDS = (
    "name",
    "division_type",
    "codename",
    "province_code",
    "path",
    "scope_path",
    "has_several_successors",
    "search_name",
)


# Apps that copy a unit's `scope_path` onto their own rows (the document register does, for its
# search) register here to refresh the copies, inside the import's transaction, when it changed.
_scope_path_followers: list[Callable[[], object]] = []


def follow_scope_paths(refresh: Callable[[], object]) -> None:
    """Have `refresh()` called after an import that changed where any unit rolls up."""
    if refresh not in _scope_path_followers:
        _scope_path_followers.append(refresh)


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    mappings: int = 0

    def __str__(self) -> str:
        return (
            f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.mappings} old→new links"
        )


def _row(era, level, code, name, division_type, codename, province_code, path, parent_key=None):
    return {
        "era": era,
        "level": level,
        "code": int(code),
        "name": name,
        "division_type": str(getattr(division_type, "value", division_type)),
        "codename": codename or "",
        "province_code": int(province_code),
        "path": path,
        "scope_path": path,
        "has_several_successors": False,
        "search_name": search_key(name),
        "parent_key": parent_key,
    }


def _common_scope(paths: set[str], fallback: str) -> tuple[str, bool]:
    """Where a historic unit rolls up: the single successor, or their shared province."""
    if len(paths) == 1:
        return next(iter(paths)), False
    provinces = {"/".join(p.split("/")[:2]) + "/" for p in paths}
    if len(provinces) == 1:
        return next(iter(provinces)), len(paths) > 1
    return fallback, True


def _desired_rows() -> tuple[list[dict], list[tuple[int, int, bool]]]:
    from vietnam_provinces import Province, Ward, legacy

    rows: list[dict] = []
    current_province_path: dict[int, str] = {}
    current_ward_path: dict[int, str] = {}
    for p in Province.iter_all():
        path = f"{CURRENT_PREFIX}{int(p.code)}/"
        current_province_path[int(p.code)] = path
        rows.append(
            _row(
                Era.CURRENT,
                Level.PROVINCE,
                p.code,
                p.name,
                p.division_type,
                p.codename,
                p.code,
                path,
            )
        )
    for w in Ward.iter_all():
        path = f"{current_province_path[int(w.province_code)]}{int(w.code)}/"
        current_ward_path[int(w.code)] = path
        rows.append(
            _row(
                Era.CURRENT,
                Level.COMMUNE,
                w.code,
                w.name,
                w.division_type,
                w.codename,
                w.province_code,
                path,
                (Era.CURRENT, Level.PROVINCE, int(w.province_code)),
            )
        )

    legacy_province_path: dict[int, str] = {}
    legacy_province_rows: dict[int, dict] = {}
    for p in legacy.Province.iter_all():
        path = f"{LEGACY_PREFIX}{int(p.code)}/"
        legacy_province_path[int(p.code)] = path
        row = _row(
            Era.LEGACY, Level.PROVINCE, p.code, p.name, p.division_type, p.codename, p.code, path
        )
        successors = {
            current_province_path[int(x.province.code)]
            for x in Province.search_from_legacy(code=int(p.code))
        }
        row["scope_path"], row["has_several_successors"] = _common_scope(successors, path)
        legacy_province_rows[int(p.code)] = row
        rows.append(row)

    district_rows: dict[int, dict] = {}
    district_targets: dict[int, set[str]] = {}
    for d in legacy.District.iter_all():
        path = f"{legacy_province_path[int(d.province_code)]}{int(d.code)}/"
        row = _row(
            Era.LEGACY,
            Level.DISTRICT,
            d.code,
            d.name,
            d.division_type,
            d.codename,
            d.province_code,
            path,
            (Era.LEGACY, Level.PROVINCE, int(d.province_code)),
        )
        district_rows[int(d.code)] = row
        district_targets[int(d.code)] = set()
        rows.append(row)

    mappings: list[tuple[int, int, bool]] = []
    for w in legacy.Ward.iter_all():
        district = district_rows[int(w.district_code)]
        path = f"{district['path']}{int(w.code)}/"
        row = _row(
            Era.LEGACY,
            Level.COMMUNE,
            w.code,
            w.name,
            w.division_type,
            w.codename,
            district["province_code"],
            path,
            (Era.LEGACY, Level.DISTRICT, int(w.district_code)),
        )
        successors = Ward.search_from_legacy(code=int(w.code))
        partly = len(successors) > 1
        targets = set()
        for s in successors:
            mappings.append((int(w.code), int(s.ward.code), partly))
            targets.add(current_ward_path[int(s.ward.code)])
        province_fallback = legacy_province_rows[district["province_code"]]["scope_path"]
        row["scope_path"], row["has_several_successors"] = (
            _common_scope(targets, province_fallback) if targets else (province_fallback, True)
        )
        district_targets[int(w.district_code)] |= targets
        rows.append(row)

    for code, row in district_rows.items():
        fallback = legacy_province_rows[row["province_code"]]["scope_path"]
        targets = district_targets[code]
        row["scope_path"], row["has_several_successors"] = (
            _common_scope(targets, fallback) if targets else (fallback, True)
        )
    return rows, mappings


@transaction.atomic
def territories_import(*, actor=None) -> ImportSummary:
    """Create or update every unit of both eras and the old→new commune links; idempotent."""
    rows, mappings = _desired_rows()
    summary = ImportSummary()
    existing = {(t.era, t.level, t.code): t for t in Territory.objects.all()}
    changes: list[audit.Change] = []
    scope_paths_moved = False

    # Parents before children: provinces, then districts, then communes.
    order = {Level.PROVINCE: 0, Level.DISTRICT: 1, Level.COMMUNE: 2}
    for level in sorted(order, key=order.get):
        to_create, to_update = [], []
        for row in (r for r in rows if r["level"] == level):
            key = (row["era"], row["level"], row["code"])
            parent = existing[row["parent_key"]] if row["parent_key"] else None
            values = {f: row[f] for f in _LOADED_FIELDS}
            values["parent_id"] = parent.pk if parent else None
            current = existing.get(key)
            if current is None:
                obj = Territory(era=row["era"], level=row["level"], code=row["code"], **values)
                to_create.append(obj)
                continue
            before = {f: getattr(current, f) for f in values}
            if before == values:
                summary.unchanged += 1
                continue
            scope_paths_moved |= before["scope_path"] != values["scope_path"]
            for f, v in values.items():
                setattr(current, f, v)
            to_update.append(current)
            changes.append(
                audit.Change(
                    action=audit.Action.UPDATE, obj=current, changes=audit.diff(before, values)
                )
            )
        Territory.objects.bulk_create(to_create, batch_size=2000)
        if to_update:
            Territory.objects.bulk_update(to_update, [*_LOADED_FIELDS, "parent"], batch_size=1000)
        summary.created += len(to_create)
        summary.updated += len(to_update)
        # Re-read to learn the new primary keys (bulk_create does not return them on SQLite
        # before 3.35 and never for every backend).
        existing = {(t.era, t.level, t.code): t for t in Territory.objects.all()}
        for obj in to_create:
            created = existing[(obj.era, obj.level, obj.code)]
            changes.append(
                audit.Change(
                    action=audit.Action.CREATE, obj=created, changes={"path": [None, created.path]}
                )
            )

    legacy_ids = {
        code: t.pk
        for (era, level, code), t in existing.items()
        if era == Era.LEGACY and level == Level.COMMUNE
    }
    current_ids = {
        code: t.pk
        for (era, level, code), t in existing.items()
        if era == Era.CURRENT and level == Level.COMMUNE
    }
    wanted = {(legacy_ids[old], current_ids[new]): partly for old, new, partly in mappings}
    have = {(m.legacy_commune_id, m.current_commune_id): m for m in TerritoryMapping.objects.all()}
    TerritoryMapping.objects.bulk_create(
        [
            TerritoryMapping(legacy_commune_id=a, current_commune_id=b, partly_merged=p)
            for (a, b), p in wanted.items()
            if (a, b) not in have
        ],
        batch_size=2000,
    )
    stale = [m.pk for key, m in have.items() if key not in wanted]
    if stale:
        TerritoryMapping.objects.filter(pk__in=stale).delete()
    flips = [m for key, m in have.items() if key in wanted and m.partly_merged != wanted[key]]
    for m in flips:
        m.partly_merged = wanted[(m.legacy_commune_id, m.current_commune_id)]
    TerritoryMapping.objects.bulk_update(flips, ["partly_merged"])
    summary.mappings = len(wanted)
    if scope_paths_moved:
        for refresh in _scope_path_followers:
            refresh()
    audit.record(changes, actor=actor)
    return summary
