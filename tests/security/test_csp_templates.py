"""The CSP forbids inline script and style: no template may rely on them.

Rendered pages are checked in tests/regionalbuendnis/test_layout.py for a few URLs; this scans every
template the app renders (ours and the crispy form pack), so a new page cannot slip through.
"""

import re
from pathlib import Path

import crispy_bootstrap5
import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
INLINE = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
    "style element": re.compile(r"<style\b", re.IGNORECASE),
    "style attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "event handler": re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
    "third-party origin": re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.IGNORECASE),
}


def is_outside_the_browser(path: Path) -> bool:
    """E-mails are read in mail clients and the report PDF is drawn by WeasyPrint: no CSP there,
    and both need their styles inline."""
    return "email" in path.parts or path.name.endswith("_pdf.html")


def template_files():
    folders = [
        ROOT / "templates",
        *ROOT.glob("*/templates"),
        Path(crispy_bootstrap5.__file__).parent / "templates",
    ]
    return sorted(
        path
        for folder in folders
        for path in folder.rglob("*")
        if path.suffix in {".html", ".svg"} and not is_outside_the_browser(path)
    )


def problems(text: str) -> list[str]:
    return [name for name, pattern in INLINE.items() if pattern.search(text)]


def test_no_template_needs_what_the_policy_blocks():
    files = template_files()
    assert len(files) > 100
    found = {str(path.relative_to(path.parents[2])): problems(path.read_text()) for path in files}
    assert {name: kinds for name, kinds in found.items() if kinds} == {}


@pytest.mark.parametrize(
    ("snippet", "kind"),
    [
        ("<script>alert(1)</script>", "inline script"),
        ('<script type="module">x()</script>', "inline script"),
        ("<style>p{}</style>", "style element"),
        ('<p style="color:red">', "style attribute"),
        ('<button onclick="go()">', "event handler"),
        ('<a href="javascript:go()">', "javascript: URL"),
        ('<script src="https://cdn.example/x.js"></script>', "third-party origin"),
        ('<link href="//fonts.example/f.css">', "third-party origin"),
    ],
)
def test_the_scan_recognises_each_kind(snippet, kind):
    assert kind in problems(snippet)


def test_the_scan_accepts_what_the_templates_do():
    assert problems('<script src="{% static \'app.js\' %}" defer></script><a href="/x" class="y">') == []
