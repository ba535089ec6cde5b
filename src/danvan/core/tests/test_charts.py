"""Server-drawn SVG charts: escaping, geometry, ticks, empty data, drill-down links, valid XML."""

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.template.loader import render_to_string

from danvan.core.charts import Series, bar_chart, line_chart, nice_ticks
from danvan.core.templatetags.vn import format_money

SVG = "{http://www.w3.org/2000/svg}"


def parse(chart) -> ET.Element:
    return ET.fromstring(str(chart))  # noqa: S314 - parses our own output


def tick_positions(root: ET.Element) -> dict[str, float]:
    """Tick label text → the y (vertical charts) of its grid line."""
    positions = {}
    for tick in root.iter(f"{SVG}g"):
        if tick.get("class") == "chart-tick":
            line = tick.find(f"{SVG}line")
            positions[tick.find(f"{SVG}text").text] = float(line.get("y1"))
    return positions


def bar_groups(root: ET.Element) -> list[list[ET.Element]]:
    return [
        group.findall(f"{SVG}rect")
        for group in root.iter(f"{SVG}g")
        if group.get("class") == "chart-bar-group"
    ]


def test_labels_with_markup_are_escaped_everywhere():
    evil = '<script>alert("x")</script>'

    chart = bar_chart(
        categories=[evil, "Xã B"],
        series=[Series(evil, [1, 2])],
        title=evil,
        link_for=lambda i: f'/x/?q="{i}"&a=<b>',
    )
    svg = str(chart)

    assert "<script>" not in svg
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in svg
    assert 'href="/x/?q=&quot;0&quot;&amp;a=&lt;b&gt;"' in svg
    root = parse(chart)
    assert root.find(f"{SVG}title").text == evil
    tips = [
        t.text for rect in root.iter(f"{SVG}rect") if (t := rect.find(f"{SVG}title")) is not None
    ]
    assert f"{evil} — {evil}: 1" in tips


@pytest.mark.parametrize("horizontal", [False, True])
@pytest.mark.parametrize(
    "chart_kwargs",
    [
        {"categories": ["A", "B"], "series": [Series("S", [1, 2])]},
        {"categories": [], "series": []},
        {"categories": ["A"], "series": [Series("S", [0])]},
        {"categories": ["Tab\there", "x" * 200], "series": [Series("S\x00", [-3, 7.5])]},
    ],
)
def test_every_chart_is_well_formed_svg(chart_kwargs, horizontal):
    chart = bar_chart(title="Đơn vị & số lượng", horizontal=horizontal, **chart_kwargs)

    root = parse(chart)

    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("width") == "100%"
    assert root.get("viewBox").startswith("0 0 720 ")
    assert root.find(f"{SVG}title").text == "Đơn vị & số lượng"
    assert root.find(f"{SVG}desc").text


def test_line_chart_is_well_formed_with_a_point_tooltip_per_value():
    chart = line_chart(
        x_labels=["T1/2025", "T2/2025", "T3/2025"],
        series=[Series("Sáng kiến", [3, 1234, 5]), Series("Mô hình", [0, 2, 1])],
        title="Theo tháng",
    )

    root = parse(chart)

    points = list(root.iter(f"{SVG}circle"))
    assert len(points) == 6
    assert points[1].find(f"{SVG}title").text == "Sáng kiến — T2/2025: 1.234"
    assert len(list(root.iter(f"{SVG}polyline"))) == 2


def test_tallest_stacked_bar_matches_the_largest_stack_sum():
    chart = bar_chart(
        categories=["Xã A", "Xã B", "Xã C"],
        series=[Series("Cấp xã", [10, 30, 5]), Series("Cấp tỉnh", [25, 12, 0])],
        title="Mô hình",
    )

    root = parse(chart)

    ticks = tick_positions(root)
    assert list(ticks) == ["0", "10", "20", "30", "40", "50"]
    per_unit = (ticks["0"] - ticks["50"]) / 50
    heights = [sum(float(r.get("height")) for r in rects) for rects in bar_groups(root)]
    assert heights.index(max(heights)) == 1  # 30 + 12 = 42 beats 10 + 25 = 35
    assert max(heights) == pytest.approx(42 * per_unit, abs=0.2)
    assert heights[0] == pytest.approx(35 * per_unit, abs=0.2)
    # Each segment starts where the one below it ended.
    lower, upper = bar_groups(root)[1]
    assert float(upper.get("y")) + float(upper.get("height")) == pytest.approx(
        float(lower.get("y")), abs=0.1
    )


