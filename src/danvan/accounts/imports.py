"""Importing user accounts from a spreadsheet, through the shared import pipeline.

New accounts get no usable password. Generating temporary passwords in a background task would
mean keeping them in clear text until someone reads the result page, and a page listing hundreds
of passwords ends up printed, forwarded or cached. Instead each new account is locked until a
territory administrator resets its password from the user page (one temporary password, shown
once, for one person) and the user must change it at first sign-in. This also keeps a 10,000-user
import fast: no password hashing per row.
"""

from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from danvan.accounts.models import RoleGrant, User
from danvan.audit import services as audit
from danvan.core import scope
from danvan.core.imports import parsers
from danvan.core.imports.lookups import TerritoryLookup, Unit, _code_of
from danvan.core.imports.parsers import ParseError
from danvan.core.imports.schema import (
    Column,
    CommitCounts,
    ImportSchema,
    ParsedRow,
    RowErrors,
    chunked,
)
from danvan.core.roles import Role
from danvan.core.search import normalize, search_key
from danvan.organisations.models import Organisation

AMBIGUOUS = -1
FIELDS = ("username", "full_name", "email", "phone", "position", "organisation_id")
_username_validator = UnicodeUsernameValidator()


def parse_username(value: Any) -> str:
    username = parsers.text(value)
    if len(username) > 150:
        raise ParseError(
            _("At most %(limit)s characters (this has %(count)s).")
            % {"limit": 150, "count": len(username)}
        )
    try:
        _username_validator(username)
    except ValidationError as exc:
        raise ParseError(_("Use only letters, digits and @ . + - _ in the username.")) from exc
    return username


