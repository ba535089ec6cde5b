"""Bar and line charts drawn on the server as SVG: no JavaScript, no CDN, and they print.

Colours come from CSS classes (`.chart-s0` … `.chart-s7` in app.css), never inline, so a chart
follows the stylesheet. Labels usually come from user data (unit names, organisation names), so
every piece of text goes through `format_html`/`escape`. A chart answers `table()` with the same
numbers for the data table under it (`core/partials/chart.html`), which is also how screen reader
users and keyboard users reach the drill-down links.

    chart = bar_chart(
        categories=["Xã A", "Xã B"],
        series=[Series("Cấp xã", [3, 5]), Series("Cấp tỉnh", [1, 0])],
        title=_("Models by commune"),
        link_for=lambda i: urls[i],
    )
    {% include "core/partials/chart.html" with chart=chart %}
"""

import math
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from danvan.core.templatetags.vn import format_number

Number = int | float | Decimal

PALETTE_SIZE = 8  # .chart-s0 … .chart-s7 in app.css
WIDTH = 720
FONT_SIZE = 12
CHAR_WIDTH = 6.6  # rough average glyph width at 12px; only used to lay text out
TITLE_HEIGHT = 26
PLOT_HEIGHT = 240
LEGEND_ROW = 20
SWATCH = 12


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[Number | None]


@dataclass(frozen=True)
class TableRow:
    label: str
    values: list[str]
    href: str | None = None


@dataclass(frozen=True)
class ChartTable:
    headers: list[str]
    rows: list[TableRow] = field(default_factory=list)


def nice_ticks(low: float, high: float, *, count: int = 5, integer: bool = False) -> list[Number]:
    """Round axis ticks from `low` to `high` (zero always included): steps of 1, 2, 2.5 or 5
    times a power of ten, about `count` of them; whole steps only when `integer`."""
    low, high = min(low, 0), max(high, 0)
    if low == high:
        high = 1
    raw_step = (high - low) / max(1, count)
    power = 10 ** math.floor(math.log10(raw_step))
    multipliers = (1, 2, 5, 10) if integer and power <= 1 else (1, 2, 2.5, 5, 10)
    step = next(m * power for m in multipliers if m * power >= raw_step * (1 - 1e-9))
    if integer:
        step = max(1, round(step))
    start = math.floor(low / step + 1e-9) * step
    stop = math.ceil(high / step - 1e-9) * step
    ticks: list[Number] = []
    for i in range(round((stop - start) / step) + 1):
        value = round(start + i * step, 10)
        ticks.append(int(value) if float(value).is_integer() else value)
    return ticks


def bar_chart(
    *,
    categories: Sequence[str],
    series: Sequence[Series],
    title: str,
    stacked: bool = True,
    horizontal: bool = False,
    value_format: Callable[[Number], str] = format_number,
    link_for: Callable[[int], str] | None = None,
    category_label: str | None = None,
    axis_at_least: Number | None = None,
) -> "Chart":
    """Bars per category, one segment (stacked) or one bar (side by side) per series.

    `axis_at_least` stretches the value axis to a mark that matters even when no bar reaches
    it (100 on a percent-of-target chart, so 50 % does not fill the whole width).
    """
    return Chart(
        kind="bar",
        categories=categories,
        series=series,
        title=title,
        stacked=stacked,
        horizontal=horizontal,
        value_format=value_format,
        link_for=link_for,
        category_label=category_label,
        axis_at_least=axis_at_least,
    )


def line_chart(
    *,
    x_labels: Sequence[str],
    series: Sequence[Series],
    title: str,
    value_format: Callable[[Number], str] = format_number,
    category_label: str | None = None,
) -> "Chart":
    """One line per series over evenly spaced points (months, years)."""
    return Chart(
        kind="line",
        categories=x_labels,
        series=series,
        title=title,
        value_format=value_format,
        category_label=category_label,
    )