def test_side_by_side_bars_scale_to_the_largest_single_value():
    chart = bar_chart(
        categories=["Xã A", "Xã B"],
        series=[Series("S1", [10, 30]), Series("S2", [25, 12])],
        title="Mô hình",
        stacked=False,
    )

    root = parse(chart)

    assert list(tick_positions(root)) == ["0", "10", "20", "30"]  # not 0…50 as when stacked


def test_horizontal_bars_grow_to_the_right_in_proportion():
    chart = bar_chart(
        categories=["Xã A", "Xã B"],
        series=[Series("S", [40, 20])],
        title="Mô hình",
        horizontal=True,
    )

    root = parse(chart)

    widths = [float(rects[0].get("width")) for rects in bar_groups(root)]
    assert widths[0] == pytest.approx(2 * widths[1], abs=0.2)


def test_axis_at_least_keeps_the_mark_when_no_bar_reaches_it():
    def widths(**extra):
        chart = bar_chart(
            categories=["Chỉ tiêu A", "Chỉ tiêu B"],
            series=[Series("%", [50, 25])],
            title="Tiến độ",
            horizontal=True,
            **extra,
        )
        return [float(rects[0].get("width")) for rects in bar_groups(parse(chart))]

    free, stretched = widths(), widths(axis_at_least=100)

    # Scaled to 100 the 50 % bar takes about half the room it takes when 50 ends the axis (the
    # wider "100" tick label narrows the plot a little).
    assert stretched[0] == pytest.approx(free[0] / 2, rel=0.02)
    assert stretched[0] == pytest.approx(2 * stretched[1], abs=0.2)


@pytest.mark.parametrize(
    ("low", "high", "integer", "expected"),
    [
        (0, 87, False, [0, 20, 40, 60, 80, 100]),
        (0, 100, False, [0, 20, 40, 60, 80, 100]),
        (0, 3, True, [0, 1, 2, 3]),
        (0, 0.7, False, [0, 0.2, 0.4, 0.6, 0.8]),
        (0, 1_234_567, False, [0, 250_000, 500_000, 750_000, 1_000_000, 1_250_000]),
        (-12, 30, True, [-20, -10, 0, 10, 20, 30]),
        (0, 0, True, [0, 1]),
    ],
)
def test_nice_ticks_use_round_steps(low, high, integer, expected):
    assert nice_ticks(low, high, integer=integer) == expected


def test_small_whole_numbers_never_get_half_ticks():
    chart = bar_chart(categories=["A", "B"], series=[Series("S", [1, 2])], title="T")

    assert list(tick_positions(parse(chart))) == ["0", "1", "2"]


def test_fractional_ticks_keep_their_decimals():
    chart = bar_chart(categories=["A"], series=[Series("S", [Decimal("0.7")])], title="T")

    assert list(tick_positions(parse(chart))) == ["0,0", "0,2", "0,4", "0,6", "0,8"]


@pytest.mark.parametrize(
    ("categories", "series"),
    [([], []), (["A", "B"], []), (["A", "B"], [Series("S", [0, 0]), Series("T", [None, 0])])],
)
def test_no_data_shows_a_message_instead_of_bars(categories, series):
    chart = bar_chart(categories=categories, series=series, title="Trống")

    root = parse(chart)

    assert chart.is_empty
    assert not bar_groups(root)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "No data" in texts
    assert root.find(f"{SVG}desc").text == "No data"


