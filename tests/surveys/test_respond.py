"""The respondent's form: drafts, submitting, errors, and links that cannot be used."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from surveys import services, tokens
from surveys.enums import QuestionKind, SurveyStatus
from surveys.models import Answer, Recipient, Response, Survey, SurveyLink

from .conftest import berlin, form_data, full_answers, question

pytestmark = pytest.mark.django_db


def url(token):
    return reverse("surveys:respond", args=[token])


def nothing_stored(survey):
    return not Response.objects.filter(survey=survey).exists() and not Answer.objects.exists()


def test_form_in_the_recipients_language_with_labels(client, open_survey, rep_b):
    recipient = open_survey.recipients.get(person=rep_b)
    Recipient.objects.filter(pk=recipient.pk).update(language="en")
    token = services.link_create(recipient=recipient)
    response = client.get(url(token))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Overall, how satisfied are you with the work of the alliance this year?" in html
    assert "1 – very dissatisfied" in html
    assert "This survey is anonymous." in html
    assert response["Referrer-Policy"] == "same-origin"  # the token is not sent to other sites
    form = response.context["form"]
    # Every input has a label: radio/checkbox groups in a fieldset with legend, text with <label for>.
    for _question, field, other in form.question_blocks():
        if getattr(field.field.widget, "input_type", None) in ("radio", "checkbox"):
            for choice in field:
                assert f'for="{choice.id_for_label}"' in html
        else:
            assert f'for="{field.id_for_label}"' in html
        if other is not None:
            assert f'for="{other.id_for_label}"' in html
    assert html.count("<legend") == 5


def test_german_by_default(client, open_survey, token_a):
    html = client.get(url(token_a)).content.decode()
    assert "Wie zufrieden sind Sie insgesamt mit der Arbeit des Regionalbündnisses in diesem Jahr?" in html


def test_draft_is_kept_and_changeable_until_submitted(client, open_survey, token_a, recipient_a):
    answers = full_answers(open_survey, satisfaction=2)
    response = client.post(url(token_a), form_data(open_survey, answers, action="draft"))
    assert response.status_code == 302
    assert response["Location"] == url(token_a)
    recipient_a.refresh_from_db()
    satisfaction = question(open_survey, QuestionKind.SCALE)
    assert recipient_a.draft[str(satisfaction.pk)] == {"scale": 2}
    assert not recipient_a.answered
    assert nothing_stored(open_survey)

    # The draft is shown again and can be changed.
    page = client.get(url(token_a))
    assert page.context["form"][f"q{satisfaction.pk}"].value() == "2"
    client.post(
        url(token_a), form_data(open_survey, full_answers(open_survey, satisfaction=5), action="draft")
    )
    recipient_a.refresh_from_db()
    assert recipient_a.draft[str(satisfaction.pk)] == {"scale": 5}

    # A draft may be incomplete: the required question left out.
    incomplete = {k: v for k, v in answers.items() if k != satisfaction.pk}
    assert client.post(url(token_a), form_data(open_survey, incomplete, action="draft")).status_code == 302


def test_submit_stores_answers_and_wipes_the_draft(client, open_survey, token_a, recipient_a):
    client.post(url(token_a), form_data(open_survey, full_answers(open_survey), action="draft"))
    response = client.post(url(token_a), form_data(open_survey, full_answers(open_survey, satisfaction=3)))
    assert response.status_code == 302
    assert response["Location"] == reverse("surveys:thanks")
    recipient_a.refresh_from_db()
    assert recipient_a.answered and recipient_a.draft == {}
    (stored,) = Response.objects.filter(survey=open_survey)
    assert stored.organisation is None and stored.respondent_name == ""
    satisfaction = question(open_survey, QuestionKind.SCALE)
    assert stored.answers.get(question=satisfaction).scale_value == 3
    topics = question(open_survey, QuestionKind.MULTIPLE)
    topic_answer = stored.answers.get(question=topics)
    assert topic_answer.choices == [0, 2] and topic_answer.text == "Wasserstoff"

    # The link is used now: a clear page, nothing more stored.
    again = client.post(url(token_a), form_data(open_survey, full_answers(open_survey, satisfaction=1)))
    assert again.status_code == 200
    assert "Mit diesem Link wurden bereits Antworten abgeschickt." in again.content.decode()
    assert Response.objects.filter(survey=open_survey).count() == 1
    assert client.get(url(token_a)).status_code == 200


def test_missing_required_answer_is_announced(client, open_survey, token_a, recipient_a):
    satisfaction = question(open_survey, QuestionKind.SCALE)
    answers = {k: v for k, v in full_answers(open_survey).items() if k != satisfaction.pk}
    response = client.post(url(token_a), form_data(open_survey, answers))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "Bitte beantworten Sie diese Frage." in html
    assert f'href="#id_q{satisfaction.pk}_0"' in html
    assert f'aria-describedby="q{satisfaction.pk}-error"' in html
    assert 'aria-invalid="true"' in html
    recipient_a.refresh_from_db()
    assert not recipient_a.answered
    assert nothing_stored(open_survey)


def test_tampered_option_values_are_refused(client, open_survey, token_a):
    data = form_data(open_survey, full_answers(open_survey))
    frequency = question(open_survey, QuestionKind.SINGLE)
    data[f"q{frequency.pk}"] = "99"
    response = client.post(url(token_a), data)
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert nothing_stored(open_survey)


def test_empty_submission_is_refused(client, open_survey, token_a):
    Survey.objects.filter(pk=open_survey.pk)
    open_survey.questions.update(required=False)
    response = client.post(url(token_a), {"action": "submit"})
    assert "Bitte beantworten Sie mindestens eine Frage." in response.content.decode()
    assert nothing_stored(open_survey)


@pytest.mark.parametrize("token", ["x" * 43, "short", "a" * 42 + "!", "ä" * 43])
def test_tampered_link_shows_a_clear_404(client, open_survey, token_a, token):
    for response in (
        client.get(f"/survey/r/{token}/"),
        client.post(f"/survey/r/{token}/", form_data(open_survey, full_answers(open_survey))),
    ):
        assert response.status_code == 404
        assert "Dieser Link ist ungültig" in response.content.decode()
    assert nothing_stored(open_survey)


def test_link_with_nul_bytes_gets_the_bad_request_page_and_stores_nothing(client, open_survey, token_a):
    # NUL cannot reach PostgreSQL: the site-wide guard answers before the view with its 400 page.
    for response in (
        client.get(f"/survey/r/{'%00' * 15}/"),
        client.post(
            f"/survey/r/{token_a}/", {**form_data(open_survey, full_answers(open_survey)), "x": "\x00"}
        ),
    ):
        assert response.status_code == 400
    assert nothing_stored(open_survey)


def test_link_with_a_path_in_it_is_a_plain_404(client, open_survey):
    assert client.get("/survey/r/../../etc/passwd/").status_code == 404
    assert nothing_stored(open_survey)


def test_tampered_token_one_character_changed(client, open_survey, token_a):
    tampered = token_a[:-1] + ("A" if token_a[-1] != "A" else "B")
    response = client.post(url(tampered), form_data(open_survey, full_answers(open_survey)))
    assert response.status_code == 404
    assert "Dieser Link ist ungültig" in response.content.decode()
    assert "Es wurde nichts gespeichert." in response.content.decode()
    assert nothing_stored(open_survey)


def test_link_after_the_closing_date_has_expired(client, open_survey, token_a, recipient_a):
    with time_machine.travel(berlin(2026, 11, 30, 23, 59), tick=False):
        assert client.get(url(token_a)).status_code == 200
    with time_machine.travel(berlin(2026, 12, 1, 0, 1), tick=False):
        # The beat has not closed the survey yet: the link has expired all the same.
        response = client.post(
            url(token_a), form_data(open_survey, full_answers(open_survey), action="draft")
        )
    assert response.status_code == 410
    assert "Das Schlussdatum dieser Umfrage ist vorbei" in response.content.decode()
    recipient_a.refresh_from_db()
    assert recipient_a.draft == {}
    assert nothing_stored(open_survey)


def test_link_of_a_closed_survey(client, open_survey, token_a):
    services.survey_close(survey_id=open_survey.pk, now=datetime.datetime.now(datetime.UTC))
    response = client.post(url(token_a), form_data(open_survey, full_answers(open_survey)))
    assert response.status_code == 410
    assert "Diese Umfrage ist geschlossen" in response.content.decode()
    assert nothing_stored(open_survey)


def test_survey_closed_between_showing_and_submitting(client, open_survey, token_a, recipient_a):
    """The service re-checks under the lock: a submission after closing stores nothing."""
    Survey.objects.filter(pk=open_survey.pk).update(status=SurveyStatus.CLOSED)
    with pytest.raises(services.LinkUnusable) as error:
        services.response_submit(recipient_id=recipient_a.pk, answers=full_answers(open_survey))
    assert error.value.reason == "closed"
    assert nothing_stored(open_survey)


def test_only_the_hash_of_the_token_is_stored(open_survey, recipient_a, token_a):
    (link,) = SurveyLink.objects.filter(recipient=recipient_a)
    assert link.token_hash == tokens.hash_token(token_a)
    assert token_a not in link.token_hash
    assert tokens.looks_like_token(token_a)


def test_named_survey_says_so_and_stores_the_member(client, coordinator, rep_a, member_a, mid_october):
    from .conftest import make_survey, open_with_recipients

    survey = make_survey(year=2026, coordinator=coordinator, is_anonymous=False)
    open_with_recipients(survey, on=datetime.date(2026, 10, 1))
    recipient = survey.recipients.get(person=rep_a)
    token = services.link_create(recipient=recipient)
    html = client.get(url(token)).content.decode()
    assert "Diese Umfrage ist nicht anonym." in html
    assert "mit Ihrem Namen und Ihrem Mitglied (Stadt Detmold)" in html
    client.post(url(token), form_data(survey, full_answers(survey)))
    (stored,) = Response.objects.filter(survey=survey)
    assert stored.organisation == member_a
    assert stored.respondent_name == "Anna Detmold"


def test_logged_in_recipient_answers_from_the_dashboard(
    client, login, open_survey, rep_a, rep_b, recipient_a
):
    login(rep_a)
    dashboard = client.get(reverse("dashboard"))
    assert "Umfrage offen – bitte antworten Sie" in dashboard.content.decode()
    response = client.post(reverse("surveys:answer", args=[open_survey.pk]))
    assert response.status_code == 302
    token = response["Location"].rstrip("/").rsplit("/", 1)[1]
    assert services.recipient_for_token(token) == recipient_a
    # After answering, the card is gone and the button says the link is used.
    services.response_submit(recipient_id=recipient_a.pk, answers=full_answers(open_survey))
    assert client.post(reverse("surveys:answer", args=[open_survey.pk])).status_code == 200
    # Somebody who is not a recipient gets a 404, anonymous visitors the login page.
    login(None)
    assert client.post(reverse("surveys:answer", args=[open_survey.pk])).status_code == 302
    open_survey.recipients.filter(person=rep_b).delete()
    login(rep_b)
    assert client.post(reverse("surveys:answer", args=[open_survey.pk])).status_code == 404


def test_answer_start_needs_post(client, login, open_survey, rep_a):
    login(rep_a)
    assert client.get(reverse("surveys:answer", args=[open_survey.pk])).status_code == 405
