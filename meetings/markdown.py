"""Minutes are written in Markdown and shown as HTML that cannot carry scripts or styles."""

import markdown as markdown_lib
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "code", "pre", "blockquote",
    "ul", "ol", "li", "h2", "h3", "h4", "h5", "h6", "a",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}, "td": set()}
# Headings start at level 2: the page's own h1 is the meeting title.
HEADING_SHIFT = 1


def render_markdown(text: str) -> SafeString:
    html = markdown_lib.markdown(
        text or "",
        extensions=["tables", "sane_lists", "nl2br"],
        output_format="html",
    )
    for level in range(6, 0, -1):
        shifted = min(level + HEADING_SHIFT, 6)
        html = html.replace(f"<h{level}>", f"<h{shifted}>").replace(f"</h{level}>", f"</h{shifted}>")
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(cleaned)  # noqa: S308 - sanitised by nh3 just above
