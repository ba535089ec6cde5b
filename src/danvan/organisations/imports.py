"""Importing organisations from a spreadsheet (12 columns), through the shared import pipeline.

The natural key is the one the database enforces in spirit: unit + kind + name (accents and case
ignored). Re-importing a file updates the matching organisations and creates the rest. An empty
cell leaves the stored value alone, so a sheet with fewer details never erases data.
"""

from datetime import date
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from danvan.audit import services as audit
from danvan.core import scope
from danvan.core.imports import parsers
from danvan.core.imports.bulk import fast_normalize as normalize
from danvan.core.imports.bulk import insert_returning_ids
from danvan.core.imports.lookups import TerritoryLookup, Unit
from danvan.core.imports.parsers import ParseError
from danvan.core.imports.schema import Column, CommitCounts, ImportSchema, ParsedRow, RowErrors
from danvan.core.imports.services import ImportAborted
from danvan.core.search import search_key
from danvan.organisations.models import Organisation, OrganisationKind

AMBIGUOUS = -1
CHUNK = 2000
# Fields written by the import, in the order of the sheet.
FIELDS = (
    "name", "short_name", "kind_id", "territory_id", "parent_id", "address", "phone", "email",
    "founded_on", "member_count", "note",
)  # fmt: skip
TEXT_FIELDS = {"name", "short_name", "address", "phone", "email", "note"}
VALUE_OF = {
    "name": "name", "short_name": "short_name", "address": "address", "phone": "phone",
    "email": "email", "founded_on": "founded_on", "member_count": "member_count", "note": "note",
}  # fmt: skip


