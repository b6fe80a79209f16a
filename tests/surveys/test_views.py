"""Coordinator pages: permissions for every role, the pages' actions, constant query counts."""

import datetime

import pytest
from django.urls import reverse

from surveys.enums import QuestionKind, SurveyStatus
from surveys.models import Question, Recipient, Survey

from .conftest import full_answers, make_survey

pytestmark = pytest.mark.django_db


def coordinator_urls(survey):
    question = survey.questions.first()
    return [
        ("get", reverse("surveys:list")),
        ("get", reverse("surveys:create")),
        ("get", reverse("surveys:detail", args=[survey.pk])),
        ("get", reverse("surveys:edit", args=[survey.pk])),
        ("get", reverse("surveys:questions", args=[survey.pk])),
        ("get", reverse("surveys:question_add", args=[survey.pk])),
        ("get", reverse("surveys:question_edit", args=[survey.pk, question.pk])),
        ("get", reverse("surveys:recipients", args=[survey.pk])),
        ("get", reverse("surveys:results", args=[survey.pk])),
        ("get", reverse("surveys:export", args=[survey.pk, "csv"])),
        ("get", reverse("surveys:export", args=[survey.pk, "xlsx"])),
        ("get", reverse("surveys:preview", args=[survey.pk])),
        ("post", reverse("surveys:schedule", args=[survey.pk])),
        ("post", reverse("surveys:unschedule", args=[survey.pk])),
        ("post", reverse("surveys:close", args=[survey.pk])),
        ("post", reverse("surveys:delete", args=[survey.pk])),
        ("post", reverse("surveys:question_move", args=[survey.pk, question.pk])),
        ("post", reverse("surveys:question_delete", args=[survey.pk, question.pk])),
    ]


@pytest.mark.parametrize("who", ["rep_a", "deputy_a", "rep_b", "guest_user"])
def test_only_the_coordinator_gets_in(request, client, login, survey, who):
    login(request.getfixturevalue(who))
    for method, url in coordinator_urls(survey):
        assert getattr(client, method)(url).status_code == 403, url
    assert Survey.objects.get(pk=survey.pk).status == SurveyStatus.DRAFT
    assert survey.questions.count() == 6


def test_anonymous_visitors_are_sent_to_the_login(client, survey):
    for method, url in coordinator_urls(survey):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_coordinator_sees_every_page(client, login, coordinator, open_survey):
    login(coordinator)
    for method, url in coordinator_urls(open_survey):
        if method == "get":
            assert client.get(url).status_code in (200, 302), url


def test_unknown_survey_is_a_404(client, login, coordinator, mid_october):
    login(coordinator)
    assert client.get(reverse("surveys:detail", args=[999])).status_code == 404
    assert client.get(reverse("surveys:results", args=[999])).status_code == 404
    assert client.post(reverse("surveys:schedule", args=[999])).status_code == 404


def test_question_of_another_survey_is_a_404(client, login, coordinator, survey):
    other = make_survey(year=2025, coordinator=coordinator)
    login(coordinator)
    foreign = other.questions.first()
    assert client.get(reverse("surveys:question_edit", args=[survey.pk, foreign.pk])).status_code == 404


def test_list_query_count_is_constant(client, login, coordinator, mid_october, django_assert_num_queries):
    login(coordinator)
    make_survey(year=2026, coordinator=coordinator)
    client.get(reverse("surveys:list"))  # warm up the session and the coordinator's memberships
    with django_assert_num_queries(5) as one:  # with the paginator's count
        response = client.get(reverse("surveys:list"))
    assert len(response.context["surveys"]) == 1
    for year in range(2019, 2026):
        make_survey(year=year, coordinator=coordinator, status=SurveyStatus.CLOSED)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(reverse("surveys:list"))
    assert len(response.context["surveys"]) == 8
    assert [row["survey"].year for row in response.context["surveys"]][:2] == [2026, 2025]


