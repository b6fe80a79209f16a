from django.urls import path

from . import views, views_delivery, views_history

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("mine/", views.my_meetings, name="my_meetings"),
    path("new/", views.meeting_create, name="create"),
    path("actions/", views.action_item_list, name="action_items"),
    path("actions/<int:item_pk>/done/", views.action_item_done, name="action_item_done"),
    path("actions/<int:item_pk>/delete/", views.action_item_delete, name="action_item_delete"),
    path("history/import/", views_history.history_import, name="history_import"),
    path("history/export/", views_history.history_export, name="history_export"),
    path("answer/<str:token>/", views.rsvp, name="rsvp"),
    path("check-in/<str:code>/", views.check_in, name="check_in"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/edit/", views.meeting_edit, name="edit"),
    path("<int:pk>/publish/", views.meeting_publish, name="publish"),
    path("<int:pk>/cancel/", views.meeting_cancel, name="cancel"),
    path("<int:pk>/delete/", views.meeting_delete, name="delete"),
    path("<int:pk>/duplicate/", views.meeting_duplicate, name="duplicate"),
    path("<int:pk>/answer/", views.meeting_respond, name="respond"),
    path("<int:pk>/agenda/", views.meeting_agenda, name="agenda"),
    path("<int:pk>/documents/", views.document_upload, name="document_upload"),
    path("<int:pk>/documents/<int:document_pk>/", views.document_download, name="document"),
    path("<int:pk>/documents/<int:document_pk>/delete/", views.document_delete, name="document_delete"),
    path("<int:pk>/invitees/", views.meeting_invitees, name="invitees"),
    path("<int:pk>/invitees/<int:invitation_pk>/remove/", views.invitation_remove, name="invitation_remove"),
    path("<int:pk>/attendance/", views.meeting_attendance, name="attendance"),
    path("<int:pk>/attendance/walk-in/", views.attendance_walk_in, name="attendance_walk_in"),
    path("<int:pk>/attendance/person/", views.attendance_mark_person, name="attendance_mark_person"),
    path("<int:pk>/attendance.pdf", views.attendance_pdf, name="attendance_pdf"),
    path("<int:pk>/check-in-code/", views.check_in_qr, name="check_in_qr"),
    path("<int:pk>/minutes/", views.meeting_minutes, name="minutes"),
    path("<int:pk>/actions/", views.action_item_create, name="action_item_create"),
    path("<int:pk>/meeting.ics", views.meeting_ics_download, name="ics"),
    path("<int:pk>/deliveries/", views_delivery.delivery_log, name="delivery_log"),
    path(
        "<int:pk>/deliveries/<int:delivery_pk>/resend/",
        views_delivery.delivery_resend_view,
        name="delivery_resend",
    ),
]
