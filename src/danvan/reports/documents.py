"""The official document of a generated report, written from its template snapshot and figures.

Like every official document it is written in Vietnamese whatever language the person asking
reads the site in; the fixed sentences still go through the catalog.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from danvan.core.documents import (
    Block,
    Heading,
    OfficialDocument,
    Paragraph,
    Signer,
    Table,
    parent_body,
    style_of,
)
from danvan.core.templatetags.vn import format_date, format_number, format_percent
from danvan.reports.models import GeneratedReport, ReportKind
from danvan.reports.placeholders import fill

# The document type line is prescribed wording, like the national motto.
REPORT_TYPE = "BÁO CÁO"
ROMAN = ("I", "II", "III", "IV", "V", "VI")


def figure(value: str | None) -> str:
    """A stored figure in Vietnamese notation ("1.234", "12,5"); a dash when unknown."""
    if value is None or value == "":
        return "-"
    number = Decimal(value)
    decimals = 0 if number == number.to_integral_value() else 2
    text = format_number(number, decimals)
    return text.rstrip("0").rstrip(",") if decimals else text


def percent(value: str | None) -> str:
    return "-" if value is None else format_percent(value)


def placeholder_values(report: GeneratedReport) -> dict[str, str]:
    """The values of the template placeholders for this report (in the active language)."""
    year = report.year
    if report.kind == ReportKind.SIX_MONTH:
        period = _("the first six months of %(year)s") % {"year": year}
        next_period = _("the last six months of %(year)s") % {"year": year}
    else:
        period = _("the year %(year)s") % {"year": year}
        next_period = _("the year %(year)s") % {"year": year + 1}
    return {
        "organisation": report.organisation.name,
        "unit": report.territory.name,
        "year": str(year),
        "period": period,
        "next_period": next_period,
        "date": format_date(report.issued_on),
    }


def _paragraphs(text: str) -> list[Block]:
    return [Paragraph(line.strip()) for line in text.splitlines() if line.strip()]


def _indicator_rows(rows: list[dict[str, Any]]) -> list[list[str]]:
    return [
        [
            str(position),
            row["name"],
            row["unit"],
            figure(row["target"]),
            figure(row["actual"]),
            percent(row["percent"]),
            row["source_label"] or _("Reported"),
        ]
        for position, row in enumerate(rows, start=1)
    ]


def _table(rows: list[list[str]]) -> Table:
    return Table(
        columns=[
            _("No."),
            _("Indicator"),
            _("Unit"),
            _("Target"),
            _("Result"),
            # xgettext:no-python-format
            _("% of target"),
            _("Source"),
        ],
        rows=rows,
        widths=[11, 48, 20, 17, 17, 15, 30],
        align=["center", "left", "center", "right", "right", "right", "left"],
    )


def _indicator_table(rows: list[dict[str, Any]]) -> Table:
    return _table(_indicator_rows(rows))


def _plan_blocks(plans: list[dict[str, Any]], values: dict[str, str]) -> list[Block]:
    if not plans:
        return [
            Paragraph(_("No annual plan of %(organisation)s for %(year)s is recorded.") % values)
        ]
    blocks: list[Block] = []
    for plan in plans:
        blocks.append(Paragraph(plan["title"], bold=True, align="left"))
        if plan["indicators"]:
            blocks.append(_indicator_table(plan["indicators"]))
        tasks = plan["tasks"]
        blocks.append(
            Paragraph(
                _(
                    "Tasks: %(done)s of %(total)s done, %(in_progress)s in progress, "
                    "%(overdue)s past their deadline."
                )
                % {
                    key: format_number(tasks[key])
                    for key in ("done", "total", "in_progress", "overdue")
                }
            )
        )
        if plan["overdue_tasks"]:
            blocks.append(
                Paragraph(
                    _("Tasks past their deadline: %(tasks)s.")
                    % {"tasks": "; ".join(plan["overdue_tasks"])}
                )
            )
    return blocks


def _campaign_blocks(campaigns: list[dict[str, Any]], organisation: str) -> list[Block]:
    """One table for every campaign: a line naming the campaign, then its indicators.

    A province runs dozens of campaigns; one table keeps the report short and quick to write.
    """
    if not campaigns:
        return [Paragraph(_("No campaign ran during the period."))]
    count = len(campaigns)
    blocks: list[Block] = [
        Paragraph(
            ngettext(
                "%(count)s campaign ran during the period.",
                "%(count)s campaigns ran during the period.",
                count,
            )
            % {"count": count}
        )
    ]
    rows: list[list[str]] = []
    for position, campaign in enumerate(campaigns, start=1):
        awards = campaign["awards"]
        title = "{} ({} - {})".format(
            campaign["title"],
            format_date(date.fromisoformat(campaign["starts_on"])),
            format_date(date.fromisoformat(campaign["ends_on"])),
        )
        if campaign["organisation"] != organisation:
            title += f", {campaign['organisation']}"
        recognised = ""
        if awards["collective"] or awards["individual"]:
            recognised = _("recognised: %(collective)s collectives, %(individual)s individuals") % {
                "collective": awards["collective"],
                "individual": awards["individual"],
            }
        rows.append([str(position), title, "", "", "", "", recognised])
        rows.extend(["", *row[1:]] for row in _indicator_rows(campaign["indicators"]))
    blocks.append(_table(rows))
    collective = sum(c["awards"]["collective"] for c in campaigns)
    individual = sum(c["awards"]["individual"] for c in campaigns)
    if collective or individual:
        blocks.append(
            Paragraph(
                _("Recognised at the end: %(collective)s collectives, %(individual)s individuals.")
                % {"collective": collective, "individual": individual}
            )
        )
    return blocks


def _domain_blocks(domains: list[dict[str, Any]]) -> list[Block]:
    if not domains:
        return [Paragraph(_("No figures from other areas of work are available."))]
    return [
        Table(
            columns=[_("No."), _("Figure"), _("Unit"), _("Result")],
            rows=[
                [str(position), row["label"], row["unit"], figure(row["value"])]
                for position, row in enumerate(domains, start=1)
            ],
            widths=[11, 97, 25, 25],
            align=["center", "left", "center", "right"],
        )
    ]


def build_report(report: GeneratedReport) -> OfficialDocument:
    """The report as an OfficialDocument (call inside the language it must be written in)."""
    snapshot = report.template_snapshot
    figures = report.figures
    values = placeholder_values(report)
    issuer = report.organisation
    style = style_of(issuer)

    results: list[Block] = []
    parts = []
    if "plans" in figures:
        parts.append((_("Carrying out the annual plan"), _plan_blocks(figures["plans"], values)))
    if "campaigns" in figures:
        parts.append(
            (_("Campaigns"), _campaign_blocks(figures["campaigns"], values["organisation"]))
        )
    if "domains" in figures:
        parts.append((_("Figures from other areas of work"), _domain_blocks(figures["domains"])))
    for number, (title, blocks) in enumerate(parts, start=1):
        results.append(Heading(f"{number}. {title}"))
        results.extend(blocks)

    blocks: list[Block] = [*_paragraphs(fill(snapshot.get("opening", ""), values))]
    sections = [(_("RESULTS OF %(period)s") % {"period": values["period"].upper()}, results)]
    closing = _paragraphs(fill(snapshot.get("closing", ""), values))
    if closing:
        sections.append(
            (_("TASKS FOR %(period)s") % {"period": values["next_period"].upper()}, closing)
        )
    for roman, (title, section_blocks) in zip(ROMAN, sections, strict=False):
        blocks.append(Heading(f"{roman}. {title}"))
        blocks.extend(section_blocks)

    recipients = [
        line.strip().lstrip("-").strip()
        for line in fill(snapshot.get("recipients", ""), values).splitlines()
        if line.strip().lstrip("-").strip()
    ]
    return OfficialDocument(
        style=style,
        parent_body=parent_body(issuer),
        issuer=issuer.name.upper(),
        number_label=report.number_label,
        place=report.place,
        issued_on=report.issued_on,
        doc_type=REPORT_TYPE,
        summary=fill(snapshot.get("title", ""), values),
        blocks=blocks,
        signer=Signer(
            authority=fill(snapshot.get("signer_authority", ""), values).upper(),
            position=fill(snapshot.get("signer_position", ""), values).upper(),
            name=report.signer_name,
        ),
        recipients=recipients,
    )


def build_report_in_vietnamese(report: GeneratedReport) -> OfficialDocument:
    with translation.override("vi"):
        return build_report(report)
