"""Importing a year's list of models ("Dân vận khéo") from a spreadsheet, through the shared
import pipeline.

The natural key is the database's: unit + registration year + name (accents and case ignored).
Imported models become drafts. Importing the same file again changes nothing; a row matching an
existing draft updates it; a row matching a model already submitted (or further along) is an
error, because only its reviewers may change it now. An empty cell leaves the stored value alone.

Besides the fixed columns there is one optional column per indicator kind, headed with its
Vietnamese name ("Số hộ tham gia", "Kinh phí vận động"…), so new kinds need no code change.
"""

import json
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.functional import classproperty
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
from danvan.core.search import search_key
from danvan.initiatives.models import (
    Field,
    Indicator,
    IndicatorKind,
    Initiative,
    Kind,
    Level,
    Status,
    Subject,
    Tag,
)
from danvan.organisations.models import Organisation

CHUNK = 2000
FIRST_YEAR = 2000
INDICATOR_PREFIX = "indicator__"
# Largest value the indicator column (18 digits, 2 decimals) holds.
INDICATOR_MAX = Decimal(10) ** 16
# Columns of an initiative the sheet sets (attnames), in the order of the sheet.
FIELDS = (
    "name", "summary", "problem", "mobilisation", "kind", "subject", "field_id", "territory_id",
    "organisation_id", "person_name", "person_position", "started_on", "year",
)  # fmt: skip
TEXT_FIELDS = {"problem", "mobilisation", "person_name", "person_position"}
# Spellings accepted for the two fixed lists, whatever the interface language.
KIND_WORDS = {
    "mo hinh": Kind.MODEL.value, "model": Kind.MODEL.value,
    "dien hinh": Kind.EXEMPLAR.value, "exemplar": Kind.EXEMPLAR.value,
}  # fmt: skip
SUBJECT_WORDS = {
    "tap the": Subject.COLLECTIVE.value, "collective": Subject.COLLECTIVE.value,
    "ca nhan": Subject.INDIVIDUAL.value, "individual": Subject.INDIVIDUAL.value,
}  # fmt: skip


def long_text(value: Any) -> str:
    """Free text whose line breaks matter (summaries): each line tidied, blank edges dropped."""
    if not isinstance(value, str):
        return parsers.text(value)
    lines = [parsers.text(line) for line in value.splitlines()]
    return "\n".join(lines).strip()


def _word_choice(words: dict[str, str], allowed: str):
    def parse(value: Any) -> str:
        found = words.get(normalize(parsers.text(value)))
        if found is None:
            raise ParseError(
                _("“%(value)s” is not one of: %(allowed)s.") % {"value": value, "allowed": allowed}
            )
        return found

    return parse


def parse_tags(value: Any) -> list[str]:
    names = [parsers.text(part)[:60] for part in str(value).replace(";", ",").split(",")]
    # One tag per spelling without accents, in the order written.
    unique = {normalize(name): name for name in reversed(names) if normalize(name)}
    return list(reversed(unique.values()))


def indicator_parser(kind: IndicatorKind):
    """Money as whole đồng (1.234.567, 1,2 tỷ, 450 triệu); counts whole; the rest decimal.

    A trailing unit ("120 hộ", "3,5 km") is accepted and dropped.
    """
    unit = normalize(kind.unit)

    def parse(value: Any) -> Decimal:
        if kind.is_money:
            return Decimal(parsers.money(value))
        if isinstance(value, str) and unit and kind.unit not in ("m²", "m2"):
            words = value.strip().split()
            if len(words) > 1 and normalize(words[-1]) == unit:
                value = " ".join(words[:-1])
            elif normalize(value).endswith(" " + unit):
                value = value.strip()[: -len(kind.unit)].strip()
        if kind.unit in ("m²", "m2"):
            number = parsers.area(value)
        elif kind.is_whole:
            number = Decimal(parsers.non_negative_integer(value))
        else:
            number = parsers.non_negative_decimal(value)
        if number != number.quantize(Decimal("0.01")):
            raise ParseError(_("At most two decimal places."))
        if number >= INDICATOR_MAX:
            raise ParseError(_("This number is too large."))
        return number

    return parse


