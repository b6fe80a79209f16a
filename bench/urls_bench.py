"""URLs for the benchmark: the app's own URLs plus a trivial page with the same base template."""

from django.shortcuts import render
from django.urls import include, path


def trivial(request):
    return render(request, "base.html", {})


urlpatterns = [
    path("bench/trivial/", trivial),
    path("", include("regionalbuendnis.urls")),
]


def main_pages():
    """(name, url) of the main pages, measured against the large dataset."""
    return [
        ("dashboard", "/"),
        ("member list", "/members/"),
    ]
