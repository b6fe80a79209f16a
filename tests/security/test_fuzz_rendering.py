"""Text people type ends up in HTML and SVG: fuzzing that it never becomes markup or script."""

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from meetings.markdown import render_markdown
from regionalbuendnis.charts import bar_chart, line_chart

# XML 1.0 allows no control characters; Django forms strip them in practice.
text = st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=80)
attacks = st.sampled_from(
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[klick](javascript:alert(1))",
        "<a href='data:text/html,<script>alert(1)</script>'>x</a>",
        '<svg onload="alert(1)">',
        "<style>body{display:none}</style>",
        '"><iframe src="https://evil.example">',
        '<p style="background:url(javascript:alert(1))">x</p>',
        "&lt;script&gt;",
        "]]><script>",
    ]
)
hostile = st.lists(st.one_of(text, attacks), min_size=1, max_size=6).map("\n".join)
SAFE_TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "code", "pre", "blockquote",
    "ul", "ol", "li", "h2", "h3", "h4", "h5", "h6", "a", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
SAFE_ATTRIBUTES = {"href", "title", "rel", "scope"}


class Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


@settings(max_examples=300, deadline=None)
@given(minutes=hostile)
def test_minutes_markdown_never_carries_script_or_style(minutes):
    html = str(render_markdown(minutes))
    parser = Elements()
    parser.feed(html)
    for tag, attributes in parser.found:
        assert tag in SAFE_TAGS, html
        assert set(attributes) <= SAFE_ATTRIBUTES, html
        href = (attributes.get("href") or "").strip().lower()
        assert not href or re.match(r"(https?:|mailto:|[^:]*$)", href), html


@settings(max_examples=200, deadline=None)
@given(labels=st.lists(hostile, min_size=1, max_size=5), title=hostile, unit=st.one_of(text, attacks))
def test_chart_labels_are_text_in_well_formed_svg(labels, title, unit):
    values = list(range(len(labels)))
    for svg in (
        bar_chart(labels, values, title=title, unit=unit),
        line_chart(labels, {title: values, "Ist": values}, title=title, unit=unit),
    ):
        root = ET.fromstring(str(svg))  # well-formed: nothing broke out of an attribute or element
        tags = {element.tag.split("}")[-1] for element in root.iter()}
        assert tags <= {
            "svg",
            "title",
            "desc",
            "g",
            "rect",
            "line",
            "text",
            "polyline",
            "circle",
            "path",
            "tspan",
        }
        for element in root.iter():
            assert not any(name.lower().startswith("on") for name in element.attrib), element.attrib