class UserImport(ImportSchema):
    key = "users"
    label = gettext_lazy("User accounts")
    action = "accounts.user.import"
    template_filename = "mau-nhap-nguoi-dung.xlsx"
    help_text = gettext_lazy(
        "A user is identified by the username: importing the same row again updates the account. "
        "New accounts have no password: reset each account's password from its user page to hand "
        "it over. The organisation must already exist; give its commune (name or code) and province. "
        "The role is granted on the role territory, or on the organisation's unit when it is empty."
    )
    columns = [
        Column("username", gettext_lazy("Username"), parse_username, required=True,
               aliases=("Tên đăng nhập", "Tài khoản", "Username", "Login"), example="nguyenvana"),
        Column("full_name", gettext_lazy("Full name"), parsers.text_max(150), required=True,
               aliases=("Họ và tên", "Họ tên", "Full name", "Name"), example="Nguyễn Văn A"),
        Column("email", gettext_lazy("Email"), parsers.email, aliases=("Email", "Thư điện tử"),
               example="nguyenvana@example.vn"),
        Column("phone", gettext_lazy("Phone"), parsers.phone, aliases=("Điện thoại", "Số điện thoại", "SĐT"),
               example="0912 345 678"),
        Column("position", gettext_lazy("Position"), parsers.text_max(120), aliases=("Chức vụ", "Position"),
               example="Chuyên viên"),
        Column("organisation", gettext_lazy("Organisation"), parsers.text_max(255), required=True,
               aliases=("Tổ chức", "Đơn vị", "Cơ quan", "Đơn vị công tác", "Organisation"),
               example="Ban Tuyên giáo và Dân vận phường Đông Triều"),
        Column("commune", gettext_lazy("Commune/Ward/Special zone"), parsers.text,
               aliases=("Xã/Phường/Đặc khu", "Xã/Phường", "Xã", "Phường", "Commune", "Ward"),
               example="Phường Đông Triều"),
        Column("province", gettext_lazy("Province/City"), "parse_province",
               aliases=("Tỉnh/Thành phố", "Tỉnh", "Tỉnh/TP", "Province"), example="Quảng Ninh"),
        Column("role", gettext_lazy("Role"), parsers.choice(Role.choices), aliases=("Vai trò", "Quyền", "Role"),
               example=Role.OFFICER.label),
        Column("role_territory", gettext_lazy("Role territory"), parsers.text,
               aliases=("Phạm vi", "Phạm vi quyền", "Địa bàn", "Role territory"), example="Phường Đông Triều"),
    ]  # fmt: skip

    def __init__(self, actor) -> None:
        super().__init__(actor)
        self.units = TerritoryLookup(actor, self.action)
        self.grantable = set(scope.grantable_roles(actor))
        self._org_names: dict[int, dict[str, int]] = {}
        # Every account, by lower-case username: (pk, scope path of its organisation's unit).
        self._accounts: dict[str, tuple[int, str | None]] = {
            name: (pk, path)
            for pk, name, path in User.objects.annotate(lname=Lower("username")).values_list(
                "id", "lname", "organisation__territory__scope_path"
            )
        }

    def parse_province(self, value: Any) -> Unit:
        return self.units.province(value)

    def _organisations_in(self, territory_id: int) -> dict[str, int]:
        names = self._org_names.get(territory_id)
        if names is None:
            names = {}
            for pk, name in Organisation.objects.filter(territory_id=territory_id).values_list(
                "id", "name"
            ):
                key = normalize(name)
                names[key] = pk if key not in names else AMBIGUOUS
            self._org_names[territory_id] = names
        return names

    def _unit_of(self, values: dict, errors: RowErrors) -> Unit | None:
        province: Unit | None = values["province"]
        if values["commune"] is not None:
            if province is None and _code_of(values["commune"]) is None:
                errors.add(
                    "province", _("Give the province, or the commune's code instead of its name.")
                )
                return None
            try:
                return self.units.commune(province, values["commune"])
            except ParseError as exc:
                errors.add("commune", exc.message)
                return None
        if province is None:
            errors.add("province", _("Give the province of the organisation."))
            return None
        if not self.units.in_scope(province):
            errors.add("commune", _("Give the commune of the organisation."))
            return None
        return province

    def _role_unit(self, value: Any, home: Unit) -> Unit:
        code = _code_of(value)
        raw = parsers.text(value)
        if code is not None and len(raw) <= 2:
            unit = self.units.provinces_by_code.get(code)
        elif code is not None:
            unit = self.units.communes_by_code.get(code)
        else:
            try:
                unit = self.units.province(value)
            except ParseError:
                province = self.units.by_id.get(home.parent_id) if home.parent_id else home
                unit = self.units.commune(province, value)
        if unit is None or not self.units.in_scope(unit):
            raise ParseError(
                _("No administrative unit “%(value)s” within your scope.") % {"value": value}
            )
        return unit

    def validate_row(self, row: ParsedRow, errors: RowErrors) -> None:
        values = row.values
        unit = self._unit_of(values, errors)
        if unit is None:
            return
        organisation_id = self._organisations_in(unit.id).get(normalize(values["organisation"]))
        if organisation_id is None:
            errors.add(
                "organisation",
                _("No organisation with this name in %(unit)s.") % {"unit": unit.name},
            )
            return
        if organisation_id == AMBIGUOUS:
            errors.add(
                "organisation",
                _("Several organisations in %(unit)s are called this.") % {"unit": unit.name},
            )
            return
        values["_organisation_id"] = organisation_id
        values["_unit"] = unit
        account = self._accounts.get(values["username"].lower())
        values["_pk"] = None
        if account is not None:
            pk, path = account
            # An account elsewhere looks exactly like a taken name: nothing about it is revealed.
            if path is None or not any(path.startswith(p) for p in (self.units.paths or [""])):
                errors.add("username", _("This username is already taken."))
                return
            values["_pk"] = pk
        values["_grant"] = None
        role = values["role"]
        if role is None:
            if values["role_territory"] is not None:
                errors.add("role", _("Give the role to grant on this territory."))
            return
        if role not in self.grantable:
            errors.add("role", _("You may not grant this role."))
            return
        if values["role_territory"] is None:
            values["_grant"] = (role, unit.id)
            return
        try:
            values["_grant"] = (role, self._role_unit(values["role_territory"], unit).id)
        except ParseError as exc:
            errors.add("role_territory", exc.message)

    def natural_key(self, row: ParsedRow):
        return row.values["username"].lower()

    def describe_key(self, row: ParsedRow) -> str:
        return row.values["username"]

    def preview_row(self, row: ParsedRow) -> list[str]:
        cells = super().preview_row(row)
        values = row.values
        cells[7] = values["province"].name if values["province"] else ""
        cells[8] = str(Role(values["role"]).label) if values["role"] else ""
        return cells

    def commit(self, rows, *, batch) -> CommitCounts:
        counts = CommitCounts(extra={"accounts_without_password": 0})
        reason = _("Imported from %(file)s") % {"file": batch.original_name}
        for chunk in chunked(rows, 1000):
            self._flush(chunk, counts, reason)
        return counts

    def _flush(self, chunk: list[ParsedRow], counts: CommitCounts, reason: str) -> None:
        existing = User.objects.in_bulk([r.values["_pk"] for r in chunk if r.values["_pk"]])
        unusable = make_password(None)
        to_create: list[tuple[User, dict, ParsedRow]] = []
        to_update: list[User] = []
        changes: list[audit.Change] = []
        users_by_row: list[tuple[ParsedRow, User]] = []
        for row in chunk:
            values = row.values
            data = {
                "username": values["username"],
                "full_name": values["full_name"],
                "email": values["email"],
                "phone": values["phone"],
                "position": values["position"],
                "organisation_id": values["_organisation_id"],
            }
            current = existing.get(values["_pk"]) if values["_pk"] else None
            if current is None:
                clean = {k: ("" if v is None else v) for k, v in data.items()}
                user = User(**clean, password=unusable, must_change_password=True, is_active=True)
                user.search_name = search_key(user.full_name, user.username)
                to_create.append(
                    (user, {k: [None, v] for k, v in clean.items() if v not in (None, "")}, row)
                )
                users_by_row.append((row, user))
                continue
            diff = {}
            for field_name, new in data.items():
                if new is None:
                    continue  # an empty cell keeps what is stored
                old = getattr(current, field_name)
                if old != new:
                    diff[field_name] = [old, new]
                    setattr(current, field_name, new)
            users_by_row.append((row, current))
            if not diff:
                counts.unchanged += 1
                continue
            current.search_name = search_key(current.full_name, current.username)
            current.version += 1
            to_update.append(current)
            changes.append(
                audit.Change(
                    action=audit.Action.UPDATE,
                    obj=current,
                    changes=diff,
                    reason=reason,
                    territory_id=values["_unit"].id,
                )
            )
        if to_create:
            User.objects.bulk_create([user for user, _diff, _row in to_create], batch_size=500)
            for user, diff, row in to_create:
                changes.append(
                    audit.Change(
                        action=audit.Action.CREATE,
                        obj=user,
                        changes=diff,
                        reason=reason,
                        territory_id=row.values["_unit"].id,
                    )
                )
        if to_update:
            User.objects.bulk_update(to_update, [*FIELDS, "search_name", "version"], batch_size=500)
        counts.created += len(to_create)
        counts.updated += len(to_update)
        counts.extra["accounts_without_password"] += len(to_create)

        wanted = {
            (user.pk, *row.values["_grant"]) for row, user in users_by_row if row.values["_grant"]
        }
        if wanted:
            have = set(
                RoleGrant.objects.filter(user_id__in={w[0] for w in wanted}, domain="").values_list(
                    "user_id", "role", "territory_id"
                )
            )
            grants = [
                RoleGrant(
                    user_id=user_id,
                    role=role,
                    territory_id=territory_id,
                    domain="",
                    granted_by=self.actor,
                )
                for user_id, role, territory_id in sorted(wanted - have)
            ]
            RoleGrant.objects.bulk_create(grants, batch_size=500)
            usernames = {user.pk: user.username for _row, user in users_by_row}
            for grant in grants:
                territory = self.units.by_id[grant.territory_id]
                changes.append(audit.Change(
                    action=audit.Action.GRANT, object_type="accounts.user", object_id=str(grant.user_id),
                    object_repr=usernames[grant.user_id], territory_id=grant.territory_id, reason=reason,
                    changes={"grant": [None, {"role": grant.role, "territory": territory.path, "domain": ""}]},
                ))  # fmt: skip
        if changes:
            audit.record(changes, actor=self.actor)