def _year(value: Any) -> int:
    return parsers.integer(value, min_value=FIRST_YEAR, max_value=timezone.localdate().year + 1)


def _label(choices, value) -> str:
    return str(choices(value).label)


BASE_COLUMNS = [
    Column("name", gettext_lazy("Name of the model"), parsers.text_max(255), required=True,
           aliases=("Tên mô hình", "Tên mô hình, điển hình", "Tên điển hình", "Tên", "Name"),
           example="Mô hình “Dân vận khéo” xây dựng đường giao thông nông thôn"),
    Column("summary", gettext_lazy("Summary"), long_text, required=True,
           aliases=("Tóm tắt", "Tóm tắt nội dung", "Nội dung", "Mô tả", "Summary"),
           example="Vận động Nhân dân hiến đất, góp công làm 3,5 km đường liên thôn."),
    Column("problem", gettext_lazy("Problem it solved"), long_text,
           aliases=("Vấn đề giải quyết", "Vấn đề cần giải quyết", "Vấn đề", "Problem"),
           example="Đường liên thôn xuống cấp, đi lại khó khăn."),
    Column("mobilisation", gettext_lazy("How people were mobilised"), long_text,
           aliases=("Cách vận động", "Cách làm", "Cách thức vận động", "Giải pháp"),
           example="Họp dân công khai, cán bộ, đảng viên gương mẫu hiến đất trước."),
    Column("kind", gettext_lazy("Model or exemplar"), _word_choice(KIND_WORDS, "Mô hình, Điển hình"),
           aliases=("Loại", "Mô hình/Điển hình", "Loại mô hình", "Kind"), example="Mô hình",
           display=lambda v: _label(Kind, v)),
    Column("subject", gettext_lazy("Collective/Individual"),
           _word_choice(SUBJECT_WORDS, "Tập thể, Cá nhân"),
           aliases=("Tập thể/Cá nhân", "Tập thể / Cá nhân", "Đối tượng", "Subject"), example="Tập thể",
           display=lambda v: _label(Subject, v)),
    Column("field", gettext_lazy("Field"), "parse_field",
           aliases=("Lĩnh vực", "Field"), example="Kinh tế", display=lambda f: f.name),
    Column("territory", gettext_lazy("Administrative unit"), "parse_unit", required=True,
           aliases=("Đơn vị hành chính", "Xã/Phường/Đặc khu", "Xã/Phường", "Địa bàn", "Đơn vị", "Unit"),
           example="Phường Đông Triều, Tỉnh Quảng Ninh", display=lambda u: u.name),
    Column("organisation", gettext_lazy("Registering organisation"), parsers.text_max(255),
           required=True,
           aliases=("Tổ chức / đơn vị đăng ký", "Tổ chức/đơn vị đăng ký", "Tổ chức đăng ký",
                    "Đơn vị đăng ký", "Tổ chức", "Organisation"),
           example="Hội Nông dân phường Đông Triều"),
    Column("person_name", gettext_lazy("Representative"), parsers.text_max(120),
           aliases=("Người đại diện", "Họ và tên", "Họ tên"), example=""),
    Column("person_position", gettext_lazy("Position"), parsers.text_max(120),
           aliases=("Chức vụ", "Position"), example=""),
    Column("started_on", gettext_lazy("Start date"), parsers.date_value,
           aliases=("Ngày bắt đầu", "Ngày triển khai", "Bắt đầu", "Started on"), example="15/03/2024"),
    Column("year", gettext_lazy("Registration year"), _year, required=True,
           aliases=("Năm đăng ký", "Năm", "Year"), example="2025", display=str),
    Column("tags", gettext_lazy("Keywords"), parse_tags,
           aliases=("Từ khóa", "Từ khoá", "Tags"), example="giao thông nông thôn, hiến đất",
           display=", ".join),
]  # fmt: skip


