"""Server-rendered SVG charts: no JavaScript, no third-party request, printable in the PDF.

Each function returns markup marked safe (all text is escaped here) with a <title> and
<desc> for screen readers, plus the numbers as text labels so the chart is readable in print.
"""

import math
from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import mark_safe

PALETTE = ["#1f5f3a", "#8a5a00", "#1c4f8a", "#7a1f5f", "#4d4d4d"]
FONT = 'font-family="DejaVu Sans, Arial, sans-serif"'
AXIS_FONT_SIZE = 10
# Widest digit/separator of DejaVu Sans and Arial is about 0.64 em: an upper bound for label widths.
CHAR_WIDTH_EM = 0.64
MIN_LEFT_MARGIN = 44
# Axis maxima are the smallest of these (times a power of ten) at or above the largest value.
NICE_STEPS = ("1", "1.2", "1.5", "2", "2.5", "3", "4", "5", "6", "8", "10")
# Below this width per bar (in viewBox units) the value above each bar would overlap its
# neighbours: values are then left to the <desc> (and the table beside the chart), and only
# every n-th category label is drawn. This also keeps charts of hundreds of bars cheap to print.
MIN_LABELLED_SLOT = 20


def _fmt(value, decimals: int | None = None) -> str:
    """A number as the reader expects it in the current language: 1.067.931 and 12,5 in German.
    Whole numbers without decimals and others with one, unless `decimals` fixes the number."""
    if value is None:
        return "–"
    if decimals is not None:
        places = Decimal(1).scaleb(-decimals)
        number = Decimal(str(value)).quantize(places, rounding=ROUND_HALF_UP)
        return number_format(number, decimals, force_grouping=True)
    if isinstance(value, int) and -1000 < value < 1000:
        return str(value)  # no separator in either language: the common case, without the lookup
    number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    if number == number.to_integral_value():
        return number_format(number.quantize(Decimal(1)), 0, force_grouping=True)
    return number_format(number.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP), 1, force_grouping=True)


def _floats(values) -> list:
    # Ints, floats and Decimals (from DecimalFields) alike; None stays a gap.
    return [None if v is None else float(v) for v in values]


def _nice_max(values) -> float:
    """A round axis maximum close above the data (1,102,400 → 1,200,000, not 2,000,000)."""
    top = max((v for v in values if v is not None), default=0)
    if top <= 0:
        return 1
    magnitude = Decimal(10) ** max(math.floor(math.log10(top)), 0)
    return next(float(Decimal(step) * magnitude) for step in NICE_STEPS if Decimal(step) * magnitude >= top)


def _left_margin(axis_labels) -> int:
    """Room for the right-aligned y-axis labels, so "2.000.000" is not cut off at the left edge."""
    widest = max(len(label) for label in axis_labels) * CHAR_WIDTH_EM * AXIS_FONT_SIZE
    return max(MIN_LEFT_MARGIN, math.ceil(widest) + 12)


def _axis_label(left, y, text) -> str:
    return f'<text x="{left - 6}" y="{y}" {FONT} font-size="{AXIS_FONT_SIZE}" text-anchor="end">{text}</text>'


