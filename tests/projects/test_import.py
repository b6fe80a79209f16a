"""Importing indicator values from CSV/XLSX: all or nothing, every bad row with its line number."""

import html
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from projects import services
from projects.imports import parse_decimal
from tests.factories.projects import IndicatorFactory, IndicatorValueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def kilometres(project):
    return IndicatorFactory(project=project, name="Geradelte Kilometer", unit="km")


def csv_file(text, name="werte.csv", encoding="utf-8"):
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def xlsx_file(rows, name="werte.xlsx"):
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/octet-stream")


def _values(indicator):
    return {(v.year, v.organisation_id): (v.target, v.actual) for v in indicator.values.all()}


def test_csv_with_german_numbers_and_semicolons(kilometres, coordinator, member_a):
    upload = csv_file(
        "Jahr;Kommune;Soll;Ist;Einheit\n"
        "2023;Region;1.000.000;1.010.400;km\n"
        "2024;;1050000;1067931,5;km\n"
        "2024;Detmold;;163512;km\n"
    )
    count = services.indicator_values_import(indicator=kilometres, upload=upload, updated_by=coordinator)
    assert count == 3
    assert _values(kilometres) == {
        (2023, None): (Decimal("1000000"), Decimal("1010400")),
        (2024, None): (Decimal("1050000"), Decimal("1067931.5")),
        (2024, member_a.pk): (None, Decimal("163512")),
    }


def test_xlsx_with_english_headings_and_cp1252_free_names(kilometres, coordinator, member_a):
    upload = xlsx_file(
        [["Year", "Organisation", "Target", "Actual"], [2024, "Stadt Detmold", 150000, 163512.5]]
    )
    assert services.indicator_values_import(indicator=kilometres, upload=upload, updated_by=coordinator) == 1
    assert _values(kilometres) == {(2024, member_a.pk): (Decimal("150000"), Decimal("163512.5"))}


def test_a_csv_in_windows_encoding_with_umlauts(project, coordinator, member_c):
    project.participants.add(member_c)
    indicator = IndicatorFactory(project=project, unit="km")
    upload = csv_file("Jahr;Kommune;Ist\n2024;Dörentrup;1234\n", encoding="cp1252")
    services.indicator_values_import(indicator=indicator, upload=upload, updated_by=coordinator)
    assert _values(indicator) == {(2024, member_c.pk): (None, Decimal("1234"))}


def test_an_import_keeps_values_of_columns_it_does_not_have(kilometres, coordinator):
    IndicatorValueFactory(indicator=kilometres, year=2024, target=Decimal("5"), actual=Decimal("1"))
    services.indicator_values_import(
        indicator=kilometres, upload=csv_file("Jahr,Kommune,Ist\n2024,Region,7\n"), updated_by=coordinator
    )
    assert _values(kilometres) == {(2024, None): (Decimal("5"), Decimal("7"))}


def test_every_bad_row_is_reported_with_its_line_and_nothing_is_saved(kilometres, coordinator, member_b):
    IndicatorValueFactory(indicator=kilometres, year=2020, target=Decimal("1"), actual=Decimal("1"))
    upload = csv_file(
        "Jahr;Kommune;Soll;Ist;Einheit\n"
        "2023;Region;1000;1100;km\n"  # line 2: fine
        "2024;Region;1000;viel;km\n"  # line 3: not a number
        "2024;Atlantis;1;2;km\n"  # line 4: unknown organisation
        "2024;Detmold;1;2;t CO2\n"  # line 5: unit mismatch
        "2015;Region;1;2;km\n"  # line 6: before the project's start (2016)
        "\n"  # line 7: empty, skipped
        "2023;Region;5;6;km\n"  # line 8: second row for 2023 / region
        "zwanzig;Region;1;2;km\n"  # line 9: not a year
        "2024;Lemgo;1;2;km\n"  # line 10: does not take part
    )
    with pytest.raises(ValidationError) as error:
        services.indicator_values_import(indicator=kilometres, upload=upload, updated_by=coordinator)
    messages = error.value.message_dict["file"]
    assert [message.split(":")[0] for message in messages] == [
        "Zeile 3",
        "Zeile 4",
        "Zeile 5",
        "Zeile 6",
        "Zeile 8",
        "Zeile 9",
        "Zeile 10",
    ]
    assert messages[0] == "Zeile 3: der Istwert „viel“ ist keine Zahl."
    assert messages[1] == "Zeile 4: unbekannte Organisation „Atlantis“."
    assert messages[2] == "Zeile 5: die Einheit „t CO2“ passt nicht zur Einheit der Kennzahl „km“."
    assert messages[3] == "Zeile 6: 2015 liegt vor dem Projektbeginn (2016)."
    assert "Zeile 2" in messages[4]
    assert _values(kilometres) == {(2020, None): (Decimal("1"), Decimal("1"))}


def test_line_numbers_of_an_xlsx_are_the_sheet_rows(kilometres, coordinator):
    upload = xlsx_file(
        [["Jahr", "Kommune", "Ist"], [2023, "Region", 1], [None, None, None], [2024, "Region", "x"]]
    )
    with pytest.raises(ValidationError) as error:
        services.indicator_values_import(indicator=kilometres, upload=upload, updated_by=coordinator)
    assert error.value.message_dict["file"] == ["Zeile 4: der Istwert „x“ ist keine Zahl."]
    assert not kilometres.values.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Die Datei ist leer."),
        (b"Name;Wert\nA;1\n", "Die erste Zeile muss die Spalten benennen"),
        (b"Jahr;Kommune;Ist\n", "Die Datei enthält keine Werte."),
        (b"%PDF-1.4\n%%EOF\n", "Importiert werden können nur CSV-Dateien und Excel-Dateien (.xlsx)."),
    ],
)
def test_unusable_files_are_refused(kilometres, coordinator, content, message):
    with pytest.raises(ValidationError) as error:
        services.indicator_values_import(
            indicator=kilometres, upload=SimpleUploadedFile("x.csv", content), updated_by=coordinator
        )
    assert error.value.message_dict["file"][0].startswith(message)