def test_empty_line_chart_shows_the_message_too():
    chart = line_chart(x_labels=["T1"], series=[Series("S", [0])], title="Trống")

    assert "No data" in str(chart)
    assert "<polyline" not in str(chart)


def test_link_for_wraps_each_category_bar_in_a_link():
    chart = bar_chart(
        categories=["Xã A", "Xã B"],
        series=[Series("S1", [1, 2]), Series("S2", [3, 0])],
        title="T",
        link_for=lambda i: f"/units/{i}/",
    )

    root = parse(chart)

    links = list(root.iter(f"{SVG}a"))
    assert [a.get("href") for a in links] == ["/units/0/", "/units/1/"]
    assert [a.get("aria-label") for a in links] == ["Xã A", "Xã B"]
    assert len(links[0].findall(f".//{SVG}rect")) == 2
    # Links inside role="img" are hidden from assistive technology.
    assert root.get("role") == "group"


def test_without_link_for_there_are_no_links():
    chart = bar_chart(categories=["Xã A"], series=[Series("S", [1])], title="T")

    assert not list(parse(chart).iter(f"{SVG}a"))


def test_long_labels_are_cut_with_an_ellipsis_and_kept_whole_in_a_title():
    name = "Ủy ban Mặt trận Tổ quốc Việt Nam phường Đông Triều mới thành lập"

    chart = bar_chart(categories=[name, "B", "C"], series=[Series("S", [1, 2, 3])], title="T")

    root = parse(chart)
    labels = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "chart-labels")
    first = labels[0]
    assert first.find(f"{SVG}title").text == name
    shown = first.find(f"{SVG}text").text
    assert shown.endswith("…")
    assert name.startswith(shown[:-1])
    assert labels[1].tag == f"{SVG}text"  # short labels are not wrapped


def test_tooltips_legend_and_table_use_vietnamese_numbers():
    chart = bar_chart(
        categories=["Xã A", "Xã B"],
        series=[Series("Kinh phí", [1_500_000, 250_000]), Series("Vận động", [0, 1_000])],
        title="Kinh phí",
        value_format=format_money,
        category_label="Đơn vị",
    )

    root = parse(chart)
    table = chart.table()

    legend = [
        t.text
        for g in root.iter(f"{SVG}g")
        if g.get("class") == "chart-legend-item"
        for t in g.iter(f"{SVG}text")
    ]
    assert legend == ["Kinh phí", "Vận động"]
    tips = {t.text for r in root.iter(f"{SVG}rect") if (t := r.find(f"{SVG}title")) is not None}
    assert "Kinh phí — Xã A: 1.500.000 đ" in tips
    assert table.headers == ["Đơn vị", "Kinh phí", "Vận động", "Total"]
    assert [row.label for row in table.rows] == ["Xã A", "Xã B"]
    assert table.rows[0].values == ["1.500.000 đ", "0 đ", "1.500.000 đ"]
    assert table.rows[1].values == ["250.000 đ", "1.000 đ", "251.000 đ"]


def test_series_with_the_wrong_number_of_values_is_refused():
    with pytest.raises(ValueError, match="2 values for 3 categories"):
        bar_chart(categories=["A", "B", "C"], series=[Series("S", [1, 2])], title="T")


def test_partial_renders_the_chart_and_a_data_table_with_links():
    chart = bar_chart(
        categories=["Xã <A>", "Xã B"],
        series=[Series("S", [1, 2])],
        title="Mô hình",
        link_for=lambda i: f"/units/{i}/",
    )

    html = render_to_string("core/partials/chart.html", {"chart": chart})

    assert html.count("<svg") == 1
    assert "Show data table" in html
    assert '<a href="/units/0/">Xã &lt;A&gt;</a>' in html
    assert '<td class="num">2</td>' in html


def test_partial_leaves_out_the_table_when_there_is_no_data():
    chart = bar_chart(categories=["A"], series=[Series("S", [0])], title="Trống")

    html = render_to_string("core/partials/chart.html", {"chart": chart})

    assert "No data" in html
    assert "Show data table" not in html
