"""Server-rendered SVG charts: well-formed XML, escaped text, gaps for missing values."""

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.safestring import SafeString

from regionalbuendnis.charts import bar_chart, line_chart

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup):
    assert isinstance(markup, SafeString)
    root = ET.fromstring(str(markup))
    assert root.tag == f"{SVG}svg"
    return root


def texts(root):
    return [element.text for element in root.iter(f"{SVG}text")]


def rects(root):
    return list(root.iter(f"{SVG}rect"))


class TestBarChart:
    def test_bars_labels_and_accessible_names(self):
        root = parse(bar_chart(["2023", "2024", "2025"], [3, 4, 2], title="Treffen pro Jahr"))
        assert root.get("role") == "img"
        assert root.get("aria-label") == "Treffen pro Jahr"
        assert root.find(f"{SVG}title").text == "Treffen pro Jahr"
        assert root.find(f"{SVG}desc").text == "2023: 3; 2024: 4; 2025: 2"
        assert len(rects(root)) == 3
        assert {"2023", "2024", "2025", "3", "4", "2"} <= set(texts(root))

    def test_hundreds_of_bars_keep_every_bar_and_value_but_thin_the_text(self):
        labels = [f"{day:03d}" for day in range(200)]
        values = [day % 17 for day in range(200)]
        root = parse(bar_chart(labels, values, title="Mitglieder je Treffen"))
        assert len(rects(root)) == 200
        assert root.find(f"{SVG}desc").text.startswith("000: 0; 001: 1; 002: 2")
        shown = texts(root)[3:]  # after the title and the two axis labels
        assert 5 <= len(shown) <= 25
        assert set(shown) <= set(labels)
        assert shown[0] == "000"

    def test_bar_heights_are_proportional_and_inside_the_plot(self):
        root = parse(bar_chart(["a", "b"], [5, 10], title="t", height=260))
        heights = [float(r.get("height")) for r in rects(root)]
        assert heights[1] == pytest.approx(2 * heights[0])
        for rect in rects(root):
            assert float(rect.get("y")) >= 0
            assert float(rect.get("y")) + float(rect.get("height")) <= 260

    def test_text_is_escaped(self):
        evil = '<script>alert("x")</script> & Co'
        markup = bar_chart([evil], [1], title=evil, unit=" <t>")
        root = parse(markup)
        assert "<script>" not in str(markup)
        assert root.find(f"{SVG}title").text == evil
        assert evil in texts(root)
        assert root.get("aria-label") == evil

    def test_none_is_a_gap_not_a_zero_bar(self):
        root = parse(bar_chart(["2023", "2024", "2025"], [3, None, 2], title="t"))
        assert len(rects(root)) == 2
        assert "2024: –" in root.find(f"{SVG}desc").text

    @pytest.mark.parametrize("values", [[], [None, None], [0, 0]])
    def test_empty_or_all_zero_data_still_renders(self, values):
        labels = [str(i) for i in range(len(values))]
        root = parse(bar_chart(labels, values, title="Keine Daten"))
        assert all(float(r.get("height")) == 0 for r in rects(root))

    def test_decimal_and_float_values(self):
        root = parse(bar_chart(["a", "b", "c"], [Decimal("12.50"), 3.25, 7], title="t", unit=" t"))
        assert len(rects(root)) == 3
        assert root.find(f"{SVG}desc").text == "a: 12,5 t; b: 3,3 t; c: 7 t"

    def test_numbers_use_the_german_decimal_comma(self):
        with translation.override("de"):
            root = parse(bar_chart(["a"], [Decimal("12.5")], title="t"))
        assert "12,5" in texts(root)

    def test_fixed_decimals_show_whole_numbers_alike(self):
        """Survey means: "4,0" beside "4,3" (and in the accessible description), not "4"."""
        with translation.override("de"):
            root = parse(bar_chart(["F1", "F2"], [4.0, Decimal("4.25")], title="t", decimals=1))
        assert {"4,0", "4,3"} <= set(texts(root))
        assert "F1: 4,0; F2: 4,3" in root.find(f"{SVG}desc").text

    def test_large_numbers_are_grouped(self):
        with translation.override("de"):
            root = parse(bar_chart(["2024"], [1_067_931], title="km"))
        assert "1.067.931" in texts(root)
        with translation.override("en"):
            root = parse(bar_chart(["2024"], [1_067_931.0], title="km"))
        assert "1,067,931" in texts(root)

    def test_negative_values_do_not_produce_invalid_rectangles(self):
        root = parse(bar_chart(["a", "b"], [-3, 5], title="t"))
        assert all(float(r.get("height")) >= 0 for r in rects(root))
        assert "-3" in texts(root)
        parse(bar_chart(["a"], [-3], title="only negative"))