def bar_chart(
    labels, values, *, title: str, width: int = 640, height: int = 260, unit: str = "", decimals=None
):
    """Vertical bars, one per label; `values` may contain None (shown as a gap). `decimals` fixes
    the decimals of the values shown (survey means: "4,0" beside "4,3", not "4").

    The axis starts at zero: negative values are labelled but drawn without a bar.
    """
    labels, values = list(labels), list(values)
    numbers = _floats(values)
    maximum = _nice_max(numbers)
    left, right, top, bottom = _left_margin([_fmt(maximum), "0"]), 10, 28, 48
    plot_w, plot_h = width - left - right, height - top - bottom
    slot = plot_w / max(len(values), 1)
    bar_w = max(min(slot * 0.7, 60), 2)
    show_values = slot >= MIN_LABELLED_SLOT
    label_every = 1 if show_values else math.ceil(MIN_LABELLED_SLOT * 2 / slot)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-label="{escape(title)}" class="chart">',
        f"<title>{escape(title)}</title>",
        "<desc>"
        + escape(
            "; ".join(f"{lab}: {_fmt(val, decimals)}{unit}" for lab, val in zip(labels, values, strict=True))
        )
        + "</desc>",
        f'<text x="{left}" y="16" {FONT} font-size="13" font-weight="bold">{escape(title)}</text>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" stroke="#333"/>',
        _axis_label(left, top + 4, _fmt(maximum)),
        _axis_label(left, top + plot_h, "0"),
    ]
    for index, (label, value, number) in enumerate(zip(labels, values, numbers, strict=True)):
        x = left + index * slot + (slot - bar_w) / 2
        centre = x + bar_w / 2
        if value is not None:
            bar_h = plot_h * max(number, 0) / maximum
            y = top + plot_h - bar_h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" '
                f'height="{bar_h:.1f}" fill="{PALETTE[0]}"/>'
            )
            if show_values:
                parts.append(
                    f'<text x="{centre:.1f}" y="{y - 3:.1f}" {FONT} font-size="10" '
                    f'text-anchor="middle">{escape(_fmt(value, decimals))}</text>'
                )
        if index % label_every == 0:
            parts.append(
                f'<text x="{centre:.1f}" y="{top + plot_h + 14}" {FONT} font-size="10" '
                f'text-anchor="middle">{escape(str(label))}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above


def line_chart(labels, series: dict, *, title: str, width: int = 640, height: int = 260, unit: str = ""):
    """One line per series (e.g. {"Soll": [...], "Ist": [...]}) over the labels (e.g. years).

    The axis starts at zero: negative values are labelled but drawn on the zero line.
    """
    labels = list(labels)
    all_values = _floats(v for values in series.values() for v in values)
    maximum = _nice_max(all_values)
    left, right, top, bottom = _left_margin([_fmt(maximum), "0"]), 10, 28, 62
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(len(labels) - 1, 1)

    def point(index, value):
        return left + index * step, top + plot_h - plot_h * max(float(value), 0) / maximum

    desc = "; ".join(
        f"{name}: " + ", ".join(f"{lab} {_fmt(v)}{unit}" for lab, v in zip(labels, values, strict=True))
        for name, values in series.items()
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-label="{escape(title)}" class="chart">',
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>",
        f'<text x="{left}" y="16" {FONT} font-size="13" font-weight="bold">{escape(title)}</text>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" stroke="#333"/>',
        _axis_label(left, top + 4, _fmt(maximum)),
        _axis_label(left, top + plot_h, "0"),
    ]
    for index, label in enumerate(labels):
        x = left + index * step
        parts.append(
            f'<text x="{x:.1f}" y="{top + plot_h + 14}" {FONT} font-size="10" '
            f'text-anchor="middle">{escape(str(label))}</text>'
        )
    for number, (name, values) in enumerate(series.items()):
        colour = PALETTE[number % len(PALETTE)]
        dash = ' stroke-dasharray="6 4"' if number % 2 else ""
        segment = []
        for index, value in enumerate(values):
            if value is None:
                if len(segment) > 1:
                    parts.append(_polyline(segment, colour, dash))
                segment = []
                continue
            x, y = point(index, value)
            segment.append((x, y))
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>')
        if len(segment) > 1:
            parts.append(_polyline(segment, colour, dash))
        legend_x = left + number * 150
        parts.append(
            f'<line x1="{legend_x}" y1="{height - 12}" x2="{legend_x + 24}" y2="{height - 12}" '
            f'stroke="{colour}" stroke-width="2"{dash}/>'
            f'<text x="{legend_x + 30}" y="{height - 8}" {FONT} font-size="11">{escape(name)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above


def _polyline(points, colour, dash):
    coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    return f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>'