class Chart:
    """A chart ready to print: `{{ chart }}` renders the SVG, `chart.table` the same numbers."""

    def __init__(
        self,
        *,
        kind: str,
        categories: Sequence[str],
        series: Sequence[Series],
        title: str,
        stacked: bool = True,
        horizontal: bool = False,
        value_format: Callable[[Number], str] = format_number,
        link_for: Callable[[int], str] | None = None,
        category_label: str | None = None,
        axis_at_least: Number | None = None,
    ) -> None:
        for one in series:
            if len(one.values) != len(categories):
                raise ValueError(
                    f"Series {one.label!r} has {len(one.values)} values for {len(categories)} categories"
                )
        self.kind = kind
        self.title = _clean(title)
        self.categories = [_clean(c) for c in categories]
        self.series = list(series)
        self.stacked = stacked
        self.horizontal = horizontal
        self.value_format = value_format
        self.link_for = link_for
        self.category_label = category_label
        self.axis_at_least = axis_at_least

    # --- data ------------------------------------------------------------------------------

    @property
    def is_empty(self) -> bool:
        return not any(_num(v) for s in self.series for v in s.values)

    def _links(self) -> list[str | None]:
        if self.link_for is None:
            return [None] * len(self.categories)
        return [self.link_for(i) or None for i in range(len(self.categories))]

    def _stack_extent(self) -> tuple[float, float]:
        low = high = 0.0
        for i in range(len(self.categories)):
            values = [_num(s.values[i]) for s in self.series]
            if self.kind == "bar" and self.stacked:
                high = max(high, sum(v for v in values if v > 0))
                low = min(low, sum(v for v in values if v < 0))
            else:
                high = max(high, *values)
                low = min(low, *values)
        if self.axis_at_least is not None:
            high = max(high, float(self.axis_at_least))
        return low, high

    def _is_integer_data(self) -> bool:
        return all(
            v is None or isinstance(v, int) or float(v).is_integer()
            for s in self.series
            for v in s.values
        )

    def _fmt(self, value) -> str:
        # A missing value (a day still to come) is not a zero.
        return "\u2013" if value is None else self.value_format(value)

    def table(self) -> ChartTable:
        """Headers and formatted rows with the chart's numbers (and drill-down links)."""
        with_total = self.kind == "bar" and self.stacked and len(self.series) > 1
        headers = [
            self.category_label or _("Category"),
            *(_clean(s.label) for s in self.series),
        ]
        if with_total:
            headers.append(_("Total"))
        rows = []
        for i, (label, href) in enumerate(zip(self.categories, self._links(), strict=True)):
            cells = [self._fmt(s.values[i]) for s in self.series]
            if with_total:
                cells.append(self._fmt(sum(_exact(s.values[i]) for s in self.series)))
            rows.append(TableRow(label=label, values=cells, href=href))
        return ChartTable(headers=headers, rows=rows)

    # --- drawing ---------------------------------------------------------------------------

    def __html__(self) -> SafeString:
        return self.render()

    def __str__(self) -> str:
        return self.render()

    def render(self) -> SafeString:
        if self.is_empty:
            return self._empty()
        if self.kind == "line":
            return self._line()
        return self._bars_horizontal() if self.horizontal else self._bars_vertical()

    def _svg(self, *, height: float, description: str, body: list[SafeString]) -> SafeString:
        uid = f"chart-{uuid.uuid4().hex[:10]}"
        # Links inside role="img" would be hidden from assistive technology, so a chart with
        # drill-down links is a group of links instead of a single image.
        role = "group" if self.link_for is not None and not self.is_empty else "img"
        head = format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{kind}" '
            'viewBox="0 0 {w} {h}" width="100%" role="{role}" aria-labelledby="{uid}-t {uid}-d">'
            '<title id="{uid}-t">{title}</title><desc id="{uid}-d">{desc}</desc>'
            '<text class="chart-title" x="0" y="17">{visible_title}</text>',
            kind=self.kind,
            w=WIDTH,
            h=_n(height),
            role=role,
            uid=uid,
            title=self.title,
            desc=_clean(description),
            visible_title=_truncate(self.title, int(WIDTH / (CHAR_WIDTH * 1.2))),
        )
        return mark_safe(head + "".join(body) + "</svg>")  # noqa: S308 - every part is escaped

    def _empty(self) -> SafeString:
        message = _("No data")
        body = [
            format_html(
                '<text class="chart-empty" x="{}" y="80" text-anchor="middle">{}</text>',
                WIDTH // 2,
                message,
            )
        ]
        return self._svg(height=120, description=message, body=body)

    def _legend(self, top: float) -> tuple[list[SafeString], float]:
        """Legend items laid out in rows; returns the elements and the y below them."""
        parts: list[SafeString] = []
        x, y = 0.0, top
        for index, one in enumerate(self.series):
            full = _clean(one.label)
            shown = _truncate(full, 40)
            item_width = SWATCH + 6 + len(shown) * CHAR_WIDTH + 18
            if x > 0 and x + item_width > WIDTH:
                x, y = 0.0, y + LEGEND_ROW
            parts.append(
                format_html(
                    '<g class="chart-legend-item"><title>{}</title>'
                    '<rect class="{}" x="{}" y="{}" width="{}" height="{}" rx="2"/>'
                    '<text x="{}" y="{}">{}</text></g>',
                    full,
                    _colour(index),
                    _n(x),
                    _n(y),
                    SWATCH,
                    SWATCH,
                    _n(x + SWATCH + 6),
                    _n(y + SWATCH - 1),
                    shown,
                )
            )
            x += item_width
        return [format_html('<g class="chart-legend">{}</g>', _join(parts))], y + LEGEND_ROW

    def _ticks(self) -> list[Number]:
        low, high = self._stack_extent()
        return nice_ticks(low, high, integer=self._is_integer_data())

    def _tick_label(self, value: Number, step: float) -> str:
        if self.value_format is format_number and not float(step).is_integer():
            # A step of 0,25 needs two decimals on every tick, or 0,25 and 0,5 print as 0 and 1.
            decimals = -Decimal(str(step)).normalize().as_tuple().exponent
            return format_number(value, min(decimals, 6))
        return self.value_format(value)

    def _description(self) -> str:
        names = ", ".join(_clean(s.label) for s in self.series)
        if self.kind == "line":
            return _("Line chart of %(series)s over %(count)s points.") % {
                "series": names,
                "count": len(self.categories),
            }
        totals = [
            sum(_exact(s.values[i]) for s in self.series) for i in range(len(self.categories))
        ]
        largest = max(range(len(totals)), key=lambda i: totals[i])
        return _(
            "Bar chart of %(series)s for %(count)s categories; the largest is %(category)s "
            "with %(value)s."
        ) % {
            "series": names,
            "count": len(self.categories),
            "category": self.categories[largest],
            "value": self._fmt(totals[largest]),
        }

    def _segments(self, index: int) -> list[tuple[int, float, float]]:
        """(series index, from, to) in data units for each non-zero piece of a category's bar."""
        pieces = []
        positive = negative = 0.0
        for s_index, one in enumerate(self.series):
            value = _num(one.values[index])
            if not value:
                continue
            if not self.stacked:
                pieces.append((s_index, min(0.0, value), max(0.0, value)))
            elif value > 0:
                pieces.append((s_index, positive, positive + value))
                positive += value
            else:
                pieces.append((s_index, negative + value, negative))
                negative += value
        return pieces

    def _tooltip(self, s_index: int, c_index: int) -> str:
        label = _clean(self.series[s_index].label)
        value = self._fmt(self.series[s_index].values[c_index])
        return f"{label} — {self.categories[c_index]}: {value}"

    def _bar_group(self, c_index: int, href: str | None, rects: list[SafeString]) -> SafeString:
        group = format_html('<g class="chart-bar-group">{}</g>', _join(rects))
        if href is None:
            return group
        return format_html(
            '<a href="{}" aria-label="{}">{}</a>', href, self.categories[c_index], group
        )

    def _bars_vertical(self) -> SafeString:
        legend, top = self._legend(TITLE_HEIGHT + 8)
        top += 8
        ticks = self._ticks()
        step = ticks[1] - ticks[0]
        tick_labels = [self._tick_label(t, step) for t in ticks]
        left = max(len(t) for t in tick_labels) * CHAR_WIDTH + 12
        count = len(self.categories)
        band = (WIDTH - left - 8) / count
        fits = int(band / CHAR_WIDTH)
        rotate = fits < 6  # narrow bars: slant the labels instead of cutting them to nothing
        label_chars = 20 if rotate else fits
        longest = min(label_chars, max(len(c) for c in self.categories))
        if rotate:
            # The first slanted label reaches left of its bar; make room so it is not cut off.
            reach = len(_truncate(self.categories[0], label_chars)) * CHAR_WIDTH * 0.72
            left = max(left, reach - band / 2 + 4)
            band = (WIDTH - left - 8) / count
        bottom = top + PLOT_HEIGHT
        height = bottom + (longest * CHAR_WIDTH * 0.72 + 22 if rotate else 26)
        lowest, highest = ticks[0], ticks[-1]

        def y(value: float) -> float:
            return bottom - (value - lowest) / (highest - lowest) * PLOT_HEIGHT

        body = [*legend]
        body.append(_axis_ticks_y(ticks, tick_labels, y, left, WIDTH - 8))
        # A few categories should not turn into slabs: cap the bar width and centre it.
        bar_width = min(band * 0.7, 72.0 if self.stacked else 28.0 * len(self.series))
        labels = []
        for c_index, href in enumerate(self._links()):
            x0 = left + (c_index + 0.5) * band - bar_width / 2
            rects = []
            pieces = self._segments(c_index)
            piece_width = bar_width if self.stacked else bar_width / len(self.series)
            for s_index, start, end in pieces:
                x = x0 if self.stacked else x0 + s_index * piece_width
                rects.append(
                    _rect(
                        s_index,
                        x,
                        y(end),
                        piece_width,
                        y(start) - y(end),
                        self._tooltip(s_index, c_index),
                    )
                )
            body.append(self._bar_group(c_index, href, rects))
            centre = left + (c_index + 0.5) * band
            labels.append(
                _label(
                    self.categories[c_index],
                    label_chars,
                    centre,
                    bottom + 16,
                    anchor="end" if rotate else "middle",
                    rotate=-45 if rotate else 0,
                )
            )
        body.append(_baseline(left, y(0), WIDTH - 8, y(0)))
        body.append(format_html('<g class="chart-labels">{}</g>', _join(labels)))
        return self._svg(height=height, description=self._description(), body=body)

    def _bars_horizontal(self) -> SafeString:
        legend, top = self._legend(TITLE_HEIGHT + 8)
        top += 4
        ticks = self._ticks()
        step = ticks[1] - ticks[0]
        tick_labels = [self._tick_label(t, step) for t in ticks]
        label_chars = min(28, max(len(c) for c in self.categories))
        left = label_chars * CHAR_WIDTH + 14
        if left > WIDTH * 0.35:
            left = WIDTH * 0.35
            label_chars = int((left - 14) / CHAR_WIDTH)
        right = WIDTH - len(tick_labels[-1]) * CHAR_WIDTH / 2 - 6
        band = 28 if self.stacked else max(28, 10 * len(self.series) + 10)
        bottom = top + band * len(self.categories)
        height = bottom + 26
        lowest, highest = ticks[0], ticks[-1]

        def x(value: float) -> float:
            return left + (value - lowest) / (highest - lowest) * (right - left)

        body = [*legend]
        grid = []
        for tick, text in zip(ticks, tick_labels, strict=True):
            grid.append(
                format_html(
                    '<g class="chart-tick"><line class="chart-grid" x1="{x}" y1="{top}" x2="{x}" '
                    'y2="{bottom}"/><text x="{x}" y="{label_y}" text-anchor="middle">{text}</text>'
                    "</g>",
                    x=_n(x(tick)),
                    top=_n(top),
                    bottom=_n(bottom),
                    label_y=_n(bottom + 16),
                    text=text,
                )
            )
        body.append(format_html('<g class="chart-axis">{}</g>', _join(grid)))
        bar_height = band * 0.7
        labels = []
        for c_index, href in enumerate(self._links()):
            y0 = top + (c_index + 0.15) * band
            piece_height = bar_height if self.stacked else bar_height / len(self.series)
            rects = []
            for s_index, start, end in self._segments(c_index):
                y = y0 if self.stacked else y0 + s_index * piece_height
                rects.append(
                    _rect(
                        s_index,
                        x(start),
                        y,
                        x(end) - x(start),
                        piece_height,
                        self._tooltip(s_index, c_index),
                    )
                )
            body.append(self._bar_group(c_index, href, rects))
            labels.append(
                _label(
                    self.categories[c_index],
                    label_chars,
                    left - 6,
                    top + (c_index + 0.5) * band + 4,
                    anchor="end",
                )
            )
        body.append(_baseline(x(0), top, x(0), bottom))
        body.append(format_html('<g class="chart-labels">{}</g>', _join(labels)))
        return self._svg(height=height, description=self._description(), body=body)

    def _line(self) -> SafeString:
        legend, top = self._legend(TITLE_HEIGHT + 8)
        top += 8
        ticks = self._ticks()
        step = ticks[1] - ticks[0]
        tick_labels = [self._tick_label(t, step) for t in ticks]
        left = max(len(t) for t in tick_labels) * CHAR_WIDTH + 12
        right = WIDTH - 8
        count = len(self.categories)
        # Label every n-th point so the labels never overlap.
        every = max(1, math.ceil(count * 48 / max(1.0, right - left)))
        label_chars = max(4, int(min((right - left) / count * every, 120) / CHAR_WIDTH))
        longest = min(label_chars, max(len(c) for c in self.categories))
        # Keep the first and last points (and their centred labels) inside the drawing.
        inset = max(12.0, longest * CHAR_WIDTH / 2 + 2)
        slot = (right - left - 2 * inset) / max(1, count - 1)
        bottom = top + PLOT_HEIGHT
        height = bottom + 26
        lowest, highest = ticks[0], ticks[-1]

        def x(index: int) -> float:
            if count == 1:
                return (left + right) / 2
            return left + inset + index * slot

        def y(value: float) -> float:
            return bottom - (value - lowest) / (highest - lowest) * PLOT_HEIGHT

        body = [*legend, _axis_ticks_y(ticks, tick_labels, y, left, right)]
        body.append(_baseline(left, y(0), right, y(0)))
        for s_index, one in enumerate(self.series):
            points = [(x(i), y(_num(v)), i) for i, v in enumerate(one.values) if v is not None]
            line = " ".join(f"{_n(px)},{_n(py)}" for px, py, _i in points)
            dots = [
                format_html(
                    '<circle class="chart-point {}" cx="{}" cy="{}" r="3.5"><title>{}</title>'
                    "</circle>",
                    _colour(s_index),
                    _n(px),
                    _n(py),
                    self._tooltip(s_index, i),
                )
                for px, py, i in points
            ]
            body.append(
                format_html(
                    '<g class="chart-series"><polyline class="chart-line {}" points="{}"/>{}</g>',
                    _colour(s_index),
                    line,
                    _join(dots),
                )
            )
        labels = [
            _label(self.categories[i], label_chars, x(i), bottom + 16, anchor="middle")
            for i in range(0, count, every)
        ]
        body.append(format_html('<g class="chart-labels">{}</g>', _join(labels)))
        return self._svg(height=height, description=self._description(), body=body)