def test_create_from_default_and_copy(client, login, coordinator, mid_october):
    login(coordinator)
    response = client.post(reverse("surveys:create"), {"year": 2025, "source": "default"})
    last = Survey.objects.get(year=2025)
    assert response["Location"] == reverse("surveys:detail", args=[last.pk])
    assert last.questions.count() == 6
    Question.objects.filter(survey=last, kind=QuestionKind.TEXT).update(
        text_de="Was noch?", text_en="Anything else?"
    )
    Recipient.objects.create(survey=last, email="partner@example.org", is_extra=True, language="en")
    Recipient.objects.create(survey=last, email="member@example.org", is_extra=False)

    page = client.get(reverse("surveys:create"))
    assert page.context["form"]["source"].value() == str(last.pk)
    client.post(reverse("surveys:create"), {"year": 2026, "source": str(last.pk)})
    new = Survey.objects.get(year=2026)
    assert new.title_de == "Feedback-Umfrage des Regionalbündnisses 2026"
    assert new.send_on == datetime.date(2026, 10, 1) and new.closes_on == datetime.date(2026, 11, 30)
    assert list(new.questions.values_list("text_de", flat=True))[-1] == "Was noch?"
    assert new.questions.filter(is_satisfaction=True).count() == 1
    assert list(new.recipients.values_list("email", "language", "is_extra")) == [
        ("partner@example.org", "en", True)
    ]

    again = client.post(reverse("surveys:create"), {"year": 2026, "source": "default"})
    assert again.status_code == 200
    assert again.context["form"].errors["year"]