def test_the_import_page_lists_the_errors(login, coordinator, kilometres):
    response = login(coordinator).post(
        reverse("projects:indicator_import", args=[kilometres.pk]),
        {"file": csv_file("Jahr;Kommune;Ist;Einheit\n2024;Region;1;kWh\n")},
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Es wurde nichts importiert" in content
    assert "Zeile 2: die Einheit „kWh“ passt nicht" in content
    assert not kilometres.values.exists()


def test_the_import_page_saves_a_good_file(login, coordinator, kilometres):
    response = login(coordinator).post(
        reverse("projects:indicator_import", args=[kilometres.pk]),
        {"file": csv_file("Jahr;Kommune;Soll;Ist\n2024;Region;1000;1100\n")},
    )
    assert response.status_code == 302
    assert _values(kilometres) == {(2024, None): (Decimal("1000"), Decimal("1100"))}


def test_size_limit_for_imports(settings, kilometres, coordinator):
    settings.UPLOAD_MAX_BYTES = 10
    with pytest.raises(ValidationError) as error:
        services.indicator_values_import(
            indicator=kilometres, upload=csv_file("Jahr;Kommune;Ist\n2024;Region;1\n"), updated_by=coordinator
        )
    assert "zu groß" in error.value.message_dict["file"][0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1067931", Decimal("1067931")),
        ("1.067.931", Decimal("1067931")),
        ("1.067.931,25", Decimal("1067931.25")),
        ("12,5", Decimal("12.5")),
        ("12.5", Decimal("12.5")),
        (" 7 ", Decimal("7")),
        ("", None),
        (None, None),
        (12.5, Decimal("12.5")),
    ],
)
def test_number_parsing(text, expected):
    assert parse_decimal(text) == expected


@pytest.mark.parametrize("text", ["viel", "1,2,3", "1e5", "--1", "12 km", True])
def test_non_numbers_are_refused(text):
    with pytest.raises(ValueError):
        parse_decimal(text)


def _import_page(client, indicator, language, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(reverse("projects:indicator_import", args=[indicator.pk])).content.decode()


def _example(page):
    return html.unescape(re.search(r"<code>(.*?)</code>", page, re.S).group(1))


@pytest.mark.parametrize(
    ("language", "headings", "number"),
    [
        ("de", "Jahr;Kommune;Soll;Ist;Einheit", "163512,5"),
        ("en", "year;organisation;target;actual;unit", "163512.5"),
    ],
)
def test_the_example_on_the_import_page_is_in_the_readers_language_and_imports(
    login, coordinator, kilometres, member_a, settings, language, headings, number
):
    IndicatorValueFactory(
        indicator=kilometres, year=2023, target=Decimal("1000000"), actual=Decimal("1010400")
    )
    IndicatorValueFactory(
        indicator=kilometres, year=2024, target=Decimal("1050000"), actual=Decimal("1067931")
    )
    IndicatorValueFactory(
        indicator=kilometres,
        year=2024,
        organisation=member_a,
        target=Decimal("150000"),
        actual=Decimal("163512.5"),
    )
    before = _values(kilometres)
    client = login(coordinator)
    example = _example(_import_page(client, kilometres, language, settings))
    # The indicator's own latest values: numbers of its size, in its unit.
    assert example.splitlines() == [
        headings,
        "2024;Region;1050000;1067931;km",
        f"2024;Detmold;150000;{number};km",
    ]
    # What the page shows as an example is a file the importer takes as it is.
    response = client.post(
        reverse("projects:indicator_import", args=[kilometres.pk]), {"file": csv_file(example + "\n")}
    )
    assert response.status_code == 302
    assert _values(kilometres) == before


def test_without_values_the_example_is_small_generic_numbers_in_the_indicators_unit(
    login, coordinator, project, member_a, settings, today
):
    municipalities = IndicatorFactory(project=project, name="Kommunen mit Wärmeplan", unit="Kommunen")
    client = login(coordinator)
    example = _example(_import_page(client, municipalities, "en", settings))
    year = today.year - 1
    # Not a million "Kommunen": round numbers that fit a count, a percentage or an amount alike,
    # and a member that takes part in the project.
    assert example.splitlines()[1:] == [f"{year};Region;10;8;Kommunen", f"{year};Detmold;1;1;Kommunen"]
    response = client.post(
        reverse("projects:indicator_import", args=[municipalities.pk]), {"file": csv_file(example + "\n")}
    )
    assert response.status_code == 302
    assert _values(municipalities) == {
        (year, None): (Decimal("10"), Decimal("8")),
        (year, member_a.pk): (Decimal("1"), Decimal("1")),
    }


@pytest.mark.parametrize(
    ("language", "help_text"),
    [
        (
            "en",
            "Columns: year/Jahr, organisation/Kommune (empty or “Region” for the whole region), target/Soll",
        ),
        ("de", "Spalten: Jahr, Kommune (leer oder „Region“ für die gesamte Region), Soll und/oder Ist"),
    ],
)
def test_the_column_help_names_the_readers_headings_first(
    login, coordinator, kilometres, settings, language, help_text
):
    assert help_text in html.unescape(_import_page(login(coordinator), kilometres, language, settings))
