"""Results as charts and as a table of responses (CSV, XLSX).

The table has one row per response, in the random order of the responses' ids: it never shows
in which order answers arrived. Cells that a spreadsheet would read as a formula are prefixed
with an apostrophe.
"""

import csv
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING

from regionalbuendnis.charts import bar_chart

from .enums import CHOICE_KINDS, SCALE_POINTS, QuestionKind
from .models import Response
from .selectors import MIN_RESPONSES_FOR_RESULTS

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def scale_charts(question_results: list[dict]) -> dict:
    """{question pk: SVG bar chart of the answers per scale point}."""
    charts = {}
    for number, result in enumerate(question_results, start=1):
        if result["kind"] != QuestionKind.SCALE:
            continue
        # Short: the chart sits under the question's heading, which carries the full text.
        charts[result["question"].pk] = bar_chart(
            [str(point) for point in SCALE_POINTS],
            [result["distribution"][point] for point in SCALE_POINTS],
            title=_("Question %(number)s: answers per value (1–5)") % {"number": number},
        )
    return charts


def _cell(question, answer) -> str | int:
    if answer is None:
        return ""
    if question.kind == QuestionKind.SCALE:
        return answer.scale_value if answer.scale_value is not None else ""
    if question.kind in CHOICE_KINDS:
        options = question.options()
        chosen = [options[index] for index in answer.choices if 0 <= index < len(options)]
        if answer.text:
            chosen.append(_("Other: %(text)s") % {"text": answer.text})
        return "; ".join(chosen)
    return answer.text


def response_table(*, survey) -> dict | None:
    """{"header": [...], "rows": [[...], ...]} in the current language; None below three responses.

    Three queries: questions, responses (with their member), answers.
    """
    questions = list(survey.questions.all())
    responses = list(
        Response.objects.filter(survey=survey).select_related("organisation").prefetch_related("answers")
    )
    if len(responses) < MIN_RESPONSES_FOR_RESULTS:
        return None
    header = [_("No.")]
    if not survey.is_anonymous:
        header += [_("Member"), _("Respondent")]
    header += [question.text for question in questions]
    rows = []
    for number, response in enumerate(responses, start=1):
        answers = {answer.question_id: answer for answer in response.answers.all()}
        row = [number]
        if not survey.is_anonymous:
            row += [response.organisation.name if response.organisation else "", response.respondent_name]
        row += [_cell(question, answers.get(question.pk)) for question in questions]
        rows.append(row)
    return {"header": header, "rows": rows}


def _safe(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def as_csv(table: dict) -> bytes:
    """UTF-8 with BOM and semicolons, as German Excel opens it directly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([_safe(value) for value in table["header"]])
    writer.writerows([_safe(value) for value in row] for row in table["rows"])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def as_xlsx(table: dict, *, title: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Answers")[:31]
    sheet.append([str(value) for value in table["header"]])
    for row in table["rows"]:
        sheet.append(row)
    for row in sheet.iter_rows():
        for cell in row:
            # A string is never stored as a formula, whatever it starts with.
            if isinstance(cell.value, str):
                cell.data_type = TYPE_STRING
    sheet.freeze_panes = "A2"
    workbook.properties.title = title
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