def test_edit_settings_validates_and_keeps_bad_input_out(client, login, coordinator, survey):
    login(coordinator)
    url = reverse("surveys:edit", args=[survey.pk])
    data = {
        "title_de": "Umfrage",
        "title_en": "Survey",
        "is_anonymous": "on",
        "invite_members": "on",
        "send_on": "2026-10-01",
        "closes_on": "2026-10-10",
        "reminder_offsets": "14, 3",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "vor oder mit der Einladung" in response.context["form"].errors["reminder_offsets"][0]
    response = client.post(url, {**data, "closes_on": "2026-09-30"})
    assert response.context["form"].errors["closes_on"]
    response = client.post(url, {**data, "reminder_offsets": "drei"})
    assert response.context["form"].errors["reminder_offsets"]
    response = client.post(url, {**data, "reminder_offsets": "3, 3"})
    assert response.context["form"].errors["reminder_offsets"]
    survey.refresh_from_db()
    assert survey.title_de.startswith("Feedback-Umfrage") and survey.closes_on == datetime.date(2026, 11, 30)

    response = client.post(url, {**data, "closes_on": "2026-11-20", "reminder_offsets": "7"})
    assert response.status_code == 302
    survey.refresh_from_db()
    assert (survey.title_de, survey.closes_on, survey.reminder_offsets) == (
        "Umfrage",
        datetime.date(2026, 11, 20),
        [7],
    )


def test_open_survey_only_changes_closing_and_reminders(client, login, coordinator, open_survey):
    login(coordinator)
    url = reverse("surveys:edit", args=[open_survey.pk])
    client.post(
        url,
        {
            "title_de": "Neu",
            "title_en": "New",
            "send_on": "2026-10-20",
            "closes_on": "2026-12-15",
            "reminder_offsets": "5",
        },
    )
    open_survey.refresh_from_db()
    assert open_survey.title_de.startswith("Feedback-Umfrage")
    assert open_survey.is_anonymous
    assert open_survey.send_on == datetime.date(2026, 10, 1)
    assert (open_survey.closes_on, open_survey.reminder_offsets) == (datetime.date(2026, 12, 15), [5])


def test_questions_add_edit_move_delete(client, login, coordinator, survey):
    login(coordinator)
    add = reverse("surveys:question_add", args=[survey.pk])
    response = client.post(
        add, {"kind": "single", "text_de": "Ort?", "text_en": "Place?", "options_de": "Nur eine"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["options_de"]
    response = client.post(
        add,
        {
            "kind": "single",
            "text_de": "Ort?",
            "text_en": "Place?",
            "options_de": "Detmold\n\nLemgo\n",
            "options_en": "Detmold\nLemgo",
            "required": "on",
            "scale_labels_de": "stale",
        },
    )
    assert response.status_code == 302
    new = survey.questions.get(text_de="Ort?")
    assert new.options_de == ["Detmold", "Lemgo"] and new.scale_labels_de == [] and new.required
    assert new.position == 7

    # A second satisfaction question is refused; a non-scale one cannot be it.
    edit = reverse("surveys:question_edit", args=[survey.pk, new.pk])
    response = client.post(edit, {"kind": "scale", "text_de": "Z", "text_en": "S", "is_satisfaction": "on"})
    assert "bereits" in str(response.context["form"].errors["is_satisfaction"])
    response = client.post(
        edit,
        {"kind": "text", "text_de": "Wo?", "text_en": "Where?", "options_de": "a\nb", "allows_other": "on"},
    )
    assert response.status_code == 302
    new.refresh_from_db()
    assert (new.kind, new.options_de, new.allows_other) == ("text", [], False)

    client.post(reverse("surveys:question_move", args=[survey.pk, new.pk]), {"direction": "up"})
    order = list(survey.questions.values_list("pk", flat=True))
    assert order.index(new.pk) == 5
    client.post(reverse("surveys:question_move", args=[survey.pk, order[0]]), {"direction": "up"})
    assert list(survey.questions.values_list("pk", flat=True)) == order
    client.post(reverse("surveys:question_delete", args=[survey.pk, new.pk]))
    assert survey.questions.count() == 6


def test_questions_are_fixed_once_open(client, login, coordinator, open_survey):
    login(coordinator)
    question = open_survey.questions.first()
    response = client.post(
        reverse("surveys:question_edit", args=[open_survey.pk, question.pk]),
        {"kind": "text", "text_de": "Neu", "text_en": "New"},
    )
    assert response.status_code == 302
    client.post(reverse("surveys:question_delete", args=[open_survey.pk, question.pk]))
    client.post(
        reverse("surveys:question_add", args=[open_survey.pk]),
        {"kind": "text", "text_de": "X", "text_en": "X"},
    )
    question.refresh_from_db()
    assert question.kind == QuestionKind.SCALE and open_survey.questions.count() == 6


def test_schedule_unschedule_close_delete(client, login, coordinator, survey):
    login(coordinator)
    client.post(reverse("surveys:schedule", args=[survey.pk]))
    assert Survey.objects.get(pk=survey.pk).status == SurveyStatus.SCHEDULED
    client.post(reverse("surveys:delete", args=[survey.pk]))  # only drafts
    assert Survey.objects.filter(pk=survey.pk).exists()
    client.post(reverse("surveys:unschedule", args=[survey.pk]))
    assert Survey.objects.get(pk=survey.pk).status == SurveyStatus.DRAFT
    client.post(reverse("surveys:close", args=[survey.pk]))  # only open ones
    assert Survey.objects.get(pk=survey.pk).status == SurveyStatus.DRAFT
    survey.questions.all().delete()
    response = client.post(reverse("surveys:schedule", args=[survey.pk]), follow=True)
    assert "Fügen Sie zuerst mindestens eine Frage hinzu." in response.content.decode()
    assert Survey.objects.get(pk=survey.pk).status == SurveyStatus.DRAFT
    client.post(reverse("surveys:delete", args=[survey.pk]))
    assert not Survey.objects.filter(pk=survey.pk).exists()


def test_close_an_open_survey_by_hand(client, login, coordinator, open_survey):
    login(coordinator)
    client.post(reverse("surveys:close", args=[open_survey.pk]))
    assert Survey.objects.get(pk=open_survey.pk).status == SurveyStatus.CLOSED


def test_recipients_page(client, login, coordinator, survey, rep_a, deputy_a, rep_b):
    from tests.factories import MembershipFactory, UserFactory

    nomail = UserFactory(full_name="Otto Ohnemail", email=None)
    MembershipFactory(person=nomail, organisation=rep_b.member_organisations[0], role="deputy")
    login(coordinator)
    url = reverse("surveys:recipients", args=[survey.pk])
    page = client.get(url)
    assert [m.person for m in page.context["preview"]] == [deputy_a, rep_a, rep_b]
    assert page.context["without_address"] == 1

    assert (
        client.post(url, {"email": "Partner@Example.org", "name": "Partner", "language": "en"}).status_code
        == 302
    )
    response = client.post(url, {"email": "partner@example.org", "name": "", "language": "de"})
    assert response.context["form"].errors["email"]
    response = client.post(url, {"email": "kein-mail", "language": "de"})
    assert response.context["form"].errors["email"]
    (extra,) = survey.recipients.all()
    assert (extra.email, extra.language, extra.is_extra) == ("partner@example.org", "en", True)

    client.post(reverse("surveys:recipient_remove", args=[survey.pk, extra.pk]))
    assert not survey.recipients.exists()


def test_invited_recipient_cannot_be_removed(client, login, coordinator, open_survey):
    login(coordinator)
    recipient = open_survey.recipients.first()
    client.post(reverse("surveys:recipient_remove", args=[open_survey.pk, recipient.pk]))
    assert Recipient.objects.filter(pk=recipient.pk).exists()


def test_preview_renders_without_submitting(client, login, coordinator, survey):
    login(coordinator)
    page = client.get(reverse("surveys:preview", args=[survey.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="action"' not in html
    assert html.count("<fieldset") == 5


def test_dashboard_cards(client, login, coordinator, rep_a, rep_b, open_survey):
    from surveys import services

    login(coordinator)
    html = client.get(reverse("dashboard")).content.decode()
    assert reverse("surveys:results", args=[open_survey.pk]) in html
    login(rep_a)
    html = client.get(reverse("dashboard")).content.decode()
    assert reverse("surveys:answer", args=[open_survey.pk]) in html
    recipient = open_survey.recipients.get(person=rep_a)
    services.response_submit(recipient_id=recipient.pk, answers=full_answers(open_survey))
    html = client.get(reverse("dashboard")).content.decode()
    assert reverse("surveys:answer", args=[open_survey.pk]) not in html


def test_dashboard_provider_queries(coordinator, rep_a, open_survey, django_assert_num_queries):
    from surveys.dashboard import dashboard_sections

    coordinator.is_coordinator  # noqa: B018 - memberships are loaded by the login, not by the card
    with django_assert_num_queries(2):
        sections = dashboard_sections(coordinator)
    assert [s["template"] for s in sections] == ["surveys/dashboard_coordinator.html"]
    assert sections[0]["response_rate"] == 0
    rep_a.is_coordinator  # noqa: B018
    with django_assert_num_queries(1):
        sections = dashboard_sections(rep_a)
    assert [s["template"] for s in sections] == ["surveys/dashboard_answer.html"]


def test_coordinator_card_asks_for_this_years_survey(client, login, coordinator, mid_october):
    login(coordinator)
    create = reverse("surveys:create")
    assert create in client.get(reverse("dashboard")).content.decode()
    last = make_survey(year=2025, coordinator=coordinator, status=SurveyStatus.CLOSED)
    html = client.get(reverse("dashboard")).content.decode()
    assert reverse("surveys:detail", args=[last.pk]) in html and create in html
    this = make_survey(year=2026, coordinator=coordinator)
    html = client.get(reverse("dashboard")).content.decode()
    assert reverse("surveys:detail", args=[this.pk]) in html and create not in html


def test_question_list_shows_options_and_scale_labels_in_both_languages(client, login, coordinator, survey):
    login(coordinator)
    page = client.get(reverse("surveys:questions", args=[survey.pk])).content.decode()
    assert (
        '<span lang="de">Vierteljährlich (wie bisher)</span> / <span lang="en">Quarterly (as now)</span>'
        in page
    )
    assert '5 = <span lang="de">sehr zufrieden</span> / <span lang="en">very satisfied</span>' in page


def test_create_page_offers_the_first_year_without_a_survey(client, login, coordinator, mid_october):
    login(coordinator)
    assert client.get(reverse("surveys:create")).context["form"]["year"].value() == 2026
    make_survey(year=2026, coordinator=coordinator)
    make_survey(year=2027, coordinator=coordinator)
    page = client.get(reverse("surveys:create"))
    assert page.context["form"]["year"].value() == 2028
    # Last year's survey is what the new one copies by default.
    assert page.context["form"]["source"].value() == str(Survey.objects.get(year=2027).pk)
