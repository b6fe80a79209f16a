from django.contrib import admin
from django.urls import include, path

from members import views as member_views

from . import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("health/", views.health, name="health"),
    path("i18n/setlang/", member_views.set_language, name="set_language"),
    path("accounts/", include("members.account_urls")),
    path("members/", include("members.urls")),
    path("meetings/", include("meetings.urls")),
    path("projects/", include("projects.urls")),
    path("survey/", include("surveys.urls")),
    path("controlling/", include("controlling.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "regionalbuendnis.views.bad_request"
handler403 = "regionalbuendnis.views.permission_denied"
handler404 = "regionalbuendnis.views.page_not_found"
handler500 = "regionalbuendnis.views.server_error"
