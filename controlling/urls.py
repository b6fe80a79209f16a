from django.urls import path

from . import views

app_name = "controlling"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:year>/", views.year_detail, name="year"),
    path("<int:year>/targets/", views.targets_save, name="targets_save"),
    path("<int:year>/assessment/", views.review_save, name="review_save"),
    path("<int:year>/freeze/", views.freeze, name="freeze"),
    path("<int:year>/unfreeze/", views.unfreeze, name="unfreeze"),
    path("<int:year>/report.pdf", views.report_pdf, name="report_pdf"),
    path("<int:year>/report.json", views.report_json, name="report_json"),
    path("<int:year>/versions/<int:pk>/report.pdf", views.frozen_version_pdf, name="frozen_version_pdf"),
    # After the fixed paths above: "targets", "freeze" etc. are not sections.
    path("<int:year>/<slug:section>/", views.year_section, name="section"),
]