def indicator_columns() -> list[Column]:
    columns = []
    for kind in IndicatorKind.objects.filter(is_active=True):
        example = "1.234.567" if kind.is_money else ("120" if kind.is_whole else "3,5")
        columns.append(
            Column(
                INDICATOR_PREFIX + kind.code,
                kind.name_vi,
                indicator_parser(kind),
                aliases=(kind.name_en, f"{kind.name_vi} ({kind.unit})"),
                example=example,
            )
        )
    return columns


class InitiativeImport(ImportSchema):
    key = "initiatives"
    label = gettext_lazy("Skilled mass mobilisation models")
    action = "initiatives.import"
    template_filename = "mau-nhap-mo-hinh-dan-van-kheo.xlsx"
    help_text = gettext_lazy(
        "A model is identified by its unit, registration year and name: importing the same row "
        "again updates the draft instead of adding a copy, and models already submitted cannot be "
        "changed by an import. Imported models are drafts. Empty cells leave stored values "
        "unchanged. The unit is a commune or province by name or code; write “Xã …, Tỉnh …” when "
        "several units share a name. The organisation is looked up by name in the unit's province. "
        "Amounts of money may be written 1.234.567, 1,2 tỷ or 450 triệu."
    )

    @classproperty
    def columns(cls) -> list[Column]:
        # The indicator columns follow the kinds defined in the database.
        return [*BASE_COLUMNS, *indicator_columns()]

    def __init__(self, actor) -> None:
        # Read the columns once: each read of the class property queries the indicator kinds.
        self.columns = type(self).columns
        super().__init__(actor)
        self.units = TerritoryLookup(actor, self.action)
        self.change_paths = scope.scope_paths(actor, "initiatives.change")
        by_code = {kind.code: kind for kind in IndicatorKind.objects.filter(is_active=True)}
        # Column key -> its indicator kind.
        self.kinds = {
            c.key: by_code[c.key.removeprefix(INDICATOR_PREFIX)]
            for c in self.columns
            if c.key.startswith(INDICATOR_PREFIX)
            and c.key.removeprefix(INDICATOR_PREFIX) in by_code
        }
        self.fields: dict[str, Field] = {}
        for item in Field.objects.filter(is_active=True):
            for label in (item.code, item.code.replace("_", " "), item.name_vi, item.name_en):
                self.fields.setdefault(normalize(label), item)
        # Per territory, loaded on first use: (year, search name) -> (pk, status, subject, person).
        self._existing: dict[int, dict[tuple[int, str], tuple]] = {}
        # Per province, loaded on first use: normalised name -> [(pk, territory_id)].
        self._organisations: dict[int, dict[str, list[tuple[int, int]]]] = {}
        self._unit_cache: dict[Any, Unit | str] = {}

    # --- parsers -------------------------------------------------------------------------

    def parse_field(self, value: Any) -> Field:
        found = self.fields.get(normalize(parsers.text(value)))
        if found is None:
            names = ", ".join(f.name_vi for f in Field.objects.filter(is_active=True))
            raise ParseError(
                _("Unknown field “%(value)s” (one of: %(names)s).")
                % {"value": value, "names": names}
            )
        return found

    def parse_unit(self, value: Any) -> Unit:
        # The same few units repeat on every row: remember each spelling once, errors too.
        found = self._unit_cache.get(value)
        if found is None:
            try:
                found = self.units.unit(value)
            except ParseError as exc:
                found = exc.message
            if len(self._unit_cache) < 20000:
                self._unit_cache[value] = found
        if isinstance(found, str):
            raise ParseError(found)
        return found

    # --- lookups -------------------------------------------------------------------------

    def _existing_in(self, territory_id: int) -> dict[tuple[int, str], tuple]:
        if territory_id not in self._existing:
            if len(self._existing) > 5000:
                self._existing.clear()
            self._existing[territory_id] = {
                (year, search_name): (pk, status, subject, person)
                for pk, year, search_name, status, subject, person in Initiative.objects.filter(
                    territory_id=territory_id
                ).values_list("id", "year", "search_name", "status", "subject", "person_name")
            }
        return self._existing[territory_id]

    def _province_of(self, unit: Unit) -> Unit:
        if unit.parent_id is None:
            return unit
        return self.units.by_id.get(unit.parent_id, unit)

    def _organisations_in(self, province: Unit) -> dict[str, list[tuple[int, int]]]:
        if province.id not in self._organisations:
            if len(self._organisations) > 100:
                self._organisations.clear()
            visible = scope.filter(self.actor, "organisations.view", Organisation.objects.all())
            index: dict[str, list[tuple[int, int]]] = {}
            rows = visible.filter(territory__path__startswith=province.path).values_list(
                "id", "territory_id", "name", "short_name"
            )
            for pk, territory_id, name, short_name in rows:
                index.setdefault(normalize(name), []).append((pk, territory_id))
                if short_name:
                    index.setdefault("~" + normalize(short_name), []).append((pk, territory_id))
            self._organisations[province.id] = index
        return self._organisations[province.id]

    def _find_organisation(self, unit: Unit, name: str) -> int | str:
        """The organisation's pk, or a message for the user."""
        province = self._province_of(unit)
        index = self._organisations_in(province)
        found = index.get(name) or index.get("~" + name) or []
        if len(found) == 1:
            return found[0][0]
        if found:
            # Several of that name in the province: the one of the model's own unit wins.
            own = [item for item in found if item[1] == unit.id]
            if len(own) == 1:
                return own[0][0]
            return _("Several organisations in %(place)s are called this; write the full name.") % {
                "place": unit.name if own else province.name
            }
        return _("No organisation with this name in %(province)s within your scope.") % {
            "province": province.name
        }

    def _may_change(self, unit: Unit) -> bool:
        return self.change_paths is None or any(
            unit.scope_path.startswith(p) for p in self.change_paths
        )

    # --- rows ----------------------------------------------------------------------------

    def validate_row(self, row: ParsedRow, errors: RowErrors) -> None:
        values = row.values
        unit: Unit = values["territory"]
        if not self._may_change(unit):
            errors.add(
                "territory", _("You cannot register models in %(unit)s.") % {"unit": unit.name}
            )
            return
        name = search_key(values["name"])[:300]
        values["_name"] = name
        existing = self._existing_in(unit.id).get((values["year"], name))
        values["_pk"] = None
        if existing is not None:
            pk, status, stored_subject, stored_person = existing
            if status != Status.DRAFT:
                errors.add(
                    "",
                    _("“%(name)s” (%(year)s) is already submitted; it cannot be changed by import.")
                    % {"name": values["name"], "year": values["year"]},
                )
                return
            values["_pk"] = pk
        else:
            stored_subject, stored_person = Subject.COLLECTIVE, ""
            if values["field"] is None:
                errors.add("field", _("This column is required for a new model."))
        subject = values["subject"] or stored_subject
        if subject == Subject.INDIVIDUAL and not (values["person_name"] or stored_person):
            errors.add("person_name", _("Name the person for an individual model."))
        if values["started_on"] and values["started_on"] > timezone.localdate():
            errors.add("started_on", _("The start date cannot be in the future."))
        found = self._find_organisation(unit, normalize(values["organisation"]))
        if isinstance(found, str):
            errors.add("organisation", found)
        else:
            values["_organisation"] = found

    def natural_key(self, row: ParsedRow):
        values = row.values
        return (values["territory"].id, values["year"], values["_name"])

    def describe_key(self, row: ParsedRow) -> str:
        values = row.values
        return f"{values['name']} — {values['territory'].name} — {values['year']}"

    # --- writing -------------------------------------------------------------------------

    def commit(self, rows, *, batch) -> CommitCounts:
        counts = CommitCounts()
        reason = _("Imported from %(file)s") % {"file": batch.original_name}
        chunk: list[ParsedRow] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) >= CHUNK:
                self._flush(chunk, counts, reason)
                chunk = []
        self._flush(chunk, counts, reason)
        return counts

    def _values(self, row: ParsedRow) -> dict[str, Any]:
        """What the row sets, by attname; None where the cell was empty."""
        values = row.values
        return {
            "name": values["name"],
            "summary": values["summary"],
            "problem": values["problem"],
            "mobilisation": values["mobilisation"],
            "kind": values["kind"],
            "subject": values["subject"],
            "field_id": values["field"].pk if values["field"] is not None else None,
            "territory_id": values["territory"].id,
            "organisation_id": values["_organisation"],
            "person_name": values["person_name"],
            "person_position": values["person_position"],
            "started_on": values["started_on"],
            "year": values["year"],
        }

    def _indicators_of(self, row: ParsedRow) -> dict[int, Decimal]:
        return {
            kind.pk: row.values[key]
            for key, kind in self.kinds.items()
            if row.values.get(key) is not None
        }

    def _tag_ids(self, chunk: list[ParsedRow]) -> dict[str, int]:
        """Normalised tag name -> id for every tag of the chunk, creating the new ones."""
        wanted: dict[str, str] = {}
        for row in chunk:
            for name in row.values["tags"] or []:
                wanted.setdefault(normalize(name), name)
        if not wanted:
            return {}
        ids: dict[str, int] = {}
        for pk, key in (
            Tag.objects.filter(search_name__in=list(wanted))
            .order_by("id")
            .values_list("id", "search_name")
        ):
            ids.setdefault(key, pk)
        missing = [Tag(name=wanted[k], search_name=k) for k in wanted if k not in ids]
        if missing:
            Tag.objects.bulk_create(missing)
            for pk, key in Tag.objects.filter(
                search_name__in=[t.search_name for t in missing]
            ).values_list("id", "search_name"):
                ids.setdefault(key, pk)
        return ids

    def _flush(self, chunk: list[ParsedRow], counts: CommitCounts, reason: str) -> None:
        if not chunk:
            return
        now = timezone.now()
        tag_ids = self._tag_ids(chunk)
        tag_names = {pk: key for key, pk in tag_ids.items()}
        kind_codes = {kind.pk: kind.code for kind in self.kinds.values()}
        pks = [r.values["_pk"] for r in chunk if r.values["_pk"]]
        existing = Initiative.objects.in_bulk(pks)
        stored_tags: dict[int, set[int]] = {pk: set() for pk in pks}
        for initiative_id, tag_id in Initiative.tags.through.objects.filter(
            initiative_id__in=pks
        ).values_list("initiative_id", "tag_id"):
            stored_tags[initiative_id].add(tag_id)
        stored_indicators: dict[int, dict[int, Indicator]] = {pk: {} for pk in pks}
        for indicator in Indicator.objects.filter(initiative_id__in=pks):
            stored_indicators[indicator.initiative_id][indicator.kind_id] = indicator

        new_rows: list[list[Any]] = []
        new_related: list[tuple[dict[str, Any], list[int], dict[int, Decimal]]] = []
        to_update: list[Initiative] = []
        links_to_add: list[tuple[int, int]] = []
        links_to_remove: list[tuple[int, int]] = []
        indicators_to_create: list[Indicator] = []
        indicators_to_update: list[Indicator] = []
        changes: list[audit.Change] = []
        actor_id = getattr(self.actor, "pk", None)
        for row in chunk:
            values = self._values(row)
            row_tags = [tag_ids[normalize(n)] for n in row.values["tags"] or []]
            row_indicators = self._indicators_of(row)
            current = existing.get(row.values["_pk"]) if row.values["_pk"] else None
            if current is None:
                data = {
                    f: ("" if values[f] is None and f in TEXT_FIELDS else values[f]) for f in FIELDS
                }
                data["kind"] = data["kind"] or Kind.MODEL.value
                data["subject"] = data["subject"] or Subject.COLLECTIVE.value
                if data["subject"] == Subject.COLLECTIVE:
                    data["person_name"] = data["person_position"] = ""
                new_rows.append([
                    *data.values(), json.dumps([data["year"]]), Status.DRAFT.value, "", Level.COMMUNE.value, "",
                    search_key(data["name"])[:300], search_key(data["name"], data["summary"]), 1,
                    actor_id, now, now,
                ])  # fmt: skip
                new_related.append((data, row_tags, row_indicators))
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
            if current.subject == Subject.COLLECTIVE:
                for field_name in ("person_name", "person_position"):
                    if getattr(current, field_name):
                        diff[field_name] = [getattr(current, field_name), ""]
                        setattr(current, field_name, "")
            if row.values["tags"] is not None:
                before, after = stored_tags[current.pk], set(row_tags)
                if before != after:
                    diff["tags"] = [
                        sorted(tag_names.get(t, str(t)) for t in before),
                        sorted(tag_names[t] for t in after),
                    ]
                    links_to_add += [(current.pk, t) for t in after - before]
                    links_to_remove += [(current.pk, t) for t in before - after]
            changed_indicators = {}
            for kind_id, value in row_indicators.items():
                stored = stored_indicators[current.pk].get(kind_id)
                if stored is None:
                    indicators_to_create.append(
                        Indicator(initiative_id=current.pk, kind_id=kind_id, value=value)
                    )
                    changed_indicators[kind_codes[kind_id]] = [None, str(value)]
                elif stored.value != value:
                    changed_indicators[kind_codes[kind_id]] = [str(stored.value), str(value)]
                    stored.value = value
                    indicators_to_update.append(stored)
            if changed_indicators:
                diff["indicators"] = changed_indicators
            if not diff:
                counts.unchanged += 1
                continue
            current.search_name = search_key(current.name)[:300]
            current.search_text = search_key(current.name, current.summary)
            current.version += 1
            current.updated_at = now
            to_update.append(current)
            changes.append(
                audit.Change(action=audit.Action.UPDATE, obj=current, changes=diff, reason=reason)
            )

        if new_rows:
            ids = insert_returning_ids(
                Initiative,
                [
                    *FIELDS, "registered_years", "status", "level", "target_level", "status_note",
                    "search_name", "search_text", "version", "created_by_id", "created_at",
                    "updated_at",
                ],
                new_rows,
            )  # fmt: skip
            for pk, (data, row_tags, row_indicators) in zip(ids, new_related, strict=True):
                links_to_add += [(pk, t) for t in row_tags]
                indicators_to_create += [
                    Indicator(initiative_id=pk, kind_id=k, value=v)
                    for k, v in row_indicators.items()
                ]
                created = {f: [None, v] for f, v in data.items() if v not in (None, "")}
                if row_tags:
                    created["tags"] = [None, sorted(tag_names[t] for t in row_tags)]
                if row_indicators:
                    created["indicators"] = [
                        None,
                        {kind_codes[k]: str(v) for k, v in row_indicators.items()},
                    ]
                changes.append(
                    audit.Change(
                        action=audit.Action.CREATE, object_type="initiatives.initiative",
                        object_id=str(pk), object_repr=data["name"][:255],
                        territory_id=data["territory_id"], reason=reason, changes=created,
                    )
                )  # fmt: skip
                # A later chunk of the same file must see this model as existing.
                self._existing_in(data["territory_id"])[
                    (data["year"], search_key(data["name"])[:300])
                ] = (pk, Status.DRAFT, data["subject"], data["person_name"])
        if to_update:
            Initiative.objects.bulk_update(
                to_update,
                [*FIELDS, "search_name", "search_text", "version", "updated_at"],
                batch_size=500,
            )
        through = Initiative.tags.through
        for initiative_id, tag_id in links_to_remove:
            through.objects.filter(initiative_id=initiative_id, tag_id=tag_id).delete()
        if links_to_add:
            through.objects.bulk_create(
                [through(initiative_id=i, tag_id=t) for i, t in links_to_add], batch_size=2000
            )
        if indicators_to_create:
            Indicator.objects.bulk_create(indicators_to_create, batch_size=2000)
        if indicators_to_update:
            Indicator.objects.bulk_update(indicators_to_update, ["value"], batch_size=500)
        counts.created += len(new_rows)
        counts.updated += len(to_update)
        if changes:
            audit.record(changes, actor=self.actor)