class TestLineChart:
    def test_one_polyline_per_series_and_legend(self):
        root = parse(
            line_chart(["2022", "2023", "2024"], {"Soll": [4, 4, 4], "Ist": [3, 4, 5]}, title="Treffen")
        )
        assert len(list(root.iter(f"{SVG}polyline"))) == 2
        assert {"Soll", "Ist", "2022", "2024"} <= set(texts(root))
        assert root.find(f"{SVG}desc").text == "Soll: 2022 4, 2023 4, 2024 4; Ist: 2022 3, 2023 4, 2024 5"

    def test_none_splits_the_line(self):
        root = parse(line_chart(["1", "2", "3", "4", "5"], {"Ist": [1, 2, None, 4, 5]}, title="t"))
        assert len(list(root.iter(f"{SVG}polyline"))) == 2
        assert len(list(root.iter(f"{SVG}circle"))) == 4

    def test_single_points_and_empty_series(self):
        parse(line_chart(["2024"], {"Ist": [7]}, title="t"))
        parse(line_chart([], {}, title="t"))
        root = parse(line_chart(["a", "b"], {"Ist": [None, None]}, title="t"))
        assert list(root.iter(f"{SVG}polyline")) == []

    def test_series_names_and_labels_are_escaped(self):
        markup = line_chart(["<b>"], {"A & <B>": [1]}, title="x<y")
        root = parse(markup)
        assert "A & <B>" in texts(root)
        assert "<b>" in texts(root)

    def test_decimal_values(self):
        root = parse(line_chart(["2023", "2024"], {"t CO2": [Decimal("176.9"), Decimal("177.2")]}, title="t"))
        assert len(list(root.iter(f"{SVG}circle"))) == 2

    def test_points_stay_inside_the_drawing(self):
        root = parse(line_chart(["a", "b", "c"], {"x": [0, 50, 100]}, title="t", width=640, height=260))
        for circle in root.iter(f"{SVG}circle"):
            assert 0 <= float(circle.get("cx")) <= 640
            assert 0 <= float(circle.get("cy")) <= 260

    def test_series_length_must_match_the_labels(self):
        with pytest.raises(ValueError):
            line_chart(["a", "b"], {"x": [1]}, title="t")


def axis_labels(root):
    """The y-axis labels: right-aligned texts left of the plot."""
    return [t for t in root.iter(f"{SVG}text") if t.get("text-anchor") == "end"]


# An upper bound for the width of a digit or separator at the axis font size (0.64 em of 10 px).
MAX_CHAR_WIDTH = 6.4


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize(
    "render",
    [
        lambda values: bar_chart(["2023", "2024", "2025"], values, title="km"),
        lambda values: line_chart(["2023", "2024", "2025"], {"Soll": values, "Ist": values}, title="km"),
    ],
    ids=["bar", "line"],
)
def test_axis_labels_in_the_millions_fit_inside_the_drawing(render, language):
    with translation.override(language):
        root = parse(render([1_010_400, 1_067_931, 1_102_400]))
    labels = axis_labels(root)
    top_label = labels[0]
    assert top_label.text in {"1.200.000", "1,200,000"}
    for label in labels:
        # Right-aligned at x: the text runs from x - width to x and must not start left of 0.
        assert float(label.get("x")) - len(label.text) * MAX_CHAR_WIDTH >= 0
    axis = next(root.iter(f"{SVG}line"))
    assert float(axis.get("x1")) > float(top_label.get("x"))


def test_small_values_keep_the_narrow_margin():
    root = parse(bar_chart(["a"], [7], title="t"))
    assert float(next(root.iter(f"{SVG}line")).get("x1")) == 44


@pytest.mark.parametrize(
    ("largest", "axis_maximum"),
    [(7, "8"), (10, "10"), (11, "12"), (177.3, "200"), (5_480, "6.000"), (1_102_400, "1.200.000")],
)
def test_axis_maximum_is_a_round_number_close_above_the_data(largest, axis_maximum):
    with translation.override("de"):
        root = parse(bar_chart(["a", "b"], [1, largest], title="t"))
    assert axis_labels(root)[0].text == axis_maximum
    heights = [float(r.get("height")) for r in rects(root)]
    # The largest bar fills more than half of the plot: the axis is not twice the data.
    assert heights[1] > (260 - 28 - 48) / 2
