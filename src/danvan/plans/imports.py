"""Importing a plan's indicator table (Chỉ tiêu, Mã, Đơn vị tính, Chỉ tiêu kế hoạch, Cách tính)
through the shared pipeline: upload from the plan's page, check, preview, all-or-nothing import.

The rows go into the plan named by the upload (`target={"plan": id}`), which must be a draft the
uploader may change. An indicator is identified by its code, or by its name and unit when it has
none: importing the same table again updates the targets instead of adding copies.
"""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from danvan.core import scope
from danvan.core.errors import DomainError
from danvan.core.imports import parsers
from danvan.core.imports.parsers import ParseError
from danvan.core.imports.schema import Column, CommitCounts, ImportSchema, ParsedRow, RowErrors
from danvan.core.imports.services import ImportAborted
from danvan.core.search import normalize
from danvan.plans.models import Aggregation, Indicator, Plan, PlanStatus
from danvan.plans.services import plans as services
from danvan.plans.services.progress import parse_value


def figure(value: Any):
    """A target as written in Vietnamese sheets ("1.234", "12,5", "85%") or a number cell."""
    if isinstance(value, bool):
        raise ParseError(_("Expected a number."))
    try:
        result = parse_value(value)
    except DomainError as exc:
        raise ParseError(exc.message) from exc
    return result


def slug_code(value: Any) -> str:
    from django.utils.text import slugify

    code = slugify(parsers.text(value))[:60]
    if not code:
        raise ParseError(_("Use letters, digits and dashes for the code."))
    return code


class PlanIndicatorImport(ImportSchema):
    key = "plan-indicators"
    label = gettext_lazy("Plan indicators")
    action = "plans.change"
    template_filename = "chi-tieu-ke-hoach.xlsx"
    help_text = gettext_lazy(
        "One row per indicator. An indicator with the same code (or, without a code, the same "
        "name and unit) as one already in the plan is updated; the others are added."
    )
    columns = [
        Column("name", gettext_lazy("Indicator"), parsers.text_max(300), required=True,
               aliases=("Chỉ tiêu", "Tên chỉ tiêu", "Nội dung chỉ tiêu", "Nội dung"),
               example="Số mô hình “Dân vận khéo” được công nhận"),
        Column("code", gettext_lazy("Code"), slug_code, aliases=("Mã", "Mã chỉ tiêu", "Mã số"),
               example="mo-hinh-cong-nhan"),
        Column("unit", gettext_lazy("Unit"), parsers.text_max(40), required=True,
               aliases=("Đơn vị tính", "ĐVT", "Đơn vị", "Đvt"), example="mô hình"),
        Column("target", gettext_lazy("Target"), figure,
               aliases=("Chỉ tiêu kế hoạch", "Chỉ tiêu KH", "Kế hoạch", "Mục tiêu",
                        "Chỉ tiêu năm", "Chỉ tiêu giao"), example="1.250"),
        Column("measurement", gettext_lazy("How it is measured"), parsers.text_max(2000),
               aliases=("Cách tính", "Cách đo", "Phương pháp tính", "Ghi chú"),
               example="Đếm quyết định công nhận trong năm"),
    ]  # fmt: skip

    def __init__(self, actor) -> None:
        super().__init__(actor)
        self._plan: Plan | bool | None = False
        self._existing: dict | None = None

    def plan(self) -> Plan | None:
        """The target plan, when it exists, is a draft and the uploader may change it."""
        if self._plan is False:
            plan_id = self.target.get("plan")
            plan = (
                Plan.objects.select_related("territory").filter(pk=plan_id).first()
                if isinstance(plan_id, int)
                else None
            )
            if plan is not None and not scope.can(self.actor, self.action, plan.territory):
                plan = None
            self._plan = plan
        return self._plan

    @staticmethod
    def key_of(code: str | None, name: str, unit: str) -> tuple:
        return ("code", code) if code else ("name", normalize(name), normalize(unit))

    def existing(self) -> dict:
        if self._existing is None:
            plan = self.plan()
            rows = Indicator.objects.filter(plan=plan) if plan else []
            self._existing = {}
            for indicator in rows:
                self._existing[self.key_of(indicator.code, indicator.name, indicator.unit)] = (
                    indicator
                )
                self._existing.setdefault(
                    self.key_of(None, indicator.name, indicator.unit), indicator
                )
        return self._existing

    def validate_row(self, row: ParsedRow, errors: RowErrors) -> None:
        plan = self.plan()
        if plan is None:
            errors.add("", _("Open this import from the page of a plan you may change."))
            return
        if plan.status != PlanStatus.DRAFT:
            errors.add("", _("Indicators can be imported into a draft plan only."))

    def natural_key(self, row: ParsedRow):
        v = row.values
        return self.key_of(v.get("code"), v.get("name") or "", v.get("unit") or "")

    def describe_key(self, row: ParsedRow) -> str:
        v = row.values
        return v.get("code") or f"{v.get('name')} ({v.get('unit')})"

    def commit(self, rows, *, batch) -> CommitCounts:
        counts = CommitCounts()
        plan = self.plan()
        if plan is None:
            raise ImportAborted(_("Open this import from the page of a plan you may change."))
        existing = self.existing()
        for row in rows:
            v = row.values
            current = existing.get(self.natural_key(row))
            data = services.IndicatorData(
                name=v["name"],
                unit=v["unit"],
                target_value=v.get("target"),
                measurement=v.get("measurement") or (current.measurement if current else ""),
                code=v.get("code") or (current.code if current else ""),
                source=current.source if current else "",
                aggregation=current.aggregation if current else Aggregation.SUM,
            )
            try:
                if current is None:
                    services.indicator_create(plan=plan, data=data, actor=self.actor)
                    counts.created += 1
                else:
                    before = (current.name, current.unit, current.target_value,
                              current.measurement, current.code)  # fmt: skip
                    updated = services.indicator_update(
                        indicator=current, data=data, actor=self.actor
                    )
                    after = (updated.name, updated.unit, updated.target_value,
                             updated.measurement, updated.code)  # fmt: skip
                    if before == after:
                        counts.unchanged += 1
                    else:
                        counts.updated += 1
            except DomainError as exc:
                raise ImportAborted(
                    _("Row %(row)s: %(problem)s") % {"row": row.number, "problem": exc.message}
                ) from exc
        return counts