class OrganisationImport(ImportSchema):
    key = "organisations"
    label = gettext_lazy("Organisations")
    action = "organisations.import"
    template_filename = "mau-nhap-to-chuc.xlsx"
    help_text = gettext_lazy(
        "An organisation is identified by its unit, kind and name: importing the same row again "
        "updates it instead of adding a copy. Empty cells leave stored values unchanged. Leave the "
        "commune empty for an organisation at province level. The parent organisation is looked up "
        "by name in the same commune, then at province level, then in your whole scope; it may "
        "also be a new organisation listed in an earlier row."
    )
    columns = [
        Column("name", gettext_lazy("Organisation name"), parsers.text_max(255), required=True,
               aliases=("Tên tổ chức", "Tên đơn vị", "Tên cơ quan", "Tổ chức", "Name"),
               example="Hội Liên hiệp Phụ nữ phường Đông Triều"),
        Column("short_name", gettext_lazy("Short name"), parsers.text_max(60),
               aliases=("Tên viết tắt", "Viết tắt", "Tên tắt"), example="HLHPN Đông Triều"),
        Column("kind", gettext_lazy("Organisation kind"), "parse_kind", required=True,
               aliases=("Loại tổ chức", "Loại", "Loại hình", "Kind"), example="Hội Liên hiệp Phụ nữ"),
        Column("province", gettext_lazy("Province/City"), "parse_province", required=True,
               aliases=("Tỉnh/Thành phố", "Tỉnh", "Tỉnh/TP", "Thành phố", "Tỉnh thành", "Province"),
               example="Quảng Ninh"),
        Column("commune", gettext_lazy("Commune/Ward/Special zone"), parsers.text,
               aliases=("Xã/Phường/Đặc khu", "Xã/Phường", "Xã", "Phường", "Đơn vị hành chính", "Commune", "Ward"),
               example="Phường Đông Triều"),
        Column("parent", gettext_lazy("Parent organisation"), parsers.text_max(255),
               aliases=("Tổ chức cấp trên", "Tên tổ chức cấp trên", "Đơn vị cấp trên", "Cấp trên", "Trực thuộc"),
               example="Hội Liên hiệp Phụ nữ tỉnh Quảng Ninh"),
        Column("address", gettext_lazy("Address"), parsers.text_max(255), aliases=("Địa chỉ", "Trụ sở"),
               example="Số 1, đường Trần Nhân Tông"),
        Column("phone", gettext_lazy("Phone"), parsers.phone,
               aliases=("Điện thoại", "Số điện thoại", "SĐT", "ĐT"), example="0203 3870 123"),
        Column("email", gettext_lazy("Email"), parsers.email, aliases=("Email", "Thư điện tử", "E-mail"),
               example="phunu.dongtrieu@example.vn"),
        Column("founded_on", gettext_lazy("Founding date"), parsers.date_value,
               aliases=("Ngày thành lập", "Thành lập", "Founded"), example=date(1930, 10, 20)),
        Column("member_count", gettext_lazy("Members"), parsers.non_negative_integer,
               aliases=("Số thành viên", "Số hội viên", "Số đoàn viên", "Thành viên"), example="1.250"),
        Column("note", gettext_lazy("Note"), parsers.text, aliases=("Ghi chú", "Note", "Notes"), example=""),
    ]  # fmt: skip

    def __init__(self, actor) -> None:
        super().__init__(actor)
        self.units = TerritoryLookup(actor, self.action)
        self.view_paths = scope.scope_paths(actor, "organisations.view")
        self.kinds: dict[str, OrganisationKind] = {}
        for kind in OrganisationKind.objects.filter(is_active=True):
            for label in (kind.code, kind.code.replace("_", " "), kind.name_vi, kind.name_en):
                self.kinds.setdefault(normalize(label), kind)
        # Per territory, loaded on first use: "kind_id|name" -> pk, and name -> pk (or AMBIGUOUS).
        self._by_key: dict[int, dict[str, int]] = {}
        self._by_name: dict[int, dict[str, int]] = {}
        # Organisations named in earlier rows of the file (hashes of (territory_id, name)).
        self._file_names: set[int] = set()
        self._scope_parents: dict[str, list[tuple[int, int]]] = {}
        self._kind_cache: dict[Any, OrganisationKind] = {}
        self._province_cache: dict[Any, Unit] = {}
        self._commune_cache: dict[tuple[int, Any], Unit] = {}

    def reset(self) -> None:
        super().reset()
        self._file_names = set()

    # --- parsers -------------------------------------------------------------------------

    def parse_kind(self, value: Any) -> OrganisationKind:
        # The same few kinds repeat on every row: remember each spelling once.
        kind = self._kind_cache.get(value)
        if kind is None:
            kind = self.kinds.get(normalize(parsers.text(value)))
            if kind is None:
                raise ParseError(_("Unknown organisation kind: “%(value)s”.") % {"value": value})
            if len(self._kind_cache) < 1000:
                self._kind_cache[value] = kind
        return kind

    def parse_province(self, value: Any) -> Unit:
        unit = self._province_cache.get(value)
        if unit is None:
            unit = self.units.province(value)
            if len(self._province_cache) < 1000:
                self._province_cache[value] = unit
        return unit

    def _commune(self, province: Unit, value: Any) -> Unit:
        key = (province.id, value)
        unit = self._commune_cache.get(key)
        if unit is None:
            unit = self.units.commune(province, value)
            if len(self._commune_cache) < 20000:
                self._commune_cache[key] = unit
        return unit

    # --- lookups -------------------------------------------------------------------------

    def _load(self, territory_id: int) -> None:
        by_key: dict[str, int] = {}
        by_name: dict[str, int] = {}
        for pk, kind_id, name in Organisation.objects.filter(territory_id=territory_id).values_list(
            "id", "kind_id", "name"
        ):
            self._remember(by_key, by_name, pk, kind_id, normalize(name))
        self._by_key[territory_id] = by_key
        self._by_name[territory_id] = by_name

    @staticmethod
    def _remember(by_key: dict, by_name: dict, pk: int, kind_id: int, name: str) -> None:
        by_key[f"{kind_id}|{name}"] = pk
        known = by_name.get(name)
        by_name[name] = pk if known is None or known == pk else AMBIGUOUS

    def _index(self, territory_id: int) -> tuple[dict[str, int], dict[str, int]]:
        if territory_id not in self._by_key:
            self._load(territory_id)
        return self._by_key[territory_id], self._by_name[territory_id]

    def _visible(self, unit: Unit) -> bool:
        return self.view_paths is None or any(
            unit.scope_path.startswith(p) for p in self.view_paths
        )

    def _find_parent(self, unit: Unit, name: str) -> tuple | str:
        """("db", pk) or ("file", territory_id, name); a message when not found or ambiguous."""
        places = [unit]
        if unit.parent_id is not None:
            province = self.units.by_id.get(unit.parent_id)
            if province is not None and self._visible(province):
                places.append(province)
        for place in places:
            found = self._index(place.id)[1].get(name)
            if found == AMBIGUOUS:
                return _(
                    "Several organisations in %(unit)s are called this; give the parent a unique name."
                ) % {"unit": place.name}
            if found is not None:
                return ("db", found)
            if hash((place.id, name)) in self._file_names:
                return ("file", place.id, name)
        matches = self._scope_matches(name)
        if len(matches) == 1:
            return ("db", matches[0][0])
        if len(matches) > 1:
            return _(
                "Several organisations in your scope are called this; add the parent in the same commune or province."
            )
        return _("No organisation with this name within your scope.")

    def _scope_matches(self, name: str) -> list[tuple[int, int]]:
        if name not in self._scope_parents:
            if len(self._scope_parents) > 5000:
                self._scope_parents.clear()
            candidates = scope.filter(self.actor, "organisations.view", Organisation.objects.all())
            candidates = candidates.filter(
                Q(search_name=name) | Q(search_name__startswith=name + " ")
            )
            self._scope_parents[name] = [
                (pk, territory_id)
                for pk, territory_id, full in candidates.values_list("id", "territory_id", "name")[
                    :20
                ]
                if normalize(full) == name
            ]
        return self._scope_parents[name]

    # --- rows ----------------------------------------------------------------------------

    def validate_row(self, row: ParsedRow, errors: RowErrors) -> None:
        values = row.values
        province: Unit = values["province"]
        if values["commune"] is not None:
            try:
                unit = self._commune(province, values["commune"])
            except ParseError as exc:
                errors.add("commune", exc.message)
                return
        else:
            unit = province
            if not self.units.in_scope(unit):
                errors.add(
                    "province",
                    _(
                        "You cannot import organisations at the level of this province; add the commune."
                    ),
                )
                return
        name = normalize(values["name"])
        kind: OrganisationKind = values["kind"]
        values["_unit"] = unit
        values["_name"] = name
        by_key, _by_name = self._index(unit.id)
        values["_pk"] = existing = by_key.get(f"{kind.pk}|{name}")
        values["_parent"] = None
        parent_name = normalize(values["parent"]) if values["parent"] else ""
        if parent_name:
            if parent_name == name:
                errors.add("parent", _("An organisation cannot be its own parent."))
                return
            found = self._find_parent(unit, parent_name)
            if isinstance(found, str):
                errors.add("parent", found)
                return
            if existing is not None:
                if found[0] == "file":
                    errors.add(
                        "parent",
                        _(
                            "An existing organisation can only be placed under an organisation that already exists."
                        ),
                    )
                    return
                if self._is_below(found[1], existing):
                    errors.add("parent", _("The parent organisation is already below this one."))
                    return
            values["_parent"] = found
        self._file_names.add(hash((unit.id, name)))

    def _is_below(self, candidate_pk: int, ancestor_pk: int) -> bool:
        """Is `candidate_pk` (to become the parent) inside `ancestor_pk`'s subtree?"""
        seen = set()
        current: int | None = candidate_pk
        while current is not None and current not in seen:
            if current == ancestor_pk:
                return True
            seen.add(current)
            current = (
                Organisation.objects.filter(pk=current).values_list("parent_id", flat=True).first()
            )
        return False

    def natural_key(self, row: ParsedRow):
        values = row.values
        return (values["_unit"].id, values["kind"].pk, values["_name"])

    def describe_key(self, row: ParsedRow) -> str:
        values = row.values
        return f"{values['name']} — {values['kind'].name_vi} — {values['_unit'].name}"

    def preview_row(self, row: ParsedRow) -> list[str]:
        cells = super().preview_row(row)
        values = row.values
        cells[2] = values["kind"].name
        cells[3] = values["province"].name
        cells[4] = values["_unit"].name if values["commune"] is not None else ""
        return cells

    # --- writing -------------------------------------------------------------------------

    def commit(self, rows, *, batch) -> CommitCounts:
        counts = CommitCounts()
        reason = _("Imported from %(file)s") % {"file": batch.original_name}
        chunk: list[ParsedRow] = []
        names_in_chunk: set[tuple[int, str]] = set()
        for row in rows:
            parent = row.values["_parent"]
            if (
                parent is not None
                and parent[0] == "file"
                and (parent[1], parent[2]) in names_in_chunk
            ):
                # The parent is created by this very chunk: write it first to learn its ID.
                self._flush(chunk, counts, reason)
                chunk, names_in_chunk = [], set()
            chunk.append(row)
            names_in_chunk.add((row.values["_unit"].id, row.values["_name"]))
            if len(chunk) >= CHUNK:
                self._flush(chunk, counts, reason)
                chunk, names_in_chunk = [], set()
        self._flush(chunk, counts, reason)
        return counts

    def _values(self, row: ParsedRow) -> dict[str, Any]:
        values = row.values
        parent_id = None
        parent = values["_parent"]
        if parent is not None:
            if parent[0] == "db":
                parent_id = parent[1]
            else:
                parent_id = self._index(parent[1])[1].get(parent[2])
                if parent_id is None or parent_id == AMBIGUOUS:
                    raise ImportAborted(
                        _("Row %(row)s: the parent organisation could not be found.")
                        % {"row": row.number}
                    )
        result: dict[str, Any] = {
            "kind_id": values["kind"].pk,
            "territory_id": values["_unit"].id,
            "parent_id": parent_id,
        }
        for field_name, key in VALUE_OF.items():
            result[field_name] = values[key]
        return result

    def _flush(self, chunk: list[ParsedRow], counts: CommitCounts, reason: str) -> None:
        if not chunk:
            return
        now = timezone.now()
        existing = Organisation.objects.in_bulk([r.values["_pk"] for r in chunk if r.values["_pk"]])
        new_rows: list[list[Any]] = []
        new_data: list[dict[str, Any]] = []
        to_update: list[Organisation] = []
        changes: list[audit.Change] = []
        for row in chunk:
            values = self._values(row)
            current = existing.get(row.values["_pk"]) if row.values["_pk"] else None
            if current is None:
                data = {
                    f: ("" if values[f] is None and f in TEXT_FIELDS else values[f]) for f in FIELDS
                }
                short = normalize(data["short_name"])
                search_name = f"{row.values['_name']} {short}" if short else row.values["_name"]
                new_rows.append([*data.values(), search_name, True, 1, now, now])
                new_data.append(data)
                continue
            diff = {}
            for field_name in FIELDS:
                new = values[field_name]
                if new is None:
                    continue  # an empty cell keeps what is stored
                old = getattr(current, field_name)
                if old != new:
                    diff[field_name] = [old, new]
                    setattr(current, field_name, new)
            if not diff:
                counts.unchanged += 1
                continue
            current.search_name = search_key(current.name, current.short_name)
            current.version += 1
            current.updated_at = now
            to_update.append(current)
            changes.append(
                audit.Change(action=audit.Action.UPDATE, obj=current, changes=diff, reason=reason)
            )
        if new_rows:
            ids = insert_returning_ids(
                Organisation,
                [*FIELDS, "search_name", "is_active", "version", "created_at", "updated_at"],
                new_rows,
            )
            for pk, data in zip(ids, new_data, strict=True):
                changes.append(
                    audit.Change(
                        action=audit.Action.CREATE, object_type="organisations.organisation", object_id=str(pk),
                        object_repr=data["name"][:255], territory_id=data["territory_id"], reason=reason,
                        changes={f: [None, v] for f, v in data.items() if v not in (None, "")},
                    )
                )  # fmt: skip
                by_key, by_name = self._index(data["territory_id"])
                self._remember(by_key, by_name, pk, data["kind_id"], normalize(data["name"]))
        if to_update:
            Organisation.objects.bulk_update(
                to_update, [*FIELDS, "search_name", "version", "updated_at"], batch_size=500
            )
        counts.created += len(new_rows)
        counts.updated += len(to_update)
        if changes:
            audit.record(changes, actor=self.actor)
