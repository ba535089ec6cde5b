"""Resolving administrative units named in a spreadsheet, within the importing user's scope.

The 34 provinces and 3,321 communes of today's tree are loaded once per import into small
dictionaries, so a million rows cost no extra queries. A unit can be given by code or by name,
with or without accents and the "Tỉnh"/"Phường"/"Xã" prefix.
"""

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from danvan.core import scope
from danvan.core.imports.parsers import ParseError, text
from danvan.core.search import normalize, strip_admin_prefix

_AMBIGUOUS = object()


@dataclass(frozen=True)
class Unit:
    id: int
    level: str
    code: int
    name: str
    path: str
    scope_path: str
    parent_id: int | None


def _code_of(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raw = str(value).strip()
    return int(raw) if raw.isdigit() else None


def _index(target: dict, key, unit: Unit) -> None:
    if key in target and target[key] is not unit:
        target[key] = _AMBIGUOUS
    else:
        target[key] = unit


class TerritoryLookup:
    def __init__(self, actor, action: str) -> None:
        from danvan.territories.models import Era, Level, Territory

        self.paths = scope.scope_paths(actor, action)
        self.by_id: dict[int, Unit] = {}
        self.provinces_by_code: dict[int, Unit] = {}
        self.provinces_by_name: dict[str, Any] = {}
        self.communes_by_code: dict[int, Unit] = {}
        self.communes_by_name: dict[tuple[int, str], Any] = {}
        rows = Territory.objects.filter(era=Era.CURRENT).values_list(
            "id", "level", "code", "name", "path", "scope_path", "parent_id"
        )
        communes = []
        for row in rows:
            unit = Unit(*row)
            self.by_id[unit.id] = unit
            if unit.level == Level.PROVINCE:
                self.provinces_by_code[unit.code] = unit
                full = normalize(unit.name)
                _index(self.provinces_by_name, full, unit)
                _index(self.provinces_by_name, strip_admin_prefix(full), unit)
            elif unit.level == Level.COMMUNE:
                self.communes_by_code[unit.code] = unit
                communes.append(unit)
        for unit in communes:
            full = normalize(unit.name)
            _index(self.communes_by_name, (unit.parent_id, full), unit)
            short = strip_admin_prefix(full)
            if short != full:
                # "Đông Triều" may mean Phường Đông Triều; if a Xã of the same name exists
                # too, the short form is ambiguous and the prefix is required.
                _index(self.communes_by_name, (unit.parent_id, "~" + short), unit)

    def in_scope(self, unit: Unit) -> bool:
        if self.paths is None:
            return True
        return any(unit.scope_path.startswith(p) for p in self.paths)

    def province(self, value: Any) -> Unit:
        code = _code_of(value)
        unit = self.provinces_by_code.get(code) if code is not None else None
        if unit is None:
            name = normalize(text(value))
            unit = self.provinces_by_name.get(name) or self.provinces_by_name.get(
                strip_admin_prefix(name)
            )
        if unit is _AMBIGUOUS or unit is None:
            raise ParseError(_("Unknown province or city: “%(value)s”.") % {"value": value})
        return unit

    def commune(self, province: Unit | None, value: Any) -> Unit:
        """A commune of `province` (by code: any province), only if within scope.

        Unknown units and units outside the user's scope get the same message, so the error
        tells nothing about places the user may not see.
        """
        code = _code_of(value)
        unit = self.communes_by_code.get(code) if code is not None else None
        if unit is not None and province is not None and unit.parent_id != province.id:
            unit = None
        if unit is None and province is not None and code is None:
            name = normalize(text(value))
            unit = self.communes_by_name.get((province.id, name))
            if unit is None:
                unit = self.communes_by_name.get((province.id, "~" + strip_admin_prefix(name)))
            if unit is _AMBIGUOUS:
                raise ParseError(
                    _(
                        "Several communes are called “%(value)s”: write Xã, Phường or Đặc khu before the name, or the code."
                    )
                    % {"value": value}
                )
        if unit is None or not self.in_scope(unit):
            raise ParseError(_("No commune “%(value)s” within your scope.") % {"value": value})
        return unit

    def unit(self, value: Any) -> Unit:
        """A province or commune named in a single cell, only if within scope.

        Accepts a code, a name (with or without its "Xã"/"Phường"/"Tỉnh" prefix) or "Xã X,
        Tỉnh Y". Only units within scope are candidates, so a name shared with a unit the user
        cannot see is not ambiguous for them; a name several visible units share asks for more.
        """
        code = _code_of(value)
        if code is not None:
            found = [
                u
                for u in (self.communes_by_code.get(code), self.provinces_by_code.get(code))
                if u is not None and self.in_scope(u)
            ]
            if len(found) == 1:
                return found[0]
            if found:
                raise ParseError(
                    _("Code %(value)s is both a province and a commune: write the name.")
                    % {"value": code}
                )
            raise ParseError(
                _("No administrative unit “%(value)s” within your scope.") % {"value": code}
            )
        raw = text(value)
        if "," in raw:
            commune, _comma, province = raw.rpartition(",")
            return self.commune(self.province(province), commune)
        name = normalize(raw)
        named = self._named_in_scope()
        found = named.get(name) or named.get("~" + strip_admin_prefix(name)) or []
        if len(found) == 1:
            return found[0]
        if found:
            raise ParseError(
                _(
                    "Several units within your scope are called “%(value)s”: write the code, or the commune with its province (“Xã …, Tỉnh …”)."
                )
                % {"value": value}
            )
        raise ParseError(
            _("No administrative unit “%(value)s” within your scope.") % {"value": value}
        )

    def _named_in_scope(self) -> dict[str, list[Unit]]:
        """Full name, and "~" + name without prefix -> units within scope (built on first use)."""
        if not hasattr(self, "_named"):
            from danvan.territories.models import Level

            named: dict[str, list[Unit]] = {}
            for unit in self.by_id.values():
                if unit.level not in (Level.PROVINCE, Level.COMMUNE) or not self.in_scope(unit):
                    continue
                full = normalize(unit.name)
                named.setdefault(full, []).append(unit)
                named.setdefault("~" + strip_admin_prefix(full), []).append(unit)
            self._named = named
        return self._named

    def require_in_scope(self, unit: Unit) -> None:
        if not self.in_scope(unit):
            raise ParseError(
                _("No administrative unit “%(value)s” within your scope.") % {"value": unit.name}
            )
