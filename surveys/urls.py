from django.urls import path

from . import views

app_name = "surveys"

urlpatterns = [
    path("", views.survey_list, name="list"),
    path("new/", views.survey_create, name="create"),
    path("<int:pk>/", views.survey_detail, name="detail"),
    path("<int:pk>/settings/", views.survey_edit, name="edit"),
    path("<int:pk>/schedule/", views.survey_schedule, name="schedule"),
    path("<int:pk>/unschedule/", views.survey_unschedule, name="unschedule"),
    path("<int:pk>/close/", views.survey_close, name="close"),
    path("<int:pk>/delete/", views.survey_delete, name="delete"),
    path("<int:pk>/questions/", views.question_list, name="questions"),
    path("<int:pk>/questions/add/", views.question_add, name="question_add"),
    path("<int:pk>/questions/<int:question_pk>/", views.question_edit, name="question_edit"),
    path("<int:pk>/questions/<int:question_pk>/delete/", views.question_delete, name="question_delete"),
    path("<int:pk>/questions/<int:question_pk>/move/", views.question_move, name="question_move"),
    path("<int:pk>/recipients/", views.recipients, name="recipients"),
    path("<int:pk>/recipients/<int:recipient_pk>/remove/", views.recipient_remove, name="recipient_remove"),
    path("<int:pk>/results/", views.results, name="results"),
    path("<int:pk>/export.<str:fmt>", views.export, name="export"),
    path("<int:pk>/preview/", views.preview, name="preview"),
    path("<int:pk>/answer/", views.answer_start, name="answer"),
    path("r/<str:token>/", views.respond, name="respond"),
    path("thanks/", views.thanks, name="thanks"),
]
