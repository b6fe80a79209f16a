from django.urls import path

from . import views, views_audit, views_privacy

app_name = "members"

urlpatterns = [
    path("", views.organisation_list, name="organisation_list"),
    path("people/", views.people_list, name="people_list"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:pk>/invite/", views.person_invite, name="person_invite"),
    path(
        "people/<int:pk>/calendar-token/",
        views.person_reset_calendar_token,
        name="person_reset_calendar_token",
    ),
    path("memberships/new/", views.membership_create, name="membership_create"),
    path("memberships/<int:pk>/edit/", views.membership_edit, name="membership_edit"),
    path("memberships/<int:pk>/end/", views.membership_end, name="membership_end"),
    path("people/<int:pk>/export/", views_privacy.person_export, name="person_export"),
    path("people/<int:pk>/anonymise/", views_privacy.person_anonymise, name="person_anonymise"),
    path("history/", views_audit.audit_log, name="audit_log"),
    path("<slug:slug>/", views.organisation_detail, name="organisation_detail"),
    path("<slug:slug>/edit/", views.organisation_edit, name="organisation_edit"),
]