# --- helpers --------------------------------------------------------------------------------


def _num(value) -> float:
    return 0.0 if value is None else float(value)


def _exact(value) -> Number:
    # Totals in the table keep Decimal or int precision; only the geometry uses floats.
    return 0 if value is None else value


def _n(value: float) -> str:
    """Coordinates with one decimal, without a trailing .0."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _clean(text) -> str:
    # Control characters are not allowed in XML; a pasted tab or newline becomes a space.
    return "".join(" " if ord(ch) < 32 else ch for ch in str(text)).strip()


def _truncate(text: str, limit: int) -> str:
    limit = max(2, limit)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _colour(index: int) -> str:
    return f"chart-s{index % PALETTE_SIZE}"


def _join(parts: list[SafeString]) -> SafeString:
    return mark_safe("".join(parts))  # noqa: S308 - joins fragments built by format_html


def _rect(s_index: int, x: float, y: float, width: float, height: float, tip: str) -> SafeString:
    return format_html(
        '<rect class="chart-bar {}" x="{}" y="{}" width="{}" height="{}"><title>{}</title></rect>',
        _colour(s_index),
        _n(x),
        _n(y),
        _n(max(0.0, width)),
        _n(max(0.0, height)),
        tip,
    )


def _label(
    text: str, limit: int, x: float, y: float, *, anchor: str, rotate: int = 0
) -> SafeString:
    shown = _truncate(text, limit)
    transform = format_html(' transform="rotate({} {} {})"', rotate, _n(x), _n(y)) if rotate else ""
    element = format_html(
        '<text x="{}" y="{}" text-anchor="{}"{}>{}</text>', _n(x), _n(y), anchor, transform, shown
    )
    if shown == text:
        return element
    return format_html("<g><title>{}</title>{}</g>", text, element)


def _axis_ticks_y(ticks, labels, y, left: float, right: float) -> SafeString:
    parts = [
        format_html(
            '<g class="chart-tick"><line class="chart-grid" x1="{left}" y1="{y}" x2="{right}" '
            'y2="{y}"/><text x="{text_x}" y="{text_y}" text-anchor="end">{text}</text></g>',
            left=_n(left),
            right=_n(right),
            y=_n(y(tick)),
            text_x=_n(left - 6),
            text_y=_n(y(tick) + 4),
            text=text,
        )
        for tick, text in zip(ticks, labels, strict=True)
    ]
    return format_html('<g class="chart-axis">{}</g>', _join(parts))


def _baseline(x1: float, y1: float, x2: float, y2: float) -> SafeString:
    return format_html(
        '<line class="chart-baseline" x1="{}" y1="{}" x2="{}" y2="{}"/>',
        _n(x1),
        _n(y1),
        _n(x2),
        _n(y2),
    )
