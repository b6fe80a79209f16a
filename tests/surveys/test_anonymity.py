"""No database row links an answer to a person or a link: checked on the schema and on the rows."""

import datetime

import pytest
from django.apps import apps
from django.db import connection, models

from surveys import services
from surveys.models import Answer, Recipient, Response, SurveyLink

from .conftest import full_answers

pytestmark = pytest.mark.django_db

ANSWER_MODELS = (Response, Answer)


def table_columns(model) -> dict[str, str]:
    """The real columns of the table in PostgreSQL: name → data type."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = %s",
            [model._meta.db_table],
        )
        return dict(cursor.fetchall())


def foreign_key_targets(model) -> set[str]:
    """Tables the model's table references by foreign key constraints in the database."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
    return {c["foreign_key"][0] for c in constraints.values() if c["foreign_key"]}


def test_answer_tables_reference_neither_people_nor_recipients_nor_links():
    people_tables = {
        apps.get_model("members", "User")._meta.db_table,
        Recipient._meta.db_table,
        SurveyLink._meta.db_table,
    }
    assert foreign_key_targets(Response) == {"surveys_survey", "members_organisation"}
    assert foreign_key_targets(Answer) == {"surveys_response", "surveys_question"}
    for model in ANSWER_MODELS:
        assert not foreign_key_targets(model) & people_tables


def test_answer_tables_have_no_time_and_no_sequential_ids():
    for model in ANSWER_MODELS:
        columns = table_columns(model)
        assert not [name for name, kind in columns.items() if "time" in kind or kind == "date"], columns
        # Random primary keys: the order of ids does not tell in which order answers arrived.
        assert columns["id"] == "uuid"
        assert isinstance(model._meta.pk, models.UUIDField)
        assert not any(isinstance(f, models.DateField | models.DateTimeField) for f in model._meta.fields)
    assert set(table_columns(Response)) == {"id", "survey_id", "organisation_id", "respondent_name"}
    assert set(table_columns(Answer)) == {
        "id",
        "response_id",
        "question_id",
        "scale_value",
        "choices",
        "text",
    }


def test_rows_of_an_anonymous_response_carry_nothing_of_the_person(open_survey, rep_a, recipient_a, token_a):
    services.draft_save(recipient_id=recipient_a.pk, answers=full_answers(open_survey, satisfaction=2))
    services.response_submit(recipient_id=recipient_a.pk, answers=full_answers(open_survey, satisfaction=5))

    link = SurveyLink.objects.get(recipient=recipient_a)
    ids = {str(rep_a.pk), str(recipient_a.pk), str(link.pk)}
    texts = {rep_a.email, rep_a.full_name, recipient_a.email, token_a, link.token_hash, "Detmold"}
    with connection.cursor() as cursor:
        for model in ANSWER_MODELS:
            fields = model._meta.concrete_fields
            columns = ", ".join(field.column for field in fields)
            cursor.execute(f"SELECT {columns} FROM {model._meta.db_table}")  # noqa: S608 - names from the model
            for row in cursor.fetchall():
                cells = dict(zip([field.name for field in fields], row, strict=True))
                # Survey, question and scale value are small numbers by nature: equal to a person's
                # or a link's id by chance only (the schema test shows they reference nothing else).
                own_numbers = {cells.pop(name, None) for name in ("survey", "question", "scale_value")}
                assert not {str(value) for value in cells.values()} & (ids | texts), (model, cells)
                assert not {str(value) for value in own_numbers} & texts, (model, cells)
                if model is Response:
                    assert cells["organisation"] is None and cells["respondent_name"] == ""
                free_text = " ".join(
                    str(cells.get(name) or "") for name in ("text", "respondent_name", "choices")
                )
                assert not any(value in free_text for value in texts), (model, cells)
    (response,) = Response.objects.all()
    assert response.organisation_id is None and response.respondent_name == ""
    # The recipient row keeps that the link was used, but no answer and no draft.
    recipient_a.refresh_from_db()
    assert recipient_a.answered is True
    assert recipient_a.draft == {}
    assert not any(
        f.is_relation and f.related_model in ANSWER_MODELS for f in Recipient._meta.get_fields() if f.concrete
    )


def test_the_survey_is_anonymous_by_default(open_survey):
    assert open_survey.is_anonymous


def test_recipients_of_an_anonymous_survey_page_does_not_show_who_answered(
    client, login, coordinator, open_survey, recipient_a
):
    services.response_submit(recipient_id=recipient_a.pk, answers=full_answers(open_survey))
    login(coordinator)
    page = client.get(f"/survey/{open_survey.pk}/recipients/")
    assert page.status_code == 200
    assert "Geantwortet" not in page.content.decode()
    assert "Die Umfrage ist anonym: Diese Liste zeigt, wer eingeladen ist, nicht wer geantwortet hat." in (
        page.content.decode()
    )


def test_closing_deletes_every_draft(open_survey, recipient_a):
    services.draft_save(recipient_id=recipient_a.pk, answers=full_answers(open_survey))
    services.survey_close(survey_id=open_survey.pk, now=datetime.datetime.now(datetime.UTC))
    assert not Recipient.objects.exclude(draft={}).exists()
