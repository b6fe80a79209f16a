"""URLs for the 500 page test: the project's own, plus one view that fails."""

from django.urls import path

from regionalbuendnis.urls import handler500, urlpatterns  # noqa: F401


def broken(request):
    raise RuntimeError("Simulated failure for the 500 page test")


urlpatterns = [*urlpatterns, path("kaputt/", broken)]
