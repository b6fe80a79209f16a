"""The German catalogs: complete, nothing fuzzy, and one German wording per English msgid.

Django merges every app's catalog into one; for a msgid found in several, the first catalog wins
(LOCALE_PATHS, then INSTALLED_APPS in order), so a second wording silently never shows up.
"""

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGS = sorted(
    path for path in ROOT.rglob("*.po") if not {".venv", "node_modules"} & set(path.relative_to(ROOT).parts)
)


def parse_po(path: Path) -> list[dict]:
    """Entries of a .po file as {"msgctxt", "msgid", "msgid_plural", "msgstr...", "flags"}."""
    entries, current, flags, key = [], {}, set(), None

    def finish():
        nonlocal current, flags
        if "msgid" in current:
            entries.append({**current, "flags": flags})
        current, flags = {}, set()

    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#~"):
            if not line:
                finish()
            continue
        if line.startswith("#,"):
            finish()
            flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            current[key] += ast.literal_eval(line)
        else:
            key, _, value = line.partition(" ")
            if key in ("msgctxt", "msgid") and "msgid" in current:
                finish()
            current[key] = ast.literal_eval(value)
    finish()
    return [entry for entry in entries if entry["msgid"]]


def translations(entry) -> tuple[str, ...]:
    return tuple(value for key, value in sorted(entry.items()) if key.startswith("msgstr"))


def test_the_catalogs_are_found():
    names = {str(path.relative_to(ROOT)) for path in CATALOGS}
    assert "locale/de/LC_MESSAGES/django.po" in names
    assert "members/locale/de/LC_MESSAGES/django.po" in names


@pytest.mark.parametrize("catalog", CATALOGS, ids=lambda path: str(path.relative_to(ROOT).parts[0]))
def test_every_entry_is_translated_and_none_is_fuzzy(catalog):
    entries = parse_po(catalog)
    assert entries
    fuzzy = [entry["msgid"] for entry in entries if "fuzzy" in entry["flags"]]
    empty = [entry["msgid"] for entry in entries if "" in translations(entry)]
    assert fuzzy == []
    assert empty == []


def test_a_msgid_has_one_german_wording_across_all_catalogs():
    wordings = defaultdict(dict)
    for catalog in CATALOGS:
        for entry in parse_po(catalog):
            key = (entry.get("msgctxt"), entry["msgid"], entry.get("msgid_plural"))
            wordings[key][str(catalog.relative_to(ROOT))] = translations(entry)
    conflicts = {
        key[1]: per_catalog for key, per_catalog in wordings.items() if len(set(per_catalog.values())) > 1
    }
    assert conflicts == {}


def test_the_parser_sees_fuzzy_empty_plural_and_context(tmp_path):
    sample = tmp_path / "django.po"
    sample.write_text(
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        '#, fuzzy\nmsgid "Search"\nmsgstr "Suche"\n\n'
        'msgctxt "button"\nmsgid "Search"\nmsgstr ""\n\n'
        'msgid "one member"\nmsgid_plural "%(n)s members"\nmsgstr[0] "ein Mitglied"\n'
        'msgstr[1] ""\n"%(n)s Mitglieder"\n\n'
        '#~ msgid "Old"\n#~ msgstr "Alt"\n',
        encoding="utf-8",
    )
    entries = parse_po(sample)
    assert [(e.get("msgctxt"), e["msgid"], translations(e)) for e in entries] == [
        (None, "Search", ("Suche",)),
        ("button", "Search", ("",)),
        (None, "one member", ("ein Mitglied", "%(n)s Mitglieder")),
    ]
    assert "fuzzy" in entries[0]["flags"] and not entries[1]["flags"]
