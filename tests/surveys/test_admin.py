"""The admin follows the app's rules: fixed questions and anonymity once the invitations are out."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_draft_is_editable_in_the_admin(admin_client, survey):
    page = admin_client.get(reverse("admin:surveys_survey_change", args=[survey.pk]))
    assert page.status_code == 200
    assert 'name="is_anonymous"' in page.content.decode()
    assert 'name="questions-0-text_de"' in page.content.decode()


def test_open_survey_keeps_anonymity_and_questions_in_the_admin(admin_client, open_survey):
    page = admin_client.get(reverse("admin:surveys_survey_change", args=[open_survey.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="is_anonymous"' not in html
    assert 'name="questions-0-text_de"' not in html
    assert 'name="closes_on"' in html
    assert admin_client.get(reverse("admin:surveys_survey_changelist")).status_code == 200
